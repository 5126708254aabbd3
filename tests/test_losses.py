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


# ----- Keras's loss and metric classes (their values against Keras: test_keras_parity) --
def test_loss_objects_train_on_their_per_sample_values():
    huber = losses.Huber(delta=0.5)
    np.testing.assert_allclose(losses.get(huber)(Y_TRUE, Y_PRED),
                               losses.huber(Y_TRUE, Y_PRED, 0.5), rtol=1e-6)
    assert losses.name(losses.SparseCategoricalCrossentropy(name="xe")) == (
        "sparse_categorical_crossentropy")
    np.testing.assert_allclose(float(huber(Y_TRUE, Y_PRED)),
                               float(losses.huber(Y_TRUE, Y_PRED, 0.5).mean()), rtol=1e-6)


def test_logits_give_the_crossentropy_of_their_probabilities():
    logits = np.log(PROBS)
    np.testing.assert_allclose(
        losses.get(losses.CategoricalCrossentropy(from_logits=True))(ONE_HOT, logits),
        losses.categorical_crossentropy(ONE_HOT, PROBS), rtol=1e-5)
    np.testing.assert_allclose(
        losses.get(losses.SparseCategoricalCrossentropy(from_logits=True))(LABELS, logits),
        losses.sparse_categorical_crossentropy(LABELS, PROBS), rtol=1e-5)
    z = np.array([[-30.0, 0.0, 30.0]], "float32")  # saturated sigmoids stay finite
    assert np.isfinite(losses.binary_crossentropy_from_logits(np.ones_like(z), z)).all()


@pytest.mark.parametrize("make, error, match", [
    (lambda: losses.MeanSquaredError(reduction="sum"), ValueError,
     "takes reduction='sum_over_batch_size' .* got 'sum'"),
    (lambda: losses.Huber(delta=0), ValueError, "Huber delta must be a number > 0, got 0"),
    (lambda: losses.BinaryCrossentropy(from_logits="yes"), TypeError,
     "from_logits must be True or False, got 'yes'"),
    (lambda: losses.CategoricalCrossentropy(label_smoothing=1.5), ValueError,
     r"label_smoothing must be a number in \[0, 1\], got 1.5"),
    (lambda: losses.MeanAbsoluteError(name=3), TypeError, "name must be a string, got 3"),
    (lambda: metrics.BinaryAccuracy(threshold="half"), ValueError,
     "BinaryAccuracy threshold must be a number, got 'half'"),
    (lambda: metrics.RootMeanSquaredError(name=["rmse"]), TypeError,
     "name must be a string"),
])
def test_bad_loss_and_metric_settings(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_classes_without_parentheses_are_instances_as_in_keras():
    from lstmkit.layers import Dense
    from lstmkit.models import Sequential

    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile("sgd", losses.MeanSquaredError, metrics=[metrics.RootMeanSquaredError])
    assert isinstance(model.loss, losses.MeanSquaredError)
    assert model.metrics_names == ["loss", "root_mean_squared_error"]
    x = np.ones((4, 2), "float32")
    loss, rmse = model.evaluate(x, x[:, :1], verbose=0)
    np.testing.assert_allclose(rmse, np.sqrt(loss), rtol=1e-5)


def test_metric_object_names_the_history_key():
    rmse = metrics.RootMeanSquaredError(name="rmse")
    resolved = metrics.get(rmse, loss_name="mse", y_true_shape=(6, 3), output_shape=(None, 3))
    assert resolved.name == metrics.name(rmse) == "rmse"
    assert float(resolved.finalize(4.0)) == 2.0
    assert metrics.rises("root_mean_squared_error") is False
    assert metrics.rises("binary_accuracy") is True
