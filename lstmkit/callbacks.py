"""What ``fit`` returns and accepts (Keras path ``keras.callbacks``).

``History`` holds the per-epoch logs. ``ResetStates`` is the callback Keras tutorials
write by hand (``on_epoch_end: self.model.reset_states()``) and ``EarlyStopping`` is
Keras's; lstmkit compiles both into the training program instead of returning to Python
after every epoch.
"""

import warnings
from typing import NamedTuple

from lstmkit import early_stopping, metrics


class History:
    """Per-epoch logs of one ``fit`` call.

    Attributes:
        history: ``{'loss': [...], 'acc': [...], 'val_loss': [...], ...}``, keyed by the
            names given to ``compile``.
        epoch: the epoch indices that ran.
        params: ``{'verbose', 'epochs', 'steps'}`` as Keras records them.
        model: the model that was trained.
    """

    def __init__(self, model=None, params=None):
        self.model = model
        self.params = params or {}
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch.append(epoch)
        for name, value in logs.items():
            self.history.setdefault(name, []).append(value)

    def plot(self, metrics=None):
        """Learning curves of this run: ``lstmkit.plotting.plot_history(self, metrics)``.

        Returns a matplotlib Figure and shows nothing; save it with ``fig.savefig(path)``.
        """
        from lstmkit.plotting import plot_history  # matplotlib loads only when plotting

        return plot_history(self, metrics)

    def __repr__(self):
        return f"<History epochs={len(self.epoch)} keys={list(self.history)}>"


class ResetStates:
    """Zero every stateful layer's states after each epoch of ``fit``.

    ``model.fit(x, y, epochs=100, shuffle=False, callbacks=[ResetStates()])`` trains as
    100 calls of ``fit(epochs=1, shuffle=False)`` each followed by ``reset_states()``.
    """

    def __repr__(self):
        return "ResetStates()"


class EarlyStopping:
    """Stop training when a monitored quantity has stopped improving (Keras's arguments
    and arithmetic, ``lstmkit.early_stopping``).

    Args:
        monitor: a name in the History: ``'val_loss'``, ``'loss'``, ``'val_accuracy'``, ...
        min_delta: a change smaller than this is no improvement.
        patience: epochs without improvement after which training stops.
        verbose: 1 prints the epoch it stopped at and the best epoch restored.
        mode: ``'min'``, ``'max'``, or ``'auto'`` (max for accuracies, min otherwise).
        baseline: the counter restarts only on improvements that also beat it.
        restore_best_weights: at the end of ``fit``, set the weights of the best epoch.
        start_from_epoch: epochs to train before watching.

    The rule runs inside the compiled training program, so it costs no round trip to
    Python; ``fit`` ends after the epoch where it stops (``model.stop_training`` is then
    True).
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping mode must be 'auto', 'min' or 'max', got "
                             f"{mode!r}.")
        self.monitor, self.mode, self.verbose = str(monitor), mode, verbose
        self.min_delta = abs(_number("min_delta", min_delta))
        self.patience = _count("patience", patience)
        self.baseline = None if baseline is None else _number("baseline", baseline)
        self.restore_best_weights = bool(restore_best_weights)
        self.start_from_epoch = _count("start_from_epoch", start_from_epoch)

    def rule(self, names: list[str], validation: bool) -> early_stopping.Rule | None:
        """The compiled rule for logs ``[loss, *metrics]`` named ``names``, or ``None``
        (with Keras's warning) when the monitored quantity is not among them."""
        name = self.monitor.removeprefix("val_")
        watched = self.monitor.startswith("val_")
        if name not in names or (watched and not validation):
            available = [*names, *(f"val_{n}" for n in names if validation)]
            warnings.warn(f"Early stopping conditioned on metric {self.monitor!r}, which is "
                          f"not available; available metrics are {available}. Training "
                          f"runs all its epochs.", UserWarning, stacklevel=3)
            return None
        return early_stopping.Rule(
            validation=watched, column=names.index(name), sign=self._sign(name),
            min_delta=float(self.min_delta), patience=self.patience, baseline=self.baseline,
            start_from_epoch=self.start_from_epoch,
            restore_best_weights=self.restore_best_weights)

    def _sign(self, name: str) -> float:
        if self.mode != "auto":
            return 1.0 if self.mode == "min" else -1.0
        rises = metrics.rises(name)
        if rises is None:
            raise ValueError(f"EarlyStopping cannot tell whether {self.monitor!r} should go "
                             f"up or down; give mode='min' or mode='max'.")
        return -1.0 if rises else 1.0

    def __repr__(self):
        return f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience})"


class Plan(NamedTuple):
    """What ``fit(callbacks=...)`` asks of the training program."""

    reset_states: bool = False
    early_stopping: EarlyStopping | None = None


def plan(callbacks) -> Plan:
    """The callbacks as a ``Plan``; any other callback is a clear error (lstmkit runs the
    epochs as one program, without Python hooks)."""
    callbacks = [] if callbacks is None else list(callbacks)
    for callback in callbacks:
        if not isinstance(callback, ResetStates | EarlyStopping):
            raise TypeError(
                f"fit(callbacks=...) accepts lstmkit.callbacks.ResetStates() and "
                f"EarlyStopping(...) only, got {type(callback).__name__}: lstmkit runs the "
                f"epochs as one compiled program, without Python hooks between them. Call "
                f"fit(epochs=1) in a loop to run your own code after each epoch.")
    stoppers = [c for c in callbacks if isinstance(c, EarlyStopping)]
    if len(stoppers) > 1:
        raise ValueError(f"fit(callbacks=...) takes one EarlyStopping at most, got "
                         f"{len(stoppers)}.")
    return Plan(any(isinstance(c, ResetStates) for c in callbacks),
                stoppers[0] if stoppers else None)


def _number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"EarlyStopping {name} must be a number, got {value!r}.")
    return float(value)


def _count(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"EarlyStopping {name} must be an integer >= 0, got {value!r}.")
    return value
