"""Loss functions by Keras name: ``loss(y_true, y_pred) -> per-sample values``, and
Keras's loss classes (``MeanSquaredError()``, ``SparseCategoricalCrossentropy(
from_logits=True)``, ...) around them.

Each reduces the last axis only (shape (B,) for (B, K) outputs, (B, T) for sequences), as
Keras losses do; the training loop averages over samples. Probabilities are clipped to
``[1e-7, 1 - 1e-7]`` before logarithms, with Keras 3's formulas, so values match Keras.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp

from lstmkit import validation
from lstmkit.registry import config_name, from_config, lookup

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


def binary_crossentropy_from_logits(y_true, logits):
    """``binary_crossentropy`` of ``sigmoid(logits)``, computed from the logits (stable)."""
    log_p, log_not_p = jax.nn.log_sigmoid(logits), jax.nn.log_sigmoid(-logits)
    return -jnp.mean(y_true * log_p + (1.0 - y_true) * log_not_p, axis=-1)


def categorical_crossentropy_from_logits(y_true, logits):
    return -jnp.sum(y_true * jax.nn.log_softmax(logits, axis=-1), axis=-1)


def sparse_categorical_crossentropy_from_logits(y_true, logits):
    labels = sparse_labels(y_true, logits)
    log_p = jax.nn.log_softmax(logits, axis=-1)
    return -jnp.take_along_axis(log_p, labels[..., None], axis=-1)[..., 0]


# ----- Keras's loss classes -------------------------------------------------------------
class LossFunction:
    """Base of Keras's loss classes: a per-sample loss and its settings.

    ``compile`` trains on ``values`` (per sample); calling the object returns the
    (weighted) mean over every sample, as calling a Keras loss object does.
    """

    default_name = ""
    keras_name = ""  # the loss-function name it computes (for Keras's choice of accuracy)

    def __init__(self, name=None, reduction="sum_over_batch_size"):
        if reduction not in ("sum_over_batch_size", "auto"):
            raise ValueError(
                f"{type(self).__name__} takes reduction='sum_over_batch_size' (the mean over "
                f"samples, which fit and evaluate use), got {reduction!r}.")
        self.name = object_name(self, name)
        self.reduction = reduction

    fn: Loss  # the per-sample function, for the classes that take no setting

    def values(self, y_true, y_pred):
        return self.fn(y_true, y_pred)

    def __call__(self, y_true, y_pred, sample_weight=None):
        values = self.values(*same_rank(jnp.asarray(y_true, jnp.float32),
                                        jnp.asarray(y_pred, jnp.float32)))
        if sample_weight is not None:
            values, weights = same_rank(values, jnp.asarray(sample_weight, jnp.float32))
            values = values * weights
        return jnp.mean(values)

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}


class MeanSquaredError(LossFunction):
    default_name = keras_name = "mean_squared_error"
    fn = staticmethod(mean_squared_error)


class MeanAbsoluteError(LossFunction):
    default_name = keras_name = "mean_absolute_error"
    fn = staticmethod(mean_absolute_error)


class MeanAbsolutePercentageError(LossFunction):
    default_name = keras_name = "mean_absolute_percentage_error"
    fn = staticmethod(mean_absolute_percentage_error)


class MeanSquaredLogarithmicError(LossFunction):
    default_name = keras_name = "mean_squared_logarithmic_error"
    fn = staticmethod(mean_squared_logarithmic_error)


class Huber(LossFunction):
    default_name, keras_name = "huber_loss", "huber"

    def __init__(self, delta=1.0, name=None, reduction="sum_over_batch_size"):
        super().__init__(name, reduction)
        self.delta = _number("Huber delta", delta, lambda v: v > 0, "> 0")

    def values(self, y_true, y_pred):
        return huber(y_true, y_pred, self.delta)

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


class _Crossentropy(LossFunction):
    """A cross-entropy of probabilities, or of logits with ``from_logits=True``."""

    def __init__(self, from_logits=False, label_smoothing=0.0, name=None,
                 reduction="sum_over_batch_size"):
        super().__init__(name, reduction)
        if not isinstance(from_logits, bool):
            raise TypeError(f"{type(self).__name__} from_logits must be True or False, got "
                            f"{from_logits!r}.")
        self.from_logits = from_logits
        self.label_smoothing = _number(f"{type(self).__name__} label_smoothing",
                                       label_smoothing, lambda v: 0 <= v <= 1, "in [0, 1]")

    def values(self, y_true, y_pred):
        if self.label_smoothing:
            y_true = self.smooth(y_true, y_pred.shape[-1])
        return (self.from_logits_fn if self.from_logits else self.probabilities_fn)(
            y_true, y_pred)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class BinaryCrossentropy(_Crossentropy):
    default_name = keras_name = "binary_crossentropy"
    probabilities_fn = staticmethod(binary_crossentropy)
    from_logits_fn = staticmethod(binary_crossentropy_from_logits)

    def smooth(self, y_true, classes):
        return y_true * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing


class CategoricalCrossentropy(_Crossentropy):
    default_name = keras_name = "categorical_crossentropy"
    probabilities_fn = staticmethod(categorical_crossentropy)
    from_logits_fn = staticmethod(categorical_crossentropy_from_logits)

    def smooth(self, y_true, classes):
        return y_true * (1.0 - self.label_smoothing) + self.label_smoothing / classes


class SparseCategoricalCrossentropy(_Crossentropy):
    default_name = keras_name = "sparse_categorical_crossentropy"
    probabilities_fn = staticmethod(sparse_categorical_crossentropy)
    from_logits_fn = staticmethod(sparse_categorical_crossentropy_from_logits)

    def __init__(self, from_logits=False, name=None, reduction="sum_over_batch_size"):
        super().__init__(from_logits, 0.0, name, reduction)

    def get_config(self):
        config = super().get_config()
        del config["label_smoothing"]
        return config


def object_name(obj, name) -> str:
    """A loss or metric object's name: the one given (a string), else its class's."""
    if name is not None and not isinstance(name, str):
        raise TypeError(f"{type(obj).__name__} name must be a string, got {name!r}.")
    return name or obj.default_name


def same_rank(a, b):
    """``a`` and ``b`` brought to the same rank as Keras's loss and metric objects bring
    ``y_true`` and ``y_pred`` (or values and weights) when one has an extra trailing axis
    of size 1: a rank-1 partner gains that axis, any other loses it. Targets (N,) against
    predictions (N, 1) must not broadcast to (N, N)."""
    if a.ndim == b.ndim + 1 and a.shape[-1] == 1:
        return (a, b[..., None]) if b.ndim == 1 else (a[..., 0], b)
    if b.ndim == a.ndim + 1 and b.shape[-1] == 1:
        return (a[..., None], b) if a.ndim == 1 else (a, b[..., 0])
    return a, b


CLASSES = {cls.__name__.lower(): cls for cls in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, Huber, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy)}


def _number(name: str, value, valid: Callable[[float], bool], expected: str) -> float:
    if not validation.is_number(value) or not valid(value):
        raise ValueError(f"{name} must be a number {expected}, got {value!r}.")
    return float(value)


# ----- by name or object ----------------------------------------------------------------
def instance(identifier):
    """A loss class given without parentheses (``loss=MeanSquaredError``, which Keras
    takes) as an instance; anything else as it is."""
    if isinstance(identifier, type) and issubclass(identifier, LossFunction):
        return identifier()
    return identifier


def get(identifier: str | Loss | LossFunction) -> Loss:
    """The per-sample function of a loss name, a Keras loss object, or a callable
    ``(y_true, y_pred) -> values`` (passed through)."""
    if isinstance(identifier, LossFunction):
        return identifier.values
    return lookup("loss", identifier, LOSSES)


def name(identifier) -> str:
    """The loss-function name behind ``identifier`` (``'sparse_categorical_crossentropy'``
    for ``SparseCategoricalCrossentropy(name='xe')``), for choices that depend on it."""
    if isinstance(identifier, LossFunction):
        return identifier.keras_name
    return identifier.lower() if isinstance(identifier, str) else getattr(
        identifier, "__name__", type(identifier).__name__)


def to_config(identifier: str | Loss | LossFunction):
    """The loss as a saved config names it: a name, a Keras loss object's class and
    settings, or the callable when it is a custom one (which saving refuses)."""
    if isinstance(identifier, LossFunction):
        return class_config(identifier, CLASSES)
    return config_name(identifier, LOSSES)


def class_config(obj, classes: dict):
    """``{"class_name", "config"}`` of one of lstmkit's loss or metric classes, or the object
    itself (which saving refuses by name) when it is a subclass no file could rebuild."""
    if classes.get(type(obj).__name__.lower()) is not type(obj):
        return obj
    return {"class_name": type(obj).__name__, "config": obj.get_config()}


def from_config_entry(entry):
    """The inverse of ``to_config`` for what a file may hold: a name or a class's config."""
    if isinstance(entry, dict):
        return from_config("loss class", entry, CLASSES)
    return entry
