"""Recurrent layers (Keras 2 path ``keras.layers.recurrent``): thin shells over ``cells``."""

import jax
import jax.numpy as jnp
import numpy as np

from lstmkit import activations, initializers
from lstmkit.cells import LSTMCarry, lstm_sequence
from lstmkit.layers.base import Layer, check_int, check_rate
from lstmkit.layers.core import dropout_mask


class LSTM(Layer):
    """Long short-term memory layer over inputs (batch, timesteps, features).

    Keras's weights and semantics: ``kernel`` (features, 4*units), ``recurrent_kernel``
    (units, 4*units), ``bias`` (4*units,), gate order i, f, c, o. With ``unit_forget_bias``
    the forget quarter of the initial bias is 1.0. ``dropout`` and ``recurrent_dropout``
    draw one mask per sequence (shared by all timesteps) while training.

    Output: (batch, units), or (batch, timesteps, units) with ``return_sequences``.
    With ``go_backwards`` the input is read last step first and sequences are returned in
    that reading order, as Keras does. Called on an array with ``return_state=True`` the
    layer returns ``[output, h, c]``.

    With ``stateful=True`` (which needs a fixed batch size: ``batch_input_shape`` or
    ``batch_size``) the final ``(h, c)`` of sample ``i`` of one batch is the initial state
    of sample ``i`` of the next batch, and of the next call, until ``reset_states()``.
    """

    weight_names = ("kernel", "recurrent_kernel", "bias")
    input_ndim = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, dropout=0.0,
                 recurrent_dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.units = check_int("units", units, minimum=1)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.states: LSTMCarry | None = None
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)

    def get_config(self):
        return {
            **super().get_config(), "units": self.units,
            "activation": activations.to_config(self.activation),
            "recurrent_activation": activations.to_config(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias, "return_sequences": self.return_sequences,
            "return_state": self.return_state, "go_backwards": self.go_backwards,
            "stateful": self.stateful, "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
        }

    def build(self, input_shape, generator=None):
        output_shape = super().build(input_shape, generator)
        if self.stateful:
            self.reset_states()
        return output_shape

    def check_input_shape(self, input_shape):
        super().check_input_shape(input_shape)
        if self.stateful and input_shape[0] is None:
            raise ValueError(
                f"Layer {self.name!r} is stateful, so it needs a fixed batch size: give the "
                f"first layer batch_input_shape=(batch, timesteps, features), or "
                f"input_shape=(timesteps, features) with batch_size=batch.")
        if input_shape[-1] is None:
            raise ValueError(
                f"Layer {self.name!r} (LSTM) needs a known feature count, got "
                f"input_shape={input_shape[1:]}; give input_shape=(timesteps, features)."
            )

    def weight_shapes(self, input_shape):
        F, U = input_shape[-1], self.units
        shapes = {"kernel": (F, 4 * U), "recurrent_kernel": (U, 4 * U)}
        if self.use_bias:
            shapes["bias"] = (4 * U,)
        return shapes

    def init(self, generator, input_shape):
        shapes, U = self.weight_shapes(input_shape), self.units
        params = {
            "kernel": initializers.draw(self.kernel_initializer, shapes["kernel"], generator),
            "recurrent_kernel": initializers.draw(self.recurrent_initializer,
                                                  shapes["recurrent_kernel"], generator),
        }
        if not self.use_bias:
            return params
        if self.unit_forget_bias:  # Keras: the forget gate's quarter starts at exactly 1
            params["bias"] = np.concatenate([
                initializers.draw(self.bias_initializer, (U,), generator),
                np.ones(U, np.float32),
                initializers.draw(self.bias_initializer, (2 * U,), generator)])
        else:
            params["bias"] = initializers.draw(self.bias_initializer, (4 * U,), generator)
        return params

    def compute_output_shape(self, input_shape):
        batch, timesteps = input_shape[0], input_shape[1]
        if self.return_sequences:
            return (batch, timesteps, self.units)
        return (batch, self.units)

    def reset_states(self, states=None) -> None:
        """Set a stateful layer's ``(h, c)`` to zeros, or to ``states=[h, c]`` (batch, units)."""
        if not self.stateful:
            raise ValueError(f"Layer {self.name!r} is not stateful (give stateful=True); it "
                             "starts every batch from zeros and has no states to reset.")
        if not self.built:
            raise ValueError(f"Layer {self.name!r} is not built yet, so it has no states.")
        batch = self.input_shape[0]
        self.states = (self.zero_state(batch, np) if states is None
                       else self._checked_states(states, batch))

    reset_state = reset_states

    def _checked_states(self, states, batch: int) -> LSTMCarry:
        """``[h, c]`` as float32 arrays of shape (batch, units), or a clear error."""
        if not isinstance(states, list | tuple) or len(states) != 2:
            raise ValueError(f"Layer {self.name!r}: states must be a list [h, c], got "
                             f"{type(states).__name__}.")
        arrays = [np.array(s, dtype=np.float32) for s in states]  # copies: the caller keeps theirs
        for name, a in zip("hc", arrays, strict=True):
            if a.shape != (batch, self.units):
                raise ValueError(f"Layer {self.name!r}: state {name} must have shape "
                                 f"{(batch, self.units)} (batch, units), got {a.shape}.")
        return LSTMCarry(*arrays)

    def call_state(self, initial_state, batch_size):
        if initial_state is not None:
            return self._checked_states(initial_state, batch_size)
        return self.states if self.stateful else None

    def call_outputs(self, y, state):
        if self.stateful:
            self.states = state
        if self.return_state:
            return [np.asarray(y), np.asarray(state.h), np.asarray(state.c)]
        return np.asarray(y)

    def zero_state(self, batch_size: int, xp=jnp) -> LSTMCarry:
        """Zero ``(h, c)``; ``xp=np`` makes them on the host (a reset then calls no device)."""
        zeros = xp.zeros((batch_size, self.units), xp.float32)
        return LSTMCarry(zeros, zeros)

    @property
    def uses_dropout(self) -> bool:
        return bool(self.dropout or self.recurrent_dropout)

    def apply(self, params, x, state=None, *, training=False, key=None):
        """``x`` (B, T, F) -> (y, final ``LSTMCarry``); ``state`` defaults to zeros."""
        carry = self.zero_state(x.shape[0]) if state is None else LSTMCarry(*state)
        if self.go_backwards:
            x = jnp.flip(x, axis=1)
        recurrent_mask = None
        if training and (self.dropout or self.recurrent_dropout):
            k_in, k_rec = jax.random.split(key)
            if self.dropout:
                x = x * dropout_mask(k_in, self.dropout, (x.shape[0], 1, x.shape[2]))
            if self.recurrent_dropout:
                recurrent_mask = dropout_mask(k_rec, self.recurrent_dropout, carry.h.shape)
        carry, hs = lstm_sequence(params, x, carry, recurrent_mask, activation=self.activation,
                                  recurrent_activation=self.recurrent_activation)
        return (hs if self.return_sequences else carry.h), carry
