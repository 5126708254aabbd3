"""Keras 2 path ``keras.preprocessing.sequence``."""

from lstmkit.data.encoding import pad_sequences
from lstmkit.data.sequences import TimeseriesGenerator

__all__ = ["pad_sequences", "TimeseriesGenerator"]
