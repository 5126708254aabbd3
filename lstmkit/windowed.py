"""Windows of a long series as model input, never copied out of their series.

``sliding_windows`` returns X as a read-only strided view of its series: window ``i``
starts ``i * step`` rows in. Materialised, the windows of a 10-million-point float32
series with lookback 100 take 4 GB; the series itself takes 40 MB. ``fit``, ``evaluate``
and ``predict`` recognise such a view from its strides (so slices of it, such as a
validation split, are recognised too), send only the series and each window's first row
to the device, and build each batch's windows inside the compiled program.
"""

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np
from numpy.lib.stride_tricks import as_strided


@functools.partial(jax.tree_util.register_dataclass, data_fields=["series"],
                   meta_fields=["count", "lookback", "step"])
@dataclasses.dataclass(frozen=True)
class Windows:
    """Windows on the device: window ``i`` is rows ``i * step`` to ``i * step + lookback - 1``
    of ``series``. Only the series is an array; the rest is fixed when a program compiles."""

    series: jax.Array | np.ndarray  # (rows, features)
    count: int
    lookback: int
    step: int


def series_of(x) -> tuple[np.ndarray, int] | None:
    """The series (rows, features) and row step behind ``x`` (windows, lookback, features)
    when ``x`` is a view of overlapping windows of one series; otherwise ``None``."""
    if not isinstance(x, np.ndarray) or x.ndim != 3 or x.base is None or 0 in x.shape:
        return None
    window_stride, row_stride, feature_stride = x.strides
    if row_stride <= 0 or window_stride <= 0 or window_stride % row_stride:
        return None
    step = window_stride // row_stride
    if step >= x.shape[1]:
        return None  # windows that do not overlap cost no more than their series
    rows = (x.shape[0] - 1) * step + x.shape[1]
    series = as_strided(x, shape=(rows, x.shape[2]), strides=(row_stride, feature_stride),
                        writeable=False)
    return series, step


def windows_of(series: np.ndarray, count: int, lookback: int, step: int) -> np.ndarray:
    """The read-only view of ``count`` windows of ``lookback`` rows, ``step`` rows apart."""
    row_stride, feature_stride = series.strides
    return as_strided(series, shape=(count, lookback, series.shape[1]),
                      strides=(step * row_stride, row_stride, feature_stride), writeable=False)


def packed(x):
    """``x`` as the compiled programs take it: a windows view as ``Windows`` (so only its
    series goes to the device), any other array (or None) as is."""
    found = series_of(x)
    if found is None:
        return x
    series, step = found
    return Windows(np.ascontiguousarray(series), *x.shape[:2], step)


def count(x) -> int:
    """The number of samples in ``x`` (an array or ``Windows``)."""
    return x.count if isinstance(x, Windows) else x.shape[0]


def take(x, indices):
    """The samples ``indices`` of ``x``: for ``Windows``, built from the series (a gather)."""
    if isinstance(x, Windows):
        return x.series[indices[:, None] * x.step + jnp.arange(x.lookback)]
    return x[indices]
