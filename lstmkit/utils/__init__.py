"""Keras 2 path ``keras.utils``: ``to_categorical`` and ``set_random_seed``."""

from lstmkit.data.encoding import to_categorical
from lstmkit.rng import set_random_seed
from lstmkit.utils import np_utils

__all__ = ["to_categorical", "set_random_seed", "np_utils"]
