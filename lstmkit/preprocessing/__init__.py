"""Keras 2 path ``keras.preprocessing``."""

from lstmkit.preprocessing import sequence, text

__all__ = ["sequence", "text"]
