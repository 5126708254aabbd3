"""Training an lstmkit model and a Keras 3 model side by side (Keras is the oracle)."""

import keras
import numpy as np

import lstmkit


def fit_alike(km, lk, x, y, learning_rate, atol=1e-5, **fit):
    """Compile both with Adam(``learning_rate``) and MSE, fit both on (x, y) without
    shuffling, and check that they end with the same weights; returns both Histories."""
    histories = []
    for api, model in ((keras, km), (lstmkit, lk)):
        model.compile(api.optimizers.Adam(learning_rate), "mse")
        histories.append(model.fit(x, y, shuffle=False, verbose=0, **fit))
    for got, want in zip(lk.get_weights(), km.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, atol=atol)
    return histories
