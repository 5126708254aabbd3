"""Windows of a series as model input: recognised, never materialised, same results."""

import numpy as np
import pytest

from lstmkit import validation, windowed
from lstmkit.data import sliding_windows
from lstmkit.layers import LSTM, Dense
from lstmkit.models import Sequential
from lstmkit.utils import set_random_seed

SERIES = np.sin(np.arange(400) / 7.0) + 0.1 * np.cos(np.arange(400) / 3.0)


@pytest.mark.parametrize("stride", [1, 3])
def test_recognises_sliding_windows_and_their_slices(stride):
    x, _ = sliding_windows(SERIES, lookback=20, stride=stride)
    for view in (x, x[5:], x[:-7]):
        series, step = windowed.series_of(view)
        assert step == stride
        np.testing.assert_array_equal(windowed.windows_of(series, *view.shape[:2], step), view)
        assert series.shape == ((len(view) - 1) * stride + 20, 1)


def test_ordinary_arrays_are_not_windows():
    x, _ = sliding_windows(SERIES, lookback=20)
    assert windowed.series_of(np.array(x)) is None  # a copy: contiguous windows
    assert windowed.series_of(sliding_windows(SERIES, lookback=5, stride=5)[0]) is None
    assert windowed.series_of(np.zeros((3, 4))) is None


def test_conversion_copies_the_series_not_the_windows():
    x, _ = sliding_windows(SERIES, lookback=50)  # float64 windows: 351 x 50 values
    converted = validation.as_numeric_array("x", x)
    assert converted.dtype == np.float32
    np.testing.assert_array_equal(converted, x.astype(np.float32))
    assert converted.strides == (4, 4, 4)  # still windows of a float32 series, not a copy
    series, _ = windowed.series_of(converted)
    np.testing.assert_array_equal(series[:, 0], SERIES[:-1].astype(np.float32))  # last: a y
    x32, _ = sliding_windows(SERIES.astype(np.float32), lookback=50)
    assert np.shares_memory(validation.as_numeric_array("x", x32), x32)  # no copy at all


def test_nan_in_the_series_is_reported_on_the_series():
    series = SERIES.copy()
    series[123] = np.nan
    x = windowed.windows_of(series[:, None], 300, 50, 1)
    with pytest.raises(ValueError, match=r"x \(the series its windows view\) contains NaN or "
                                         r"inf, first at index \(123, 0\)"):
        validation.as_numeric_array("x", x)


def model():
    set_random_seed(5)
    m = Sequential([LSTM(4, input_shape=(20, 1)), Dense(1)])
    m.compile(loss="mse", optimizer="adam", metrics=["mae"])
    return m


def test_training_on_windows_equals_training_on_their_copy():
    x, y = sliding_windows(SERIES.astype(np.float32), lookback=20)
    kwargs = {"epochs": 3, "batch_size": 32, "validation_split": 0.2, "verbose": 0}
    views = model()  # each model seeded, then trained, so both draw the same shuffles
    history = views.fit(x, y, **kwargs)
    copies = model()
    want = copies.fit(np.array(x), y, **kwargs)
    assert history.history == want.history
    for a, b in zip(views.get_weights(), copies.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(views.predict(x), copies.predict(np.array(x)))
    assert views.evaluate(x, y, verbose=0) == copies.evaluate(np.array(x), y, verbose=0)
