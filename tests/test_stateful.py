"""Stateful layers: state carried across batches and calls, reset, and the batch rules."""

import os
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmkit.callbacks import ResetStates
from lstmkit.initializers import Constant
from lstmkit.layers import GRU, LSTM, Dense, SimpleRNN
from lstmkit.models import Sequential
from lstmkit.utils import set_random_seed

CONSTANTS = dict(kernel_initializer=Constant(0.01), recurrent_initializer=Constant(0.02),
                 bias_initializer=Constant(0.03))
# Of both signs, so that a GRU's gates do not saturate and every term shows in the output.
OTHER_CONSTANTS = dict(kernel_initializer=Constant(0.1), recurrent_initializer=Constant(-0.2),
                       bias_initializer=Constant(0.3))


def test_keras_reference_stateful_layer():
    x = np.arange(24).reshape(2, 3, 4).astype("float32")
    layer = LSTM(4, stateful=True, **CONSTANTS)
    layer(x)
    expected = [[0.3124785] * 4, [0.6863672] * 4]
    np.testing.assert_allclose(layer(x), expected, atol=1e-6)
    layer.reset_states()
    layer(x)
    np.testing.assert_allclose(layer(x), expected, atol=1e-6)


def test_keras_reference_initial_state_and_return_state():
    x = np.arange(24).reshape(2, 4, 3).astype("float32")
    h0 = c0 = np.array([[0, 1], [2, 3]], "float32")
    out = LSTM(2, **CONSTANTS)(x, initial_state=[h0, c0])
    np.testing.assert_allclose(out, [[0.20574439, 0.3558822], [0.64930826, 0.66276]],
                               atol=1e-6)
    output, h, c = LSTM(2, return_state=True, **CONSTANTS)(x, initial_state=[h0, c0])
    np.testing.assert_allclose(output, out, atol=1e-7)
    np.testing.assert_array_equal(output, h)
    assert c.shape == (2, 2)


@pytest.mark.parametrize("layer", ["GRU", "SimpleRNN"])
def test_one_state_layers_match_keras_across_calls(layer):
    """Keras 3 carries a stateful layer's state between direct calls (not between predict
    calls on the JAX backend): two calls, a reset, given initial states, return_state."""
    x = np.arange(24).reshape(2, 3, 4).astype("float32") / 24
    h0 = np.array([[0, 1, 2], [3, 4, 5]], "float32") / 5
    consts = {k: keras.initializers.Constant(v.value) for k, v in OTHER_CONSTANTS.items()}
    km = getattr(keras.layers, layer)(3, stateful=True, **consts)
    lk = {"GRU": GRU, "SimpleRNN": SimpleRNN}[layer](3, stateful=True, **OTHER_CONSTANTS)
    expected = [np.asarray(km(x)) for _ in range(2)]
    got = [lk(x) for _ in range(2)]
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert not np.allclose(got[0], got[1])  # the state did carry over
    lk.reset_states()
    np.testing.assert_allclose(lk(x), expected[0], atol=1e-6)
    km_free = getattr(keras.layers, layer)(3, return_state=True, **consts)
    lk_free = type(lk)(3, return_state=True, **OTHER_CONSTANTS)
    output, h = lk_free(x, initial_state=h0)  # one state: the array alone, as in Keras
    want_output, want_h = km_free(x, initial_state=h0)
    np.testing.assert_allclose(output, want_output, atol=1e-6)
    np.testing.assert_allclose(h, want_h, atol=1e-6)
    np.testing.assert_allclose(lk_free(x, initial_state=[h0])[0], want_output, atol=1e-6)
    lk.reset_states(states=[h0])
    np.testing.assert_allclose(lk(x), want_output, atol=1e-6)


def test_reset_states_with_given_values():
    x = np.arange(24).reshape(2, 3, 4).astype("float32")
    layer = LSTM(4, stateful=True, **CONSTANTS)
    layer(x)
    h0, c0 = np.ones((2, 4), "float32"), np.zeros((2, 4), "float32")
    layer.reset_states(states=[h0, c0])
    h0 += 5.0  # the layer keeps its own copy of the given states
    free = LSTM(4, **CONSTANTS)(x, initial_state=[np.ones((2, 4)), np.zeros((2, 4))])
    np.testing.assert_allclose(layer(x), free, atol=1e-7)
    layer.reset_state()  # Keras 3's spelling
    np.testing.assert_array_equal(np.asarray(layer.states.h), np.zeros((2, 4)))


def stateful_pair(batch, units=3, features=2, seed=0, layer=LSTM):
    """A stateful model and a return_sequences model with the same weights."""
    set_random_seed(seed)
    stateful = Sequential([layer(units, stateful=True, return_sequences=True,
                                 batch_input_shape=(batch, None, features)), Dense(1)])
    whole = Sequential([layer(units, return_sequences=True, input_shape=(None, features)),
                        Dense(1)])
    whole.set_weights(stateful.get_weights())
    return stateful, whole


