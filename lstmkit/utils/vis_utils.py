"""Keras 2 path ``keras.utils.vis_utils``."""


def plot_model(*args, **kwargs):
    """``lstmkit.plotting.plot_model``, with Keras's arguments; matplotlib loads on the
    first call, not when lstmkit is imported."""
    from lstmkit.plotting import plot_model as draw

    return draw(*args, **kwargs)


__all__ = ["plot_model"]
