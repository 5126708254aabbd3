"""One epoch over the windows of a 10-million-point series, without materialising them.

``sliding_windows`` of a float32 series of 10,000,000 points with lookback 100 gives
9,999,900 windows: 4 GB if copied out, 40 MB as a view of the series. ``fit`` sends only
the series and each window's first row to the device and builds every batch's windows
inside the compiled program. This script trains ``LSTM(8)`` + ``Dense(1)`` (Adam, MSE,
shuffled batches) for one epoch on them and prints the time and the process's peak
resident memory (target: under 1 GB).

Run: ``python benchmarks/long_series.py [--points 10000000] [--lookback 100]``
"""

import argparse
import resource
import time

import numpy as np

import lstmkit
from lstmkit.data import sliding_windows
from lstmkit.layers import LSTM, Dense
from lstmkit.models import Sequential


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--lookback", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--units", type=int, default=8)
    args = parser.parse_args(argv)

    lstmkit.set_random_seed(0)
    t = np.arange(args.points, dtype=np.float32)
    series = (np.sin(t / 50) + 0.5 * np.sin(t / 7)).astype(np.float32)
    del t
    x, y = sliding_windows(series, lookback=args.lookback)
    print(f"series: {series.nbytes / 1e6:.0f} MB; {x.shape[0]:,} windows {x.shape[1:]}, "
          f"{x.size * 4 / 1e9:.1f} GB if materialised; peak RSS before fit "
          f"{peak_rss_mb():.0f} MB", flush=True)
    model = Sequential([LSTM(args.units, input_shape=(args.lookback, 1)), Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    steps = -(-x.shape[0] // args.batch_size)
    print(f"one epoch: {seconds:.1f} s ({steps:,} batches of {args.batch_size}, compilation "
          f"included), loss {history.history['loss'][0]:.4f}; peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
