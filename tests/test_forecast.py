"""lstmkit.forecast: the data preparation saved with a model, backtests against
persistence, recursive forecasts, the time column continued, the plot and the texts."""

import math

import numpy as np
import pandas as pd
import pytest
from conftest import SUNSPOTS_CSV

from lstmkit import forecast
from lstmkit.data import MinMaxScaler, windowed_split
from lstmkit.layers import LSTM, Dense, Dropout
from lstmkit.models import load_model

PATH = str(SUNSPOTS_CSV)
TABLE = pd.read_csv(SUNSPOTS_CSV)
VALUES = TABLE["sunspots"].to_numpy()


@pytest.fixture(scope="module")
def trained(sunspots_model):
    """The session's trained model (lookback 6, horizon 1, year as time column)."""
    return forecast.load(sunspots_model[0])


def untrained(features=("sunspots",), horizon=1, lookback=6, **kwargs):
    prep, _ = forecast.prepare(TABLE, PATH, target="sunspots", features=features,
                               lookback=lookback, horizon=horizon, **kwargs)
    return forecast.build_model(prep, (3,)), prep


# ----- measures ---------------------------------------------------------------------------
def test_measures():
    assert forecast.rmse([1, 2], [[1], [4]]) == pytest.approx(math.sqrt(2))
    assert forecast.mae([1, 2], [2, 4]) == 1.5 and forecast.mse([0, 0], [1, 3]) == 5.0
    assert forecast.mape([2, 0, 4], [3, 5, 3]) == pytest.approx(37.5)  # the 0 is left out
    assert math.isnan(forecast.mape([0, 0], [1, 2]))


# ----- preparation ------------------------------------------------------------------------
def test_prepare_splits_as_windowed_split_and_records_the_recipe():
    prep, split = forecast.prepare(TABLE, PATH, target="sunspots", lookback=6,
                                   time_column="year")
    same = windowed_split(TABLE[["sunspots"]], 6, targets="sunspots", scale="minmax")
    np.testing.assert_array_equal(split.x_train, same.x_train)
    np.testing.assert_array_equal(split.y_test, same.y_test)
    assert (prep.target, prep.features, prep.lookback, prep.horizon) == ("sunspots",
                                                                         ("sunspots",), 6, 1)
    assert (prep.time_column, prep.time_step) == ("year", 1)
    assert prep.trained_on == "rows 1 to 247 of sunspots.csv (year 1700 to 1946)"
    assert prep.target_scaler.data_max_[0] == VALUES[:247].max()


def test_prepare_without_scaling_or_time_column():
    prep, split = forecast.prepare(TABLE, PATH, target="sunspots", features=["year"],
                                   lookback=4, horizon=2, scale="none", test_size=0.5)
    assert prep.feature_scaler is None and prep.target_scaler is None
    assert prep.features == ("year",) and split.x_train.shape[1:] == (4, 1)
    assert split.y_train.shape[1:] == (2,) and prep.trained_on == "rows 1 to 154 of sunspots.csv"


def test_build_model_stacks_lstms_with_dropout():
    prep = forecast.Preparation("y", ("a", "b"), lookback=5, horizon=3)
    model = forecast.build_model(prep, (8, 4), dropout=0.1)
    assert [type(layer) for layer in model.layers] == [LSTM, Dropout, LSTM, Dropout, Dense]
    assert model.layers[0].return_sequences and not model.layers[2].return_sequences
    assert model.input_shape == (None, 5, 2) and model.output_shape == (None, 3)
    assert model.loss == "mse"


def test_the_preparation_round_trips_through_the_model_file(tmp_path):
    model, prep = untrained(time_column="year")
    forecast.save(model, prep, tmp_path / "m.lstmkit")
    _, loaded = forecast.load(tmp_path / "m.lstmkit")
    assert loaded.trained_on == prep.trained_on and loaded.features == prep.features
    for name in ("feature_scaler", "target_scaler"):
        a, b = getattr(loaded, name), getattr(prep, name)
        assert isinstance(a, MinMaxScaler)
        np.testing.assert_array_equal(a.transform(VALUES[:, None]), b.transform(VALUES[:, None]))


@pytest.mark.parametrize("change, message", [
    ({"kind": None}, r"m.lstmkit has no data preparation from `lstmkit fit` \(columns, "
                     r"lookback, scalers\), so it cannot read a CSV file"),
    ({"lookback": "6"}, r"m.lstmkit: preparation 'lookback' must be an integer, got str '6'"),
    ({"features": ["sunspots", 3]}, "m.lstmkit: preparation features must be a string"),
    ({"lookback": 7}, r"the model reads \(6, 1\) and forecasts \(1,\), but its preparation "
                      r"makes windows of \(7, 1\) and forecasts \(1,\). The file was altered."),
])
def test_load_refuses_a_preparation_that_does_not_fit(tmp_path, change, message):
    model, prep = untrained()
    model.preparation = prep.as_dict() | change
    model.save(tmp_path / "m.lstmkit")
    with pytest.raises(ValueError, match=message):
        forecast.load(tmp_path / "m.lstmkit")


def test_load_of_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"m.lstmkit does not exist\.$"):
        forecast.load(tmp_path / "m.lstmkit")


# ----- backtests --------------------------------------------------------------------------
def test_backtest_of_the_test_period_is_the_test_windows_forecast(trained):
    model, prep = trained
    _, split = forecast.prepare(TABLE, PATH, target="sunspots", lookback=6)
    tested = forecast.backtest(model, prep, TABLE, PATH, split.split_row)
    np.testing.assert_allclose(tested.predicted, split.inverse_y(model.predict(split.x_test)),
                               rtol=1e-6)
    np.testing.assert_array_equal(tested.rows, np.arange(247, 309))
    np.testing.assert_array_equal(tested.actual[:, 0], VALUES[247:])
    np.testing.assert_array_equal(tested.persistence[:, 0], VALUES[246:-1])
    assert tested.scores()["RMSE"][1] == forecast.rmse(VALUES[247:], VALUES[246:-1])


