"""``Input`` and ``InputLayer``: a model's input shape declared ahead of its first layer,
as Keras 3 tutorials write it::

    model = Sequential([Input(shape=(timesteps, features)), LSTM(32), Dense(1)])

Keras 2 code gives the first layer ``input_shape=`` instead; both build the same model.
An ``Input`` is also what Keras's functional API calls layers on: ``x = LSTM(32)(inputs)``
gives a ``SymbolicTensor`` that remembers the chain of layers, and ``models.Model(inputs,
outputs)`` builds the model of a chain (lstmkit's models are chains of layers).
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


class SymbolicTensor:
    """What a layer called on an ``Input`` (or on another ``SymbolicTensor``) gives in
    Keras's functional API: no values, only the ``Input`` and the layers applied to it, in
    order."""

    def __init__(self, source: InputLayer, layers: tuple):
        self.source, self.layers = source, layers

    def __repr__(self):
        return f"<SymbolicTensor from {self.source.name!r} through {len(self.layers)} layers>"


def symbolic_call(layer, x) -> SymbolicTensor:
    """``layer(x)`` for an ``Input`` or a ``SymbolicTensor`` ``x``: the chain one layer
    longer."""
    if getattr(layer, "return_state", False):
        raise ValueError(f"{layer!r} has return_state=True, which in the functional API makes "
                         f"several outputs (as encoder-decoder models use them); lstmkit "
                         f"builds models that are one chain of layers.")
    if isinstance(x, InputLayer):
        return SymbolicTensor(x, (layer,))
    return SymbolicTensor(x.source, (*x.layers, layer))


def Input(shape=None, batch_size=None, dtype=None, *, batch_shape=None,  # noqa: N802
          name=None) -> InputLayer:
    """Keras's ``Input(shape=...)``: a ``Sequential`` model's first element, or what the
    functional API calls its layers on (see ``InputLayer``)."""
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
