"""Seed 000 (``000_2b52e83294691385.txt``, "LSTM 類神經網路學習紀錄"): sine-wave forecasting.

The seed's code with only the imports changed from ``keras`` to ``lstmkit``. A 5001-point
sine wave (the public ``sinewave.csv``: ``sin(1 + 2*pi*k/100)`` rounded to 9 digits, which
we generate instead of downloading) is cut with pandas ``shift`` into windows of 50 values
plus the next value as target, split 80/20 in order, and fitted by ``LSTM(10)`` +
``Dense(1)`` (491 parameters).

Published figure: test MSE 6.0673873664723943e-06. The seed's ``sklearn``
``mean_squared_error`` is computed here with NumPy (the same formula).

20 epochs of 28 batches do not fully converge, so the test MSE depends on the random
initialization. Measured over ``set_random_seed(0..19)``: 7.4e-06 to 6.4e-04, median
about 4.4e-05, 16 of 20 seeds below 1e-4. Keras 3 (JAX backend) over seeds 0..13 of
``keras.utils.set_random_seed``: 9.3e-06 to 6.9e-04, median about 1.5e-04, 6 of 14
below 1e-4. The seed's 6.07e-06 is at the lucky end of both. This script uses seed 1,
a typical one (test MSE 4.7e-05).

Run: ``python examples/seed000_sine_wave.py``
"""

import numpy as np
import pandas as pd

from lstmkit.data import sliding_windows, train_test_split
from lstmkit.layers import LSTM, Dense
from lstmkit.models import Sequential
from lstmkit.utils import set_random_seed

SEED_TEST_MSE = 6.0673873664723943e-06


def mean_squared_error(actuals, preds):
    """sklearn.metrics.mean_squared_error for one output column."""
    actuals = np.asarray(actuals, dtype=np.float64).reshape(-1)
    preds = np.asarray(preds, dtype=np.float64).reshape(-1)
    return float(np.mean((actuals - preds) ** 2))


def main(verbose=1):
    set_random_seed(1)  # see the docstring: the result depends on the seed

    # The seed reads sinewave.csv (5001 rows, 1 column); the same data, generated.
    series = pd.DataFrame(np.round(np.sin(1 + 2 * np.pi * np.arange(5001) / 100), 9))

    window_size = 50
    series_s = series.copy()
    for i in range(window_size):
        series = pd.concat([series, series_s.shift(-(i+1))], axis = 1)
    series.dropna(axis=0, inplace=True)
    print("windows:", series.shape)  # (4951, 51)

    nrow = round(0.8*series.shape[0])
    train = series.iloc[:nrow, :]
    test = series.iloc[nrow:,:]

    train_X = (train.iloc[:,:-1]).values
    train_y = (train.iloc[:,-1]).values
    test_X = (test.iloc[:,:-1]).values
    test_y = (test.iloc[:,-1]).values

    # reshape to (batch_size, timesteps, input_dim)
    train_X = train_X.reshape(train_X.shape[0],train_X.shape[1],1)
    test_X = test_X.reshape(test_X.shape[0],test_X.shape[1],1)

    # The same arrays from lstmkit.data in two calls (read-only views, no copied windows):
    X, y = sliding_windows(series_s, window_size)
    h_train_X, h_test_X, h_train_y, h_test_y = train_test_split(X, y, test_size=0.2)
    helpers_identical = all(np.array_equal(a, b) for a, b in [
        (h_train_X, train_X), (h_test_X, test_X), (h_train_y[:, 0], train_y),
        (h_test_y[:, 0], test_y)])
    print("lstmkit.data gives identical arrays:", helpers_identical)

    # Define the LSTM model
    model = Sequential()
    model.add(LSTM(10, input_shape=(None,1)))
    model.add(Dense(1))
    model.compile(loss="mse", optimizer="adam")
    model.summary()

    model.fit(train_X, train_y, batch_size=128, epochs=20, validation_split=0.1,
              verbose=verbose)
    preds = model.predict(test_X)
    actuals = test_y
    test_mse = mean_squared_error(actuals,preds)
    print(f"test MSE: {test_mse:.6e} (seed: {SEED_TEST_MSE:.6e})")

    # The seed plots actuals against preds here (pyplot.plot(actuals); pyplot.plot(preds);
    # pyplot.show()); plotting comes in a later issue.

    return {"test_mse": test_mse, "helpers_identical": helpers_identical}


if __name__ == "__main__":
    main()
