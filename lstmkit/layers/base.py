"""The layer shell: holds config and weights; the math is ``init`` and ``apply``.

A layer is built for an input shape (batch axis first, ``None`` where unknown):
``init(key, input_shape) -> params`` makes its weights as a dict of arrays, and
``apply(params, x, state, *, training, key) -> (y, state)`` is a pure function that
``Sequential`` composes and JAX compiles. ``state`` is what a layer carries from one
call to the next (an LSTM's ``(h, c)``); layers without one pass ``None`` through.
"""

import warnings
from collections import Counter
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from lstmkit import constraints, initializers, regularizers, rng, validation
from lstmkit.registry import snake_case

Shape = tuple[int | None, ...]
_name_counts: Counter = Counter()


def unique_name(cls_name: str) -> str:
    """Keras 3 naming: ``lstm``, ``lstm_1``, ``lstm_2``, ... per layer type."""
    base = snake_case(cls_name)
    n = _name_counts[base]
    _name_counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def reset_names() -> None:
    """Count every layer type's names from the start again (``backend.clear_session``)."""
    _name_counts.clear()


def check_int(name: str, value: Any, *, minimum: int) -> int:
    """Validate an integer hyperparameter such as ``units``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def check_shape(name: str, value: Any) -> tuple:
    """Validate a declared shape such as ``input_shape``: positive sizes, ``None`` for any."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        value = (value,)  # Keras takes input_shape=5 for (5,)
    if not isinstance(value, tuple | list) or not all(
            d is None or (isinstance(d, int | np.integer) and not isinstance(d, bool) and d >= 1)
            for d in value):
        raise ValueError(f"{name} must be a tuple of positive sizes or None (any size), such "
                         f"as (timesteps, features) or (None, features), got {value!r}.")
    return tuple(None if d is None else int(d) for d in value)


def check_rate(name: str, value: Any) -> float:
    """Validate a dropout rate: a float in [0, 1)."""
    if not validation.is_number(value) or not 0 <= value < 1:
        raise ValueError(
            f"{name} must be a float in [0, 1) (the fraction of units to drop), got {value!r}."
        )
    return float(value)


def traced_shape(layer, fn, input_shape) -> tuple:
    """The output shape of ``fn``, a layer's computation written by its user (a Lambda's
    function, a custom layer's ``call``), for ``input_shape``: traced with sizes 2 and 3
    for each unknown dimension, where what changes with them is unknown (None)."""
    shapes = [_trace(layer, fn, [d or size for d in input_shape]) for size in (2, 3)]
    if len(shapes[0]) != len(shapes[1]):
        raise ValueError(f"Layer {layer.name!r} ({type(layer).__name__}) returns arrays of "
                         f"different ranks for different input sizes; give its output "
                         f"shape (a Lambda's output_shape=, a layer's compute_output_shape).")
    return tuple(a if a == b else None for a, b in zip(*shapes, strict=True))


def _trace(layer, fn, shape) -> tuple:
    where = f"Layer {layer.name!r} ({type(layer).__name__})"
    try:
        out = jax.eval_shape(fn, jax.ShapeDtypeStruct(tuple(shape), jnp.float32))
    except Exception as err:  # the user's code: any error it raises is theirs
        raise ValueError(
            f"{where} failed on inputs of shape {tuple(shape)} (sizes 2 and 3 stand in for "
            f"the unknown ones while lstmkit works out the output shape; a Lambda's "
            f"output_shape= or a layer's compute_output_shape skips that): "
            f"{type(err).__name__}: {err}. Write it with jax.numpy or lstmkit.backend "
            f"functions (TensorFlow's tf.* do not take JAX arrays).") from None
    if not isinstance(out, jax.ShapeDtypeStruct):
        raise ValueError(f"{where} must return one array, got {type(out).__name__}.")
    return tuple(out.shape)


