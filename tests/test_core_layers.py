"""Reshape, Lambda and the dropouts' noise shapes (outputs against Keras:
test_keras_parity and test_keras_import)."""

import jax
import numpy as np
import pytest

import lstmkit
from lstmkit import backend as K
from lstmkit.layers import LSTM, Dense, Dropout, Embedding, Lambda, Reshape, SpatialDropout1D
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
     r"\(Lambda\) failed on inputs of shape \(2, 3\) \(sizes 2 and 3 stand in for the "
     r"unknown ones .* compute_output_shape skips that\): AttributeError: .* Write it with "
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


@pytest.mark.parametrize("layer", [SpatialDropout1D(0.4),
                                   Dropout(0.4, noise_shape=(None, 1, None))])
def test_feature_dropout_drops_a_feature_at_every_timestep(layer):
    x = np.ones((8, 6, 5), "float32")
    y = np.asarray(layer.apply({}, x, training=True, key=jax.random.key(0))[0])
    assert (y == y[:, :1, :]).all()  # the same for every timestep
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.6], rtol=1e-6)
    assert 0.2 < (y[:, 0, :] == 0).mean() < 0.6
    np.testing.assert_array_equal(layer.apply({}, x, training=False)[0], x)


def test_spatial_dropout_keeps_the_mask_and_trains():
    lstmkit.utils.set_random_seed(0)
    model = Sequential([Embedding(10, 4, mask_zero=True, input_length=5), SpatialDropout1D(0.3),
                        LSTM(2), Dense(1, activation="sigmoid")])
    assert model.layers[1].compute_mask(None, np.ones((1, 5), bool)) is not None
    model.compile("adam", "binary_crossentropy")
    tokens = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]] * 4)
    history = model.fit(tokens, np.array([0, 1] * 4, "float32"), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize("noise_shape, input_shape", [
    ((None, 1, None), (4,)), ((None, 1, 7), (5, 4))])
def test_dropout_noise_shape_must_fit_the_input(noise_shape, input_shape):
    with pytest.raises(ValueError, match=r"has noise_shape=.*, which does not fit inputs of "
                                         r"shape .* each None, 1 or that axis's size"):
        Sequential([Dropout(0.5, noise_shape=noise_shape, input_shape=input_shape)])


def test_dropout_noise_shape_errors_name_the_setting():
    with pytest.raises(ValueError, match=r"noise_shape must be a tuple with the input's rank"):
        Dropout(0.5, noise_shape=5)
    with pytest.raises(ValueError, match=r"expects inputs of 2 dimensions per sample"):
        Sequential([SpatialDropout1D(0.5, input_shape=(4,))])
