"""Keras models loaded by lstmkit: files written by real Keras 3, in its ``.keras`` format
and in the Keras 2 HDF5 format (``.h5``), give Keras's predictions (atol 1e-5)."""

import json
import os
import sys
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstmkit import keras_import  # noqa: E402
from lstmkit.layers import LSTM, Dense  # noqa: E402
from lstmkit.models import load_model  # noqa: E402

# Keras's own variables trip NumPy 2's copy-keyword deprecation on every get_weights().
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras")

T, F = 6, 3
ATOL = 1e-5
FORMATS = ("keras", "h5")
kl = keras.layers

MODELS = {
    "lstm_stack": lambda: keras.Sequential([
        keras.Input((T, F)), kl.LSTM(5, return_sequences=True),
        kl.LSTM(4, return_sequences=True, go_backwards=True), kl.LSTM(3), kl.Dense(2)]),
    "lstm_options": lambda: keras.Sequential([
        keras.Input((T, F)),
        kl.LSTM(4, go_backwards=True, unit_forget_bias=False, activation="relu",
                recurrent_activation="hard_sigmoid", dropout=0.2, recurrent_dropout=0.1),
        kl.Dropout(0.3), kl.Dense(1, activation="sigmoid")]),
    "sequence_output": lambda: keras.Sequential([
        keras.Input((T, F)), kl.LSTM(4, return_sequences=True, use_bias=False),
        kl.Dense(2, activation="tanh")]),
    "dense": lambda: keras.Sequential([
        keras.Input((F,)), kl.Dense(8, activation="relu"), kl.Dropout(0.2), kl.Dense(3),
        kl.Activation("softmax")]),
    "stateful": lambda: keras.Sequential([
        keras.Input(batch_shape=(4, T, F)), kl.LSTM(3, stateful=True), kl.Dense(1)]),
    "gru_simple_rnn": lambda: keras.Sequential([
        keras.Input((T, F)), kl.GRU(5, return_sequences=True, go_backwards=True),
        kl.GRU(4, reset_after=False, return_sequences=True),
        kl.SimpleRNN(3, activation="relu"), kl.Dense(1)]),
    "embedding": lambda: keras.Sequential([
        keras.Input((T,)), kl.Embedding(20, 4, mask_zero=True), kl.SpatialDropout1D(0.2),
        kl.LSTM(3),
        kl.Dense(1, activation="sigmoid")]),
    "masking": lambda: keras.Sequential([
        keras.Input((T, F)), kl.Masking(0.5),
        kl.GRU(3, return_sequences=True, zero_output_for_mask=True),
        kl.GlobalMaxPooling1D(keepdims=True), kl.Dense(1)]),
    "wrappers": lambda: keras.Sequential([
        keras.Input((T, F)), kl.Bidirectional(kl.LSTM(4, return_sequences=True)),
        kl.TimeDistributed(kl.Dense(3)), kl.Bidirectional(kl.GRU(2), merge_mode="ave"),
        kl.RepeatVector(3), kl.LSTM(2, return_sequences=True), kl.Reshape((2, 3)),
        kl.Flatten(), kl.Dense(1)]),
    "convolutional": lambda: keras.Sequential([
        keras.Input((T, F)), kl.Conv1D(4, 2, padding="causal", activation="relu"),
        kl.LayerNormalization(epsilon=1e-5),
        kl.MaxPooling1D(2), kl.LSTM(3, return_sequences=True), kl.GlobalAveragePooling1D(),
        kl.Dense(1)]),
    "stateful_gru": lambda: keras.Sequential([
        keras.Input(batch_shape=(4, T, F)), kl.GRU(3, stateful=True), kl.Dense(1)]),
    "activation_layers": lambda: keras.Sequential([
        keras.Input((T, F)), kl.LSTM(4, return_sequences=True), kl.LeakyReLU(0.1),
        kl.PReLU(shared_axes=[1]), kl.GaussianNoise(0.1), kl.LSTM(3), kl.ReLU(max_value=1.0),
        kl.ELU(0.5), kl.GaussianDropout(0.2), kl.Dense(1)]),
    "batch_norm": lambda: keras.Sequential([
        keras.Input((T, F)), kl.LSTM(4, return_sequences=True),
        kl.BatchNormalization(momentum=0.9, epsilon=1e-4), kl.LSTM(3),
        kl.BatchNormalization(center=False), kl.Dense(1)]),
}


def keras_model(name, seed=0):
    """A Keras model whose weights are all random (biases too), so each one matters."""
    keras.utils.set_random_seed(seed)
    model = MODELS[name]()
    rng = np.random.default_rng(seed)
    model.set_weights([np.abs(w) + 0.5 if "variance" in v.path else w  # variances > 0
                       for v, w in zip(model.weights, (rng.normal(0, 0.5, w.shape).astype(
                           "float32") for w in model.get_weights()), strict=True)])
    return model


