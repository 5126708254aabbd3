"""Weight initializers by Keras name and class, with Keras 3's definitions.

An initializer is called as Keras calls one, ``init(shape, dtype=None)``, and returns a
NumPy array. Weights are drawn on the host with NumPy, so building a model compiles
nothing; lstmkit's own initializers also take ``rng``, the ``numpy.random.Generator`` a
layer draws its weights from (``lstmkit.rng`` seeds it). Classes take Keras's arguments,
including ``seed``: a seeded initializer ignores ``rng`` and draws the same values every
time, as a seeded Keras initializer does.
"""

import inspect
import math
from collections.abc import Callable

import numpy as np

from lstmkit import rng as rng_lib
from lstmkit.registry import from_config, lookup, snake_case

Initializer = Callable[..., np.ndarray]


class _Seeded:
    """Base of the initializers: applies ``seed`` and names the class in ``repr``."""

    def __init__(self, seed: int | None = None):
        self.seed = seed

    def __call__(self, shape, dtype=None, rng: np.random.Generator | None = None):
        if self.seed is not None:
            rng = np.random.default_rng(self.seed)
        elif rng is None:
            rng = rng_lib.next_generator()
        return np.asarray(self.sample(rng, tuple(shape)), dtype or np.float32)

    def sample(self, rng: np.random.Generator, shape: tuple) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Constant(_Seeded):
    """Every entry equals ``value``."""

    def __init__(self, value: float = 0.0):
        super().__init__()
        self.value = value

    def sample(self, rng, shape):
        return np.full(shape, self.value)


class Zeros(Constant):
    """All zeros (Keras's default bias)."""

    def __init__(self):
        super().__init__(0.0)


class Ones(Constant):
    """All ones."""

    def __init__(self):
        super().__init__(1.0)


class RandomNormal(_Seeded):
    """Normal with Keras's defaults ``mean=0``, ``stddev=0.05``."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def sample(self, rng, shape):
        return rng.normal(self.mean, self.stddev, shape)


class RandomUniform(_Seeded):
    """Uniform on ``[minval, maxval)`` with Keras's defaults ``-0.05, 0.05``."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def sample(self, rng, shape):
        return rng.uniform(self.minval, self.maxval, shape)


def fans(shape: tuple) -> tuple[int, int]:
    """Keras's fan-in and fan-out: the last two axes, times the receptive field."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def truncated_normal(rng: np.random.Generator, stddev: float, shape) -> np.ndarray:
    """Normal samples redrawn until within two standard deviations, as Keras truncates."""
    values = rng.normal(0.0, 1.0, shape)
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = rng.normal(0.0, 1.0, int(outside.sum()))
        outside = np.abs(values) > 2
    return stddev * values


class _VarianceScaling(_Seeded):
    """Scale by fan-in/fan-out, as Keras's Glorot, He and LeCun families do."""

    scale, mode, distribution = 1.0, "fan_avg", "uniform"

    def sample(self, rng, shape):
        fan_in, fan_out = fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
        variance = self.scale / max(1.0, fan[self.mode])
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, shape)
        # the standard deviation of a unit normal truncated at +-2, as Keras corrects it
        return truncated_normal(rng, math.sqrt(variance) / 0.87962566103423978, shape)


class GlorotUniform(_VarianceScaling):
    """Uniform on ``+-sqrt(6 / (fan_in + fan_out))``: Keras's default kernel."""


class GlorotNormal(_VarianceScaling):
    distribution = "truncated_normal"


class HeUniform(_VarianceScaling):
    scale, mode = 2.0, "fan_in"


class HeNormal(_VarianceScaling):
    scale, mode, distribution = 2.0, "fan_in", "truncated_normal"


class LecunUniform(_VarianceScaling):
    mode = "fan_in"


class LecunNormal(_VarianceScaling):
    mode, distribution = "fan_in", "truncated_normal"


class Orthogonal(_Seeded):
    """A (semi-)orthogonal matrix times ``gain``: Keras's default recurrent kernel."""

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        super().__init__(seed)
        self.gain = gain

    def sample(self, rng, shape):
        rows, cols = math.prod(shape[:-1]), shape[-1]
        q, r = np.linalg.qr(rng.normal(size=(max(rows, cols), min(rows, cols))))
        q = q * np.sign(np.diag(r))  # makes the decomposition unique (uniformly distributed)
        if rows < cols:
            q = q.T
        return self.gain * q.reshape(shape)


_INITIALIZERS: dict[str, type] = {
    "zeros": Zeros,
    "ones": Ones,
    "constant": Constant,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "he_normal": HeNormal,
    "lecun_uniform": LecunUniform,
    "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal,
    "uniform": RandomUniform,  # Keras's short names, Embedding's default among them
    "normal": RandomNormal,
}


# Keras's lower-case names of the classes (Keras 2's functions)
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, orthogonal = RandomNormal, RandomUniform, Orthogonal
glorot_uniform, glorot_normal, he_uniform, he_normal = (GlorotUniform, GlorotNormal, HeUniform,
                                                        HeNormal)
lecun_uniform, lecun_normal = LecunUniform, LecunNormal


def get(identifier: str | dict | Initializer) -> Initializer:
    """Resolve an initializer name to a fresh instance, or pass a callable through.

    Keras's class names (``'GlorotUniform'``) are accepted as well as snake-case names,
    and so is a config ``{"class_name": ..., "config": {...}}`` from ``serialize``.
    """
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, _Seeded):
        return identifier()  # a class given uncalled, as Keras takes one
    if isinstance(identifier, str):
        return lookup("initializer", snake_case(identifier), _INITIALIZERS)()
    return lookup("initializer", identifier, _INITIALIZERS)


def draw(initializer: Initializer, shape: tuple, rng: np.random.Generator) -> np.ndarray:
    """``shape`` float32 weights from ``initializer``: lstmkit's own draw from ``rng``; any
    other callable is called as Keras calls an initializer, ``initializer(shape, dtype)``."""
    if isinstance(initializer, _Seeded):
        return initializer(shape, np.float32, rng=rng)
    return np.asarray(initializer(shape, "float32"), np.float32)


def serialize(initializer: Initializer):
    """Keras's config form ``{"class_name": "Orthogonal", "config": {"gain": 1.0, ...}}`` of
    a built-in initializer (its constructor arguments); a custom callable is returned as
    itself, which a model file cannot hold."""
    if type(initializer) not in _INITIALIZERS.values():
        return initializer
    params = inspect.signature(type(initializer)).parameters
    return {"class_name": type(initializer).__name__,
            "config": {name: getattr(initializer, name) for name in params}}


def deserialize(config: dict) -> Initializer:
    """The initializer ``serialize`` describes (errors: ``registry.from_config``)."""
    return from_config("initializer", config, _INITIALIZERS, name=snake_case)
