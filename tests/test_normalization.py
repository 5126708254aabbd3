"""LayerNormalization and BatchNormalization (their outputs and training against Keras:
test_keras_parity; imported from Keras files: test_keras_import)."""

import numpy as np
import pytest

import lstmkit
from lstmkit.layers import LSTM, BatchNormalization, Dense, LayerNormalization, TimeDistributed
from lstmkit.models import Sequential


def test_each_timestep_is_normalized_over_its_features():
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(2, 4, 6)).astype("float32")
    y = LayerNormalization(epsilon=1e-6)(x)
    np.testing.assert_allclose(y.mean(axis=-1), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=-1), 1.0, rtol=1e-4)


def test_weights_follow_center_and_scale(tmp_path):
    model = Sequential([LSTM(3, input_shape=(4, 2), return_sequences=True),
                        LayerNormalization(center=False)])
    assert [w.shape for w in model.layers[1].get_weights()] == [(3,)]  # gamma only
    model.save(tmp_path / "m.lstmkit")
    x = np.ones((2, 4, 2), "float32")
    np.testing.assert_array_equal(lstmkit.models.load_model(tmp_path / "m.lstmkit").predict(x),
                                  model.predict(x))


@pytest.mark.parametrize("kwargs, match", [
    ({"axis": "last"}, r"works on the last axis in lstmkit \(axis=-1\), got "
                       r"axis='last'"),
    ({"epsilon": 0}, "epsilon must be a number > 0, got 0"),
])
def test_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LayerNormalization(**kwargs)


@pytest.mark.parametrize("axis", [-1, 2, [2]])  # tf.keras 2 saves the default as [2]
def test_the_last_axis_by_any_name(axis):
    model = Sequential([LSTM(3, input_shape=(4, 2), return_sequences=True),
                        LayerNormalization(axis=axis)])
    assert model.output_shape == (None, 4, 3)


def test_another_axis_is_refused_at_build():
    with pytest.raises(ValueError, match=r"works on the last axis in lstmkit "
                                         r"\(axis=-1, here 2\), got axis=1"):
        Sequential([LSTM(3, input_shape=(4, 2), return_sequences=True),
                    LayerNormalization(axis=1)])


def batch_norm_model():
    model = Sequential([LSTM(3, input_shape=(4, 2), return_sequences=True),
                        BatchNormalization(momentum=0.5, scale=False), LSTM(2), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def test_batch_norm_moving_averages_are_non_trainable_and_saved(tmp_path, capsys):
    model = batch_norm_model()
    assert [w.shape for w in model.layers[1].get_weights()] == [(3,)] * 3  # no gamma
    model.summary()
    lines = capsys.readouterr().out.splitlines()
    assert f"Non-trainable params: {2 * 3}" in lines  # moving mean and variance, as Keras
    x = np.random.default_rng(0).normal(size=(10, 4, 2)).astype("float32")
    model.fit(x, np.ones((10, 1), "float32"), epochs=2, batch_size=4, verbose=0)
    moving_mean, moving_variance = model.layers[1].get_weights()[1:]
    assert np.abs(moving_mean).min() > 0 and not np.allclose(moving_variance, 1.0)
    model.save(tmp_path / "m.lstmkit")
    loaded = lstmkit.models.load_model(tmp_path / "m.lstmkit")
    np.testing.assert_array_equal(loaded.layers[1].get_weights()[1], moving_mean)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    rebuilt = Sequential.from_config(model.get_config())
    assert rebuilt.layers[1].get_config() == model.layers[1].get_config()


def test_batch_norm_predictions_do_not_depend_on_the_batch():
    model = batch_norm_model()
    x = np.random.default_rng(1).normal(size=(9, 4, 2)).astype("float32")
    model.fit(x, np.zeros((9, 1), "float32"), epochs=1, verbose=0)
    np.testing.assert_allclose(model.predict(x, batch_size=2)[:3], model.predict(x[:3]),
                               atol=1e-6)


@pytest.mark.parametrize("kwargs, match", [
    ({"momentum": 1.5}, r"momentum must be a number in \[0, 1\], got 1.5"),
    ({"epsilon": -1}, "epsilon must be a number > 0, got -1"),
    ({"axis": (1, 2)}, r"works on the last axis in lstmkit \(axis=-1\), got axis=\(1, 2\)"),
])
def test_batch_norm_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BatchNormalization(**kwargs)


def test_batch_norm_on_another_axis_or_in_time_distributed_is_refused():
    with pytest.raises(ValueError, match=r"works on the last axis in lstmkit \(axis=-1, here "
                                         r"2\), got axis=1"):
        Sequential([LSTM(3, input_shape=(4, 2), return_sequences=True),
                    BatchNormalization(axis=1)])
    with pytest.raises(TypeError, match=r"does not wrap <BatchNormalization .*, whose batch "
                                        r"statistics it would split by timestep.*unwrapped"):
        TimeDistributed(BatchNormalization())
