"""fit(callbacks=...): EarlyStopping trains as Keras's does (same epochs, same weights),
the History, and the errors."""

import csv
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lstmkit  # noqa: E402
from lstmkit import backend as K  # noqa: E402
from lstmkit import epoch_draws  # noqa: E402
from lstmkit.callbacks import (  # noqa: E402
    Callback,
    CSVLogger,
    EarlyStopping,
    History,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    ResetStates,
    TensorBoard,
    TerminateOnNaN,
)
from lstmkit.layers import LSTM, Dense  # noqa: E402
from lstmkit.models import Sequential, load_model  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras")

rng = np.random.default_rng(0)
X = rng.normal(size=(40, 7, 3)).astype("float32")
Y = rng.normal(size=(40, 1)).astype("float32")
LABELS = np.eye(3, dtype="float32")[rng.integers(0, 3, 40)]


def both_models(y, activation=None, metrics=None, lr=0.05):
    """A Keras model and an lstmkit model with the same weights and optimizer."""
    keras.utils.set_random_seed(1)
    km = keras.Sequential([keras.Input((7, 3)), keras.layers.LSTM(8),
                           keras.layers.Dense(y.shape[1], activation=activation)])
    lk = Sequential([LSTM(8, input_shape=(7, 3)), Dense(y.shape[1], activation=activation)])
    lk.set_weights(km.get_weights())
    loss = "mse" if activation is None else "categorical_crossentropy"
    km.compile(optimizer=keras.optimizers.Adam(lr), loss=loss, metrics=metrics)
    lk.compile(optimizer=lstmkit.optimizers.Adam(lr), loss=loss, metrics=metrics)
    return km, lk


CASES = {  # name: (EarlyStopping arguments, classification)
    "val_loss": (dict(patience=3), False),
    "restore_best_weights": (dict(patience=3, restore_best_weights=True), False),
    "loss_min_delta": (dict(monitor="loss", patience=2, min_delta=0.01), False),
    "baseline_start_from_epoch": (dict(patience=5, baseline=0.5, start_from_epoch=3), False),
    "val_accuracy_auto_max": (dict(monitor="val_accuracy", patience=4,
                                   restore_best_weights=True), True),
}


@pytest.mark.parametrize("case", CASES)
def test_early_stopping_matches_keras(case):
    kwargs, classify = CASES[case]
    y = LABELS if classify else Y
    km, lk = both_models(y, "softmax" if classify else None, ["accuracy"] if classify else None)
    fit = dict(batch_size=40, epochs=60, validation_split=0.25, shuffle=False, verbose=0)
    want = km.fit(X, y, callbacks=[keras.callbacks.EarlyStopping(**kwargs)], **fit)
    got = lk.fit(X, y, callbacks=[EarlyStopping(**kwargs)], **fit)
    assert 1 < len(got.epoch) < 60  # it stopped, and not at once
    assert got.epoch == want.epoch
    for name, values in want.history.items():
        np.testing.assert_allclose(got.history[name], values, rtol=1e-4, atol=1e-6)
    for g, w in zip(lk.get_weights(), km.get_weights(), strict=True):
        np.testing.assert_allclose(g, w, atol=1e-5)
    assert lk.stop_training == km.stop_training


def test_restored_weights_are_the_best_epochs():
    _, lk = both_models(Y)
    history = lk.fit(X, Y, batch_size=40, epochs=60, validation_split=0.25, shuffle=False,
                     verbose=0, callbacks=[EarlyStopping(patience=2, restore_best_weights=True)])
    best = int(np.argmin(history.history["val_loss"]))
    assert best < len(history.epoch) - 1  # the last epoch was not the best
    assert lk.evaluate(X[30:], Y[30:], verbose=0) == pytest.approx(
        history.history["val_loss"][best], rel=1e-5)


