"""Keras's learning-rate schedules (Keras path ``keras.optimizers.schedules``).

``Adam(learning_rate=ExponentialDecay(0.01, decay_steps=100, decay_rate=0.9))`` gives the
optimizer a rate that changes with every update: ``schedule(step)``, step 0 being the first
update, as Keras counts its optimizer's iterations. The formulas are Keras's, written out
with ``jax.numpy`` (optax's schedules cover only some of them: no cycling polynomial, no
inverse-time decay, a different warmup). A subclass of ``LearningRateSchedule`` with its
own ``__call__(step)`` works too (it cannot be saved in a model file: that would be code).
"""

import itertools
import math

import jax.numpy as jnp

from lstmkit import registry, validation


class LearningRateSchedule(registry.Configured):
    """Base: ``schedule(step) -> learning rate`` for a step count (a traced integer)."""

    def __call__(self, step):
        raise NotImplementedError


class _RateDecay(LearningRateSchedule):
    """Base of the decays that divide the steps by ``decay_steps`` (rounded down with
    ``staircase``) and apply ``decay_rate`` to the fraction."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        self.initial_learning_rate = _rate("initial_learning_rate", initial_learning_rate)
        self.decay_steps = _steps(decay_steps)
        self.decay_rate = _rate("decay_rate", decay_rate)
        self.staircase, self.name = bool(staircase), str(name or type(self).__name__)

    def fraction(self, step):
        p = jnp.asarray(step, jnp.float32) / self.decay_steps
        return jnp.floor(p) if self.staircase else p


class ExponentialDecay(_RateDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``, the exponent
    rounded down with ``staircase``."""

    def __call__(self, step):
        return self.initial_learning_rate * jnp.power(self.decay_rate, self.fraction(step))


class InverseTimeDecay(_RateDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``, the fraction
    rounded down with ``staircase``."""

    def __call__(self, step):
        return self.initial_learning_rate / (1.0 + self.decay_rate * self.fraction(step))


class PolynomialDecay(LearningRateSchedule):
    """From ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps`` as
    ``(1 - step / decay_steps) ** power``, then constant; with ``cycle``, ``decay_steps``
    stretches to the next multiple of itself past ``step`` instead."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001,
                 power=1.0, cycle=False, name="PolynomialDecay"):
        self.initial_learning_rate = _rate("initial_learning_rate", initial_learning_rate)
        self.decay_steps = _steps(decay_steps)
        self.end_learning_rate = _rate("end_learning_rate", end_learning_rate)
        self.power, self.cycle, self.name = _rate("power", power), bool(cycle), str(name)

    def __call__(self, step):
        step = jnp.asarray(step, jnp.float32)
        if self.cycle:
            span = self.decay_steps * jnp.where(step == 0, 1.0,
                                                jnp.ceil(step / self.decay_steps))
        else:
            span, step = self.decay_steps, jnp.minimum(step, self.decay_steps)
        remaining = jnp.power(1.0 - step / span, self.power)
        return (self.initial_learning_rate - self.end_learning_rate) * remaining + (
            self.end_learning_rate)


class CosineDecay(LearningRateSchedule):
    """Half a cosine from ``initial_learning_rate`` down to ``alpha`` times it over
    ``decay_steps``, then constant; with ``warmup_target``, first a straight line from
    ``initial_learning_rate`` to it over ``warmup_steps``, then the cosine from there."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        self.initial_learning_rate = _rate("initial_learning_rate", initial_learning_rate)
        self.decay_steps = _steps(decay_steps)
        self.alpha, self.name = _rate("alpha", alpha), str(name)
        self.warmup_target = None if warmup_target is None else _rate("warmup_target",
                                                                      warmup_target)
        self.warmup_steps = _rate("warmup_steps", warmup_steps)

    def __call__(self, step):
        step = jnp.asarray(step, jnp.float32)
        if self.warmup_target is None:
            return self._cosine(jnp.minimum(step, self.decay_steps), self.initial_learning_rate)
        step = jnp.minimum(step, self.decay_steps + self.warmup_steps)
        warmup = self.initial_learning_rate + (
            self.warmup_target - self.initial_learning_rate) * step / max(self.warmup_steps, 1)
        return jnp.where(step < self.warmup_steps, warmup,
                         self._cosine(step - self.warmup_steps, self.warmup_target))

    def _cosine(self, step, start):
        cosine = 0.5 * (1.0 + jnp.cos(math.pi * step / self.decay_steps))
        return start * ((1.0 - self.alpha) * cosine + self.alpha)


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` up to step ``boundaries[0]`` (included), ``values[1]`` up to
    ``boundaries[1]``, ..., ``values[-1]`` after the last boundary."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if not (isinstance(boundaries, list | tuple) and isinstance(values, list | tuple)):
            raise ValueError(f"PiecewiseConstantDecay takes lists: boundaries (steps) and "
                             f"values (rates), got {boundaries!r} and {values!r}.")
        boundaries = [_rate("boundaries[...]", b) for b in boundaries]
        values = [_rate("values[...]", v) for v in values]
        if any(a >= b for a, b in itertools.pairwise(boundaries)):
            raise ValueError(f"PiecewiseConstantDecay boundaries must increase strictly, got "
                             f"{boundaries}.")
        if len(boundaries) != len(values) - 1:
            raise ValueError(f"PiecewiseConstantDecay needs one value more than boundaries, got "
                             f"{len(boundaries)} boundaries {boundaries} and {len(values)} "
                             f"values {values}.")
        self.boundaries, self.values, self.name = boundaries, values, str(name)

    def __call__(self, step):
        passed = jnp.sum(jnp.asarray(step) > jnp.asarray(self.boundaries))
        return jnp.asarray(self.values, jnp.float32)[passed]


SCHEDULES = {cls.__name__: cls for cls in (
    ExponentialDecay, InverseTimeDecay, PolynomialDecay, CosineDecay, PiecewiseConstantDecay)}


def serialize(schedule: LearningRateSchedule) -> dict:
    """``{"class_name": "ExponentialDecay", "config": {...}}``; a schedule of your own is a
    ``ValueError`` (a model file holds no code)."""
    if type(schedule) not in SCHEDULES.values():
        raise ValueError(f"Cannot save the learning-rate schedule {type(schedule).__name__}: "
                         f"a model file holds lstmkit's schedules ({', '.join(SCHEDULES)}) "
                         f"only, never code. Save with model.save(path, "
                         f"include_optimizer=False), or save_weights(path).")
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config: dict) -> LearningRateSchedule:
    """The schedule ``serialize`` describes."""
    return registry.from_config("learning-rate schedule", config,
                                {name.lower(): cls for name, cls in SCHEDULES.items()})


def _rate(name: str, value):
    if not validation.is_number(value) or value < 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}.")
    return value


def _steps(value) -> float:
    if not validation.is_number(value) or value <= 0:
        raise ValueError(f"decay_steps must be a number > 0, got {value!r}.")
    return value
