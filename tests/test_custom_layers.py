"""Layers written Keras's way (build with add_weight, call with the backend functions),
as attention tutorials write them, against the same layer in Keras 3 (the oracle)."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from oracle import fit_alike  # noqa: E402

import lstmkit  # noqa: E402
from lstmkit import backend as K  # noqa: E402
from lstmkit.layers import LSTM, Dense, Layer  # noqa: E402
from lstmkit.models import Sequential  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras")


def attention(base, ops):
    """The tutorials' attention layer, on lstmkit's or Keras's base class and functions."""
    class Attention(base):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def build(self, input_shape):
            self.W = self.add_weight(name="att_weight", shape=(input_shape[-1], 1),
                                     initializer="normal")
            self.b = self.add_weight(name="att_bias", shape=(input_shape[1], 1),
                                     initializer="zeros")
            super().build(input_shape)
            self.built = True  # Keras 2's habit

        def call(self, x):
            scores = ops.squeeze(ops.tanh(ops.dot(x, self.W) + self.b), axis=-1)
            weights = ops.expand_dims(ops.softmax(scores), axis=-1)
            return ops.sum(x * weights, axis=1)
    return Attention()


def test_an_attention_layer_trains_as_in_keras(tmp_path):
    x = np.random.default_rng(0).normal(size=(16, 6, 2)).astype("float32")
    y = x[:, :, :1].sum(axis=1)
    keras.utils.set_random_seed(1)
    km = keras.Sequential([keras.Input((6, 2)), keras.layers.LSTM(4, return_sequences=True),
                           attention(keras.layers.Layer, keras.ops), keras.layers.Dense(1)])
    lk = Sequential([LSTM(4, input_shape=(6, 2), return_sequences=True),
                     attention(Layer, K), Dense(1)])
    assert lk.layers[1].output_shape == (None, 4)  # traced from call
    assert [w.shape for w in lk.layers[1].get_weights()] == [(4, 1), (6, 1)]
    lk.set_weights(km.get_weights())
    np.testing.assert_allclose(lk.predict(x), km.predict(x, verbose=0), atol=1e-5)
    fit_alike(km, lk, x, y, 0.02, batch_size=4, epochs=3)
    np.testing.assert_allclose(lk.layers[1].W, km.layers[1].W, atol=1e-5)  # trained
    lk.save_weights(tmp_path / "w.safetensors")
    with pytest.raises(ValueError, match=r"Attention is a layer class of your own.*"
                                         r"model.save_weights\(path\)"):
        lk.save(tmp_path / "m.lstmkit")


def test_frozen_and_listed_weights_mask_and_training_arguments():
    class Scale(Layer):
        def build(self, input_shape):
            self.gains = [self.add_weight(name=f"g{i}", shape=(input_shape[-1],),
                                          initializer="ones") for i in range(2)]
            self.offset = self.add_weight(name="offset", shape=(1,), initializer="zeros",
                                          trainable=False)

        def call(self, x, training=False):
            y = x * self.gains[0] * self.gains[1] + self.offset
            return y * 2.0 if training else y

        def compute_output_shape(self, input_shape):
            return input_shape

    model = Sequential([Scale(input_shape=(3,)), Dense(1)])
    model.compile(lstmkit.optimizers.SGD(0.1), "mse")
    before = model.layers[0].get_weights()
    model.fit(np.ones((4, 3)), np.full((4, 1), 5.0), epochs=3, verbose=0)
    after = model.layers[0].get_weights()
    assert not np.allclose(after[0], before[0]) and np.array_equal(after[2], before[2])
    assert model.layers[0].non_trainable_names == ("offset",)
    np.testing.assert_allclose(model.layers[0](np.ones((1, 3)), training=True),
                               2 * model.layers[0](np.ones((1, 3))))


def test_add_weight_outside_build_is_refused():
    class Plain(Layer):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match=r"Plain.add_weight works inside build"):
        Plain().add_weight(name="w", shape=(2,))
    model = Sequential([Plain(input_shape=(3,))])
    assert model.output_shape == (None, 3) and model.layers[0].get_weights() == []
