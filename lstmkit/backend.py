"""Keras 2's ``keras.backend`` (``from keras import backend as K``): the tensor functions
tutorials write custom losses and metrics with, as JAX functions, and ``clear_session``.

A metric such as ``def rmse(y_true, y_pred): return K.sqrt(K.mean(K.square(y_pred -
y_true), axis=-1))`` then runs inside lstmkit's compiled programs unchanged. Reductions
take Keras's ``axis=None, keepdims=False``.
"""

import builtins

import jax
import jax.numpy as jnp
import numpy as np

from lstmkit.layers import base

_EPSILON = 1e-7


def epsilon() -> float:
    """The fuzz factor Keras adds to avoid dividing by zero (1e-7)."""
    return _EPSILON


def floatx() -> str:
    return "float32"


def clear_session() -> None:
    """Start afresh, as Keras does between models built in a loop: layer names count from
    ``lstm`` again and JAX's in-memory compiled programs are released."""
    base.reset_names()
    jax.clear_caches()


def _reduction(fn):
    def reduce(x, axis=None, keepdims=False):
        return fn(x, axis=axis, keepdims=keepdims)
    reduce.__name__ = fn.__name__
    reduce.__doc__ = f"``{fn.__name__}`` over ``axis`` (all axes by default)."
    return reduce


mean, sum, max, min, std, var, prod = (  # Keras's names, builtins shadowed on purpose
    _reduction(f) for f in (jnp.mean, jnp.sum, jnp.max, jnp.min, jnp.std, jnp.var, jnp.prod))
sqrt, square, abs, exp, log, sign, round = (
    jnp.sqrt, jnp.square, jnp.abs, jnp.exp, jnp.log, jnp.sign, jnp.round)
maximum, minimum, pow, equal, greater, less = (
    jnp.maximum, jnp.minimum, jnp.power, jnp.equal, jnp.greater, jnp.less)
sigmoid, tanh, relu, softmax = jax.nn.sigmoid, jnp.tanh, jax.nn.relu, jax.nn.softmax
ones_like, zeros_like, transpose, reshape, dot = (
    jnp.ones_like, jnp.zeros_like, jnp.transpose, jnp.reshape, jnp.dot)


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """Keras 2's ``K.function([model.input], [model.layers[i].output])``: a function of
    ``[x]`` that returns the listed layers' outputs for ``x`` (in inference mode). Extra
    inputs, such as ``K.learning_phase()``, are taken and ignored."""
    from lstmkit.models import Model  # models imports the layers, which import this

    inputs = list(inputs) if isinstance(inputs, list | tuple) else [inputs]
    outputs = list(outputs) if isinstance(outputs, list | tuple) else [outputs]
    models = [Model(inputs=inputs[0], outputs=output) for output in outputs]

    def run(values):
        x = values[0] if isinstance(values, list | tuple) else values
        return [model.predict(x, verbose=0) for model in models]
    return run


def learning_phase() -> int:
    """Keras 2's learning-phase input of ``K.function``: 0 (inference), ignored."""
    return 0


def get_value(x):
    """A value as a NumPy array or float: ``K.get_value(model.optimizer.lr)``."""
    if isinstance(x, Rate):
        return float(x)
    if callable(x):
        raise TypeError(f"K.get_value got {x!r}, a function (a learning-rate schedule, whose "
                        f"value changes with every step); call it with a step number "
                        f"instead: schedule(step).")
    return np.asarray(x)


def set_value(x, value) -> None:
    """Keras 2's ``K.set_value(model.optimizer.lr, 0.001)``: set an optimizer's learning
    rate (the only variable lstmkit exposes this way)."""
    if not isinstance(x, Rate):
        raise TypeError("K.set_value takes model.optimizer.lr (or .learning_rate) of an "
                        f"optimizer with a numeric learning rate, got {x!r}; lstmkit's arrays "
                        f"are values, not variables, and a schedule's rate is not settable.")
    x.optimizer.learning_rate = float(value)


