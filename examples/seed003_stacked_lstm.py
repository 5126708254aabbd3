"""Seed 003 (``003_e98760bd1b5ae7d8.txt``, "LSTM原理及Keras中实现"): a stacked LSTM regressor.

The seed's model with only the imports changed from ``keras`` to ``lstmkit`` (it uses the
Keras 2 paths ``keras.layers.core`` and ``keras.layers.recurrent``)::

    LSTM(units=100, input_shape=(30, 40), return_sequences=True), Dropout(0.2),
    LSTM(units=50, return_sequences=False), Dropout(0.2), Dense(units=1),
    Activation("linear"); compile(loss="mse", optimizer="adam", metrics=['mae', 'mape'])
    fit(trainX, trainY, epochs=100, batch_size=200); predict(testX)

The seed publishes no data set and no result figure (only the model and the sliding-window
idea: a window of rows of x1..x4 predicts y of the row after it, "第4行的y" for a window
of 3 rows). So the data here are generated: 40 noisy sinusoids of different periods,
min-max scaled to [0, 1] like the seed's x1..x4 table, and a target y that is a smooth
function of lagged values of four of them. A window of 30 rows of the 40 columns predicts
y of the next row. epochs=100 and batch_size=200 are kept as in the seed; 1000 training
windows keep the run within about half a minute on 2 CPU cores.

For comparison, ``main()`` also returns the MSE of a persistence forecast (y of the last
row of the window, which the model is never shown) and of predicting the training mean.

Run: ``python examples/seed003_stacked_lstm.py``
"""

import numpy as np

from lstmkit.layers.core import Activation, Dense, Dropout
from lstmkit.layers.recurrent import LSTM
from lstmkit.models import Sequential
from lstmkit.utils import set_random_seed

N_ROWS = 1330  # 1300 windows of 30 rows: 1000 to train, 300 to test
N_COLUMNS = 40
sequence_length = 30


def make_table(n_rows=N_ROWS, n_columns=N_COLUMNS, seed=3):
    """Columns x1..x40 (noisy sinusoids, scaled to [0, 1]) and the target y (n_rows,)."""
    rs = np.random.RandomState(seed)
    t = np.arange(n_rows)[:, None]
    periods = rs.uniform(20, 200, n_columns)
    phases = rs.uniform(0, 2 * np.pi, n_columns)
    clean = np.sin(2 * np.pi * t / periods + phases)
    noisy = clean + 0.05 * rs.randn(n_rows, n_columns)
    x = (noisy - noisy.min(axis=0)) / (noisy.max(axis=0) - noisy.min(axis=0))

    def lag(column, k):
        return np.concatenate([np.zeros(k), clean[:-k, column]])

    y = 1.0 + 0.3 * lag(0, 1) + 0.2 * lag(1, 5) + 0.2 * lag(2, 10) * lag(3, 2)
    return x, y


def main(verbose=1):
    set_random_seed(3)
    data, target = make_table()

    # The seed's sliding window: rows index .. index+29 of x1..x40 predict y of the next row.
    result = []
    labels = []
    for index in range(len(data) - sequence_length):
        result.append(data[index: index + sequence_length])
        labels.append(target[index + sequence_length])
    result = np.array(result)
    labels = np.array(labels)
    persistence = target[sequence_length - 1: -1]  # y of each window's last row

    train_size = 1000
    trainX, trainY = result[:train_size], labels[:train_size]
    testX, testY = result[train_size:], labels[train_size:]
    print("trainX", trainX.shape, "testX", testX.shape)

    model = Sequential()
    model.add(LSTM(units=100, input_shape=(30, 40), return_sequences=True))
    model.add(Dropout(0.2))

    model.add(LSTM(units=50, return_sequences=False))
    model.add(Dropout(0.2))

    model.add(Dense(units=1))
    model.add(Activation("linear"))
    model.compile(loss="mse", optimizer="adam", metrics=['mae', 'mape'])
    model.summary()

    fit_result = model.fit(trainX, trainY, epochs=100, batch_size=200, verbose=verbose)
    print("final training loss: %.4e" % fit_result.history["loss"][-1])

    predicted = model.predict(testX)
    print("first predictions:", predicted[:5, 0], "actual:", testY[:5])

    mse, mae, mape = model.evaluate(testX, testY, verbose=0)
    baseline_mse = float(np.mean((persistence[train_size:] - testY) ** 2))
    mean_mse = float(np.mean((trainY.mean() - testY) ** 2))
    print("test  mse %.4e  mae %.4f  mape %.2f%%" % (mse, mae, mape))
    print("persistence baseline mse %.4e, training-mean baseline mse %.4e"
          % (baseline_mse, mean_mse))
    return {"mse": mse, "mae": mae, "mape": mape, "baseline_mse": baseline_mse,
            "mean_baseline_mse": mean_mse}


if __name__ == "__main__":
    main()
