"""LayerNormalization (Keras 2 path ``keras.layers.normalization``)."""

import jax.numpy as jnp
from jax import lax

from lstmkit import initializers
from lstmkit.layers.base import Layer


class LayerNormalization(Layer):
    """Each sample's (and timestep's) features scaled to mean 0 and variance 1, then by
    ``gamma`` and shifted by ``beta``: ``(x - mean) / sqrt(var + epsilon) * gamma + beta``
    over the last axis, as Keras computes it.

    Weights: ``gamma`` (features,) with ``scale``, ``beta`` (features,) with ``center``.
    """

    weight_names = ("gamma", "beta")
    supports_masking = True

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, list | tuple) and len(axis) == 1:
            axis = axis[0]  # tf.keras 2 saves the last axis as [rank - 1]
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"LayerNormalization normalizes over the last axis in lstmkit "
                             f"(axis=-1), got axis={axis!r}.")
        if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or epsilon <= 0:
            raise ValueError(f"LayerNormalization epsilon must be a number > 0, got "
                             f"{epsilon!r}.")
        self.axis, self.epsilon = axis, float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer)}

    def check_input_shape(self, input_shape):
        if self.axis not in (-1, len(input_shape) - 1):
            raise ValueError(f"Layer {self.name!r} (LayerNormalization) normalizes over the "
                             f"last axis in lstmkit (axis=-1, here {len(input_shape) - 1}), got "
                             f"axis={self.axis}.")
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(f"Layer {self.name!r} (LayerNormalization) needs a known last "
                             f"dimension, got input_shape={input_shape[1:]}.")

    def weight_shapes(self, input_shape):
        features = (input_shape[-1],)
        return {name: features for name, wanted in (("gamma", self.scale),
                                                    ("beta", self.center)) if wanted}

    def apply(self, params, x, state=None, *, training=False, key=None):
        mean = jnp.mean(x, axis=-1, keepdims=True)
        variance = jnp.mean(jnp.square(x - mean), axis=-1, keepdims=True)
        inverse = lax.rsqrt(variance + self.epsilon)
        if self.scale:
            inverse = inverse * params["gamma"]
        shift = -mean * inverse + (params["beta"] if self.center else 0.0)
        return x * inverse + shift, state
