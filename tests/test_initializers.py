"""Initializers: Keras's definitions, names, calling convention and seeds."""

import numpy as np
import pytest

from lstmkit import initializers
from lstmkit.layers import LSTM, Dense
from lstmkit.utils import set_random_seed

RNG = np.random.default_rng(0)


def test_glorot_uniform_limit():
    w = initializers.get("glorot_uniform")((50, 200), rng=RNG)
    limit = np.sqrt(6 / (50 + 200))
    assert w.dtype == np.float32
    assert w.min() >= -limit and w.max() <= limit and w.max() > 0.9 * limit


@pytest.mark.parametrize("name, variance", [
    ("glorot_normal", 2 / (60 + 140)), ("he_normal", 2 / 60), ("lecun_normal", 1 / 60),
    ("he_uniform", 2 / 60), ("lecun_uniform", 1 / 60)])
def test_variance_scaling_families(name, variance):
    """Keras's variance for fan-in 60 and fan-out 140; normals truncated at 2 stddev."""
    w = initializers.get(name)((60, 140), rng=RNG)
    assert w.var() == pytest.approx(variance, rel=0.05)
    if name.endswith("normal"):
        stddev = np.sqrt(variance) / 0.87962566103423978
        assert np.abs(w).max() <= 2 * stddev


@pytest.mark.parametrize("shape", [(8, 32), (32, 8), (2, 3, 4)])
def test_orthogonal(shape):
    w = initializers.Orthogonal(gain=2.0)(shape, rng=RNG).reshape(-1, shape[-1])
    if w.shape[0] <= w.shape[1]:  # (U, 4U), like an LSTM's recurrent kernel: rows orthogonal
        np.testing.assert_allclose(w @ w.T, 4.0 * np.eye(w.shape[0]), atol=1e-5)
    else:
        np.testing.assert_allclose(w.T @ w, 4.0 * np.eye(w.shape[1]), atol=1e-5)


@pytest.mark.parametrize("name, value", [("zeros", 0.0), ("ones", 1.0), ("Zeros", 0.0)])
def test_constant_names(name, value):
    np.testing.assert_array_equal(initializers.get(name)((2, 3)), np.full((2, 3), value))


def test_constant_and_random_defaults():
    np.testing.assert_array_equal(initializers.Constant(0.03)((4,)), np.full(4, 0.03, "float32"))
    normal = initializers.RandomNormal()((200, 200), rng=RNG)
    assert abs(normal.std() - 0.05) < 0.002
    uniform = initializers.get("random_uniform")((200, 200), rng=RNG)
    assert uniform.min() >= -0.05 and uniform.max() <= 0.05


def test_seed_ignores_the_generator():
    init = initializers.GlorotUniform(seed=3)
    np.testing.assert_array_equal(init((3, 4), rng=np.random.default_rng(1)),
                                  init((3, 4), rng=np.random.default_rng(2)))


def test_called_as_keras_calls_them_without_a_generator():
    set_random_seed(4)
    first = initializers.GlorotUniform()((3, 4), "float64")
    set_random_seed(4)
    np.testing.assert_array_equal(initializers.GlorotUniform()((3, 4), "float64"), first)
    assert first.dtype == np.float64


def test_a_keras_style_callable_initializes_a_layer():
    def mine(shape, dtype=None):
        return np.full(shape, 7.0)

    assert initializers.get(mine) is mine
    layer = Dense(3, kernel_initializer=mine)
    layer.build((None, 2))
    np.testing.assert_array_equal(layer.get_weights()[0], np.full((2, 3), 7.0))


def test_building_compiles_nothing(monkeypatch):
    """Weights are drawn on the host: building a model never calls jax.jit."""
    import jax

    def no_jit(*args, **kwargs):
        raise AssertionError("building called jax.jit")

    monkeypatch.setattr(jax, "jit", no_jit)
    LSTM(4).build((None, 3, 2))
    Dense(2).build((None, 4))
