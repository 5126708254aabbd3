"""Where lstmkit's randomness comes from: one stream of seeds, for models' training keys
(shuffles and dropout masks, ``lstmkit.epoch_draws``), explicit JAX keys (a layer called
on arrays with ``training=True``) and NumPy generators (initial weights).

After ``set_random_seed(n)`` the seeds come from ``(n, counter)``, so the same program
gives the same weights, shuffles and dropout masks, bit for bit. Without it, each seed
is drawn from NumPy's global generator, so the tutorials' ``np.random.seed(7)`` also
makes lstmkit reproducible.
"""

import random

import jax
import numpy as np

_seed: int | None = None
_counter = 0


def set_random_seed(seed: int) -> None:
    """Seed lstmkit, NumPy's and Python's global generators (as Keras's function does)."""
    global _seed, _counter
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}: {seed!r}.")
    _seed, _counter = int(seed), 0
    np.random.seed(_seed % 2**32)
    random.seed(_seed)


def next_key() -> jax.Array:
    """A fresh PRNG key for one consumer (a layer called on arrays with ``training=True``)."""
    return jax.random.key(next_seed())


def next_generator() -> np.random.Generator:
    """A fresh NumPy generator for one consumer (a layer's initial weights)."""
    return np.random.default_rng(next_seed())


def next_seed() -> int:
    """The next seed of the stream (a non-negative 31-bit int)."""
    global _counter
    if _seed is None:
        return int(np.random.randint(0, 2**31 - 1))
    _counter += 1
    return int(np.random.SeedSequence([_seed, _counter]).generate_state(1)[0] % 2**31)
