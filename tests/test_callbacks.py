"""fit(callbacks=...): EarlyStopping trains as Keras's does (same epochs, same weights),
the History, and the errors."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lstmkit  # noqa: E402
from lstmkit.callbacks import EarlyStopping, ResetStates  # noqa: E402
from lstmkit.layers import LSTM, Dense  # noqa: E402
from lstmkit.models import Sequential  # noqa: E402

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


def test_other_callbacks_are_a_clear_error():
    model = Sequential([LSTM(2, input_shape=(7, 3)), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(TypeError, match=r"accepts lstmkit.callbacks.ResetStates\(\) and "
                                        r"EarlyStopping\(...\) only, got object.*"
                                        r"fit\(epochs=1\) in a loop"):
        model.fit(X, Y, callbacks=[object()])
    with pytest.raises(ValueError, match=r"one EarlyStopping at most, got 2"):
        model.fit(X, Y, callbacks=[EarlyStopping(), EarlyStopping()])
