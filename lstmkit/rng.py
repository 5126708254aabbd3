"""Where lstmkit's randomness comes from: explicit JAX keys, drawn from one source.

After ``set_random_seed(n)`` keys come from a counter folded into ``key(n)``, so the same
program gives the same weights, shuffles and dropout masks, bit for bit. Without it, each
key is seeded from NumPy's global generator, so the tutorials' ``np.random.seed(7)`` also
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
    """A fresh PRNG key for one consumer (a layer's weights, a model's training run)."""
    global _counter
    if _seed is None:
        return jax.random.key(int(np.random.randint(0, 2**31 - 1)))
    _counter += 1
    return jax.random.fold_in(jax.random.key(_seed), _counter)
