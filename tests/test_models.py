"""The Sequential life-cycle: build, fit, evaluate, predict, History, caching, seeds."""

import jax
import numpy as np
import pytest

import lstmkit
from lstmkit import models
from lstmkit.layers import LSTM, Activation, Dense, Dropout
from lstmkit.models import Sequential
from lstmkit.utils import set_random_seed, to_categorical

rng = np.random.default_rng(0)
X = rng.normal(size=(10, 4, 2)).astype("float32")
Y = X.sum(axis=(1, 2))
LABELS = (X[:, -1, 0] > 0).astype(int) + (X[:, -1, 1] > 0).astype(int)


def regression_model(seed=0, **compile_kwargs):
    set_random_seed(seed)
    model = Sequential([LSTM(3, input_shape=(4, 2)), Dense(1)])
    model.compile(optimizer=compile_kwargs.pop("optimizer", "adam"), loss="mse",
                  **compile_kwargs)
    return model


def classifier(seed=0):
    set_random_seed(seed)
    model = Sequential([LSTM(5, input_shape=(4, 2)), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["acc"])
    return model


def test_history_keys_use_the_names_written():
    history = classifier().fit(X, to_categorical(LABELS, 3), epochs=3, batch_size=4,
                               validation_split=0.2, verbose=0)
    assert list(history.history) == ["loss", "acc", "val_loss", "val_acc"]
    assert history.epoch == [0, 1, 2]
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 2}
    assert all(len(v) == 3 for v in history.history.values())
    assert all(isinstance(v, float) for v in history.history["acc"])


def test_metrics_by_name_and_rmse():
    model = regression_model(metrics=["mae", "mse", "rmse", "mape"])
    loss, mae, mse, rmse, mape = model.evaluate(X, Y, batch_size=3, verbose=0)
    err = model.predict(X)[:, 0] - Y
    np.testing.assert_allclose([loss, mae, mse, rmse, mape],
                               [np.mean(err**2), np.mean(abs(err)), np.mean(err**2),
                                np.sqrt(np.mean(err**2)), 100 * np.mean(abs(err / Y))],
                               rtol=1e-5)


def test_callable_metric_is_named_after_the_function():
    def max_error(y_true, y_pred):
        return abs(y_true - y_pred).max(axis=-1)

    model = regression_model(metrics=[max_error])
    history = model.fit(X, Y, epochs=1, verbose=0)
    assert "max_error" in history.history
    assert model.metrics_names == ["loss", "max_error"]


def test_evaluate_returns_a_float_without_metrics():
    loss = regression_model().evaluate(X, Y, verbose=0)
    assert isinstance(loss, float)


def test_fit_continues_training():
    model = regression_model()
    first = model.fit(X, Y, epochs=5, verbose=0).history["loss"]
    second = model.fit(X, Y, epochs=5, verbose=0).history["loss"]
    assert second[0] < first[0]
    assert abs(second[0] - first[-1]) < abs(first[0] - first[-1])


def test_initial_epoch():
    history = regression_model().fit(X, Y, epochs=5, initial_epoch=3, verbose=0)
    assert history.epoch == [3, 4]


def test_validation_split_holds_out_the_last_samples():
    split = regression_model(seed=3).fit(X, Y, epochs=2, batch_size=4, validation_split=0.3,
                                         verbose=0)
    explicit = regression_model(seed=3).fit(X[:7], Y[:7], epochs=2, batch_size=4,
                                            validation_data=(X[7:], Y[7:]), verbose=0)
    assert split.history == explicit.history


