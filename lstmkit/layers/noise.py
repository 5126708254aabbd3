"""GaussianNoise and GaussianDropout (Keras 2 path ``keras.layers.noise``): noise added or
multiplied while training, the identity otherwise."""

import math

import jax

from lstmkit import validation
from lstmkit.layers.base import Layer, check_rate


class GaussianNoise(Layer):
    """``x + normal(0, stddev)`` while training, a regularizer; ``x`` otherwise."""

    supports_masking = True

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not validation.is_number(stddev) or stddev < 0:
            raise ValueError(f"GaussianNoise stddev must be a number >= 0, got {stddev!r}.")
        self.stddev = float(stddev)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev}

    @property
    def uses_dropout(self) -> bool:
        return self.stddev > 0

    def apply(self, params, x, state=None, *, training=False, key=None):
        if not training or self.stddev == 0.0:
            return x, state
        return x + self.stddev * jax.random.normal(key, x.shape, x.dtype), state


class GaussianDropout(Layer):
    """``x * normal(1, sqrt(rate / (1 - rate)))`` while training; ``x`` otherwise."""

    supports_masking = True

    def __init__(self, rate, seed=None, **kwargs):
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
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return x * (1.0 + stddev * jax.random.normal(key, x.shape, x.dtype)), state
