"""Weight regularizers by Keras name and class (Keras path ``keras.regularizers``).

``LSTM(50, kernel_regularizer=l2(0.01))`` adds ``0.01 * sum(kernel ** 2)`` to the loss
that training minimizes and that ``fit`` and ``evaluate`` report, as Keras 3 does (a
frozen layer's weights add nothing). ``l1(0.01)`` adds ``0.01 * sum(|w|)``, ``l1_l2(l1,
l2)`` both. As in Keras 3, the lower-case names are the classes: ``l2`` and ``'l2'`` are
``L2(0.01)``, ``l1_l2`` and ``'l1_l2'`` are ``L1L2()``, whose factors default to 0 (Keras
2's ``l1_l2()`` defaulted to 0.01 each: give them). Any function of a weight array works
as well, its result summed (it cannot be saved in a model file: that would be code).
"""

import jax.numpy as jnp

from lstmkit import validation
from lstmkit.registry import Configured, from_config, lookup


class L1L2(Configured):
    """``l1 * sum(|w|) + l2 * sum(w ** 2)``; both factors 0 unless given."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = _factor("l1", l1, 0.0), _factor("l2", l2, 0.0)

    def __call__(self, w):
        penalty = 0.0
        if self.l1:
            penalty = penalty + self.l1 * jnp.sum(jnp.abs(w))
        if self.l2:
            penalty = penalty + self.l2 * jnp.sum(jnp.square(w))
        return penalty



class L1(L1L2):
    """``l1 * sum(|w|)``."""

    def __init__(self, l1=0.01):
        super().__init__(l1=_factor("l1", l1, 0.01))

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """``l2 * sum(w ** 2)``, weight decay."""

    def __init__(self, l2=0.01):
        super().__init__(l2=_factor("l2", l2, 0.01))

    def get_config(self):
        return {"l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2  # Keras 3's lower-case names are the classes

_CLASSES = {"l1": L1, "l2": L2, "l1l2": L1L2}
_NAMES = {**_CLASSES, "l1_l2": L1L2}


def get(identifier):
    """A regularizer from a name, a config from ``serialize``, a class, an instance or
    any function of a weight array; ``None`` for none."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return from_config("regularizer", identifier, _CLASSES)
    if isinstance(identifier, str):
        identifier = lookup("regularizer", identifier, _NAMES)
    if isinstance(identifier, type) and issubclass(identifier, L1L2):
        return identifier()
    return lookup("regularizer", identifier, _NAMES)


def serialize(regularizer):
    """``{"class_name": "L2", "config": {"l2": 0.01}}`` for lstmkit's regularizers; a
    function of your own as itself, which a model file cannot hold."""
    if type(regularizer) not in _CLASSES.values():
        return regularizer
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}


def _factor(name: str, value, default: float) -> float:
    """A factor >= 0; ``None`` is the default, as in Keras."""
    if value is None:
        return default
    if not validation.is_number(value) or value < 0:
        raise ValueError(f"The regularization factor {name} must be a number >= 0, got "
                         f"{value!r}.")
    return float(value)
