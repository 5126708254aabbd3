"""Layers: ``Dense``, ``Dropout``, ``Activation``, ``RepeatVector``, ``Flatten``,
``Masking``, ``Embedding``, ``LSTM``, ``GRU``, ``SimpleRNN``, ``Bidirectional``,
``TimeDistributed``."""

from lstmkit.layers.base import Layer
from lstmkit.layers.core import Activation, Dense, Dropout, Flatten, Masking, RepeatVector
from lstmkit.layers.embeddings import Embedding
from lstmkit.layers.recurrent import GRU, LSTM, SimpleRNN
from lstmkit.layers.wrappers import Bidirectional, TimeDistributed

__all__ = ["Layer", "Dense", "Dropout", "Activation", "RepeatVector", "Flatten", "Masking",
           "Embedding", "LSTM", "GRU", "SimpleRNN", "Bidirectional", "TimeDistributed"]