class Rate(float):
    """An optimizer's learning rate as ``optimizer.lr`` gives it: a float that knows its
    optimizer, so that ``K.set_value`` can change it."""

    def __new__(cls, value, optimizer):
        rate = super().__new__(cls, value)
        rate.optimizer = optimizer
        return rate


def clip(x, min_value, max_value):
    return jnp.clip(x, min_value, max_value)


def cast(x, dtype):
    return jnp.asarray(x).astype(dtype)


def argmax(x, axis=-1):
    return jnp.argmax(x, axis=axis)


def expand_dims(x, axis=-1):
    return jnp.expand_dims(x, axis)


def squeeze(x, axis):
    return jnp.squeeze(x, axis)


def stack(x, axis=0):
    return jnp.stack(x, axis=axis)


def concatenate(tensors, axis=-1):
    return jnp.concatenate(tensors, axis=axis)


def constant(value, dtype="float32"):
    return jnp.asarray(value, dtype)


def int_shape(x) -> tuple:
    return tuple(x.shape)


# What custom layers (attention) and losses write with, Keras 2's signatures.
not_equal, greater_equal, less_equal = jnp.not_equal, jnp.greater_equal, jnp.less_equal
softplus, elu, tile, permute_dimensions = jax.nn.softplus, jax.nn.elu, jnp.tile, jnp.transpose


def switch(condition, then_expression, else_expression):
    """Keras 2's ``switch``: a condition of lower rank than the values gets axes added at
    its end (a (B, T) mask picks whole (B, T, F) feature vectors)."""
    then_expression = then_expression() if callable(then_expression) else then_expression
    else_expression = else_expression() if callable(else_expression) else else_expression
    condition = jnp.asarray(condition)
    rank = builtins.max(jnp.ndim(then_expression), jnp.ndim(else_expression))
    if condition.ndim > rank:
        raise ValueError(f"K.switch: the condition's rank ({condition.ndim}) is above the "
                         f"values' ({rank}); it must be at most theirs.")
    return jnp.where(condition.reshape(condition.shape + (1,) * (rank - condition.ndim)),
                     then_expression, else_expression)


def shape(x) -> tuple:
    """The shape, known while tracing (Keras's is a tensor; a tuple indexes the same)."""
    return tuple(x.shape)


def variable(value, dtype="float32", name=None):
    return jnp.asarray(value, dtype)


def zeros(shape, dtype="float32", name=None):
    return jnp.zeros(shape, dtype)


def ones(shape, dtype="float32", name=None):
    return jnp.ones(shape, dtype)


def repeat(x, n):
    """(B, F) -> (B, n, F), as RepeatVector."""
    return jnp.repeat(x[:, None, :], n, axis=1)


def repeat_elements(x, rep, axis):
    return jnp.repeat(x, rep, axis=axis)


def flatten(x):
    return jnp.reshape(x, (-1,))


def batch_flatten(x):
    return jnp.reshape(x, (x.shape[0], -1))


def l2_normalize(x, axis=None):
    return x / jnp.sqrt(jnp.maximum(jnp.sum(jnp.square(x), axis=axis, keepdims=True),
                                    1e-12))  # Keras's floor for l2_normalize


def batch_dot(x, y, axes=None):
    """Keras's ``batch_dot``: for each sample, ``x[i]`` and ``y[i]`` contracted over
    ``axes`` (by default x's last and y's second-to-last, or last for a 2-D y); a 1-D
    result gets a trailing axis of 1, as in Keras."""
    if axes is None:
        axes = (x.ndim - 1, y.ndim - 2 if y.ndim > 2 else y.ndim - 1)
    elif isinstance(axes, int):
        axes = (axes, axes)
    a, b = axes[0] % x.ndim, axes[1] % y.ndim
    out = jax.lax.dot_general(x, y, (((a,), (b,)), ((0,), (0,))))
    return out[:, None] if out.ndim == 1 else out
