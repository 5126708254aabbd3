"""The cells against an independent NumPy loop, finite differences, and jit (Keras is
the oracle of their outputs in test_keras_parity)."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from lstmkit import activations
from lstmkit.cells import (
    HiddenCarry,
    LSTMCarry,
    gru_cell,
    lstm_cell,
    lstm_sequence,
    run_over_time,
    simple_rnn_cell,
)


def numpy_lstm(x, kernel, recurrent_kernel, bias):
    """The gate equations of seed 003, one timestep at a time, in float64."""
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    B, T, _ = x.shape
    U = recurrent_kernel.shape[0]
    h, c, hs = np.zeros((B, U)), np.zeros((B, U)), []
    for t in range(T):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias
        i, f, g, o = (z[:, k * U:(k + 1) * U] for k in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        hs.append(h)
    return np.stack(hs, axis=1), h, c


def random_params(rng, F, U, scale=0.5, gates=4, bias_shape=None):
    return {
        "kernel": rng.normal(0, scale, (F, gates * U)).astype(np.float32),
        "recurrent_kernel": rng.normal(0, scale, (U, gates * U)).astype(np.float32),
        "bias": rng.normal(0, scale, bias_shape or (gates * U,)).astype(np.float32),
    }


CELLS = {  # name: (cell, carry type, gates, bias shape for U units)
    "lstm": (lstm_cell, LSTMCarry, 4, lambda U: (4 * U,)),
    "gru": (gru_cell, HiddenCarry, 3, lambda U: (2, 3 * U)),
    "gru_reset_before": (functools.partial(gru_cell, reset_after=False), HiddenCarry, 3,
                         lambda U: (3 * U,)),
    "simple_rnn": (simple_rnn_cell, HiddenCarry, 1, lambda U: (U,)),
}


def cell_params(name, rng, F, U):
    _, _, gates, bias_shape = CELLS[name]
    return random_params(rng, F, U, gates=gates, bias_shape=bias_shape(U))


def run(params, x, cell="lstm"):
    B, U = x.shape[0], params["recurrent_kernel"].shape[0]
    fn, carry_type, _, _ = CELLS[cell]
    zeros = jnp.zeros((B, U), x.dtype)
    return run_over_time(fn, params, x, carry_type(*(zeros for _ in carry_type._fields)))


def test_matches_numpy_gate_equations():
    rng = np.random.default_rng(0)
    params = random_params(rng, F=3, U=5)
    x = rng.normal(size=(4, 6, 3)).astype(np.float32)
    (h, c), hs = run(params, x)
    want_hs, want_h, want_c = numpy_lstm(x.astype(np.float64),
                                         *(params[k].astype(np.float64) for k in params))
    np.testing.assert_allclose(hs, want_hs, atol=1e-5)
    np.testing.assert_allclose(h, want_h, atol=1e-5)
    np.testing.assert_allclose(c, want_c, atol=1e-5)


@pytest.mark.parametrize("cell", list(CELLS))
def test_jit_and_eager_agree(cell):
    rng = np.random.default_rng(1)
    params = cell_params(cell, rng, F=2, U=4)
    x = rng.normal(size=(3, 5, 2)).astype(np.float32)
    with jax.disable_jit():
        _, eager = run(params, x, cell)
    _, jitted = jax.jit(run, static_argnums=2)(params, x, cell)
    np.testing.assert_allclose(eager, jitted, atol=1e-6)


@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("name", ["kernel", "recurrent_kernel", "bias"])
def test_gradients_match_finite_differences(name, cell):
    jax.config.update("jax_enable_x64", True)
    try:
        rng = np.random.default_rng(2)
        params = {k: v.astype(np.float64)
                  for k, v in cell_params(cell, rng, F=2, U=3).items()}
        x = rng.normal(size=(2, 4, 2))

        def loss(p):
            _, hs = run(p, x, cell)
            return jnp.sum(hs ** 2)

        loss = jax.jit(loss)
        grad = np.asarray(jax.grad(loss)(params)[name])
        eps, numeric = 1e-6, np.zeros_like(params[name])
        for idx in np.ndindex(params[name].shape):
            up = {**params, name: params[name].copy()}
            down = {**params, name: params[name].copy()}
            up[name][idx] += eps
            down[name][idx] -= eps
            numeric[idx] = (loss(up) - loss(down)) / (2 * eps)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
    finally:
        jax.config.update("jax_enable_x64", False)


@pytest.mark.parametrize("feature_major", [True, False])
@pytest.mark.parametrize("variant", ["default", "no_bias", "hard_sigmoid", "relu",
                                     "recurrent_mask", "time_mask", "both_masks"])
def test_custom_backward_pass_matches_autodiff_of_the_plain_scan(variant, feature_major):
    """lstm_sequence's hand-written VJP against jax.grad of run_over_time(lstm_cell)."""
    rng = np.random.default_rng(3)
    params = random_params(rng, F=3, U=4)
    if variant == "no_bias":
        del params["bias"]
    B = 5
    x = rng.normal(size=(B, 7, 3)).astype(np.float32)
    carry = LSTMCarry(*rng.normal(size=(2, B, 4)).astype(np.float32))
    mask = (rng.random((B, 4)) > 0.3).astype(np.float32) / 0.7
    ract = activations.get("hard_sigmoid") if variant == "hard_sigmoid" else jax.nn.sigmoid
    act = jax.nn.relu if variant == "relu" else jnp.tanh
    kwargs = {"activation": act, "recurrent_activation": ract}
    use_mask = mask if variant in ("recurrent_mask", "both_masks") else None
    # padding before and after, a row with every step masked, one with none
    keep = rng.random((B, 7)) > 0.35
    keep[0, :] = False
    keep[1, :] = True
    keep[2, :3] = False
    time_mask = jnp.asarray(keep) if variant in ("time_mask", "both_masks") else None
    weights = jnp.asarray(rng.normal(size=(B, 7, 4)).astype(np.float32))

    def loss(run, p, x, carry):  # every output and both final states reach the loss
        (h, c), hs = run(p, x, carry)
        return jnp.sum(hs * weights) + jnp.sum(h ** 2) + jnp.sum(jnp.sin(c))

    plain = lambda p, x, carry: run_over_time(  # noqa: E731
        functools.partial(lstm_cell, recurrent_mask=use_mask, **kwargs), p, x, carry,
        time_mask)
    fused = lambda p, x, carry: lstm_sequence(  # noqa: E731
        p, x, carry, use_mask, time_mask, feature_major=feature_major, **kwargs)
    want = jax.grad(functools.partial(loss, lambda p, x, c: plain(p, x, c)), (0, 1, 2))(
        params, x, carry)
    got = jax.jit(jax.grad(functools.partial(loss, fused), (0, 1, 2)))(params, x, carry)
    for w, g in zip(jax.tree.leaves(want), jax.tree.leaves(got), strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(fused(params, x, carry)[1], plain(params, x, carry)[1], atol=1e-6)
