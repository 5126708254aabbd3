"""Keras 2 path ``keras.utils.vis_utils``."""


def plot_model(model, to_file="model.png", **kwargs):
    """``lstmkit.plotting.plot_model``, Keras's arguments; matplotlib loads on the first
    call, not when lstmkit is imported."""
    from lstmkit.plotting import plot_model as draw

    return draw(model, to_file, **kwargs)


__all__ = ["plot_model"]
