"""Keras's ``EarlyStopping`` rule as pure functions, run inside the training program.

``fit`` runs many epochs per compiled call, so the rule cannot wait for Python between
epochs: a ``Watch`` (patience counter, best value, best epoch, best weights) is carried
from epoch to epoch with the training state, and the epoch loop ends as soon as it says
stop. The arithmetic is Keras 3's ``EarlyStopping.on_epoch_end``:

* epochs before ``start_from_epoch`` are ignored;
* an epoch improves when ``value - min_delta < best`` (``mode='min'``; ``value +
  min_delta > best`` for ``'max'``), and the first epoch watched always does;
* the counter grows by one each epoch and returns to 0 on an improvement that also beats
  ``baseline`` (when one is given);
* training stops at an epoch that does not improve once the counter reaches
  ``patience`` (never at epoch 0).
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np


class Rule(NamedTuple):
    """What ``EarlyStopping`` watches, fixed for a compiled program (hashable)."""

    validation: bool  # the value is from the validation logs, else the training logs
    column: int  # its index in ``[loss, *metrics]``
    sign: float  # 1.0 when lower is better (mode 'min'), -1.0 when higher is
    min_delta: float  # >= 0
    patience: int
    baseline: float | None
    start_from_epoch: int
    restore_best_weights: bool


class Watch(NamedTuple):
    """What the rule carries from epoch to epoch (and from one program call to the next)."""

    wait: jax.Array  # int32: epochs since the counter last returned to 0
    best: jax.Array  # float32: the best value so far (meaningless until ``seen``)
    seen: jax.Array  # bool: an epoch has been watched
    best_epoch: jax.Array  # int32
    best_params: list | None  # the weights after the best epoch, with restore_best_weights
    stopped: jax.Array  # bool


def start(rule: Rule, params) -> Watch:
    """The watch at the start of a ``fit`` call (Keras's ``on_train_begin``)."""
    best_params = jax.tree.map(np.zeros_like, params) if rule.restore_best_weights else None
    return Watch(np.int32(0), np.float32(0), np.bool_(False), np.int32(0), best_params,
                 np.bool_(False))


def update(rule: Rule, watch: Watch, value, epoch, params) -> Watch:
    """The watch after ``epoch`` (an absolute epoch number) ended with ``value`` and
    ``params``."""
    active = epoch >= rule.start_from_epoch
    improved = active & (~watch.seen | _better(rule, value, watch.best))
    beats_baseline = True if rule.baseline is None else _better(rule, value, rule.baseline)
    wait = jnp.where(improved & beats_baseline, 0, watch.wait + active.astype(jnp.int32))
    best_params = watch.best_params
    if best_params is not None:
        best_params = jax.tree.map(lambda new, old: jnp.where(improved, new, old),
                                   params, best_params)
    return Watch(
        wait=wait,
        best=jnp.where(improved, value, watch.best),
        seen=watch.seen | improved,
        best_epoch=jnp.where(improved, epoch, watch.best_epoch),
        best_params=best_params,
        stopped=active & ~improved & (wait >= rule.patience) & (epoch > 0),
    )


def _better(rule: Rule, value, reference):
    return rule.sign * value + rule.min_delta < rule.sign * reference
