"""``Sequential``: the stateful object users hold. It keeps layers, weights and the
optimizer state between calls, checks its inputs, and delegates all math to the
compiled programs of ``lstmkit.training`` (cached per input signature)."""

import functools
import math
import numbers
import os
import time
import warnings

import jax
import numpy as np
import optax

from lstmkit import callbacks as callbacks_lib
from lstmkit import (
    early_stopping,
    epoch_draws,
    losses,
    optimizers,
    progress,
    rng,
    saving,
    serialization,
    training,
    validation,
    windowed,
)
from lstmkit import metrics as metrics_lib
from lstmkit.callbacks import History
from lstmkit.data import sequences
from lstmkit.layers.base import Layer, unique_name
from lstmkit.layers.inputs import InputLayer, SymbolicTensor
from lstmkit.summary import summary_table


def sequential_forward(layers, params, states, x, *, training: bool, key, rows=None):
    """Apply ``layers`` in order: x (B, ...) -> (y_pred (B, ...), new states, the output's
    mask (B, T) or None). Pure.

    ``states`` holds a stateful layer's carry, ``None`` for every other layer (which then
    starts from zeros and hands back ``None``, except a layer with batch statistics in
    training, which hands back its new moving averages). A mask of real timesteps (from
    ``Embedding(mask_zero=True)`` or ``Masking``) goes along to the layers that take it,
    and ``rows`` (B,), the 0/1 weights of a training batch's real samples, to the layers
    with batch statistics.
    """
    keys = [None] * len(layers) if key is None else list(jax.random.split(key, len(layers)))
    new_states, mask = [], None
    for layer, p, s, k in zip(layers, params, states, keys, strict=True):
        extra = {"mask": mask} if mask is not None and layer.takes_mask else {}
        if layer.batch_statistics:
            extra["rows"] = rows
        y, s = layer.apply(p, x, s, training=training, key=k, **extra)
        x, mask = y, layer.compute_mask(x, mask)
        new_states.append(s if layer.stateful or layer.batch_statistics else None)
    return x, new_states, mask


def sequential_penalty(layers, params):
    """The weight regularizers' penalty of the trainable ``layers`` (Keras leaves frozen
    weights out)."""
    return sum((layer.penalty(p) for layer, p in zip(layers, params, strict=True)
                if layer.trainable), 0.0)


def sequential_constrain(layers, params):
    """The trainable ``layers``' weights with their constraints applied (Keras projects
    what the optimizer updated)."""
    return [layer.constrain(p) if layer.trainable else p
            for layer, p in zip(layers, params, strict=True)]


def mask_reaches_output(layers) -> bool:
    """Whether a mask of timesteps reaches the model's output (and its loss); a layer that
    cannot take the mask it would get warns here, before anything runs, and drops it."""
    masked = False
    for layer in layers:
        masked = layer.mask_out(masked)
    return masked

# fit runs its epochs in program calls of about CHUNK_SECONDS each (so progress is
# printed and Ctrl-C is heard) and at most MAX_CHUNK epochs (the size of the logs buffer).
CHUNK_SECONDS = 0.25
MAX_CHUNK = 64


