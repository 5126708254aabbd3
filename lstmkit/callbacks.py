"""What ``fit`` returns and accepts (Keras path ``keras.callbacks``).

``History`` holds the per-epoch logs. Two callbacks are compiled into the training
program, so that many epochs still run as one program call: ``ResetStates`` (what Keras
tutorials write by hand as ``on_epoch_end: self.model.reset_states()``) and
``EarlyStopping``. Every other callback is a ``Callback`` that runs in Python between
epochs (``ModelCheckpoint``, ``CSVLogger``, ``LambdaCallback``, your own subclasses): with
one in the list, ``fit`` runs one epoch per program call (about half a millisecond more
per epoch) and the model between two calls is the model the callbacks see and change.
Batch-level hooks cannot run inside a compiled epoch and are refused.
"""

import csv
import math
import numbers
import os
import time
import warnings
from typing import NamedTuple

from lstmkit import early_stopping, files, metrics, validation


class Logs(dict):
    """A History's ``{name: per-epoch values}``, where Keras 2's name ``'lr'`` finds the
    ``'learning_rate'`` that Keras 3 and lstmkit log (``history.history['lr']``)."""

    def __missing__(self, key):
        if key == "lr" and "learning_rate" in self:
            return self["learning_rate"]
        raise KeyError(key)

    def get(self, key, default=None):
        return self[key] if key in self or (key == "lr" and "learning_rate" in self) \
            else default


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
        self.history: dict[str, list[float]] = Logs()
        self.epoch: list[int] = []

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch.append(epoch)
        for name, value in logs.items():
            self.history.setdefault(name, []).append(value)

    def record(self, run: "History") -> None:
        """Take in a ``fit`` run's logs, as a ``History()`` given in ``fit(callbacks=...)``
        does in Keras: its ``epoch`` list starts again, its ``history`` lists grow."""
        self.model, self.params, self.epoch = run.model, run.params, []
        for i, epoch in enumerate(run.epoch):
            self.append(epoch, {name: values[i] for name, values in run.history.items()})

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
        self.monitor, self.mode, self.verbose = str(monitor), _mode("EarlyStopping", mode), verbose
        self.min_delta = abs(_number("min_delta", min_delta))
        self.patience = _count("patience", patience)
        self.baseline = None if baseline is None else _number("baseline", baseline)
        self.restore_best_weights = bool(restore_best_weights)
        self.start_from_epoch = _count("start_from_epoch", start_from_epoch)

    def rule(self, names: list[str], validation: bool,
             compiled=()) -> early_stopping.Rule | None:
        """The compiled rule for logs ``[loss, *metrics]`` named ``names`` (the ``compiled``
        metrics), or ``None`` (with Keras's warning) when the monitored quantity is not
        among them."""
        name = self.monitor.removeprefix("val_")
        watched = self.monitor.startswith("val_")
        if name not in names or (watched and not validation):
            available = [*names, *(f"val_{n}" for n in names if validation)]
            warnings.warn(f"Early stopping conditioned on metric {self.monitor!r}, which is "
                          f"not available; available metrics are {available}. Training "
                          f"runs all its epochs.", UserWarning, stacklevel=3)
            return None
        return early_stopping.Rule(
            validation=watched, column=names.index(name),
            sign=_sign("EarlyStopping", self.monitor, self.mode, compiled),
            min_delta=float(self.min_delta), patience=self.patience, baseline=self.baseline,
            start_from_epoch=self.start_from_epoch,
            restore_best_weights=self.restore_best_weights)

    def __repr__(self):
        return f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience})"


class Callback:
    """Base of the callbacks that run in Python between epochs (Keras's
    ``keras.callbacks.Callback``): override ``on_train_begin``, ``on_epoch_begin``,
    ``on_epoch_end`` (``logs`` as in the History: ``{'loss': ..., 'val_loss': ...}``) or
    ``on_train_end``; ``self.model`` is the model being trained, and setting
    ``self.model.stop_training = True`` ends ``fit`` after the epoch."""

    def __init__(self):
        self.model, self.params = None, {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None): ...

    def on_train_end(self, logs=None): ...

    def on_epoch_begin(self, epoch, logs=None): ...

    def on_epoch_end(self, epoch, logs=None): ...


BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end",
               "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin",
               "on_predict_batch_end")


