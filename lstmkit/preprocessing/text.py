"""Keras 2 path ``keras.preprocessing.text``."""

from lstmkit.data.text import Tokenizer, text_to_word_sequence

__all__ = ["Tokenizer", "text_to_word_sequence"]