def inputs(model, n=8):
    """n samples, or one batch for a stateful model: on the JAX backend, Keras 3's predict
    does not carry a stateful layer's state from one batch to the next, as lstmkit and
    Keras 2 do."""
    n, shape = model.input_shape[0] or n, (model.input_shape[0] or n, *model.input_shape[1:])
    if isinstance(model.layers[0], kl.Embedding):  # token indices
        return np.random.default_rng(1).integers(0, model.layers[0].input_dim, shape)
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    if isinstance(model.layers[0], kl.Masking):
        x[:, :2] = model.layers[0].mask_value  # two padded timesteps
    return x


def saved(model, tmp_path, fmt):
    path = tmp_path / f"model.{fmt}"
    model.save(path)
    return path


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", MODELS)
def test_predictions_match_keras(tmp_path, fmt, name):
    km = keras_model(name)
    path = saved(km, tmp_path, fmt)
    x = inputs(km)
    lk = load_model(path)
    np.testing.assert_allclose(lk.predict(x), km.predict(x, verbose=0),
                               atol=ATOL, rtol=0)
    assert [layer.name for layer in lk.layers] == [layer.name for layer in km.layers]
    assert lk.input_shape == km.input_shape
    assert lk.optimizer is None  # imported models come uncompiled


def test_settings_are_mapped(tmp_path):
    lk = load_model(saved(keras_model("lstm_options"), tmp_path, "keras"))
    config = lk.layers[0].get_config()
    assert {k: config[k] for k in ("units", "go_backwards", "unit_forget_bias", "activation",
                                   "recurrent_activation", "dropout", "recurrent_dropout")} == {
        "units": 4, "go_backwards": True, "unit_forget_bias": False, "activation": "relu",
        "recurrent_activation": "hard_sigmoid", "dropout": 0.2, "recurrent_dropout": 0.1}
    assert lk.layers[1].rate == 0.3
    stateful = load_model(saved(keras_model("stateful"), tmp_path, "h5"))
    assert stateful.layers[0].stateful and stateful.input_shape == (4, T, F)


@pytest.mark.parametrize("layout", ["batch_input_shape", "layer_list"])
def test_keras_2_config_layouts(tmp_path, layout):
    """Keras 2 put the input shape on the first layer (no InputLayer), and before 2.2.3
    wrote the config as the list of layers alone."""
    km = keras_model("lstm_stack")
    path = saved(km, tmp_path, "h5")
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        layers = config["config"]["layers"]
        first = layers[1]["config"]
        first["batch_input_shape"] = layers.pop(0)["config"]["batch_shape"]
        if layout == "layer_list":
            config["config"] = layers
        f.attrs["model_config"] = json.dumps(config).encode()
    x = inputs(km)
    np.testing.assert_allclose(load_model(path).predict(x), km.predict(x, verbose=0),
                               atol=ATOL, rtol=0)


def test_an_imported_model_trains_and_saves_as_lstmkit(tmp_path):
    km = keras_model("lstm_stack")
    lk = load_model(saved(km, tmp_path, "keras"))
    x = inputs(km, 16)
    lk.compile(optimizer="adam", loss="mse")
    lk.fit(x, np.zeros((16, 2)), epochs=1, verbose=0)
    lk.save(tmp_path / "model.lstmkit")
    np.testing.assert_array_equal(load_model(tmp_path / "model.lstmkit").predict(x),
                                  lk.predict(x))


