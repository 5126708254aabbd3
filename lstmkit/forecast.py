"""Forecasting one column of a table with an LSTM: what ``lstmkit fit``, ``evaluate``,
``predict`` and ``plot`` do, as functions of a table (``lstmkit.tables``) and a model.

The model reads windows of ``lookback`` rows of the feature columns, scaled, and
forecasts the next ``horizon`` values of the target column. ``Preparation`` records
that recipe with the scalers fitted on the training rows; it goes into the model file
as ``model.preparation``, so the file alone turns a CSV file into forecasts in the
target's own units. Forecasts further ahead than ``horizon`` feed the forecasts back in
as inputs, which needs the target to be the only feature. Accuracy is measured in the
target's units next to persistence (the last known value, repeated): a model that does
not beat it has learned nothing useful.
"""

import os
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from lstmkit import tables
from lstmkit.data import MinMaxScaler, StandardScaler, WindowedSplit, windowed_split
from lstmkit.layers import GRU, LSTM, Dense, Dropout, SimpleRNN
from lstmkit.models import Sequential, load_model
from lstmkit.plotting import plot_forecast
from lstmkit.serialization import field, require

KIND = "lstmkit forecast"  # marks a preparation written by prepare() / lstmkit fit
_SCALER = (MinMaxScaler, StandardScaler, type(None))


# ----- accuracy -----------------------------------------------------------------------
def _errors(actual, predicted) -> np.ndarray:
    return np.ravel(np.asarray(predicted, np.float64)) - np.ravel(np.asarray(actual, np.float64))


def mse(actual, predicted) -> float:
    return float(np.mean(_errors(actual, predicted) ** 2))


def rmse(actual, predicted) -> float:
    return float(np.sqrt(mse(actual, predicted)))


def mae(actual, predicted) -> float:
    return float(np.mean(np.abs(_errors(actual, predicted))))


def mape(actual, predicted) -> float:
    """Mean absolute percentage error over the actual values that are not 0 (a
    percentage of 0 has no meaning); NaN when all are 0."""
    actual = np.ravel(np.asarray(actual, np.float64))
    errors, known = _errors(actual, predicted), actual != 0
    if not known.any():
        return float("nan")
    return float(100 * np.mean(np.abs(errors[known] / actual[known])))


MEASURES = {"RMSE": rmse, "MAE": mae, "MAPE": mape}


# ----- the preparation ------------------------------------------------------------------
@dataclass(frozen=True)
class Preparation:
    """How a table becomes the model's inputs, and its outputs values again.

    Attributes:
        target: the column forecast.
        features: the columns the model reads, in order (the target may be one).
        lookback: rows per input window; horizon: values forecast per window.
        feature_scaler, target_scaler: fitted on the training rows, or None.
        time_column: a column of times (not an input), or None; time_step: its step, a
            number or a pandas frequency for dates.
        trained_on: which rows trained the model, for ``lstmkit summary``.
    """

    target: str
    features: tuple[str, ...]
    lookback: int
    horizon: int
    feature_scaler: MinMaxScaler | StandardScaler | None = None
    target_scaler: MinMaxScaler | StandardScaler | None = None
    time_column: str | None = None
    time_step: int | float | str | None = None
    trained_on: str = ""

    def as_dict(self) -> dict:
        """The ``model.preparation`` dict that the model file keeps."""
        return {"kind": KIND, **{f.name: getattr(self, f.name) for f in fields(self)}}

    @classmethod
    def from_dict(cls, data, where: str) -> "Preparation":
        """The inverse of ``as_dict``, checking every entry (the file may be altered)."""
        if not isinstance(data, dict) or data.get("kind") != KIND:
            raise ValueError(
                f"{where} has no data preparation from `lstmkit fit` (columns, lookback, "
                f"scalers), so it cannot read a CSV file; `lstmkit summary` shows the model.")
        kinds = {"target": str, "features": (list, tuple), "lookback": int, "horizon": int,
                 "feature_scaler": _SCALER, "target_scaler": _SCALER,
                 "time_column": (str, type(None)), "time_step": (int, float, str, type(None)),
                 "trained_on": str}
        values = {name: field(data, name, kind, f"{where}: preparation")
                  for name, kind in kinds.items()}
        values["features"] = tuple(require(f, str, f"{where}: preparation features")
                                   for f in values["features"])
        return cls(**values)

    def inputs(self, table: pd.DataFrame, path: str) -> np.ndarray:
        """The feature columns of ``table``, checked and scaled: ``(rows, features)``."""
        values = tables.numbers(table, self.features, "a feature of the model", path)
        return values if self.feature_scaler is None else self.feature_scaler.transform(values)

    def target_values(self, table: pd.DataFrame, path: str) -> np.ndarray:
        """The target column of ``table``, checked, in its units: ``(rows,)``."""
        return tables.numbers(table, [self.target], "the model's target", path)[:, 0]

    def to_units(self, predicted: np.ndarray) -> np.ndarray:
        """Model outputs ``(..., horizon)`` back in the target's units."""
        if self.target_scaler is None:
            return np.asarray(predicted, np.float64)
        flat = np.reshape(predicted, (-1, 1)).astype(np.float64)
        return self.target_scaler.inverse_transform(flat).reshape(np.shape(predicted))

    def check_length(self, rows: int, path: str, *, forecast_rows: int) -> None:
        """Refuse a table too short for one window of ``lookback`` rows plus
        ``forecast_rows`` known values to compare a forecast with."""
        if rows < self.lookback + forecast_rows:
            compare = f" and {forecast_rows} to compare with its forecast" if forecast_rows else ""
            raise ValueError(
                f"{path} has {rows} rows, too few for a lookback of {self.lookback}: a window "
                f"needs {self.lookback + forecast_rows} ({self.lookback} to read{compare}). "
                f"Use more rows, or fit with a shorter --lookback.")


