"""Name -> function lookup shared by the activation, loss, metric, initializer and
optimizer registries, so every unknown name fails the same way: listing the valid ones."""

import re
from collections.abc import Callable, Mapping
from typing import Any


class Configured:
    """Base of the small objects Keras describes by their constructor arguments (schedules,
    regularizers, constraints): ``get_config()`` gives them back, ``repr`` shows them."""

    def get_config(self) -> dict:
        return dict(vars(self))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def snake_case(name: str) -> str:
    """Keras's rule: ``'LSTM'`` -> ``'lstm'``, ``'GlorotUniform'`` -> ``'glorot_uniform'``,
    ``'SimpleRNN'`` -> ``'simple_rnn'``, ``'Conv1D'`` -> ``'conv1d'``."""
    words = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()


def from_config(kind: str, config: dict, table: Mapping[str, Any],
                name: Callable[[str], str] | None = None) -> Any:
    """The object Keras's config form ``{"class_name": ..., "config": {...}}`` describes:
    ``table[class_name](**config)``, the class name first mapped by ``name`` when given
    (``lookup`` ignores case either way).

    Raises:
        ValueError: an unknown class name (the message lists the valid names).
        TypeError: ``config`` is not ``{"class_name": str, "config": dict}`` or names an
            argument the class does not take.
    """
    class_name, arguments = config.get("class_name"), config.get("config", {})
    if not isinstance(class_name, str) or not isinstance(arguments, dict):
        raise TypeError(f"An {kind} config is {{'class_name': str, 'config': dict}}, got "
                        f"{config!r}.")
    key = class_name if name is None else name(class_name)
    return lookup(kind, key, table)(**arguments)


def lookup(kind: str, identifier: Any, table: Mapping[str, Any]) -> Any:
    """Return ``table[identifier]`` for a string, or ``identifier`` itself for a callable.

    Raises:
        ValueError: an unknown name; the message lists the valid names.
        TypeError: neither a string nor a callable.
    """
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in table:
            valid = ", ".join(sorted(table))
            raise ValueError(f"Unknown {kind} {identifier!r}. Valid {kind} names: {valid}.")
        return table[key]
    if isinstance(identifier, Callable):
        return identifier
    raise TypeError(
        f"Expected a {kind} name (str) or a callable, got {type(identifier).__name__}: "
        f"{identifier!r}."
    )


def config_name(identifier: Any, table: Mapping[str, Any]) -> Any:
    """What a saved config records for a registry entry: a name as given, a registered
    function by a name it is registered under (its own ``__name__`` first, so history keys
    survive), and any other callable as itself, for the saving code to refuse by name."""
    if isinstance(identifier, str):
        return identifier
    names = [name for name, fn in table.items() if fn is identifier]
    own = name_of(identifier)
    return own if own in names else (names[0] if names else identifier)


def name_of(identifier: Any) -> str:
    """The name a user-given registry entry is reported under (history keys, summaries)."""
    if isinstance(identifier, str):
        return identifier
    return getattr(identifier, "__name__", type(identifier).__name__)
