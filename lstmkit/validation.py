"""Checks on what users pass to ``fit``, ``evaluate`` and ``predict``, made in Python
before anything is compiled, so a mistake is one clear ``ValueError``/``TypeError``
that names the argument, what was expected, what was given and how to fix it."""

import math
from numbers import Integral, Real

import numpy as np

from lstmkit import windowed


def numeric(name: str, value) -> np.ndarray:
    """``value`` as an array, refusing text, objects and other non-numeric data."""
    array = np.asarray(value)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number)
                                     or array.dtype == bool):
        raise TypeError(
            f"{name} must be numeric, got an array of dtype {array.dtype}. Convert text or "
            f"categories to numbers first (for example with lstmkit.utils.to_categorical).")
    return array


def is_number(value) -> bool:
    """A finite real number, Python's or NumPy's (``np.float32(0.9)``), and not a bool."""
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def check_finite(name: str, array: np.ndarray) -> None:
    """Refuse NaN and inf, saying where the first one is."""
    if not np.all(np.isfinite(array)):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(
            f"{name} contains NaN or inf, first at index {where} ({array[where]}). Drop or "
            f"fill the missing values first.")


def as_numeric_array(name: str, value) -> np.ndarray:
    """``value`` as a float32 array; refuses non-numeric data, empty data, NaN and inf."""
    if value is None:
        raise ValueError(f"{name} is required, got None.")
    array = numeric(name, value)
    if array.ndim == 0 or array.shape[0] == 0:
        raise ValueError(f"{name} has no samples (shape {array.shape}); pass at least one.")
    found = windowed.series_of(array)
    if found is not None:  # windows of a series: check and convert the series, not a copy
        series, step = found
        check_finite(f"{name} (the series its windows view)", series)
        return windowed.windows_of(series.astype(np.float32, copy=False), *array.shape[:2], step)
    check_finite(name, array)
    return array.astype(np.float32, copy=False)


def class_sample_weights(class_weight, y: np.ndarray) -> list[float]:
    """Keras's ``class_weight`` (``{class index: weight}``, classes from one-hot or integer
    y, absent ones weighing 1) as one weight per sample."""
    if not isinstance(class_weight, dict):
        raise TypeError(f"class_weight must be a dict {{class index: weight}}, got "
                        f"{type(class_weight).__name__}.")
    if y.ndim > 2:
        raise ValueError(f"class_weight needs one class per sample, but y has shape {y.shape} "
                         f"(a target per timestep); give sample_weight instead (as Keras "
                         f"asks).")
    labels = y.argmax(axis=-1) if y.ndim > 1 and y.shape[-1] != 1 else y.reshape(len(y))
    return [class_weight.get(int(label), 1.0) for label in np.round(labels)]


def sample_weights(sample_weight, y: np.ndarray) -> np.ndarray | None:
    """``sample_weight`` checked (one finite weight >= 0 per sample of y), or None."""
    if sample_weight is None:
        return None
    weights = numeric("sample_weight", sample_weight).astype(np.float32)
    if weights.shape != (len(y),):
        raise ValueError(f"sample_weight must hold one weight per sample, shape ({len(y)},), "
                         f"got shape {weights.shape}.")
    check_finite("sample_weight", weights)
    if np.any(weights < 0):
        at = int(np.argmax(weights < 0))
        raise ValueError(f"sample_weight must be >= 0, got {weights[at]} at index {at}.")
    return weights


def check_same_length(x: np.ndarray, y: np.ndarray) -> None:
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"x and y must have the same number of samples, got x with {x.shape[0]} "
            f"(shape {x.shape}) and y with {y.shape[0]} (shape {y.shape}).")


def check_batch_size(batch_size) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be an integer >= 1, got {batch_size!r}.")
    return int(batch_size)


def check_epochs(epochs, initial_epoch) -> None:
    for name, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
            raise ValueError(f"{name} must be an integer >= 0, got {value!r}.")


def check_validation_split(split) -> float:
    if isinstance(split, bool) or not isinstance(split, Real) or not 0 <= split < 1:
        raise ValueError(
            f"validation_split must be a fraction in [0, 1), got {split!r}; for example 0.1 "
            f"holds out the last 10% of the samples.")
    return float(split)


def check_input(x: np.ndarray, input_shape, layer_name: str) -> None:
    """x against the model's expected input shape (batch axis first, None = any)."""
    if x.ndim != len(input_shape):
        raise ValueError(_rank_message(x, input_shape, layer_name))
    for axis, (got, want) in enumerate(zip(x.shape[1:], input_shape[1:], strict=True), 1):
        if want is not None and got != want:
            what = "features (last axis)" if axis == x.ndim - 1 else f"size on axis {axis}"
            raise ValueError(
                f"Model input {layer_name!r} expects {want} {what}, got x of shape {x.shape}. "
                f"Pass data shaped like the data the model was built for: (samples, "
                f"{', '.join('any' if d is None else str(d) for d in input_shape[1:])}).")


def _rank_message(x, input_shape, layer_name):
    if len(input_shape) == 3:
        hint = ""
        if x.ndim == 2:
            n, t = x.shape
            hint = (f" For {t} timesteps of 1 feature use x.reshape({n}, {t}, 1); for 1 "
                    f"timestep of {t} features use x.reshape({n}, 1, {t}).")
        elif x.ndim == 1:
            hint = f" For one sequence of {x.shape[0]} steps use x.reshape(1, {x.shape[0]}, 1)."
        return (f"The recurrent layer {layer_name!r} expects 3-D input (samples, timesteps, "
                f"features), got x with shape {x.shape}.{hint}")
    return (f"Layer {layer_name!r} expects {len(input_shape)}-D input "
            f"{('(samples, ...)')}, got x with shape {x.shape}.")


def standardize_y(y: np.ndarray, output_shape, loss_name: str) -> np.ndarray:
    """Shape y like the model's output, or raise explaining the mismatch.

    Accepts Keras's conveniences: (N,) targets for a one-unit output, and integer labels
    (N,) or (N, 1) with ``sparse_categorical_crossentropy``.
    """
    units = output_shape[-1]
    if loss_name == "sparse_categorical_crossentropy":
        labels = y.reshape(y.shape[: len(output_shape) - 1])
        if labels.size and (labels.min() < 0 or labels.max() >= units):
            raise ValueError(
                f"y holds class labels from {int(labels.min())} to {int(labels.max())}, but "
                f"the output layer has {units} units (classes 0..{units - 1}).")
        return labels
    if y.ndim == len(output_shape) - 1 and units == 1:
        y = y[..., None]
    if y.shape[1:] == tuple(output_shape[1:]) or (
            y.ndim == len(output_shape)
            and all(o is None or o == s for s, o in zip(y.shape[1:], output_shape[1:],
                                                        strict=True))):
        return y
    if y.ndim == len(output_shape) and y.shape[-1] != units and loss_name.startswith("cat"):
        raise ValueError(
            f"y is one-hot with {y.shape[-1]} classes but the output layer has {units} units. "
            f"Make them agree: one-hot encode with to_categorical(labels, num_classes={units}) "
            f"or give the last Dense layer {y.shape[-1]} units.")
    raise ValueError(
        f"y has shape {y.shape} but the model's output has shape "
        f"{tuple(output_shape)} (None = any size). Reshape y or change the last layer.")
