"""Keras 2 path ``keras.preprocessing.sequence``."""

from lstmkit.data.encoding import pad_sequences

__all__ = ["pad_sequences"]
