"""LayerNormalization (its outputs and training against Keras: test_keras_parity)."""

import numpy as np
import pytest

import lstmkit
from lstmkit.layers import LSTM, LayerNormalization
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
    ({"axis": "last"}, r"normalizes over the last axis in lstmkit \(axis=-1\), got "
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
    with pytest.raises(ValueError, match=r"normalizes over the last axis in lstmkit "
                                         r"\(axis=-1, here 2\), got axis=1"):
        Sequential([LSTM(3, input_shape=(4, 2), return_sequences=True),
                    LayerNormalization(axis=1)])
