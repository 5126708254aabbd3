"""Walk-forward forecasting with a stateful LSTM: one new observation per call.

A noisy sine wave (500 points, period 50, Gaussian noise of standard deviation 0.1) is
split 80/20. A stateful ``LSTM(10, batch_input_shape=(1, 1, 1))`` + ``Dense(1)`` learns to
map the observation at ``t`` (and, through its state, everything before it) to the value
at ``t + 1``: one timestep per sample, batch size 1, ``shuffle=False``, so the state after
step ``t`` is the initial state of step ``t + 1``. Each of the 50 epochs is one ``fit``
call followed by ``model.reset_states()``, so every epoch starts at the beginning of the
series.

Then the forecast walks forward: reset, warm the state up by predicting through the
training period (one ``predict`` call with batch size 1 steps through it in order,
carrying the state from one step to the next), then for each test step predict the next
value from the current observation. The observation is thereby fed to the state, and the
next call feeds the next actual observation: the state carries everything seen so far, the
model never sees more than one value per call.

The forecast is compared with persistence (the forecast is the last observation) and with
the noise floor (the RMSE of the noise-free sine itself, the best any forecaster can do on
average). About 3 s on 2 CPU cores.

Run: ``python examples/walk_forward.py``
"""

import numpy as np

from lstmkit.layers import LSTM, Dense
from lstmkit.models import Sequential
from lstmkit.utils import set_random_seed

N_POINTS, PERIOD, NOISE = 500, 50, 0.1
EPOCHS = 50


def make_series(rs):
    t = np.arange(N_POINTS)
    clean = np.sin(2 * np.pi * t / PERIOD)
    return (clean + rs.normal(0.0, NOISE, N_POINTS)).astype("float32"), clean


def rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def main(verbose=0):
    set_random_seed(0)
    series, clean = make_series(np.random.RandomState(0))
    split = int(0.8 * N_POINTS)
    train = series[:split]
    X, y = train[:-1].reshape(-1, 1, 1), train[1:]  # observation t -> value t + 1
    print(f"series {series.shape}: train {split} points, test {N_POINTS - split}")

    model = Sequential()
    model.add(LSTM(10, batch_input_shape=(1, 1, 1), stateful=True))
    model.add(Dense(1))
    model.compile(loss="mean_squared_error", optimizer="adam")
    for epoch in range(EPOCHS):
        history = model.fit(X, y, epochs=1, batch_size=1, shuffle=False, verbose=verbose)
        model.reset_states()
        if epoch % 10 == 0 or epoch == EPOCHS - 1:
            print(f"epoch {epoch + 1:3d}/{EPOCHS}: loss {history.history['loss'][0]:.5f}")

    # Warm the state up on the training period (predictions discarded). The last training
    # observation is left for the walk: its forecast is the first test value.
    model.reset_states()
    model.predict(X, batch_size=1)

    # Walk forward: forecast t + 1 from the observation at t, then move on to the actual
    # observation at t + 1.
    forecasts = []
    for t in range(split - 1, N_POINTS - 1):
        observation = series[t].reshape(1, 1, 1)
        forecasts.append(float(model.predict(observation, batch_size=1)[0, 0]))
    model.reset_states()

    actual = series[split:]
    result = {
        "rmse": rmse(forecasts, actual),
        "persistence_rmse": rmse(series[split - 1:-1], actual),
        "noise_floor_rmse": rmse(clean[split:], actual),
    }
    print(f"walk-forward RMSE {result['rmse']:.4f}, persistence {result['persistence_rmse']:.4f}"
          f", noise floor {result['noise_floor_rmse']:.4f}")
    for t in range(0, 5):
        print(f"  t={split + t}: observed {actual[t]:+.3f} forecast {forecasts[t]:+.3f}")
    return result


if __name__ == "__main__":
    main()
