"""Layers that wrap a layer (Keras 2 path ``keras.layers.wrappers``): ``Bidirectional``
runs a recurrent layer both ways, ``TimeDistributed`` applies a layer to every timestep.

Their weights are their inner layers' arrays in Keras's order, in the one flat dict a
layer holds (``forward/kernel``, ..., ``backward/bias`` for ``Bidirectional``), so
``get_weights`` / ``set_weights`` and saving treat them as any layer.
"""

import jax
import jax.numpy as jnp

from lstmkit.layers.base import Layer
from lstmkit.layers.recurrent import Recurrent

MERGES = {
    "concat": lambda a, b: jnp.concatenate([a, b], axis=-1),
    "sum": jnp.add,
    "mul": jnp.multiply,
    "ave": lambda a, b: (a + b) / 2,
}


def _layer_config(layer: Layer) -> dict:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def _prefixed(prefix: str, params: dict) -> dict:
    return {f"{prefix}/{name}": w for name, w in params.items()}


def _unprefixed(prefix: str, params: dict) -> dict:
    start = len(prefix) + 1
    return {name[start:]: w for name, w in params.items() if name.startswith(prefix + "/")}


class Bidirectional(Layer):
    """A recurrent layer read forwards and a copy of it read backwards, their outputs
    merged by ``merge_mode``: ``'concat'`` (the default, units doubled), ``'sum'``,
    ``'mul'`` or ``'ave'``.

    As in Keras, the backward layer is ``layer`` with ``go_backwards`` flipped (or
    ``backward_layer`` when given), and with ``return_sequences`` its outputs are put back
    in time order before merging. Weights: the forward layer's, then the backward layer's.
    """

    input_ndim = 3
    takes_mask = True

    def __init__(self, layer, merge_mode="concat", backward_layer=None, **kwargs):
        if not isinstance(layer, Recurrent):
            raise TypeError(f"Bidirectional wraps a recurrent layer (LSTM, GRU, SimpleRNN), "
                            f"got {type(layer).__name__}.")
        if merge_mode not in MERGES:
            raise ValueError(
                f"Bidirectional merge_mode must be one of {sorted(MERGES)}, got "
                f"{merge_mode!r} (None, two separate outputs, cannot feed a Sequential "
                f"model's next layer).")
        if layer.stateful or layer.return_state:
            raise ValueError("Bidirectional does not support stateful=True or "
                             "return_state=True on its layer.")
        if layer.batch_input_shape is not None:  # Bidirectional(LSTM(..., input_shape=...))
            kwargs.setdefault("batch_input_shape", layer.batch_input_shape)
        super().__init__(**kwargs)
        self.merge_mode, self.given_backward = merge_mode, backward_layer is not None
        if backward_layer is not None:
            _check_backward(layer, backward_layer)
        self.forward_layer = layer
        self.backward_layer = backward_layer or type(layer).from_config({
            **layer.get_config(), "name": f"backward_{layer.name}",
            "go_backwards": not layer.go_backwards})
        self.weight_names = tuple(f"{side}/{name}" for side in ("forward", "backward")
                                  for name in layer.weight_names)
        self.trainable = self.trainable and _inner_trainable(
            "Bidirectional", [inner for _, inner in self._sides()])
        for _, inner in self._sides():  # as Keras: masked steps of sequences output zeros
            inner.zero_output_for_mask = inner.return_sequences

    def get_config(self):
        config = {**super().get_config(), "layer": _layer_config(self.forward_layer),
                  "merge_mode": self.merge_mode}
        if self.given_backward:
            config["backward_layer"] = _layer_config(self.backward_layer)
        return config

    @property
    def uses_dropout(self) -> bool:
        return self.forward_layer.uses_dropout or self.backward_layer.uses_dropout

    def _sides(self):
        return (("forward", self.forward_layer), ("backward", self.backward_layer))

    @property
    def regularized(self) -> bool:
        return any(layer.regularized for _, layer in self._sides())

    def penalty(self, params):
        return sum(layer.penalty(_unprefixed(side, params)) for side, layer in self._sides())

    @property
    def constrained(self) -> bool:
        return any(layer.constrained for _, layer in self._sides())

    def constrain(self, params):
        return {f"{side}/{name}": w for side, layer in self._sides()
                for name, w in layer.constrain(_unprefixed(side, params)).items()}

    def check_input_shape(self, input_shape):
        for _, layer in self._sides():
            layer.check_input_shape(input_shape)

    def weight_shapes(self, input_shape):
        return {f"{side}/{n}": s for side, layer in self._sides()
                for n, s in layer.weight_shapes(input_shape).items()}

    def init(self, generator, input_shape):
        return {k: w for side, layer in self._sides()
                for k, w in _prefixed(side, layer.init(generator, input_shape)).items()}

    def mask_out(self, masked):
        return self.forward_layer.mask_out(masked)

    def compute_mask(self, x, mask):
        return self.forward_layer.compute_mask(x, mask)

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        return (*shape[:-1], 2 * shape[-1]) if self.merge_mode == "concat" else shape

    def apply(self, params, x, state=None, *, training=False, key=None, mask=None):
        keys = (None, None) if key is None else jax.random.split(key)
        forward, backward = (layer.apply(_unprefixed(side, params), x, training=training,
                                         key=k, mask=mask)[0]
                             for (side, layer), k in zip(self._sides(), keys, strict=True))
        if self.forward_layer.return_sequences:
            backward = jnp.flip(backward, axis=1)  # back in time order
        return MERGES[self.merge_mode](forward, backward), state