class LambdaCallback(Callback):
    """A callback from functions: ``on_epoch_begin(epoch, logs)``, ``on_epoch_end(epoch,
    logs)``, ``on_train_begin(logs)``, ``on_train_end(logs)``."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, **batch_hooks):
        super().__init__()
        unknown = sorted(set(batch_hooks) - set(BATCH_HOOKS))
        if unknown:
            raise TypeError(f"LambdaCallback got unexpected arguments {unknown}.")
        given = [name for name, fn in batch_hooks.items() if fn is not None]
        if given:
            raise _batch_hook_error("LambdaCallback", given[0])
        for name, fn in (("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                         ("on_train_begin", on_train_begin), ("on_train_end", on_train_end)):
            if fn is not None:
                setattr(self, name, fn)


class ModelCheckpoint(Callback):
    """Save the model (or its weights) after each epoch, or only when ``monitor``
    improved (``save_best_only``), to ``filepath``, which may hold the epoch and the logs:
    ``'model-{epoch:02d}-{val_loss:.3f}.lstmkit'``. Keras's arguments and messages; the
    files are lstmkit model files (``load_model``) or, with ``save_weights_only``, weights
    files (``load_weights``), written atomically."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__()
        if save_freq != "epoch":
            raise ValueError(f"ModelCheckpoint save_freq must be 'epoch' (lstmkit runs no "
                             f"Python within an epoch), got {save_freq!r}.")
        self.filepath, self.monitor, self.verbose = str(filepath), str(monitor), verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.mode = _mode("ModelCheckpoint", mode)
        self.best = initial_value_threshold

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        try:
            path = self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as missing:
            raise ValueError(f"ModelCheckpoint filepath {self.filepath!r} names {missing}, "
                             f"which is not in the logs; they have epoch and "
                             f"{sorted(logs)}.") from None
        if not self.save_best_only:
            self._say(f"\nEpoch {epoch + 1}: saving model to {path}")
            return self._save(path)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor!r} available; the logs "
                          f"have {sorted(logs)}. Skipping.", UserWarning, stacklevel=2)
            return None
        sign = _sign("ModelCheckpoint", self.monitor, self.mode, self.model.metrics)
        if not _improves(sign, current, self.best):
            self._say(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from "
                      f"{self.best:.5f}")
            return None
        best = float("inf") * sign if self.best is None else self.best
        self._say(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best:.5f} to "
                  f"{current:.5f}, saving model to {path}")
        self.best = current
        return self._save(path)

    def _save(self, path: str) -> None:
        (self.model.save_weights if self.save_weights_only else self.model.save)(path)

    def _say(self, message: str) -> None:
        if self.verbose:
            print(message)


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved (by more
    than ``min_delta``) for ``patience`` epochs, then wait ``cooldown`` epochs; never below
    ``min_lr``. Keras's arguments and arithmetic. The new rate reaches the compiled
    program as an input, so nothing compiles again."""

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__()
        if not 0 < factor < 1:
            raise ValueError(f"ReduceLROnPlateau factor must be in (0, 1), got {factor!r}.")
        self.monitor, self.factor, self.verbose = str(monitor), float(factor), verbose
        self.mode = _mode("ReduceLROnPlateau", mode)
        self.patience, self.cooldown = patience, cooldown
        self.min_delta, self.min_lr = abs(min_delta), min_lr
        self.best = self.wait = self.cooldown_counter = None

    def on_train_begin(self, logs=None):
        _numeric_rate_optimizer(self.model, "ReduceLROnPlateau")
        # raises for an unknown direction
        _sign("ReduceLROnPlateau", self.monitor, self.mode, self.model.metrics)
        self.best, self.wait, self.cooldown_counter = None, 0, 0

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:  # as Keras, the rate joins the logs (and the History)
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"ReduceLROnPlateau conditioned on {self.monitor!r}, which is not "
                          f"available; the logs have {sorted(logs or {})}.", UserWarning,
                          stacklevel=2)
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        sign = _sign("ReduceLROnPlateau", self.monitor, self.mode, self.model.metrics)
        if _improves(sign, current, self.best, self.min_delta):
            self.best, self.wait = current, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch: int) -> None:
        optimizer = self.model.optimizer
        if optimizer.learning_rate > self.min_lr:
            optimizer.learning_rate = max(optimizer.learning_rate * self.factor, self.min_lr)
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                      f"{optimizer.learning_rate}.")
            self.cooldown_counter, self.wait = self.cooldown, 0


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch to ``schedule(epoch, lr)`` (or
    Keras 2's ``schedule(epoch)``), as Keras's callback does; the rate joins the logs."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = _numeric_rate_optimizer(self.model, "LearningRateScheduler")
        try:
            rate = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # Keras 2's one-argument schedules
            rate = self.schedule(epoch)
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
            raise ValueError(f"The output of the schedule function should be a float, got "
                             f"{rate!r}.")
        optimizer.learning_rate = float(rate)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{optimizer.learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class CSVLogger(Callback):
    """Write each epoch's logs to a CSV file as it ends: a header ``epoch,<names in
    sorted order>``, then one row per epoch (``append=True`` adds to an existing file)."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.separator, self.append = str(filename), separator, append
        self._file = self._writer = None

    def on_train_begin(self, logs=None):
        # Open for the whole fit, closed by on_train_end.
        self._file = open(self.filename, "a" if self.append else "w", newline="")  # noqa: SIM115
        self._writer = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self._writer is None:
            self._writer = csv.DictWriter(self._file, ["epoch", *sorted(logs)],
                                          delimiter=self.separator)
            if not self.append or self._file.tell() == 0:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch, **logs})
        self._file.flush()

    def on_train_end(self, logs=None):
        if self._file is not None:
            self._file.close()
            self._file = None


