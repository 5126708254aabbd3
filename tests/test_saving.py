""".lstmkit files: round trips (bit-identical predictions, training that continues exactly
as an uninterrupted run), to_json / model_from_json, save_weights / load_weights, atomic
writes, and a clear ValueError for every kind of bad file."""

import io
import json
import os
import pickle
import zipfile

import h5py
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import safetensors.numpy

from lstmkit import initializers, losses, metrics, rng, saving
from lstmkit import optimizers as opt
from lstmkit.data import MinMaxScaler, StandardScaler
from lstmkit.layers import (
    GRU,
    LSTM,
    Activation,
    Bidirectional,
    Dense,
    Dropout,
    Embedding,
    RepeatVector,
    SimpleRNN,
    TimeDistributed,
)
from lstmkit.models import Sequential, load_model, model_from_json
from lstmkit.utils import set_random_seed

data_rng = np.random.default_rng(0)
X = data_rng.normal(size=(24, 5, 2)).astype("float32")
Y = X.sum(axis=(1, 2)).reshape(-1, 1)


def stacked_model(seed=0, dropout=0.0):
    set_random_seed(seed)
    model = Sequential([
        LSTM(4, input_shape=(5, 2), return_sequences=True, recurrent_dropout=dropout),
        Dropout(dropout), GRU(3, return_sequences=True, dropout=dropout),
        SimpleRNN(3, go_backwards=True), Dense(2, activation="relu"), Dense(1),
        Activation("linear")])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def small_model(seed=0, optimizer="adam"):
    set_random_seed(seed)
    model = Sequential([LSTM(2, input_shape=(5, 2)), Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def assert_same_weights(a, b):
    assert len(a.get_weights()) == len(b.get_weights())
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


def reloaded(model, tmp_path, **kwargs):
    path = tmp_path / "model.lstmkit"
    model.save(path, **kwargs)
    return load_model(path)


# ----- round trips ---------------------------------------------------------------------
def test_round_trip_predicts_bit_for_bit_and_keeps_the_architecture(tmp_path):
    model = stacked_model()
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    loaded = reloaded(model, tmp_path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert_same_weights(loaded, model)
    assert loaded.name == model.name
    assert [layer.get_config() for layer in loaded.layers] == [
        json.loads(json.dumps(layer.get_config())) for layer in model.layers]
    assert (loaded.loss, loaded.metrics, loaded.input_shape) == ("mse", ["mae"], (None, 5, 2))
    assert type(loaded.optimizer) is opt.Adam


def test_continued_training_matches_an_uninterrupted_run(tmp_path):
    """Shuffling and dropout use the saved PRNG key, Adam its saved moments and count."""
    straight = stacked_model(dropout=0.3)
    expected = straight.fit(X, Y, epochs=4, batch_size=8, verbose=0).history
    first = stacked_model(dropout=0.3)
    head = first.fit(X, Y, epochs=2, batch_size=8, verbose=0).history
    rng.set_random_seed(123)  # loading and continuing must not depend on the global seed
    loaded = reloaded(first, tmp_path)
    tail = loaded.fit(X, Y, epochs=2, batch_size=8, verbose=0).history
    assert {k: head[k] + tail[k] for k in head} == expected
    assert_same_weights(loaded, straight)


OPTIMIZERS = {
    "sgd_nesterov": lambda: opt.SGD(0.05, momentum=0.9, nesterov=True, decay=0.01),
    "rmsprop_centered": lambda: opt.RMSprop(centered=True, momentum=0.5, clipnorm=1.0),
    "adam_amsgrad": lambda: opt.Adam(amsgrad=True, global_clipnorm=1.0),
    "adagrad": lambda: opt.Adagrad(clipvalue=0.5),
    "adadelta": lambda: opt.Adadelta(learning_rate=1.0),
    "adamax": lambda: opt.Adamax(),
    "nadam": lambda: opt.Nadam(lr=0.01),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_state_round_trip(tmp_path, name):
    straight = small_model(optimizer=OPTIMIZERS[name]())
    straight.fit(X, Y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    first = small_model(optimizer=OPTIMIZERS[name]())
    first.fit(X, Y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    loaded = reloaded(first, tmp_path)
    assert vars(loaded.optimizer) == vars(first.optimizer)
    loaded.fit(X, Y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert_same_weights(loaded, straight)


def test_wrapped_layers_round_trip(tmp_path):
    set_random_seed(0)
    model = Sequential([
        Bidirectional(LSTM(3, return_sequences=True, recurrent_dropout=0.2),
                      input_shape=(5, 2), merge_mode="sum"),
        TimeDistributed(Dense(2)), Bidirectional(GRU(2)), RepeatVector(2), LSTM(2),
        Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    loaded = reloaded(model, tmp_path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert [layer.get_config() for layer in loaded.layers] == [
        json.loads(json.dumps(layer.get_config())) for layer in model.layers]
    assert_same_weights(loaded, model)


def test_keras2_cudnn_layers_round_trip(tmp_path):
    from lstmkit.layers import CuDNNGRU, CuDNNLSTM

    model = Sequential([CuDNNLSTM(3, input_shape=(4, 2), return_sequences=True), CuDNNGRU(2)])
    loaded = reloaded(model, tmp_path)
    assert [type(layer) for layer in loaded.layers] == [CuDNNLSTM, CuDNNGRU]
    x = np.ones((2, 4, 2), "float32")
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_a_frozen_layer_stays_frozen_after_loading(tmp_path):
    model = Sequential([Dense(2, input_shape=(3,), trainable=False), Dense(1)])
    loaded = reloaded(model, tmp_path)
    assert [layer.trainable for layer in loaded.layers] == [False, True]


def test_embedding_model_round_trip(tmp_path):
    set_random_seed(0)
    model = Sequential([Embedding(12, 3, input_length=5, mask_zero=True), GRU(2), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    tokens = np.random.default_rng(0).integers(0, 12, (24, 5))
    model.fit(tokens, Y, epochs=1, batch_size=8, verbose=0)
    loaded = reloaded(model, tmp_path)
    np.testing.assert_array_equal(loaded.predict(tokens), model.predict(tokens))
    assert loaded.layers[0].get_config() == json.loads(json.dumps(model.layers[0].get_config()))


@pytest.mark.parametrize("layer", [LSTM, GRU])
def test_stateful_states_survive_and_carry_on(tmp_path, layer):
    set_random_seed(0)
    model = Sequential([layer(3, batch_input_shape=(4, 5, 2), stateful=True), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    model.predict(X[:8])
    loaded = reloaded(model, tmp_path)
    for a, b in zip(model.layers[0].states, loaded.layers[0].states, strict=True):
        np.testing.assert_array_equal(a, b)
        assert np.abs(np.asarray(a)).sum() > 0
    np.testing.assert_array_equal(loaded.predict(X[:8]), model.predict(X[:8]))
    model.fit(X, Y, epochs=1, shuffle=False, verbose=0)
    loaded.fit(X, Y, epochs=1, shuffle=False, verbose=0)
    assert_same_weights(loaded, model)


def test_compiled_model_that_never_trained(tmp_path):
    model = small_model()
    path = tmp_path / "fresh.lstmkit"
    model.save(path)
    assert sorted(zipfile.ZipFile(path).namelist()) == ["config.json", "weights.safetensors"]
    loaded = load_model(path)  # no PRNG key yet: each draws its own at its first fit
    model.fit(X, Y, epochs=1, shuffle=False, verbose=0)
    loaded.fit(X, Y, epochs=1, shuffle=False, verbose=0)
    assert_same_weights(loaded, model)


def test_unbuilt_and_uncompiled_models(tmp_path):
    model = Sequential([LSTM(3, name="encoder"), Dense(1, name="head")], name="plain")
    loaded = reloaded(model, tmp_path)
    assert not loaded.built and loaded.optimizer is None
    assert [layer.name for layer in loaded.layers] == ["encoder", "head"]
    assert loaded.name == "plain"
    assert loaded.predict(X).shape == (24, 1)


def test_include_optimizer_false_saves_an_uncompiled_model(tmp_path):
    model = small_model(optimizer=optax.sgd(0.1))  # a raw optax transformation
    model.fit(X, Y, epochs=1, verbose=0)
    loaded = reloaded(model, tmp_path, include_optimizer=False)
    assert loaded.optimizer is None
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_preparation_round_trips_with_fitted_scalers(tmp_path):
    model = small_model()
    minmax = MinMaxScaler(feature_range=(-1, 1)).fit(X.reshape(-1, 2))
    standard = StandardScaler().fit(Y)
    model.preparation = {"lookback": 5, "horizon": 1, "columns": ["a", "b"],
                         "x_scaler": minmax, "y_scaler": standard, "unfitted": StandardScaler()}
    prep = reloaded(model, tmp_path).preparation
    assert {k: prep[k] for k in ("lookback", "horizon", "columns")} == {
        "lookback": 5, "horizon": 1, "columns": ["a", "b"]}
    assert prep["x_scaler"].feature_range == (-1, 1)
    np.testing.assert_array_equal(prep["x_scaler"].transform(X), minmax.transform(X))
    np.testing.assert_array_equal(prep["y_scaler"].inverse_transform(Y),
                                  standard.inverse_transform(Y))
    assert not hasattr(prep["unfitted"], "n_features_in_")


def test_saving_is_deterministic_and_draws_no_randomness(tmp_path):
    model = small_model()
    model.fit(X, Y, epochs=1, verbose=0)
    model.save(tmp_path / "a.lstmkit")
    model.save(tmp_path / "b.lstmkit")
    assert (tmp_path / "a.lstmkit").read_bytes() == (tmp_path / "b.lstmkit").read_bytes()
    set_random_seed(7)
    load_model(tmp_path / "a.lstmkit")
    after_load = rng.next_key()
    set_random_seed(7)
    assert jax.random.key_data(rng.next_key()).tolist() == jax.random.key_data(
        after_load).tolist()


# ----- to_json / model_from_json, save_weights / load_weights -------------------------
def test_to_json_and_model_from_json():
    model = stacked_model()
    text = model.to_json(indent=2)
    data = json.loads(text)
    assert data["class_name"] == "Sequential" and data["format_version"] == 1
    rebuilt = model_from_json(text)
    assert rebuilt.to_json(indent=2) == text
    assert rebuilt.built and rebuilt.optimizer is None
    assert not np.array_equal(rebuilt.get_weights()[0], model.get_weights()[0])  # fresh


def test_get_config_and_from_config():
    model = stacked_model()
    config = model.get_config()
    assert [layer["class_name"] for layer in config["layers"]] == [
        type(layer).__name__ for layer in model.layers]
    rebuilt = Sequential.from_config(config)
    assert rebuilt.get_config() == config and rebuilt.built
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in model.get_weights()]
    with pytest.raises(ValueError, match=r"Sequential.from_config's config: layer 0 is an "
                                         r"unknown layer 'Conv2D'"):
        Sequential.from_config({"name": "s", "layers": [{"class_name": "Conv2D",
                                                         "config": {}}]})


def test_keras_loading_arguments(tmp_path):
    model = stacked_model()
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "m.lstmkit")
    plain = load_model(tmp_path / "m.lstmkit", compile=False, custom_objects={"f": abs})
    assert plain.optimizer is None
    assert_same_weights(plain, model)
    with pytest.raises(ValueError, match=r"needs a compiled model"):
        plain.fit(np.zeros((2, *model.input_shape[1:]), "float32"), np.zeros((2, 1)))
    assert load_model(tmp_path / "m.lstmkit", custom_objects={}).optimizer is not None
    assert model_from_json(model.to_json(), custom_objects={}).built
    assert Sequential.from_config(model.get_config(), custom_objects=None).built


def test_to_json_keeps_seeded_initializers():
    set_random_seed(0)
    model = Sequential([Dense(3, input_shape=(4,), kernel_initializer=initializers.RandomNormal(
        stddev=0.3, seed=5), bias_initializer=initializers.Constant(0.5))])
    rebuilt = model_from_json(model.to_json())
    assert_same_weights(rebuilt, model)


@pytest.mark.parametrize("text, error, match", [
    (42, TypeError, "model_from_json expects the string"),
    ("{not json", ValueError, "not valid JSON"),
    ('{"class_name": "Sequential", "config": {"name": "s", "layers": []}}', ValueError,
     "no 'format_version'"),
    ('{"class_name": "Sequential", "format_version": 1, "config": {"name": "s", "layers": '
     '[{"class_name": "Conv2D", "config": {}}]}}', ValueError, "unknown layer 'Conv2D'"),
    ('{"class_name": "Sequential", "format_version": 1, "config": {"name": "s", "layers": '
     '[{"class_name": "Dense", "config": {"units": 2, "kernel": 3}}]}}', ValueError,
     r"unknown settings \['kernel'\]"),
    ('{"class_name": "Sequential", "format_version": 1, "config": {"name": "s", "layers": '
     '[{"class_name": "LSTM", "config": {"units": 2, "stateful": "yes"}}]}}', ValueError,
     "'stateful' must be true or false"),
    ('{"class_name": "Sequential", "format_version": 1, "config": {"name": "s", "layers": '
     '[{"class_name": "LSTM", "config": {"units": -2}}]}}', ValueError, "units must be"),
    ('{"class_name": "Functional", "format_version": 1, "config": {}}', ValueError,
     "Sequential models only"),
])
def test_model_from_json_rejects_bad_strings(text, error, match):
    with pytest.raises(error, match=match):
        model_from_json(text)


def test_save_weights_and_load_weights(tmp_path):
    source = stacked_model(seed=1)
    target = stacked_model(seed=2)
    source.save_weights(tmp_path / "w.safetensors")
    target.load_weights(tmp_path / "w.safetensors")
    assert_same_weights(target, source)
    source.save(tmp_path / "model.lstmkit")
    other = stacked_model(seed=3)
    other.load_weights(tmp_path / "model.lstmkit")
    assert_same_weights(other, source)


def test_load_weights_refuses_another_architecture_and_changes_nothing(tmp_path):
    small_model().save_weights(tmp_path / "w.safetensors")
    target = stacked_model()
    before = target.get_weights()
    with pytest.raises(ValueError, match="does not fit the model: missing arrays"):
        target.load_weights(tmp_path / "w.safetensors")
    wider = Sequential([LSTM(3, input_shape=(5, 2)), Dense(1)])
    with pytest.raises(ValueError, match=r"array '0/kernel' has shape \(2, 8\).*needs shape"):
        wider.load_weights(tmp_path / "w.safetensors")
    for a, b in zip(target.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_weights_need_a_built_model(tmp_path):
    with pytest.raises(ValueError, match="save_weights: the model has no weights yet"):
        Sequential([Dense(1)]).save_weights(tmp_path / "w.safetensors")
    small_model().save_weights(tmp_path / "w.safetensors")
    with pytest.raises(ValueError, match="load_weights needs a built model"):
        Sequential([Dense(1)]).load_weights(tmp_path / "w.safetensors")
    with pytest.raises(ValueError, match="holds weights only"):
        load_model(tmp_path / "w.safetensors")


# ----- what cannot be saved -----------------------------------------------------------
def my_activation(x):
    return x * 2


def my_loss(y_true, y_pred):
    return (y_true - y_pred) ** 4


@pytest.mark.parametrize("make, match", [
    (lambda: Sequential([Dense(1, input_shape=(3,), activation=my_activation, name="out")]),
     "Cannot save layer 'out' setting 'activation': it is the function 'my_activation'"),
    (lambda: _compiled(loss=my_loss), r"Cannot save compile\(loss=...\): it is the function"),
    (lambda: _compiled(metrics=["mae", my_loss]), r"compile\(metrics=...\)\[1\]"),
    (lambda: _compiled(optimizer=optax.adam(1e-3)), "compiled with an optax transformation"),
    (lambda: _compiled(optimizer=opt.Adam(optax.exponential_decay(0.1, 10, 0.5))),
     r"'learning_rate'\]: it is the function"),
    (lambda: _prepared({"x": np.zeros(3)}), r"model.preparation\['x'\]: it is a ndarray"),
    (lambda: _prepared({"x": float("nan")}), "JSON cannot hold"),
    (lambda: _prepared({1: "a"}), "keys must be strings"),
])
def test_what_cannot_be_saved_is_refused_by_name_and_nothing_is_written(tmp_path, make, match):
    model = make()
    with pytest.raises(ValueError, match=match):
        model.save(tmp_path / "m.lstmkit")
    assert list(tmp_path.iterdir()) == []


def _compiled(optimizer="adam", loss="mse", metrics=None):
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return model


def _prepared(preparation):
    model = _compiled()
    model.preparation = preparation
    return model


def test_registered_functions_are_saved_by_name(tmp_path):
    model = Sequential([Dense(2, input_shape=(3,), activation=jnp.tanh)])
    model.compile(optimizer="sgd", loss=losses.mean_absolute_error,
                  metrics=[losses.mean_squared_error, metrics.binary_accuracy])
    loaded = reloaded(model, tmp_path)
    assert loaded.layers[0].get_config()["activation"] == "tanh"
    assert loaded.loss == "mean_absolute_error"
    assert loaded.metrics_names == model.metrics_names


def test_loss_and_metric_objects_are_saved_as_their_settings(tmp_path):
    model = Sequential([Dense(3, input_shape=(2,))])
    model.compile(optimizer="sgd",
                  loss=losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
                  metrics=[metrics.CategoricalAccuracy(name="acc"), "mae"])
    loaded = reloaded(model, tmp_path)
    assert isinstance(loaded.loss, losses.CategoricalCrossentropy)
    assert loaded.loss.get_config() == model.loss.get_config()
    assert loaded.metrics_names == ["loss", "acc", "mae"]
    x, y = np.ones((4, 2), "float32"), np.eye(3, dtype="float32")[[0, 1, 2, 0]]
    np.testing.assert_array_equal(loaded.evaluate(x, y, verbose=0),
                                  model.evaluate(x, y, verbose=0))


def test_a_subclass_of_a_loss_class_is_refused_as_code(tmp_path):
    class DoubledMSE(losses.MeanSquaredError):
        def values(self, y_true, y_pred):
            return 2 * super().values(y_true, y_pred)

    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss=DoubledMSE())
    with pytest.raises(ValueError, match=r"Cannot save compile\(loss=...\)"):
        model.save(tmp_path / "m.lstmkit")
    assert not (tmp_path / "m.lstmkit").exists()


# ----- atomic writes ------------------------------------------------------------------
def test_a_failed_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.lstmkit"
    old = small_model(seed=1)
    old.save(path)
    before = path.read_bytes()

    def crash_halfway(file, members):
        file.write(b"PK\x03\x04 half a zip")
        raise OSError("No space left on device")

    monkeypatch.setattr(saving, "write_zip", crash_halfway)
    with pytest.raises(OSError, match="No space left"):
        small_model(seed=2).save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.lstmkit"]  # no temporary file left behind
    with pytest.raises(OSError, match="No space left"):
        small_model(seed=2).save(tmp_path / "new.lstmkit")
    assert os.listdir(tmp_path) == ["model.lstmkit"]
    np.testing.assert_array_equal(load_model(path).predict(X), old.predict(X))


def test_save_path_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="folder .* does not exist"):
        small_model().save(tmp_path / "missing" / "m.lstmkit")
    with pytest.raises(TypeError, match="must be a file path"):
        small_model().save(3)


# ----- bad files ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def good_file(tmp_path_factory):
    set_random_seed(0)
    model = Sequential([LSTM(2, batch_input_shape=(4, 5, 2), stateful=True), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=1, shuffle=False, verbose=0)
    path = tmp_path_factory.mktemp("good") / "good.lstmkit"
    model.save(path)
    return path


def members_of(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_members(path, members: dict[str, bytes], compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def with_config(good_file, tmp_path, change):
    members = members_of(good_file)
    config = json.loads(members["config.json"])
    change(config)
    members["config.json"] = json.dumps(config).encode()
    return write_members(tmp_path / "bad.lstmkit", members)


def test_the_good_file_loads(good_file):
    assert load_model(good_file).layers[0].stateful


def test_truncated_file(good_file, tmp_path):
    data = good_file.read_bytes()
    for cut in (len(data) // 3, len(data) - 10):
        (tmp_path / "cut.lstmkit").write_bytes(data[:cut])
        with pytest.raises(ValueError, match="is damaged .truncated or corrupted."):
            load_model(tmp_path / "cut.lstmkit")


def test_corrupted_bytes(good_file, tmp_path):
    data = bytearray(good_file.read_bytes())
    start = data.index(b"weights.safetensors") + 200  # inside the stored weights
    data[start:start + 8] = bytes(8)
    (tmp_path / "flipped.lstmkit").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="is damaged.*CRC"):
        load_model(tmp_path / "flipped.lstmkit")


def test_damage_anywhere_is_a_value_error_or_a_good_model(good_file, tmp_path):
    """Whatever byte is hit, loading either succeeds (a field nobody reads) or says why not."""
    data = good_file.read_bytes()
    positions = np.random.default_rng(1).choice(len(data), size=25, replace=False)
    for position in sorted(positions):
        damaged = bytearray(data)
        damaged[position] ^= 0xFF
        (tmp_path / "hit.lstmkit").write_bytes(bytes(damaged))
        try:
            load_model(tmp_path / "hit.lstmkit")
        except ValueError as err:
            assert "hit.lstmkit" in str(err)


def test_pickle_file(tmp_path):
    (tmp_path / "model.pkl").write_bytes(pickle.dumps({"weights": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="is a Python pickle. lstmkit never loads pickles"):
        load_model(tmp_path / "model.pkl")


def test_hdf5_file_that_is_not_a_keras_model(tmp_path):
    with h5py.File(tmp_path / "data.h5", "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(ValueError, match="is an HDF5 file but not a Keras model"):
        load_model(tmp_path / "data.h5")


@pytest.mark.parametrize("content, match", [
    (np.random.default_rng(2).bytes(4096), "neither an lstmkit model file"),
    (b"", "is empty"),
    (b"PK\x03\x04", "is damaged"),
])
def test_random_and_empty_files(tmp_path, content, match):
    (tmp_path / "x.lstmkit").write_bytes(content)
    with pytest.raises(ValueError, match=match):
        load_model(tmp_path / "x.lstmkit")


def test_zip_with_unexpected_members(good_file, tmp_path):
    members = {**members_of(good_file), "payload.pkl": pickle.dumps(print)}
    write_members(tmp_path / "extra.lstmkit", members)
    with pytest.raises(ValueError, match=r"unexpected members \['payload.pkl'\]"):
        load_model(tmp_path / "extra.lstmkit")


def test_zip_of_something_else(tmp_path):
    write_members(tmp_path / "other.zip", {"readme.txt": b"hello"})
    with pytest.raises(ValueError, match="has no config.json member"):
        load_model(tmp_path / "other.zip")


def test_missing_member(good_file, tmp_path):
    members = members_of(good_file)
    del members["states.safetensors"]
    write_members(tmp_path / "missing.lstmkit", members)
    with pytest.raises(ValueError, match="does not match its own config"):
        load_model(tmp_path / "missing.lstmkit")


def test_absurd_sizes_are_refused_before_reading(good_file, tmp_path, monkeypatch):
    members = {**members_of(good_file), "weights.safetensors": bytes(64 * 2**20)}
    path = write_members(tmp_path / "bomb.lstmkit", members, zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 2**20  # 64 MiB of zeros deflate to almost nothing

    opened, real_open = [], zipfile.ZipFile.open

    def recording_open(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    with pytest.raises(ValueError, match="declares 67,108,864 bytes, more than the"):
        load_model(path)
    assert opened == ["config.json"]


def test_absurd_sizes_in_the_config_allocate_nothing(good_file, tmp_path):
    def huge(config):
        config["model"]["config"]["layers"][0]["config"]["units"] = 10**6
    path = with_config(good_file, tmp_path, huge)
    with pytest.raises(ValueError, match="weights.safetensors: array '0/kernel' has shape"):
        load_model(path)


def test_unknown_layer_in_config(good_file, tmp_path):
    def conv2d(config):
        config["model"]["config"]["layers"][0]["class_name"] = "Conv2D"
    with pytest.raises(ValueError, match="layer 0 is an unknown layer 'Conv2D'; lstmkit has"):
        load_model(with_config(good_file, tmp_path, conv2d))


def test_weights_of_the_wrong_shape(good_file, tmp_path):
    members = members_of(good_file)
    weights = safetensors.numpy.load(members["weights.safetensors"])
    weights["1/kernel"] = np.zeros((3, 1), np.float32)
    members["weights.safetensors"] = safetensors.numpy.save(weights)
    write_members(tmp_path / "shape.lstmkit", members)
    with pytest.raises(ValueError, match=r"array '1/kernel' has shape \(3, 1\) and dtype "
                                         r"float32, but the model needs shape \(2, 1\)"):
        load_model(tmp_path / "shape.lstmkit")


def test_optimizer_state_of_the_wrong_structure(good_file, tmp_path):
    members = members_of(good_file)
    leaves = safetensors.numpy.load(members["optimizer.safetensors"])
    members["optimizer.safetensors"] = safetensors.numpy.save(
        {k: v for k, v in leaves.items() if k != "3"})
    write_members(tmp_path / "opt.lstmkit", members)
    with pytest.raises(ValueError, match=r"optimizer.safetensors does not fit the model: "
                                         r"missing arrays \['3'\]"):
        load_model(tmp_path / "opt.lstmkit")


def test_newer_format_version(good_file, tmp_path):
    def newer(config):
        config.update(format_version=2, lstmkit_version="9.0")
    with pytest.raises(ValueError, match="written by lstmkit 9.0 in format version 2, newer "
                                         "than this lstmkit"):
        load_model(with_config(good_file, tmp_path, newer))


@pytest.mark.parametrize("change, match", [
    (lambda c: c.update(model=[]), "'model' must be an object, got list"),
    (lambda c: c["training"].update(rng_key={"impl": "mt19937", "data": [1]}),
     "must be {'impl': 'threefry2x32', 'data': \\[two 32-bit unsigned integers\\]}"),
    (lambda c: c["compile"].update(loss="no_such_loss"), "Unknown loss 'no_such_loss'"),
    (lambda c: c["model"]["config"]["layers"][0]["config"].update(weights=[[1.0]]),
     r"has unknown settings \['weights'\]"),
    (lambda c: c["model"]["config"]["layers"][0]["config"].update(trainable="no"),
     r"'trainable' must be"),
    (lambda c: c["compile"].update(loss={"class_name": "Focal", "config": {}}),
     "Unknown loss class 'Focal'"),
    (lambda c: c["compile"].update(loss={"class_name": "Huber", "config": {"delta": "big"}}),
     "Huber delta must be a number > 0, got 'big'"),
    (lambda c: c["compile"].update(metrics=[{"class_name": "BinaryAccuracy",
                                             "config": {"threshold": [1]}}]),
     "BinaryAccuracy threshold must be a number"),
    (lambda c: c["compile"].update(metrics=[3]), "metric must be"),
    (lambda c: c["compile"]["optimizer"].update(class_name="Lion"), "Unknown optimizer 'Lion'"),
    (lambda c: c["compile"]["optimizer"]["config"].update(beta_1="fast"),
     "optimizer setting 'beta_1' must be a number, got str"),
    (lambda c: c["compile"]["optimizer"]["config"].update(momentum=0.9),
     "unexpected keyword argument 'momentum'"),
    (lambda c: c["model"]["config"]["layers"][0]["config"]["kernel_initializer"][
        "config"].update(seed=2.5), "'kernel_initializer' setting 'seed' must be an integer"),
    (lambda c: c.update(preparation={"s": {"__scaler__": "MinMaxScaler", "params": {},
                                           "fitted": {"scale_": [1.0]}}}),
     "must have the learned attributes"),
])
def test_bad_config_values(good_file, tmp_path, change, match):
    with pytest.raises(ValueError, match=match):
        load_model(with_config(good_file, tmp_path, change))


def test_config_that_is_not_json(good_file, tmp_path):
    members = {**members_of(good_file), "config.json": b"[" * 100_000}
    with pytest.raises(ValueError, match="config.json is not valid JSON"):
        load_model(write_members(tmp_path / "deep.lstmkit", members))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "nothing.lstmkit")


def test_the_file_layout_is_the_documented_one(good_file):
    """The documented layout, read with nothing but zipfile and safetensors."""
    members = members_of(good_file)
    assert list(members) == ["config.json", "weights.safetensors", "optimizer.safetensors",
                             "states.safetensors"]
    assert sorted(safetensors.numpy.load(members["weights.safetensors"])) == [
        "0/bias", "0/kernel", "0/recurrent_kernel", "1/bias", "1/kernel"]
    assert sorted(safetensors.numpy.load(members["states.safetensors"])) == ["0/c", "0/h"]
    config = json.load(io.BytesIO(members["config.json"]))
    assert config["format"] == "lstmkit" and config["training"]["optimizer_state"]
