"""sliding_windows, train_test_split, windowed_split and as_sequences: properties, the
seeds' constructions, and every validation message."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lstmkit.data import (
    MinMaxScaler,
    as_sequences,
    sliding_windows,
    train_test_split,
    windowed_split,
)

FAST = settings(max_examples=40, deadline=None)


@st.composite
def series_and_sizes(draw, max_rows=40, max_cols=3):
    """A (rows, cols) float table and a lookback/horizon that fit in it."""
    rows = draw(st.integers(3, max_rows))
    cols = draw(st.integers(1, max_cols))
    lookback = draw(st.integers(1, rows - 1))
    horizon = draw(st.integers(1, rows - lookback))
    table = np.arange(rows * cols, dtype=np.float64).reshape(rows, cols) * 0.5
    return table, lookback, horizon


def sine():
    return np.round(np.sin(1 + 2 * np.pi * np.arange(5001) / 100), 9)


# --- sliding_windows -------------------------------------------------------------------

@FAST
@given(series_and_sizes())
def test_window_count_and_targets_follow_each_window(case):
    table, lookback, horizon = case
    x, y = sliding_windows(table, lookback, horizon, targets=list(range(table.shape[1])))
    n = len(table) - lookback - horizon + 1
    assert x.shape == (n, lookback, table.shape[1])
    for i in range(n):
        np.testing.assert_array_equal(x[i], table[i:i + lookback])
        expected = table[i + lookback:i + lookback + horizon]
        np.testing.assert_array_equal(y[i], expected[:, 0] if table.shape[1] == 1 else expected)


@FAST
@given(series_and_sizes(), st.integers(1, 4))
def test_stride_takes_every_kth_window(case, stride):
    table, lookback, horizon = case
    x1, y1 = sliding_windows(table, lookback, horizon)
    xs, ys = sliding_windows(table, lookback, horizon, stride=stride)
    assert len(xs) == (len(table) - lookback - horizon) // stride + 1
    np.testing.assert_array_equal(xs, x1[::stride])
    np.testing.assert_array_equal(ys, y1[::stride])


def test_sine_wave_matches_the_pandas_shift_construction():
    series = pd.DataFrame(sine())
    frame = pd.concat([series] + [series.shift(-(i + 1)) for i in range(50)], axis=1)
    frame = frame.dropna()
    x, y = sliding_windows(sine(), 50)
    assert frame.shape == (4951, 51)
    assert x.shape == (4951, 50, 1) and y.shape == (4951, 1)
    np.testing.assert_array_equal(x[..., 0], frame.iloc[:, :-1].to_numpy())
    np.testing.assert_array_equal(y[:, 0], frame.iloc[:, -1].to_numpy())


def test_windows_are_read_only_views():
    data = sine()
    x, y = sliding_windows(data, 50)
    assert np.shares_memory(x, data) and np.shares_memory(y, data)
    assert not x.flags.writeable and not y.flags.writeable
    frame = pd.DataFrame({"a": data, "b": data * 2})
    xf, _ = sliding_windows(frame, 5)
    assert np.shares_memory(xf, frame.to_numpy())
    x_int, _ = sliding_windows(np.arange(10), 3)  # converted to float64: a copy
    assert x_int.dtype == np.float64


def test_2d_defaults_all_features_last_column_target():
    table = np.arange(30.0).reshape(10, 3)
    x, y = sliding_windows(table, 4)
    assert x.shape == (6, 4, 3) and y.shape == (6, 1)
    np.testing.assert_array_equal(y[:, 0], table[4:, 2])


def test_columns_by_name_index_and_list():
    frame = pd.DataFrame({"a": np.arange(8.0), "b": np.arange(8.0) * 10,
                          "c": np.arange(8.0) * 100})
    x, y = sliding_windows(frame, 2, 3, targets=["a", "c"], features=["b", 0])
    assert x.shape == (4, 2, 2) and y.shape == (4, 3, 2)
    np.testing.assert_array_equal(x[0], [[0, 0], [10, 1]])
    np.testing.assert_array_equal(y[0], [[2, 200], [3, 300], [4, 400]])
    _, y_neg = sliding_windows(frame, 2, targets=-1)
    np.testing.assert_array_equal(y_neg[:, 0], frame["c"].to_numpy()[2:])


def test_series_input_and_non_numeric_unused_column():
    s = pd.Series(np.arange(6.0), name="v")
    x, y = sliding_windows(s, 2, targets="v")
    assert x.shape == (4, 2, 1)
    frame = pd.DataFrame({"label": list("abcdef"), "v": np.arange(6.0)})
    x, y = sliding_windows(frame, 2, features="v", targets="v")
    np.testing.assert_array_equal(y[:, 0], [2, 3, 4, 5])


def test_seed003_horizon0_table():
    frame = pd.DataFrame({
        "x1": [0.363986149, 0.411312043, 0.357445171, 0.166602539, 0.402077722, 0.330511735],
        "x2": [0.333333333, 0.333333333, 0.166666667, 0.333333333, 0.416666667, 0.25],
        "x3": [0.713178295, 0.666666667, 0.627906977, 0.573643411, 0.589147287, 0.651162791],
        "x4": [0.724661696, 0.731013532, 0.621375311, 0.662386081, 0.704501519, 0.652720243],
        "y": [191, 190, 189, 188, 187, 186]})
    x, y = sliding_windows(frame, 3, horizon=0)  # y is the target, x1..x4 the features
    assert x.shape == (4, 3, 4) and y.shape == (4, 1)
    np.testing.assert_array_equal(x[0], frame[["x1", "x2", "x3", "x4"]].to_numpy()[:3])
    np.testing.assert_array_equal(y[:, 0], [189, 188, 187, 186])  # y of each window's 3rd row


@FAST
@given(series_and_sizes(max_cols=1))
def test_horizon0_targets_lie_on_the_last_row(case):
    table, lookback, _ = case
    table = np.column_stack([table, -table])
    x, y = sliding_windows(table, lookback, 0, targets=1, features=0)
    assert len(x) == len(table) - lookback + 1
    np.testing.assert_array_equal(y[:, 0], -x[:, -1, 0])


# --- train_test_split ------------------------------------------------------------------

def test_split_uses_the_seeds_round_boundary():
    x, y = np.arange(4951), np.arange(4951) * 2
    x_tr, x_te, y_tr, y_te = train_test_split(x, y)
    assert len(x_tr) == round(0.8 * 4951) == 3961
    np.testing.assert_array_equal(x_te, x[3961:])
    np.testing.assert_array_equal(y_tr, y[:3961])


@FAST
@given(st.integers(2, 200), st.floats(0.05, 0.95), st.integers(0, 10))
def test_shuffled_split_is_a_permutation(n, test_size, seed):
    x = np.arange(n)
    n_train = round((1 - test_size) * n)
    if not 0 < n_train < n:
        return
    x_tr, x_te, y_tr, y_te = train_test_split(x, x * 3, test_size, shuffle=True, seed=seed)
    assert len(x_tr) == n_train
    np.testing.assert_array_equal(np.sort(np.concatenate([x_tr, x_te])), x)
    np.testing.assert_array_equal(y_tr, x_tr * 3)
    again = train_test_split(x, x * 3, test_size, shuffle=True, seed=seed)
    np.testing.assert_array_equal(again[0], x_tr)


# --- windowed_split --------------------------------------------------------------------

@FAST
@given(st.integers(20, 80), st.integers(1, 6), st.integers(1, 3), st.floats(0.1, 0.5),
       st.sampled_from([None, "minmax", "standard"]))
def test_no_training_target_in_the_test_period(rows, lookback, horizon, test_size, scale):
    data = np.arange(rows, dtype=np.float64)  # the value is its own row number
    boundary = round((1 - test_size) * rows)
    assume(boundary + horizon <= rows)  # else no test window fits: an error, tested below
    split = windowed_split(data, lookback, horizon, test_size=test_size, scale=scale)
    assert split.split_row == boundary
    y_train, y_test = split.inverse_y(split.y_train), split.inverse_y(split.y_test)
    assert np.round(y_train).max() < boundary
    assert np.round(y_test[:, 0]).min() >= boundary
    # no test target lost: every row from the boundary on is the first target of a window
    np.testing.assert_allclose(y_test[:, 0], np.arange(boundary, rows - horizon + 1),
                               atol=1e-9)
    np.testing.assert_allclose(split.x_test[0, :, 0] if scale is None else
                               split.feature_scaler.inverse_transform(split.x_test[0])[:, 0],
                               np.arange(boundary - lookback, boundary), atol=1e-9)


@FAST
@given(st.integers(30, 60), st.sampled_from(["minmax", "standard"]))
def test_scalers_fitted_on_training_rows_and_inverse_y(rows, scale):
    rng = np.random.default_rng(rows)
    frame = pd.DataFrame(rng.normal(size=(rows, 3)), columns=["a", "b", "c"])
    split = windowed_split(frame, 4, 2, targets=["b", "c"], test_size=0.25, scale=scale)
    train_rows = frame.to_numpy()[:split.split_row]
    assert split.feature_scaler.n_features_in_ == 3
    reference = type(split.target_scaler)().fit(train_rows[:, 1:])
    for name in ("scale_", "min_" if scale == "minmax" else "mean_"):
        np.testing.assert_allclose(getattr(split.target_scaler, name),
                                   getattr(reference, name))
    _, y_raw = sliding_windows(frame, 4, 2, targets=["b", "c"])
    np.testing.assert_allclose(split.inverse_y(split.y_train), y_raw[:len(split.y_train)],
                               atol=1e-12)
    assert split.y_test.shape[1:] == (2, 2)


def test_windowed_split_on_the_sine_wave():
    split = windowed_split(sine(), 50, scale="minmax")
    assert split.split_row == 4001
    assert split.x_train.shape == (3951, 50, 1) and split.x_test.shape == (1000, 50, 1)
    assert isinstance(split.feature_scaler, MinMaxScaler)
    np.testing.assert_allclose(split.inverse_y(split.y_test)[:, 0], sine()[4001:], atol=1e-12)
    assert split.inverse_y(split.y_test[:, 0]).shape == (1000,)


# --- as_sequences ----------------------------------------------------------------------

def test_seed004_reshapes():
    series = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    assert as_sequences(series).shape == (1, 10, 1)
    parallel = np.column_stack([series, series[::-1]])  # (10, 2): two parallel series
    out = as_sequences(parallel, one_sequence=True)
    assert out.shape == (1, 10, 2)
    np.testing.assert_array_equal(out, parallel.reshape(1, 10, 2))
    assert np.shares_memory(out, parallel)


def test_seed001_framings_of_a_sample_table():
    table = np.arange(69).reshape(23, 3)
    assert as_sequences(table).shape == (23, 3, 1)
    assert as_sequences(table, "timesteps").shape == (23, 3, 1)
    assert as_sequences(table, "features").shape == (23, 1, 3)
    cube = np.zeros((2, 3, 4))
    assert as_sequences(cube) is cube


# --- errors ----------------------------------------------------------------------------

def test_size_errors():
    data = np.arange(10.0)
    with pytest.raises(ValueError, match="lookback must be an integer >= 1, got 0"):
        sliding_windows(data, 0)
    with pytest.raises(ValueError, match="horizon must be an integer >= 0, got -1"):
        sliding_windows(data, 3, -1)
    with pytest.raises(ValueError, match="stride must be an integer >= 1, got 0"):
        sliding_windows(data, 3, stride=0)
    with pytest.raises(ValueError, match="lookback=9 and horizon=2 need at least 11 rows, "
                                         "but the series has 10"):
        sliding_windows(data, 9, 2)
    with pytest.raises(ValueError, match="lookback=11 and horizon=0 need at least 11"):
        sliding_windows(np.column_stack([data, data]), 11, 0, targets=1, features=0)


def test_column_errors():
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": list("wxyz"), "y": [1.0, 2, 3, 4]})
    with pytest.raises(ValueError, match=r"Column 'zz' does not exist; the columns are "
                                         r"\['a', 'b', 'y'\]"):
        sliding_windows(frame, 2, targets="zz")
    with pytest.raises(ValueError, match="Column 5 does not exist"):
        sliding_windows(np.ones((4, 2)), 2, features=[5])
    with pytest.raises(TypeError, match="Column 'b' is not numeric"):
        sliding_windows(frame, 2)
    with pytest.raises(ValueError, match="targets must name at least one column"):
        sliding_windows(frame, 2, targets=[])
    with pytest.raises(ValueError, match=r"horizon=0 .* target column\(s\) \['y'\] cannot "
                                         r"also be features"):
        sliding_windows(frame, 2, 0, features=["a", "y"])
    with pytest.raises(ValueError, match="No feature columns left"):
        sliding_windows(np.arange(5.0), 2, 0)
    with pytest.raises(ValueError, match="data must be a 1-D series or a 2-D"):
        sliding_windows(np.ones((3, 3, 3)), 1)


def test_nan_error_names_the_first_row():
    data = np.arange(10.0)
    data[6] = np.nan
    data[8] = np.nan
    with pytest.raises(ValueError, match="Column 0 contains NaN or inf, first at row 6"):
        sliding_windows(data, 3)
    frame = pd.DataFrame({"v": data}, index=pd.date_range("2020-01-01", periods=10))
    with pytest.raises(ValueError, match="first at row 6 .index label Timestamp..2020-01-07"):
        windowed_split(frame, 3)


def test_split_errors():
    with pytest.raises(ValueError, match="test_size must be a fraction strictly between 0 "
                                         "and 1, got 1.5"):
        train_test_split(np.arange(5), np.arange(5), test_size=1.5)
    with pytest.raises(ValueError, match="test_size must be .* got 0"):
        windowed_split(np.arange(10.0), 2, test_size=0)
    with pytest.raises(ValueError, match="same number of samples, got 5 and 4"):
        train_test_split(np.arange(5), np.arange(4))
    with pytest.raises(ValueError, match="leaves 1 of 1 samples for training and 0 for "
                                         "testing"):
        train_test_split(np.arange(1), np.arange(1))
    with pytest.raises(ValueError, match="10 rows split at row 8 give 0 training and 2 test "
                                         "windows"):
        windowed_split(np.arange(10.0), 8)
    with pytest.raises(ValueError, match="scale must be None, 'minmax' or 'standard', got "
                                         "'robust'"):
        windowed_split(np.arange(10.0), 2, scale="robust")


def test_as_sequences_errors():
    with pytest.raises(ValueError, match="columns_are must be 'timesteps' or 'features'"):
        as_sequences(np.ones((2, 2)), "rows")
    with pytest.raises(ValueError, match="one_sequence=True reads rows as timesteps"):
        as_sequences(np.ones((2, 2)), "timesteps", one_sequence=True)
    with pytest.raises(ValueError, match="expects 1-D, 2-D or 3-D data, got shape"):
        as_sequences(np.ones((1, 1, 1, 1)))


def test_windowed_split_needs_room_for_a_test_window():
    with pytest.raises(ValueError, match=r"20 rows split at row 18 give 15 training and 0 test "
                                         r"windows \(lookback=1, horizon=3\); both need at least "
                                         r"one"):
        windowed_split(np.arange(20.0), 1, 3, test_size=0.1)
