"""Layers: ``Dense``, ``Dropout``, ``Activation``, ``LSTM``."""

from lstmkit.layers.base import Layer
from lstmkit.layers.core import Activation, Dense, Dropout
from lstmkit.layers.recurrent import LSTM

__all__ = ["Layer", "Dense", "Dropout", "Activation", "LSTM"]
