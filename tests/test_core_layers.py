"""Reshape and Lambda (their outputs against Keras: test_keras_parity)."""

import numpy as np
import pytest

import lstmkit
from lstmkit import backend as K
from lstmkit.layers import LSTM, Dense, Lambda, Reshape
from lstmkit.models import Sequential


@pytest.mark.parametrize("target, input_shape, expected", [
    ((4, 5), (None, 20), (None, 4, 5)),
    ((-1, 2), (None, 3, 4), (None, 6, 2)),
    (6, (None, 2, 3), (None, 6)),
    ((2, 3), (None, None), (None, 2, 3)),  # unknown sizes reshape at run time
    ((-1, 2), (None, None, 4), (None, None, 2)),  # and so does an unknown -1
    ((np.int64(4), np.int64(5)), (None, 20), (None, 4, 5)),  # Keras takes NumPy integers
])
def test_reshape_output_shapes(target, input_shape, expected):
    assert Reshape(target).compute_output_shape(input_shape) == expected


@pytest.mark.parametrize("make, match", [
    (lambda: Reshape((0, 2)), r"target_shape must be a tuple of positive sizes with at most "
                              r"one -1, got \(0, 2\)"),
    (lambda: Reshape((-1, -1)), "at most one -1"),
    (lambda: Reshape("4,5"), "target_shape must be a tuple"),
    (lambda: Sequential([Reshape((7,), input_shape=(20,))]),
     r"cannot reshape input_shape=\(20,\) \(20 values per sample\) to \(7,\)"),
])
def test_reshape_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_reshape_with_an_unknown_count_reshapes_at_run_time():
    model = Sequential([LSTM(4, return_sequences=True, input_shape=(None, 2)), Reshape((-1, 2))])
    assert model.output_shape == (None, None, 2)
    assert model.predict(np.zeros((3, 8, 2), "float32")).shape == (3, 16, 2)


def test_reshape_round_trips_through_a_file(tmp_path):
    model = Sequential([Reshape((4, 5), input_shape=(20,)), LSTM(2)])
    model.save(tmp_path / "r.lstmkit")
    x = np.arange(40, dtype="float32").reshape(2, 20) / 40
    np.testing.assert_array_equal(lstmkit.models.load_model(tmp_path / "r.lstmkit").predict(x),
                                  model.predict(x))


def test_lambda_shapes_by_tracing_or_as_given():
    expand = Lambda(lambda x: K.expand_dims(x, axis=-1))
    assert expand.compute_output_shape((None, None)) == (None, None, 1)
    assert expand.compute_output_shape((None, 7)) == (None, 7, 1)
    last = Lambda(lambda x, k: x[:, -k:], arguments={"k": 3})
    assert last.compute_output_shape((None, 10, 2)) == (None, 3, 2)
    assert Lambda(lambda x: x, output_shape=(5,)).compute_output_shape((None, 9)) == (None, 5)
    assert Lambda(lambda x: x, output_shape=lambda s: (s[0], 1)).compute_output_shape(
        (None, 9)) == (None, 1)


def test_a_lambda_model_trains_and_scales_its_output():
    lstmkit.utils.set_random_seed(0)
    model = Sequential([Lambda(lambda x: K.expand_dims(x, axis=-1), input_shape=[None]),
                        LSTM(4), Dense(1), Lambda(lambda x: x * 100.0)])
    model.compile("adam", "mse")
    x = np.random.default_rng(0).random((32, 6)).astype("float32")
    history = model.fit(x, 100 * x[:, -1:], epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    unscaled = Sequential(model.layers[:-1]).predict(x)
    np.testing.assert_allclose(model.predict(x), 100 * unscaled, rtol=1e-5)


@pytest.mark.parametrize("make, error, match", [
    (lambda: Lambda("double"), TypeError, "Lambda takes a function of an array, got str"),
    (lambda: Sequential([Lambda(lambda x: x.nope(), input_shape=(3,))]), ValueError,
     r"its function failed on inputs of shape \(2, 3\) \(sizes 2 and 3 stand in for the "
     r"unknown ones .* output_shape= skips that\): AttributeError: .* Write it with "
     r"jax.numpy or lstmkit.backend"),
    (lambda: Sequential([Lambda(lambda x: (x, x), input_shape=(3,))]), ValueError,
     "must return one array, got tuple"),
    (lambda: Lambda(lambda x: x, output_shape=(0,)), ValueError,
     "Lambda output_shape must be a tuple of positive sizes"),
])
def test_lambda_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_a_lambda_model_cannot_be_saved_whole_but_its_weights_can(tmp_path):
    model = Sequential([LSTM(2, input_shape=(3, 1)), Lambda(lambda x: x * 2.0)])
    with pytest.raises(ValueError, match="Cannot save layer 'lambda\\w*' setting 'function'"):
        model.save(tmp_path / "m.lstmkit")
    assert not (tmp_path / "m.lstmkit").exists()
    model.save_weights(tmp_path / "w.safetensors")
