r"""Recurrent cells as pure functions, and running them over time with ``lax.scan``.

The LSTM cell, in Keras's weight layout (gate order i, f, c, o along the last axis):

.. math::
    z &= x_t W + h_{t-1} U + b \quad\text{(one fused matmul per weight for all four gates)}\\
    i, f, o &= \sigma(z_i), \sigma(z_f), \sigma(z_o) \qquad g = \tanh(z_c)\\
    c_t &= f \odot c_{t-1} + i \odot g\\
    h_t &= o \odot \tanh(c_t)

where :math:`\sigma` is ``recurrent_activation`` and :math:`\tanh` is ``activation``.
The carry is always ordered ``(h, c)``, as Keras orders an LSTM's states.

The GRU cell (gate order z, r, h; Keras's default ``reset_after=True``, where the reset
gate multiplies the recurrent projection after the matmul, with its own bias :math:`b_R`):

.. math::
    z, r &= \sigma(x_t W_{zr} + b_{zr} + h_{t-1} U_{zr} + b_{R,zr})\\
    \tilde h &= \tanh(x_t W_h + b_h + r \odot (h_{t-1} U_h + b_{R,h}))\\
    h_t &= z \odot h_{t-1} + (1 - z) \odot \tilde h

With ``reset_after=False`` (Keras 2's original GRU) there is one bias and
:math:`\tilde h = \tanh(x_t W_h + b_h + (r \odot h_{t-1}) U_h)`. The simple RNN cell is
:math:`h_t = \tanh(x_t W + h_{t-1} U + b)`. Both carry ``(h,)`` alone (``HiddenCarry``)
and run over time as ``run_over_time``'s plain scan, differentiated by JAX.

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


class HiddenCarry(NamedTuple):
    """The state a GRU or a simple RNN carries between timesteps: hidden ``h`` (B, U)."""

    h: jax.Array


def lstm_gates(z, c_prev, activation: Callable = jnp.tanh,
               recurrent_activation: Callable = jax.nn.sigmoid, axis: int = -1):
    """The elementwise half of a step: pre-activations z (B, 4U) -> ``(h, c)``.

    ``axis`` is the gate axis of z (0 for the feature-major (4U, B) of ``lstm_sequence``).
    ``recurrent_activation`` is applied once to all of z and the gates sliced out after:
    one vectorized pass is several times faster on a CPU than one per sliced gate.
    """
    i, f, _, o = gate_blocks(recurrent_activation(z), axis)
    c = f * c_prev + i * activation(gate_blocks(z, axis)[2])
    h = o * activation(c)
    return h, c


def gate_blocks(a, axis: int = -1) -> list:
    """The four gates' blocks (i, f, c, o) of pre-activations, or of anything laid out like
    them, along the gate ``axis``."""
    U = a.shape[axis] // 4
    return [lax.slice_in_dim(a, k * U, (k + 1) * U, axis=axis) for k in range(4)]


def preactivation(params: Params, h_in, x_t):
    """z = x_t W + h_in U (+ b): every gate's input, one fused matmul per weight."""
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
    z = preactivation(params, _masked(carry.h, recurrent_mask), x_t)
    h, c = lstm_gates(z, carry.c, activation, recurrent_activation)
    return LSTMCarry(h, c), h