def prepare(table: pd.DataFrame, path: str, *, target: str, features=None, lookback: int,
            horizon: int = 1, time_column=None, test_size: float = 0.2,
            scale: str = "minmax") -> tuple[Preparation, WindowedSplit]:
    """The training and test windows of ``table`` and the preparation that made them.

    The first ``round((1 - test_size) * rows)`` rows train (the scalers are fitted on
    them only); the windows forecasting the rest test. ``features`` defaults to the target.
    """
    features = tuple(features or (target,))
    columns = list(dict.fromkeys([*features, target]))
    tables.column(table, target, "the target", path)
    data = pd.DataFrame(tables.numbers(table, columns, "a feature", path), columns=columns)
    Preparation(target, features, lookback, horizon).check_length(
        len(data), path, forecast_rows=horizon)
    split = windowed_split(data, lookback, horizon, targets=target, features=list(features),
                           test_size=test_size, scale=None if scale == "none" else scale)
    time_step, period = None, ""
    if time_column is not None:
        times = tables.times(table, time_column, path)
        time_step = tables.time_step(times, time_column, path)
        period = (f" ({time_column} {tables.label(times[0])} to "
                  f"{tables.label(times[split.split_row - 1])})")
    trained_on = f"rows 1 to {split.split_row} of {os.path.basename(path)}{period}"
    return Preparation(target, features, lookback, horizon, split.feature_scaler,
                       split.target_scaler, time_column, time_step, trained_on), split


CELLS = {"lstm": LSTM, "gru": GRU, "simple_rnn": SimpleRNN}  # ``build_model``'s layer types


def build_model(prep: Preparation, layers=(32,), dropout: float = 0.0,
                cell: str = "lstm") -> Sequential:
    """Recurrent layers (``CELLS[cell]``) of ``layers`` units (all but the last returning
    sequences), each followed by ``Dropout(dropout)`` when ``dropout > 0``, then
    ``Dense(horizon)``; compiled with mean squared error and Adam."""
    model = Sequential()
    for i, units in enumerate(layers):
        first = {"input_shape": (prep.lookback, len(prep.features))} if i == 0 else {}
        model.add(CELLS[cell](units, return_sequences=i < len(layers) - 1, **first))
        if dropout > 0:
            model.add(Dropout(dropout))
    model.add(Dense(prep.horizon))
    model.compile(loss="mse", optimizer="adam")
    return model


def save(model: Sequential, prep: Preparation, path) -> None:
    """Write the model with its preparation to one ``.lstmkit`` file, atomically."""
    model.preparation = prep.as_dict()
    model.save(path)


def read(path) -> Sequential:
    """The model in the file at ``path`` (an ``.lstmkit``, ``.keras`` or ``.h5`` file)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} does not exist.")
    return load_model(path)


def load(path) -> tuple[Sequential, Preparation]:
    """The model of an ``.lstmkit`` file written by ``save``, and its preparation."""
    model = read(path)
    prep = Preparation.from_dict(model.preparation, path)
    shape = (prep.lookback, len(prep.features))
    if model.input_shape[1:] != shape or model.output_shape[1:] != (prep.horizon,):
        raise ValueError(
            f"{path}: the model reads {model.input_shape[1:]} and forecasts "
            f"{model.output_shape[1:]}, but its preparation makes windows of {shape} and "
            f"forecasts ({prep.horizon},). The file was altered.")
    return model, prep


# ----- forecasts of known values --------------------------------------------------------
def _predict(model, prep: Preparation, inputs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The forecasts ``(len(rows), horizon)`` made from the ``lookback`` rows before each
    of ``rows``, in the target's units. ``inputs`` is ``prep.inputs(table)``."""
    windows = sliding_window_view(inputs, prep.lookback, axis=0)  # (n - L + 1, F, L)
    x = windows[rows - prep.lookback].swapaxes(1, 2)  # (len(rows), L, F)
    return prep.to_units(model.predict(x, verbose=0))


