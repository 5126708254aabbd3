"""Metrics by Keras name, and Keras's resolution of ``'accuracy'``.

A metric is a per-sample function ``(y_true, y_pred) -> values`` (like a loss) plus a
``finalize`` applied to the mean over an epoch: the identity, or a square root for
``rmse``. Means are accumulated over whole epochs, weighted by sample, as Keras does.
"""

from collections.abc import Callable
from typing import NamedTuple

import jax.numpy as jnp

from lstmkit import losses
from lstmkit.registry import config_name, lookup, name_of


class Metric(NamedTuple):
    name: str  # the key in History, as the user wrote it
    fn: Callable
    finalize: Callable = lambda mean: mean


def binary_accuracy(y_true, y_pred, threshold: float = 0.5):
    return jnp.mean(jnp.equal(y_true, (y_pred > threshold).astype(y_true.dtype)), axis=-1)


def categorical_accuracy(y_true, y_pred):
    return jnp.equal(jnp.argmax(y_true, -1), jnp.argmax(y_pred, -1)).astype(jnp.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    labels = losses.sparse_labels(y_true, y_pred)
    return jnp.equal(labels, jnp.argmax(y_pred, -1)).astype(jnp.float32)


_FUNCTIONS = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "rmse": losses.mean_squared_error,
    "root_mean_squared_error": losses.mean_squared_error,
    "accuracy": None,  # resolved per task by `accuracy_for`
    "acc": None,
    **{name: fn for name, fn in losses.LOSSES.items()},
}
_ROOTS = {"rmse", "root_mean_squared_error"}


def accuracy_for(loss_name: str, y_true_shape, output_shape) -> Callable:
    """Keras's choice behind ``'accuracy'``: binary, sparse or categorical accuracy."""
    if loss_name == "binary_crossentropy" or output_shape[-1] == 1:
        return binary_accuracy
    sparse = len(y_true_shape) < len(output_shape) or y_true_shape[-1] == 1
    if loss_name == "sparse_categorical_crossentropy" or sparse:
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(identifier, *, loss_name: str, y_true_shape, output_shape) -> Metric:
    """Resolve a metric name or callable for a model's loss and target/output shapes."""
    name = name_of(identifier)
    fn = lookup("metric", identifier, _FUNCTIONS)
    if fn is None:
        fn = accuracy_for(loss_name, y_true_shape, output_shape)
    if isinstance(identifier, str) and identifier.lower() in _ROOTS:
        return Metric(name, fn, jnp.sqrt)
    return Metric(name, fn)


def rises(name: str) -> bool | None:
    """Whether a metric named ``name`` improves upward (accuracies), downward (the loss and
    every error metric), or ``None`` when the name does not say (a custom function)."""
    name = name.lower()
    if name in ("acc", "accuracy") or name.endswith("_accuracy"):
        return True
    if name == "loss" or name in _ROOTS or name in losses.LOSSES:
        return False
    return None


def check(identifier) -> None:
    """Fail early (at ``compile``) on an unknown metric name."""
    lookup("metric", identifier, _FUNCTIONS)


def to_config(identifier):
    """The metric as a saved config names it: a name, or the callable when it is a custom one."""
    return config_name(identifier, _FUNCTIONS)
