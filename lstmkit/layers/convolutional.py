"""The 1-D convolution layer (Keras 2 path ``keras.layers.convolutional``, which also
held the pooling layers, as CNN-LSTM tutorials import them from it), for the tutorials'
CNN-LSTM models: convolutions over time read local patterns, the LSTM reads their order."""

from jax import lax

from lstmkit import activations, initializers
from lstmkit.layers.base import Layer, check_int

PADDINGS = ("valid", "same", "causal")


def conv1d_length(length, kernel_size: int, strides: int, padding: str, dilation: int):
    """Keras's output length of a 1-D convolution (None stays None)."""
    if length is None:
        return None
    if padding == "same":
        return -(-length // strides)
    span = dilation * (kernel_size - 1) + 1
    if padding == "causal":
        length += span - 1
    return (length - span) // strides + 1


class Conv1D(Layer):
    """``activation(conv(x, kernel) + bias)`` along the time axis of (batch, timesteps,
    channels): ``filters`` outputs per position. Keras's weights: ``kernel`` (kernel_size,
    channels, filters), ``bias`` (filters,). ``padding``: ``'valid'`` (no padding),
    ``'same'`` (output as long as the input at stride 1) or ``'causal'`` (padded at the
    start, so position t sees only t and before)."""

    weight_names = ("kernel", "bias")
    input_ndim = 3

    def __init__(self, filters, kernel_size, strides=1, padding="valid", dilation_rate=1,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.filters = check_int("filters", filters, minimum=1)
        self.kernel_size = check_int("kernel_size", single_size(kernel_size), minimum=1)
        self.strides = check_int("strides", single_size(strides), minimum=1)
        self.dilation_rate = check_int("dilation_rate", single_size(dilation_rate), minimum=1)
        if padding not in PADDINGS:
            raise ValueError(f"Conv1D padding must be one of {PADDINGS}, got {padding!r}.")
        self.padding = padding
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "dilation_rate": self.dilation_rate,
                "activation": activations.to_config(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}

    def check_input_shape(self, input_shape):
        super().check_input_shape(input_shape)
        if input_shape[-1] is None:
            raise ValueError(f"Layer {self.name!r} (Conv1D) needs a known channel count, got "
                             f"input_shape={input_shape[1:]}.")
        length = conv1d_length(input_shape[1], self.kernel_size, self.strides, self.padding,
                               self.dilation_rate)
        if length is not None and length < 1:
            raise ValueError(f"Layer {self.name!r} (Conv1D): {input_shape[1]} timesteps are "
                             f"fewer than its kernel spans ({self.kernel_size}, dilation "
                             f"{self.dilation_rate}); use padding='same' or a smaller kernel.")

    def weight_shapes(self, input_shape):
        shapes = {"kernel": (self.kernel_size, input_shape[-1], self.filters)}
        if self.use_bias:
            shapes["bias"] = (self.filters,)
        return shapes

    def compute_output_shape(self, input_shape):
        length = conv1d_length(input_shape[1], self.kernel_size, self.strides, self.padding,
                               self.dilation_rate)
        return (input_shape[0], length, self.filters)

    def apply(self, params, x, state=None, *, training=False, key=None):
        if self.padding == "causal":
            padding = [(self.dilation_rate * (self.kernel_size - 1), 0)]
        else:
            padding = self.padding.upper()
        y = lax.conv_general_dilated(x, params["kernel"], (self.strides,), padding,
                                     rhs_dilation=(self.dilation_rate,),
                                     dimension_numbers=("NWC", "WIO", "NWC"))
        if self.use_bias:
            y = y + params["bias"]
        return self.activation(y), state


def single_size(value):
    """Keras also takes sizes as one-element tuples: ``kernel_size=(3,)``."""
    if isinstance(value, list | tuple) and len(value) == 1:
        return value[0]
    return value



Convolution1D = Conv1D  # Keras 2's other name

# Keras 2's module held the pooling layers too (pooling imports this module first).
from lstmkit.layers.pooling import *  # noqa: E402, F403
from lstmkit.layers.pooling import __all__ as _pooling_names  # noqa: E402

__all__ = ["Conv1D", "Convolution1D", *_pooling_names]
