"""Layers under Keras's names (listed in ``__all__``), with Keras's weights and
semantics; ``Input`` / ``InputLayer`` declare a model's input shape. Keras 2's module
paths (``lstmkit.layers.core``, ``.recurrent``, ...) hold them too."""

from lstmkit.layers.advanced_activations import ELU, LeakyReLU, PReLU, ReLU
from lstmkit.layers.base import Layer
from lstmkit.layers.convolutional import Conv1D, Convolution1D
from lstmkit.layers.core import (
    Activation,
    Dense,
    Dropout,
    Flatten,
    Lambda,
    Masking,
    RepeatVector,
    Reshape,
    SpatialDropout1D,
)
from lstmkit.layers.embeddings import Embedding
from lstmkit.layers.inputs import Input, InputLayer
from lstmkit.layers.noise import GaussianDropout, GaussianNoise
from lstmkit.layers.normalization import BatchNormalization, LayerNormalization
from lstmkit.layers.pooling import (
    AveragePooling1D,
    AvgPool1D,
    GlobalAveragePooling1D,
    GlobalAvgPool1D,
    GlobalMaxPool1D,
    GlobalMaxPooling1D,
    MaxPool1D,
    MaxPooling1D,
)
from lstmkit.layers.recurrent import GRU, LSTM, CuDNNGRU, CuDNNLSTM, SimpleRNN
from lstmkit.layers.wrappers import Bidirectional, TimeDistributed

__all__ = ["Layer", "Input", "InputLayer", "Dense", "Dropout", "SpatialDropout1D", "Activation",
           "RepeatVector", "Flatten", "Reshape", "Lambda", "Masking", "LayerNormalization",
           "BatchNormalization", "LeakyReLU", "ReLU", "ELU", "PReLU", "GaussianNoise",
           "GaussianDropout",
           "Embedding", "LSTM", "GRU", "SimpleRNN", "CuDNNLSTM", "CuDNNGRU", "Bidirectional",
           "TimeDistributed", "Conv1D", "Convolution1D", "MaxPooling1D", "AveragePooling1D",
           "GlobalMaxPooling1D", "GlobalAveragePooling1D", "MaxPool1D", "AvgPool1D",
           "GlobalMaxPool1D", "GlobalAvgPool1D"]
