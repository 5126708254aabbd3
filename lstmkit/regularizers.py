"""Weight regularizers by Keras name and class (Keras path ``keras.regularizers``).

``LSTM(50, kernel_regularizer=l2(0.01))`` adds ``0.01 * sum(kernel ** 2)`` to the loss
that training minimizes and that ``fit`` and ``evaluate`` report, as Keras 3 does (a
frozen layer's weights add nothing). ``l1(0.01)`` adds ``0.01 * sum(|w|)``, ``l1_l2(l1,
l2)`` both. Names work too: ``kernel_regularizer='l2'`` is ``l2(0.01)`` (and ``'l1_l2'``
is Keras 2's ``l1_l2(0.01, 0.01)``). Any function of a weight array that returns a
number works as well (it cannot be saved in a model file: that would be code).
"""

import jax.numpy as jnp

from lstmkit import validation
from lstmkit.registry import Configured, from_config, lookup


class L1L2(Configured):
    """``l1 * sum(|w|) + l2 * sum(w ** 2)``; both factors 0 unless given."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = _factor("l1", l1), _factor("l2", l2)

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
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """``l2 * sum(w ** 2)``, weight decay."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


def l1(l1=0.01) -> L1:  # noqa: E741 - Keras's name
    return L1(l1)


def l2(l2=0.01) -> L2:
    return L2(l2)


def l1_l2(l1=0.01, l2=0.01) -> L1L2:  # noqa: E741 - Keras's name
    """Keras 2's function: both penalties, 0.01 each by default."""
    return L1L2(l1, l2)


_CLASSES = {"l1": L1, "l2": L2, "l1l2": L1L2}
_NAMES = {"l1": l1, "l2": l2, "l1_l2": l1_l2, "l1l2": l1_l2}


def get(identifier):
    """A regularizer from a name, a config from ``serialize``, a class, an instance or
    any function of a weight array; ``None`` for none."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return from_config("regularizer", identifier, _CLASSES)
    if isinstance(identifier, type) and issubclass(identifier, L1L2):
        return identifier()
    if isinstance(identifier, str):
        return lookup("regularizer", identifier, _NAMES)()
    return lookup("regularizer", identifier, _NAMES)


def serialize(regularizer):
    """``{"class_name": "L2", "config": {"l2": 0.01}}`` for lstmkit's regularizers; a
    function of your own as itself, which a model file cannot hold."""
    if type(regularizer) not in _CLASSES.values():
        return regularizer
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}


def _factor(name: str, value) -> float:
    if not validation.is_number(value) or value < 0:
        raise ValueError(f"The regularization factor {name} must be a number >= 0, got "
                         f"{value!r}.")
    return float(value)
