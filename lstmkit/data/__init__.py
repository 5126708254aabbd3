"""Data preparation for sequence models."""

from lstmkit.data.encoding import pad_sequences, to_categorical

__all__ = ["to_categorical", "pad_sequences"]
