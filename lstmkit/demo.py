"""``lstmkit demo``: the seed tutorials' experiments and forecasts of two real series.

Each experiment is a function ``(Settings) -> report.Outcome``: it builds its data with
``lstmkit.data``, trains with the Keras-style API as its seed tutorial does, and measures
what the seed measures next to a simple baseline. ``run`` seeds, times and announces each
one, then writes the report (``lstmkit.report``) and prints its table. With
``quick=True`` (for CI) the experiments that still reach their point with less training
run fewer epochs; the data and models stay the same. Compiling the models takes most of
a first run's time; JAX's persistent cache makes the next runs faster.

The real series ship inside lstmkit (``lstmkit.datasets``): yearly sunspot numbers and
US quarterly macroeconomic data, both public domain, so the demo needs no network.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from lstmkit import report
from lstmkit.data import (
    as_sequences,
    sliding_windows,
    to_categorical,
    train_test_split,
    windowed_split,
)
from lstmkit.datasets import load_macrodata, load_sunspots
from lstmkit.forecast import mae, mse, rmse
from lstmkit.layers import LSTM, Activation, Dense, Dropout
from lstmkit.models import Sequential
from lstmkit.optimizers import SGD
from lstmkit.plotting import plot_forecast, plot_history
from lstmkit.report import Outcome, Row
from lstmkit.rng import set_random_seed

DEFAULT_SEED = 0
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def show(message: str) -> None:
    """Print progress at once, also when the output goes through a pipe (CI logs)."""
    print(message, flush=True)


@dataclass(frozen=True)
class Settings:
    """How the experiments run: ``quick`` trains less; ``say`` shows progress."""

    quick: bool = False
    seed: int = DEFAULT_SEED
    say: Callable[[str], None] = show

    def epochs(self, full: int, quick: int) -> int:
        return quick if self.quick else full


# ----- baselines (the measures are lstmkit.forecast's) ---------------------------------
def lagged(values: np.ndarray, start: int, lag: int) -> np.ndarray:
    """The naive forecast of ``values[start:]``: each value ``lag`` steps earlier
    (``lag=1`` is persistence, ``lag`` = the period is the seasonal naive forecast)."""
    return values[start - lag:len(values) - lag]


# ----- seed 000: sine wave -------------------------------------------------------------
def sine_series(n: int = 5001, period: int = 100) -> np.ndarray:
    """The public ``sinewave.csv`` the seed reads: ``sin(1 + 2*pi*k/100)``, 9 digits."""
    return np.round(np.sin(1 + 2 * np.pi * np.arange(n) / period), 9)


def sine_wave(s: Settings) -> Outcome:
    """Seed 000: windows of 50 values predict the next; LSTM(10) + Dense(1), 20 epochs."""
    x, y = sliding_windows(sine_series(), lookback=50)  # (4951, 50, 1), (4951, 1)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2)
    model = Sequential([LSTM(10, input_shape=(None, 1)), Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    history = model.fit(x_train, y_train, batch_size=128, epochs=20,
                        validation_split=0.1, verbose=0)
    predicted = model.predict(x_test)
    row = Row("test MSE", mse(y_test, predicted), ".2e", published=6.0673873664723943e-06,
              baselines=(("persistence", mse(y_test, x_test[:, -1, 0])),))
    figures = {"sine_forecast.png": plot_forecast(y_test, predicted,
                                                  title="Seed 000: sine wave, test period"),
               "sine_history.png": history.plot()}
    notes = ("A 5001-point sine wave (period 100) cut into windows of 50 values, the next "
             "value the target; ordered 80/20 split; `LSTM(10)` + `Dense(1)` (491 "
             "parameters), Adam, batch 128, `validation_split=0.1`. The seed's 6.07e-06 is "
             "at the lucky end of what 20 epochs give: the result depends on the random "
             "initialization (see `examples/seed000_sine_wave.py`). Persistence repeats "
             "the window's last value.")
    return Outcome(rows=[row], figures=figures, notes=notes)


# ----- seed 001: the alphabet in three framings -----------------------------------------
FRAMINGS = (  # label, letters per sample, what the letters become, the seed's accuracy
    ("1 timestep x 1 feature", 1, "timesteps", 0.88),
    ("1 timestep x 3 features", 3, "features", 0.8261),
    ("3 timesteps x 1 feature", 3, "timesteps", 1.0),
)


def alphabet_data(letters: int, columns_are: str):
    """Each run of ``letters`` letters (codes / 26) and the next letter, one-hot.

    Returns:
        x ``(samples, letters, 1)`` or ``(samples, 1, letters)``, y ``(samples, 26)``,
        and the input codes ``(samples, letters)``.
    """
    codes, targets = sliding_windows(np.arange(len(ALPHABET)), lookback=letters)
    codes = codes[..., 0].astype(int)  # (samples, letters)
    x = as_sequences(codes / float(len(ALPHABET)), columns_are)
    return x, to_categorical(targets[:, 0], num_classes=len(ALPHABET)), codes


def _letters(label: str, codes: np.ndarray, predicted: np.ndarray, expected: np.ndarray) -> str:
    """One framing's predictions as ``ABC→D`` pairs, a wrong one marked with ✗."""
    pairs = [
        "".join(ALPHABET[c] for c in run) + "→" + ALPHABET[p] + ("" if p == e else "✗")
        for run, p, e in zip(codes, predicted, expected, strict=True)]
    right = int(np.sum(predicted == expected))
    return f"{label} ({right}/{len(expected)} right):\n    " + " ".join(pairs)


