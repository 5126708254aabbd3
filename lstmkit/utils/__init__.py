"""Keras 2 path ``keras.utils``: ``to_categorical``, ``set_random_seed``, ``plot_model``,
``Sequence`` and ``normalize``."""

import numpy as np

from lstmkit.data.encoding import to_categorical
from lstmkit.data.sequences import Sequence
from lstmkit.rng import set_random_seed
from lstmkit.utils import np_utils, vis_utils
from lstmkit.utils.vis_utils import plot_model

__all__ = ["to_categorical", "set_random_seed", "plot_model", "Sequence", "normalize",
           "np_utils", "vis_utils"]


def normalize(x, axis=-1, order=2):
    """Keras's ``normalize``: ``x`` divided by its ``order``-norm along ``axis`` (zero
    vectors stay zero)."""
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
