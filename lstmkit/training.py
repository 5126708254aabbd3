"""The compiled programs behind ``fit``, ``evaluate`` and ``predict``.

Everything here is pure: a ``TrainState`` goes in and a new one comes out. One epoch
(``train_epoch``) slices every batch in the epoch's order, steps the optimizer
(``lax.scan`` over batches) and evaluates the validation data; ``train_epochs`` runs many
epochs in one XLA program, with no round trip to Python in between (``EarlyStopping``
included: ``lstmkit.early_stopping``). The epochs' orders
and dropout keys come in as data, drawn on the host (``lstmkit.epoch_draws``).

The last partial batch is padded to full size with zero-weight rows, so its gradient is
the mean over its real samples (as Keras computes it) and every epoch of a given data
size runs the same compiled program.

Logs are vectors ``[loss, *metrics]`` of sample-weighted epoch means, as Keras reports.

``states`` is one entry per layer: the ``(h, c)`` of a stateful layer, ``None`` for the
others. It is carried from batch to batch inside the programs (gradients do not cross
batch boundaries: states enter each step as data, not as parameters) and handed back.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax
from jax import lax

from lstmkit import early_stopping, windowed
from lstmkit.epoch_draws import Draws
from lstmkit.metrics import Metric


class TrainState(NamedTuple):
    params: list  # one dict of arrays per layer
    opt_state: Any
    states: list  # per layer: a stateful layer's carry, else None
    # The learning rate now over the one compiled in, once it has changed (by
    # ReduceLROnPlateau, or a new optimizer.learning_rate): a program input, so further
    # changes compile nothing. None (no multiply at all) until then.
    lr_scale: Any = None


class Objective(NamedTuple):
    """What ``compile`` fixes: the model's forward pass, its loss and its metrics."""

    forward: Callable  # (params, states, x, *, training, key) -> (y_pred, states, mask)
    loss: Callable  # (y_true, y_pred) -> per-sample values
    metrics: tuple[Metric, ...]
    masked: bool = False  # a mask of timesteps reaches the output, the loss and metrics
    frozen: tuple[bool, ...] = ()  # per layer: trainable=False, its weights left alone
    # per layer: its moving averages come from the forward pass (BatchNormalization)
    moving: tuple[bool, ...] = ()
    # params -> the weight regularizers' penalty, added to the loss; None without any
    penalty: Callable | None = None
    # params -> params with the weight constraints applied after each step; or None
    constrain: Callable | None = None


def per_sample(values: jax.Array, batch: int) -> jax.Array:
    """Reduce a loss or metric's values to one number per sample, shape (B,)."""
    if values.ndim == 0:
        return jnp.broadcast_to(values, (batch,))
    return values.reshape(batch, -1).mean(axis=1)


def weighted_loss(objective: Objective, y_true, y_pred, weights, sample_weight=None,
                  mask=None):
    """The batch's loss as Keras reduces it, and per-row values whose sum, weighted by the
    0/1 ``weights`` of real rows, is the real row count times that loss (what the epoch's
    log accumulates).

    Without a mask: the mean over the real rows of each row's loss (times its
    ``sample_weight``). With a ``mask`` (B, T) of the output's real timesteps: the sum over
    real rows and unmasked steps, over the number of those steps (0 when there are none),
    as Keras reduces a masked loss.
    """
    values, count = objective.loss(y_true, y_pred), jnp.sum(weights)
    if mask is None:
        rows = per_sample(values, weights.shape[0])
        if sample_weight is not None:
            rows = rows * sample_weight
        return jnp.sum(rows * weights) / count, rows
    steps = mask * weights[:, None]
    scaled = values * steps if sample_weight is None else values * steps * sample_weight[:, None]
    valid = jnp.maximum(jnp.sum(steps), 1.0)
    return jnp.sum(scaled) / valid, jnp.sum(scaled, axis=1) * count / valid


def sums_size(objective: Objective) -> int:
    """The length of ``batch_sums``: loss, metrics, and with a mask the unmasked steps."""
    return 1 + len(objective.metrics) + int(objective.masked)


def batch_sums(objective: Objective, y_true, y_pred, weights, loss_values, mask=None):
    """Weighted sums ``[loss, *metrics]`` over one batch (padding rows weigh 0), given the
    per-row ``loss_values`` of ``weighted_loss``. With a ``mask`` the metrics sum over
    unmasked steps, and their count comes last: Keras averages a masked metric over the
    epoch's unmasked steps."""
    if mask is None:
        batch = weights.shape[0]
        columns = [loss_values] + [per_sample(m.fn(y_true, y_pred), batch)
                                   for m in objective.metrics]
        return jnp.stack([jnp.sum(c * weights) for c in columns])
    steps = mask * weights[:, None]
    metrics = [jnp.sum(m.fn(y_true, y_pred) * steps) for m in objective.metrics]
    return jnp.stack([jnp.sum(loss_values * weights), *metrics, jnp.sum(steps)])


