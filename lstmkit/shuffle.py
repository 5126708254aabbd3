"""The random order of the samples in each epoch of ``fit``.

Up to ``EXACT_LIMIT`` samples it is a uniformly random permutation
(``jax.random.permutation``, a sort of random keys). Above, XLA's sort would take about
50 bytes per sample (half a gigabyte for the 10 million windows of a long series), so the
order is a keyed pseudo-random permutation computed elementwise instead: a 4-round
Feistel network over the smallest even number of bits that covers the samples, with
cycle walking to stay inside ``range(n)``, the construction of format-preserving
encryption. It is a bijection for every key, so each epoch still visits every sample
exactly once.
"""

import jax
import jax.numpy as jnp
from jax import lax

EXACT_LIMIT = 2**20
ROUNDS = 4


def shuffled_order(key: jax.Array, n: int) -> jax.Array:
    """A random order of ``range(n)`` (int32), different for every key."""
    if n <= EXACT_LIMIT:
        return jax.random.permutation(key, n)
    return feistel_permutation(key, n)


def feistel_permutation(key: jax.Array, n: int) -> jax.Array:
    """``range(n)`` permuted by a keyed Feistel network with cycle walking (int32)."""
    half = (max(n - 1, 1).bit_length() + 1) // 2  # 2 * half bits cover range(n)
    mask = jnp.uint32((1 << half) - 1)
    round_keys = jax.random.bits(key, (ROUNDS,), jnp.uint32)

    def encrypt(i):
        left, right = i >> half, i & mask
        for r in range(ROUNDS):
            left, right = right, left ^ (_mix(right ^ round_keys[r]) & mask)
        return (left << half) | right

    def walk(i):  # re-encrypt what fell outside range(n): a bijection on range(n)
        return jnp.where(i >= n, encrypt(i), i)

    start = encrypt(jnp.arange(n, dtype=jnp.uint32))
    return lax.while_loop(lambda i: jnp.any(i >= n), walk, start).astype(jnp.int32)


def _mix(x: jax.Array) -> jax.Array:
    """A 32-bit integer hash (MurmurHash3's finalizer): each input bit flips half the output."""
    x = x ^ (x >> 16)
    x = x * jnp.uint32(0x85EBCA6B)
    x = x ^ (x >> 13)
    x = x * jnp.uint32(0xC2B2AE35)
    return x ^ (x >> 16)
