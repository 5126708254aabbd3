"""Layers written Keras's way, as tutorials write an attention layer::

    class Attention(Layer):
        def build(self, input_shape):
            self.W = self.add_weight(name="att_weight", shape=(input_shape[-1], 1),
                                     initializer="normal")
            super().build(input_shape)

        def call(self, x):
            weights = K.softmax(K.squeeze(K.tanh(K.dot(x, self.W)), axis=-1))
            return K.sum(x * K.expand_dims(weights), axis=1)

A subclass of ``Layer`` that defines ``call`` (and not lstmkit's ``apply``) is run this
way: its ``build`` makes the weights with ``add_weight`` (drawn with NumPy, as lstmkit's
layers draw theirs), and inside the compiled programs ``call`` sees each weight attribute
(``self.W``, or a list of them) bound to the weight being trained. ``call`` may take
``training`` and ``mask``; the output shape comes from ``compute_output_shape`` when the
class has one, else from tracing ``call``. Such a model trains, predicts and saves its
weights; a model file cannot hold the class itself (that would be code).
"""

import functools
import inspect

import jax
import jax.numpy as jnp
import numpy as np

from lstmkit import constraints, initializers, regularizers, rng


def is_keras_style(cls) -> bool:
    """Whether ``cls`` is written Keras's way: it or a parent defines ``call``, and none of
    lstmkit's own layers (which compute with ``apply``) is among its parents.

    Raises:
        TypeError: it overrides ``call`` of one of lstmkit's own layers, which compute
            with ``apply`` (the override would never run).
    """
    from lstmkit.layers.base import Layer

    ancestry = cls.__mro__[:cls.__mro__.index(Layer)]
    own = [k for k in ancestry if vars(k).get("apply") not in (None, apply)]
    if own:  # one of lstmkit's layers
        below = ancestry[:ancestry.index(own[0])]
        if any("call" in vars(k) for k in below):
            raise TypeError(
                f"{cls.__name__} overrides call of lstmkit's {own[0].__name__}, which computes "
                f"with apply(params, x, ...): the override would never run. Subclass "
                f"lstmkit.layers.Layer to write a layer Keras's way (build with add_weight, "
                f"call).")
        return False
    return any("call" in vars(k) for k in ancestry)


def adapt(cls) -> None:
    """Give a Keras-style class lstmkit's ``build``, ``apply``, output shape and mask
    handling (``call(x, mask=...)`` gets the mask)."""
    own_build = vars(cls).get("build")
    if own_build is not None and not getattr(own_build, "_adapted", False):
        cls.build = _wrapped_build(own_build)
    elif not getattr(cls.build, "_adapted", False):  # no build of its own: no weights
        cls.build = _wrapped_build(lambda self, input_shape: None)
    cls.apply, cls.keras_style = apply, True
    cls.takes_mask = "mask" in inspect.signature(cls.call).parameters
    if any("compute_mask" in vars(k) for k in cls.__mro__[:-2]):
        cls.supports_masking = True  # Keras 3: a compute_mask of its own passes masks on
    if not any("compute_output_shape" in vars(k) for k in cls.__mro__[:-2]):
        cls.compute_output_shape = traced_output_shape


def _wrapped_build(user_build):
    """The class's ``build`` run between ``begin`` and ``finish``; the ``super().build``
    it calls inside does nothing more."""
    @functools.wraps(user_build)
    def build(self, input_shape, generator=None):
        if getattr(self, "_keras_building", False):
            return user_build(self, input_shape)
        begin(self, generator)
        try:
            user_build(self, tuple(input_shape))
        finally:
            self._keras_building = False
        return self.finish_build(tuple(input_shape))
    build._adapted = True
    return build


def begin(layer, generator) -> None:
    layer._keras_building, layer._added = True, {}
    layer._generator = rng.next_generator() if generator is None else generator
    layer.regularizers, layer.constraints = dict(layer.regularizers), dict(layer.constraints)


KERAS2_ORDER = ("name", "shape", "dtype", "initializer", "regularizer", "trainable",
                "constraint")
KERAS3_ORDER = ("shape", "initializer", "dtype", "trainable", "autocast", "regularizer",
                "constraint")


