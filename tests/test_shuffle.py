"""The order of the samples in each epoch: exact permutations, and the Feistel one for
large data sets."""

import jax
import numpy as np
import pytest

from lstmkit import shuffle


@pytest.mark.parametrize("n", [2, 3, 1000, 1024, 1025, 4097])
def test_feistel_permutation_visits_every_sample_once(n):
    order = np.asarray(shuffle.feistel_permutation(jax.random.key(1), n))
    assert order.dtype == np.int32
    np.testing.assert_array_equal(np.sort(order), np.arange(n))


def test_feistel_permutation_depends_on_the_key_and_only_on_it():
    n = 5000
    a, b = (np.asarray(shuffle.feistel_permutation(jax.random.key(k), n)) for k in (1, 2))
    np.testing.assert_array_equal(a, shuffle.feistel_permutation(jax.random.key(1), n))
    assert np.mean(a == b) < 0.01  # two keys agree on about 1 position in n
    # well mixed: neighbours land far apart, and position says nothing about the sample
    assert np.median(np.abs(np.diff(a))) > n / 10
    assert abs(np.corrcoef(np.arange(n), a)[0, 1]) < 0.05


def test_large_data_sets_use_the_memory_light_order():
    n = shuffle.EXACT_LIMIT + 12_345
    order = np.asarray(shuffle.shuffled_order(jax.random.key(0), n))
    np.testing.assert_array_equal(np.sort(order), np.arange(n))
    small = shuffle.shuffled_order(jax.random.key(0), 100)
    np.testing.assert_array_equal(small, jax.random.permutation(jax.random.key(0), 100))
