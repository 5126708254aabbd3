"""Keras-style optimizers, each a named set of hyperparameters built into optax.

``SGD(lr=0.1, momentum=0.3)`` (seed 004) and ``compile(optimizer='adam')`` both end in an
``optax.GradientTransformation``; a raw optax transformation is accepted as well. Defaults
are Keras's. Gradient clipping follows Keras: ``clipnorm`` clips each weight's gradient by
its own norm, ``global_clipnorm`` all of them together, ``clipvalue`` element-wise.
Keras 2's ``lr`` and ``decay`` (``lr / (1 + decay * step)``) are accepted, and so is a
learning rate that changes with every step: a schedule from ``lstmkit.optimizers.schedules``
(Keras's) or an optax schedule.

Adam matches Keras exactly: Keras adds epsilon to the uncorrected ``sqrt(v)``, which is
optax's bias-corrected form with epsilon ``eps / sqrt(1 - beta_2**t)`` at step ``t``, given
to ``optax.scale_by_adam`` as a schedule. ``amsgrad=True`` and ``Nadam`` are optax's
versions (Keras's differ in how they correct for bias and schedule Nadam's momentum).
"""

import jax
import jax.numpy as jnp
import optax

from lstmkit import registry, validation
from lstmkit.backend import Rate
from lstmkit.optimizers import schedules
from lstmkit.registry import lookup


class Optimizer:
    """Base: learning rate, clipping options and ``transformation()`` -> optax."""

    def __init__(self, learning_rate=0.001, *, lr=None, decay=0.0, clipnorm=None,
                 clipvalue=None, global_clipnorm=None):
        if lr is not None:
            if learning_rate != type(self).default_learning_rate:
                raise ValueError("Give either learning_rate or its Keras 2 alias lr, not both.")
            learning_rate = lr
        if isinstance(learning_rate, dict):  # a saved schedule
            learning_rate = schedules.deserialize(learning_rate)
        if not callable(learning_rate) and not (
                validation.is_number(learning_rate) and learning_rate > 0):
            raise ValueError(
                f"learning_rate must be a positive number, a schedule from "
                f"lstmkit.optimizers.schedules or an optax schedule, got {learning_rate!r}.")
        self.learning_rate = learning_rate
        self.decay = decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm

    default_learning_rate = 0.001

    @property
    def learning_rate(self):
        """A number that ``fit`` reads at its start (``model.optimizer.learning_rate =
        0.01`` changes it, without compiling again), or a schedule fixed at construction."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        old = getattr(self, "_learning_rate", None)
        if old is not None and not callable(old) and not callable(value) and not (
                validation.is_number(value) and value >= 0):
            raise ValueError(f"learning_rate must be a finite number >= 0, got {value!r}.")
        if old is not None and (callable(old) or callable(value)):
            raise TypeError(
                f"This optimizer's learning rate is {'a schedule' if callable(old) else old}, "
                f"which cannot become {value!r}: a learning rate changes from one number to "
                f"another only. Compile with a new optimizer, such as Adam(learning_rate="
                f"...).")
        self._learning_rate = value

    @property
    def lr(self):
        """Keras 2's name of ``learning_rate``: ``model.optimizer.lr = 0.01`` and
        ``K.set_value(model.optimizer.lr, 0.01)`` both set it."""
        rate = self.learning_rate
        return Rate(rate, self) if validation.is_number(rate) else rate

    @lr.setter
    def lr(self, value):
        self.learning_rate = value

    def core(self, learning_rate) -> optax.GradientTransformation:
        """The optimizer's own update rule (subclasses)."""
        raise NotImplementedError

    def schedule(self):
        """The learning rate as optax takes it: a number, or a schedule for ``decay``."""
        if not self.decay:
            return self.learning_rate
        lr, decay = self.learning_rate, self.decay
        return lambda step: (lr(step) if callable(lr) else lr) / (1.0 + decay * step)

    def transformation(self) -> optax.GradientTransformation:
        """Clipping (per weight, as Keras clips), then the update rule over all weights as
        one flat vector (``optax.flatten``): an elementwise rule then compiles to a few
        fused kernels instead of a few per weight, which shortens XLA's compilation of
        every training program."""
        clips = []
        if self.clipvalue is not None:
            clips.append(optax.clip(self.clipvalue))
        if self.clipnorm is not None:
            clips.append(clip_each_by_norm(self.clipnorm))
        if self.global_clipnorm is not None:
            clips.append(optax.clip_by_global_norm(self.global_clipnorm))
        return optax.chain(*clips, optax.flatten(self.core(self.schedule())))

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this optimizer: ``type(self)(**config)``
        (a schedule as its config)."""
        config = {k.removeprefix("_"): v for k, v in vars(self).items()}  # _learning_rate
        if isinstance(self.learning_rate, schedules.LearningRateSchedule):
            config["learning_rate"] = schedules.serialize(self.learning_rate)
        return config

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items()
                         if v not in (None, 0.0))
        return f"{type(self).__name__}({args})"


def clip_each_by_norm(max_norm: float) -> optax.GradientTransformation:
    """Scale each gradient array whose L2 norm exceeds ``max_norm`` down to it (Keras)."""
    def clip(updates, params=None):
        def one(g):
            return g * max_norm / jnp.maximum(jnp.linalg.norm(g), max_norm)
        return jax.tree.map(one, updates)
    return optax.stateless(clip)


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum."""

    default_learning_rate = 0.01

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.momentum, self.nesterov = momentum, nesterov

    def core(self, learning_rate):
        return optax.sgd(learning_rate, momentum=self.momentum or None, nesterov=self.nesterov)


