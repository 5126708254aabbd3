"""What ``fit`` returns and accepts (Keras path ``keras.callbacks``).

``History`` holds the per-epoch logs. ``ResetStates`` is the callback Keras tutorials
write by hand (``on_epoch_end: self.model.reset_states()``); lstmkit compiles it into
the training program instead of returning to Python after every epoch.
"""


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


def resets_states(callbacks) -> bool:
    """Whether ``fit(callbacks=...)`` asks for a reset after each epoch; other callbacks
    are a clear error (lstmkit runs the epochs as one program, without Python hooks)."""
    callbacks = [] if callbacks is None else list(callbacks)
    for callback in callbacks:
        if not isinstance(callback, ResetStates):
            raise TypeError(
                f"fit(callbacks=...) accepts lstmkit.callbacks.ResetStates() only, got "
                f"{type(callback).__name__}: lstmkit runs the epochs as one compiled program, "
                f"without Python hooks between them. Call fit(epochs=1) in a loop to run "
                f"your own code after each epoch.")
    return bool(callbacks)
