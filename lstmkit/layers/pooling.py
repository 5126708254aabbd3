"""1-D pooling layers (Keras 2 path ``keras.layers.pooling``): the maximum or mean over
windows of timesteps, or over all of them."""

import jax.numpy as jnp
from jax import lax

from lstmkit.layers.base import Layer, check_int
from lstmkit.layers.convolutional import conv1d_length, single_size


class _Pooling1D(Layer):
    """Windows of ``pool_size`` timesteps, ``strides`` apart (default: ``pool_size``)."""

    input_ndim = 3
    reducer = None  # (init, computation) for lax.reduce_window

    def __init__(self, pool_size=2, strides=None, padding="valid", **kwargs):
        super().__init__(**kwargs)
        self.pool_size = check_int("pool_size", single_size(pool_size), minimum=1)
        self.strides = check_int("strides", single_size(strides or self.pool_size), minimum=1)
        if padding not in ("valid", "same"):
            raise ValueError(f"{type(self).__name__} padding must be 'valid' or 'same', got "
                             f"{padding!r}.")
        self.padding = padding

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding}

    def check_input_shape(self, input_shape):
        super().check_input_shape(input_shape)
        length = conv1d_length(input_shape[1], self.pool_size, self.strides, self.padding, 1)
        if length is not None and length < 1:
            raise ValueError(f"Layer {self.name!r} ({type(self).__name__}): {input_shape[1]} "
                             f"timesteps are fewer than its pool_size {self.pool_size}; use "
                             f"padding='same' or a smaller pool_size.")

    def compute_output_shape(self, input_shape):
        length = conv1d_length(input_shape[1], self.pool_size, self.strides, self.padding, 1)
        return (input_shape[0], length, input_shape[2])

    def _windows(self, x, init, reduce):
        return lax.reduce_window(x, init, reduce, (1, self.pool_size, 1),
                                 (1, self.strides, 1), self.padding.upper())


class MaxPooling1D(_Pooling1D):
    """The largest value of each window, per channel."""

    def apply(self, params, x, state=None, *, training=False, key=None):
        return self._windows(x, -jnp.inf, lax.max), state


class AveragePooling1D(_Pooling1D):
    """The mean of each window, per channel (padding excluded, as Keras counts)."""

    def apply(self, params, x, state=None, *, training=False, key=None):
        sums = self._windows(x, 0.0, lax.add)
        counts = self._windows(jnp.ones_like(x[:1, :, :1]), 0.0, lax.add)
        return sums / counts, state


class _GlobalPooling1D(Layer):
    """Over all timesteps: (batch, channels), or (batch, 1, channels) with ``keepdims``."""

    input_ndim = 3

    def __init__(self, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.keepdims = bool(keepdims)

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}

    def compute_output_shape(self, input_shape):
        if self.keepdims:
            return (input_shape[0], 1, input_shape[2])
        return (input_shape[0], input_shape[2])


class GlobalMaxPooling1D(_GlobalPooling1D):
    """The largest value over all timesteps, per channel."""

    def apply(self, params, x, state=None, *, training=False, key=None):
        return jnp.max(x, axis=1, keepdims=self.keepdims), state


class GlobalAveragePooling1D(_GlobalPooling1D):
    """The mean over all timesteps, per channel; after ``Embedding(mask_zero=True)`` or
    ``Masking``, over the real timesteps only (as Keras averages)."""

    takes_mask = True

    def mask_out(self, masked):
        return False  # the mask is used up here

    def compute_mask(self, x, mask):
        return None

    def apply(self, params, x, state=None, *, training=False, key=None, mask=None):
        if mask is None:
            return jnp.mean(x, axis=1, keepdims=self.keepdims), state
        keep = mask[:, :, None]
        total = jnp.sum(jnp.where(keep, x, 0.0), axis=1, keepdims=self.keepdims)
        return total / jnp.sum(keep, axis=1, keepdims=self.keepdims), state


# Keras's shorter names
MaxPool1D, AvgPool1D = MaxPooling1D, AveragePooling1D
GlobalMaxPool1D, GlobalAvgPool1D = GlobalMaxPooling1D, GlobalAveragePooling1D

__all__ = ["MaxPooling1D", "AveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling1D",
           "MaxPool1D", "AvgPool1D", "GlobalMaxPool1D", "GlobalAvgPool1D"]
