"""LayerNormalization and BatchNormalization (Keras 2 path ``keras.layers.normalization``)."""

import numbers

import jax.numpy as jnp
from jax import lax

from lstmkit import initializers, validation
from lstmkit.layers.base import Layer


def _last_axis(cls_name: str, axis):
    """The normalized axis as given; lstmkit takes the last one only (tf.keras 2 files
    save it as ``[rank - 1]``)."""
    if isinstance(axis, list | tuple) and len(axis) == 1:
        axis = axis[0]
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise ValueError(f"{cls_name} works on the last axis in lstmkit (axis=-1), got "
                         f"axis={axis!r}.")
    return int(axis)


def _check_last_axis(layer, input_shape) -> None:
    cls_name = type(layer).__name__
    if layer.axis not in (-1, len(input_shape) - 1):
        raise ValueError(f"Layer {layer.name!r} ({cls_name}) works on the last axis in lstmkit "
                         f"(axis=-1, here {len(input_shape) - 1}), got axis={layer.axis}.")
    if len(input_shape) < 2 or input_shape[-1] is None:
        raise ValueError(f"Layer {layer.name!r} ({cls_name}) needs a known last dimension, "
                         f"got input_shape={input_shape[1:]}.")


def _positive(cls_name: str, name: str, value) -> float:
    if not validation.is_number(value) or value <= 0:
        raise ValueError(f"{cls_name} {name} must be a number > 0, got {value!r}.")
    return float(value)


def _normalize(x, mean, variance, epsilon: float, gamma=None, beta=None):
    """``(x - mean) / sqrt(variance + epsilon) * gamma + beta``, as Keras computes it."""
    inverse = lax.rsqrt(variance + epsilon)
    if gamma is not None:
        inverse = inverse * gamma
    shift = -mean * inverse + (0.0 if beta is None else beta)
    return x * inverse + shift


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
        self.axis = _last_axis("LayerNormalization", axis)
        self.epsilon = _positive("LayerNormalization", "epsilon", epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer)}

    def check_input_shape(self, input_shape):
        _check_last_axis(self, input_shape)

    def weight_shapes(self, input_shape):
        features = (input_shape[-1],)
        return {name: features for name, wanted in (("gamma", self.scale),
                                                    ("beta", self.center)) if wanted}

    def apply(self, params, x, state=None, *, training=False, key=None):
        mean = jnp.mean(x, axis=-1, keepdims=True)
        variance = jnp.mean(jnp.square(x - mean), axis=-1, keepdims=True)
        return _normalize(x, mean, variance, self.epsilon, params.get("gamma"),
                          params.get("beta")), state


class BatchNormalization(Layer):
    """Features normalized with the batch's statistics while training and with their
    moving averages otherwise, as Keras's layer does.

    While ``fit`` trains: ``(x - mean) / sqrt(var + epsilon) * gamma + beta``, with the
    mean and (biased) variance of each feature over every other axis: the batch's real
    samples (not the rows that pad a last, smaller batch) and, under a mask, its real
    timesteps. Each step then sets ``moving_mean = momentum * moving_mean + (1 - momentum)
    * mean``, and ``moving_variance`` likewise. Everywhere else (``evaluate``, ``predict``,
    validation, a frozen layer) the moving averages take the batch statistics' place.

    Weights, in Keras's order: ``gamma`` (with ``scale``), ``beta`` (with ``center``),
    ``moving_mean``, ``moving_variance``; the moving averages are non-trainable (the
    forward pass sets them, not the optimizer).
    """

    weight_names = ("gamma", "beta", "moving_mean", "moving_variance")
    non_trainable_names = ("moving_mean", "moving_variance")
    batch_statistics = True
    supports_masking = True
    takes_mask = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 **kwargs):
        super().__init__(**kwargs)
        self.axis = _last_axis("BatchNormalization", axis)
        self.epsilon = _positive("BatchNormalization", "epsilon", epsilon)
        if not validation.is_number(momentum) or not 0 <= momentum <= 1:
            raise ValueError(f"BatchNormalization momentum must be a number in [0, 1], got "
                             f"{momentum!r}.")
        self.momentum, self.center, self.scale = float(momentum), bool(center), bool(scale)
        for name, value in (("beta", beta_initializer), ("gamma", gamma_initializer),
                            ("moving_mean", moving_mean_initializer),
                            ("moving_variance", moving_variance_initializer)):
            setattr(self, f"{name}_initializer", initializers.get(value))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                **{f"{name}_initializer": initializers.serialize(
                    getattr(self, f"{name}_initializer")) for name in self.weight_names}}

    def check_input_shape(self, input_shape):
        _check_last_axis(self, input_shape)

    def weight_shapes(self, input_shape):
        features = (input_shape[-1],)
        wanted = {"gamma": self.scale, "beta": self.center, "moving_mean": True,
                  "moving_variance": True}
        return {name: features for name in self.weight_names if wanted[name]}

    def apply(self, params, x, state=None, *, training=False, key=None, mask=None, rows=None):
        """``rows`` (B,): 1.0 for the batch's real samples, 0.0 for padding rows. In
        training, the new moving averages come back as the state."""
        if not (training and self.trainable):  # Keras runs a frozen layer in inference mode
            return _normalize(x, params["moving_mean"], params["moving_variance"],
                              self.epsilon, params.get("gamma"), params.get("beta")), state
        mean, variance = _moments(x, _weights(x, mask, rows))
        m = self.momentum
        moving = {"moving_mean": params["moving_mean"] * m + mean * (1.0 - m),
                  "moving_variance": params["moving_variance"] * m + variance * (1.0 - m)}
        return _normalize(x, mean, variance, self.epsilon, params.get("gamma"),
                          params.get("beta")), moving

    def call_outputs(self, y, state):
        """A direct call with ``training=True`` moves the averages too, as in Keras."""
        if state is not None:
            self.params = {**self.params, **state}
        return super().call_outputs(y, state)


def _weights(x, mask, rows):
    """0/1 weights of x's positions (broadcastable to x without its feature axis), or
    ``None`` when every position counts."""
    weights = None
    if rows is not None:
        weights = rows.reshape(-1, *([1] * (x.ndim - 2)))
    if mask is not None:
        weights = mask.astype(x.dtype) if weights is None else weights * mask
    return weights


def _moments(x, weights):
    """Mean and biased variance of each feature (the last axis) over every other axis, each
    position weighed by ``weights`` (0 or 1)."""
    axes = tuple(range(x.ndim - 1))
    if weights is None:
        return jnp.mean(x, axis=axes), jnp.var(x, axis=axes)
    w = jnp.broadcast_to(weights, x.shape[:-1])[..., None]
    count = jnp.maximum(jnp.sum(w), 1.0)  # at least one real sample in any batch
    mean = jnp.sum(w * x, axis=axes) / count
    return mean, jnp.sum(w * jnp.square(x - mean), axis=axes) / count