class Sequential:
    """A linear stack of layers with Keras's ``compile`` / ``fit`` / ``evaluate`` /
    ``predict`` life-cycle.

    The model builds (creates its weights) as soon as the first layer's input shape is
    known: from ``input_shape`` / ``batch_input_shape`` / ``input_dim``, from
    ``build(input_shape)``, or from the first data passed to it.
    """

    def __init__(self, layers=None, name=None):
        self.name = name or unique_name("Sequential")
        self.layers: list[Layer] = []
        self.optimizer = self.loss = None
        self.metrics: list = []
        self._opt_state = self._key = self._tx = self._compiled_lr = None
        self._input: InputLayer | None = None  # an Input given before the first layer
        self._programs: dict = {}
        self._warned_shuffle = False
        self.stop_training = False  # set by EarlyStopping, as in Keras
        self.history: History | None = None  # the last fit's, as Keras keeps it
        # Data preparation kept with the model (JSON data and fitted scalers): save() writes it.
        self.preparation: dict | None = None
        for layer in layers or []:
            self.add(layer)

    # ----- structure -------------------------------------------------------------------
    def add(self, layer: Layer | InputLayer) -> None:
        if isinstance(layer, InputLayer):
            self._add_input(layer)
            return
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential.add expects a layer (such as lstmkit.layers.LSTM), got "
                f"{type(layer).__name__}.")
        if not self.layers and self._input is not None:
            self._declare_input(layer, self._input.batch_shape)
        mask_reaches_output([*self.layers, layer])  # a layer that cannot take a mask raises
        self.layers.append(layer)
        self._programs.clear()
        self._opt_state = None
        declared = self.layers[0].batch_input_shape or self.layers[0].input_shape
        if declared is not None:
            self.build(declared)

    def _add_input(self, spec: InputLayer) -> None:
        if self.layers or self._input is not None:
            raise ValueError(
                "An Input goes first in a Sequential model, once: this model already has "
                f"{'layers' if self.layers else 'an Input'}. Give Input(shape=...) as the "
                "first element, or give the first layer input_shape=(timesteps, features).")
        self._input = spec

    @staticmethod
    def _declare_input(layer: Layer, batch_shape) -> None:
        """Hand an Input's shape to the first layer, as its ``batch_input_shape`` (the
        Input's batch size wins over a layer's ``input_shape`` without one, as in Keras)."""
        own = layer.batch_input_shape
        if own is not None and (own[1:] != batch_shape[1:] or own[0] not in (None,
                                                                             batch_shape[0])):
            raise ValueError(
                f"The model's Input has the batch shape {batch_shape}, but its first layer "
                f"{layer.name!r} declares batch_input_shape={own}. Declare the shape once: "
                f"in the Input, or in the first layer's input_shape.")
        layer.batch_input_shape = batch_shape

    @property
    def built(self) -> bool:
        return bool(self.layers) and all(layer.built for layer in self.layers)

    def build(self, input_shape=None) -> None:
        """Create the weights for ``input_shape`` (batch axis first, e.g. ``(None, 50, 1)``)."""
        if not self.layers:
            raise ValueError("The model has no layers; add some with model.add(...) first.")
        shape = input_shape or self.layers[0].batch_input_shape
        if shape is None:
            raise ValueError(
                "The model's input shape is unknown. Give the first layer input_shape="
                "(timesteps, features), call model.build((None, timesteps, features)), or "
                "call fit/predict with data.")
        shape = tuple(shape)
        for layer in self.layers:
            if not layer.built:
                layer.build(shape)
            elif layer.input_shape != shape:
                raise ValueError(
                    f"{layer!r} was built for inputs {layer.input_shape}, got {shape}: a "
                    f"layer's weights are made once, for one input shape (another model may "
                    f"share them). For another shape, build a new model and copy the weights: "
                    f"new.set_weights(old.get_weights()).")
            shape = layer.output_shape
        self._link_symbols()

    def _link_symbols(self) -> None:
        """Keras's ``model.input`` and each layer's ``input`` / ``output``, as symbols of the
        functional API: ``Model(model.input, model.layers[1].output)`` shares the weights
        and gives that layer's outputs."""
        if self._input is None or self._input.batch_shape != self.layers[0].input_shape:
            self._input = InputLayer(batch_shape=self.layers[0].input_shape)
        x = self._input
        for i, layer in enumerate(self.layers):
            layer.input, layer.output = x, SymbolicTensor(self._input, tuple(self.layers[:i + 1]))
            x = layer.output

    @property
    def input(self) -> InputLayer:
        """The model's ``Input`` (Keras's ``model.input``), once the model is built."""
        self._require_built("input")
        return self._input

    @property
    def output(self) -> SymbolicTensor:
        """The last layer's output symbol (Keras's ``model.output``)."""
        self._require_built("output")
        return self.layers[-1].output

    def _require_built(self, what: str) -> None:
        if not self.built:
            raise ValueError(f"model.{what} needs a built model: give the first layer "
                             f"input_shape=(timesteps, features), or call model.build(...).")

    @property
    def inputs(self) -> list:
        return [self.input]

    @property
    def outputs(self) -> list:
        return [self.output]

    def _output_shape_for(self, input_shape):
        """The output shape for ``input_shape`` without building anything."""
        shape = tuple(input_shape)
        for layer in self.layers:
            layer.check_input_shape(shape)
            shape = layer.compute_output_shape(shape)
        return shape

    @property
    def input_shape(self):
        return self.layers[0].input_shape if self.built else None

    @property
    def output_shape(self):
        return self.layers[-1].output_shape if self.built else None

    def get_layer(self, name=None, index=None) -> Layer:
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        names = [layer.name for layer in self.layers]
        raise ValueError(f"No layer named {name!r}; the layers are {names}.")

    def get_weights(self) -> list[np.ndarray]:
        """All weights, layer by layer, in Keras's order and shapes."""
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights) -> None:
        """Set all weights from a list shaped like ``get_weights()`` (e.g. a Keras model's)."""
        expected = self.get_weights()
        if len(weights) != len(expected):
            raise ValueError(
                f"set_weights expects {len(expected)} arrays (the length of get_weights()), "
                f"got {len(weights)}.")
        start = 0
        for layer in self.layers:
            count = len(layer.get_weights())
            layer.set_weights(weights[start:start + count])
            start += count

    @property
    def stateful(self) -> bool:
        return any(layer.stateful for layer in self.layers)

    def reset_states(self) -> None:
        """Zero the states of every stateful layer (Keras 2's ``model.reset_states``)."""
        for layer in self.layers:
            if layer.stateful:
                layer.reset_states()

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    def summary(self, line_length: int = 65, print_fn=print) -> None:
        """Print Keras's table of layers, output shapes and parameter counts."""
        if not self.built:
            raise ValueError(
                "This model has not been built yet, so it has no shapes or weights to show. "
                "Give the first layer input_shape=(timesteps, features) or call "
                "model.build(input_shape) first.")
        print_fn(summary_table(self, line_length))

    # ----- compile ---------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None) -> None:
        """Choose the optimizer, the loss and the metrics (names or callables)."""
        if loss is None:
            raise ValueError(
                "compile() needs a loss, for example loss='mse' for regression or "
                "loss='categorical_crossentropy' for one-hot classes.")
        self.optimizer = optimizers.get(optimizer)
        loss = losses.instance(loss)
        self._loss_fn = losses.get(loss)
        self.loss = loss
        metric_list = [] if metrics is None else [metrics_lib.instance(m) for m in metrics]
        for m in metric_list:
            metrics_lib.check(m)
        self.metrics = metric_list
        self._tx = self.optimizer.transformation()
        self._compiled_lr = getattr(self.optimizer, "learning_rate", None)
        self._opt_state = None
        self._programs.clear()

    @property
    def metrics_names(self) -> list[str]:
        return ["loss", *(metrics_lib.name(m) for m in self.metrics)]

    def _require_compiled(self, method: str) -> None:
        if self._tx is None:
            raise ValueError(
                f"{method}() needs a compiled model: call model.compile(optimizer='adam', "
                f"loss='mse') (or the optimizer and loss you want) first.")

    def _forward(self):
        return functools.partial(sequential_forward, tuple(self.layers))

    def _objective(self, y) -> training.Objective:
        resolved = tuple(
            metrics_lib.get(m, loss_name=losses.name(self.loss), y_true_shape=y.shape,
                            output_shape=self.output_shape)
            for m in self.metrics)
        return training.Objective(self._forward(), self._loss_fn, resolved,
                                  mask_reaches_output(self.layers),
                                  tuple(not layer.trainable for layer in self.layers),
                                  tuple(layer.batch_statistics and layer.trainable
                                        for layer in self.layers),
                                  *self._penalty_and_constraints())

    def _penalty_and_constraints(self):
        """The training objective's penalty and constraint functions, each ``None`` when no
        trainable layer has a weight regularizer or constraint."""
        layers, trainable = tuple(self.layers), [lr for lr in self.layers if lr.trainable]
        penalty = constrain = None
        if any(layer.regularized for layer in trainable):
            penalty = functools.partial(sequential_penalty, layers)
        if any(layer.constrained for layer in trainable):
            constrain = functools.partial(sequential_constrain, layers)
        return penalty, constrain

    def _program(self, kind: str, batch_size: int | None, *statics, objective=None):
        """A jitted program, made once per (kind, batch size, settings, metric functions);
        JAX then compiles it once per input shape."""
        metric_fns = () if objective is None else tuple(m.fn for m in objective.metrics)
        frozen = () if objective is None else objective.frozen
        key = (kind, batch_size, statics, metric_fns, frozen)
        if key not in self._programs:
            self._programs[key] = _make_program(kind, batch_size, statics, objective,
                                                self._forward(), self._tx)
        return self._programs[key]

    # ----- data checks -----------------------------------------------------------------
    def _prepare(self, x, y=None, names=("x", "y")):
        """Validated float32 arrays; builds the model from x if needed (only if x is valid)."""
        if not self.layers:
            raise ValueError("The model has no layers; add some with model.add(...) first.")
        x = validation.as_numeric_array(names[0], x)
        input_shape = self.input_shape or self.layers[0].batch_input_shape or (
            self._shape_from_data(x))
        validation.check_input(x, input_shape, self.layers[0].name)
        self.layers[0].check_values(names[0], x)
        if y is not None:
            y = validation.as_numeric_array(names[1], y)
            validation.check_same_length(x, y)
            output_shape = self.output_shape or self._output_shape_for(input_shape)
            y = validation.standardize_y(y, output_shape, losses.name(self.loss))
        if not self.built:
            self.build(input_shape)
        mask_reaches_output(self.layers)  # warns where a layer drops a mask
        return x, y

    def _shape_from_data(self, x):
        """The input shape to build an unbuilt model for x: (None, *x.shape[1:]), or only
        the rank the first layer needs when x has the wrong rank (so the check explains)."""
        ndim = self.layers[0].input_ndim
        if ndim is not None and x.ndim != ndim:
            return (None,) * ndim
        return (None, *x.shape[1:])

    def _hold_out(self, x, y, weights, validation_split, validation_data):
        """Training and validation ``(x, y, sample weights or None)``: ``validation_data``
        (``(x_val, y_val)`` or ``(x_val, y_val, val_sample_weight)``), or the last
        fraction of the samples."""
        if sequences.is_batches(validation_data):
            x_val, y_val, _, val_weights = sequences.as_arrays(validation_data, None, None,
                                                               "validation_data")
            if y_val is None:
                raise ValueError("validation_data gives batches without targets; it must give "
                                 "(x, y) or (x, y, sample_weight) batches.")
            validation_data = (x_val, y_val) if val_weights is None else (
                x_val, y_val, val_weights)
        if validation_data is not None:
            if not isinstance(validation_data, tuple | list) or len(validation_data) not in (
                    2, 3):
                raise ValueError("validation_data must be a tuple (x_val, y_val) or (x_val, "
                                 "y_val, val_sample_weight).")
            x_val, y_val = self._prepare(*validation_data[:2],
                                         names=("validation x", "validation y"))
            val_weights = None if len(validation_data) == 2 else validation.sample_weights(
                validation_data[2], y_val)
            return (x, y, weights), (x_val, y_val, val_weights)
        if not validation_split:
            return (x, y, weights), (None, None, None)
        at = int(math.floor(x.shape[0] * (1.0 - validation_split)))
        if at in (0, x.shape[0]):
            raise ValueError(
                f"validation_split={validation_split} of {x.shape[0]} samples leaves "
                f"{at} for training and {x.shape[0] - at} for validation; both need at least "
                f"one. Use more samples or another validation_split.")
        if weights is None:
            return (x[:at], y[:at], None), (x[at:], y[at:], None)
        return (x[:at], y[:at], weights[:at]), (x[at:], y[at:], weights[at:])

    # ----- life-cycle ------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, validation_split=0.0,
            validation_data=None, shuffle=True, initial_epoch=0, callbacks=None,
            sample_weight=None, class_weight=None, *, nb_epoch=None) -> History:
        """Train for ``epochs - initial_epoch`` epochs; returns a ``History``.

        Many epochs run as one compiled program (shuffle, every batch, validation), in
        calls of about a quarter of a second so that progress shows and Ctrl-C is heard.
        Calling ``fit`` again continues from the current weights and optimizer state.
        ``callbacks`` (``lstmkit.callbacks``): ``ResetStates()`` and ``EarlyStopping(...)``
        run inside the program; any ``Callback`` runs in Python between epochs, which are
        then one program call each. ``sample_weight`` (one per sample) or
        ``class_weight`` (``{class: weight}``) weigh each sample's loss, as in Keras.
        ``nb_epoch`` is the older name of ``epochs``, which Keras 2 still took.
        """
        self._require_compiled("fit")
        epochs = _legacy_epochs(epochs, nb_epoch)
        validation.check_epochs(epochs, initial_epoch)
        plan = callbacks_lib.plan(callbacks)
        (x, y, weights), (x_val, y_val, val_weights), batch_size = self._fit_data(
            x, y, batch_size, sample_weight, class_weight, validation_split, validation_data)
        if not any(layer.get_weights() for layer in self.layers):
            raise ValueError("fit: the model has no weights to train (its layers, such as "
                             "Lambda or Activation, have none); predict and evaluate work "
                             "without fit.")
        self._warn_if_shuffling(shuffle)
        stopper = plan.early_stopping
        stop = None if stopper is None else stopper.rule(self.metrics_names, x_val is not None,
                                                         self.metrics)
        objective = self._objective(y)
        n, shuffle = x.shape[0], bool(shuffle)
        capacity = epoch_draws.capacity(n, shuffle, MAX_CHUNK)
        run = self._program("train", batch_size, plan.reset_states, capacity, stop,
                            objective=objective)
        dropout = any(layer.uses_dropout for layer in self.layers)
        steps = -(-n // batch_size)
        history = History(self, {"verbose": verbose, "epochs": epochs, "steps": steps})
        data = windowed.packed(x), y, windowed.packed(x_val), y_val, weights, val_weights
        if epochs - initial_epoch > 1:  # several program calls: copy the data over once
            data = jax.device_put(data)
        x, y, x_val, y_val, weights, val_weights = data
        hooks = plan.hooks
        self.stop_training = False
        for hook in hooks:
            hook.set_model(self)
            hook.set_params(history.params)
            hook.on_train_begin()
        state, key = self._train_state(), self._training_key()
        watch = None if stop is None else early_stopping.start(stop, state.params)
        chunks, epoch, count, hook_logs = [], initial_epoch, 1, {}
        try:
            while epoch < epochs and not self.stop_training:
                count = 1 if hooks else min(count, epochs - epoch, capacity)
                if hooks:
                    for hook in hooks:
                        hook.on_epoch_begin(epoch)
                    state = self._train_state()  # as the callbacks left the model
                start = time.perf_counter()
                next_key, draws = epoch_draws.draw(key, count, capacity, n, shuffle=shuffle,
                                                   dropout=dropout)
                state, logs, val_logs, ran, watch = run(state, x, y, x_val, y_val, draws,
                                                        count, epoch, watch, weights,
                                                        val_weights)
                logs = jax.block_until_ready(logs)  # the call's time, not its dispatch's
                if stop is None:
                    ran = count
                else:  # the host needs to know whether the rule stopped
                    ran, self.stop_training = int(ran), bool(watch.stopped)
                # The next fit's draws follow the epochs that ran, however they were split.
                key = next_key if ran == count else epoch_draws.advance(key, ran)
                chunks.append((epoch, ran, logs, val_logs))
                if verbose:
                    self._report_chunk(verbose, epochs, steps, time.perf_counter() - start,
                                       *chunks[-1])
                epoch += chunks[-1][1]
                count = _next_chunk(count, time.perf_counter() - start)
                if hooks:
                    self._store(state, key)
                    hook_logs[epoch - 1] = self._chunk_logs(chunks[-1])
                    for hook in hooks:  # one logs dict, as Keras shares it (and History)
                        hook.on_epoch_end(epoch - 1, hook_logs[epoch - 1])
                    state = self._train_state()
        finally:
            self._store(state, key)
            for first, ran, logs, val_logs in jax.device_get(chunks):
                for i in range(ran):
                    history.append(first + i, hook_logs.get(first + i) or self._logs_dict(
                        logs[i], None if val_logs is None else val_logs[i]))
        if stop is not None:
            self._end_early_stopping(stopper, watch, epoch)
        for hook in hooks:
            hook.on_train_end(hook_logs.get(epoch - 1))
        for given in plan.histories:  # Keras keeps filling a History() it is given
            given.record(history)
        self.history = plan.histories[0] if plan.histories else history
        return self.history

    def _fit_data(self, x, y, batch_size, sample_weight, class_weight, validation_split,
                  validation_data):
        """Checked ``(x, y, sample weights)`` to train on and to validate with, and the
        batch size."""
        x, y, batch_size, sample_weight = _with_batch_weights(
            *sequences.as_arrays(x, y, batch_size), sample_weight, "fit")
        split = validation.check_validation_split(validation_split)
        x, y = self._prepare(x, y)
        if sample_weight is not None and class_weight is not None:
            raise ValueError("Give sample_weight or class_weight, not both (as in Keras).")
        weights = validation.sample_weights(sample_weight, y)
        (x, y, weights), held_out = self._hold_out(x, y, weights, split, validation_data)
        if class_weight is not None:  # the training samples only, as in Keras
            weights = validation.sample_weights(
                validation.class_sample_weights(class_weight, y), y)
        batch_size = self._batch_size(batch_size, x.shape[0], "fit")
        if held_out[0] is not None:
            self._batch_size(batch_size, held_out[0].shape[0], "fit's validation data")
        return (x, y, weights), held_out, batch_size

    def _chunk_logs(self, chunk) -> dict[str, float]:
        """The logs of the last epoch of a program call."""
        _, ran, logs, val_logs = jax.device_get(chunk)
        return self._logs_dict(logs[ran - 1], None if val_logs is None else val_logs[ran - 1])

    def _end_early_stopping(self, stopper, watch, epoch: int) -> None:
        """Keras's ``EarlyStopping.on_train_end``: report, and restore the best weights."""
        if bool(watch.stopped) and stopper.verbose:
            print(f"Epoch {epoch}: early stopping")
        if stopper.restore_best_weights and bool(watch.seen):
            if stopper.verbose:
                print(f"Restoring model weights from the end of the best epoch: "
                      f"{int(watch.best_epoch) + 1}.")
            for layer, params in zip(self.layers, watch.best_params, strict=True):
                layer.params = params

    def _report_chunk(self, verbose, epochs, steps, seconds, first, count, logs, val_logs):
        """Print Keras's lines for the epochs of one program call (time split evenly)."""
        logs, val_logs = jax.device_get((logs, val_logs))
        for i in range(count):
            progress.epoch_header(verbose, first + i, epochs)
            progress.report(verbose, steps, seconds / count, self._logs_dict(
                logs[i], None if val_logs is None else val_logs[i]))

    def _train_state(self) -> training.TrainState:
        """The state training starts from; the optimizer's is initialized on the first fit.
        Programs do not donate their inputs, so the layers' arrays stay valid whatever
        happens to a call."""
        params = self._params()
        if self._opt_state is None:
            self._opt_state = self._program("start", None)(params)  # the optimizer's init
        return training.TrainState(params, self._opt_state, self._states(), self._lr_scale())

    def _lr_scale(self) -> np.float32 | None:
        """The optimizer's learning rate now over the one its transformation was built
        with; None while they are the same object (unchanged since ``compile``)."""
        now, compiled = getattr(self.optimizer, "learning_rate", None), self._compiled_lr
        if now is compiled:
            return None
        if callable(compiled):
            raise ValueError("The optimizer was compiled with a learning-rate schedule; "
                             "compile again to change its learning rate.")
        if isinstance(now, bool) or not isinstance(now, numbers.Real) or now < 0:
            raise ValueError(f"optimizer.learning_rate must be a number >= 0, got {now!r}.")
        if not compiled:
            raise ValueError("The model was compiled with a learning rate of 0, which no "
                             "factor can change; compile again with the rate you want.")
        return np.float32(now / compiled)

    def _current_learning_rate(self) -> float | None:
        """The optimizer's learning rate now: its number, or its schedule's (or Keras 2
        ``decay``'s) value at the optimizer's step count; ``None`` when unknown (a raw
        optax transformation)."""
        if self.optimizer is None or isinstance(self.optimizer, optimizers.Optax):
            return None
        rate = self.optimizer.schedule()
        if validation.is_number(rate):
            return float(rate)
        counts = [] if self._opt_state is None else optax.tree_utils.tree_get_all_with_path(
            self._opt_state, "count")
        return float(rate(counts[0][1])) if callable(rate) and counts else None

    def _training_key(self) -> np.ndarray:
        """The key of the next epoch's shuffle and dropout (``lstmkit.epoch_draws``)."""
        if self._key is None:
            self._key = epoch_draws.key_words(rng.next_seed())
        return self._key

    def _store(self, state: training.TrainState, key: np.ndarray) -> None:
        for layer, params in zip(self.layers, state.params, strict=True):
            layer.params = params
        self._store_states(state.states)
        self._opt_state, self._key = state.opt_state, key

    def _store_states(self, states) -> None:
        for layer, carry in zip(self.layers, states, strict=True):
            if layer.stateful:
                layer.states = carry

    def _logs_dict(self, logs, val_logs=None) -> dict[str, float]:
        out = {name: float(v) for name, v in zip(self.metrics_names, logs, strict=True)}
        if val_logs is not None:
            out.update({f"val_{name}": float(v)
                        for name, v in zip(self.metrics_names, val_logs, strict=True)})
        return out

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 return_dict=False):
        """The loss (a float), or ``[loss, *metrics]`` when metrics were compiled (a dict
        by name with ``return_dict``); with ``sample_weight`` the loss is weighted, as in
        Keras."""
        self._require_compiled("evaluate")
        x, y, batch_size, sample_weight = _with_batch_weights(
            *sequences.as_arrays(x, y, batch_size), sample_weight, "evaluate")
        x, y = self._prepare(x, y)
        weights = validation.sample_weights(sample_weight, y)
        batch_size = self._batch_size(batch_size, x.shape[0], "evaluate")
        objective = self._objective(y)
        start = time.perf_counter()
        logs, states = self._program("evaluate", batch_size, objective=objective)(
            self._params(), self._states(), windowed.packed(x), y, weights)
        self._store_states(states)
        result = self._logs_dict(jax.device_get(logs))
        progress.report(verbose, -(-x.shape[0] // batch_size), time.perf_counter() - start,
                        result)
        return _results(result, return_dict)

    def predict(self, x, batch_size=None, verbose=0) -> np.ndarray:
        """Model outputs for x, as a NumPy array."""
        x, _, batch_size, _ = sequences.as_arrays(x, None, batch_size)
        x, _ = self._prepare(x)
        batch_size = self._batch_size(batch_size, x.shape[0], "predict")
        start = time.perf_counter()
        outputs, states = self._program("predict", batch_size)(
            self._params(), self._states(), windowed.packed(x))
        self._store_states(states)
        outputs = np.asarray(outputs)
        progress.report(verbose, -(-x.shape[0] // batch_size), time.perf_counter() - start, {})
        return outputs

    # ----- one batch at a time (Keras's *_on_batch) ---------------------------------------
    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, return_dict=False):
        """One optimizer step on all of x as a single batch; returns that batch's loss (and
        metrics), computed before the step, as Keras does. A stateful layer carries its
        state to the next call."""
        self._check_one_batch("train_on_batch", x)
        history = self.fit(x, y, batch_size=len(x), epochs=1, verbose=0, shuffle=False,
                           sample_weight=sample_weight, class_weight=class_weight)
        return _results({name: values[-1] for name, values in history.history.items()},
                        return_dict)

    def test_on_batch(self, x, y, sample_weight=None, return_dict=False):
        """The loss (and metrics) of x as a single batch."""
        self._check_one_batch("test_on_batch", x)
        return self.evaluate(x, y, batch_size=len(x), verbose=0, sample_weight=sample_weight,
                             return_dict=return_dict)

    def predict_on_batch(self, x) -> np.ndarray:
        """Model outputs for x as a single batch."""
        self._check_one_batch("predict_on_batch", x)
        return self.predict(x, batch_size=len(x))

    def _check_one_batch(self, method: str, x) -> None:
        if self.stateful and len(x) != self.input_shape[0]:
            raise ValueError(
                f"{method}: this stateful model has the fixed batch size "
                f"{self.input_shape[0]} (from batch_input_shape), got a batch of {len(x)} "
                f"samples. Give it batches of {self.input_shape[0]}.")

    # ----- Keras 2's generator methods ----------------------------------------------------
    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      initial_epoch=0, shuffle=True, max_queue_size=10, workers=1,
                      use_multiprocessing=False, *, nb_epoch=None) -> History:
        """Keras 2's ``fit`` of a batch-making object (a ``TimeseriesGenerator``, a
        ``Sequence``): ``fit(generator, ...)`` on all its batches each epoch. The queue and
        worker settings have no effect: lstmkit takes every sample up front."""
        _check_steps("steps_per_epoch", steps_per_epoch, generator)
        _check_steps("validation_steps", validation_steps, validation_data)
        return self.fit(generator, epochs=_legacy_epochs(epochs, nb_epoch), verbose=verbose,
                        callbacks=callbacks, validation_data=validation_data, shuffle=shuffle,
                        initial_epoch=initial_epoch)

    def evaluate_generator(self, generator, steps=None, max_queue_size=10, workers=1,
                           use_multiprocessing=False, verbose=0):
        """Keras 2's ``evaluate`` of a batch-making object, on all its batches."""
        _check_steps("steps", steps, generator)
        return self.evaluate(generator, verbose=verbose)

    def predict_generator(self, generator, steps=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0) -> np.ndarray:
        """Keras 2's ``predict`` of a batch-making object, on all its batches."""
        _check_steps("steps", steps, generator)
        return self.predict(generator, verbose=verbose)

    def predict_classes(self, x, batch_size=32, verbose=0) -> np.ndarray:
        """Keras 2: class indices (argmax), or 0/1 for a single sigmoid output."""
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0) -> np.ndarray:
        """Keras 2: the predicted probabilities (the same as ``predict``)."""
        return self.predict(x, batch_size=batch_size, verbose=verbose)

    def _params(self) -> list:
        return [layer.params for layer in self.layers]

    def _states(self) -> list:
        return [layer.states if layer.stateful else None for layer in self.layers]

    def _batch_size(self, batch_size, n: int, method: str) -> int:
        """The batch size to use for n samples. A stateful model's is fixed: n must be a
        multiple of it, and another explicit batch_size is an error."""
        if not self.stateful:
            batch_size = validation.check_batch_size(32 if batch_size is None else batch_size)
            return batch_size if method.startswith("fit") else min(batch_size, n)
        fixed = self.input_shape[0]
        if batch_size is not None and batch_size != fixed:
            raise ValueError(
                f"{method}: this stateful model has the fixed batch size {fixed} (from "
                f"batch_input_shape), got batch_size={batch_size}. Leave batch_size out, or "
                f"rebuild the model with batch size {batch_size}.")
        if n % fixed:
            raise ValueError(
                f"{method}: a stateful model needs a sample count divisible by its batch size "
                f"{fixed}, got {n} samples. Drop {n % fixed} samples, or use a batch size "
                f"that divides {n}: {_divisors_near(n, fixed)}.")
        return fixed

    def _warn_if_shuffling(self, shuffle) -> None:
        if shuffle and self.stateful and not self._warned_shuffle:
            self._warned_shuffle = True
            warnings.warn(
                "fit(shuffle=True) on a stateful model: shuffling breaks the order of the "
                "samples that the carried state relies on. Pass shuffle=False.",
                UserWarning, stacklevel=3)

    # ----- saving ----------------------------------------------------------------------
    def save(self, filepath, include_optimizer: bool = True) -> None:
        """Write the whole model to one ``.lstmkit`` file, atomically: architecture, weights,
        compile settings, optimizer state and PRNG key (so ``fit`` continues exactly where
        it stopped), stateful layers' states and ``preparation``. Load it with
        ``lstmkit.models.load_model``."""
        saving.save_model(self, filepath, include_optimizer=include_optimizer)

    def save_weights(self, filepath) -> None:
        """Write the weights alone, as a safetensors file."""
        saving.save_weights(self, filepath)

    def load_weights(self, filepath) -> None:
        """Set the weights from ``save_weights``'s file (or an ``.lstmkit`` file)."""
        saving.load_weights(self, filepath)

    def to_json(self, **kwargs) -> str:
        """The architecture as JSON (Keras 2); ``model_from_json`` builds it again."""
        return serialization.to_json(self, **kwargs)

    def get_config(self) -> dict:
        """The architecture as Keras 2's dict: ``{"name", "layers": [{"class_name",
        "config"}, ...], "build_input_shape"}``; ``Sequential.from_config`` builds it
        again."""
        return serialization.model_config(self)["config"]

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> "Sequential":
        """A new model (fresh weights) of the architecture ``get_config()`` gave;
        ``custom_objects`` is accepted and unused (``load_model`` says why)."""
        return serialization.model_from_config({"class_name": "Sequential", "config": config},
                                               "Sequential.from_config's config")

    def __repr__(self):
        return f"<Sequential name={self.name!r} layers={[layer.name for layer in self.layers]}>"