def gru_cell(
    params: Params,
    carry: HiddenCarry,
    x_t: jax.Array,
    *,
    activation: Callable = jnp.tanh,
    recurrent_activation: Callable = jax.nn.sigmoid,
    reset_after: bool = True,
    recurrent_mask: jax.Array | None = None,
) -> tuple[HiddenCarry, jax.Array]:
    """One GRU step: ``(carry, x_t (B, F)) -> (new carry, h_t (B, U))``.

    Args:
        params: ``kernel`` (F, 3U), ``recurrent_kernel`` (U, 3U) and optionally ``bias``:
            (2, 3U) input and recurrent rows with ``reset_after``, else (3U,).
        recurrent_mask: optional (B, U) dropout mask applied to ``h`` where it enters the
            recurrent matmuls (not where it is carried over).
    """
    h_prev = carry.h
    h_in, U = _masked(h_prev, recurrent_mask), h_prev.shape[-1]
    bias, recurrent = params.get("bias"), params["recurrent_kernel"]
    x_proj = x_t @ params["kernel"]  # (B, 3U)
    if reset_after:
        h_proj = h_in @ recurrent  # (B, 3U)
        if bias is not None:
            x_proj, h_proj = x_proj + bias[0], h_proj + bias[1]
    else:
        h_proj = h_in @ recurrent[:, :2 * U]  # (B, 2U): z and r only
        if bias is not None:
            x_proj = x_proj + bias
    z, r = jnp.split(recurrent_activation(x_proj[..., :2 * U] + h_proj[..., :2 * U]), 2, axis=-1)
    reset = r * h_proj[..., 2 * U:] if reset_after else (r * h_in) @ recurrent[:, 2 * U:]
    candidate = activation(x_proj[..., 2 * U:] + reset)
    h = z * h_prev + (1 - z) * candidate
    return HiddenCarry(h), h


def simple_rnn_cell(
    params: Params,
    carry: HiddenCarry,
    x_t: jax.Array,
    *,
    activation: Callable = jnp.tanh,
    recurrent_mask: jax.Array | None = None,
) -> tuple[HiddenCarry, jax.Array]:
    """One simple RNN step: ``h_t = activation(x_t W + h_{t-1} U + b)``, with ``kernel``
    (F, U), ``recurrent_kernel`` (U, U) and optionally ``bias`` (U,)."""
    h = activation(preactivation(params, _masked(carry.h, recurrent_mask), x_t))
    return HiddenCarry(h), h


def run_over_time(cell: Callable, params: Params, x: jax.Array, carry, mask=None):
    """Scan ``cell(params, carry, x_t)`` over the time axis of ``x`` (B, T, F).

    ``mask`` (B, T), true for real timesteps, makes the masked steps Keras's way: the
    carry passes through them unchanged, and their output is the previous step's ``h``
    (Keras's ``zero_output_for_mask`` is the caller's: ``masked_outputs``).

    Returns:
        ``(final carry, outputs (B, T, U))``.
    """
    def step(carry, inputs):
        x_t, keep = inputs
        new_carry, y = cell(params, carry, x_t)
        if keep is None:
            return new_carry, y
        new_carry = jax.tree.map(lambda new, old: jnp.where(keep[:, None], new, old),
                                 new_carry, carry)
        return new_carry, new_carry[0]

    time_major = jnp.swapaxes(x, 0, 1), None if mask is None else jnp.swapaxes(mask, 0, 1)
    carry, ys = lax.scan(step, carry, time_major)  # scan wants (T, B, F)
    return carry, jnp.swapaxes(ys, 0, 1)


def masked_outputs(outputs, mask, zero_output_for_mask: bool):
    """Outputs (B, T, U) of a masked scan, with Keras's ``zero_output_for_mask``: zeros at
    the masked steps instead of the state carried through them."""
    if mask is None or not zero_output_for_mask:
        return outputs
    return jnp.where(mask[..., None], outputs, 0.0)


def lstm_sequence(params: Params, x: jax.Array, carry: LSTMCarry, recurrent_mask=None,
                  mask=None, *, activation: Callable = jnp.tanh,
                  recurrent_activation: Callable = jax.nn.sigmoid,
                  feature_major: bool | None = None):
    """The LSTM over a whole sequence x (B, T, F): ``(final carry, outputs (B, T, U))``.

    The same function as ``run_over_time(lstm_cell, ...)``, differentiated by the
    hand-written backward pass. ``recurrent_mask`` (B, U) is dropout noise: it gets no
    gradient. ``mask`` (B, T) marks the real timesteps, as in ``run_over_time``. The
    activations must be elementwise (every one Keras offers for an LSTM is).

    ``feature_major`` picks how the scan lays out its arrays (the default: by size, see
    ``prefers_feature_major``); both compute the same function.
    """
    if feature_major is None:
        feature_major = prefers_feature_major(x.shape[0], params["recurrent_kernel"].shape[0])
    layout = _Layout(feature_major)
    dropped = None if recurrent_mask is None else layout.state(
        lax.stop_gradient(recurrent_mask))
    keeps = None if mask is None else layout.sequence(mask[..., None].astype(bool))
    (h, c), hs = _lstm_scan(activation, recurrent_activation, layout, params,
                            (layout.sequence(x), keeps), tuple(map(layout.state, carry)),
                            dropped)
    return LSTMCarry(layout.state(h), layout.state(c)), layout.batch_first(hs)


