"""Losses and metrics against direct NumPy formulas."""

import numpy as np
import pytest

from lstmkit import losses, metrics

rng = np.random.default_rng(0)
Y_TRUE = rng.uniform(0.1, 2, size=(6, 3)).astype("float32")
Y_PRED = rng.uniform(0.1, 2, size=(6, 3)).astype("float32")
PROBS = rng.dirichlet(np.ones(4), size=6).astype("float32")
LABELS = np.array([0, 3, 1, 2, 2, 0])
ONE_HOT = np.eye(4, dtype="float32")[LABELS]


@pytest.mark.parametrize("name, formula", [
    ("mse", lambda t, p: ((t - p) ** 2).mean(-1)),
    ("mae", lambda t, p: abs(t - p).mean(-1)),
    ("mape", lambda t, p: 100 * (abs(t - p) / abs(t)).mean(-1)),
    ("msle", lambda t, p: ((np.log1p(p) - np.log1p(t)) ** 2).mean(-1)),
    ("huber", lambda t, p: np.where(abs(t - p) <= 1, 0.5 * (t - p) ** 2,
                                    abs(t - p) - 0.5).mean(-1)),
])
def test_regression_losses(name, formula):
    np.testing.assert_allclose(losses.get(name)(Y_TRUE, Y_PRED), formula(Y_TRUE, Y_PRED),
                               rtol=1e-5)


def test_crossentropies():
    np.testing.assert_allclose(losses.categorical_crossentropy(ONE_HOT, PROBS),
                               -np.log(PROBS[np.arange(6), LABELS]), rtol=1e-5)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(LABELS, PROBS),
                               losses.categorical_crossentropy(ONE_HOT, PROBS), rtol=1e-6)
    p, t = PROBS[:, :1], (LABELS[:, None] > 1).astype("float32")
    np.testing.assert_allclose(losses.binary_crossentropy(t, p),
                               -(t * np.log(p) + (1 - t) * np.log(1 - p))[:, 0], rtol=1e-5)


def test_crossentropy_is_finite_at_certainty():
    assert np.isfinite(losses.categorical_crossentropy(ONE_HOT, np.eye(4)[[1, 0, 0, 0, 0, 1]]))\
        .all()
    assert np.isfinite(losses.binary_crossentropy(np.ones((2, 1)), np.zeros((2, 1)))).all()


@pytest.mark.parametrize("loss, y_true_shape, output_shape, expected", [
    ("binary_crossentropy", (5, 1), (None, 1), metrics.binary_accuracy),
    ("mse", (5, 1), (None, 1), metrics.binary_accuracy),
    ("categorical_crossentropy", (5, 4), (None, 4), metrics.categorical_accuracy),
    ("sparse_categorical_crossentropy", (5,), (None, 4), metrics.sparse_categorical_accuracy),
])
def test_accuracy_resolution(loss, y_true_shape, output_shape, expected):
    for name in ("accuracy", "acc"):
        m = metrics.get(name, loss_name=loss, y_true_shape=y_true_shape,
                        output_shape=output_shape)
        assert m.fn is expected and m.name == name


def test_accuracies():
    np.testing.assert_allclose(metrics.categorical_accuracy(ONE_HOT, PROBS),
                               PROBS.argmax(-1) == LABELS)
    np.testing.assert_allclose(metrics.sparse_categorical_accuracy(LABELS[:, None], PROBS),
                               PROBS.argmax(-1) == LABELS)
    np.testing.assert_allclose(metrics.binary_accuracy(np.array([[1.0], [0.0]]),
                                                       np.array([[0.7], [0.6]])), [1.0, 0.0])
