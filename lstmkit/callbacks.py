"""The ``History`` that ``fit`` returns (Keras path ``keras.callbacks.History``)."""


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

    def __repr__(self):
        return f"<History epochs={len(self.epoch)} keys={list(self.history)}>"
