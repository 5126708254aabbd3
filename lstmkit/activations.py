"""Activation functions by Keras name: pure functions of one array.

Definitions follow Keras 3 (the parity oracle): ``hard_sigmoid`` is ``relu6(x + 3) / 6``,
``gelu`` is the exact (erf) form, ``softmax`` acts on the last axis.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp

from lstmkit.registry import config_name, lookup, name_of

Activation = Callable[[jax.Array], jax.Array]


def linear(x: jax.Array) -> jax.Array:
    """Identity: the default of ``Dense``, for regression outputs."""
    return x


def softmax(x: jax.Array) -> jax.Array:
    """Softmax over the last axis (class probabilities)."""
    return jax.nn.softmax(x, axis=-1)


def gelu(x: jax.Array) -> jax.Array:
    """Exact GELU, ``x * Phi(x)``, as Keras computes it by default."""
    return jax.nn.gelu(x, approximate=False)


def relu(x: jax.Array, negative_slope=0.0, max_value=None, threshold=0.0) -> jax.Array:
    """Keras's general ReLU: ``x`` above ``threshold`` (at most ``max_value``), and
    ``negative_slope * (x - threshold)`` below it."""
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return jax.nn.relu(x)
    y = jnp.where(x > threshold, x, 0.0)
    if max_value is not None:
        y = jnp.clip(y, 0.0, max_value)
    return y - negative_slope * jax.nn.relu(threshold - x)


def leaky_relu(x: jax.Array, negative_slope=0.2) -> jax.Array:
    """``x``, or ``negative_slope * x`` below 0 (Keras's default slope for the name)."""
    return jax.nn.leaky_relu(x, negative_slope)


def log_softmax(x: jax.Array) -> jax.Array:
    """Log of the softmax over the last axis."""
    return jax.nn.log_softmax(x, axis=-1)


def mish(x: jax.Array) -> jax.Array:
    """``x * tanh(softplus(x))``."""
    return x * jnp.tanh(jax.nn.softplus(x))


_ACTIVATIONS: dict[str, Activation] = {
    "linear": linear,
    "sigmoid": jax.nn.sigmoid,
    "hard_sigmoid": jax.nn.hard_sigmoid,
    "tanh": jnp.tanh,
    "relu": jax.nn.relu,
    "relu6": jax.nn.relu6,
    "leaky_relu": leaky_relu,
    "exponential": jnp.exp,
    "log_softmax": log_softmax,
    "mish": mish,
    "softmax": softmax,
    "elu": jax.nn.elu,
    "selu": jax.nn.selu,
    "softplus": jax.nn.softplus,
    "softsign": jax.nn.soft_sign,
    "swish": jax.nn.swish,
    "silu": jax.nn.swish,
    "gelu": gelu,
}


def get(identifier: str | Activation | None) -> Activation:
    """Resolve an activation name (``None`` means linear) or pass a callable through."""
    if identifier is None:
        return linear
    return lookup("activation", identifier, _ACTIVATIONS)


def serialize(identifier: str | Activation | None) -> str:
    """The name under which an activation is shown and saved."""
    return "linear" if identifier is None else name_of(identifier)


def to_config(fn: Activation):
    """The registered name of ``fn`` (``jnp.tanh`` -> ``'tanh'``), or ``fn`` itself when it
    is a custom function, which a model file cannot hold."""
    return config_name(fn, _ACTIVATIONS)


def names() -> list[str]:
    """All registered activation names."""
    return sorted(_ACTIVATIONS)
