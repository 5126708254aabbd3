"""lstmkit: Keras-style recurrent sequence models compiled with JAX.

Code written for Keras 2 tutorials runs with ``keras`` replaced by ``lstmkit`` in its
imports: ``lstmkit.models.Sequential``, ``lstmkit.layers.LSTM`` / ``GRU`` / ``SimpleRNN``
/ ``Dense`` / ``Dropout`` / ``Activation``, ``lstmkit.optimizers``,
``lstmkit.utils.to_categorical``, ..., and Keras 3's ``lstmkit.Input(shape=...)`` as a
``Sequential`` model's first element, or with ``lstmkit.Model`` (Keras's functional API)
for a chain of layers.
"""

from lstmkit import (
    activations,
    backend,
    cache,
    constraints,
    data,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    preprocessing,
    regularizers,
    utils,
)
from lstmkit.callbacks import History
from lstmkit.layers import GRU, LSTM, Activation, Dense, Dropout, Embedding, Input, SimpleRNN
from lstmkit.models import Model, Sequential
from lstmkit.rng import set_random_seed

__version__ = "0.1.0"
cache.enable()

__all__ = [
    "Sequential", "Model", "Input", "LSTM", "GRU", "SimpleRNN", "Dense", "Dropout", "Activation",
    "Embedding", "History", "set_random_seed", "activations", "backend", "initializers",
    "layers", "constraints", "losses", "metrics", "models", "optimizers", "data", "datasets",
    "preprocessing", "regularizers", "utils", "__version__",
]
