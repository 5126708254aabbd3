"""Keras 2 tutorial idioms that lstmkit takes as written: old module paths and names,
intermediate layer outputs, History's 'lr', Sequence subclasses, and a clear word when a
file is named for Keras."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lstmkit  # noqa: E402
from lstmkit import backend as K  # noqa: E402
from lstmkit import initializers  # noqa: E402
from lstmkit.callbacks import ReduceLROnPlateau  # noqa: E402
from lstmkit.layers import LSTM, Dense  # noqa: E402
from lstmkit.models import Sequential  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras")
X = np.random.default_rng(0).normal(size=(6, 5, 2)).astype("float32")


def test_old_module_paths_and_names():
    from lstmkit.layers import convolutional, pooling

    assert convolutional.MaxPooling1D is pooling.MaxPooling1D  # Keras 2 kept them here
    assert convolutional.Convolution1D is convolutional.Conv1D
    assert lstmkit.layers.MaxPool1D is pooling.MaxPooling1D
    assert lstmkit.layers.GlobalAvgPool1D is pooling.GlobalAveragePooling1D
    layer = LSTM(4, input_dim=2, input_length=5, implementation=1, unroll=True)
    assert layer.batch_input_shape == (None, 5, 2)
    dense = Dense(3, kernel_initializer=initializers.glorot_uniform(seed=1),
                  bias_initializer=initializers.zeros)  # a class given uncalled
    assert repr(dense.kernel_initializer) == "GlorotUniform(seed=1)"


def test_intermediate_outputs_as_keras_gives_them():
    keras.utils.set_random_seed(3)
    km = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(4, return_sequences=True),
                           keras.layers.LSTM(3), keras.layers.Dense(1)])
    lk = Sequential([LSTM(4, input_shape=(5, 2), return_sequences=True), LSTM(3), Dense(1)])
    lk.set_weights(km.get_weights())
    want = keras.Model(km.inputs, km.layers[1].output).predict(X, verbose=0)
    sub = lstmkit.Model(inputs=lk.input, outputs=lk.layers[1].output)
    np.testing.assert_allclose(sub.predict(X), want, atol=1e-5)
    assert sub.layers[0] is lk.layers[0]  # the same weights, as in Keras
    first = K.function([lk.layers[0].input, K.learning_phase()], [lk.layers[0].output])
    np.testing.assert_allclose(first([X, 0])[0], keras.Model(
        km.inputs, km.layers[0].output).predict(X, verbose=0), atol=1e-5)
    assert lk.inputs == [lk.input] and lk.outputs == [lk.layers[-1].output]
    with pytest.raises(ValueError, match=r"model.input needs a built model"):
        _ = Sequential([Dense(1)]).input


def test_history_lr_and_normalize():
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(lstmkit.optimizers.SGD(0.1), "mse")
    history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
                        callbacks=[ReduceLROnPlateau(monitor="loss", patience=0)])
    assert history.history["lr"] == history.history["learning_rate"]  # Keras 2's key
    assert history.history.get("lr") == history.history["learning_rate"]
    assert "lr" not in history.history and history.history.get("momentum") is None
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(lstmkit.utils.normalize(x), keras.utils.normalize(x))


def test_switch_takes_a_condition_of_lower_rank():
    mask = np.array([[True, False], [False, True]])
    values = np.arange(8, dtype="float32").reshape(2, 2, 2)
    np.testing.assert_array_equal(K.switch(mask, values, -values),
                                  np.where(mask[..., None], values, -values))
    np.testing.assert_array_equal(K.switch(True, lambda: values, lambda: -values), values)
    with pytest.raises(ValueError, match=r"condition's rank \(3\) is above the values' \(2\)"):
        K.switch(values > 0, mask, mask)
    np.testing.assert_allclose(K.l2_normalize(np.array([[1e-4, 0.0]]), axis=-1),
                               [[1.0, 0.0]], rtol=1e-5)  # Keras's 1e-12 floor


def test_a_sequence_subclass_feeds_fit():
    class Batches(lstmkit.utils.Sequence):
        def __init__(self):
            super().__init__(workers=2, use_multiprocessing=False)  # Keras 3's arguments

        def __len__(self):
            return 3

        def __getitem__(self, i):
            return X[2 * i:2 * i + 2], np.full((2, 1), i, "float32")

    model = Sequential([LSTM(3, input_shape=(5, 2)), Dense(1)])
    model.compile("adam", "mse")
    assert len(model.fit(Batches(), epochs=2, verbose=0).epoch) == 2
    assert len(list(Batches())) == 3

    class Inputs(lstmkit.utils.Sequence):  # bare x batches, as Keras's predict takes them
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return X[2 * i:2 * i + 2]

    np.testing.assert_allclose(model.predict(Inputs()), model.predict(X), atol=1e-6)


def test_saving_under_a_keras_name_says_what_is_written(tmp_path):
    model = Sequential([Dense(1, input_shape=(2,))])
    with pytest.warns(UserWarning, match=r"m.h5 is named like a Keras file, but lstmkit writes "
                                         r"an lstmkit model file \(a zip\) there"):
        model.save(tmp_path / "m.h5")
    with pytest.warns(UserWarning, match=r"writes a safetensors weights file there"):
        model.save_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(lstmkit.models.load_model(tmp_path / "m.h5").get_weights()[0],
                                  model.get_weights()[0])