def finalize(objective: Objective, sums: jax.Array, count) -> jax.Array:
    """Epoch logs from accumulated sums: means (a masked model's metrics over its
    unmasked steps), then each metric's ``finalize`` (rmse)."""
    metric_count = sums[-1] if objective.masked else count
    means = [sums[0] / count] + [sums[i + 1] / metric_count
                                 for i in range(len(objective.metrics))]
    finals = [means[0]] + [m.finalize(means[i + 1]) for i, m in enumerate(objective.metrics)]
    return jnp.stack(finals)


def batch_plan(n: int, batch_size: int, order: jax.Array | None = None):
    """Sample indices (n_batches, B), the last batch padded, and each batch's count of
    real rows (n_batches,), which ``row_weights`` turns into the batch's 0/1 weights."""
    n_batches = -(-n // batch_size)
    pad = n_batches * batch_size - n
    order = jnp.arange(n) if order is None else order
    order = jnp.concatenate([order, jnp.zeros(pad, order.dtype)])
    counts = jnp.full(n_batches, batch_size).at[-1].set(batch_size - pad)
    return order.reshape(n_batches, batch_size), counts


def row_weights(count, batch_size: int) -> jax.Array:
    """1.0 for the ``count`` real rows of a batch, 0.0 for its padding."""
    return (jnp.arange(batch_size) < count).astype(jnp.float32)


def train_step(objective: Objective, tx: optax.GradientTransformation, state: TrainState,
               x, y, weights, key, sample_weight=None):
    """One optimizer step on one batch; returns the new state and the batch's log sums.

    ``sample_weight`` (B,) scales each sample's loss, as Keras's ``sample_weight`` and
    ``class_weight`` do: the mean is still over the batch's samples, and the metrics
    stay unweighted.
    """
    def loss_fn(params):
        if any(objective.frozen):  # no gradient work for frozen layers' weights
            params = [lax.stop_gradient(p) if frozen else p
                      for p, frozen in zip(params, objective.frozen, strict=True)]
        y_pred, states, mask = objective.forward(params, state.states, x, training=True,
                                                 key=key, rows=weights)
        loss, rows = weighted_loss(objective, y, y_pred, weights, sample_weight, mask)
        if objective.penalty is not None:  # in the loss and its log, as Keras reports it
            penalty = objective.penalty(params)
            loss, rows = loss + penalty, rows + penalty
        return loss, (rows, y_pred, states, mask)

    (_, (values, y_pred, states, mask)), grads = jax.value_and_grad(loss_fn, has_aux=True)(
        state.params)
    updates, opt_state = tx.update(grads, state.opt_state, state.params)
    if state.lr_scale is not None:
        updates = jax.tree.map(lambda u: u * state.lr_scale, updates)
    params = optax.apply_updates(state.params, updates)
    if any(objective.frozen):  # whatever the optimizer's state (momentum) would do
        params = [old if frozen else new
                  for old, new, frozen in zip(state.params, params, objective.frozen,
                                              strict=True)]
    if objective.constrain is not None:  # after the optimizer's step, as Keras projects
        params = objective.constrain(params)
    if any(objective.moving):  # the new moving averages, whatever the optimizer did
        params = [{**p, **s} if moving else p
                  for p, s, moving in zip(params, states, objective.moving, strict=True)]
        states = [None if moving else s for s, moving in zip(states, objective.moving,
                                                            strict=True)]
    sums = batch_sums(objective, y, y_pred, weights, values, mask)
    return state._replace(params=params, opt_state=opt_state, states=states), sums


def train_epoch(objective, tx, batch_size: int, state: TrainState, x, y, x_val=None,
                y_val=None, order=None, key=None, sample_weight=None, val_sample_weight=None):
    """One epoch over (x, y) in ``order`` (default: as given) and, when given, an
    evaluation of (x_val, y_val). ``key`` (only for models with dropout) gives each
    batch its own key; ``sample_weight`` (n,) and ``val_sample_weight``, when given,
    weigh each sample's loss.

    Returns:
        ``(state, logs, val_logs)``; ``val_logs`` is ``None`` without validation data.
    """
    n = windowed.count(x)
    indices, counts = batch_plan(n, batch_size, order)
    step_keys = None if key is None else jax.random.split(key, indices.shape[0])

    def body(carry, batch):
        state, sums = carry
        idx, count, k = batch
        weight = None if sample_weight is None else sample_weight[idx]
        state, batch_total = train_step(objective, tx, state, windowed.take(x, idx), y[idx],
                                        row_weights(count, batch_size), k, weight)
        return (state, sums + batch_total), None

    sums0 = jnp.zeros(sums_size(objective))
    (state, sums), _ = lax.scan(body, (state, sums0), (indices, counts, step_keys))
    logs = finalize(objective, sums, n)
    val_logs = None  # validation starts from the training states and leaves them as they are
    if x_val is not None:
        val_logs, _ = evaluate(objective, batch_size, state.params, state.states, x_val, y_val,
                               val_sample_weight)
    return state, logs, val_logs


def train_epochs(objective, tx, batch_size: int, reset_states: bool, max_epochs: int,
                 stop: early_stopping.Rule | None, state: TrainState, x, y, x_val, y_val,
                 draws: Draws, count, first_epoch, watch: early_stopping.Watch | None,
                 sample_weight=None, val_sample_weight=None):
    """Up to ``count`` (<= ``max_epochs``, a traced number) epochs in one program, epoch
    ``e`` with ``draws``'s row ``e``; ``first_epoch`` is the first one's number in ``fit``.

    With ``reset_states`` the stateful layers' states go back to zeros after each epoch
    (as ``model.reset_states()`` after every ``fit(epochs=1)`` call would). With a
    ``stop`` rule, ``watch`` follows it from epoch to epoch and the loop ends after the
    epoch where it says stop.

    Returns:
        ``(state, logs, val_logs, ran, watch)``: logs (max_epochs, 1 + metrics), one row
        per epoch run (the rows past ``ran`` are NaN); ``val_logs`` likewise, or ``None``.
    """
    n_logs = 1 + len(objective.metrics)
    rows = jnp.full((max_epochs, n_logs), jnp.nan)
    val_rows = None if x_val is None else rows

    def go_on(carry):
        epoch, *_, watch = carry
        return epoch < count if watch is None else (epoch < count) & ~watch.stopped

    def body(carry):
        epoch, state, rows, val_rows, watch = carry
        order = None if draws.orders is None else draws.orders[epoch]
        key = None if draws.keys is None else jax.random.wrap_key_data(draws.keys[epoch])
        state, logs, val_logs = train_epoch(objective, tx, batch_size, state, x, y, x_val,
                                            y_val, order, key, sample_weight,
                                            val_sample_weight)
        if reset_states:
            state = state._replace(states=jax.tree.map(jnp.zeros_like, state.states))
        rows = rows.at[epoch].set(logs)
        if val_rows is not None:
            val_rows = val_rows.at[epoch].set(val_logs)
        if stop is not None:
            value = (val_logs if stop.validation else logs)[stop.column]
            watch = early_stopping.update(stop, watch, value, first_epoch + epoch,
                                          state.params)
        return epoch + 1, state, rows, val_rows, watch

    ran, state, rows, val_rows, watch = lax.while_loop(
        go_on, body, (jnp.int32(0), state, rows, val_rows, watch))
    return state, rows, val_rows, ran, watch


def evaluate(objective: Objective, batch_size: int, params, states, x, y, sample_weight=None):
    """Logs ``[loss, *metrics]`` over (x, y) in inference mode (the loss weighted by
    ``sample_weight`` (n,) when given), and the final states."""
    indices, counts = batch_plan(windowed.count(x), batch_size)
    penalty = 0.0 if objective.penalty is None else objective.penalty(params)

    def body(carry, batch):
        sums, states = carry
        idx, count = batch
        y_pred, states, mask = objective.forward(params, states, windowed.take(x, idx),
                                                 training=False, key=None)
        weights = row_weights(count, batch_size)
        weight = None if sample_weight is None else sample_weight[idx]
        _, rows = weighted_loss(objective, y[idx], y_pred, weights, weight, mask)
        rows = rows + penalty  # Keras's evaluate counts the regularizers' penalty too
        sums = sums + batch_sums(objective, y[idx], y_pred, weights, rows, mask)
        return (sums, states), None

    sums0 = jnp.zeros(sums_size(objective))
    (sums, states), _ = lax.scan(body, (sums0, states), (indices, counts))
    return finalize(objective, sums, windowed.count(x)), states


def predict(forward: Callable, batch_size: int, params, states, x):
    """Model outputs for every sample of x, computed batch by batch, and the final states."""
    n = windowed.count(x)
    indices, _ = batch_plan(n, batch_size)

    def body(states, idx):
        y, states, _ = forward(params, states, windowed.take(x, idx), training=False, key=None)
        return states, y

    states, outputs = lax.scan(body, states, indices)
    return outputs.reshape(-1, *outputs.shape[2:])[:n], states  # from (n_batches, B, ...)