@dataclass(frozen=True)
class Backtest:
    """Forecasts of values the table holds, made from the actual rows before them.

    Attributes:
        rows: ``(n,)`` the first row each window forecasts.
        actual, predicted, persistence: ``(n, horizon)``, rows ``rows[i]`` to
            ``rows[i] + horizon - 1``; persistence repeats the value of row ``rows[i] - 1``.
    """

    rows: np.ndarray
    actual: np.ndarray
    predicted: np.ndarray
    persistence: np.ndarray

    def scores(self) -> dict[str, tuple[float, float]]:
        """``{measure: (model, persistence)}`` for RMSE, MAE and MAPE."""
        return {name: (fn(self.actual, self.predicted), fn(self.actual, self.persistence))
                for name, fn in MEASURES.items()}


def _rows(prep: Preparation, rows: int, start: int, known: int, path: str) -> np.ndarray:
    """The rows from ``start`` on that a window of actual rows forecasts, with the
    ``known - 1`` rows after each in the table too."""
    prep.check_length(rows, path, forecast_rows=known)
    chosen = np.arange(max(start, prep.lookback), rows - known + 1)
    if not chosen.size:
        raise ValueError(f"{path} has {rows} rows, so no window forecasts {_steps(known)} "
                         f"from row {start + 1} on; use a larger --test-size.")
    return chosen


def backtest(model, prep: Preparation, table: pd.DataFrame, path: str,
             start: int = 0) -> Backtest:
    """Forecast every window of ``table`` whose forecasts start at row ``start`` or
    later and whose ``horizon`` values are all known (all of them by default)."""
    inputs, target = prep.inputs(table, path), prep.target_values(table, path)
    rows = _rows(prep, len(table), start, prep.horizon, path)
    actual = sliding_window_view(target, prep.horizon)[rows]  # (n, H)
    persistence = np.repeat(target[rows - 1, None], prep.horizon, axis=1)
    return Backtest(rows, actual, _predict(model, prep, inputs, rows), persistence)


def first_test_row(rows: int, test_size: float | None) -> int:
    """The first row of the last ``test_size`` of ``rows`` (as ``fit`` splits), or 0."""
    return 0 if test_size is None else round((1 - test_size) * rows)


# ----- forecasts of the future ----------------------------------------------------------
def forecast(model, prep: Preparation, table: pd.DataFrame, path: str,
             steps: int) -> np.ndarray:
    """The ``steps`` values after the end of ``table`` ``(steps,)``, in the target's units.

    Beyond ``horizon`` the forecasts are fed back as the newest input rows and the model
    forecasts again, which needs the target to be the only feature.
    """
    if steps > prep.horizon and prep.features != (prep.target,):
        raise ValueError(
            f"{steps} steps go past the model's horizon of {prep.horizon}: forecasting "
            f"further feeds the forecasts back as inputs, which needs the target "
            f"{prep.target!r} to be the only feature, but the model reads "
            f"{', '.join(prep.features)}. Ask for at most {prep.horizon} steps, or fit with "
            f"--horizon {steps}.")
    inputs = prep.inputs(table, path)
    prep.check_length(len(table), path, forecast_rows=0)
    window = inputs[-prep.lookback:]  # (L, F)
    values = prep.to_units(model.predict(window[np.newaxis], verbose=0)[0])  # (H,)
    while len(values) < steps:
        fed = values[-prep.horizon:, np.newaxis]  # (H, 1): the target is the one feature
        if prep.feature_scaler is not None:
            fed = prep.feature_scaler.transform(fed)
        window = np.concatenate([window, fed])[-prep.lookback:]
        ahead = prep.to_units(model.predict(window[np.newaxis], verbose=0)[0])
        values = np.concatenate([values, ahead])
    return values[:steps]


