"""``Input`` and ``InputLayer``: a ``Sequential`` model's input shape declared ahead of
its first layer, as Keras 3 tutorials write it::

    model = Sequential([Input(shape=(timesteps, features)), LSTM(32), Dense(1)])

Keras 2 code gives the first layer ``input_shape=`` instead; both build the same model.
"""

import numpy as np

from lstmkit.layers.base import check_int, check_shape

Shape = tuple[int | None, ...]


class InputLayer:
    """The shape of the model's inputs, batch axis first; it computes nothing.

    ``Sequential`` takes it as its first element and hands the shape to the first layer as
    that layer's ``batch_input_shape``: ``model.layers``, ``summary()`` and saved files are
    those of the same model written with ``input_shape=`` (Keras too leaves its
    ``InputLayer`` out of ``model.layers``).

    Args (Keras 3's names, and Keras 2's ``input_shape`` / ``batch_input_shape``):
        shape: one sample's shape, e.g. ``(timesteps, features)``; ``None`` entries accept
            any size.
        batch_size: fixes the batch size (a stateful model's).
        dtype: the inputs' type. lstmkit converts inputs to what the first layer takes
            (float32, or an Embedding's integer indices), so it is only checked to be a
            numeric type.
        batch_shape: the shape with the batch size first, instead of ``shape`` and
            ``batch_size``.
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, *, batch_shape=None,
                 name=None, input_shape=None, batch_input_shape=None):
        shape = _one_of("shape", shape, "input_shape", input_shape)
        batch_shape = _one_of("batch_shape", batch_shape, "batch_input_shape", batch_input_shape)
        if (shape is None) == (batch_shape is None):
            raise ValueError(
                "Input takes the shape of one sample, shape=(timesteps, features), or the "
                "shape of a batch, batch_shape=(batch, timesteps, features): give one of "
                f"them, got shape={shape!r} and batch_shape={batch_shape!r}.")
        if batch_shape is not None and batch_size is not None:
            raise ValueError(
                f"Input got batch_size={batch_size!r} and batch_shape={batch_shape!r}; "
                "batch_shape holds the batch size already: give shape= with batch_size=, "
                "or batch_shape= alone.")
        if batch_shape is None:
            size = None if batch_size is None else check_int("batch_size", batch_size, minimum=1)
            batch_shape = (size, *check_shape("shape", shape))
        self.batch_shape: Shape = check_shape("batch_shape", batch_shape)
        self.dtype = _numeric_dtype(dtype)
        self.name = name or "input_layer"


def Input(shape=None, batch_size=None, dtype=None, *, batch_shape=None,  # noqa: N802
          name=None) -> InputLayer:
    """Keras's ``Input(shape=...)``, for the first element of a ``Sequential`` model (see
    ``InputLayer``). lstmkit has no functional API, so it is not a tensor to call layers
    on."""
    return InputLayer(shape, batch_size, dtype, batch_shape=batch_shape, name=name)


def _one_of(name: str, value, keras2_name: str, keras2_value):
    if value is not None and keras2_value is not None:
        raise ValueError(f"Input got both {name}= and {keras2_name}= (its Keras 2 name); "
                         f"give one.")
    return keras2_value if value is None else value


def _numeric_dtype(dtype):
    if dtype is None:
        return None
    try:
        kind = np.dtype(dtype).kind
    except TypeError:
        kind = None
    if kind not in ("f", "i", "u"):
        raise ValueError(f"Input dtype must be a numeric type such as 'float32' or 'int32', "
                         f"got {dtype!r}.")
    return np.dtype(dtype).name