class Adam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def core(self, learning_rate):
        if self.amsgrad:
            return optax.amsgrad(learning_rate, b1=self.beta_1, b2=self.beta_2,
                                 eps=self.epsilon)
        eps, b2 = self.epsilon, self.beta_2
        keras_eps = lambda count: eps / jnp.sqrt(1.0 - b2 ** (count + 1))  # noqa: E731
        # Python floats: inject_hyperparams would keep a NumPy scalar in the state instead
        scale = optax.inject_hyperparams(optax.scale_by_adam)(
            b1=float(self.beta_1), b2=float(b2), eps=keras_eps)
        return optax.chain(scale, optax.scale_by_learning_rate(learning_rate))


class RMSprop(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def core(self, learning_rate):
        return optax.rmsprop(learning_rate, decay=self.rho, eps=self.epsilon,
                             centered=self.centered, momentum=self.momentum or None)


class Adagrad(Optimizer):
    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def core(self, learning_rate):
        return optax.adagrad(learning_rate, self.initial_accumulator_value, eps=self.epsilon)


class Adadelta(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def core(self, learning_rate):
        return optax.adadelta(learning_rate, rho=self.rho, eps=self.epsilon)


class Adamax(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def core(self, learning_rate):
        return optax.adamax(learning_rate, b1=self.beta_1, b2=self.beta_2, eps=self.epsilon)


class Nadam(Adamax):
    def core(self, learning_rate):
        return optax.nadam(learning_rate, b1=self.beta_1, b2=self.beta_2, eps=self.epsilon)


class Optax(Optimizer):
    """Wraps a ready ``optax.GradientTransformation`` given to ``compile``."""

    def __init__(self, transformation: optax.GradientTransformation):
        self._transformation = transformation

    def transformation(self):
        return self._transformation

    def get_config(self):
        raise ValueError(
            "The model was compiled with an optax transformation, whose update rule is code "
            "that a model file cannot hold. Compile with an lstmkit optimizer (such as "
            "lstmkit.optimizers.Adam(learning_rate=...)), or save without it: "
            "model.save(path, include_optimizer=False).")

    def __repr__(self):
        return "Optax(...)"


_OPTIMIZERS = {
    "sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad,
    "adadelta": Adadelta, "adamax": Adamax, "nadam": Nadam,
}


def get(identifier) -> Optimizer:
    """Resolve a name (Keras defaults), an ``Optimizer``, a config from ``serialize``, or an
    optax transformation."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, optax.GradientTransformation):
        return Optax(identifier)
    if isinstance(identifier, str):
        return lookup("optimizer", identifier, _OPTIMIZERS)()
    raise TypeError(
        f"optimizer must be a name ({', '.join(sorted(_OPTIMIZERS))}), an "
        f"lstmkit.optimizers.Optimizer or an optax.GradientTransformation, got "
        f"{type(identifier).__name__}.")


def serialize(optimizer: Optimizer) -> dict:
    """``{"class_name": "Adam", "config": {"learning_rate": 0.001, ...}}``."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config: dict) -> Optimizer:
    """The optimizer ``serialize`` describes (errors: ``registry.from_config``)."""
    return registry.from_config("optimizer", config, _OPTIMIZERS)
