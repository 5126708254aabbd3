"""TimeseriesGenerator against Keras's own (its batches), and batch-making objects in fit,
evaluate and predict (the same training as the arrays they hold)."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from keras.src.legacy.preprocessing.sequence import (  # noqa: E402
    TimeseriesGenerator as KerasTimeseriesGenerator,
)

from lstmkit import windowed  # noqa: E402
from lstmkit.callbacks import EarlyStopping  # noqa: E402
from lstmkit.layers import LSTM, Dense  # noqa: E402
from lstmkit.models import Sequential  # noqa: E402
from lstmkit.preprocessing.sequence import TimeseriesGenerator  # noqa: E402
from lstmkit.utils import set_random_seed  # noqa: E402

SERIES = np.sin(np.arange(60, dtype="float32") / 4).reshape(-1, 1)


@settings(max_examples=40, deadline=None)
@given(length=st.integers(1, 6), sampling_rate=st.integers(1, 3), stride=st.integers(1, 3),
       start_index=st.integers(0, 5), end_index=st.one_of(st.none(), st.integers(30, 59)),
       reverse=st.booleans(), batch_size=st.integers(1, 9))
def test_batches_are_keras_batches(length, sampling_rate, stride, start_index, end_index,
                                   reverse, batch_size):
    kwargs = dict(length=length, sampling_rate=sampling_rate, stride=stride,
                  start_index=start_index, end_index=end_index, reverse=reverse,
                  batch_size=batch_size)
    targets = SERIES[:, 0] * 10
    ours, theirs = TimeseriesGenerator(SERIES, targets, **kwargs), KerasTimeseriesGenerator(
        SERIES, targets, **kwargs)
    assert len(ours) == len(theirs)
    for k in range(len(theirs)):
        for a, b in zip(ours[k], theirs[k], strict=True):
            np.testing.assert_array_equal(a, b)
    x, y = ours.arrays()
    np.testing.assert_array_equal(x, np.concatenate([theirs[k][0] for k in range(len(theirs))]))
    np.testing.assert_array_equal(y, np.concatenate([theirs[k][1] for k in range(len(theirs))]))
    if sampling_rate == 1 and not reverse and length > stride:  # overlapping plain windows
        assert windowed.series_of(x) is not None  # a view: fit sends only the series


def model(seed=0):
    set_random_seed(seed)
    m = Sequential([LSTM(4, input_shape=(5, 1)), Dense(1)])
    m.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return m


def test_fit_on_a_generator_trains_as_on_its_arrays():
    generator = TimeseriesGenerator(SERIES, SERIES, length=5, batch_size=8)
    x, y = generator.arrays()
    with_generator = model()  # each model's shuffles follow from set_random_seed in model()
    got = with_generator.fit(generator, epochs=3, verbose=0).history
    with_arrays = model()
    want = with_arrays.fit(x, y, batch_size=8, epochs=3, verbose=0).history
    assert got == want
    np.testing.assert_array_equal(with_generator.predict(generator),
                                  with_arrays.predict(x, batch_size=8))
    assert with_generator.evaluate(generator, verbose=0) == with_arrays.evaluate(
        x, y, batch_size=8, verbose=0)


def test_keras2_generator_methods_and_validation_generator():
    train = TimeseriesGenerator(SERIES, SERIES, length=5, end_index=44, batch_size=8)
    val = TimeseriesGenerator(SERIES, SERIES, length=5, start_index=40, batch_size=8)
    m = model()
    history = m.fit_generator(train, steps_per_epoch=len(train), epochs=40, verbose=0,
                              validation_data=val, callbacks=[EarlyStopping(patience=2)],
                              workers=4, use_multiprocessing=True)
    assert "val_loss" in history.history
    loss, mae = m.evaluate_generator(val)
    x_val, y_val = val.arrays()
    assert [loss, mae] == m.evaluate(x_val, y_val, batch_size=8, verbose=0)
    np.testing.assert_array_equal(m.predict_generator(val), m.predict(x_val, batch_size=8))


def test_a_sequence_class_of_our_own():
    class Batches:
        def __len__(self):
            return 3

        def __getitem__(self, k):
            x = SERIES[k * 10:(k + 1) * 10, None].repeat(5, axis=1)  # (10, 5, 1)
            return x, x[:, -1]

    with_sequence, with_arrays = model(), model()
    x = np.concatenate([Batches()[k][0] for k in range(3)])
    got = with_sequence.fit(Batches(), epochs=2, shuffle=False, verbose=0).history
    assert got == with_arrays.fit(x, x[:, -1], batch_size=10, epochs=2, shuffle=False,
                                  verbose=0).history


def test_errors():
    generator = TimeseriesGenerator(SERIES, SERIES, length=5, batch_size=8)
    m = model()
    with pytest.raises(ValueError, match=r"steps_per_epoch=2, but the generator has 7 batches"
                                         r": lstmkit uses every batch"):
        m.fit_generator(generator, steps_per_epoch=2)
    with pytest.raises(ValueError, match=r"x makes its own targets \(TimeseriesGenerator\); "
                                         r"leave y out"):
        m.fit(generator, SERIES)
    with pytest.raises(TypeError, match=r"x is a Python generator, whose batches lstmkit "
                                        r"cannot know in advance"):
        m.fit(batch for batch in [generator[0]])
    with pytest.raises(ValueError, match=r"start_index \+ length = 60 is past end_index = 59"):
        TimeseriesGenerator(SERIES, SERIES, length=60)
    with pytest.raises(ValueError, match=r"data and targets must have the same length, got "
                                         r"60 and 59"):
        TimeseriesGenerator(SERIES, SERIES[1:], length=5)
    with pytest.raises(ValueError, match=r"length must be an integer >= 1, got 0"):
        TimeseriesGenerator(SERIES, SERIES, length=0)


def test_batches_with_sample_weights_and_without_targets():
    class Weighted:
        def __len__(self):
            return 2

        def __getitem__(self, k):
            x, y = SERIES_X[k * 8:(k + 1) * 8], SERIES_Y[k * 8:(k + 1) * 8]
            return x, y, np.where(np.arange(8) < 4, 1.0, 0.0)

    m = model()
    weights = np.tile(np.where(np.arange(8) < 4, 1.0, 0.0), 2)
    assert m.evaluate(Weighted(), verbose=0) == m.evaluate(
        SERIES_X[:16], SERIES_Y[:16], batch_size=8, sample_weight=weights, verbose=0)

    class NoTargets:
        def __len__(self):
            return 1

        def __getitem__(self, k):
            return (SERIES_X[:8],)

    with pytest.raises(ValueError, match=r"validation_data gives batches without targets"):
        m.fit(SERIES_X, SERIES_Y, validation_data=NoTargets(), verbose=0)
    with pytest.raises(ValueError, match=r"fit\(\) needs targets"):
        m.fit(NoTargets(), verbose=0)


SERIES_X, SERIES_Y = TimeseriesGenerator(SERIES, SERIES, length=5, batch_size=8).arrays()
