"""Optimizers: Keras defaults and Keras 2 spellings, built from optax."""

import jax.numpy as jnp
import numpy as np
import optax
import pytest

from lstmkit import optimizers
from lstmkit.layers import Dense
from lstmkit.models import Sequential


def updates(optimizer, grads, steps=1):
    tx = optimizer.transformation()
    params = {"w": jnp.zeros_like(grads)}
    state = tx.init(params)
    for _ in range(steps):
        u, state = tx.update({"w": grads}, state, params)
        params = optax.apply_updates(params, u)
    return np.asarray(params["w"])


@pytest.mark.parametrize("name, cls, lr", [
    ("sgd", optimizers.SGD, 0.01), ("adam", optimizers.Adam, 0.001),
    ("rmsprop", optimizers.RMSprop, 0.001), ("adagrad", optimizers.Adagrad, 0.001),
    ("adadelta", optimizers.Adadelta, 0.001), ("adamax", optimizers.Adamax, 0.001),
    ("nadam", optimizers.Nadam, 0.001),
])
def test_names_give_keras_defaults(name, cls, lr):
    opt = optimizers.get(name)
    assert isinstance(opt, cls) and opt.learning_rate == lr
    assert np.all(np.isfinite(updates(opt, jnp.ones(3))))


def test_keras2_lr_alias_and_momentum():
    opt = optimizers.SGD(lr=0.1, momentum=0.3)
    assert opt.learning_rate == 0.1 and opt.momentum == 0.3
    # v1 = -0.1 * g; v2 = 0.3 * v1 - 0.1 * g: the weight moves -0.1 - 0.13 for g = 1.
    np.testing.assert_allclose(updates(opt, jnp.ones(1), steps=2), [-0.23], rtol=1e-6)


def test_keras2_decay():
    opt = optimizers.SGD(lr=0.1, decay=1.0)
    # step 0 at lr 0.1, step 1 at 0.1 / 2
    np.testing.assert_allclose(updates(opt, jnp.ones(1), steps=2), [-0.15], rtol=1e-6)


def test_clipnorm_clips_each_weight_by_its_own_norm():
    tx = optimizers.SGD(learning_rate=1.0, clipnorm=1.0).transformation()
    grads = {"a": jnp.array([3.0, 4.0]), "b": jnp.array([0.3, 0.4])}
    u, _ = tx.update(grads, tx.init(grads))
    np.testing.assert_allclose(u["a"], [-0.6, -0.8], rtol=1e-6)
    np.testing.assert_allclose(u["b"], [-0.3, -0.4], rtol=1e-6)


def test_global_clipnorm_and_clipvalue():
    grads = {"a": jnp.array([3.0, 4.0]), "b": jnp.array([0.0])}
    tx = optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0).transformation()
    np.testing.assert_allclose(tx.update(grads, tx.init(grads))[0]["a"], [-0.6, -0.8], rtol=1e-6)
    tx = optimizers.SGD(learning_rate=1.0, clipvalue=0.5).transformation()
    np.testing.assert_allclose(tx.update(grads, tx.init(grads))[0]["a"], [-0.5, -0.5])


def test_raw_optax_transformation_trains():
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer=optax.sgd(0.1), loss="mse")
    x = np.random.default_rng(0).normal(size=(64, 2))
    y = x @ np.array([1.0, -2.0])
    history = model.fit(x, y, epochs=30, batch_size=64, verbose=0)
    assert history.history["loss"][-1] < 0.05 * history.history["loss"][0]
