"""The LSTM cell against an independent NumPy loop, finite differences, and jit."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from lstmkit.cells import LSTMCarry, lstm_cell, run_over_time


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


def random_params(rng, F, U, scale=0.5):
    return {
        "kernel": rng.normal(0, scale, (F, 4 * U)).astype(np.float32),
        "recurrent_kernel": rng.normal(0, scale, (U, 4 * U)).astype(np.float32),
        "bias": rng.normal(0, scale, (4 * U,)).astype(np.float32),
    }


def run(params, x):
    B, U = x.shape[0], params["recurrent_kernel"].shape[0]
    zeros = jnp.zeros((B, U))
    return run_over_time(lstm_cell, params, x, LSTMCarry(zeros, zeros))


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


def test_jit_and_eager_agree():
    rng = np.random.default_rng(1)
    params = random_params(rng, F=2, U=4)
    x = rng.normal(size=(3, 5, 2)).astype(np.float32)
    with jax.disable_jit():
        (_, _), eager = run(params, x)
    (_, _), jitted = jax.jit(run)(params, x)
    np.testing.assert_allclose(eager, jitted, atol=1e-6)


@pytest.mark.parametrize("name", ["kernel", "recurrent_kernel", "bias"])
def test_gradients_match_finite_differences(name):
    jax.config.update("jax_enable_x64", True)
    try:
        rng = np.random.default_rng(2)
        params = {k: v.astype(np.float64) for k, v in random_params(rng, F=2, U=3).items()}
        x = rng.normal(size=(2, 4, 2))

        def loss(p):
            (_, _), hs = run(p, x)
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