def future_times(prep: Preparation, table: pd.DataFrame, path: str, steps: int):
    """The time column continued ``steps`` times past the end, or ``None`` when the
    model has no time column. The file's times must step as the training data's did."""
    if prep.time_column is None:
        return None
    times = tables.times(table, prep.time_column, path)
    if len(times) >= 3:
        found = tables.time_step(times, prep.time_column, path)
        if not tables.same_step(found, prep.time_step):
            raise ValueError(
                f"the time column {prep.time_column!r} of {path} steps by {found}, but the "
                f"model was trained on steps of {prep.time_step}.")
    return tables.next_times(times, prep.time_step, steps)


def forecast_table(model, prep: Preparation, table: pd.DataFrame, path: str,
                   steps: int) -> pd.DataFrame:
    """The forecast as a table: the time column continued (or ``step`` 1, 2, ...) and
    the target's forecast values."""
    values = forecast(model, prep, table, path, steps)
    times = future_times(prep, table, path, steps)
    when = ("step", np.arange(1, steps + 1)) if times is None else (prep.time_column, times)
    return pd.DataFrame({when[0]: when[1], prep.target: values.astype(np.float32)})


# ----- plot -----------------------------------------------------------------------------
def plot(model, prep: Preparation, table: pd.DataFrame, path: str, *, steps: int,
         start: int = 0):
    """The target series, the model's one-step forecasts of it from row ``start`` on
    (each from the actual rows before it) and its next ``steps`` values: a Figure."""
    inputs, target = prep.inputs(table, path), prep.target_values(table, path)
    rows = _rows(prep, len(table), start, 1, path)
    times = (np.arange(len(table)) if prep.time_column is None
             else tables.times(table, prep.time_column, path))
    one_step = _predict(model, prep, inputs, rows)[:, 0]
    future = forecast_table(model, prep, table, path, steps)
    series = pd.Series(target, index=pd.Index(times, name=prep.time_column or "row"),
                       name=prep.target)
    fig = plot_forecast(series, one_step, split=start if 0 < start < len(table) else None,
                        title=f"{prep.target}: forecasts one step ahead, then the next {steps}")
    ahead = future.iloc[:, 0].to_numpy() if prep.time_column else np.arange(steps) + len(table)
    ax = fig.axes[0]
    ax.plot(ahead, future[prep.target], "--", color="C3", linewidth=1.4,
            label=f"forecast, next {steps}")
    ax.legend()
    return fig


# ----- text -----------------------------------------------------------------------------
def _steps(count: int) -> str:
    return "1 step" if count == 1 else f"{count} steps"


def _number(value: float) -> str:
    """Four significant digits, without an exponent for large values."""
    if np.isnan(value):
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:.4g}"


def score_table(bt: Backtest, prep: Preparation, table: pd.DataFrame, path: str) -> str:
    """The backtest's accuracy as lines of text, the model next to persistence."""
    first, last = bt.rows[0], bt.rows[-1] + prep.horizon - 1
    if prep.time_column is None:
        span = f"rows {first + 1} to {last + 1}"
    else:
        times = tables.times(table, prep.time_column, path)
        span = f"{tables.label(times[first])} to {tables.label(times[last])}"
    each = "" if prep.horizon == 1 else f" of {prep.horizon} steps"
    lines = [f"Forecasts of {prep.target} for {span} ({len(bt.rows)} forecasts{each}, each "
             f"from the {prep.lookback} actual rows before it):",
             f"{'':6}{'lstmkit':>12}{'persistence':>14}"]
    for name, (ours, naive) in bt.scores().items():
        unit = "%" if name == "MAPE" else ""
        lines.append(f"  {name:<4}{_number(ours) + unit:>12}{_number(naive) + unit:>14}")
    zeros = int(np.sum(bt.actual == 0))
    if zeros:
        lines.append(f"  (MAPE leaves out the {zeros} actual values of 0)")
    return "\n".join(lines)


def describe(preparation, where: str) -> str:
    """A model's ``preparation`` as lines of text, for ``lstmkit summary``."""
    if not isinstance(preparation, dict) or preparation.get("kind") != KIND:
        return "No data preparation: the model was not made by `lstmkit fit`."
    prep = Preparation.from_dict(preparation, where)

    def scaling(scaler):
        return "none" if scaler is None else f"{type(scaler).__name__}, fitted on the training rows"

    time = "none" if prep.time_column is None else f"{prep.time_column} (step {prep.time_step})"
    rows = [("target", prep.target), ("features", ", ".join(prep.features)),
            ("lookback", f"{prep.lookback} rows"), ("horizon", f"{_steps(prep.horizon)} ahead"),
            ("time column", time), ("scaling", scaling(prep.feature_scaler)),
            ("trained on", prep.trained_on)]
    return "\n".join(["Data preparation (lstmkit fit):"]
                     + [f"  {name:<12}{value}" for name, value in rows])
