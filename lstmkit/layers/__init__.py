"""Layers: ``Dense``, ``Dropout``, ``Activation``, ``Embedding``, ``LSTM``, ``GRU``,
``SimpleRNN``."""

from lstmkit.layers.base import Layer
from lstmkit.layers.core import Activation, Dense, Dropout
from lstmkit.layers.embeddings import Embedding
from lstmkit.layers.recurrent import GRU, LSTM, SimpleRNN

__all__ = ["Layer", "Dense", "Dropout", "Activation", "Embedding", "LSTM", "GRU",
           "SimpleRNN"]