def prefers_feature_major(batch: int, units: int) -> bool:
    """Whether a scan over this batch and unit count runs faster feature-major.

    XLA's CPU code vectorizes a step's gate arithmetic along the arrays' minor axis.
    Batch-major, that is a gate's U units; feature-major (states (U, B), pre-activations
    (4U, B)), it is the batch. Measured on the training step: feature-major is 35%
    faster for 10 units at batch 128 and 13% for 16 units at 256; from 32 units, or
    when the batch is narrower than the units, batch-major is as fast or faster, and its
    matmuls are faster for large layers.
    """
    return units < 32 and batch > units


class _Layout(NamedTuple):
    """Where the scan keeps the batch axis: each step's arrays are (rows, B) when
    ``feature_major``, else (B, rows); rows are features, units or the 4U gates."""

    feature_major: bool

    @property
    def gate_axis(self) -> int:
        return 0 if self.feature_major else 1

    @property
    def batch_axis(self) -> int:
        return 1 - self.gate_axis

    def sequence(self, x):
        """(B, T, F) -> the scan's (T, F, B) or (T, B, F) (a time mask: (B, T, 1) ->
        (T, 1, B) or (T, B, 1))."""
        return jnp.transpose(x, (1, 2, 0) if self.feature_major else (1, 0, 2))

    def batch_first(self, ys):
        """The scan's (T, U, B) or (T, B, U) -> (B, T, U)."""
        return jnp.transpose(ys, (2, 0, 1) if self.feature_major else (1, 0, 2))

    def state(self, a):
        """(B, U) <-> the scan's (U, B) or (B, U); its own inverse."""
        return a.T if self.feature_major else a

    def operand(self, w):
        """A (K, N) weight, laid out once, outside the loop, for ``matmul``."""
        return w.T if self.feature_major else w

    def matmul(self, a, w):
        """a @ w for a (..., B, K) or (..., K, B), w from ``operand``."""
        return w @ a if self.feature_major else a @ w

    def bias(self, b):
        return b[:, None] if self.feature_major else b

    def outer_sum(self, a, b):
        """Sum over time and batch of the outer products of a's and b's rows: (K, N).

        Feature-major, one matmul per timestep and a sum: as one matmul over (T, B),
        XLA first transposes b, which took 4 times as long.
        """
        if self.feature_major:
            return jnp.einsum("tib,tjb->tij", a, b).sum(axis=0)
        return jnp.einsum("tbi,tbj->ij", a, b)

    def stack_gates(self, blocks):
        """The four gates' blocks as one array, written in place: XLA's CPU backend emits
        a ``concatenate`` as per-element branches, and the in-place updates run about
        twice as fast."""
        U = blocks[0].shape[self.gate_axis]
        shape = list(blocks[0].shape)
        shape[self.gate_axis] = 4 * U
        out = jnp.zeros(shape, blocks[0].dtype)
        for k, block in enumerate(blocks):
            out = lax.dynamic_update_slice_in_dim(out, block, k * U, axis=self.gate_axis)
        return out


def _forward_step(activation, recurrent_activation, layout, params, dropped):
    """One step ``((h, c), (x_t, keep)) -> ((h, c), (h, z, c_prev))`` in ``layout``; where
    ``keep`` is false the state passes through unchanged."""
    kernel = layout.operand(params["kernel"])
    recurrent = layout.operand(params["recurrent_kernel"])
    bias = layout.bias(params["bias"]) if "bias" in params else 0

    def step(carry, inputs):
        (h_prev, c_prev), (x_t, keep) = carry, inputs
        z = (layout.matmul(x_t, kernel) + layout.matmul(_masked(h_prev, dropped), recurrent)
             + bias)
        h, c = lstm_gates(z, c_prev, activation, recurrent_activation, axis=layout.gate_axis)
        if keep is not None:
            h, c = jnp.where(keep, h, h_prev), jnp.where(keep, c, c_prev)
        return (h, c), (h, z, c_prev)
    return step


