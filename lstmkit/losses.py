"""Loss functions by Keras name: ``loss(y_true, y_pred) -> per-sample values``.

Each reduces the last axis only (shape (B,) for (B, K) outputs, (B, T) for sequences), as
Keras losses do; the training loop averages over samples. Probabilities are clipped to
``[1e-7, 1 - 1e-7]`` before logarithms, with Keras 3's formulas, so values match Keras.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp

from lstmkit.registry import config_name, lookup

EPSILON = 1e-7
Loss = Callable[[jax.Array, jax.Array], jax.Array]


def mean_squared_error(y_true, y_pred):
    return jnp.mean(jnp.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    return jnp.mean(jnp.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * |y - p| / |y|``, with ``|y|`` floored at 1e-7 so zeros do not divide."""
    ratio = jnp.abs(y_true - y_pred) / jnp.maximum(jnp.abs(y_true), EPSILON)
    return 100.0 * jnp.mean(ratio, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    log_pred = jnp.log(jnp.maximum(y_pred, EPSILON) + 1.0)
    log_true = jnp.log(jnp.maximum(y_true, EPSILON) + 1.0)
    return jnp.mean(jnp.square(log_pred - log_true), axis=-1)


def huber(y_true, y_pred, delta: float = 1.0):
    """Quadratic within ``delta`` of the target, linear beyond it."""
    err = jnp.abs(y_pred - y_true)
    quadratic = 0.5 * jnp.square(err)
    linear = delta * err - 0.5 * delta**2
    return jnp.mean(jnp.where(err <= delta, quadratic, linear), axis=-1)


def binary_crossentropy(y_true, y_pred):
    """Log loss of probabilities ``y_pred`` (a sigmoid output) against 0/1 targets."""
    p = jnp.clip(y_pred, EPSILON, 1.0 - EPSILON)
    log_likelihood = y_true * jnp.log(p) + (1.0 - y_true) * jnp.log(1.0 - p)
    return -jnp.mean(log_likelihood, axis=-1)


def _log_probabilities(y_pred):
    p = y_pred / jnp.sum(y_pred, axis=-1, keepdims=True)
    return jnp.log(jnp.clip(p, EPSILON, 1.0 - EPSILON))


def categorical_crossentropy(y_true, y_pred):
    """Cross-entropy of one-hot targets against class probabilities (a softmax output)."""
    return -jnp.sum(y_true * _log_probabilities(y_pred), axis=-1)


def sparse_categorical_crossentropy(y_true, y_pred):
    """Cross-entropy of integer class targets (B,) or (B, 1) against probabilities (B, K)."""
    labels = sparse_labels(y_true, y_pred)
    one_hot = jax.nn.one_hot(labels, y_pred.shape[-1], dtype=y_pred.dtype)
    return -jnp.sum(one_hot * _log_probabilities(y_pred), axis=-1)


def sparse_labels(y_true, y_pred):
    """Integer labels shaped like ``y_pred`` without its class axis."""
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_true.astype(jnp.int32)


LOSSES: dict[str, Loss] = {
    "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error,
    "mean_absolute_error": mean_absolute_error,
    "mape": mean_absolute_percentage_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "huber": huber,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}


def get(identifier: str | Loss) -> Loss:
    """Resolve a loss name or pass a callable ``(y_true, y_pred) -> values`` through."""
    return lookup("loss", identifier, LOSSES)


def to_config(identifier: str | Loss):
    """The loss as a saved config names it: a name, or the callable when it is a custom one."""
    return config_name(identifier, LOSSES)