def test_backtest_with_a_horizon_compares_every_step():
    model, prep = untrained(horizon=3)
    tested = forecast.backtest(model, prep, TABLE, PATH)
    assert tested.rows.tolist() == list(range(6, 307))  # the last window ends at row 308
    assert tested.actual.shape == tested.predicted.shape == (301, 3)
    np.testing.assert_array_equal(tested.actual[-1], VALUES[-3:])
    np.testing.assert_array_equal(tested.persistence[-1], [VALUES[-4]] * 3)


def test_first_test_row_splits_as_fit_does():
    assert forecast.first_test_row(309, 0.2) == 247 and forecast.first_test_row(309, None) == 0


# ----- forecasts --------------------------------------------------------------------------
def test_forecast_feeds_its_forecasts_back(trained):
    model, prep = trained
    window = prep.feature_scaler.transform(VALUES[-6:, None])
    expected = []
    for _ in range(4):  # the recursion written out
        value = prep.target_scaler.inverse_transform(model.predict(window[None]))[0, 0]
        expected.append(value)
        window = np.vstack([window[1:], prep.feature_scaler.transform([[value]])])
    np.testing.assert_allclose(forecast.forecast(model, prep, TABLE, PATH, 4), expected,
                               rtol=1e-6)


def test_forecast_past_a_horizon_of_two_runs_whole_windows():
    model, prep = untrained(horizon=2)
    five = forecast.forecast(model, prep, TABLE, PATH, 5)
    six = forecast.forecast(model, prep, TABLE, PATH, 6)
    assert five.shape == (5,)
    np.testing.assert_array_equal(five, six[:5])
    np.testing.assert_array_equal(five[:2], forecast.forecast(model, prep, TABLE, PATH, 2))


def test_forecast_past_the_horizon_needs_the_target_alone():
    model, prep = untrained(features=("year", "sunspots"), horizon=2)
    assert forecast.forecast(model, prep, TABLE, PATH, 2).shape == (2,)
    with pytest.raises(ValueError, match="3 steps go past the model's horizon of 2"):
        forecast.forecast(model, prep, TABLE, PATH, 3)


def test_forecast_table_continues_the_time_column(trained):
    model, prep = trained
    table = forecast.forecast_table(model, prep, TABLE, PATH, 3)
    assert list(table.columns) == ["year", "sunspots"] and table["year"].tolist() == [2009,
                                                                                      2010, 2011]
    assert table["sunspots"].dtype == np.float32  # its shortest repr goes into the CSV
    model, prep = untrained()
    assert forecast.forecast_table(model, prep, TABLE, PATH, 2)["step"].tolist() == [1, 2]


def test_forecast_table_continues_dates():
    months = pd.DataFrame({"month": pd.date_range("2000-01-01", periods=30, freq="MS")
                                      .strftime("%Y-%m-%d"), "y": np.sin(np.arange(30))})
    prep, _ = forecast.prepare(months, "m.csv", target="y", lookback=4, time_column="month")
    assert prep.time_step == "MS"
    table = forecast.forecast_table(forecast.build_model(prep, (2,)), prep, months, "m.csv", 2)
    assert [str(d.date()) for d in table["month"]] == ["2002-07-01", "2002-08-01"]
    quarters = months.iloc[::3]
    # pandas names the quarterly step QS-JAN (QS-OCT in pandas 2.2.2): the same quarters
    with pytest.raises(ValueError, match="the time column 'month' of q.csv steps by QS-[A-Z]{3}, "
                                         "but the model was trained on steps of MS."):
        forecast.future_times(prep, quarters, "q.csv", 2)


# ----- plot and texts -----------------------------------------------------------------------
def test_plot_draws_series_forecasts_and_the_next_values(trained):
    model, prep = trained
    fig = forecast.plot(model, prep, TABLE, PATH, steps=3, start=247)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == ["actual", "predicted", "test period →", "forecast, next 3"]
    assert lines["predicted"].get_xdata().tolist() == list(range(1947, 2009))
    assert lines["forecast, next 3"].get_xdata().tolist() == [2009, 2010, 2011]
    assert ax.get_xlabel() == "year" and ax.get_ylabel() == "sunspots"


def test_score_table(trained):
    model, prep = trained
    text = forecast.score_table(forecast.backtest(model, prep, TABLE, PATH), prep, TABLE, PATH)
    lines = text.splitlines()
    assert lines[0] == ("Forecasts of sunspots for 1706 to 2008 (303 forecasts, each from the "
                        "6 actual rows before it):")
    assert lines[1] == "           lstmkit   persistence"
    assert [line.split()[0] for line in lines[2:5]] == ["RMSE", "MAE", "MAPE"]
    assert lines[4].endswith("%") and lines[5] == "  (MAPE leaves out the 3 actual values of 0)"


def test_describe(trained, sunspots_model):
    _, prep = trained
    text = forecast.describe(prep.as_dict(), "m")
    assert text.splitlines()[:3] == ["Data preparation (lstmkit fit):", "  target      sunspots",
                                     "  features    sunspots"]
    assert forecast.describe(None, "m") == ("No data preparation: the model was not made by "
                                            "`lstmkit fit`.")
    assert load_model(sunspots_model[0]).preparation["kind"] == forecast.KIND
