"""``from lstmkit import backend as K``: custom metrics and losses written with Keras 2's
backend functions run in the compiled programs, and clear_session starts names afresh."""

import numpy as np

from lstmkit import backend as K
from lstmkit.layers import LSTM, Dense
from lstmkit.models import Sequential
from lstmkit.utils import set_random_seed

rng = np.random.default_rng(0)
X = rng.normal(size=(24, 5, 2)).astype("float32")
Y = rng.normal(size=(24, 2)).astype("float32")


def rmse(y_true, y_pred):  # as the forecasting tutorials write it
    return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))


def mae_written_out(y_true, y_pred):
    return K.mean(K.abs(K.cast(y_pred, K.floatx()) - y_true), axis=-1)


def model(loss="mse", metrics=None):
    set_random_seed(0)
    m = Sequential([LSTM(3, input_shape=(5, 2)), Dense(2)])
    m.compile(optimizer="adam", loss=loss, metrics=metrics)
    return m


def test_a_custom_metric_is_the_mean_of_its_per_sample_values():
    m = model(metrics=[rmse])
    m.fit(X, Y, epochs=2, verbose=0)
    loss, value = m.evaluate(X, Y, batch_size=5, verbose=0)
    pred = m.predict(X).astype(np.float64)
    np.testing.assert_allclose(value, np.sqrt(((pred - Y) ** 2).mean(axis=-1)).mean(),
                               rtol=1e-5)
    np.testing.assert_allclose(loss, ((pred - Y) ** 2).mean(), rtol=1e-5)


def test_a_custom_loss_trains_as_the_builtin_one():
    custom = model(loss=mae_written_out).fit(X, Y, epochs=3, shuffle=False, verbose=0)
    builtin = model(loss="mae").fit(X, Y, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(custom.history["loss"], builtin.history["loss"], rtol=1e-6)


def test_reductions_take_keras_arguments():
    x = np.arange(6.0).reshape(2, 3)
    assert float(K.sum(x)) == 15.0
    np.testing.assert_array_equal(K.max(x, axis=1, keepdims=True), [[2.0], [5.0]])
    np.testing.assert_array_equal(K.clip(x, 1.0, 4.0), np.clip(x, 1.0, 4.0))
    assert K.int_shape(K.concatenate([x, x])) == (2, 6)
    assert K.epsilon() == 1e-7


def test_clear_session_restarts_layer_names():
    LSTM(2), LSTM(2)
    K.clear_session()
    assert LSTM(2).name == "lstm"
    assert Sequential().name == "sequential"


def test_shape_functions_take_keras_defaults():
    x = np.arange(6.0).reshape(2, 3)
    assert K.expand_dims(x).shape == (2, 3, 1)  # axis=-1 by default, as Keras's
    assert K.squeeze(K.expand_dims(x, 1), 1).shape == (2, 3)
    assert K.stack([x, x]).shape == (2, 2, 3)
    np.testing.assert_array_equal(K.stack([x, x], axis=-1)[..., 1], x)
