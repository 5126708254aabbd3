"""Metrics by Keras name or as Keras's metric classes, and Keras's resolution of
``'accuracy'``.

A metric is a per-sample function ``(y_true, y_pred) -> values`` (like a loss) plus a
``finalize`` applied to the mean over an epoch: the identity, or a square root for
``rmse``. Means are accumulated over whole epochs, weighted by sample, as Keras does.
"""

from collections.abc import Callable
from typing import NamedTuple

import jax.numpy as jnp

from lstmkit import losses, validation
from lstmkit.registry import config_name, from_config, lookup, name_of


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


def accuracy(y_true, y_pred):
    """The share of exactly equal values (Keras's ``Accuracy`` class, not ``'accuracy'``)."""
    return jnp.mean(jnp.equal(y_true, y_pred).astype(jnp.float32), axis=-1)


# ----- Keras's metric classes ------------------------------------------------------------
class MeanMetric:
    """Base of Keras's metric classes that are means over samples
    (``keras.metrics.MeanAbsoluteError()``, ...): a per-sample function and the name
    History reports it under. On their own they keep Keras's running mean
    (``update_state``, ``result``, ``reset_state``; calling one updates and returns it)."""

    default_name = ""
    rises = False  # whether larger values are better (for callbacks' mode='auto')

    def __init__(self, name=None):
        self.name = losses.object_name(self, name)
        self.reset_state()

    fn: Callable  # the per-sample function, for the classes that take no setting

    def values(self, y_true, y_pred):
        return self.fn(y_true, y_pred)

    @staticmethod
    def finalize(mean):
        return mean

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        values = self.values(*losses.same_rank(jnp.asarray(y_true, jnp.float32),
                                               jnp.asarray(y_pred, jnp.float32)))
        weights = jnp.ones_like(values) if sample_weight is None else jnp.asarray(
            sample_weight, jnp.float32)
        values, weights = losses.same_rank(values, weights)
        # a weight per sample covers all of its timesteps
        weights = weights.reshape(weights.shape + (1,) * (values.ndim - weights.ndim))
        weights = jnp.broadcast_to(weights, jnp.broadcast_shapes(values.shape, weights.shape))
        self._total += float(jnp.sum(values * weights))
        self._count += float(jnp.sum(weights))

    def result(self) -> float:
        return float(self.finalize(self._total / self._count)) if self._count else 0.0

    def reset_state(self) -> None:
        self._total = self._count = 0.0

    def __call__(self, y_true, y_pred, sample_weight=None) -> float:
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name}


class MeanSquaredError(MeanMetric):
    default_name = "mean_squared_error"
    fn = staticmethod(losses.mean_squared_error)


class RootMeanSquaredError(MeanSquaredError):
    default_name = "root_mean_squared_error"
    finalize = staticmethod(jnp.sqrt)


class MeanAbsoluteError(MeanMetric):
    default_name = "mean_absolute_error"
    fn = staticmethod(losses.mean_absolute_error)


class MeanAbsolutePercentageError(MeanMetric):
    default_name = "mean_absolute_percentage_error"
    fn = staticmethod(losses.mean_absolute_percentage_error)


class MeanSquaredLogarithmicError(MeanMetric):
    default_name = "mean_squared_logarithmic_error"
    fn = staticmethod(losses.mean_squared_logarithmic_error)


class Accuracy(MeanMetric):
    default_name = "accuracy"
    rises = True
    fn = staticmethod(accuracy)


class BinaryAccuracy(MeanMetric):
    default_name = "binary_accuracy"
    rises = True

    def __init__(self, name=None, threshold=0.5):
        if not validation.is_number(threshold):
            raise ValueError(f"BinaryAccuracy threshold must be a number, got {threshold!r}.")
        self.threshold = float(threshold)
        super().__init__(name)

    def values(self, y_true, y_pred):
        return binary_accuracy(y_true, y_pred, self.threshold)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


class CategoricalAccuracy(MeanMetric):
    default_name = "categorical_accuracy"
    rises = True
    fn = staticmethod(categorical_accuracy)


class SparseCategoricalAccuracy(MeanMetric):
    default_name = "sparse_categorical_accuracy"
    rises = True
    fn = staticmethod(sparse_categorical_accuracy)


CLASSES = {cls.__name__.lower(): cls for cls in (
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, Accuracy, BinaryAccuracy, CategoricalAccuracy,
    SparseCategoricalAccuracy)}


# ----- by name or object ----------------------------------------------------------------
def accuracy_for(loss_name: str, y_true_shape, output_shape) -> Callable:
    """Keras's choice behind ``'accuracy'``: binary, sparse or categorical accuracy."""
    if loss_name == "binary_crossentropy" or output_shape[-1] == 1:
        return binary_accuracy
    sparse = len(y_true_shape) < len(output_shape) or y_true_shape[-1] == 1
    if loss_name == "sparse_categorical_crossentropy" or sparse:
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(identifier, *, loss_name: str, y_true_shape, output_shape) -> Metric:
    """Resolve a metric name, Keras metric object or callable for a model's loss and
    target/output shapes."""
    if isinstance(identifier, MeanMetric):
        return Metric(identifier.name, identifier.values, identifier.finalize)
    name = name_of(identifier)
    fn = lookup("metric", identifier, _FUNCTIONS)
    if fn is None:
        fn = accuracy_for(loss_name, y_true_shape, output_shape)
    if isinstance(identifier, str) and identifier.lower() in _ROOTS:
        return Metric(name, fn, jnp.sqrt)
    return Metric(name, fn)


def rises(name: str, compiled=()) -> bool | None:
    """Whether a metric named ``name`` improves upward (accuracies), downward (the loss and
    every error metric), or ``None`` when the name does not say (a custom function). A
    metric object among the ``compiled`` metrics says it by its class, whatever its name."""
    for metric in compiled:
        if isinstance(metric, MeanMetric) and metric.name == name:
            return metric.rises
    name = name.lower()
    if name in ("acc", "accuracy") or name.endswith("_accuracy"):
        return True
    if name == "loss" or name in _ROOTS or name in losses.LOSSES:
        return False
    return None


def check(identifier) -> None:
    """Fail early (at ``compile``) on an unknown metric name."""
    lookup("metric", identifier, _FUNCTIONS)


def instance(identifier):
    """A metric class given without parentheses (``RootMeanSquaredError``, which Keras
    takes) as an instance; anything else as it is."""
    if isinstance(identifier, type) and issubclass(identifier, MeanMetric):
        return identifier()
    return identifier


def name(identifier) -> str:
    """The History key of a metric: the name written, or a metric object's ``name``."""
    return identifier.name if isinstance(identifier, MeanMetric) else name_of(identifier)


def to_config(identifier):
    """The metric as a saved config names it: a name, a Keras metric object's class and
    settings, or the callable when it is a custom one (which saving refuses)."""
    if isinstance(identifier, MeanMetric):
        return losses.class_config(identifier, CLASSES)
    return config_name(identifier, _FUNCTIONS)


def from_config_entry(entry):
    """The inverse of ``to_config`` for what a file may hold: a name or a class's config."""
    if isinstance(entry, dict):
        return from_config("metric class", entry, CLASSES)
    return entry