class Model(Sequential):
    """Keras's functional API, for models that are one chain of layers::

        inputs = Input(shape=(timesteps, features))
        x = LSTM(32)(inputs)
        outputs = Dense(1)(x)
        model = Model(inputs=inputs, outputs=outputs)

    is ``Sequential([inputs, LSTM(32), Dense(1)])``. Several inputs or outputs, branches
    and layers used twice are refused by name: lstmkit's models are chains."""

    def __init__(self, inputs=None, outputs=None, name=None):
        if inputs is None and outputs is None:
            raise TypeError("Model(inputs=..., outputs=...) builds a model from Input(...) and "
                            "the layers called on it; lstmkit has no subclassed models (with "
                            "their own call): write them as Sequential([...]).")
        source, chain = _chain(inputs, outputs)
        if chain[0].built and chain[0].input_shape != source.batch_shape:
            raise ValueError(f"{chain[0]!r} was built for inputs {chain[0].input_shape}, and "
                             f"a model shares it, so the Input must have that shape, got "
                             f"{source.batch_shape}. For another batch size or length, build a "
                             f"new model and copy the weights: new.set_weights("
                             f"old.get_weights()).")
        super().__init__([source, *chain], name=name or unique_name("Model"))


def _chain(inputs, outputs) -> tuple[InputLayer, tuple]:
    """The ``Input`` and the layers from it to ``outputs``, checked to form one chain."""
    inputs = _single("inputs", inputs, "an Input(shape=...)")
    outputs = _single("outputs", outputs, "what the last layer returned")
    if not isinstance(inputs, InputLayer):
        raise TypeError(f"Model(inputs=...) takes an Input(shape=...), got "
                        f"{type(inputs).__name__}.")
    if not isinstance(outputs, SymbolicTensor) or outputs.source is not inputs:
        raise ValueError("Model(outputs=...) must be what the last layer returned, in a chain "
                         "of layers called on Model's inputs, starting with x = "
                         "layer(inputs).")
    used = [layer for layer in outputs.layers if outputs.layers.count(layer) > 1]
    if used:
        raise ValueError(f"{used[0]!r} is used twice; lstmkit's models are chains, each "
                         f"layer once.")
    return inputs, outputs.layers


