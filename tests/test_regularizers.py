"""Weight regularizers (the penalty in training, in the logged and evaluated loss) and
weight constraints (the projection after each step), in training and in model files,
against Keras 3 (the oracle)."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lstmkit  # noqa: E402
from lstmkit import constraints, regularizers  # noqa: E402
from lstmkit.layers import LSTM, Dense  # noqa: E402
from lstmkit.models import Sequential, load_model  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras")
T, F = 6, 3


def layers(L, R, frozen=False):
    """A model whose every kind of weight is regularized, with Keras's or lstmkit's
    layers (L) and regularizers (R)."""
    return [L.Bidirectional(L.LSTM(4, return_sequences=True, kernel_regularizer=R.L2(0.02),
                                   recurrent_regularizer=R.L1(0.01))),
            L.LSTM(3, bias_regularizer=R.L1L2(0.01, 0.03), trainable=not frozen),
            L.Dense(2, kernel_regularizer="l2", bias_regularizer="l1")]


@pytest.mark.parametrize("frozen", [False, True], ids=["trainable", "frozen_layer"])
def test_training_and_the_reported_loss_match_keras(frozen):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(20, T, F)).astype("float32")
    y = rng.normal(size=(20, 2)).astype("float32")
    keras.utils.set_random_seed(5)
    km = keras.Sequential([keras.Input((T, F)), *layers(keras.layers, keras.regularizers,
                                                        frozen)])
    lk = Sequential(layers(lstmkit.layers, regularizers, frozen))
    lk.build((None, T, F))
    km.set_weights([w + rng.normal(0, 0.3, w.shape).astype("float32")
                    for w in km.get_weights()])  # biases that are not 0
    lk.set_weights(km.get_weights())
    for api, model in ((keras, km), (lstmkit, lk)):
        model.compile(api.optimizers.Adam(0.02), "mse", metrics=["mae"])
    fit = dict(batch_size=6, epochs=3, shuffle=False, verbose=0, validation_split=0.25)
    want, got = km.fit(x, y, **fit).history, lk.fit(x, y, **fit).history
    for name in ("loss", "val_loss", "mae", "val_mae"):
        np.testing.assert_allclose(got[name], want[name], rtol=2e-5, err_msg=name)
    for g, w in zip(lk.get_weights(), km.get_weights(), strict=True):
        np.testing.assert_allclose(g, w, atol=1e-5)
    np.testing.assert_allclose(lk.evaluate(x, y, verbose=0), km.evaluate(x, y, verbose=0),
                               rtol=2e-5)
    kernel, bias = lk.layers[-1].get_weights()
    dense_penalty = 0.01 * np.sum(kernel ** 2) + 0.01 * np.sum(np.abs(bias))
    assert lk.evaluate(x, y, verbose=0)[0] > dense_penalty > 0.01  # in the reported loss


def test_names_classes_and_functions():
    w = np.array([[1.0, -2.0], [3.0, 0.5]], "float32")
    assert float(regularizers.get("l2")(w)) == pytest.approx(0.01 * 14.25)
    assert float(regularizers.get("l1")(w)) == pytest.approx(0.01 * 6.5)
    assert float(regularizers.get("l1_l2")(w)) == 0.0  # Keras 3's L1L2(): zeros
    assert float(regularizers.l1_l2(l1=0.1)(w)) == pytest.approx(0.65)
    for given in (regularizers.L2, regularizers.l2, "L2", {"class_name": "L2", "config": {}}):
        assert float(regularizers.get(given)(w)) == pytest.approx(0.1425)  # as Keras 3
    assert regularizers.L2(None).l2 == 0.01 and regularizers.L1L2(l1=None).l1 == 0.0
    for name, kwargs in (("L1", {"l1": 0.2}), ("L2", {"l2": 0.3}), ("L1L2", {"l1": 0.1,
                                                                           "l2": 0.2})):
        ours = getattr(regularizers, name)(**kwargs)
        theirs = getattr(keras.regularizers, name)(**kwargs)
        assert float(ours(w)) == pytest.approx(float(keras.ops.convert_to_numpy(theirs(w))))


def test_saved_with_the_model_and_refused_when_custom(tmp_path):
    model = Sequential([LSTM(3, input_shape=(T, F), kernel_regularizer=regularizers.l2(0.05)),
                        Dense(1)])
    model.compile("adam", "mse")
    x, y = np.ones((4, T, F), "float32"), np.ones((4, 1), "float32")
    model.save(tmp_path / "m.lstmkit")
    loaded = load_model(tmp_path / "m.lstmkit")
    assert repr(loaded.layers[0].regularizers["kernel"]) == "L2(l2=0.05)"
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
    custom = Sequential([Dense(1, input_shape=(2,), kernel_regularizer=lambda w: abs(w))])
    custom.compile("sgd", "mse")
    custom.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)  # trains, the array summed
    with pytest.raises(ValueError, match=r"Cannot save layer 'dense.*' setting "
                                         r"'kernel_regularizer': it is the function"):
        custom.save(tmp_path / "c.lstmkit")


@pytest.mark.parametrize("make, error, match", [
    (lambda: LSTM(3, kernel_regularize="l2"), TypeError,
     r"LSTM got unexpected arguments \['kernel_regularize'\]; its weights' regularizers and "
     r"constraints are \['bias_constraint', 'bias_regularizer', 'kernel_constraint', "
     r"'kernel_regularizer', 'recurrent_constraint', 'recurrent_regularizer'\]"),
    (lambda: Dense(3, activity_regularizer="l2"), ValueError,
     r"lstmkit has no activity_regularizer"),
    (lambda: Dense(3, kernel_regularizer="l3"), ValueError, r"Unknown regularizer 'l3'"),
    (lambda: regularizers.L2(-1), ValueError, r"factor l2 must be a number >= 0, got -1"),
    (lambda: Dense(3, kernel_initialiser="ones"), TypeError,
     r"Dense\(\) got an unexpected keyword argument 'kernel_initialiser'"),
    (lambda: Dense(3, dtype="float16"), ValueError, r"lstmkit computes in float32"),
    (lambda: Sequential([LSTM(3, input_shape=(T, F),
                              kernel_constraint=constraints.MaxNorm(axis=2))]), ValueError,
     r"kernel_constraint=MaxNorm\(max_value=2, axis=2\) does not fit its weight 'kernel' of "
     r"shape \(3, 12\)"),
])
def test_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def constrained(L, C):
    return [L.Bidirectional(L.LSTM(4, return_sequences=True, kernel_constraint=C.UnitNorm(),
                                   recurrent_constraint=C.NonNeg())),
            L.LSTM(3, bias_constraint=C.MinMaxNorm(0.1, 0.5, rate=0.5)),
            L.Dense(2, kernel_constraint=C.MaxNorm(0.5, axis=[0, 1]),
                    bias_constraint="non_neg")]


def test_constraints_train_as_keras_does(tmp_path):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(12, T, F)).astype("float32")
    y = rng.normal(size=(12, 2)).astype("float32")
    keras.utils.set_random_seed(6)
    km = keras.Sequential([keras.Input((T, F)), *constrained(keras.layers, keras.constraints)])
    lk = Sequential(constrained(lstmkit.layers, constraints))
    lk.build((None, T, F))
    lk.set_weights(km.get_weights())
    for api, model in ((keras, km), (lstmkit, lk)):
        model.compile(api.optimizers.Adam(0.05), "mse")
    fit = dict(batch_size=4, epochs=3, shuffle=False, verbose=0)
    want, got = km.fit(x, y, **fit).history, lk.fit(x, y, **fit).history
    np.testing.assert_allclose(got["loss"], want["loss"], rtol=2e-5)
    for g, w in zip(lk.get_weights(), km.get_weights(), strict=True):
        np.testing.assert_allclose(g, w, atol=1e-5)
    assert lk.get_weights()[-1].min() >= 0  # non_neg held, a real constraint
    lk.save(tmp_path / "m.lstmkit")
    assert repr(load_model(tmp_path / "m.lstmkit").layers[2].constraints["kernel"]) == (
        "MaxNorm(max_value=0.5, axis=(0, 1))")


def test_constraint_names_and_errors():
    w = np.array([[3.0, -4.0], [4.0, 3.0]], "float32")
    for name in ("max_norm", "maxnorm", "MaxNorm"):  # Keras 3, Keras 2 and class names
        np.testing.assert_allclose(constraints.get(name)(w), w * 2 / 5, rtol=1e-6)
    np.testing.assert_allclose(constraints.nonneg()(w), np.maximum(w, 0))
    np.testing.assert_allclose(constraints.unit_norm(axis=np.int64(1))(w), w / 5, rtol=1e-6)
    with pytest.raises(ValueError, match=r"Unknown constraint 'max_nrom'"):
        Dense(2, kernel_constraint="max_nrom")
    with pytest.raises(ValueError, match=r"max_value must be a number >= 0, got -1"):
        constraints.MaxNorm(-1)
    with pytest.raises(TypeError, match=r"Dense got unexpected arguments \['recurrent_constraint'"
                                        r"\]"):
        Dense(2, recurrent_constraint="non_neg")
