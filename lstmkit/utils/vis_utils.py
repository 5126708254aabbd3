"""Keras 2 path ``keras.utils.vis_utils``."""

from lstmkit.plotting import plot_model

__all__ = ["plot_model"]
