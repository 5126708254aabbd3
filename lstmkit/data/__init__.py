"""Data preparation for sequence models."""

from lstmkit.data.encoding import pad_sequences, to_categorical
from lstmkit.data.scalers import MinMaxScaler, StandardScaler
from lstmkit.data.sequences import TimeseriesGenerator
from lstmkit.data.text import Tokenizer, text_to_word_sequence
from lstmkit.data.windows import (
    WindowedSplit,
    as_sequences,
    sliding_windows,
    train_test_split,
    windowed_split,
)

__all__ = [
    "to_categorical",
    "pad_sequences",
    "MinMaxScaler",
    "StandardScaler",
    "TimeseriesGenerator",
    "Tokenizer",
    "text_to_word_sequence",
    "WindowedSplit",
    "as_sequences",
    "sliding_windows",
    "train_test_split",
    "windowed_split",
]