class TerminateOnNaN(Callback):
    """Stop training when the loss becomes NaN or infinite (Keras's callback).

    Keras checks after every batch and stops within the epoch; lstmkit's batches run as
    one compiled epoch, so it stops after the epoch, whose mean loss is then NaN or
    infinite too: the History ends at the same epoch as Keras's."""

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Epoch {epoch + 1}: Invalid loss, terminating training")
            self.model.stop_training = True


class TensorBoard(Callback):
    """Write each epoch's logs where TensorBoard reads them (Keras's callback):
    ``log_dir/train`` gets ``epoch_loss``, ``epoch_<metric>``, ``epoch_learning_rate``
    (a schedule's value after the epoch's steps) and, with ``write_steps_per_second``,
    ``epoch_steps_per_second``; ``log_dir/validation`` the validation values under the same
    names; step = epoch. With ``histogram_freq=N``, every N-th epoch adds a histogram of
    each weight, tagged ``<layer>/<weight>/histogram`` (Keras 3 tags them by the weight's
    full path, such as ``sequential/lstm/lstm_cell/kernel/histogram``).

    Needs tensorboardX (``pip install 'lstmkit[tensorboard]'``). An lstmkit model is no
    TensorFlow graph: ``write_graph``, ``write_images``, ``profile_batch`` and the
    embedding options are accepted and write nothing, nor does lstmkit write Keras's
    ``evaluation_<metric>_vs_iterations``."""

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None, **keras2_options):
        super().__init__()
        unknown = sorted(set(keras2_options) - {"batch_size", "write_grads",
                                                "embeddings_layer_names", "embeddings_data"})
        if unknown:
            raise TypeError(f"TensorBoard got unexpected arguments {unknown}.")
        if update_freq != "epoch":
            raise ValueError(f"TensorBoard update_freq must be 'epoch' (lstmkit runs no Python "
                             f"within an epoch), got {update_freq!r}.")
        if isinstance(histogram_freq, bool) or not isinstance(histogram_freq, int) or \
                histogram_freq < 0:
            raise ValueError(f"TensorBoard histogram_freq must be an integer >= 0 (0: no "
                             f"histograms), got {histogram_freq!r}.")
        try:
            from tensorboardX import SummaryWriter
        except ImportError:
            raise ImportError("TensorBoard writes its files with the tensorboardX package: "
                              "pip install 'lstmkit[tensorboard]' (or pip install "
                              "tensorboardX).") from None
        self._writer_class, self._writers = SummaryWriter, {}
        self.log_dir, self.histogram_freq = files.checked_path(log_dir, "log_dir"), histogram_freq
        self.write_steps_per_second, self._epoch_start = bool(write_steps_per_second), 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        rate = self.model._current_learning_rate()
        if rate is not None:  # the rate now, as Keras 3 adds it (after any reduction)
            logs["learning_rate"] = rate
        if self.write_steps_per_second and self.params.get("steps"):
            logs["steps_per_second"] = self.params["steps"] / (
                time.perf_counter() - self._epoch_start)
        for name, value in logs.items():
            run = "validation" if name.startswith("val_") else "train"
            self._writer(run).add_scalar(f"epoch_{name.removeprefix('val_')}", value, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for layer in self.model.layers:
                for name, weights in layer.named_weights():
                    self._writer("train").add_histogram(f"{layer.name}/{name}/histogram",
                                                        weights, epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _writer(self, run: str):
        if run not in self._writers:
            self._writers[run] = self._writer_class(os.path.join(self.log_dir, run))
        return self._writers[run]


class Plan(NamedTuple):
    """What ``fit(callbacks=...)`` asks: of the training program (``reset_states``,
    ``early_stopping``) and between epochs (``hooks``)."""

    reset_states: bool = False
    early_stopping: EarlyStopping | None = None
    hooks: tuple = ()
    histories: tuple = ()  # History() objects given, filled with the run's logs


def plan(callbacks) -> Plan:
    """The callbacks as a ``Plan``, or a clear error for what lstmkit cannot run."""
    callbacks = [] if callbacks is None else list(callbacks)
    for callback in callbacks:
        if not isinstance(callback, ResetStates | EarlyStopping | Callback | History):
            raise TypeError(
                f"fit(callbacks=...) takes lstmkit.callbacks objects (ResetStates, "
                f"EarlyStopping, ModelCheckpoint, CSVLogger, TerminateOnNaN, LambdaCallback, "
                f"..., or a subclass of lstmkit.callbacks.Callback), got "
                f"{type(callback).__name__}.")
        overridden = [name for name in BATCH_HOOKS if callable(getattr(callback, name, None))]
        if overridden:
            raise _batch_hook_error(type(callback).__name__, overridden[0])
    stoppers = [c for c in callbacks if isinstance(c, EarlyStopping)]
    if len(stoppers) > 1:
        raise ValueError(f"fit(callbacks=...) takes one EarlyStopping at most, got "
                         f"{len(stoppers)}.")
    return Plan(any(isinstance(c, ResetStates) for c in callbacks),
                stoppers[0] if stoppers else None,
                tuple(c for c in callbacks if isinstance(c, Callback)),
                tuple(c for c in callbacks if isinstance(c, History)))


def _batch_hook_error(name: str, hook: str) -> ValueError:
    return ValueError(f"{name} has {hook}: lstmkit runs each epoch's batches as one compiled "
                      f"program, with no Python between batches. Use on_epoch_end instead.")


def _mode(who: str, mode) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{who} mode must be 'auto', 'min' or 'max', got {mode!r}.")
    return mode


def _sign(who: str, monitor: str, mode: str, compiled=()) -> float:
    """1.0 when lower values of ``monitor`` are better, -1.0 when higher are (``compiled``:
    the model's metrics, whose objects say it by their class)."""
    if mode != "auto":
        return 1.0 if mode == "min" else -1.0
    rises = metrics.rises(monitor.removeprefix("val_"), compiled)
    if rises is None:
        raise ValueError(f"{who} cannot tell whether {monitor!r} should go up or down; give "
                         f"mode='min' or mode='max'.")
    return -1.0 if rises else 1.0


def _numeric_rate_optimizer(model, who: str):
    """The model's optimizer, which must have a numeric learning rate to change."""
    rate = getattr(model.optimizer, "learning_rate", None)
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
        raise ValueError(f"{who} needs an lstmkit optimizer with a numeric learning_rate "
                         f"(not an optax transformation or a schedule).")
    return model.optimizer


def _improves(sign: float, value: float, best: float | None, min_delta: float = 0.0) -> bool:
    """Keras's test of a monitored value against the best so far (none yet: it does)."""
    return best is None or sign * value + min_delta < sign * best


def _number(name: str, value) -> float:
    if not validation.is_number(value):
        raise TypeError(f"EarlyStopping {name} must be a number, got {value!r}.")
    return float(value)


def _count(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"EarlyStopping {name} must be an integer >= 0, got {value!r}.")
    return value