def _single(name: str, value, what: str):
    """``value``, or its one element when given as a list (as Keras allows)."""
    if isinstance(value, list | tuple):
        if len(value) != 1:
            raise ValueError(f"Model got {len(value)} {name}; lstmkit builds models with one "
                             f"input and one output, a chain of layers ({what}).")
        return value[0]
    return value


def load_model(filepath, custom_objects=None, compile=True) -> Sequential:
    """A model from an ``.lstmkit`` file (``model.save``), or a Keras Sequential model from a
    ``.keras`` or Keras 2 ``.h5`` file (needs ``pip install 'lstmkit[keras-import]'``). The
    kind is read from the file's content; nothing in the file is ever executed.

    ``compile=False`` leaves an ``.lstmkit`` file's model uncompiled, as Keras does (Keras
    files always load uncompiled). ``custom_objects`` is accepted for Keras's code: model
    files hold no functions of yours to look up (``save`` refuses them), so it is unused.
    """
    return saving.load_model(filepath, compile=bool(compile))


def model_from_json(json_string, custom_objects=None) -> Sequential:
    """A new model with the architecture of ``model.to_json()`` (Keras 2), fresh weights;
    ``custom_objects`` is accepted and unused (``load_model`` says why)."""
    return serialization.model_from_json(json_string)


