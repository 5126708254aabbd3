"""Keras 2 path ``keras.preprocessing``."""

from lstmkit.preprocessing import sequence

__all__ = ["sequence"]
