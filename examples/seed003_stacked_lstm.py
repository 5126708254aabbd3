"""Seed 003 (``003_e98760bd1b5ae7d8.txt``, "LSTM原理及Keras中实现"): a stacked LSTM regressor.

The seed's model with only the imports changed from ``keras`` to ``lstmkit`` (it uses the
Keras 2 paths ``keras.layers.core`` and ``keras.layers.recurrent``)::

    LSTM(units=100, input_shape=(30, 40), return_sequences=True), Dropout(0.2),
    LSTM(units=50, return_sequences=False), Dropout(0.2), Dense(units=1),
    Activation("linear"); compile(loss="mse", optimizer="adam", metrics=['mae', 'mape'])
    fit(trainX, trainY, epochs=100, batch_size=200); predict(testX)

The seed publishes no data set and no result figure (only the model and the sliding-window
idea: a window of rows of x1..x4 predicts y of the row after it, "第4行的y" for a window
of 3 rows). So the data here are generated: 40 noisy sinusoids (periods of 10 to 100 rows
plus AR(1) noise), min-max scaled to [0, 1] like the seed's x1..x4 table, and a target y
around 2 that depends on lagged values of three of the columns. A window of 30 rows of the
40 columns predicts y of the next row.

epochs=100 and batch_size=200 are kept as in the seed. The size of the data set is ours:
800 training windows (4 optimizer steps per epoch, 400 in all) keep the script at about
30 s on 2 CPU cores. 400 Adam steps are few, so the model learns y only partly (test MSE
about 0.07); ``main()`` therefore also returns two baselines the model has to beat: a
persistence forecast (y of the window's last row, which the model is never shown) and the
training mean.

Run: ``python examples/seed003_stacked_lstm.py``
"""

import numpy as np

from lstmkit.data import sliding_windows
from lstmkit.layers.core import Activation, Dense, Dropout
from lstmkit.layers.recurrent import LSTM
from lstmkit.models import Sequential
from lstmkit.utils import set_random_seed

N_TRAIN = 800  # windows to train on: 4 batches of 200 per epoch
N_TEST = 300
N_COLUMNS = 40
sequence_length = 30


def make_table(n_rows=N_TRAIN + N_TEST + sequence_length, n_columns=N_COLUMNS, seed=3):
    """The table x1..x40 (n_rows, 40), scaled to [0, 1], and the target y (n_rows,).

    Each column is a sinusoid (period 10 to 100 rows) plus AR(1) noise of about the same
    size; y = 2 + 0.3 z1[t-1] + 0.2 z2[t-2] - 0.2 z3[t-3], with z the standardized columns,
    so y of a row depends on the three rows before it.
    """
    rs = np.random.RandomState(seed)
    t = np.arange(n_rows)[:, None]
    periods = rs.uniform(10, 100, n_columns)
    phases = rs.uniform(0, 2 * np.pi, n_columns)
    shocks = rs.randn(n_rows, n_columns)
    noise = np.zeros((n_rows, n_columns))
    for i in range(1, n_rows):
        noise[i] = 0.5 * noise[i - 1] + np.sqrt(1 - 0.5**2) * shocks[i]
    raw = np.sin(2 * np.pi * t / periods + phases) + noise
    z = (raw - raw.mean(axis=0)) / raw.std(axis=0)

    def lag(column, k):
        return np.concatenate([np.zeros(k), z[:-k, column]])

    y = 2.0 + 0.3 * lag(0, 1) + 0.2 * lag(1, 2) - 0.2 * lag(2, 3)
    x = (raw - raw.min(axis=0)) / (raw.max(axis=0) - raw.min(axis=0))
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
    # The same windows in one call: y is a column of the table, the next row its target.
    table = np.column_stack([data, target])
    windows, next_y = sliding_windows(table, lookback=sequence_length,
                                      features=list(range(N_COLUMNS)), targets=N_COLUMNS)
    helpers_identical = np.array_equal(windows, result) and np.array_equal(next_y[:, 0], labels)
    print("lstmkit.data.sliding_windows gives identical arrays:", helpers_identical)
    persistence = target[sequence_length - 1: -1]  # y of each window's last row

    train_size = N_TRAIN
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
    print(f"final training loss: {fit_result.history['loss'][-1]:.4e}")

    predicted = model.predict(testX)
    print("first predictions:", predicted[:5, 0], "actual:", testY[:5])

    mse, mae, mape = model.evaluate(testX, testY, verbose=0)
    baseline_mse = float(np.mean((persistence[train_size:] - testY) ** 2))
    mean_mse = float(np.mean((trainY.mean() - testY) ** 2))
    print(f"test  mse {mse:.4e}  mae {mae:.4f}  mape {mape:.2f}%")
    print(f"persistence baseline mse {baseline_mse:.4e}, "
          f"training-mean baseline mse {mean_mse:.4e}")
    return {"mse": mse, "mae": mae, "mape": mape, "baseline_mse": baseline_mse,
            "mean_baseline_mse": mean_mse, "helpers_identical": helpers_identical}


if __name__ == "__main__":
    main()