def _results(logs: dict, return_dict: bool):
    """What evaluate and the *_on_batch methods return: the dict, the loss alone (no
    metrics), or ``[loss, *metrics]``."""
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _with_batch_weights(x, y, batch_size, batch_weights, sample_weight, method: str):
    """The sample weights a batch object gave, unless given as ``sample_weight`` too; and
    a clear error when there are no targets."""
    if y is None:
        raise ValueError(f"{method}() needs targets: pass y (one per sample of x), or a "
                         f"generator that gives (x, y) batches.")
    if batch_weights is None:
        return x, y, batch_size, sample_weight
    if sample_weight is not None:
        raise ValueError("x gives (x, y, sample_weight) batches; leave sample_weight out.")
    return x, y, batch_size, batch_weights


def _check_steps(name: str, steps, generator) -> None:
    """Keras 2's step counts: lstmkit always takes every batch of a generator."""
    if steps is None or generator is None or not sequences.is_batches(generator):
        return
    if steps != len(generator):
        raise ValueError(
            f"{name}={steps!r}, but the generator has {len(generator)} batches: lstmkit "
            f"uses every batch of a generator, every epoch. Leave {name} out (or give "
            f"{len(generator)}).")


def _legacy_epochs(epochs, nb_epoch):
    """``epochs``, or the Keras 1 ``nb_epoch`` that Keras 2 still took (with its warning)."""
    if nb_epoch is None:
        return epochs
    if epochs != 1:
        raise ValueError(f"Give epochs (here {epochs!r}) or its old name nb_epoch (here "
                         f"{nb_epoch!r}), not both.")
    warnings.warn("The `nb_epoch` argument in `fit` has been renamed `epochs`.", UserWarning,
                  stacklevel=3)
    return nb_epoch


