"""Turn time series into LSTM samples: sliding windows, ordered splits, the scaled
train/test split in one call, and the ``(samples, timesteps, features)`` reshapes.

Row ``t`` of the data is time step ``t``. A window of ``lookback`` rows is one sample
``(lookback, features)``; its target is the next ``horizon`` rows of the target
column(s), or with ``horizon=0`` the target on the window's last row.
"""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from lstmkit.data.scalers import MinMaxScaler, StandardScaler

_SCALERS = {"minmax": MinMaxScaler, "standard": StandardScaler}


def _table(data) -> tuple[np.ndarray, list, list, pd.Index | None]:
    """``data`` as a 2-D ``(time, columns)`` array (a view where possible), the column
    names, each column's dtype, and the row index (pandas only, for error messages)."""
    if isinstance(data, pd.Series):
        name = 0 if data.name is None else data.name
        return data.to_numpy().reshape(-1, 1), [name], [data.dtype], data.index
    if isinstance(data, pd.DataFrame):
        return data.to_numpy(), list(data.columns), list(data.dtypes), data.index
    array = np.asarray(data)
    if array.ndim not in (1, 2):
        raise ValueError(
            f"data must be a 1-D series or a 2-D (time, columns) table, got shape "
            f"{array.shape}. For 3-D samples the windows are already made.")
    table = array.reshape(-1, 1) if array.ndim == 1 else array
    return table, list(range(table.shape[1])), [array.dtype] * table.shape[1], None


def _column_index(key, names: list) -> int:
    """The position of one column given by name or (possibly negative) index."""
    if key in names and not isinstance(key, bool):
        return names.index(key)
    if isinstance(key, Integral) and not isinstance(key, bool) and -len(names) <= key < len(
            names):
        return int(key) % len(names)
    raise ValueError(f"Column {key!r} does not exist; the columns are {names}.")


def _column_list(name: str, keys, names: list) -> list[int]:
    keys = [keys] if isinstance(keys, (str, Integral)) or not hasattr(keys, "__iter__") \
        else list(keys)
    if not keys:
        raise ValueError(f"{name} must name at least one column, got an empty list.")
    return [_column_index(key, names) for key in keys]


def _resolve_columns(targets, features, names: list, horizon: int):
    """Target and feature positions with the documented defaults."""
    tgt = _column_list("targets", names[-1] if targets is None else targets, names)
    if features is None:
        # horizon 0 reads the target on the window's own rows, so it cannot be an input
        feat = [i for i in range(len(names)) if horizon > 0 or i not in tgt]
    else:
        feat = _column_list("features", features, names)
    leaked = [names[i] for i in feat if i in tgt]
    if horizon == 0 and leaked:
        raise ValueError(
            f"With horizon=0 the target is read on the window's last row, so target "
            f"column(s) {leaked} cannot also be features (the model would see the answer). "
            f"Drop them from features, or use horizon >= 1 to predict the next values.")
    if not feat:
        raise ValueError(
            f"No feature columns left: the only column(s) {names} are the target(s) and "
            f"horizon=0. Use horizon >= 1 to forecast a series from its own past.")
    return tgt, feat


def _select(table: np.ndarray, cols: list[int], columns) -> np.ndarray:
    """The chosen columns as a float array, a view when they are evenly spaced floats."""
    names, dtypes, index = columns
    for col in cols:
        if not pd.api.types.is_numeric_dtype(dtypes[col]):
            raise TypeError(
                f"Column {names[col]!r} is not numeric (dtype {dtypes[col]}). Convert it to "
                f"numbers or leave it out of features/targets.")
    step = cols[1] - cols[0] if len(cols) > 1 else 1
    if step > 0 and cols == list(range(cols[0], cols[-1] + 1, step)):
        part = table[:, cols[0]:cols[-1] + 1:step]
    else:
        part = table[:, cols]
    if not np.issubdtype(part.dtype, np.floating):
        part = part.astype(np.float64)
    _check_finite(part, cols, names, index)
    return part


def _check_finite(part: np.ndarray, cols: list[int], names: list, index) -> None:
    bad = ~np.isfinite(part)
    if bad.any():
        row, j = (int(i) for i in np.argwhere(bad)[0])
        label = "" if index is None else f" (index label {index[row]!r})"
        raise ValueError(
            f"Column {names[cols[j]]!r} contains NaN or inf, first at row {row}{label}. "
            f"Drop or fill the missing values (for example with DataFrame.interpolate or "
            f"dropna) before making windows.")


def _check_sizes(n_rows: int, lookback, horizon, stride) -> None:
    for name, value, low in (("lookback", lookback, 1), ("horizon", horizon, 0),
                             ("stride", stride, 1)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}.")
    if lookback + max(horizon, 1) - (horizon == 0) > n_rows:
        raise ValueError(
            f"lookback={lookback} and horizon={horizon} need at least "
            f"{lookback + horizon} rows, but the series has {n_rows}. Use a shorter "
            f"lookback or horizon, or more data.")


