"""Weight constraints by Keras name and class (Keras path ``keras.constraints``).

``Dense(64, kernel_constraint=max_norm(3))`` projects the kernel back after every
optimizer step, as Keras does: each column (``axis=0``) whose L2 norm exceeds 3 is scaled
down to it. ``NonNeg`` clips below 0, ``UnitNorm`` scales to norm 1, ``MinMaxNorm`` into
``[min_value, max_value]`` (a fraction ``rate`` of the way). Names work too:
``'max_norm'``, ``'non_neg'``, ``'unit_norm'``, ``'min_max_norm'``, and Keras 2's
``maxnorm``, ``nonneg``, ``unitnorm``. Any function of a weight array that returns one of
its shape works as well (it cannot be saved in a model file: that would be code).
"""

import numbers

import jax.numpy as jnp

from lstmkit import validation
from lstmkit.registry import Configured, from_config, lookup, snake_case

EPSILON = 1e-7  # Keras's backend.epsilon(), which keeps a zero column at zero


class Constraint(Configured):
    """Base: ``constraint(w) -> w projected``."""

    def __call__(self, w):
        return w


class MaxNorm(Constraint):
    """Each slice along ``axis`` (a column, for ``axis=0``) scaled down to an L2 norm of at
    most ``max_value``."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = _number("max_value", max_value), _axis(axis)

    def __call__(self, w):
        norms = _norms(w, self.axis)
        return w * (jnp.clip(norms, 0, self.max_value) / (EPSILON + norms))


class MinMaxNorm(Constraint):
    """Each slice along ``axis`` scaled toward an L2 norm in ``[min_value, max_value]``,
    ``rate`` of the way (1: all of it)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value = _number("min_value", min_value), _number(
            "max_value", max_value)
        self.rate, self.axis = _number("rate", rate), _axis(axis)

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = (self.rate * jnp.clip(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return w * (desired / (EPSILON + norms))


class UnitNorm(Constraint):
    """Each slice along ``axis`` scaled to an L2 norm of 1."""

    def __init__(self, axis=0):
        self.axis = _axis(axis)

    def __call__(self, w):
        return w / (EPSILON + _norms(w, self.axis))


class NonNeg(Constraint):
    """Negative weights set to 0."""

    def __call__(self, w):
        return jnp.maximum(w, 0.0)


_CLASSES = {snake_case(cls.__name__): cls for cls in (MaxNorm, MinMaxNorm, UnitNorm, NonNeg)}
_NAMES = {**_CLASSES, "maxnorm": MaxNorm, "nonneg": NonNeg, "unitnorm": UnitNorm,
          "minmaxnorm": MinMaxNorm}
max_norm = maxnorm = MaxNorm  # Keras's lower-case names
min_max_norm = MinMaxNorm
unit_norm = unitnorm = UnitNorm
non_neg = nonneg = NonNeg


def get(identifier):
    """A constraint from a name, a config from ``serialize``, a class, an instance or any
    function of a weight array; ``None`` for none."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return from_config("constraint", identifier, _CLASSES, name=snake_case)
    if isinstance(identifier, type) and issubclass(identifier, Constraint):
        return identifier()
    if isinstance(identifier, str):
        return lookup("constraint", snake_case(identifier), _NAMES)()
    return lookup("constraint", identifier, _NAMES)


def serialize(constraint):
    """``{"class_name": "MaxNorm", "config": {"max_value": 3, "axis": 0}}`` for lstmkit's
    constraints; a function of your own as itself, which a model file cannot hold."""
    if type(constraint) not in _CLASSES.values():
        return constraint
    return {"class_name": type(constraint).__name__, "config": constraint.get_config()}


def _norms(w, axis):
    return jnp.sqrt(jnp.sum(jnp.square(w), axis=axis, keepdims=True))


def _number(name: str, value):
    if not validation.is_number(value) or value < 0:
        raise ValueError(f"The constraint's {name} must be a number >= 0, got {value!r}.")
    return value


def _axis(axis):
    axes = list(axis) if isinstance(axis, list | tuple) else [axis]
    if not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axes):
        raise ValueError(f"The constraint's axis must be an integer or a list of them, got "
                         f"{axis!r}.")
    return int(axis) if isinstance(axis, numbers.Integral) else tuple(int(a) for a in axes)