def _next_chunk(count: int, seconds: float) -> int:
    """How many epochs the next program call runs: about ``CHUNK_SECONDS`` worth."""
    per_epoch = seconds / count
    return max(1, min(MAX_CHUNK, 4 * count, int(CHUNK_SECONDS / max(per_epoch, 1e-9))))


def _divisors_near(n: int, batch: int, count: int = 4) -> list[int]:
    """The divisors of n closest to batch (suggestions for a stateful batch size)."""
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    return sorted(sorted(divisors, key=lambda d: (abs(d - batch), d))[:count])


def _make_program(kind, batch_size, statics, objective, forward, tx):
    jit = functools.partial(jax.jit, compiler_options=_compiler_options())
    if kind == "start":
        return jit(tx.init)
    if kind == "train":
        reset_states, capacity, stop = statics
        epochs = functools.partial(training.train_epochs, objective, tx, batch_size,
                                   reset_states, capacity, stop)
        return jit(epochs)
    if kind == "evaluate":
        return jit(functools.partial(training.evaluate, objective, batch_size))
    return jit(functools.partial(training.predict, forward, batch_size))


def _compiler_options() -> dict | None:
    """XLA options for lstmkit's programs on a CPU, each chosen by measurement (see
    benchmarks/README.md):

    * XLA's loop emitters instead of its MLIR fusion emitters: they compile these programs
      in 60% of the time (W2's training program in 0.44 s instead of 0.71 s) and run them
      as fast, except batch-of-one steps (W1's 11,500 steps take 0.1 s longer);
    * the memory-optimized instruction schedule instead of the concurrency-optimized one:
      small steps run 25% faster (W1's 500 epochs in 0.24 s instead of 0.31 s), large
      ones as fast;
    * one LLVM module per core to compile in parallel instead of 32: W1 and seed 004's
      stateful model compile 20 to 30 ms sooner;
    * LLVM's optimization level 1 instead of 2: the evaluate and predict programs after a
      fit compile in half the time (W1's in 0.12 and 0.08 s instead of 0.25 and 0.19 s,
      where LLVM had unrolled whole batches of vectorized tanh), the training programs
      sooner too, and they all run as fast.
    """
    if jax.default_backend() != "cpu":
        return None
    return {"xla_cpu_use_fusion_emitters": False,
            "xla_cpu_scheduler_type": "CPU_SCHEDULER_TYPE_MEMORY_OPTIMIZED",
            "xla_cpu_parallel_codegen_split_count": min(32, _cores()),
            "xla_backend_optimization_level": 1}


def _cores() -> int:
    """The CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
