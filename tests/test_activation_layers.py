"""LeakyReLU, ReLU, ELU, PReLU, the activations named after them, and the GaussianNoise and
GaussianDropout layers, against Keras 3 (the oracle)."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lstmkit  # noqa: E402
from lstmkit import activations  # noqa: E402
from lstmkit.layers import (  # noqa: E402
    ELU,
    LSTM,
    Dense,
    GaussianDropout,
    GaussianNoise,
    LeakyReLU,
    PReLU,
    ReLU,
)
from lstmkit.models import Sequential, load_model  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras")
X = np.random.default_rng(0).normal(0.0, 3.0, (4, 5, 6)).astype("float32")

LAYERS = [
    ("LeakyReLU", {}), ("LeakyReLU", {"negative_slope": 0.1}), ("ReLU", {}),
    ("ReLU", {"max_value": 6.0}), ("ReLU", {"negative_slope": 0.1, "threshold": 0.5}),
    ("ReLU", {"max_value": 2.0, "negative_slope": 0.2, "threshold": 1.0}),
    ("ELU", {}), ("ELU", {"alpha": 0.5}),
]


@pytest.mark.parametrize("name, kwargs", LAYERS, ids=[f"{n}-{i}" for i, (n, _) in
                                                      enumerate(LAYERS)])
def test_layers_match_keras(name, kwargs):
    ours, theirs = getattr(lstmkit.layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    np.testing.assert_allclose(ours(X), keras.ops.convert_to_numpy(theirs(X)), atol=1e-6)


def test_keras2_leaky_relu_alpha():
    assert LeakyReLU(alpha=0.05).negative_slope == 0.05
    assert LeakyReLU().negative_slope == 0.3  # the layer's default, as Keras's


@pytest.mark.parametrize("name", ["leaky_relu", "relu6", "exponential", "log_softmax", "mish"])
def test_activation_names_match_keras(name):
    x = X / 2
    np.testing.assert_allclose(activations.get(name)(x), keras.ops.convert_to_numpy(
        getattr(keras.activations, name)(x)), rtol=1e-5, atol=1e-6)


def test_prelu_trains_as_keras_does(tmp_path):
    y = np.random.default_rng(1).normal(size=(4, 1)).astype("float32")
    keras.utils.set_random_seed(2)
    km = keras.Sequential([keras.Input((5, 6)), keras.layers.LSTM(3, return_sequences=True),
                           keras.layers.PReLU(shared_axes=[1]), keras.layers.LSTM(2),
                           keras.layers.PReLU(alpha_initializer="ones"), keras.layers.Dense(1)])
    lk = Sequential([LSTM(3, return_sequences=True, input_shape=(5, 6)),
                     PReLU(shared_axes=[1]), LSTM(2), PReLU(alpha_initializer="ones"), Dense(1)])
    weights = [w + np.random.default_rng(3).normal(0, 0.3, w.shape).astype("float32")
               for w in km.get_weights()]  # slopes that are not all 0 or 1
    km.set_weights(weights)
    lk.set_weights(weights)
    assert [w.shape for w in lk.layers[1].get_weights()] == [(1, 3)]
    assert PReLU(shared_axes=[np.int64(1)]).shared_axes == [1]
    for api, model in ((keras, km), (lstmkit, lk)):
        model.compile(api.optimizers.Adam(0.05), "mse")
        model.fit(X, y, batch_size=2, epochs=3, shuffle=False, verbose=0)
    for g, w in zip(lk.get_weights(), km.get_weights(), strict=True):
        np.testing.assert_allclose(g, w, atol=1e-5)
    lk.save(tmp_path / "m.lstmkit")
    np.testing.assert_array_equal(load_model(tmp_path / "m.lstmkit").predict(X), lk.predict(X))


def test_noise_layers_add_noise_of_the_given_size_only_while_training():
    x = np.ones((200, 50, 2), "float32")
    noise, drop = GaussianNoise(0.5), GaussianDropout(0.2)
    for layer in (noise, drop):
        np.testing.assert_array_equal(layer(x), x)  # inference: the identity
    added = noise(x, training=True) - x
    assert abs(added.mean()) < 0.01 and abs(added.std() - 0.5) < 0.01
    factor = drop(x, training=True)
    assert abs(factor.mean() - 1.0) < 0.01 and abs(factor.std() - 0.5) < 0.01  # sqrt(.2/.8)


def test_a_model_with_noise_trains_reproducibly_and_predicts_without_it():
    y = np.zeros((4, 1), "float32")

    def fitted(layer):
        lstmkit.utils.set_random_seed(4)
        model = Sequential([LSTM(3, input_shape=(5, 6)), layer, Dense(1)])
        model.compile("adam", "mse")
        model.fit(X, y, epochs=2, verbose=0)
        return model
    a, b = fitted(GaussianNoise(0.3)), fitted(GaussianNoise(0.3))
    quiet = fitted(GaussianNoise(0.0))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert not np.allclose(a.get_weights()[-2], quiet.get_weights()[-2])
    np.testing.assert_array_equal(a.predict(X), a.predict(X))


@pytest.mark.parametrize("make, match", [
    (lambda: LeakyReLU(-0.1), r"LeakyReLU negative_slope must be a number >= 0, got -0.1"),
    (lambda: ReLU(max_value=-1), r"ReLU max_value must be a number >= 0, got -1"),
    (lambda: ELU(alpha="1"), r"ELU alpha must be a number, got '1'"),
    (lambda: PReLU(shared_axes=[0]), r"shared_axes must be axes >= 1 \(0 is the batch\)"),
    (lambda: GaussianNoise(-1), r"GaussianNoise stddev must be a number >= 0, got -1"),
    (lambda: GaussianDropout(1.0), r"rate must be a float in \[0, 1\)"),
    (lambda: LeakyReLU(float("nan")), r"negative_slope must be a number >= 0, got nan"),
    (lambda: GaussianNoise(float("inf")), r"stddev must be a number >= 0, got inf"),
    (lambda: Sequential([LSTM(3, input_shape=(None, 2), return_sequences=True), PReLU()]),
     r"PReLU\) needs known sizes on every axis it does not share"),
])
def test_bad_settings(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("fmt", ["keras", "h5"])
def test_an_activation_layer_as_a_layers_activation(tmp_path, fmt):
    keras.utils.set_random_seed(6)
    km = keras.Sequential([keras.Input((5, 6)),
                           keras.layers.LSTM(4, recurrent_activation=keras.layers.ReLU(
                               max_value=1.0)),
                           keras.layers.Dense(3, activation=keras.layers.LeakyReLU(0.1)),
                           keras.layers.Dense(1, activation=keras.layers.ReLU(max_value=0.5))])
    km.save(tmp_path / f"k.{fmt}")
    imported = load_model(tmp_path / f"k.{fmt}")
    np.testing.assert_allclose(imported.predict(X), km.predict(X, verbose=0), atol=1e-6)
    ours = Sequential([LSTM(4, input_shape=(5, 6), recurrent_activation=ReLU(max_value=1.0)),
                       Dense(3, activation=LeakyReLU(0.1)),
                       Dense(1, activation=ReLU(max_value=0.5))])
    ours.set_weights(km.get_weights())
    np.testing.assert_allclose(ours.predict(X), km.predict(X, verbose=0), atol=1e-6)
    ours.save(tmp_path / "m.lstmkit")
    np.testing.assert_array_equal(load_model(tmp_path / "m.lstmkit").predict(X), ours.predict(X))
    with pytest.raises(ValueError, match=r"<PReLU .*> cannot be an activation: it has weights"):
        Dense(3, activation=PReLU())


def test_keras_activation_functions_save_by_name(tmp_path):
    import jax

    model = Sequential([Dense(2, input_shape=(3,), activation=activations.relu),
                        Dense(2, activation=jax.nn.relu),
                        Dense(1, activation=activations.sigmoid)])
    model.save(tmp_path / "m.lstmkit")
    assert [layer.get_config()["activation"] for layer in
            load_model(tmp_path / "m.lstmkit").layers] == ["relu", "relu", "sigmoid"]