def add_weight(layer, *args, **kwargs):
    """Keras's ``add_weight``: a new weight, drawn now, returned as an array. Positional
    arguments in Keras 2's order (name, shape, ...) or, when the first is a shape, Keras
    3's (shape, initializer, ...)."""
    who = f"{type(layer).__name__}.add_weight"
    if not getattr(layer, "_keras_building", False):
        raise ValueError(f"{who} works inside build(self, input_shape), which lstmkit calls "
                         f"when the model is built.")
    order = KERAS3_ORDER if args and isinstance(args[0], list | tuple) else KERAS2_ORDER
    given = {**dict(zip(order, args, strict=False)), **kwargs}
    name, shape = given.get("name"), given.get("shape")
    initializer = given.get("initializer") or "glorot_uniform"
    regularizer, constraint = given.get("regularizer"), given.get("constraint")
    trainable = given.get("trainable", True)
    name = str(name or f"weight_{len(layer._added)}")
    if name in layer._added:
        raise ValueError(f"{type(layer).__name__} adds two weights named {name!r}; give each "
                         f"its own name.")
    sizes = [] if shape is None else list(shape)
    if not all(isinstance(d, int | np.integer) and not isinstance(d, bool) and d >= 0
               for d in sizes):
        raise ValueError(f"{who} shape must be sizes known in build (from input_shape), such "
                         f"as (input_shape[-1], 1), got {shape!r}.")
    shape = tuple(int(d) for d in sizes)
    value = jnp.asarray(initializers.draw(initializers.get(initializer), shape,
                                          layer._generator), jnp.float32)
    layer._added[name] = (value, bool(trainable))
    if (made := regularizers.get(regularizer)) is not None:
        layer.regularizers[name] = made
    if (made := constraints.get(constraint)) is not None:
        layer.constraints[name] = made
    return value


def finish(layer, input_shape):
    """The weights ``add_weight`` made become the layer's (trainable ones first, as
    Keras lists them), and the attributes that hold them (alone, or in lists and dicts)
    are remembered, to be bound in ``apply``."""
    from lstmkit.layers.base import Layer

    added = getattr(layer, "_added", {})
    frozen = tuple(n for n, (_, trainable) in added.items() if not trainable)
    layer.weight_names = tuple(n for n in added if n not in frozen) + frozen
    layer.non_trainable_names = frozen
    ids = {id(value): name for name, (value, _) in added.items()}
    attrs = {}
    for attr, value in vars(layer).items():
        if attr in INTERNAL:
            continue
        inner = [v for v in jax.tree.leaves(value) if isinstance(v, Layer)]
        if inner:
            raise TypeError(f"{type(layer).__name__} holds the layer {inner[0]!r}: lstmkit "
                            f"does not run a layer inside a layer of your own. Add it to the "
                            f"model as a layer, or write its arithmetic with add_weight and "
                            f"K.dot.")
        names = jax.tree.map(lambda v: ids.get(id(v), False), value)
        if any(isinstance(n, str) for n in jax.tree.leaves(names)):
            attrs[attr] = names
    layer._weight_attrs = attrs
    layer.params = {name: added[name][0] for name in layer.weight_names}


INTERNAL = frozenset({"_params", "_added", "_weight_attrs", "_generator", "params",
                      "initial_weights", "regularizers", "constraints"})  # lstmkit's own


def bind(layer, params) -> None:
    """Set each weight held in an attribute (alone, or in lists, tuples and dicts among
    other values) to its weight in ``params``."""
    for attr, names in layer._weight_attrs.items():
        setattr(layer, attr, jax.tree.map(
            lambda n, old: params[n] if isinstance(n, str) else old, names,
            getattr(layer, attr)))


def apply(self, params, x, state=None, *, training=False, key=None, mask=None):
    """``self.call(x)`` with each weight attribute bound to ``params`` (frozen weights
    without gradient), then bound to the layer's own weights again."""
    bind(self, {name: jax.lax.stop_gradient(w) if name in self.non_trainable_names else w
                for name, w in params.items()})
    try:
        taken = inspect.signature(self.call).parameters
        extra = {k: v for k, v in (("training", training), ("mask", mask)) if k in taken}
        return self.call(x, **extra), state
    finally:
        bind(self, self.params)


def traced_output_shape(self, input_shape):
    """The output shape of ``call``, traced (``compute_output_shape`` when the class has
    none); an unbuilt layer is built for ``input_shape`` first, its weights being needed."""
    from lstmkit.layers.base import traced_shape

    if not self.built:
        self.build(input_shape)

    def run(x):  # with a mask of real timesteps when call takes one, as it may need it
        mask = jnp.ones(x.shape[:2], bool) if self.takes_mask and x.ndim >= 3 else None
        return self.apply(self.params, x, mask=mask)[0]
    return traced_shape(self, run, input_shape)