def _check_backward(forward: Layer, backward: Layer) -> None:
    """Keras's rules for a given backward layer: the other reading direction, the same
    outputs."""
    if not isinstance(backward, Recurrent):
        raise TypeError(f"Bidirectional backward_layer must be a recurrent layer, got "
                        f"{type(backward).__name__}.")
    if backward.go_backwards == forward.go_backwards:
        raise ValueError("Bidirectional: the forward layer and backward_layer must have "
                         "different go_backwards values.")
    for setting in ("return_sequences", "stateful", "return_state", "units"):
        if getattr(backward, setting) != getattr(forward, setting):
            raise ValueError(f"Bidirectional: the forward layer and backward_layer must have "
                             f"the same {setting}, got {getattr(forward, setting)!r} and "
                             f"{getattr(backward, setting)!r}.")


class TimeDistributed(Layer):
    """``layer`` applied to every timestep of inputs (batch, timesteps, ...), with one set
    of weights (the layer's own)."""

    supports_masking = True

    def __init__(self, layer, **kwargs):
        if isinstance(layer, Layer) and layer.batch_statistics:
            raise TypeError(f"TimeDistributed does not wrap {layer!r}, whose batch "
                            f"statistics it would split by timestep. A BatchNormalization "
                            f"takes (batch, timesteps, features) itself: give it the "
                            f"sequence, unwrapped.")
        if not isinstance(layer, Layer) or layer.stateful:
            raise TypeError(f"TimeDistributed wraps a layer that keeps no state, got "
                            f"{layer!r}.")
        if layer.keras_style:
            raise TypeError(f"TimeDistributed wraps lstmkit's layers; {layer!r}, written "
                            f"Keras's way, can take (batch, timesteps, ...) inputs itself.")
        super().__init__(**kwargs)
        self.layer = layer
        self.trainable = self.trainable and _inner_trainable("TimeDistributed", [layer])
        self.weight_names = layer.weight_names

    def get_config(self):
        return {**super().get_config(), "layer": _layer_config(self.layer)}

    @property
    def uses_dropout(self) -> bool:
        return self.layer.uses_dropout

    @property
    def regularized(self) -> bool:
        return self.layer.regularized

    def penalty(self, params):
        return self.layer.penalty(params)

    @property
    def constrained(self) -> bool:
        return self.layer.constrained

    def constrain(self, params):
        return self.layer.constrain(params)

    @staticmethod
    def _step_shape(input_shape):
        return (None, *input_shape[2:])  # one timestep of every sample

    def check_input_shape(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"Layer {self.name!r} (TimeDistributed) expects inputs (batch, "
                             f"timesteps, ...), got input_shape={input_shape[1:]}.")
        self.layer.check_input_shape(self._step_shape(input_shape))

    def weight_shapes(self, input_shape):
        return self.layer.weight_shapes(self._step_shape(input_shape))

    def init(self, generator, input_shape):
        return self.layer.init(generator, self._step_shape(input_shape))

    def compute_output_shape(self, input_shape):
        step = self.layer.compute_output_shape(self._step_shape(input_shape))
        return (*input_shape[:2], *step[1:])

    def apply(self, params, x, state=None, *, training=False, key=None):
        B, T = x.shape[:2]
        y, _ = self.layer.apply(params, x.reshape(B * T, *x.shape[2:]), training=training,
                                key=key)
        return y.reshape(B, T, *y.shape[1:]), state


def _inner_trainable(wrapper: str, layers) -> bool:
    """Whether a wrapper's inner layers train: a frozen inner layer freezes the wrapper,
    which lstmkit freezes or trains as a whole."""
    flags = {layer.trainable for layer in layers}
    if len(flags) > 1:
        raise ValueError(f"{wrapper}: its forward and backward layers are one trainable and "
                         f"one frozen; lstmkit freezes a wrapper as a whole. Give both the "
                         f"same trainable setting.")
    return flags.pop()
