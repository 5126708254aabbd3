"""Recurrent layers (Keras 2 path ``keras.layers.recurrent``): thin shells over ``cells``.

``Recurrent`` holds what ``LSTM``, ``GRU`` and ``SimpleRNN`` share: the input checks, the
options of Keras's ``RNN`` (``return_sequences``, ``return_state``, ``go_backwards``,
``stateful``, ``dropout``, ``recurrent_dropout``) and the state a stateful layer keeps.
Each layer adds its weights' shapes and initial values and the cell it runs over time.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from lstmkit import activations, initializers
from lstmkit.cells import (
    HiddenCarry,
    LSTMCarry,
    gru_cell,
    lstm_cell,
    lstm_sequence,
    masked_outputs,
    run_over_time,
    simple_rnn_cell,
)
from lstmkit.layers.base import Layer, check_int, check_rate
from lstmkit.layers.core import dropout_mask


class Recurrent(Layer):
    """Base of the recurrent layers, over inputs (batch, timesteps, features).

    Output: (batch, units), or (batch, timesteps, units) with ``return_sequences``.
    With ``go_backwards`` the input is read last step first and sequences are returned in
    that reading order, as Keras does. Called on an array with ``return_state=True`` the
    layer returns ``[output, *states]`` (an LSTM's ``[output, h, c]``, a GRU's
    ``[output, h]``). ``dropout`` and ``recurrent_dropout`` draw one mask per sequence
    (shared by all timesteps) while training.

    With ``stateful=True`` (which needs a fixed batch size: ``batch_input_shape`` or
    ``batch_size``) the final state of sample ``i`` of one batch is the initial state of
    sample ``i`` of the next batch, and of the next call, until ``reset_states()``.

    After ``Embedding(mask_zero=True)`` or ``Masking`` the layer skips padded timesteps
    as Keras's do (the state passes through them), and with ``return_sequences`` passes
    the mask on.
    """

    weight_names = ("kernel", "recurrent_kernel", "bias")
    input_ndim = 3
    carry_type: type = HiddenCarry  # the NamedTuple of states, each (batch, units)
    gates = 1  # blocks of ``units`` columns in the kernels
    takes_mask = True

    def __init__(self, units, activation, use_bias, kernel_initializer, recurrent_initializer,
                 bias_initializer, *, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, dropout=0.0, recurrent_dropout=0.0,
                 zero_output_for_mask=False, implementation=2, unroll=False,
                 input_length=None, **kwargs):
        # implementation and unroll choose how Keras computes the same function: the
        # compiled scan here, whatever they say. input_length: Keras 2's timesteps.
        if input_length is not None and "input_dim" in kwargs and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length, kwargs.pop("input_dim"))
        super().__init__(**kwargs)
        self.units = check_int("units", units, minimum=1)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.states = None
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        # Outputs at masked timesteps: the previous h (Keras's default), or zeros (what
        # Bidirectional sets for sequences).
        self.zero_output_for_mask = zero_output_for_mask

    def get_config(self):
        return {
            **super().get_config(), "units": self.units,
            "activation": activations.to_config(self.activation), "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "return_sequences": self.return_sequences, "return_state": self.return_state,
            "go_backwards": self.go_backwards, "stateful": self.stateful,
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
            "zero_output_for_mask": self.zero_output_for_mask,
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
                f"input_shape=(timesteps, features) with batch_size=batch (or start the "
                f"model with Input(shape=(timesteps, features), batch_size=batch)).")
        if input_shape[-1] is None:
            raise ValueError(
                f"Layer {self.name!r} ({type(self).__name__}) needs a known feature count, "
                f"got input_shape={input_shape[1:]}; give input_shape=(timesteps, features)."
            )

    def weight_shapes(self, input_shape):
        F, columns = input_shape[-1], self.gates * self.units
        shapes = {"kernel": (F, columns), "recurrent_kernel": (self.units, columns)}
        if self.use_bias:
            shapes["bias"] = self.bias_shape()
        return shapes

    def bias_shape(self) -> tuple[int, ...]:
        return (self.gates * self.units,)

    def init(self, generator, input_shape):
        shapes = self.weight_shapes(input_shape)
        params = {
            "kernel": initializers.draw(self.kernel_initializer, shapes["kernel"], generator),
            "recurrent_kernel": initializers.draw(self.recurrent_initializer,
                                                  shapes["recurrent_kernel"], generator),
        }
        if self.use_bias:
            params["bias"] = self.initial_bias(generator)
        return params

    def initial_bias(self, generator) -> np.ndarray:
        return initializers.draw(self.bias_initializer, self.bias_shape(), generator)

    def mask_out(self, masked):
        return masked and self.return_sequences

    def compute_mask(self, x, mask):
        return mask if self.return_sequences else None

    def compute_output_shape(self, input_shape):
        batch, timesteps = input_shape[0], input_shape[1]
        if self.return_sequences:
            return (batch, timesteps, self.units)
        return (batch, self.units)

    def reset_states(self, states=None) -> None:
        """Set a stateful layer's states to zeros, or to ``states`` (a list of (batch,
        units) arrays: an LSTM's ``[h, c]``, a GRU's ``[h]``)."""
        if not self.stateful:
            raise ValueError(f"Layer {self.name!r} is not stateful (give stateful=True); it "
                             "starts every batch from zeros and has no states to reset.")
        if not self.built:
            raise ValueError(f"Layer {self.name!r} is not built yet, so it has no states.")
        batch = self.input_shape[0]
        self.states = (self.zero_state(batch, np) if states is None
                       else self._checked_states(states, batch))

    reset_state = reset_states

    def _checked_states(self, states, batch: int):
        """The states as float32 arrays of shape (batch, units), or a clear error. A layer
        with one state also takes the array alone, as Keras does."""
        fields = self.carry_type._fields
        if len(fields) == 1 and not isinstance(states, list | tuple):
            states = [states]
        if not isinstance(states, list | tuple) or len(states) != len(fields):
            raise ValueError(f"Layer {self.name!r}: states must be a list [{', '.join(fields)}]"
                             f", got {_described(states)}.")
        arrays = [np.array(s, dtype=np.float32) for s in states]  # copies: the caller keeps theirs
        for name, a in zip(fields, arrays, strict=True):
            if a.shape != (batch, self.units):
                raise ValueError(f"Layer {self.name!r}: state {name} must have shape "
                                 f"{(batch, self.units)} (batch, units), got {a.shape}.")
        return self.carry_type(*arrays)

    def call_state(self, initial_state, batch_size):
        if initial_state is not None:
            return self._checked_states(initial_state, batch_size)
        return self.states if self.stateful else None

    def call_outputs(self, y, state):
        if self.stateful:
            self.states = state
        if self.return_state:
            return [np.asarray(y), *(np.asarray(s) for s in state)]
        return np.asarray(y)

    def zero_state(self, batch_size: int, xp=jnp):
        """Zero states; ``xp=np`` makes them on the host (a reset then calls no device)."""
        zeros = xp.zeros((batch_size, self.units), xp.float32)
        return self.carry_type(*(zeros for _ in self.carry_type._fields))

    @property
    def uses_dropout(self) -> bool:
        return bool(self.dropout or self.recurrent_dropout)

    def apply(self, params, x, state=None, *, training=False, key=None, mask=None):
        """``x`` (B, T, F) -> (y, final states); ``state`` defaults to zeros; ``mask`` (B, T)
        marks the real timesteps."""
        carry = self.zero_state(x.shape[0]) if state is None else self.carry_type(*state)
        if self.go_backwards:
            x = jnp.flip(x, axis=1)
            mask = None if mask is None else jnp.flip(mask, axis=1)
        recurrent_mask = None
        if training and self.uses_dropout:
            k_in, k_rec = jax.random.split(key)
            if self.dropout:
                x = x * dropout_mask(k_in, self.dropout, (x.shape[0], 1, x.shape[2]))
            if self.recurrent_dropout:
                recurrent_mask = dropout_mask(k_rec, self.recurrent_dropout, carry.h.shape)
        carry, hs = self.sequence(params, x, carry, recurrent_mask, mask)
        if self.return_sequences:
            return masked_outputs(hs, mask, self.zero_output_for_mask), carry
        # Keras's last output: zeros after a masked last step with zero_output_for_mask
        return masked_outputs(carry.h[:, None], None if mask is None else mask[:, -1:],
                              self.zero_output_for_mask)[:, 0], carry

    def cell(self, recurrent_mask):
        """The step function ``(params, carry, x_t) -> (carry, h_t)``."""
        raise NotImplementedError

    def sequence(self, params, x, carry, recurrent_mask, mask):
        """The cell over all of x (B, T, F), skipping the steps ``mask`` (B, T) leaves out:
        ``(final carry, outputs (B, T, U))``."""
        return run_over_time(self.cell(recurrent_mask), params, x, carry, mask)


class LSTM(Recurrent):
    """Long short-term memory layer.

    Keras's weights and semantics: ``kernel`` (features, 4*units), ``recurrent_kernel``
    (units, 4*units), ``bias`` (4*units,), gate order i, f, c, o; states ``(h, c)``. With
    ``unit_forget_bias`` the forget quarter of the initial bias is 1.0. The other
    arguments are ``Recurrent``'s.
    """

    carry_type = LSTMCarry
    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.to_config(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}

    def initial_bias(self, generator):
        if not self.unit_forget_bias:
            return super().initial_bias(generator)
        U = self.units  # Keras: the forget gate's quarter starts at exactly 1
        return np.concatenate([initializers.draw(self.bias_initializer, (U,), generator),
                               np.ones(U, np.float32),
                               initializers.draw(self.bias_initializer, (2 * U,), generator)])

    def cell(self, recurrent_mask):
        return functools.partial(lstm_cell, activation=self.activation,
                                 recurrent_activation=self.recurrent_activation,
                                 recurrent_mask=recurrent_mask)

    def sequence(self, params, x, carry, recurrent_mask, mask):
        """The fused scan with the hand-written backward pass."""
        return lstm_sequence(params, x, carry, recurrent_mask, mask, activation=self.activation,
                             recurrent_activation=self.recurrent_activation)


class GRU(Recurrent):
    """Gated recurrent unit layer.

    Keras's weights and semantics: ``kernel`` (features, 3*units), ``recurrent_kernel``
    (units, 3*units), gate order z (update), r (reset), h (candidate); state ``(h,)``.
    With ``reset_after=True`` (Keras 3's and tf.keras 2's default) the reset gate applies
    after the recurrent matmul and ``bias`` is (2, 3*units): input and recurrent biases;
    ``reset_after=False`` is Keras 2.2's original GRU, with ``bias`` (3*units,). The other
    arguments are ``Recurrent``'s.
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", reset_after=True, **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.to_config(self.recurrent_activation),
                "reset_after": self.reset_after}

    def bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def cell(self, recurrent_mask):
        return functools.partial(gru_cell, activation=self.activation,
                                 recurrent_activation=self.recurrent_activation,
                                 reset_after=self.reset_after, recurrent_mask=recurrent_mask)


class CuDNNLSTM(LSTM):
    """Keras 2's GPU-only ``keras.layers.CuDNNLSTM``: the same function as ``LSTM`` with
    its defaults (tanh, sigmoid), which lstmkit runs on any device. (Keras 2's own
    CuDNNLSTM weights hold two bias vectors; this layer's are an LSTM's.)"""


class CuDNNGRU(GRU):
    """Keras 2's GPU-only ``keras.layers.CuDNNGRU``: ``GRU`` with ``reset_after=True`` and
    sigmoid gates, its defaults, on any device."""


class SimpleRNN(Recurrent):
    """Fully connected recurrent layer: ``h_t = activation(x_t W + h_{t-1} U + b)``, with
    ``kernel`` (features, units), ``recurrent_kernel`` (units, units), ``bias`` (units,);
    state ``(h,)``. The other arguments are ``Recurrent``'s."""

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, **kwargs)

    def cell(self, recurrent_mask):
        return functools.partial(simple_rnn_cell, activation=self.activation,
                                 recurrent_mask=recurrent_mask)


def _described(value) -> str:
    if isinstance(value, list | tuple):
        return f"a {type(value).__name__} of {len(value)}"
    return type(value).__name__