@settings(max_examples=10, deadline=None)
@given(cuts=st.lists(st.integers(1, 11), min_size=1, max_size=4, unique=True),
       layer=st.sampled_from([LSTM, GRU, SimpleRNN]))
def test_chunks_through_a_stateful_model_equal_one_pass(cuts, layer):
    x = np.random.default_rng(1).normal(size=(2, 12, 2)).astype("float32")
    stateful, whole = stateful_pair(batch=2, layer=layer)
    bounds = [0, *sorted(cuts), 12]
    chunks = [stateful.predict(x[:, a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    np.testing.assert_allclose(np.concatenate(chunks, axis=1), whole.predict(x), atol=1e-5)


def test_state_carries_from_batch_to_batch_within_one_call():
    # Sample i of batch k+1 continues sample i of batch k: batches of 2 of one long series.
    x = np.random.default_rng(2).normal(size=(2, 12, 2)).astype("float32")
    stateful, whole = stateful_pair(batch=2)
    pieces = np.concatenate([x[:, :4], x[:, 4:8], x[:, 8:]], axis=0)  # (6, 4, 2): 3 batches
    out = stateful.predict(pieces)
    np.testing.assert_allclose(np.concatenate([out[0:2], out[2:4], out[4:6]], axis=1),
                               whole.predict(x), atol=1e-5)


def test_predict_accumulates_until_reset():
    x = np.random.default_rng(3).normal(size=(4, 5, 1)).astype("float32")
    set_random_seed(0)
    model = Sequential([LSTM(2, stateful=True, batch_input_shape=(4, 5, 1)), Dense(1)])
    first, second = model.predict(x), model.predict(x)
    assert not np.allclose(first, second)
    model.reset_states()
    np.testing.assert_allclose(model.predict(x), first, atol=1e-6)


def test_stacked_stateful_layers_each_carry_their_own_state():
    x = np.random.default_rng(4).normal(size=(2, 8, 2)).astype("float32")
    set_random_seed(0)
    stacked = Sequential([
        LSTM(3, stateful=True, return_sequences=True, batch_input_shape=(2, None, 2)),
        LSTM(2, stateful=True, return_sequences=True), Dense(1)])
    whole = Sequential([LSTM(3, return_sequences=True, input_shape=(None, 2)),
                        LSTM(2, return_sequences=True), Dense(1)])
    whole.set_weights(stacked.get_weights())
    halves = np.concatenate([stacked.predict(x[:, :4]), stacked.predict(x[:, 4:])], axis=1)
    np.testing.assert_allclose(halves, whole.predict(x), atol=1e-5)


def test_seed004_training_loop_and_evaluate_carry_state():
    rng = np.random.default_rng(5)
    X = rng.uniform(size=(100, 5, 1)).astype("float32")
    y = X.sum(axis=(1, 2))
    set_random_seed(0)
    model = Sequential([LSTM(2, stateful=True, batch_input_shape=(10, 5, 1)), Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    losses = []
    for _ in range(5):
        losses.append(model.fit(X, y, epochs=1, batch_size=10, verbose=0,
                                shuffle=False).history["loss"][0])
        model.reset_states()
    assert losses[-1] < losses[0]
    a = model.evaluate(X, y, verbose=0)
    b = model.evaluate(X, y, verbose=0)
    assert a != b  # the state accumulated during the first evaluation
    model.reset_states()
    assert model.evaluate(X, y, verbose=0) == pytest.approx(a, rel=1e-6)
    assert model.predict(X, batch_size=10).shape == (100, 1)


def test_training_matches_a_manual_loop_over_batches():
    """One fit over 3 batches equals 3 fits of one batch each, state carried between."""
    rng = np.random.default_rng(6)
    X = rng.normal(size=(6, 4, 1)).astype("float32")
    y = rng.normal(size=(6, 1)).astype("float32")

    def model():
        set_random_seed(1)
        m = Sequential([LSTM(2, stateful=True, batch_input_shape=(2, 4, 1)), Dense(1)])
        m.compile(loss="mse", optimizer="sgd")
        return m

    whole, pieces = model(), model()
    whole.fit(X, y, epochs=1, shuffle=False, verbose=0)
    for k in range(3):
        pieces.fit(X[2 * k:2 * k + 2], y[2 * k:2 * k + 2], epochs=1, shuffle=False, verbose=0)
    for a, b in zip(whole.get_weights(), pieces.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    np.testing.assert_allclose(whole.layers[0].states.h, pieces.layers[0].states.h, atol=1e-6)


def test_reset_states_callback_equals_the_tutorials_loop():
    """fit(epochs=4, callbacks=[ResetStates()]) == 4 x (fit(epochs=1) + reset_states())."""
    rng = np.random.default_rng(7)
    X = rng.uniform(size=(20, 5, 1)).astype("float32")
    y = X.sum(axis=(1, 2))

    def model():
        set_random_seed(2)
        m = Sequential([LSTM(3, stateful=True, batch_input_shape=(10, 5, 1)), Dense(1)])
        m.compile(loss="mse", optimizer="adam")
        return m

    loop, single = model(), model()
    losses = []
    for _ in range(4):
        losses += loop.fit(X, y, epochs=1, shuffle=False, verbose=0).history["loss"]
        loop.reset_states()
    history = single.fit(X, y, epochs=4, shuffle=False, verbose=0, callbacks=[ResetStates()])
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-6)
    for a, b in zip(loop.get_weights(), single.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    np.testing.assert_array_equal(single.layers[0].states.h, 0)  # reset after the last epoch
    without = model()
    without.fit(X, y, epochs=4, shuffle=False, verbose=0)
    assert np.abs(without.layers[0].states.h).max() > 0


def stateful_model():
    model = Sequential([LSTM(2, stateful=True, batch_input_shape=(10, 5, 1)), Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    return model


def test_sample_count_must_divide():
    x, y = np.zeros((25, 5, 1)), np.zeros(25)
    with pytest.raises(ValueError, match=r"fit: a stateful model needs a sample count divisible "
                                         r"by its batch size 10, got 25 samples\. Drop 5 samples,"
                                         r" or use a batch size that divides 25: \[1, 5, 25\]"):
        stateful_model().fit(x, y, verbose=0, shuffle=False)
    with pytest.raises(ValueError, match=r"predict: .* divisible by its batch size 10, got 25"):
        stateful_model().predict(x)


@pytest.mark.parametrize("method", ["predict", "evaluate", "fit"])
def test_other_batch_size_is_an_error(method):
    model = stateful_model()
    args = (np.zeros((20, 5, 1)),) if method == "predict" else (np.zeros((20, 5, 1)),
                                                                 np.zeros(20))
    with pytest.raises(ValueError, match=rf"{method}: this stateful model has the fixed batch "
                                         r"size 10 \(from batch_input_shape\), got batch_size=4"):
        getattr(model, method)(*args, batch_size=4)


def test_shuffle_warns_once():
    model = stateful_model()
    x, y = np.zeros((20, 5, 1)), np.zeros(20)
    with pytest.warns(UserWarning, match=r"shuffling breaks the order"):
        model.fit(x, y, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, y, verbose=0)
        model.fit(x, y, verbose=0, shuffle=False)


def test_stateful_needs_a_fixed_batch_size():
    with pytest.raises(ValueError, match=r"is stateful, so it needs a fixed batch size: give "
                                         r"the first layer batch_input_shape"):
        Sequential([LSTM(2, stateful=True, input_shape=(5, 1))])
    model = Sequential([LSTM(2, stateful=True, input_shape=(5, 1), batch_size=4)])
    assert model.input_shape == (4, 5, 1)


def test_reset_states_errors():
    with pytest.raises(ValueError, match=r"is not stateful \(give stateful=True\)"):
        Sequential([LSTM(2, input_shape=(5, 1))]).layers[0].reset_states()
    layer = Sequential([LSTM(2, stateful=True, batch_input_shape=(3, 5, 1))]).layers[0]
    with pytest.raises(ValueError, match=r"state h must have shape \(3, 2\) \(batch, units\), "
                                         r"got \(2, 2\)"):
        layer.reset_states(states=[np.zeros((2, 2)), np.zeros((2, 2))])
    with pytest.raises(ValueError, match=r"states must be a list \[h, c\], got ndarray"):
        layer.reset_states(states=np.zeros((3, 2)))
    gru = Sequential([GRU(2, stateful=True, batch_input_shape=(3, 5, 1))]).layers[0]
    with pytest.raises(ValueError, match=r"states must be a list \[h\], got a list of 2"):
        gru.reset_states(states=[np.zeros((3, 2)), np.zeros((3, 2))])


def test_train_on_batch_carries_the_state_as_fit_does():
    """Two train_on_batch calls on consecutive batches train as one fit over both
    (shuffle=False): the state passes from the first batch to the second."""
    rng = np.random.default_rng(9)
    x = rng.normal(size=(8, 5, 1)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")

    def model():
        set_random_seed(2)
        m = Sequential([LSTM(3, stateful=True, batch_input_shape=(4, 5, 1)), Dense(1)])
        m.compile("adam", "mse")
        return m

    by_batch, by_fit = model(), model()
    losses = [by_batch.train_on_batch(x[:4], y[:4]), by_batch.train_on_batch(x[4:], y[4:])]
    by_fit.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(by_batch.get_weights(), by_fit.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    for a, b in zip(by_batch.layers[0].states, by_fit.layers[0].states, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert all(isinstance(v, float) for v in losses)


@pytest.mark.parametrize("method", ["train_on_batch", "test_on_batch", "predict_on_batch"])
def test_on_batch_methods_name_the_fixed_batch_size(method):
    model = Sequential([LSTM(2, stateful=True, batch_input_shape=(4, 5, 1)), Dense(1)])
    model.compile("adam", "mse")
    x, y = np.zeros((8, 5, 1), "float32"), np.zeros((8, 1), "float32")
    args = (x,) if method == "predict_on_batch" else (x, y)
    with pytest.raises(ValueError, match=f"{method}: this stateful model has the fixed batch "
                                         f"size 4 .* got a batch of 8 samples"):
        getattr(model, method)(*args)