def _windows(feat: np.ndarray, tgt: np.ndarray, lookback: int, horizon: int, stride: int):
    """X ``(n_windows, lookback, F)`` as a read-only view, y as described in
    ``sliding_windows``."""
    steps = max(horizon, 1)
    n_windows = len(feat) - lookback - horizon + 1
    x = sliding_window_view(feat, lookback, axis=0)  # (T - lookback + 1, F, lookback)
    x = x[:n_windows:stride].swapaxes(1, 2)
    first = lookback - (horizon == 0)  # row of the first window's first target
    y = sliding_window_view(tgt[first:], steps, axis=0)[:n_windows:stride].swapaxes(1, 2)
    y = y[..., 0] if tgt.shape[1] == 1 else y  # (n, steps) or (n, steps, n_targets)
    return x, y


def _prepare(data, lookback, horizon, targets, features, stride=1):
    """Feature ``(time, F)`` and target ``(time, T)`` float arrays, checked."""
    table, names, dtypes, index = _table(data)
    _check_sizes(len(table), lookback, horizon, stride)
    tgt, feat = _resolve_columns(targets, features, names, horizon)
    columns = (names, dtypes, index)
    return _select(table, feat, columns), _select(table, tgt, columns)


def sliding_windows(data, lookback: int, horizon: int = 1, *, targets=None, features=None,
                    stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into overlapping windows and the values that follow each.

    Window ``i`` holds rows ``i*stride .. i*stride + lookback - 1``. With ``horizon >= 1``
    its target is the next ``horizon`` rows of the target column(s); with ``horizon=0`` it
    is the target on the window's last row (a table of x1..x4 with an observed y, as in
    seed 003), and a target column may then not be a feature.

    Columns: a 1-D series is its own feature and target. For a 2-D table with neither
    given, all columns are features and the LAST column is the target (with
    ``horizon=0``: all other columns are features). ``targets``/``features`` take a
    column name, an index, or a list of either; a DataFrame's labels are matched first,
    then an integer is read as a position (negative counts from the end).

    Args:
        data: ``(time,)`` or ``(time, columns)`` array, pandas Series or DataFrame.
        lookback: rows per window, >= 1.
        horizon: target steps after the window (>= 1), or 0 for the window's last row.
        stride: rows between window starts.

    Returns:
        ``X`` of shape ``(n_windows, lookback, n_features)``, a read-only view of ``data``
        when no dtype conversion is needed (floating data), and ``y`` of shape
        ``(n_windows, max(horizon, 1))`` for one target or ``(n_windows, max(horizon, 1),
        n_targets)`` for several. ``n_windows = (n - lookback - horizon) // stride + 1``.
    """
    feat, tgt = _prepare(data, lookback, horizon, targets, features, stride)
    return _windows(feat, tgt, lookback, horizon, stride)


def _check_test_size(test_size) -> float:
    if isinstance(test_size, bool) or not isinstance(test_size, Real) or not 0 < test_size < 1:
        raise ValueError(
            f"test_size must be a fraction strictly between 0 and 1, got {test_size!r}; "
            f"for example 0.2 keeps the last 20% for testing.")
    return float(test_size)


def train_test_split(x, y, test_size: float = 0.2, shuffle: bool = False, seed=None):
    """Split samples into train and test sets, in order by default.

    The first ``round((1 - test_size) * n)`` samples train (the seeds' ``round(0.8 * n)``);
    with ``shuffle=True`` the samples are permuted first with ``numpy.random.default_rng
    (seed)``. Do not shuffle overlapping windows of one series: neighbours would leak.

    Args:
        x: ``(samples, ...)``.
        y: ``(samples, ...)``.

    Returns:
        ``(x_train, x_test, y_train, y_test)`` in scikit-learn's order.
    """
    test_size = _check_test_size(test_size)
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(
            f"x and y must have the same number of samples, got {len(x)} and {len(y)}.")
    n_train = round((1 - test_size) * len(x))
    if not 0 < n_train < len(x):
        raise ValueError(
            f"test_size={test_size} leaves {n_train} of {len(x)} samples for training and "
            f"{len(x) - n_train} for testing; both need at least one. Pass more samples or "
            f"another test_size.")
    if shuffle:
        order = np.random.default_rng(seed).permutation(len(x))
        x, y = x[order], y[order]
    return x[:n_train], x[n_train:], y[:n_train], y[n_train:]


@dataclass(frozen=True)
class WindowedSplit:
    """Train and test windows of one series, split in time, and the fitted scalers.

    Attributes:
        x_train, x_test: ``(n_windows, lookback, n_features)``.
        y_train, y_test: ``(n_windows, steps)`` or ``(n_windows, steps, n_targets)``.
        feature_scaler, target_scaler: fitted on the training rows, or None (no scaling).
        split_row: the first row of the test period.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_scaler: MinMaxScaler | StandardScaler | None
    target_scaler: MinMaxScaler | StandardScaler | None
    split_row: int

    def inverse_y(self, pred) -> np.ndarray:
        """Predictions (or ``y_*``) back in the target's units; same shape as ``pred``."""
        pred = np.asarray(pred)
        if self.target_scaler is None:
            return pred
        if self.target_scaler.n_features_in_ == 1:
            return self.target_scaler.inverse_transform(pred.reshape(-1, 1)).reshape(pred.shape)
        return self.target_scaler.inverse_transform(pred)


def _fit_scalers(scale, feat, tgt, split_row):
    if scale is None:
        return None, None
    if scale not in _SCALERS:
        raise ValueError(f"scale must be None, 'minmax' or 'standard', got {scale!r}.")
    return _SCALERS[scale]().fit(feat[:split_row]), _SCALERS[scale]().fit(tgt[:split_row])


def windowed_split(data, lookback: int, horizon: int = 1, *, targets=None, features=None,
                   test_size: float = 0.2, scale=None) -> WindowedSplit:
    """Windows of ``data`` split in time into train and test, optionally scaled.

    The rows are split at ``split_row = round((1 - test_size) * n_rows)``. Training
    windows are those whose targets all lie before ``split_row``; test windows are those
    whose first target lies at or after it (their inputs may reach back into the training
    period, so no test target is lost). With ``horizon > 1`` the few windows whose targets
    straddle the split are in neither set. Scalers are fitted on the training rows only.
    Columns and shapes are as in ``sliding_windows``.

    Args:
        data: ``(time,)`` or ``(time, columns)`` array, pandas Series or DataFrame.
        scale: None, 'minmax' or 'standard'.

    Returns:
        A ``WindowedSplit``; ``inverse_y(pred)`` undoes the target scaling.
    """
    test_size = _check_test_size(test_size)
    feat, tgt = _prepare(data, lookback, horizon, targets, features)
    split_row = round((1 - test_size) * len(feat))
    f_scaler, t_scaler = _fit_scalers(scale, feat, tgt, split_row)
    if scale is not None:
        feat, tgt = f_scaler.transform(feat), t_scaler.transform(tgt)
    x, y = _windows(feat, tgt, lookback, horizon, 1)
    first_target = np.arange(len(x)) + lookback - (horizon == 0)
    n_train = int(np.sum(first_target + max(horizon, 1) - 1 < split_row))
    test_from = int(np.searchsorted(first_target, split_row))
    if n_train == 0 or test_from == len(x):
        raise ValueError(
            f"{len(feat)} rows split at row {split_row} give {n_train} training and "
            f"{len(x) - test_from} test windows (lookback={lookback}, horizon={horizon}); "
            f"both need at least one. Use more rows, a shorter lookback, or another test_size.")
    return WindowedSplit(x[:n_train], y[:n_train], x[test_from:], y[test_from:],
                         f_scaler, t_scaler, split_row)


def as_sequences(x, columns_are: str | None = None, *, one_sequence: bool = False) -> np.ndarray:
    """Reshape data to the LSTM's 3-D ``(samples, timesteps, features)`` (a view).

    - 1-D ``(n,)``: one sequence of ``n`` steps of one feature, ``(1, n, 1)``; seed 004's
      ``[0.1, ..., 1.0]`` becomes ``(1, 10, 1)``.
    - 2-D ``(samples, columns)``, one sample per row: ``columns_are='timesteps'`` (the
      default) gives ``(samples, columns, 1)``; ``columns_are='features'`` gives
      ``(samples, 1, columns)`` (seed 001's two framings of 3 letters).
    - 2-D ``(timesteps, columns)`` with ``one_sequence=True``: the whole table is ONE
      sample whose rows are timesteps and columns are features, ``(1, timesteps,
      columns)``; seed 004's two parallel series ``(10, 2)`` become ``(1, 10, 2)``.
    - 3-D: returned unchanged.
    """
    array = np.asarray(x)
    if columns_are not in (None, "timesteps", "features"):
        raise ValueError(
            f"columns_are must be 'timesteps' or 'features', got {columns_are!r}.")
    if one_sequence and columns_are == "timesteps":
        raise ValueError(
            "one_sequence=True reads rows as timesteps and columns as features; drop "
            "columns_are='timesteps' or one_sequence=True.")
    if array.ndim == 1:
        return array.reshape(1, -1, 1)  # (1, timesteps, 1)
    if array.ndim == 3:
        return array
    if array.ndim != 2:
        raise ValueError(
            f"as_sequences expects 1-D, 2-D or 3-D data, got shape {array.shape}.")
    if one_sequence:
        return array[np.newaxis]  # (1, timesteps, features)
    if columns_are == "features":
        return array[:, np.newaxis, :]  # (samples, 1, features)
    return array[:, :, np.newaxis]  # (samples, timesteps, 1)
