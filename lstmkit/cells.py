r"""Recurrent cells as pure functions, and running them over time with ``lax.scan``.

The LSTM cell, in Keras's weight layout (gate order i, f, c, o along the last axis):

.. math::
    z &= x_t W + h_{t-1} U + b \quad\text{(one fused matmul per weight for all four gates)}\\
    i, f, o &= \sigma(z_i), \sigma(z_f), \sigma(z_o) \qquad g = \tanh(z_c)\\
    c_t &= f \odot c_{t-1} + i \odot g\\
    h_t &= o \odot \tanh(c_t)

where :math:`\sigma` is ``recurrent_activation`` and :math:`\tanh` is ``activation``.
The carry is always ordered ``(h, c)``, as Keras orders an LSTM's states.

Shapes: B batch, T timesteps, F features, U units.
"""

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
    h, c = carry
    h_in = h if recurrent_mask is None else h * recurrent_mask
    z = x_t @ params["kernel"] + h_in @ params["recurrent_kernel"]
    if "bias" in params:
        z = z + params["bias"]
    z_i, z_f, z_c, z_o = jnp.split(z, 4, axis=-1)
    i, f, o = recurrent_activation(z_i), recurrent_activation(z_f), recurrent_activation(z_o)
    c = f * c + i * activation(z_c)
    h = o * activation(c)
    return LSTMCarry(h, c), h


def run_over_time(cell: Callable, params: Params, x: jax.Array, carry):
    """Scan ``cell(params, carry, x_t)`` over the time axis of ``x`` (B, T, F).

    Returns:
        ``(final carry, outputs (B, T, U))``.
    """
    step = lambda carry, x_t: cell(params, carry, x_t)  # noqa: E731
    carry, ys = lax.scan(step, carry, jnp.swapaxes(x, 0, 1))  # scan wants (T, B, F)
    return carry, jnp.swapaxes(ys, 0, 1)
