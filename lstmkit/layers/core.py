"""Dense, Dropout, Activation, RepeatVector, Flatten, Reshape, Lambda and Masking layers
(Keras 2 path ``keras.layers.core``)."""

import math

import jax
import jax.numpy as jnp
import numpy as np

from lstmkit import activations, initializers
from lstmkit.layers.base import Layer, check_int, check_rate, check_shape, traced_shape


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
    """Inverted dropout of ``rate`` while training; the identity otherwise.

    ``noise_shape`` (Keras's) shapes the mask, broadcast over the input: ``(None, 1,
    None)`` drops each feature for every timestep of a sample at once; ``None`` entries
    take the input's size.
    """

    supports_masking = True

    def __init__(self, rate, noise_shape=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate("rate", rate)
        if noise_shape is not None:
            if not isinstance(noise_shape, tuple | list):
                raise ValueError(f"Dropout noise_shape must be a tuple with the input's rank, "
                                 f"such as (None, 1, None), got {noise_shape!r}.")
            noise_shape = tuple(None if d is None else check_int("noise_shape entries", d,
                                                                  minimum=1)
                                for d in noise_shape)
        self.noise_shape = noise_shape

    def get_config(self):
        config = {**super().get_config(), "rate": self.rate}
        if self.noise_shape is not None:
            config["noise_shape"] = list(self.noise_shape)
        return config

    @property
    def uses_dropout(self) -> bool:
        return self.rate > 0

    def check_input_shape(self, input_shape):
        super().check_input_shape(input_shape)
        if self.noise_shape is None:
            return
        fits = len(self.noise_shape) == len(input_shape) and all(
            d in (None, 1, n) or n is None
            for d, n in zip(self.noise_shape[1:], input_shape[1:], strict=True))
        if not fits:
            raise ValueError(f"Layer {self.name!r} ({type(self).__name__}) has noise_shape="
                             f"{self.noise_shape}, which does not fit inputs of shape "
                             f"{input_shape}: give one entry per input axis (batch included), "
                             f"each None, 1 or that axis's size.")

    def apply(self, params, x, state=None, *, training=False, key=None):
        if not training or self.rate == 0.0:
            return x, state
        shape = x.shape if self.noise_shape is None else tuple(
            n if d is None else d for d, n in zip(self.noise_shape, x.shape, strict=True))
        return x * dropout_mask(key, self.rate, shape), state


class SpatialDropout1D(Dropout):
    """Dropout of whole features of a sequence (B, T, F): each of a sample's features is
    dropped at every timestep together (Keras's, for the output of an Embedding)."""

    input_ndim = 3

    def __init__(self, rate, **kwargs):
        super().__init__(rate, noise_shape=(None, 1, None), **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["noise_shape"]
        return config


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


class Reshape(Layer):
    """(batch, ...) -> (batch, *target_shape); one entry of ``target_shape`` may be -1 (the
    size that keeps the element count), e.g. ``Reshape((n_steps, n_features))``."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target = target_shape
        if isinstance(target, int | np.integer) and not isinstance(target, bool):
            target = (target,)
        if not isinstance(target, tuple | list) or not all(
                isinstance(d, int | np.integer) and not isinstance(d, bool)
                and (d >= 1 or d == -1) for d in target) or list(target).count(-1) > 1:
            raise ValueError(f"Reshape target_shape must be a tuple of positive sizes with at "
                             f"most one -1, got {target_shape!r}.")
        self.target_shape = tuple(int(d) for d in target)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}

    def check_input_shape(self, input_shape):
        self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape):
        if None in input_shape[1:]:  # the -1 stays unknown until the data comes
            return (input_shape[0], *(None if d == -1 else d for d in self.target_shape))
        size, known = math.prod(input_shape[1:]), -math.prod(self.target_shape)
        shape = [size // known if d == -1 else d for d in self.target_shape]
        if math.prod(shape) != size:
            raise ValueError(f"Layer {self.name!r} (Reshape) cannot reshape input_shape="
                             f"{input_shape[1:]} ({size} values per sample) to "
                             f"{self.target_shape}.")
        return (input_shape[0], *shape)

    def apply(self, params, x, state=None, *, training=False, key=None):
        return x.reshape(x.shape[0], *self.target_shape), state


class Lambda(Layer):
    """``function(x, **arguments)`` as a layer, as Keras's ``Lambda``: any array function
    written with ``jax.numpy`` or ``lstmkit.backend`` (``Lambda(lambda x: x * 100.0)``,
    ``Lambda(lambda x: K.expand_dims(x, axis=-1))``). It runs inside the compiled
    programs, so it must be a pure function of its input.

    The output shape comes from tracing the function on the input shape, or from
    ``output_shape`` (the shape without the batch axis, or a function of the input shape).
    A model that holds a Lambda cannot be saved whole (a file holds no code), as Keras
    refuses to load one without ``safe_mode=False``: save its weights.
    """

    def __init__(self, function, output_shape=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda takes a function of an array, got "
                            f"{type(function).__name__}: {function!r}.")
        if output_shape is not None and not callable(output_shape):
            output_shape = check_shape("Lambda output_shape", output_shape)
        self.function, self.output_shape_given = function, output_shape
        self.arguments = dict(arguments or {})

    def get_config(self):
        return {**super().get_config(), "function": self.function,
                "output_shape": self.output_shape_given, "arguments": self.arguments}

    def compute_output_shape(self, input_shape):
        given = self.output_shape_given
        if callable(given):
            return tuple(given(tuple(input_shape)))
        if given is not None:
            return (input_shape[0], *given)
        return traced_shape(self, lambda x: self.function(x, **self.arguments), input_shape)

    def apply(self, params, x, state=None, *, training=False, key=None):
        return self.function(x, **self.arguments), state


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
