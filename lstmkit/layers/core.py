"""Dense, Dropout, Activation, RepeatVector, Flatten and Masking layers (Keras 2 path
``keras.layers.core``)."""

import math

import jax
import jax.numpy as jnp

from lstmkit import activations, initializers
from lstmkit.layers.base import Layer, check_int, check_rate


def dropout_mask(key: jax.Array, rate: float, shape) -> jax.Array:
    """Inverted-dropout multiplier: 0 with probability ``rate``, else ``1 / (1 - rate)``."""
    keep = jax.random.bernoulli(key, 1.0 - rate, shape)
    return keep.astype(jnp.float32) / (1.0 - rate)


class Dense(Layer):
    """``activation(x @ kernel + bias)`` on the last axis, so 3-D sequences work too.

    Weights: ``kernel`` (in_features, units), ``bias`` (units,).
    """

    weight_names = ("kernel", "bias")
    supports_masking = True

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.units = check_int("units", units, minimum=1)
        self.activation = activations.get(activation)
        self.activation_name = activations.serialize(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.to_config(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}

    def check_input_shape(self, input_shape):
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(
                f"Layer {self.name!r} (Dense) needs a known last dimension, got "
                f"input_shape={input_shape[1:]}."
            )

    def weight_shapes(self, input_shape):
        shapes = {"kernel": (input_shape[-1], self.units)}
        if self.use_bias:
            shapes["bias"] = (self.units,)
        return shapes

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def apply(self, params, x, state=None, *, training=False, key=None):
        y = x @ params["kernel"]
        if self.use_bias:
            y = y + params["bias"]
        return self.activation(y), state


class Dropout(Layer):
    """Inverted dropout of ``rate`` while training; the identity otherwise."""

    supports_masking = True

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate("rate", rate)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}

    @property
    def uses_dropout(self) -> bool:
        return self.rate > 0

    def apply(self, params, x, state=None, *, training=False, key=None):
        if not training or self.rate == 0.0:
            return x, state
        return x * dropout_mask(key, self.rate, x.shape), state


class Activation(Layer):
    """Applies an activation function (a name from ``lstmkit.activations`` or a callable)."""

    supports_masking = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.activation_name = activations.serialize(activation)

    def get_config(self):
        return {**super().get_config(), "activation": activations.to_config(self.activation)}

    def apply(self, params, x, state=None, *, training=False, key=None):
        return self.activation(x), state


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features): the input repeated ``n`` times, as an
    encoder-decoder model hands its encoding to the decoder."""

    input_ndim = 2

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = check_int("n", n, minimum=1)

    def get_config(self):
        return {**super().get_config(), "n": self.n}

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def apply(self, params, x, state=None, *, training=False, key=None):
        return jnp.repeat(x[:, None, :], self.n, axis=1), state


class Flatten(Layer):
    """(batch, ...) -> (batch, everything else in one axis)."""

    def check_input_shape(self, input_shape):
        if len(input_shape) < 2 or None in input_shape[1:]:
            raise ValueError(f"Layer {self.name!r} (Flatten) needs every dimension but the "
                             f"batch known, got input_shape={input_shape[1:]}.")

    def compute_output_shape(self, input_shape):
        return (input_shape[0], math.prod(input_shape[1:]))

    def apply(self, params, x, state=None, *, training=False, key=None):
        return x.reshape(x.shape[0], -1), state


class Masking(Layer):
    """Mark the timesteps whose features all equal ``mask_value`` as padding: the
    recurrent layers after it skip them (their state passes through unchanged), and
    their values become 0."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = float(mask_value)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}

    def mask_out(self, masked):
        return True

    def compute_mask(self, x, mask):
        return jnp.any(x != self.mask_value, axis=-1)

    def apply(self, params, x, state=None, *, training=False, key=None):
        keep = jnp.any(x != self.mask_value, axis=-1, keepdims=True)
        return jnp.where(keep, x, 0.0), state
