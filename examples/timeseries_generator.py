"""Jason Brownlee's "How to Use the TimeseriesGenerator for Time Series Forecasting in
Keras", written as the tutorial writes it, with ``keras`` replaced by ``lstmkit``.

The series 1..10 becomes 8 samples of 2 timesteps (``[1, 2] -> 3``, ..., ``[8, 9] -> 10``)
in one batch of 8; an ``LSTM(100, activation='relu')`` learns them with ``fit_generator``
(500 epochs of one step) and forecasts the value after ``[9, 10]``: the tutorial prints a
number close to 11.

Run: ``python examples/timeseries_generator.py``
"""

from numpy import array

from lstmkit.layers import LSTM, Dense
from lstmkit.models import Sequential
from lstmkit.preprocessing.sequence import TimeseriesGenerator
from lstmkit.utils import set_random_seed


def main(verbose=0):
    set_random_seed(1)
    # define dataset
    series = array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    # reshape to [10, 1]
    n_features = 1
    series = series.reshape((len(series), n_features))
    # define generator
    n_input = 2
    generator = TimeseriesGenerator(series, series, length=n_input, batch_size=8)
    # define model
    model = Sequential()
    model.add(LSTM(100, activation="relu", input_shape=(n_input, n_features)))
    model.add(Dense(1))
    model.compile(optimizer="adam", loss="mse")
    # fit model
    model.fit_generator(generator, steps_per_epoch=1, epochs=500, verbose=verbose)
    # make a one step prediction out of sample
    x_input = array([9, 10]).reshape((1, n_input, n_features))
    yhat = model.predict(x_input, verbose=0)
    print(yhat)
    return {"forecast": float(yhat[0, 0]), "samples": len(generator.arrays()[0])}


if __name__ == "__main__":
    main()