def alphabet(s: Settings) -> Outcome:
    """Seed 001: the next letter from 1 letter, 3 letters as features, 3 as timesteps."""
    rows, histories, lines = [], {}, []
    for label, letters, columns_are, published in FRAMINGS:
        s.say(f"      {label}")
        x, y, codes = alphabet_data(letters, columns_are)
        model = Sequential([LSTM(32, input_shape=x.shape[1:]),
                            Dense(len(ALPHABET), activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        histories[label] = model.fit(x, y, epochs=500, batch_size=1, verbose=0)
        predicted, expected = model.predict_classes(x), y.argmax(axis=-1)
        accuracy = float(np.mean(predicted == expected))  # what evaluate's accuracy is
        rows.append(Row(f"accuracy, {label}", accuracy, ".2%", published,
                        baselines=(("one letter for all", 1 / len(y)),)))
        lines.append(_letters(label, codes, predicted, expected))
    notes = ("`LSTM(32)` + `Dense(26, softmax)`, categorical cross-entropy, Adam, 500 "
             "epochs of batch 1 (in --quick too: fewer do not reliably reach 100%). "
             "Only the framing changes: three letters given as three timesteps let the "
             "LSTM use their order. The predictions, letter by letter:\n\n```\n"
             + "\n".join(lines) + "\n```")
    figures = {"alphabet_history.png": plot_history(histories, "accuracy")}
    return Outcome(rows=rows, figures=figures, notes=notes)


# ----- seed 003: the stacked model on US macroeconomic data -----------------------------
def macro_table() -> pd.DataFrame:
    """Quarterly US data as the model sees it, indexed by year (1959.25 = 1959Q2).

    Columns: annualised growth (``400 * diff(log)``, %) of real GDP, investment and
    consumption, inflation, the T-bill rate, the unemployment rate and its change.
    """
    m = load_macrodata()
    growth = {f"{c}_growth": 400 * np.log(m[c]).diff() for c in ("realgdp", "realinv",
                                                                 "realcons")}
    table = pd.DataFrame({**growth, "infl": m.infl, "tbilrate": m.tbilrate,
                          "unemp": m.unemp, "unemp_change": m.unemp.diff()})
    table.index = pd.Index(m.year + (m.quarter - 1) / 4, name="year")
    return table.iloc[1:]  # the first quarter has no growth rates


def _stacked_model(input_shape) -> Sequential:
    """The seed's model: LSTM(100) -> Dropout -> LSTM(50) -> Dropout -> Dense(1)."""
    model = Sequential()
    model.add(LSTM(units=100, input_shape=input_shape, return_sequences=True))
    model.add(Dropout(0.2))
    model.add(LSTM(units=50, return_sequences=False))
    model.add(Dropout(0.2))
    model.add(Dense(units=1))
    model.add(Activation("linear"))
    model.compile(loss="mse", optimizer="adam", metrics=["mae", "mape"])
    return model


def stacked_macro(s: Settings) -> Outcome:
    """Seed 003: the stacked LSTM forecasts next quarter's US unemployment rate."""
    table = macro_table()
    split = windowed_split(table, lookback=8, targets="unemp_change", scale="minmax")
    model = _stacked_model(split.x_train.shape[1:])
    history = model.fit(split.x_train, split.y_train, epochs=s.epochs(100, 40), batch_size=16,
                        verbose=0)
    unemp = table["unemp"].to_numpy()
    actual, persistence = unemp[split.split_row:], lagged(unemp, split.split_row, 1)
    forecast = persistence + split.inverse_y(model.predict(split.x_test))[:, 0]
    rows = [Row(name, fn(actual, forecast), fmt, baselines=(("persistence",
                                                              fn(actual, persistence)),))
            for name, fn, fmt in (("RMSE, unemployment (points)", rmse, ".3f"),
                                  ("MAE, unemployment (points)", mae, ".3f"))]
    series = pd.Series(unemp, index=table.index, name="unemployment rate (%)")
    figures = {"macro_forecast.png": plot_forecast(
        series, forecast, baseline={"persistence": persistence}, split=split.split_row,
        title="Seed 003's stacked LSTM: US unemployment, next quarter"),
        "macro_history.png": plot_history(history, ["loss", "mae"])}
    quarters = [f"{int(year)}Q{round(year % 1 * 4) + 1}" for year in table.index]
    notes = (f"statsmodels' `macrodata` (US, {quarters[0]} to {quarters[-1]}, public domain). "
             f"Windows of 8 "
             f"quarters of {table.shape[1]} columns ({', '.join(table.columns)}) predict next "
             f"quarter's change in unemployment; the forecast is this quarter's rate plus "
             f"that change. Scalers are fitted on the training quarters only; the last 20% "
             f"({len(actual)} quarters, from {quarters[split.split_row]}) are the "
             f"test period. The seed's model and compile arguments (mse, Adam, metrics mae "
             f"and mape); batch 16 instead of the seed's 200, for a data set this small. "
             f"Persistence forecasts no change.")
    return Outcome(rows=rows, figures=figures, notes=notes)


# ----- seed 004: the life-cycle and a stateful LSTM -------------------------------------
def sum_task(n: int, rs: np.random.RandomState):
    """x ``(n, 2, 1)``: two numbers in [0, 1] as 2 timesteps; y ``(n,)``: sum above 1."""
    data = rs.uniform(0, 1, (n, 2))
    return as_sequences(data), (data.sum(axis=1) > 1.0).astype("float32")


def lifecycle(s: Settings) -> Outcome:
    """Seed 004: define, compile, fit, evaluate, predict on a small binary task."""
    rs = np.random.RandomState(s.seed)
    (x, y), (x_new, y_new) = sum_task(200, rs), sum_task(200, rs)
    model = Sequential()
    model.add(LSTM(5, input_shape=(2, 1)))
    model.add(Dense(1))
    model.add(Activation("sigmoid"))
    model.compile(optimizer=SGD(lr=0.1, momentum=0.3), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=10, epochs=s.epochs(100, 60), verbose=0)
    _, train_accuracy = model.evaluate(x, y, verbose=0)
    _, accuracy = model.evaluate(x_new, y_new, verbose=0)
    classes = model.predict_classes(x_new)[:, 0]
    agree = np.array_equal(classes, model.predict(x_new)[:, 0] > 0.5)
    majority = max(y_new.mean(), 1 - y_new.mean())
    rows = [Row("accuracy, training data", train_accuracy, ".2%"),
            Row("accuracy, 200 new samples", accuracy, ".2%",
                baselines=(("majority class", majority),))]
    notes = ("Two numbers in [0, 1] as 2 timesteps of 1 feature; the class is whether their "
             "sum exceeds 1. `LSTM(5)` + `Dense(1)` + `Activation('sigmoid')`, "
             "`SGD(lr=0.1, momentum=0.3)`, binary cross-entropy, batch 10. "
             f"`predict_classes` agrees with `predict > 0.5`: {agree}.")
    return Outcome(rows=rows, figures={"lifecycle_history.png": history.plot()}, notes=notes)


def sine_streams(streams: int = 10, chunks: int = 10, timesteps: int = 5):
    """A sine wave cut into ``streams`` streams of ``chunks`` windows of ``timesteps``.

    Sample ``streams * k + j`` is window ``k`` of stream ``j``, so sample ``j`` of each
    batch of ``streams`` continues sample ``j`` of the batch before: what a stateful layer
    carries over. Returns x ``(chunks * streams, timesteps, 1)`` and y ``(chunks * streams,)``.
    """
    length = chunks * timesteps
    wave = np.sin(2 * np.pi * np.arange(streams * length + 1) / 25.0).astype("float32")
    parts = [sliding_windows(wave[j * length:(j + 1) * length + 1], timesteps, stride=timesteps)
             for j in range(streams)]
    x = np.stack([p[0] for p in parts], axis=1)  # (chunks, streams, timesteps, 1)
    y = np.stack([p[1] for p in parts], axis=1)  # (chunks, streams, 1)
    return x.reshape(-1, timesteps, 1), y.reshape(-1)


def stateful(s: Settings) -> Outcome:
    """Seed 004: a stateful LSTM, one ``fit`` call per epoch then ``reset_states()``."""
    x, y = sine_streams()
    model = Sequential([LSTM(2, stateful=True, batch_input_shape=(10, 5, 1)), Dense(1)])
    model.compile(loss="mean_squared_error", optimizer="adam")
    losses = []
    for _ in range(s.epochs(300, 150)):
        losses.append(model.fit(x, y, epochs=1, batch_size=10, shuffle=False,
                                verbose=0).history["loss"][0])
        model.reset_states()
    predicted = model.predict(x, batch_size=10)
    model.reset_states()
    rows = [Row("prediction MSE", mse(y, predicted), ".2e",
                baselines=(("predicting the mean", float(np.var(y))),))]
    notes = ("`LSTM(2, stateful=True, batch_input_shape=(10, 5, 1))` + `Dense(1)`: a sine "
             "wave cut into 10 streams of 10 windows of 5 steps, so each batch continues "
             "the one before. The seed's loop: `fit(epochs=1, shuffle=False)` then "
             f"`reset_states()`, {len(losses)} times; the loss went from {losses[0]:.4f} to "
             f"{losses[-1]:.4f}.")
    return Outcome(rows=rows, figures={"stateful_loss.png": plot_history({"loss": losses})},
                   notes=notes)


# ----- a real series: sunspots ----------------------------------------------------------
def sunspots(s: Settings) -> Outcome:
    """Sunspots: 11 years forecast the next, scaled on the training years only."""
    data = load_sunspots()
    series = pd.Series(data["SUNACTIVITY"].to_numpy(), name="sunspot number",
                       index=pd.Index(data["YEAR"].astype(int), name="year"))
    split = windowed_split(series, lookback=11, scale="minmax")
    model = Sequential([LSTM(32, input_shape=(11, 1)), Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    history = model.fit(split.x_train, split.y_train, epochs=s.epochs(100, 50), batch_size=16,
                        verbose=0)
    forecast = split.inverse_y(model.predict(split.x_test))[:, 0]
    values, start = series.to_numpy(), split.split_row
    actual = values[start:]
    naive = {"persistence": lagged(values, start, 1),
             "seasonal naive (11 y)": lagged(values, start, 11)}
    rows = [Row(name, fn(actual, forecast), ".2f",
                baselines=tuple((label, fn(actual, b)) for label, b in naive.items()))
            for name, fn in (("RMSE, yearly sunspot number", rmse),
                             ("MAE, yearly sunspot number", mae))]
    figures = {"sunspots_forecast.png": plot_forecast(
        series, forecast, baseline=naive, split=start,
        title="Sunspots: one-year-ahead forecast of the last 20% of the years"),
        "sunspots_history.png": history.plot()}
    notes = (f"statsmodels' `sunspots` (NOAA, yearly, {series.index[0]} to {series.index[-1]}, "
             f"public domain). Windows of 11 years (one solar cycle) predict the next year; "
             f"the min-max scaler is fitted on the training years only; the test period is "
             f"the last 20% ({len(actual)} years, from {series.index[start]}), each year "
             f"forecast from the 11 actual years before it. `LSTM(32)` + `Dense(1)`, Adam, "
             f"batch 16. Persistence repeats last year's number; the seasonal naive "
             f"forecast repeats the number of 11 years before.")
    return Outcome(rows=rows, figures=figures, notes=notes)


# ----- running them ---------------------------------------------------------------------
EXPERIMENTS = (
    ("Seed 000: sine wave", sine_wave),
    ("Seed 001: alphabet, three framings", alphabet),
    ("Seed 003: stacked LSTM, US macro data", stacked_macro),
    ("Seed 004: life-cycle", lifecycle),
    ("Seed 004: stateful LSTM", stateful),
    ("Sunspots (real data)", sunspots),
)


def _timed(title: str, experiment, s: Settings) -> Outcome:
    """Run one experiment from the demo's seed, timed."""
    set_random_seed(s.seed)
    start = time.perf_counter()
    outcome = experiment(s)
    outcome = replace(outcome, title=title, seconds=time.perf_counter() - start)
    figures = "; ".join(f"{row.measure} {row.value:{row.fmt}}" for row in outcome.rows)
    s.say(f"      {outcome.seconds:.1f} s: {figures}")
    return outcome


def run(out="demo-report", *, quick: bool = False, seed: int = DEFAULT_SEED,
        say: Callable[[str], None] = show) -> list[Outcome]:
    """Run every experiment, write ``out/report.md``, ``out/*.png`` and
    ``out/results.json``, print the table; returns the outcomes."""
    out = report.output_dir(out)
    s = Settings(quick=quick, seed=seed, say=say)
    start = time.perf_counter()
    outcomes = []
    for i, (title, experiment) in enumerate(EXPERIMENTS, 1):
        say(f"[{i}/{len(EXPERIMENTS)}] {title}")
        outcomes.append(_timed(title, experiment, s))
    seconds = time.perf_counter() - start
    report.write(out, outcomes, report.environment(seed, quick), seconds)
    say("\n" + report.table(outcomes))
    say(f"\nTotal {seconds:.1f} s. Report: {out / 'report.md'}")
    return outcomes