@functools.partial(jax.custom_vjp, nondiff_argnums=(0, 1, 2))
def _lstm_scan(activation, recurrent_activation, layout, params, xs, carry, dropped):
    """Time-major core of ``lstm_sequence``: xs (T, ...) and their keep masks (or None)
    -> (carry, outputs (T, ...))."""
    step = _forward_step(activation, recurrent_activation, layout, params, dropped)
    carry, (hs, _, _) = lax.scan(step, carry, xs)
    return carry, hs


def _lstm_scan_forward(activation, recurrent_activation, layout, params, xs, carry, dropped):
    """The forward scan, keeping each step's pre-activations and previous cell state."""
    step = _forward_step(activation, recurrent_activation, layout, params, dropped)
    final, (hs, zs, c_prevs) = lax.scan(step, carry, xs)
    return (final, hs), (params, xs, carry[0], dropped, hs, zs, c_prevs)


def _lstm_scan_backward(activation, recurrent_activation, layout, residuals, cotangents):
    """Backward scan over the gate derivatives, then the weight gradients in one matmul each.

    At a masked step the state's cotangents pass through to the step before, and the
    cell's (so dz) are zero."""
    params, (xs, keeps), h0, dropped, hs, zs, c_prevs = residuals
    d_final, d_outputs = cotangents
    recurrent_t = layout.operand(params["recurrent_kernel"].T)

    def step(carry, inputs):
        dh, dc = carry
        dy, z, c_prev, keep = inputs
        dh = dh + dy
        if keep is not None:
            (dh, dh_past), (dc, dc_past) = _split(keep, dh), _split(keep, dc)
        axis = layout.gate_axis
        gate, d_gate = _with_derivative(recurrent_activation, z)
        i, f, _, o = gate_blocks(gate, axis)
        d_i, d_f, _, d_o = gate_blocks(d_gate, axis)
        g, d_g = _with_derivative(activation, gate_blocks(z, axis)[2])
        c = f * c_prev + i * g
        act_c, d_act_c = _with_derivative(activation, c)
        dc = dc + dh * o * d_act_c
        dz = layout.stack_gates([dc * g * d_i, dc * c_prev * d_f, dc * i * d_g, dh * act_c * d_o])
        dh_prev, dc_prev = _masked(layout.matmul(dz, recurrent_t), dropped), dc * f
        if keep is not None:
            dh_prev, dc_prev = dh_prev + dh_past, dc_prev + dc_past
        return (dh_prev, dc_prev), dz

    (dh0, dc0), dzs = lax.scan(step, tuple(d_final), (d_outputs, zs, c_prevs, keeps),
                               reverse=True)
    h_prevs = _masked(jnp.concatenate([h0[None], hs[:-1]]), dropped)  # what the matmuls saw
    grads = {
        "kernel": layout.outer_sum(xs, dzs),
        "recurrent_kernel": layout.outer_sum(h_prevs, dzs),
    }
    if "bias" in params:
        grads["bias"] = dzs.sum(axis=(0, 1 + layout.batch_axis))
    dxs = layout.matmul(dzs, layout.operand(params["kernel"].T))
    return grads, (dxs, None), (dh0, dc0), None if dropped is None else jnp.zeros_like(dropped)


def _split(keep, d):
    """A cotangent's parts for the cell (where ``keep``) and for the step before (elsewhere)."""
    return jnp.where(keep, d, 0.0), jnp.where(keep, 0.0, d)


def _with_derivative(fn, x):
    """``fn(x)`` and its elementwise derivative ``fn'(x)``, from one forward-mode pass."""
    return jax.jvp(fn, (x,), (jnp.ones_like(x),))


def _masked(h, mask):
    return h if mask is None else h * mask


_lstm_scan.defvjp(_lstm_scan_forward, _lstm_scan_backward)
