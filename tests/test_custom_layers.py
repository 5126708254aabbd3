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
from lstmkit import initializers  # noqa: E402
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


@pytest.mark.filterwarnings("ignore:Layer 'shifted':UserWarning")  # Keras's, on the mask
def test_review_cases_train_as_keras(tmp_path):
    """Weights in a dict and a nested list, a frozen weight with a constraint and a
    regularizer (left alone, as Keras leaves it), Keras's weight order (trainable first),
    a mask given to call, and a subclass that extends its parent's build."""
    def make(base, ops, constraints, regularizers):
        class Gains(base):
            def build(self, input_shape):
                self.offset = self.add_weight(name="offset", shape=(1,), initializer="ones",
                                              trainable=False,
                                              constraint=constraints.UnitNorm(),
                                              regularizer=regularizers.L2(10.0))
                self.by_name = {"a": self.add_weight(name="a", shape=(input_shape[-1],),
                                                     initializer="ones")}
                self.nested = [[self.add_weight(name="b", shape=(1,), initializer="ones")]]

            def call(self, x, mask=None):
                y = x * self.by_name["a"] * self.nested[0][0] + self.offset
                if mask is not None:
                    y = y * ops.expand_dims(ops.cast(mask, "float32"), -1)
                return y

        class Shifted(Gains):
            def build(self, input_shape):
                super().build(input_shape)
                self.shift = self.add_weight(name="shift", shape=(1,), initializer="zeros")

            def call(self, x, mask=None):
                return super().call(x, mask) + self.shift
        return Shifted()

    tokens = np.array([[1, 2, 0, 0], [3, 1, 2, 0], [2, 2, 2, 1], [1, 0, 0, 0]])
    y = np.arange(4, dtype="float32")[:, None]
    keras.utils.set_random_seed(2)
    km = keras.Sequential([keras.Input((4,)), keras.layers.Embedding(5, 3, mask_zero=True),
                           make(keras.layers.Layer, keras.ops, keras.constraints,
                                keras.regularizers),
                           keras.layers.LSTM(2), keras.layers.Dense(1)])
    lk = Sequential([lstmkit.layers.Embedding(5, 3, mask_zero=True, input_length=4),
                     make(Layer, K, lstmkit.constraints, lstmkit.regularizers),
                     LSTM(2), Dense(1)])
    assert lk.layers[1].weight_names == ("a", "b", "shift", "offset")  # Keras's order
    lk.set_weights(km.get_weights())
    np.testing.assert_allclose(lk.predict(tokens), km.predict(tokens, verbose=0), atol=1e-5)
    fit_alike(km, lk, tokens, y, 0.05, batch_size=2, epochs=3)
    np.testing.assert_allclose(lk.evaluate(tokens, y, verbose=0),
                               km.evaluate(tokens, y, verbose=0), rtol=1e-5)


def test_what_is_refused_by_name():
    class Projected(Layer):
        def build(self, input_shape):
            self.proj = Dense(2)

        def call(self, x):
            return self.proj(x)

    with pytest.raises(TypeError, match=r"holds the layer <Dense .*: lstmkit does not run a "
                                        r"layer inside a layer of your own"):
        Sequential([Projected(input_shape=(3,))])
    with pytest.raises(TypeError, match=r"Doubled overrides call of lstmkit's Dense"):
        class Doubled(Dense):
            def call(self, x):
                return 2 * x

    class Plain(Layer):
        def call(self, x):
            return x

    with pytest.raises(TypeError, match=r"TimeDistributed wraps lstmkit's layers"):
        lstmkit.layers.TimeDistributed(Plain())

    class Sized(Layer):
        def build(self, input_shape):
            self.w = self.add_weight(name="w", shape=(None, 3))

        def call(self, x):
            return x

    with pytest.raises(ValueError, match=r"Sized.add_weight shape must be sizes known in build"):
        Sequential([Sized(input_shape=(3,))])


def test_keras3_add_weight_order_unbuilt_fit_and_list_shapes():
    class Bias(Layer):
        def build(self, input_shape):
            self.b = self.add_weight((input_shape[-1],), "ones")  # Keras 3's order

        def call(self, x):
            return x + self.b

        def compute_output_shape(self, input_shape):
            return list(input_shape)  # a list, as some tutorials return it

    model = Sequential([Bias(), Dense(1)])  # no input shape: built by fit
    model.compile("adam", "mse")
    model.fit(np.ones((4, 3)), np.ones((4, 1)), epochs=1, verbose=0)
    np.testing.assert_allclose(model.layers[0].get_weights()[0], 1.0, atol=0.01)
    dense = model.layers[1].get_weights()[0]
    model.build((None, 3))  # the same shape: nothing drawn again
    np.testing.assert_array_equal(model.layers[1].get_weights()[0], dense)


def test_second_review_cases():
    """Weights in private attributes and in containers among other values, a call that
    needs its mask while the shape is traced, compute_mask without supports_masking,
    Keras 3's add_weight with an initializer object and a name keyword, add_loss and a
    weightless model refused by name."""
    class Gate(Layer):
        def build(self, input_shape):
            self._kernel = self.add_weight((input_shape[-1], 1), initializers.Ones(),
                                           name="kernel")
            self.parts = {"bias": self.add_weight(name="bias", shape=(1,)), "act": "tanh"}

        def call(self, x, mask):
            y = K.tanh(K.dot(x, self._kernel) + self.parts["bias"])
            return y * K.expand_dims(K.cast(mask, "float32"), -1)

        def compute_mask(self, inputs, mask=None):
            return mask

    tokens = np.array([[1, 2, 0], [3, 0, 0], [2, 2, 1], [1, 3, 0]])
    model = Sequential([lstmkit.layers.Embedding(4, 2, mask_zero=True, input_length=3),
                        Gate(), LSTM(2, return_sequences=True), Dense(1)])
    assert model.layers[1].supports_masking  # its own compute_mask passes the mask on
    np.testing.assert_array_equal(model.layers[1].get_weights()[0], 1.0)
    model.compile(lstmkit.optimizers.SGD(0.5), "mse")
    before = model.layers[1].get_weights()
    model.fit(tokens, np.ones((4, 3, 1)), epochs=2, verbose=0)
    after = model.layers[1].get_weights()
    assert not np.allclose(before[0], after[0]) and not np.allclose(before[1], after[1])
    assert model.layers[1].parts["act"] == "tanh"
    assert [w.shape for w in model.layers[1].trainable_weights] == [(2, 1), (1,)]

    class Penalized(Layer):
        def call(self, x):
            self.add_loss(K.sum(x))
            return x

    with pytest.raises(ValueError, match=r"Penalized calls add_loss, which lstmkit does not "
                                         r"have"):
        Sequential([Penalized(input_shape=(3,))])
    weightless = Sequential([lstmkit.layers.Activation("tanh", input_shape=(3,))])
    weightless.compile("adam", "mse")
    with pytest.raises(ValueError, match=r"fit: the model has no weights to train"):
        weightless.fit(np.ones((2, 3)), np.ones((2, 3)), verbose=0)
