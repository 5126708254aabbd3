"""The Embedding layer (Keras 2 path ``keras.layers.embeddings``): token indices to vectors,
the first layer of the tutorials' text and sequence classifiers."""

import jax.numpy as jnp
import numpy as np

from lstmkit import initializers
from lstmkit.layers.base import Layer, check_int

# Indices travel with x as float32, exact for integers up to 2**24.
MAX_INPUT_DIM = 2**24


class Embedding(Layer):
    """Row ``i`` of ``embeddings`` (input_dim, output_dim) for each index ``i`` of x.

    Input: integer indices (batch, timesteps), from 0 to ``input_dim - 1`` (as
    ``Tokenizer`` and ``pad_sequences`` make them; 0 is the padding). Output: (batch,
    timesteps, output_dim). ``input_length`` is Keras 2's way to give the timesteps.
    With ``mask_zero=True`` index 0 is padding: the recurrent layers after it skip those
    timesteps, as Keras's do (so ``input_dim`` must count index 0 too).
    """

    weight_names = ("embeddings",)
    input_ndim = 2

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 mask_zero=False, input_length=None, **kwargs):
        if input_length is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        super().__init__(**kwargs)
        self.input_dim = check_int("input_dim", input_dim, minimum=1)
        if self.input_dim > MAX_INPUT_DIM:
            raise ValueError(f"input_dim must be at most {MAX_INPUT_DIM:,} (indices are sent "
                             f"as float32), got {self.input_dim:,}.")
        self.output_dim = check_int("output_dim", output_dim, minimum=1)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.mask_zero = bool(mask_zero)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "mask_zero": self.mask_zero}

    def weight_shapes(self, input_shape):
        return {"embeddings": (self.input_dim, self.output_dim)}

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def mask_out(self, masked):
        return self.mask_zero

    def compute_mask(self, x, mask):
        return x != 0 if self.mask_zero else None

    def check_values(self, name: str, x: np.ndarray) -> None:
        whole = np.all(x == np.round(x))
        if not whole or x.min() < 0 or x.max() >= self.input_dim:
            bad = ~((x == np.round(x)) & (x >= 0) & (x < self.input_dim))
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"{name} holds {x[where]:g} at index {where}, but Embedding {self.name!r} "
                f"takes whole numbers from 0 to {self.input_dim - 1} (input_dim="
                f"{self.input_dim}). Give input_dim the vocabulary size plus one (index 0 "
                f"is the padding), or map the tokens to indices with Tokenizer.")

    def apply(self, params, x, state=None, *, training=False, key=None):
        return jnp.take(params["embeddings"], x.astype(jnp.int32), axis=0), state
