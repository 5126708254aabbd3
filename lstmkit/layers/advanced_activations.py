"""Activations as layers with settings of their own: LeakyReLU, ReLU, ELU and PReLU (Keras
2 path ``keras.layers.advanced_activations``), as Keras 3 computes them."""

import numbers

import jax
import jax.numpy as jnp

from lstmkit import activations, initializers, validation
from lstmkit.layers.base import Layer


def _at_least_zero(cls_name: str, name: str, value, none_ok: bool = False):
    if value is None and none_ok:
        return None
    if not validation.is_number(value) or value < 0:
        raise ValueError(f"{cls_name} {name} must be a number >= 0, got {value!r}.")
    return float(value)


class LeakyReLU(Layer):
    """``x``, or ``negative_slope * x`` below 0 (Keras 2 calls the slope ``alpha``)."""

    supports_masking = True

    def __init__(self, negative_slope=0.3, *, alpha=None, **kwargs):
        super().__init__(**kwargs)
        slope = negative_slope if alpha is None else alpha
        self.negative_slope = _at_least_zero("LeakyReLU", "negative_slope", slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}

    def apply(self, params, x, state=None, *, training=False, key=None):
        return activations.leaky_relu(x, self.negative_slope), state


class ReLU(Layer):
    """Keras's general ReLU: ``x`` above ``threshold``, capped at ``max_value``, and
    ``negative_slope * (x - threshold)`` below the threshold."""

    supports_masking = True

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _at_least_zero("ReLU", "max_value", max_value, none_ok=True)
        self.negative_slope = _at_least_zero("ReLU", "negative_slope", negative_slope)
        self.threshold = _at_least_zero("ReLU", "threshold", threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}

    def apply(self, params, x, state=None, *, training=False, key=None):
        return activations.relu(x, self.negative_slope, self.max_value, self.threshold), state


class ELU(Layer):
    """``x``, or ``alpha * (exp(x) - 1)`` below 0."""

    supports_masking = True

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if not validation.is_number(alpha):
            raise ValueError(f"ELU alpha must be a number, got {alpha!r}.")
        self.alpha = float(alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}

    def apply(self, params, x, state=None, *, training=False, key=None):
        return jax.nn.elu(x, self.alpha), state


class PReLU(Layer):
    """A leaky ReLU whose slopes are learned: ``x``, or ``alpha * x`` below 0, with one
    ``alpha`` per input entry (batch axis aside), shared along ``shared_axes`` (1 is the
    first axis after the batch's: ``shared_axes=[1]`` shares a feature's slope over time).

    Weights: ``alpha``, the input's shape without the batch axis, 1 along shared axes.
    """

    weight_names = ("alpha",)
    supports_masking = True

    def __init__(self, alpha_initializer="zeros", shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        axes = [] if shared_axes is None else (
            list(shared_axes) if isinstance(shared_axes, list | tuple) else [shared_axes])
        if not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) and a >= 1
                   for a in axes):
            raise ValueError(f"PReLU shared_axes must be axes >= 1 (0 is the batch), such as "
                             f"[1], got {shared_axes!r}.")
        self.shared_axes = [int(a) for a in axes] or None

    def get_config(self):
        return {**super().get_config(), "shared_axes": self.shared_axes,
                "alpha_initializer": initializers.serialize(self.alpha_initializer)}

    def check_input_shape(self, input_shape):
        shared = self.shared_axes or []
        if any(a >= len(input_shape) for a in shared) or any(
                d is None for i, d in enumerate(input_shape) if i > 0 and i not in shared):
            raise ValueError(f"Layer {self.name!r} (PReLU) needs known sizes on every axis it "
                             f"does not share, and shared_axes within the input's "
                             f"{len(input_shape) - 1} axes; got input_shape="
                             f"{input_shape[1:]} and shared_axes={self.shared_axes}.")

    def weight_shapes(self, input_shape):
        shared = self.shared_axes or []
        return {"alpha": tuple(1 if i in shared else d
                               for i, d in enumerate(input_shape) if i > 0)}

    def apply(self, params, x, state=None, *, training=False, key=None):
        return jnp.where(x >= 0, x, params["alpha"] * x), state
