"""Keras 2 path ``keras.utils.np_utils``."""

from lstmkit.data.encoding import to_categorical

__all__ = ["to_categorical"]