class Layer:
    """Base of all layers.

    Args:
        name: unique by default (``lstm``, ``lstm_1``, ...).
        input_shape: shape of one sample, e.g. ``(timesteps, features)``; only on the
            first layer of a model. ``None`` entries accept any size.
        batch_input_shape: the same with the batch size first (Keras 2).
        input_dim: the feature count alone (Keras 2).
        batch_size: fixes the batch size together with ``input_shape``.
        weights: initial weights, as ``get_weights()`` lists them, set when the layer is
            built (Keras 2's ``Embedding(..., weights=[embedding_matrix])``).
        trainable: ``False`` freezes the weights: ``fit`` leaves them as they are.
    """

    weight_names: tuple[str, ...] = ()
    input_ndim: int | None = None  # the rank of x this layer requires, batch axis included
    stateful = False  # True when the layer keeps its state between calls (``self.states``)
    # Masks (B, T) of real timesteps, from Embedding(mask_zero=True) or Masking: a layer
    # that supports them passes its input's mask on; one that takes them gets
    # ``apply(..., mask=...)``; any other layer drops them, with Keras's warning.
    supports_masking = False
    takes_mask = False
    # Weights the optimizer leaves alone (summary() counts them as non-trainable): a
    # BatchNormalization's moving averages, a custom layer's add_weight(trainable=False).
    non_trainable_names: tuple[str, ...] = ()
    # A layer with batch statistics (BatchNormalization) gets ``apply(..., rows=...)``, the
    # 0/1 weights of the batch's real samples, while training, and hands back the new
    # values of its non-trainable weights as its state; fit stores them in its weights.
    batch_statistics = False
    keras_style = False  # written Keras's way, build with add_weight and call (custom)

    @property
    def uses_dropout(self) -> bool:
        """Whether training draws random masks here (and so needs a PRNG key)."""
        return False

    def __init_subclass__(cls, **kwargs):
        """A subclass written Keras's way (``build`` with ``add_weight``, ``call``) runs
        through ``lstmkit.layers.custom``."""
        super().__init_subclass__(**kwargs)
        from lstmkit.layers import custom  # which imports this module

        if custom.is_keras_style(cls):
            custom.adapt(cls)

    def add_weight(self, *args, **kwargs):
        """Keras's ``add_weight``, for layers written Keras's way (``lstmkit.layers.custom``),
        inside their ``build``."""
        from lstmkit.layers import custom

        return custom.add_weight(self, *args, **kwargs)

    def add_loss(self, *args, **kwargs):
        """Keras's ``add_loss``, which lstmkit does not have."""
        raise ValueError(f"{type(self).__name__} calls add_loss, which lstmkit does not have: "
                         f"give the penalty as a weight regularizer (add_weight(..., "
                         f"regularizer=l2(0.01))) or write it into a custom loss function.")

    @property
    def trainable_weights(self) -> list:
        """The weights the optimizer moves, as arrays (Keras's list)."""
        return [w for n, w in self.named_weights()
                if self.trainable and n not in self.non_trainable_names]

    @property
    def non_trainable_weights(self) -> list:
        return [w for n, w in self.named_weights()
                if not self.trainable or n in self.non_trainable_names]

    def finish_build(self, input_shape: Shape) -> Shape:
        """The end of a Keras-style ``build``: the added weights become the layer's."""
        from lstmkit.layers import custom

        custom.finish(self, input_shape)
        return self._built_for(input_shape)

    def __init__(self, *, name=None, input_shape=None, batch_input_shape=None,
                 input_dim=None, batch_size=None, weights=None, trainable=True, dtype=None,
                 activity_regularizer=None, **per_weight):
        self.name = name or unique_name(type(self).__name__)
        if dtype not in (None, "float32", np.float32):
            raise ValueError(f"{type(self).__name__}: lstmkit computes in float32, got "
                             f"dtype={dtype!r}; leave dtype out (or give 'float32').")
        self.regularizers, self.constraints = self._per_weight(per_weight, activity_regularizer)
        if not isinstance(trainable, bool):
            raise TypeError(f"trainable must be True or False, got {trainable!r}.")
        self.trainable = trainable
        self.initial_weights = None if weights is None else [np.asarray(w) for w in weights]
        self.batch_input_shape = self._declared_shape(
            input_shape, batch_input_shape, input_dim, batch_size)
        self.input_shape: Shape | None = None
        self.output_shape: Shape | None = None
        self.params = None  # {weight name: array} once built

    @classmethod
    def per_weight_keys(cls, kind: str) -> dict[str, str]:
        """Keras's argument of a ``kind`` (``"regularizer"``, ``"constraint"``) for each
        trainable weight, such as ``{"kernel_regularizer": "kernel",
        "recurrent_regularizer": "recurrent_kernel", ...}``."""
        return {("recurrent" if name == "recurrent_kernel" else name) + f"_{kind}": name
                for name in cls.weight_names if name not in cls.non_trainable_names}

    def _per_weight(self, given: dict, activity_regularizer) -> tuple[dict, dict]:
        """``{weight name: regularizer}`` and ``{weight name: constraint}`` from the
        ``*_regularizer`` and ``*_constraint`` arguments."""
        kinds = {"regularizer": regularizers.get, "constraint": constraints.get}
        keys = {key: (kind, name) for kind in kinds
                for key, name in self.per_weight_keys(kind).items()}
        unknown = sorted(set(given) - set(keys))
        other = [k for k in unknown if "regulariz" not in k and "constrain" not in k]
        if other:
            raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument "
                            f"{other[0]!r}.")
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected arguments {unknown}; its "
                            f"weights' regularizers and constraints are "
                            f"{sorted(keys) or 'none'}.")
        if activity_regularizer is not None:
            raise ValueError(f"{type(self).__name__}: lstmkit has no activity_regularizer "
                             f"(a penalty on the layer's outputs); regularize its weights "
                             f"instead, such as kernel_regularizer=l2(0.01).")
        found = {kind: {} for kind in kinds}
        for key, value in given.items():
            kind, name = keys[key]
            if (made := kinds[kind](value)) is not None:
                found[kind][name] = made
        return found["regularizer"], found["constraint"]

    def _check_constraints(self) -> None:
        """Each constraint must give back a weight of its weight's shape (an axis out of
        its range is caught here, not inside a compiled program)."""
        keys = {name: key for key, name in self.per_weight_keys("constraint").items()}
        for name, constraint in self.constraints.items():
            if name not in self.params:
                continue
            weight = jax.ShapeDtypeStruct(self.params[name].shape, jnp.float32)
            try:
                shape = jax.eval_shape(constraint, weight).shape
            except (TypeError, ValueError, IndexError) as err:
                shape = err
            if shape != weight.shape:
                key = keys.get(name, f"the constraint of {name!r}")
                raise ValueError(f"Layer {self.name!r}: {key}={constraint!r} does not "
                                 f"fit its weight {name!r} of shape {weight.shape} ({shape}).")

    @property
    def regularized(self) -> bool:
        """Whether a weight regularizer adds a penalty to the loss."""
        return bool(self.regularizers)

    def penalty(self, params):
        """The regularizers' penalty on these weights (0.0 without any)."""
        return sum((jnp.sum(r(params[name])) for name, r in self.regularizers.items()
                    if name in params and name not in self.non_trainable_names), 0.0)

    @property
    def constrained(self) -> bool:
        """Whether a weight constraint projects weights after each optimizer step."""
        return bool(self.constraints)

    def constrain(self, params) -> dict:
        """These weights with their constraints applied (to what the optimizer moves)."""
        return {name: self.constraints[name](w)
                if name in self.constraints and name not in self.non_trainable_names else w
                for name, w in params.items()}

    def _declared_shape(self, input_shape, batch_input_shape, input_dim, batch_size):
        if batch_input_shape is not None:
            return check_shape("batch_input_shape", batch_input_shape)
        if input_dim is not None:
            rank = (self.input_ndim or 2) - 1
            input_shape = (None,) * (rank - 1) + (check_int("input_dim", input_dim, minimum=1),)
        if input_shape is None:
            return None
        if batch_size is not None:
            batch_size = check_int("batch_size", batch_size, minimum=1)
        return (batch_size, *check_shape("input_shape", input_shape))

    @property
    def params(self) -> dict[str, jax.Array] | None:
        return self._params

    @params.setter
    def params(self, value) -> None:
        """New weights; a Keras-style layer's weight attributes (``self.W``) follow them."""
        self._params = value
        if value is not None and getattr(self, "_weight_attrs", None):
            from lstmkit.layers import custom

            custom.bind(self, value)

    @property
    def built(self) -> bool:
        return self.params is not None

    @built.setter
    def built(self, value) -> None:
        """Keras 2 custom layers end ``build`` with ``self.built = True``; lstmkit knows."""

    def build(self, input_shape: Shape, generator: np.random.Generator | None = None) -> Shape:
        """Create the weights for ``input_shape`` (batch axis first); return the output shape.

        The weights are drawn on the host from ``generator`` (default: the next one from
        ``lstmkit.rng``), so building compiles nothing.
        """
        if getattr(self, "_keras_building", False):  # a Keras-style build's super().build
            return None
        input_shape = tuple(input_shape)
        self.check_input_shape(input_shape)
        generator = rng.next_generator() if generator is None else generator
        self.params = {name: jnp.asarray(w, jnp.float32)
                       for name, w in self.init(generator, input_shape).items()}
        return self._built_for(input_shape)

    def _built_for(self, input_shape: Shape) -> Shape:
        """Shapes, constraints and ``weights=[...]`` checked once the weights exist."""
        self._check_constraints()
        self.input_shape = input_shape
        self.output_shape = tuple(self.compute_output_shape(input_shape))
        if self.initial_weights is not None:  # checked against the shapes just made
            weights, self.initial_weights = self.initial_weights, None
            self.set_weights(weights)
        return self.output_shape

    def check_input_shape(self, input_shape: Shape) -> None:
        """Raise ``ValueError`` when this layer cannot take inputs of ``input_shape``."""
        if self.input_ndim is not None and len(input_shape) != self.input_ndim:
            sample = self.input_ndim - 1
            raise ValueError(
                f"Layer {self.name!r} ({type(self).__name__}) expects inputs of {sample} "
                f"dimension{'s' if sample > 1 else ''} per sample, got "
                f"input_shape={input_shape[1:]}.")

    def check_values(self, name: str, x: np.ndarray) -> None:
        """Raise ``ValueError`` when the values of ``x`` (named ``name``) are not inputs this
        layer takes (an Embedding's indices); shapes are ``check_input_shape``'s."""

    def mask_out(self, masked: bool) -> bool:
        """Whether this layer's output has a mask, given whether its input has one (known
        from the configuration alone, before anything runs)."""
        if masked and not self.supports_masking:
            if self.takes_mask or getattr(self, "_warned_mask", False):  # used, not lost
                return False
            self._warned_mask = True  # once per layer, however often the model checks
            warnings.warn(
                f"Layer {self.name!r} ({type(self).__name__}) does not support masking: the "
                f"mask of Embedding(mask_zero=True) or Masking stops here (as in Keras), and "
                f"the layers after it see every timestep.", UserWarning, stacklevel=4)
            return False
        return masked

    def compute_mask(self, x, mask):
        """The mask (B, T) of this layer's output for input ``x`` with ``mask`` (or None)."""
        return mask if self.supports_masking else None

    def weight_shapes(self, input_shape: Shape) -> dict[str, tuple[int, ...]]:
        """The shape of each weight for ``input_shape``, in Keras's order; ``{}`` if none."""
        return {}

    def init(self, generator: np.random.Generator, input_shape: Shape) -> dict[str, np.ndarray]:
        """This layer's initial weights, drawn from ``generator`` (NumPy arrays): each
        weight ``w`` from the layer's ``w_initializer``."""
        return {name: initializers.draw(getattr(self, f"{name}_initializer"), shape, generator)
                for name, shape in self.weight_shapes(input_shape).items()}

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return input_shape

    def apply(self, params, x, state=None, *, training=False, key=None):
        """Pure forward pass: ``(params, x, state) -> (y, state)``."""
        raise NotImplementedError

    def __call__(self, x, initial_state=None, training=False):
        """Apply the layer to an array, building it on first use; returns NumPy arrays.
        On an ``Input`` (Keras's functional API) it gives the chain of layers instead."""
        from lstmkit.layers import inputs  # which imports this module

        if isinstance(x, inputs.InputLayer | inputs.SymbolicTensor):
            if initial_state is not None:
                raise ValueError(f"{self!r}: initial_state in the functional API makes a model "
                                 f"with several inputs; lstmkit builds models that are one "
                                 f"chain of layers.")
            return inputs.symbolic_call(self, x)
        x = validation.as_numeric_array("x", x)
        if not self.built:
            self.build((x.shape[0] if self.stateful else None, *x.shape[1:]))
        validation.check_input(x, self.input_shape, self.name)
        self.check_values("x", x)
        state = self.call_state(initial_state, x.shape[0])
        key = rng.next_key() if training else None
        y, state = self.apply(self.params, jax.numpy.asarray(x), state, training=training,
                              key=key)
        return self.call_outputs(y, state)

    def call_state(self, initial_state, batch_size: int):
        """The state a direct call starts from (``None`` for layers without one)."""
        if initial_state is not None:
            raise ValueError(f"Layer {self.name!r} ({type(self).__name__}) takes no "
                             "initial_state.")
        return None

    def call_outputs(self, y, state):
        """What a direct call returns."""
        return np.asarray(y)

    def get_weights(self) -> list[np.ndarray]:
        """Weights as NumPy arrays in Keras's order (kernel, recurrent_kernel, bias)."""
        return [w for _, w in self.named_weights()]

    def named_weights(self) -> list[tuple[str, np.ndarray]]:
        """``(name, weights)`` pairs in Keras's order; empty until built."""
        if not self.built:
            return []
        return [(n, np.asarray(self.params[n])) for n in self.weight_names if n in self.params]

    def set_weights(self, weights) -> None:
        """Replace the weights; count and shapes must match ``get_weights()``."""
        current = self.named_weights()
        if not self.built and len(weights) > 0:
            raise ValueError(
                f"Layer {self.name!r} is not built yet, so it has no weights to set. "
                "Build the model first (give the first layer input_shape, or call "
                "model.build(input_shape))."
            )
        if len(weights) != len(current):
            raise ValueError(
                f"Layer {self.name!r} expects {len(current)} weight arrays "
                f"{[w.shape for _, w in current]}, got {len(weights)}."
            )
        new = {}
        for (name, old), w in zip(current, weights, strict=True):
            w = np.asarray(w)
            if w.shape != old.shape:
                raise ValueError(
                    f"Layer {self.name!r}: weight {name!r} has shape {old.shape}, got an array "
                    f"of shape {w.shape}."
                )
            new[name] = jax.numpy.asarray(w, dtype=old.dtype)
        self.params = new

    def count_params(self) -> int:
        return int(sum(w.size for w in self.get_weights()))

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this layer, weights aside (Keras's keys);
        ``from_config`` takes them back."""
        config: dict[str, Any] = {"name": self.name}
        if self.batch_input_shape is not None:
            config["batch_input_shape"] = list(self.batch_input_shape)
        if not self.trainable:
            config["trainable"] = False
        for kind, found, serialize in (("regularizer", self.regularizers, regularizers.serialize),
                                       ("constraint", self.constraints, constraints.serialize)):
            keys = {name: key for key, name in self.per_weight_keys(kind).items()}
            config.update({keys[name]: serialize(made) for name, made in found.items()
                           if name in keys})  # not a custom layer's add_weight settings
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        """A new, unbuilt layer from a ``get_config()`` dict."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"
