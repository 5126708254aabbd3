"""The randomness of each training epoch, drawn on the host: the order of the samples
(``shuffle=True``) and the key of the epoch's dropout masks.

A model's training randomness is one key of two 32-bit words (saved in model files).
Each epoch turns it into the epoch's permutation, its dropout key and the next key with
NumPy (``SeedSequence``), one epoch after another, so the draws do not depend on how
many epochs one program call runs. The compiled programs then hold no random-number
generation at all for a model without dropout: ``jax.random.permutation``'s sort and
the threefry key splits had been half of the compile time of a small model's first
``fit``, against microseconds per epoch on the host.

One call's orders take ``capacity * n`` int32s; ``capacity`` (epochs per call) keeps
them under ``ORDER_BUDGET`` (16 MB), down to one epoch per call for very large data
sets (10 million windows: a 40 MB order, where the windows would take 4 GB).
"""

from typing import NamedTuple

import numpy as np

ORDER_BUDGET = 2**22  # int32 entries of one call's orders


class Draws(NamedTuple):
    """One program call's draws, a row per epoch (rows past the epochs run are unused)."""

    orders: np.ndarray | None  # (capacity, n) int32 permutations; None without shuffle
    keys: np.ndarray | None  # (capacity, 2) uint32 dropout key data; None without dropout


def key_words(seed: int) -> np.ndarray:
    """The training key of a seed, laid out as ``jax.random.key(seed)``'s data."""
    return np.array([0, seed], np.uint32)


def capacity(n: int, shuffle: bool, limit: int) -> int:
    """How many epochs' draws one call can take for n samples: at most ``limit``."""
    return max(1, min(limit, ORDER_BUDGET // max(n, 1))) if shuffle else limit


def draw(key: np.ndarray, count: int, capacity: int, n: int, *, shuffle: bool,
         dropout: bool) -> tuple[np.ndarray, Draws]:
    """The draws of the next ``count`` epochs, and the key after them."""
    orders = np.zeros((capacity, n), np.int32) if shuffle else None
    keys = np.zeros((capacity, 2), np.uint32) if dropout else None
    for epoch in range(count):
        seq, key, epoch_key = _step(key)
        if keys is not None:
            keys[epoch] = epoch_key
        if orders is not None:
            order = orders[epoch]
            order[:] = np.arange(n, dtype=np.int32)
            np.random.default_rng(seq.spawn(1)[0]).shuffle(order)
    return key, Draws(orders, keys)


def advance(key: np.ndarray, count: int) -> np.ndarray:
    """The key after ``count`` epochs (what ``draw`` returns), without drawing them."""
    for _ in range(count):
        _, key, _ = _step(key)
    return key


def _step(key: np.ndarray):
    """One epoch's seed sequence, the next key and the epoch's dropout key."""
    seq = np.random.SeedSequence(key.tolist())
    next_key, epoch_key = seq.generate_state(4).reshape(2, 2)
    return seq, next_key, epoch_key