def test_same_seed_same_weights_and_history_bit_for_bit():
    def run():
        set_random_seed(42)
        model = Sequential([LSTM(4, input_shape=(4, 2), dropout=0.2, recurrent_dropout=0.2),
                            Dropout(0.3), Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        history = model.fit(X, Y, epochs=3, batch_size=3, verbose=0)
        return model.get_weights(), history.history

    (w1, h1), (w2, h2) = run(), run()
    assert h1 == h2
    for a, b in zip(w1, w2, strict=True):
        np.testing.assert_array_equal(a, b)


def test_numpy_seed_makes_runs_reproducible_as_in_the_tutorials():
    def run():
        np.random.seed(7)
        lstmkit.rng._seed = None  # as if set_random_seed had never been called
        model = Sequential([LSTM(3, input_shape=(4, 2)), Dense(1)])
        return model.get_weights()

    for a, b in zip(run(), run(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_many_epochs_in_one_program_equal_one_epoch_at_a_time(monkeypatch):
    """fit runs its epochs in program calls of varying size; the split changes nothing."""
    monkeypatch.setattr(models, "CHUNK_SECONDS", 0.0)  # one epoch per call
    one_by_one = regression_model(seed=3)
    losses = one_by_one.fit(X, Y, epochs=7, batch_size=4, verbose=0,
                            validation_split=0.2).history
    monkeypatch.setattr(models, "CHUNK_SECONDS", 1e9)  # as many epochs per call as allowed
    monkeypatch.setattr(models, "MAX_CHUNK", 3)
    chunked = regression_model(seed=3)
    history = chunked.fit(X, Y, epochs=7, batch_size=4, verbose=0, validation_split=0.2)
    assert history.epoch == list(range(7))
    for name in ("loss", "val_loss"):
        np.testing.assert_array_equal(history.history[name], losses[name])
    for a, b in zip(one_by_one.get_weights(), chunked.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    # calls limited by the size of their shuffles (8 samples: 2 epochs per call)
    monkeypatch.setattr(lstmkit.epoch_draws, "ORDER_BUDGET", 16)
    budgeted = regression_model(seed=3)
    history = budgeted.fit(X, Y, epochs=7, batch_size=4, verbose=0, validation_split=0.2)
    np.testing.assert_array_equal(history.history["loss"], losses["loss"])


def test_an_interrupted_fit_keeps_the_epochs_that_finished(monkeypatch):
    """Ctrl-C during fit leaves the weights, optimizer state and shuffle key of the last
    finished program call, usable: training goes on as if it had stopped there."""
    monkeypatch.setattr(models, "CHUNK_SECONDS", 0.0)  # one epoch per program call
    interrupted = regression_model(seed=5)
    real_program, calls = interrupted._program, []

    def program(kind, *args, **kwargs):
        run = real_program(kind, *args, **kwargs)

        def run_until_the_third_epoch(*inputs):
            calls.append(kind)
            outputs = run(*inputs)
            if calls.count("train") == 3:  # Ctrl-C while the third call runs
                raise KeyboardInterrupt
            return outputs
        return run_until_the_third_epoch if kind == "train" else run

    monkeypatch.setattr(interrupted, "_program", program)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(X, Y, epochs=10, batch_size=4, verbose=0)
    uninterrupted = regression_model(seed=5)
    uninterrupted.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    for model in (interrupted, uninterrupted):
        model.fit(X, Y, epochs=1, batch_size=4, verbose=0)
    for a, b in zip(interrupted.get_weights(), uninterrupted.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(interrupted.predict(X), uninterrupted.predict(X))


def test_second_fit_and_partial_batch_do_not_recompile():
    model = regression_model()
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0)  # 10 samples: batches 4, 4, 2
    model.fit(X, Y, epochs=3, batch_size=4, verbose=0)
    (program,) = [p for k, p in model._programs.items() if k[0] == "train"]
    assert program._cache_size() == 1
    model.predict(X)
    model.predict(X + 1)
    (predict,) = [p for k, p in model._programs.items() if k[0] == "predict"]
    assert predict._cache_size() == 1


def test_persistent_compilation_cache_is_configured():
    assert jax.config.jax_compilation_cache_dir


def test_dropout_only_in_training():
    set_random_seed(0)
    model = Sequential([LSTM(3, input_shape=(4, 2), dropout=0.5), Dropout(0.5), Dense(1)])
    plain = Sequential([LSTM(3, input_shape=(4, 2)), Dense(1)])
    plain.set_weights(model.get_weights())
    np.testing.assert_array_equal(model.predict(X), model.predict(X))
    np.testing.assert_allclose(model.predict(X), plain.predict(X), atol=1e-6)


def test_inverted_dropout_keeps_the_mean():
    layer = Dropout(0.25)
    x = np.ones((200, 50), "float32")
    y, _ = layer.apply({}, x, training=True, key=jax.random.key(0))
    y = np.asarray(y)
    assert set(np.unique(y)) == {0.0, np.float32(1 / 0.75)}
    assert abs(y.mean() - 1) < 0.02


def test_any_number_of_timesteps_with_input_shape_none():
    model = Sequential([LSTM(3, input_shape=(None, 2)), Dense(1)])
    assert model.predict(rng.normal(size=(2, 5, 2))).shape == (2, 1)
    assert model.predict(rng.normal(size=(2, 9, 2))).shape == (2, 1)


def test_dense_on_sequences():
    model = Sequential([LSTM(3, input_shape=(4, 2), return_sequences=True), Dense(2)])
    assert model.output_shape == (None, 4, 2)
    assert model.predict(X).shape == (10, 4, 2)
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, np.zeros((10, 4, 2)), epochs=1, verbose=0)


def test_builds_on_first_data():
    model = Sequential()
    model.add(LSTM(3))
    model.add(Dense(1))
    assert not model.built
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=1, verbose=0)
    assert model.built and model.input_shape == (None, 4, 2)


@pytest.mark.parametrize("kwargs, input_shape", [
    ({"input_shape": (4, 2)}, (None, 4, 2)),
    ({"input_dim": 2}, (None, None, 2)),
    ({"batch_input_shape": (10, 4, 2)}, (10, 4, 2)),
    ({"input_shape": (4, 2), "batch_size": 5}, (5, 4, 2)),
])
def test_ways_to_declare_the_input(kwargs, input_shape):
    model = Sequential([LSTM(3, **kwargs), Dense(1)])
    assert model.input_shape == input_shape
    assert model.output_shape == (input_shape[0], 1)


def test_build_with_explicit_shape():
    model = Sequential([LSTM(3), Dense(1)])
    model.build((None, 4, 2))
    assert model.count_params() == 4 * 3 * (2 + 3 + 1) + 4


def test_summary_matches_keras_counts(capsys):
    model = Sequential([LSTM(32, input_shape=(1, 3)), Dense(26, activation="softmax")])
    model.summary()
    out = capsys.readouterr().out
    assert "(None, 32)" in out and "4608" in out and "858" in out
    assert "Total params: 5,466" in out


def test_unit_forget_bias():
    model = Sequential([LSTM(4, input_shape=(3, 2))])
    bias = model.layers[0].get_weights()[2]
    np.testing.assert_array_equal(bias, [0] * 4 + [1] * 4 + [0] * 8)
    model = Sequential([LSTM(4, input_shape=(3, 2), unit_forget_bias=False)])
    np.testing.assert_array_equal(model.layers[0].get_weights()[2], np.zeros(16))


def test_layer_weights_round_trip():
    model = regression_model()
    lstm = model.layers[0]
    kernel, recurrent, bias = lstm.get_weights()
    assert kernel.shape == (2, 12) and recurrent.shape == (3, 12) and bias.shape == (12,)
    lstm.set_weights([kernel * 0, recurrent, bias])
    assert not model.layers[0].get_weights()[0].any()


def test_predict_classes_and_proba():
    model = classifier()
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict_classes(X), proba.argmax(-1))
    binary = Sequential([LSTM(2, input_shape=(4, 2)), Dense(1), Activation("sigmoid")])
    classes = binary.predict_classes(X)
    assert classes.shape == (10, 1) and set(np.unique(classes)) <= {0, 1}
    np.testing.assert_array_equal(classes, (binary.predict(X) > 0.5).astype(int))


def test_sparse_labels_and_accuracy():
    set_random_seed(0)
    model = Sequential([LSTM(5, input_shape=(4, 2)), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    loss, acc = model.evaluate(X, LABELS, verbose=0)
    np.testing.assert_allclose(acc, np.mean(model.predict(X).argmax(-1) == LABELS))
    one_hot = classifier(0)
    one_hot.set_weights(model.get_weights())
    np.testing.assert_allclose(loss, one_hot.evaluate(X, to_categorical(LABELS, 3),
                                                      verbose=0)[0], rtol=1e-6)


def test_binary_accuracy_for_a_sigmoid_output():
    model = Sequential([LSTM(2, input_shape=(4, 2)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    target = (Y > 0).astype(int)
    _, acc = model.evaluate(X, target, verbose=0)
    np.testing.assert_allclose(acc, np.mean((model.predict(X)[:, 0] > 0.5) == target))


@pytest.mark.parametrize("verbose, expected", [
    (0, None),
    (1, r"Epoch 1/2\n3/3 \[=+\] - \d+s \d+[mu]s/step - loss: [\d.e+-]+\nEpoch 2/2"),
    (2, r"Epoch 1/2\n3/3 - \d+s - \d+[mu]s/step - loss: [\d.e+-]+\nEpoch 2/2"),
])
def test_verbose_output(capsys, verbose, expected):
    regression_model().fit(X, Y, epochs=2, batch_size=4, verbose=verbose)
    out = capsys.readouterr().out
    if expected is None:
        assert out == ""
    else:
        assert __import__("re").match(expected, out), out


def test_predict_returns_numpy():
    out = regression_model().predict(X.tolist())
    assert isinstance(out, np.ndarray) and out.shape == (10, 1) and out.dtype == np.float32


def test_jit_and_eager_training_agree():
    def run():
        model = regression_model(seed=5, metrics=["mae"])
        history = model.fit(X, Y, epochs=1, batch_size=4, validation_split=0.2, verbose=0)
        return model.get_weights(), history.history, model.predict(X)

    jitted = run()
    with jax.disable_jit():
        eager = run()
    for a, b in zip(jitted[0], eager[0], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    for key in jitted[1]:
        np.testing.assert_allclose(jitted[1][key], eager[1][key], rtol=1e-5)
    np.testing.assert_allclose(jitted[2], eager[2], atol=1e-6)


def test_predict_verbose(capsys):
    model = regression_model()
    model.predict(X, batch_size=4)
    assert capsys.readouterr().out == ""
    model.predict(X, batch_size=4, verbose=1)
    assert __import__("re").match(r"3/3 \[=+\] - \d+s \d+[mu]s/step\n$", capsys.readouterr().out)


def test_trainable_false_freezes_a_layer_from_the_next_fit_on(capsys):
    set_random_seed(0)
    model = Sequential([LSTM(3, input_shape=(4, 2)), Dense(1)])
    model.compile(optimizer=lstmkit.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    x = np.random.default_rng(0).normal(size=(16, 4, 2)).astype("float32")
    y = x[:, -1, :1]
    model.fit(x, y, epochs=2, verbose=0)  # builds momentum in every weight
    frozen = model.layers[0].get_weights()
    model.layers[0].trainable = False
    model.fit(x, y, epochs=2, verbose=0)
    for a, b in zip(model.layers[0].get_weights(), frozen, strict=True):
        np.testing.assert_array_equal(a, b)
    model.summary()
    assert "Non-trainable params: 72" in capsys.readouterr().out  # LSTM(3) on 2 features
    model.layers[0].trainable = True
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(model.layers[0].get_weights()[0], frozen[0])


def test_initial_weights_are_checked_when_the_layer_builds():
    matrix = np.zeros((10, 4), "float32")
    model = Sequential([lstmkit.Embedding(10, 4, weights=[matrix], input_length=3)])
    np.testing.assert_array_equal(model.get_weights()[0], matrix)
    with pytest.raises(ValueError, match=r"weight 'embeddings' has shape \(10, 4\), got an "
                                         r"array of shape \(10, 5\)"):
        Sequential([lstmkit.Embedding(10, 4, weights=[np.zeros((10, 5))], input_length=3)])
    with pytest.raises(TypeError, match="trainable must be True or False, got 'no'"):
        Dense(1, trainable="no")


def test_a_frozen_layer_inside_a_wrapper_freezes_the_wrapper():
    from lstmkit.layers import Bidirectional, TimeDistributed

    set_random_seed(0)
    model = Sequential([Bidirectional(LSTM(2, trainable=False, return_sequences=True),
                                      input_shape=(4, 2)),
                        TimeDistributed(Dense(1, trainable=False)), lstmkit.layers.Flatten(),
                        Dense(1)])
    assert [layer.trainable for layer in model.layers] == [False, False, True, True]
    before = model.get_weights()
    model.compile("adam", "mse")
    x = np.random.default_rng(1).normal(size=(8, 4, 2)).astype("float32")
    model.fit(x, x[:, -1, :1], epochs=2, verbose=0)
    after = model.get_weights()
    for a, b in zip(after[:-2], before[:-2], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(after[-2], before[-2])
    with pytest.raises(ValueError, match="one trainable and one frozen"):
        Bidirectional(LSTM(2, trainable=False), backward_layer=LSTM(2, go_backwards=True))


def test_keras1_nb_epoch_is_epochs_with_keras2s_warning():
    model = Sequential([LSTM(2, input_shape=(3, 1)), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = np.ones((4, 3, 1), "float32"), np.ones((4, 1), "float32")
    with pytest.warns(UserWarning, match=r"`nb_epoch` argument in `fit` has been renamed"):
        assert len(model.fit(x, y, nb_epoch=3, verbose=0).epoch) == 3
    with pytest.raises(ValueError, match=r"Give epochs \(here 2\) or its old name nb_epoch"):
        model.fit(x, y, epochs=2, nb_epoch=3, verbose=0)
