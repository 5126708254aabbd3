"""Seed 004 (``004_54c53adbbd83ce57.txt``), section 4.6 "LSTM状态管理": a stateful LSTM.

The seed's snippets (tables 4.17 to 4.20) with only the imports changed from ``keras`` to
``lstmkit``: ``LSTM(2, stateful=True, batch_input_shape=(10, 5, 1))``, then a manual epoch
loop ``fit(X, y, epochs=1, shuffle=False)`` + ``model.reset_states()``, then
``model.predict(X, batch_size=10)`` and a reset after predicting ("the internal state also
accumulates while evaluating and predicting"). The seed passes ``batch_input_shape`` to
``fit``, which no Keras ``fit`` accepts; here ``fit`` gets ``batch_size=10`` instead.

The seed publishes no data and no figure; it describes "100 samples, batch size 10, 5
timesteps of 1 feature". Here the data is the seed's third case, "a long sequence split
into subsequences": a sine wave cut into 10 streams of 50 steps, each stream into 10
chunks of 5 steps; sample ``10 * k + j`` is chunk ``k`` of stream ``j`` and its target is
the stream's next value. So sample ``j`` of batch ``k + 1`` continues exactly where sample
``j`` of batch ``k`` stopped, which is what a stateful layer carries over, and
``reset_states()`` at the end of every epoch starts the streams again.

The seed loops 1000 times; here ``N = 300`` epochs (about 2 s on 2 CPU cores). The figures:
the loss of the first and last epoch and the MSE of the predictions.

Run: ``python examples/seed004_stateful.py``
"""

import numpy as np

from lstmkit.layers import LSTM, Dense
from lstmkit.models import Sequential
from lstmkit.utils import set_random_seed

N = 300  # epochs (the seed's loop runs 1000)
STREAMS, CHUNKS, TIMESTEPS = 10, 10, 5


def make_data():
    """X (100, 5, 1), y (100,): chunk k of stream j is sample 10 * k + j."""
    length = CHUNKS * TIMESTEPS
    series = np.sin(2 * np.pi * np.arange(STREAMS * length + 1) / 25.0).astype("float32")
    X = np.empty((CHUNKS * STREAMS, TIMESTEPS, 1), "float32")
    y = np.empty((CHUNKS * STREAMS,), "float32")
    for j in range(STREAMS):
        stream = series[j * length:(j + 1) * length + 1]
        for k in range(CHUNKS):
            X[k * STREAMS + j, :, 0] = stream[k * TIMESTEPS:(k + 1) * TIMESTEPS]
            y[k * STREAMS + j] = stream[(k + 1) * TIMESTEPS]
    return X, y


def main(verbose=0):
    set_random_seed(4)
    X, y = make_data()
    print("X", X.shape, "y", y.shape)

    # Table 4.17: a stateful LSTM layer (batch size 10, 5 timesteps, 1 feature).
    model = Sequential()
    model.add(LSTM(2, stateful=True, batch_input_shape=(10, 5, 1)))
    model.add(Dense(1))
    model.compile(loss="mean_squared_error", optimizer="adam")

    # Tables 4.18 and 4.20: one epoch per call, in order, state reset after each epoch.
    losses = []
    for i in range(N):
        history = model.fit(X, y, epochs=1, batch_size=10, shuffle=False, verbose=verbose)
        model.reset_states()
        losses.append(history.history["loss"][0])
        if i % 50 == 0 or i == N - 1:
            print(f"epoch {i + 1:4d}/{N}: loss {losses[-1]:.5f}")

    # Table 4.19: predict with the same batch size, then reset (state accumulated).
    predictions = model.predict(X, batch_size=10)
    model.reset_states()
    mse = float(np.mean((predictions.reshape(-1) - y) ** 2))
    print(f"prediction MSE {mse:.5f} (variance of y {float(np.var(y)):.5f})")
    for i in range(0, 30, 10):
        print(f"  sample {i:2d}: expected {y[i]:+.3f} predicted {predictions[i, 0]:+.3f}")
    return {"mse": mse, "first_loss": losses[0], "last_loss": losses[-1],
            "variance": float(np.var(y))}


if __name__ == "__main__":
    main()
