"""Keras 2's ``keras.backend`` (``from keras import backend as K``): the tensor functions
tutorials write custom losses and metrics with, as JAX functions, and ``clear_session``.

A metric such as ``def rmse(y_true, y_pred): return K.sqrt(K.mean(K.square(y_pred -
y_true), axis=-1))`` then runs inside lstmkit's compiled programs unchanged. Reductions
take Keras's ``axis=None, keepdims=False``.
"""

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