def test_messages_when_verbose(capsys):
    _, lk = both_models(Y)
    history = lk.fit(X, Y, batch_size=40, epochs=60, validation_split=0.25, shuffle=False,
                     verbose=0, callbacks=[EarlyStopping(patience=3, restore_best_weights=True,
                                                         verbose=1)])
    best = int(np.argmin(history.history["val_loss"])) + 1
    assert capsys.readouterr().out == (f"Epoch {len(history.epoch)}: early stopping\n"
                                       f"Restoring model weights from the end of the best "
                                       f"epoch: {best}.\n")


def test_a_rule_that_never_fires_changes_nothing():
    histories, weights = [], []
    for callbacks in (None, [EarlyStopping(monitor="loss", patience=100)]):
        _, lk = both_models(Y, lr=0.001)
        lstmkit.utils.set_random_seed(5)  # the same shuffles for both fits
        histories.append(lk.fit(X, Y, batch_size=8, epochs=20, verbose=0, callbacks=callbacks,
                                validation_split=0.25).history)
        weights.append(lk.get_weights())
        assert not lk.stop_training
    assert histories[0] == histories[1]
    for a, b in zip(*weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_with_reset_states_on_a_stateful_model():
    lstmkit.utils.set_random_seed(0)
    model = Sequential([LSTM(2, stateful=True, batch_input_shape=(10, 5, 1)), Dense(1)])
    model.compile(optimizer=lstmkit.optimizers.Adam(0.1), loss="mse")
    x = rng.normal(size=(20, 5, 1)).astype("float32")
    history = model.fit(x, x[:, -1], batch_size=10, epochs=200, shuffle=False, verbose=0,
                        callbacks=[ResetStates(), EarlyStopping(monitor="loss", patience=1)])
    assert model.stop_training and len(history.epoch) < 200


def test_a_missing_monitor_warns_and_trains_every_epoch():
    _, lk = both_models(Y)
    with pytest.warns(UserWarning, match=r"conditioned on metric 'val_loss', which is not "
                                         r"available; available metrics are \['loss'\]"):
        history = lk.fit(X, Y, batch_size=40, epochs=5, verbose=0,
                         callbacks=[EarlyStopping(patience=0)])
    assert len(history.epoch) == 5


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(mode="up"), ValueError, r"mode must be 'auto', 'min' or 'max', got 'up'"),
    (dict(patience=-1), ValueError, r"patience must be an integer >= 0, got -1"),
    (dict(start_from_epoch=1.5), ValueError, r"start_from_epoch must be an integer >= 0"),
    (dict(min_delta="0.1"), TypeError, r"min_delta must be a number, got '0.1'"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        EarlyStopping(**kwargs)


def test_auto_mode_needs_a_known_direction():
    def my_metric(y_true, y_pred):
        return (y_true - y_pred) ** 2

    model = Sequential([LSTM(2, input_shape=(7, 3)), Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=[my_metric])
    with pytest.raises(ValueError, match=r"cannot tell whether 'my_metric' should go up or "
                                         r"down; give mode='min' or mode='max'"):
        model.fit(X, Y, epochs=2, verbose=0, callbacks=[EarlyStopping(monitor="my_metric")])
    history = model.fit(X, Y, epochs=2, verbose=0,
                        callbacks=[EarlyStopping(monitor="my_metric", mode="min")])
    assert len(history.epoch) == 2


def test_auto_mode_reads_the_direction_of_a_named_metric_object():
    """BinaryAccuracy(name='bin_acc') rises, MeanAbsoluteError(name='abs_err') falls,
    whatever their names say; auto mode trains as the explicit mode does."""
    labels = (Y > 0).astype("float32")

    def run(mode, monitor, metric, make_callback):
        lstmkit.utils.set_random_seed(3)
        model = Sequential([LSTM(2, input_shape=(7, 3)), Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[metric])
        history = model.fit(X, labels, epochs=12, verbose=0, validation_split=0.25,
                            callbacks=[make_callback(monitor, mode)])
        return history.epoch, model.get_weights()

    stop = lambda monitor, mode: EarlyStopping(monitor=monitor, mode=mode,  # noqa: E731
                                               patience=1, restore_best_weights=True)
    plateau = lambda monitor, mode: ReduceLROnPlateau(  # noqa: E731
        monitor=monitor, mode=mode, patience=1, factor=0.5)
    for metric, monitor, mode in (
            (lstmkit.metrics.BinaryAccuracy(name="bin_acc"), "val_bin_acc", "max"),
            (lstmkit.metrics.MeanAbsoluteError(name="abs_err"), "val_abs_err", "min")):
        for make in (stop, plateau):
            auto_epochs, auto_weights = run("auto", monitor, metric, make)
            epochs, weights = run(mode, monitor, metric, make)
            assert auto_epochs == epochs
            for a, b in zip(auto_weights, weights, strict=True):
                np.testing.assert_array_equal(a, b)


def test_what_cannot_run_is_a_clear_error():
    model = Sequential([LSTM(2, input_shape=(7, 3)), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(TypeError, match=r"takes lstmkit.callbacks objects \(ResetStates, "
                                        r"EarlyStopping, ModelCheckpoint.*got object"):
        model.fit(X, Y, callbacks=[object()])
    with pytest.raises(ValueError, match=r"one EarlyStopping at most, got 2"):
        model.fit(X, Y, callbacks=[EarlyStopping(), EarlyStopping()])

    class PerBatch(Callback):
        def on_batch_end(self, batch, logs=None):
            pass

    with pytest.raises(ValueError, match=r"PerBatch has on_batch_end: lstmkit runs each "
                                         r"epoch's batches as one compiled program"):
        model.fit(X, Y, callbacks=[PerBatch()])
    with pytest.raises(ValueError, match=r"LambdaCallback has on_train_batch_end"):
        LambdaCallback(on_train_batch_end=print)
    with pytest.raises(ValueError, match=r"save_freq must be 'epoch'"):
        ModelCheckpoint("m.lstmkit", save_freq=10)


# ----- callbacks that run in Python between epochs -----------------------------------
class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin", self.params["epochs"]))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, logs))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end", logs))


def test_hooks_see_every_epoch_and_training_is_unchanged():
    histories = []
    for callbacks in (None, [Recorder()]):
        _, lk = both_models(Y)
        lstmkit.utils.set_random_seed(5)
        histories.append(lk.fit(X, Y, batch_size=8, epochs=4, initial_epoch=1,
                                validation_split=0.25, callbacks=callbacks, verbose=0))
    recorder = callbacks[0]
    ends = [(e, logs) for name, e, *logs in recorder.calls[1:-1] if name == "epoch_end"
            for logs in logs]
    assert recorder.calls[0] == ("train_begin", 4)
    assert [c[:2] for c in recorder.calls[1:-1]] == [
        (kind, e) for e in (1, 2, 3) for kind in ("epoch_begin", "epoch_end")]
    assert [logs for _, logs in ends] == [
        {k: v[i] for k, v in histories[1].history.items()} for i in range(3)]
    assert recorder.calls[-1] == ("train_end", ends[-1][1])
    assert histories[0].history == histories[1].history  # one epoch per call: same numbers


class ResetStatesCallback(Callback):
    """As the Keras tutorials write it."""

    def on_epoch_end(self, epoch, logs=None):
        self.model.reset_states()


def stateful_run(callbacks):
    lstmkit.utils.set_random_seed(0)
    model = Sequential([LSTM(3, stateful=True, batch_input_shape=(10, 5, 1)), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x = np.sin(np.arange(100, dtype="float32") / 3).reshape(20, 5, 1)
    history = model.fit(x, x[:, -1], batch_size=10, epochs=6, shuffle=False, verbose=0,
                        callbacks=callbacks)
    return history.history, model.get_weights()


def test_a_python_reset_states_callback_equals_the_compiled_one():
    (got, got_weights), (want, want_weights) = (
        stateful_run([ResetStatesCallback()]), stateful_run([ResetStates()]))
    assert got == want
    for a, b in zip(got_weights, want_weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert stateful_run(None)[0] != want  # without resets, training differs


def test_a_callback_can_stop_training_and_change_the_weights():
    def halve(model):
        model.set_weights([w / 2 for w in model.get_weights()])

    _, lk = both_models(Y)
    lstmkit.utils.set_random_seed(5)
    history = lk.fit(X, Y, epochs=10, verbose=0, callbacks=[
        LambdaCallback(on_epoch_begin=lambda epoch, logs=None: halve(lk) if epoch == 0 else None),
        LambdaCallback(on_epoch_end=lambda epoch, logs: setattr(lk, "stop_training", epoch == 2))])
    assert history.epoch == [0, 1, 2]
    _, plain = both_models(Y)  # the same, halved by hand, three epochs without callbacks
    halve(plain)
    lstmkit.utils.set_random_seed(5)
    plain.fit(X, Y, epochs=3, verbose=0)
    for a, b in zip(lk.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_model_checkpoint_keeps_the_best_epoch(tmp_path, capsys):
    _, lk = both_models(Y)
    best = ModelCheckpoint(str(tmp_path / "best.lstmkit"), save_best_only=True, verbose=1)
    every = ModelCheckpoint(str(tmp_path / "w-{epoch:02d}-{val_loss:.3f}.weights"),
                            save_weights_only=True)
    history = lk.fit(X, Y, batch_size=40, epochs=12, validation_split=0.25, shuffle=False,
                     verbose=0, callbacks=[best, every])
    val = history.history["val_loss"]
    k = int(np.argmin(val))
    assert k < 11  # the best epoch is not the last (lr 0.05 overshoots)
    saved = load_model(tmp_path / "best.lstmkit")
    assert saved.evaluate(X[30:], Y[30:], verbose=0) == pytest.approx(val[k], rel=1e-5)
    names = sorted(p.name for p in tmp_path.glob("w-*.weights"))
    assert names == [f"w-{e + 1:02d}-{v:.3f}.weights" for e, v in enumerate(val)]
    out = capsys.readouterr().out
    assert f"Epoch 1: val_loss improved from inf to {val[0]:.5f}, saving model to" in out
    assert f"Epoch {k + 2}: val_loss did not improve from {val[k]:.5f}" in out


def test_csv_logger_writes_the_history(tmp_path):
    _, lk = both_models(Y)
    path = tmp_path / "log.csv"
    history = lk.fit(X, Y, epochs=3, validation_split=0.25, verbose=0,
                     callbacks=[CSVLogger(str(path))])
    rows = list(csv.DictReader(path.open()))
    assert list(rows[0]) == ["epoch", "loss", "val_loss"]
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2]
    np.testing.assert_allclose([float(r["val_loss"]) for r in rows],
                               history.history["val_loss"], rtol=1e-6)


def poison_at(epoch_number, model, weights_of):
    """A callback that sets the model's first weight to NaN at the end of an epoch."""
    def poison(epoch, logs=None):
        if epoch == epoch_number:
            weights = weights_of(model)
            weights[0] = np.full_like(weights[0], np.nan)
            model.set_weights(weights)
    return poison


def test_terminate_on_nan_ends_the_history_where_keras_does(capsys):
    km, lk = both_models(Y)
    fit = dict(batch_size=8, epochs=6, verbose=0, shuffle=False)
    want = km.fit(X, Y, **fit, callbacks=[
        keras.callbacks.LambdaCallback(on_epoch_end=poison_at(1, km, keras.Model.get_weights)),
        keras.callbacks.TerminateOnNaN()])
    got = lk.fit(X, Y, **fit, callbacks=[
        LambdaCallback(on_epoch_end=poison_at(1, lk, Sequential.get_weights)),
        TerminateOnNaN()])
    assert len(want.epoch) == 3  # Keras stops in the first batch of the third epoch
    assert got.epoch == want.epoch
    assert np.isnan(got.history["loss"][2]) and np.isfinite(got.history["loss"][:2]).all()
    np.testing.assert_allclose(got.history["loss"][:2], want.history["loss"][:2], rtol=1e-4)
    assert lk.stop_training
    assert "Epoch 3: Invalid loss, terminating training" in capsys.readouterr().out
    assert len(lk.fit(X, Y, epochs=4, verbose=0, callbacks=[TerminateOnNaN()]).epoch) == 1
    _, healthy = both_models(Y)
    assert len(healthy.fit(X, Y, epochs=4, verbose=0, callbacks=[TerminateOnNaN()]).epoch) == 4

    km, lk = both_models(Y, lr=0.02)
    kwargs = dict(monitor="loss", factor=0.5, patience=1, min_delta=0.03, cooldown=1)
    fit = dict(batch_size=40, epochs=8, shuffle=False, verbose=0)
    want = km.fit(X, Y, callbacks=[keras.callbacks.ReduceLROnPlateau(**kwargs)], **fit)
    got = lk.fit(X, Y, callbacks=[ReduceLROnPlateau(**kwargs)], **fit)
    np.testing.assert_allclose(got.history["loss"], want.history["loss"], rtol=1e-4)
    for g, w in zip(lk.get_weights(), km.get_weights(), strict=True):
        np.testing.assert_allclose(g, w, atol=1e-5)
    final = float(keras.ops.convert_to_numpy(km.optimizer.learning_rate))
    assert lk.optimizer.learning_rate == pytest.approx(final)
    assert final < 0.005  # reduced several times, so the comparison means something


def test_a_learning_rate_set_between_fits_takes_effect_without_compiling():
    _, lk = both_models(Y, lr=0.01)
    lk.fit(X, Y, epochs=1, verbose=0)
    weights = lk.get_weights()
    lk.optimizer.lr = 0.0  # Keras 2's attribute; no update at all
    lk.fit(X, Y, epochs=2, verbose=0)
    for a, b in zip(weights, lk.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    compiled = sum(program._cache_size() for program in lk._programs.values())
    lk.optimizer.learning_rate = 0.01  # trains again, with the programs already compiled
    lk.fit(X, Y, epochs=1, verbose=0)
    assert not np.array_equal(weights[0], lk.get_weights()[0])
    assert sum(program._cache_size() for program in lk._programs.values()) == compiled


def test_callbacks_share_one_logs_dict_that_history_keeps():
    _, lk = both_models(Y, lr=0.02)
    tagger = LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update(tag=float(epoch)))
    seen = []
    reader = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(logs.get("tag")))
    history = lk.fit(X, Y, batch_size=40, epochs=3, verbose=0, callbacks=[
        tagger, reader, ReduceLROnPlateau(monitor="loss", patience=1)])
    assert seen == [0.0, 1.0, 2.0]
    assert history.history["tag"] == [0.0, 1.0, 2.0]
    assert history.history["learning_rate"][0] == pytest.approx(0.02)  # as Keras's History


def test_early_stopping_reports_only_its_own_stop(capsys):
    _, lk = both_models(Y)
    stopper = LambdaCallback(on_epoch_end=lambda epoch, logs: setattr(lk, "stop_training", True))
    lk.fit(X, Y, epochs=5, verbose=0,
           callbacks=[stopper, EarlyStopping(monitor="loss", patience=100, verbose=1)])
    assert "early stopping" not in capsys.readouterr().out


def test_the_key_after_an_early_stop_follows_the_epochs_that_ran():
    _, lk = both_models(Y)
    key = lk._training_key().copy()
    history = lk.fit(X, Y, batch_size=40, epochs=60, validation_split=0.25, shuffle=True,
                     verbose=0, callbacks=[EarlyStopping(patience=3)])
    assert 1 < len(history.epoch) < 60
    np.testing.assert_array_equal(lk._key, epoch_draws.advance(key, len(history.epoch)))


def test_set_weights_keeps_the_optimizer_state():
    _, lk = both_models(Y)
    lk.fit(X, Y, epochs=2, verbose=0)
    state = lk._opt_state
    lk.set_weights(lk.get_weights())
    assert lk._opt_state is state  # Adam's moments carry on, as in Keras


def halve_after_two(epoch, lr):
    return lr if epoch < 2 else lr / 2


def test_learning_rate_scheduler_matches_keras():
    km, lk = both_models(Y, lr=0.02)
    fit = dict(batch_size=40, epochs=5, shuffle=False, verbose=0)
    want = km.fit(X, Y, callbacks=[keras.callbacks.LearningRateScheduler(halve_after_two)],
                  **fit).history
    got = lk.fit(X, Y, callbacks=[LearningRateScheduler(halve_after_two)], **fit).history
    np.testing.assert_allclose(got["loss"], want["loss"], rtol=1e-5)
    np.testing.assert_allclose(got["learning_rate"], want["learning_rate"], rtol=1e-6)
    for g, w in zip(lk.get_weights(), km.get_weights(), strict=True):
        np.testing.assert_allclose(g, w, atol=1e-5)


def test_keras2_set_value_on_the_learning_rate():
    class Halve(Callback):  # as Keras 2 code writes a schedule by hand
        def on_epoch_begin(self, epoch, logs=None):
            if epoch >= 2:
                K.set_value(self.model.optimizer.lr, K.get_value(self.model.optimizer.lr) / 2)

    results = []
    for callback in (Halve(), LearningRateScheduler(halve_after_two)):
        _, lk = both_models(Y, lr=0.02)
        results.append(lk.fit(X, Y, batch_size=40, epochs=5, shuffle=False, verbose=0,
                              callbacks=[callback]).history["loss"])
    assert results[0] == results[1]
    with pytest.raises(TypeError, match=r"K.set_value takes model.optimizer.lr"):
        K.set_value(np.zeros(2), 1.0)


def tensorboard_events(folder):
    """``{tag: [(step, value or weights)]}`` from the event files in ``folder``: TFRecords
    (length, its CRC, the data, its CRC) of ``Event`` protocol buffers."""
    from tensorboardX.proto.event_pb2 import Event

    found = {}
    for path in sorted(folder.glob("events.out.tfevents.*")):
        data, at = path.read_bytes(), 0
        while at < len(data):
            (length,) = np.frombuffer(data[at:at + 8], "<u8")
            event = Event.FromString(data[at + 12:at + 12 + int(length)])
            at += 12 + int(length) + 4
            for value in event.summary.value:
                found.setdefault(value.tag, []).append(
                    (event.step, value.simple_value if value.HasField("simple_value")
                     else value.histo))
    return found


def test_tensorboard_writes_keras_runs_and_tags(tmp_path):
    _, lk = both_models(LABELS, activation="softmax", metrics=["accuracy"])
    history = lk.fit(X, LABELS, epochs=4, validation_split=0.25, verbose=0,
                     callbacks=[TensorBoard(log_dir=tmp_path / "logs", histogram_freq=2)])
    train, val = (tensorboard_events(tmp_path / "logs" / run) for run in ("train", "validation"))
    for name in ("loss", "accuracy"):
        assert [step for step, _ in train[f"epoch_{name}"]] == [0, 1, 2, 3]
        np.testing.assert_allclose([v for _, v in train[f"epoch_{name}"]],
                                   history.history[name], rtol=1e-6)
        np.testing.assert_allclose([v for _, v in val[f"epoch_{name}"]],
                                   history.history[f"val_{name}"], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in train["epoch_learning_rate"]], [0.05] * 4)
    histogram = dict(train[f"{lk.layers[0].name}/kernel/histogram"])  # every second epoch
    assert sorted(histogram) == [0, 2]
    assert histogram[2].num == lk.layers[0].get_weights()[0].size
    assert {tag for tag in train if "/" in tag} == {
        f"{layer.name}/{name}/histogram" for layer in lk.layers for name in layer.weight_names}
    assert sorted(val) == ["epoch_accuracy", "epoch_loss"]


def test_tensorboard_learning_rate_is_the_rate_after_the_epoch(tmp_path):
    from lstmkit.optimizers.schedules import ExponentialDecay

    _, lk = both_models(Y)
    lk.compile(optimizer=lstmkit.optimizers.SGD(0.1), loss="mse")
    halve = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0)
    lk.fit(X, Y, epochs=3, verbose=0, callbacks=[
        halve, TensorBoard(log_dir=tmp_path / "plateau", write_steps_per_second=True)])
    train = tensorboard_events(tmp_path / "plateau" / "train")
    # as Keras 3 logs it: from the second epoch on, ReduceLROnPlateau (listed first) has
    # already halved the rate when TensorBoard writes it
    np.testing.assert_allclose([v for _, v in train["epoch_learning_rate"]],
                               [0.1, 0.05, 0.025], rtol=1e-6)
    assert all(v > 0 for _, v in train["epoch_steps_per_second"])
    lk.compile(optimizer=lstmkit.optimizers.SGD(ExponentialDecay(0.1, 4, 0.5)), loss="mse")
    lk.fit(X, Y, batch_size=10, epochs=2, verbose=0,  # 4 steps an epoch
           callbacks=[TensorBoard(log_dir=tmp_path / "schedule")])
    np.testing.assert_allclose([v for _, v in tensorboard_events(
        tmp_path / "schedule" / "train")["epoch_learning_rate"]], [0.05, 0.025], rtol=1e-6)
    lk.compile(optimizer=lstmkit.optimizers.SGD(0.1, decay=1.0), loss="mse")  # Keras 2
    lk.fit(X, Y, batch_size=10, epochs=1, verbose=0,
           callbacks=[TensorBoard(log_dir=tmp_path / "decay")])
    assert tensorboard_events(tmp_path / "decay" / "train")["epoch_learning_rate"][0][
        1] == pytest.approx(0.1 / (1 + 4))


def test_tensorboard_arguments(monkeypatch):
    TensorBoard(write_graph=True, write_images=False, profile_batch=2, batch_size=32,
                write_grads=False)  # Keras 2 tutorials' arguments are accepted
    with pytest.raises(ValueError, match=r"update_freq must be 'epoch' \(lstmkit runs no "
                                         r"Python within an epoch\), got 'batch'"):
        TensorBoard(update_freq="batch")
    with pytest.raises(ValueError, match=r"histogram_freq must be an integer >= 0"):
        TensorBoard(histogram_freq=-1)
    with pytest.raises(TypeError, match=r"unexpected arguments \['log_path'\]"):
        TensorBoard(log_path="logs")
    with pytest.raises(TypeError, match=r"log_dir must be a file path \(str or pathlib.Path\)"):
        TensorBoard(log_dir=None)
    monkeypatch.setitem(sys.modules, "tensorboardX", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install 'lstmkit\[tensorboard\]'"):
        TensorBoard()


def test_a_history_given_as_a_callback_and_model_history():
    _, lk = both_models(Y)
    given = History()
    returned = lk.fit(X, Y, epochs=3, verbose=0, validation_split=0.25, callbacks=[given])
    assert returned is given and lk.history is given  # as Keras uses the one it is given
    assert given.epoch == [0, 1, 2] and len(given.history["val_loss"]) == 3
    assert given.model is lk and given.params["epochs"] == 3
    lk.fit(X, Y, epochs=2, verbose=0, callbacks=[given])  # Keras: the lists grow
    assert given.epoch == [0, 1] and len(given.history["loss"]) == 5
    assert lk.fit(X, Y, epochs=1, verbose=0).epoch == [0] and lk.history is not given
