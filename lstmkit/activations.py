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


# Keras's names for the functions JAX has (``activation=lstmkit.activations.sigmoid``)
sigmoid, hard_sigmoid, tanh, relu6 = jax.nn.sigmoid, jax.nn.hard_sigmoid, jnp.tanh, jax.nn.relu6
elu, selu, softplus, softsign = jax.nn.elu, jax.nn.selu, jax.nn.softplus, jax.nn.soft_sign
swish = silu = jax.nn.swish
exponential = jnp.exp

_ACTIVATIONS: dict[str, Activation] = {
    "linear": linear, "sigmoid": sigmoid, "hard_sigmoid": hard_sigmoid, "tanh": tanh,
    "relu": relu, "relu6": relu6, "leaky_relu": leaky_relu, "exponential": exponential,
    "log_softmax": log_softmax, "mish": mish, "softmax": softmax, "elu": elu, "selu": selu,
    "softplus": softplus, "softsign": softsign, "swish": swish, "silu": silu, "gelu": gelu,
}


class LayerActivation:
    """An activation layer (``LeakyReLU(0.1)``, ``ReLU(max_value=6)``, ...) given as a
    layer's ``activation``, as Keras takes one: its function, saved as its config."""

    def __init__(self, layer):
        self.layer = layer
        self.__name__ = type(layer).__name__

    def __call__(self, x):
        return self.layer.apply({}, x)[0]

    def config(self) -> dict:
        return {"class_name": type(self.layer).__name__, "config": self.layer.get_config()}


def get(identifier) -> Activation:
    """Resolve an activation name (``None`` means linear), an activation layer or its
    config (as Keras saves one), or pass a callable through."""
    from lstmkit.layers.base import Layer  # the layers import this module

    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        from lstmkit.serialization import layer_from_config

        identifier = layer_from_config(identifier, "the activation")
    if isinstance(identifier, Layer):
        if identifier.weight_names or identifier.uses_dropout or identifier.stateful:
            raise ValueError(
                f"{identifier!r} cannot be an activation: it has weights or randomness of "
                f"its own. Add it as a layer of its own after this one.")
        return LayerActivation(identifier)
    return lookup("activation", identifier, _ACTIVATIONS)


def serialize(identifier) -> str:
    """The name under which an activation is shown."""
    return "linear" if identifier is None else name_of(identifier)


def to_config(fn: Activation):
    """The registered name of ``fn`` (``jnp.tanh`` -> ``'tanh'``), an activation layer's
    config, or ``fn`` itself when it is a custom function, which a model file cannot
    hold."""
    if isinstance(fn, LayerActivation):
        return fn.config()
    return config_name(relu if fn is jax.nn.relu else fn, _ACTIVATIONS)


def names() -> list[str]:
    """All registered activation names."""
    return sorted(_ACTIVATIONS)