@pytest.mark.parametrize("fmt", FORMATS)
def test_unsupported_layer_is_named(tmp_path, fmt):
    km = keras.Sequential([keras.Input((T, F)), kl.UnitNormalization(), kl.LSTM(2)])
    with pytest.raises(ValueError, match=r"layer 1 \(UnitNormalization 'unit_normalization.*'"
                                         r"\) is a Keras UnitNormalization layer, "
                                         r"which lstmkit does not have; it imports Sequential "
                                         r"models of LSTM, GRU, SimpleRNN"):
        load_model(saved(km, tmp_path, fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_functional_models_are_refused(tmp_path, fmt):
    inp = keras.Input((T, F))
    km = keras.Model(inp, kl.Dense(1)(kl.LSTM(2)(inp)))
    with pytest.raises(ValueError, match="holds a Keras Functional model; lstmkit imports "
                                         "Sequential models"):
        load_model(saved(km, tmp_path, fmt))


def test_unknown_activation_is_named(tmp_path):
    km = keras.Sequential([keras.Input((F,)), kl.Dense(2, activation="hard_silu")])
    with pytest.raises(ValueError, match="Unknown activation 'hard_silu'"):
        load_model(saved(km, tmp_path, "keras"))


def test_training_only_settings_warn(tmp_path):
    km = keras.Sequential([keras.Input((F,)), kl.Dense(2, activity_regularizer="l2")])
    path = saved(km, tmp_path, "keras")
    with pytest.warns(UserWarning, match="lstmkit has no activity_regularizer and ignores it: "
                                         "predictions are Keras's, training differs"):
        load_model(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_weight_regularizers_and_constraints_are_imported(tmp_path, fmt, recwarn):
    l1l2 = keras.regularizers.L1L2(0.1, 0.2)
    km = keras.Sequential([keras.Input((T, F)),
                           kl.LSTM(3, kernel_regularizer="l2", recurrent_regularizer=l1l2,
                                   kernel_constraint=keras.constraints.MaxNorm(2.5)),
                           kl.Dense(1, bias_regularizer=keras.regularizers.L1(0.3),
                                    kernel_constraint="non_neg")])
    lk = load_model(saved(km, tmp_path, fmt))
    assert {k: v for k, v in lk.layers[0].get_config().items()
            if k.endswith(("_regularizer", "_constraint"))} == {
        "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.01}},
        "recurrent_regularizer": {"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}},
        "kernel_constraint": {"class_name": "MaxNorm", "config": {"max_value": 2.5,
                                                                  "axis": 0}}}
    assert repr(lk.layers[1].constraints["kernel"]) == "NonNeg()"
    bias = lk.layers[1].get_config()["bias_regularizer"]
    assert bias["class_name"] == "L1" and bias["config"]["l1"] == pytest.approx(0.3)
    assert not [w for w in recwarn if "ignores" in str(w.message)]


def test_a_frozen_layer_imports_frozen(tmp_path, recwarn):
    km = keras.Sequential([keras.Input((T,)), kl.Embedding(20, 4, trainable=False),
                           kl.LSTM(2)])
    lk = load_model(saved(km, tmp_path, "keras"))
    assert [layer.trainable for layer in lk.layers] == [False, True]
    assert not [w for w in recwarn if "trainable" in str(w.message)]


def test_dropout_noise_shape_imports_without_a_warning(tmp_path, recwarn):
    km = keras.Sequential([keras.Input((T, F)), kl.Dropout(0.3, noise_shape=(None, 1, None)),
                           kl.LSTM(2)])
    lk = load_model(saved(km, tmp_path, "keras"))
    assert lk.layers[0].noise_shape == (None, 1, None)
    assert not [w for w in recwarn if "noise_shape" in str(w.message)]


@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`:UserWarning")
def test_settings_and_layers_that_do_not_import_are_named(tmp_path):
    km = keras.Sequential([keras.Input((T, F)), kl.LayerNormalization(rms_scaling=True)])
    with pytest.raises(ValueError, match="has rms_scaling=True, which lstmkit's "
                                         "LayerNormalization does not have"):
        load_model(saved(km, tmp_path, "keras"))
    with pytest.raises(ValueError, match="is a Keras 2 CuDNNLSTM layer, whose weights hold an "
                                         "input and a recurrent bias per gate"):
        keras_import.layer_config("CuDNNLSTM", {"units": 3}, "layer 0")


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_h5py_the_error_says_what_to_install(tmp_path, fmt, monkeypatch):
    path = saved(keras_model("dense"), tmp_path, fmt)
    monkeypatch.setitem(sys.modules, "h5py", None)  # import h5py now raises ImportError
    with pytest.raises(ImportError, match=r"needs h5py.*pip install 'lstmkit\[keras-import\]'"):
        load_model(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_truncated_keras_files(tmp_path, fmt):
    data = saved(keras_model("dense"), tmp_path, fmt).read_bytes()
    (tmp_path / f"cut.{fmt}").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="is damaged .truncated or corrupted."):
        load_model(tmp_path / f"cut.{fmt}")


def test_weights_that_do_not_fit_the_config(tmp_path):
    path = saved(keras_model("lstm_stack"), tmp_path, "keras")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["config"]["units"] = 6
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "edited.keras", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match=r"layer 'lstm.*' has weights of shapes \[\(3, 20\), "
                                         r"\(5, 20\), \(20,\)\]; the layer needs \[\(3, 24\)"):
        load_model(tmp_path / "edited.keras")


def test_lstmkit_layers_take_keras_weights_in_keras_order():
    """The order the import relies on: kernel, recurrent_kernel, bias (LSTM); kernel, bias."""
    assert LSTM.weight_names == ("kernel", "recurrent_kernel", "bias")
    assert Dense.weight_names == ("kernel", "bias")


@pytest.mark.parametrize("change, match", [
    (lambda layers: layers[1]["config"].update(units=10**5),
     r"the config describes 160,006,800,004 bytes of weights, but the weights file holds"),
    (lambda layers: layers[0]["config"].update(batch_shape=[10**9, T, F]),
     "a stateful batch size of 1000000000 needs 24,000,000,000 bytes of states"),
])
def test_absurd_sizes_in_a_keras_config_allocate_nothing(tmp_path, change, match):
    path = saved(keras_model("stateful"), tmp_path, "h5")
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        change(config["config"]["layers"])
        f.attrs["model_config"] = json.dumps(config).encode()
    with pytest.raises(ValueError, match=match):
        load_model(path)
