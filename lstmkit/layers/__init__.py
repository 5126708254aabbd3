"""Layers: ``Dense``, ``Dropout``, ``Activation``, ``LSTM``, ``GRU``, ``SimpleRNN``."""

from lstmkit.layers.base import Layer
from lstmkit.layers.core import Activation, Dense, Dropout
from lstmkit.layers.recurrent import GRU, LSTM, SimpleRNN

__all__ = ["Layer", "Dense", "Dropout", "Activation", "LSTM", "GRU", "SimpleRNN"]
