"""Weight initializers by Keras name and class, with Keras 3's definitions.

An initializer is a callable ``init(key, shape, dtype=float32) -> array`` (the
``jax.nn.initializers`` convention: randomness is an explicit key). Classes take Keras's
arguments, including ``seed``: a seeded initializer ignores the key it is given, so it
draws the same values every time, as a seeded Keras initializer does.
"""

import inspect
from collections.abc import Callable

import jax
import jax.numpy as jnp

from lstmkit.registry import lookup, snake_case

Initializer = Callable[..., jax.Array]


class _Seeded:
    """Base of the random initializers: applies ``seed`` and names the class in ``repr``."""

    def __init__(self, seed: int | None = None):
        self.seed = seed

    def __call__(self, key: jax.Array, shape, dtype=jnp.float32) -> jax.Array:
        if self.seed is not None:
            key = jax.random.key(self.seed)
        return self.sample(key, tuple(shape), dtype)

    def sample(self, key, shape, dtype):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Constant(_Seeded):
    """Every entry equals ``value``."""

    def __init__(self, value: float = 0.0):
        super().__init__()
        self.value = value

    def sample(self, key, shape, dtype):
        return jnp.full(shape, self.value, dtype)


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

    def sample(self, key, shape, dtype):
        return self.mean + self.stddev * jax.random.normal(key, shape, dtype)


class RandomUniform(_Seeded):
    """Uniform on ``[minval, maxval)`` with Keras's defaults ``-0.05, 0.05``."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def sample(self, key, shape, dtype):
        return jax.random.uniform(key, shape, dtype, self.minval, self.maxval)


class _VarianceScaling(_Seeded):
    """Scale by fan-in/fan-out, as Keras's Glorot, He and LeCun families do."""

    scale, mode, distribution = 1.0, "fan_avg", "uniform"

    def sample(self, key, shape, dtype):
        init = jax.nn.initializers.variance_scaling(self.scale, self.mode, self.distribution)
        return init(key, shape, dtype)


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

    def sample(self, key, shape, dtype):
        return jax.nn.initializers.orthogonal(self.gain)(key, shape, dtype)


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
}


def get(identifier: str | dict | Initializer) -> Initializer:
    """Resolve an initializer name to a fresh instance, or pass a callable through.

    Keras's class names (``'GlorotUniform'``) are accepted as well as snake-case names,
    and so is a config ``{"class_name": ..., "config": {...}}`` from ``serialize``.
    """
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return lookup("initializer", snake_case(identifier), _INITIALIZERS)()
    return lookup("initializer", identifier, _INITIALIZERS)


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
    """The initializer ``serialize`` describes.

    Raises:
        ValueError: an unknown class name (the message lists the valid names).
        TypeError: ``config`` is not ``{"class_name": str, "config": dict}`` or names an
            argument the class does not take.
    """
    class_name, arguments = config.get("class_name"), config.get("config", {})
    if not isinstance(class_name, str) or not isinstance(arguments, dict):
        raise TypeError(f"An initializer config is {{'class_name': str, 'config': dict}}, got "
                        f"{config!r}.")
    return lookup("initializer", snake_case(class_name), _INITIALIZERS)(**arguments)
