r"""Recurrent cells as pure functions, and running them over time with ``lax.scan``.

The LSTM cell, in Keras's weight layout (gate order i, f, c, o along the last axis):

.. math::
    z &= x_t W + h_{t-1} U + b \quad\text{(one fused matmul per weight for all four gates)}\\
    i, f, o &= \sigma(z_i), \sigma(z_f), \sigma(z_o) \qquad g = \tanh(z_c)\\
    c_t &= f \odot c_{t-1} + i \odot g\\
    h_t &= o \odot \tanh(c_t)

where :math:`\sigma` is ``recurrent_activation`` and :math:`\tanh` is ``activation``.
The carry is always ordered ``(h, c)``, as Keras orders an LSTM's states.

``lstm_sequence`` runs the cell over a whole sequence with a hand-written backward pass
(``jax.custom_vjp``): the backward scan does only the sequential work (the recurrent
matmul and the gate derivatives), and the weight gradients are then one large matmul over
all timesteps, as fused LSTM kernels compute them. Its gradients equal ``jax.grad`` of
the plain scan (``run_over_time``), which stays the reference definition.

Shapes: B batch, T timesteps, F features, U units.
"""

import functools
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

Params = dict[str, jax.Array]


class LSTMCarry(NamedTuple):
    """The state an LSTM carries between timesteps: hidden ``h`` and cell ``c``, each (B, U)."""

    h: jax.Array
    c: jax.Array


def lstm_gates(z, c_prev, activation: Callable = jnp.tanh,
               recurrent_activation: Callable = jax.nn.sigmoid):
    """The elementwise half of a step: pre-activations z (B, 4U) -> ``(h, c)``.

    ``recurrent_activation`` is applied once to all of z and the gates sliced out after:
    one vectorized pass is several times faster on a CPU than one per sliced gate.
    """
    U = c_prev.shape[-1]
    gate = recurrent_activation(z)
    c = gate[..., U:2 * U] * c_prev + gate[..., :U] * activation(z[..., 2 * U:3 * U])
    h = gate[..., 3 * U:] * activation(c)
    return h, c


def lstm_preactivation(params: Params, h_in, x_t):
    """z = x_t W + h_in U (+ b): the four gates' inputs, one fused matmul per weight."""
    z = x_t @ params["kernel"] + h_in @ params["recurrent_kernel"]
    return z + params["bias"] if "bias" in params else z


def lstm_cell(
    params: Params,
    carry: LSTMCarry,
    x_t: jax.Array,
    *,
    activation: Callable = jnp.tanh,
    recurrent_activation: Callable = jax.nn.sigmoid,
    recurrent_mask: jax.Array | None = None,
) -> tuple[LSTMCarry, jax.Array]:
    """One LSTM step: ``(carry, x_t (B, F)) -> (new carry, h_t (B, U))``.

    Args:
        params: ``kernel`` (F, 4U), ``recurrent_kernel`` (U, 4U) and optionally ``bias`` (4U,).
        recurrent_mask: optional (B, U) dropout mask applied to ``h`` before the
            recurrent matmul (Keras's ``recurrent_dropout``).
    """
    h_in = carry.h if recurrent_mask is None else carry.h * recurrent_mask
    z = lstm_preactivation(params, h_in, x_t)
    h, c = lstm_gates(z, carry.c, activation, recurrent_activation)
    return LSTMCarry(h, c), h


def run_over_time(cell: Callable, params: Params, x: jax.Array, carry):
    """Scan ``cell(params, carry, x_t)`` over the time axis of ``x`` (B, T, F).

    Returns:
        ``(final carry, outputs (B, T, U))``.
    """
    step = lambda carry, x_t: cell(params, carry, x_t)  # noqa: E731
    carry, ys = lax.scan(step, carry, jnp.swapaxes(x, 0, 1))  # scan wants (T, B, F)
    return carry, jnp.swapaxes(ys, 0, 1)


def lstm_sequence(params: Params, x: jax.Array, carry: LSTMCarry, recurrent_mask=None, *,
                  activation: Callable = jnp.tanh,
                  recurrent_activation: Callable = jax.nn.sigmoid):
    """The LSTM over a whole sequence x (B, T, F): ``(final carry, outputs (B, T, U))``.

    The same function as ``run_over_time(lstm_cell, ...)``, differentiated by the
    hand-written backward pass. ``recurrent_mask`` (B, U) is dropout noise: it gets no
    gradient.
    """
    mask = None if recurrent_mask is None else lax.stop_gradient(recurrent_mask)
    return _lstm_scan(activation, recurrent_activation, params, jnp.swapaxes(x, 0, 1),
                      LSTMCarry(*carry), mask)


@functools.partial(jax.custom_vjp, nondiff_argnums=(0, 1))
def _lstm_scan(activation, recurrent_activation, params, xs, carry, mask):
    """Time-major core of ``lstm_sequence``: xs (T, B, F) -> (carry, outputs (B, T, U))."""
    cell = functools.partial(lstm_cell, activation=activation,
                             recurrent_activation=recurrent_activation, recurrent_mask=mask)
    carry, hs = lax.scan(lambda carry, x_t: cell(params, carry, x_t), carry, xs)
    return carry, jnp.swapaxes(hs, 0, 1)


def _lstm_scan_forward(activation, recurrent_activation, params, xs, carry, mask):
    """The forward scan, keeping each step's pre-activations and previous cell state."""
    def step(carry, x_t):
        z = lstm_preactivation(params, _masked(carry.h, mask), x_t)
        h, c = lstm_gates(z, carry.c, activation, recurrent_activation)
        return LSTMCarry(h, c), (h, z, carry.c)

    final, (hs, zs, c_prevs) = lax.scan(step, carry, xs)
    residuals = (params, xs, carry.h, mask, hs, zs, c_prevs)
    return (final, jnp.swapaxes(hs, 0, 1)), residuals


def _lstm_scan_backward(activation, recurrent_activation, residuals, cotangents):
    """Backward scan over the gate derivatives, then the weight gradients in one matmul each."""
    params, xs, h0, mask, hs, zs, c_prevs = residuals
    d_final, d_outputs = cotangents
    gates = functools.partial(lstm_gates, activation=activation,
                              recurrent_activation=recurrent_activation)
    recurrent_t = params["recurrent_kernel"].T

    def step(carry, inputs):
        dh, dc = carry
        dy, z, c_prev = inputs
        _, gates_vjp = jax.vjp(gates, z, c_prev)
        dz, dc_prev = gates_vjp((dh + dy, dc))
        return (_masked(dz @ recurrent_t, mask), dc_prev), dz

    (dh0, dc0), dzs = lax.scan(step, tuple(d_final), (jnp.swapaxes(d_outputs, 0, 1), zs, c_prevs),
                               reverse=True)
    h_prevs = _masked(jnp.concatenate([h0[None], hs[:-1]]), mask)  # what the matmuls saw
    grads = {
        "kernel": jnp.einsum("tbf,tbg->fg", xs, dzs),
        "recurrent_kernel": jnp.einsum("tbu,tbg->ug", h_prevs, dzs),
    }
    if "bias" in params:
        grads["bias"] = dzs.sum(axis=(0, 1))
    dxs = dzs @ params["kernel"].T
    return grads, dxs, LSTMCarry(dh0, dc0), None if mask is None else jnp.zeros_like(mask)


def _masked(h, mask):
    return h if mask is None else h * mask


_lstm_scan.defvjp(_lstm_scan_forward, _lstm_scan_backward)
