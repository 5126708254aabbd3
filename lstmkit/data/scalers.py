"""Per-column scalers with scikit-learn's conventions (``fit`` returns ``self``, learned
attributes end in ``_``), for the array ranks sequence models use.

A "column" (feature) is the last axis: a 1-D array ``(samples,)`` is one column, a 2-D
array ``(samples, features)`` has ``features`` columns, and a 3-D array ``(samples,
timesteps, features)`` is scaled per feature over all samples and timesteps. The
transformed array has the input's shape; floating inputs keep their dtype, other numeric
inputs become float64. Statistics are kept in float64.
"""

import numpy as np

from lstmkit import validation


def _as_float_array(name: str, x) -> np.ndarray:
    """``x`` as a floating array of rank 1 to 3 with finite values."""
    array = validation.numeric(name, x)
    if array.ndim not in (1, 2, 3):
        raise ValueError(
            f"{name} must be 1-D (samples,), 2-D (samples, features) or 3-D (samples, "
            f"timesteps, features), got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); pass at least one sample.")
    validation.check_finite(name, array)
    return array if np.issubdtype(array.dtype, np.floating) else array.astype(np.float64)


def _columns(x: np.ndarray) -> np.ndarray:
    """``x`` as ``(rows, features)``: a 1-D array is one feature."""
    return x.reshape(-1, 1) if x.ndim == 1 else x.reshape(-1, x.shape[-1])


def _n_features(x: np.ndarray) -> int:
    return 1 if x.ndim == 1 else x.shape[-1]


def _nonzero(scale: np.ndarray) -> np.ndarray:
    """A scale near 0 (a constant column) becomes 1, with scikit-learn's threshold."""
    return np.where(scale < 10 * np.finfo(np.float64).eps, 1.0, scale)


class _Scaler:
    """The shared shell: input checks, fitted-state checks, reshaping."""

    def _check_fitted(self, method: str) -> None:
        if not hasattr(self, "n_features_in_"):
            raise ValueError(
                f"This {type(self).__name__} is not fitted yet; call fit(x) or "
                f"fit_transform(x) before {method}.")

    def _prepare(self, x, method: str) -> np.ndarray:
        self._check_fitted(method)
        array = _as_float_array("x", x)
        if _n_features(array) != self.n_features_in_:
            raise ValueError(
                f"x has {_n_features(array)} features (shape {array.shape}), but this "
                f"{type(self).__name__} was fitted on {self.n_features_in_}. Pass data with "
                f"the same columns, or fit the scaler again.")
        return array

    def _apply(self, x, method: str, fn) -> np.ndarray:
        array = self._prepare(x, method)
        out = fn(_columns(array).astype(np.float64))
        return out.reshape(array.shape).astype(array.dtype, copy=False)

    def fit_transform(self, x) -> np.ndarray:
        """``fit(x)`` then ``transform(x)``; same shape as ``x``."""
        return self.fit(x).transform(x)

    def transform(self, x) -> np.ndarray:
        """Scale ``x`` (1-D, 2-D or 3-D, features on the last axis); same shape."""
        return self._apply(x, "transform", self._forward)

    def inverse_transform(self, x) -> np.ndarray:
        """Undo ``transform``: scaled values back to the original units; same shape."""
        return self._apply(x, "inverse_transform", self._backward)


class MinMaxScaler(_Scaler):
    """Scale each feature to ``feature_range``: ``x * scale_ + min_``.

    Args:
        feature_range: ``(low, high)`` with ``low < high``; default ``(0, 1)``.

    Attributes (after ``fit``), each of shape ``(features,)``:
        data_min_, data_max_, data_range_: per-feature statistics of the fitted data.
        scale_: ``(high - low) / data_range_`` (a range below ``10 * eps`` counts as 1).
        min_: ``low - data_min_ * scale_``.
        n_features_in_: the number of features seen by ``fit``.
    """

    def __init__(self, feature_range=(0, 1)):
        low, high = feature_range
        if not low < high:
            raise ValueError(
                f"feature_range must be (low, high) with low < high, got {feature_range!r}; "
                f"for example (0, 1) or (-1, 1).")
        self.feature_range = feature_range

    def fit(self, x, y=None) -> "MinMaxScaler":
        """Learn each feature's min and max from ``x``; ``y`` is ignored. Returns self."""
        cols = _columns(_as_float_array("x", x)).astype(np.float64)
        low, high = self.feature_range
        self.data_min_ = cols.min(axis=0)
        self.data_max_ = cols.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        self.scale_ = (high - low) / _nonzero(self.data_range_)
        self.min_ = low - self.data_min_ * self.scale_
        self.n_features_in_ = cols.shape[1]
        return self

    def _forward(self, cols):
        return cols * self.scale_ + self.min_

    def _backward(self, cols):
        return (cols - self.min_) / self.scale_


class StandardScaler(_Scaler):
    """Scale each feature to zero mean and unit variance: ``(x - mean_) / scale_``.

    Attributes (after ``fit``), each of shape ``(features,)``:
        mean_: per-feature mean of the fitted data.
        var_: per-feature (population, ``ddof=0``) variance.
        scale_: ``sqrt(var_)`` (1 for a constant feature or one below ``10 * eps``).
        n_features_in_: the number of features seen by ``fit``.
    """

    def fit(self, x, y=None) -> "StandardScaler":
        """Learn each feature's mean and variance from ``x``; ``y`` is ignored. Returns self."""
        cols = _columns(_as_float_array("x", x)).astype(np.float64)
        self.mean_ = cols.mean(axis=0)
        self.var_ = cols.var(axis=0)
        # a constant column's float variance can be 1e-35 rather than 0: test max == min
        constant = cols.max(axis=0) == cols.min(axis=0)
        self.scale_ = _nonzero(np.where(constant, 0.0, np.sqrt(self.var_)))
        self.n_features_in_ = cols.shape[1]
        return self

    def _forward(self, cols):
        return (cols - self.mean_) / self.scale_

    def _backward(self, cols):
        return cols * self.scale_ + self.mean_
