"""Keras 2 path ``keras.utils``: ``to_categorical``, ``set_random_seed`` and ``plot_model``."""

from lstmkit.data.encoding import to_categorical
from lstmkit.rng import set_random_seed
from lstmkit.utils import np_utils, vis_utils
from lstmkit.utils.vis_utils import plot_model

__all__ = ["to_categorical", "set_random_seed", "plot_model", "np_utils", "vis_utils"]
