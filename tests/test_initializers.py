"""Initializers: Keras's definitions, names and seeds."""

import jax
import numpy as np
import pytest

from lstmkit import initializers

KEY = jax.random.key(0)


def test_glorot_uniform_limit():
    w = np.asarray(initializers.get("glorot_uniform")(KEY, (50, 200)))
    limit = np.sqrt(6 / (50 + 200))
    assert w.min() >= -limit and w.max() <= limit and w.max() > 0.9 * limit


def test_orthogonal_rows():
    w = np.asarray(initializers.Orthogonal(gain=2.0)(KEY, (8, 32)))  # (U, 4U), like an LSTM
    np.testing.assert_allclose(w @ w.T, 4.0 * np.eye(8), atol=1e-5)


@pytest.mark.parametrize("name, value", [("zeros", 0.0), ("ones", 1.0), ("Zeros", 0.0)])
def test_constant_names(name, value):
    np.testing.assert_array_equal(initializers.get(name)(KEY, (2, 3)), np.full((2, 3), value))


def test_constant_and_random_defaults():
    np.testing.assert_array_equal(initializers.Constant(0.03)(KEY, (4,)), np.full(4, 0.03,
                                                                                  "float32"))
    normal = np.asarray(initializers.RandomNormal()(KEY, (200, 200)))
    assert abs(normal.std() - 0.05) < 0.002
    uniform = np.asarray(initializers.get("random_uniform")(KEY, (200, 200)))
    assert uniform.min() >= -0.05 and uniform.max() <= 0.05


def test_seed_ignores_the_key():
    init = initializers.GlorotUniform(seed=3)
    np.testing.assert_array_equal(init(jax.random.key(1), (3, 4)), init(jax.random.key(2), (3, 4)))


def test_callable_passes_through():
    def mine(key, shape, dtype=None):
        return jax.numpy.full(shape, 7.0)

    assert initializers.get(mine) is mine
