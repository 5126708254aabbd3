"""Keras's batch-producing objects as arrays: ``TimeseriesGenerator`` (Keras 2 path
``keras.preprocessing.sequence``) and any ``keras.utils.Sequence``-like object.

Tutorials hand ``fit`` (or Keras 2's ``fit_generator``) an object that makes batches
one at a time. lstmkit runs whole epochs as one compiled program, so it takes every
sample up front: ``as_arrays`` turns such an object into ``(x, y)`` and its batch size.
A ``TimeseriesGenerator``'s windows come out as a read-only view of its series (no copy),
which ``fit`` recognises and sends to the device as the series alone.
"""

from numbers import Integral

import numpy as np

from lstmkit.windowed import windows_of


def _count(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"TimeseriesGenerator {name} must be an integer >= {minimum}, got "
                         f"{value!r}.")
    return int(value)


class TimeseriesGenerator:
    """Windows of ``length`` rows of ``data`` and the ``targets`` row that follows each,
    in batches, with Keras 2's arguments and batches.

    The sample ending before row ``i`` is ``data[i - length:i:sampling_rate]`` with target
    ``targets[i]``, for ``i`` from ``start_index + length`` to ``end_index`` (default: the
    last row), every ``stride`` rows. ``generator[k]`` is batch ``k``; ``len(generator)`` the
    number of batches. ``fit(generator)`` trains on all its samples with its batch size
    (and, with ``shuffle=True``, a new order each epoch: samples drawn without
    replacement, where Keras draws each batch's rows at random).
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        self.data, self.targets = np.asarray(data), np.asarray(targets)
        if len(self.data) != len(self.targets):
            raise ValueError(f"TimeseriesGenerator data and targets must have the same "
                             f"length, got {len(self.data)} and {len(self.targets)}.")
        self.length = _count("length", length, 1)
        self.sampling_rate = _count("sampling_rate", sampling_rate, 1)
        self.stride = _count("stride", stride, 1)
        self.batch_size = _count("batch_size", batch_size, 1)
        self.start_index = _count("start_index", start_index, 0) + self.length
        self.end_index = len(self.data) - 1 if end_index is None else _count(
            "end_index", end_index, 0)
        if self.start_index > self.end_index:
            raise ValueError(
                f"TimeseriesGenerator: start_index + length = {self.start_index} is past "
                f"end_index = {self.end_index}, so there is no sample; use a shorter length "
                f"or more data.")
        self.shuffle, self.reverse = bool(shuffle), bool(reverse)

    def _rows(self) -> np.ndarray:
        """The row after each sample, in order."""
        return np.arange(self.start_index, self.end_index + 1, self.stride)

    def __len__(self) -> int:
        return -(-len(self._rows()) // self.batch_size)

    def __getitem__(self, index):
        if self.shuffle:  # Keras's draw, with replacement
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            rows = self._rows()[index * self.batch_size:(index + 1) * self.batch_size]
        return self._samples(rows), self.targets[rows]

    def _samples(self, rows):
        samples = np.array([self.data[r - self.length:r:self.sampling_rate] for r in rows])
        return samples[:, ::-1] if self.reverse else samples

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Every sample in time order, ``(x, y)``: x a read-only view of ``data`` when the
        windows are plain (``sampling_rate=1``, not ``reverse``, 2-D data)."""
        rows = self._rows()
        if self.sampling_rate == 1 and not self.reverse and self.data.ndim == 2:
            x = windows_of(self.data[self.start_index - self.length:], len(rows), self.length,
                           self.stride)
        else:
            x = self._samples(rows)
        return x, self.targets[rows]


class Sequence:
    """Keras's base of batch-making objects (``keras.utils.Sequence``): define
    ``__len__`` (the number of batches) and ``__getitem__(index)`` (batch ``index``, as
    ``(x, y)`` or ``(x, y, sample_weight)``). lstmkit reads every batch once, when ``fit``
    starts, so ``on_epoch_end`` is not called between epochs (``fit(shuffle=True)``
    shuffles the samples every epoch instead)."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        """Keras 3's loading settings, taken and unused (lstmkit reads batches once)."""

    def __len__(self):
        raise NotImplementedError

    def __getitem__(self, index):
        raise NotImplementedError

    def on_epoch_end(self):
        """Keras calls it after every epoch; lstmkit does not (see the class)."""

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def is_batches(x) -> bool:
    """Whether ``x`` is an object that makes batches (rather than an array)."""
    return isinstance(x, TimeseriesGenerator) or (
        hasattr(x, "__getitem__") and hasattr(x, "__len__")
        and not isinstance(x, np.ndarray | list | tuple | dict | str)
        and not hasattr(x, "__array__"))


def as_arrays(x, y, batch_size, argument: str = "x"):
    """``(x, y, batch_size, sample_weight)`` with a batch-making ``x`` turned into all its
    samples, its batch size and its sample weights (batches ``(x, y, weights)``, as Keras
    reads them; else None); ``y`` must then be None. Arrays pass through unchanged."""
    if not is_batches(x):
        if hasattr(x, "__next__"):
            raise TypeError(
                f"{argument} is a Python generator, whose batches lstmkit cannot know in "
                f"advance: collect them into arrays (x, y), or use a TimeseriesGenerator or "
                f"another object with __len__ and __getitem__.")
        return x, y, batch_size, None
    if y is not None:
        raise ValueError(f"{argument} makes its own targets ({type(x).__name__}); leave y "
                         f"out.")
    if isinstance(x, TimeseriesGenerator):
        xs, ys = x.arrays()
        return xs, ys, batch_size or x.batch_size, None
    batches = [x[i] for i in range(len(x))]
    batches = [b if isinstance(b, tuple | list) else (b,) for b in batches]  # bare x, as Keras
    if not batches or not all(len(b) >= 1 for b in batches):
        raise ValueError(f"{argument} ({type(x).__name__}) must give batches (x, y), (x,) or "
                         f"x, got {len(batches)} batches.")
    xs, ys, weights = (None if len(batches[0]) <= i else
                       np.concatenate([np.asarray(b[i]) for b in batches]) for i in range(3))
    return xs, ys, batch_size or len(batches[0][0]), weights
