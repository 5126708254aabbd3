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


_ACTIVATIONS: dict[str, Activation] = {
    "linear": linear,
    "sigmoid": jax.nn.sigmoid,
    "hard_sigmoid": jax.nn.hard_sigmoid,
    "tanh": jnp.tanh,
    "relu": jax.nn.relu,
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
