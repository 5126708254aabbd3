"""Models and their settings as JSON configs, and back.

The architecture has Keras's form, ``{"class_name": "Sequential", "config": {"name",
"layers": [{"class_name": "LSTM", "config": layer.get_config()}, ...],
"build_input_shape"}}``. Compile settings name the optimizer class with its
hyperparameters, the loss and the metrics. The data preparation attached to a model
(``model.preparation``) is JSON, with fitted scalers written as tagged dicts. ``to_json`` /
``model_from_json``, ``.lstmkit`` files (``lstmkit.saving``) and the Keras import
(``lstmkit.keras_import``) share these functions.

Reading a config never runs code from it: classes come from fixed tables (``LAYERS``,
``SCALERS`` and the optimizer, loss, metric, activation and initializer registries), and
values are checked before they are used, with a ``ValueError`` saying where the config is
wrong. Writing one refuses what JSON cannot hold (custom functions), naming it.
"""

import functools
import inspect
import json
import math
from typing import Any

import jax
import numpy as np

import lstmkit
from lstmkit import initializers, losses, metrics, optimizers
from lstmkit.data.scalers import MinMaxScaler, StandardScaler
from lstmkit.layers import (
    ELU,
    GRU,
    LSTM,
    Activation,
    AveragePooling1D,
    BatchNormalization,
    Bidirectional,
    Conv1D,
    CuDNNGRU,
    CuDNNLSTM,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GaussianDropout,
    GaussianNoise,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
    Layer,
    LayerNormalization,
    LeakyReLU,
    Masking,
    MaxPooling1D,
    PReLU,
    ReLU,
    RepeatVector,
    Reshape,
    SimpleRNN,
    SpatialDropout1D,
    TimeDistributed,
)
from lstmkit.registry import name_of

FORMAT_VERSION = 1
LAYERS = {cls.__name__: cls for cls in (
    LSTM, GRU, SimpleRNN, CuDNNLSTM, CuDNNGRU, Dense, Dropout, SpatialDropout1D, Activation,
    Embedding, RepeatVector, Flatten, Reshape, Masking, Bidirectional, TimeDistributed,
    Conv1D, MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D, GlobalAveragePooling1D,
    LayerNormalization, BatchNormalization, LeakyReLU, ReLU, ELU, PReLU, GaussianNoise,
    GaussianDropout)}
INNER_LAYERS = ("layer", "backward_layer")  # the wrappers' settings that hold a layer
SCALERS = {cls.__name__: cls for cls in (MinMaxScaler, StandardScaler)}
SCALER_TAG = "__scaler__"
_NONE = type(None)
_KIND_NAMES = {dict: "an object", list: "a list", str: "a string", int: "an integer",
               bool: "true or false", float: "a number", _NONE: "null"}
_REQUIRED = object()


# ----- writing -----------------------------------------------------------------------
def jsonable(value: Any, where: str) -> Any:
    """``value`` as JSON data: tuples become lists, NumPy scalars Python ones and fitted
    lstmkit scalers tagged dicts. Anything else (a custom function, an array, NaN) is a
    ``ValueError`` naming ``where``: a model file holds data, never code."""
    if type(value) in SCALERS.values():
        return _scaler_config(value, where)
    if isinstance(value, dict):
        keys = [k for k in value if not isinstance(k, str) or k == SCALER_TAG]
        if keys:
            raise ValueError(f"Cannot save {where}: its keys must be strings other than "
                             f"{SCALER_TAG!r}, got {keys!r}.")
        return {k: jsonable(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"Cannot save {where}: it is {value}, which JSON cannot hold.")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    described = (f"the function {name_of(value)!r}" if callable(value)
                 else f"a {type(value).__name__}")
    raise ValueError(
        f"Cannot save {where}: it is {described}, and a model file holds only names, numbers, "
        f"strings, lists and dicts, never code. Use a name lstmkit knows (such as "
        f"activation='tanh' or loss='mse') or keep only the weights "
        f"(model.save_weights(path)); model.save(path, include_optimizer=False) leaves the "
        f"compile settings out.")


def _scaler_config(scaler, where: str) -> dict:
    """A scaler's constructor arguments and learned attributes (names ending in ``_``)."""
    params = inspect.signature(type(scaler)).parameters
    fitted = {k: np.asarray(v).tolist() if isinstance(v, np.ndarray) else v
              for k, v in vars(scaler).items() if k.endswith("_")}
    return {SCALER_TAG: type(scaler).__name__,
            "params": jsonable({p: getattr(scaler, p) for p in params}, where),
            "fitted": jsonable(fitted, where)}


def model_config(model) -> dict:
    """The architecture: ``{"class_name": "Sequential", "config": {...}}`` (JSON data)."""
    for layer in model.layers:
        if not type(layer).__module__.startswith("lstmkit."):
            raise ValueError(
                f"Cannot describe layer {layer.name!r}: {type(layer).__name__} is a layer class "
                f"of your own, and lstmkit's model files and configs hold its own layers only, "
                f"never code. Save the weights (model.save_weights(path)), and load them into "
                f"the model built again in code (model.load_weights(path)).")
    layers = [{"class_name": type(layer).__name__,
               "config": {k: jsonable(v, f"layer {layer.name!r} setting {k!r}")
                          for k, v in layer.get_config().items()}}
              for layer in model.layers]
    config = {"name": model.name, "layers": layers}
    if model.built:
        config["build_input_shape"] = list(model.input_shape)
    return {"class_name": "Sequential", "config": config}


def compile_config(model) -> dict | None:
    """The optimizer (class and hyperparameters), loss and metrics; ``None`` if not compiled."""
    if model.optimizer is None:
        return None
    return {
        "optimizer": jsonable(optimizers.serialize(model.optimizer), "compile(optimizer=...)"),
        "loss": jsonable(losses.to_config(model.loss), "compile(loss=...)"),
        "metrics": [jsonable(metrics.to_config(m), f"compile(metrics=...)[{i}]")
                    for i, m in enumerate(model.metrics)],
    }


def to_json(model, **kwargs) -> str:
    """Keras 2's ``model.to_json()``: the architecture and versions; ``kwargs`` go to
    ``json.dumps`` (e.g. ``indent=2``)."""
    data = {**model_config(model), "format_version": FORMAT_VERSION,
            "lstmkit_version": lstmkit.__version__}
    return json.dumps(data, **kwargs)


# ----- reading: checks ---------------------------------------------------------------
def require(value, kind, where: str):
    """``value`` if it has JSON type ``kind`` (a type or tuple; bool is not an int)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        expected = " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds
                               if not (k is int and float in kinds))  # "a number" says it
        raise ValueError(f"{where} must be {expected}, got {type(value).__name__} {value!r:.80}.")
    return value


def field(mapping: dict, key: str, kind, where: str, default=_REQUIRED):
    """``mapping[key]`` checked by ``require``; ``default`` when absent, or a ``ValueError``."""
    if key not in mapping:
        if default is _REQUIRED:
            raise ValueError(f"{where} has no {key!r} entry.")
        return default
    return require(mapping[key], kind, f"{where} {key!r}")


def parse_json(text: str | bytes, where: str) -> dict:
    """A JSON object from ``text``, or a ``ValueError`` naming ``where``."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError, RecursionError) as err:  # ValueError: JSONDecodeError, ...
        raise ValueError(f"{where} is not valid JSON ({type(err).__name__}: {err}).") from None
    return require(data, dict, where)


def check_format_version(data: dict, where: str) -> None:
    """Refuse data written in a format version newer than this lstmkit reads."""
    version = field(data, "format_version", int, where)
    if version < 1:
        raise ValueError(f"{where} has format_version {version}; versions start at 1.")
    if version > FORMAT_VERSION:
        writer = data.get("lstmkit_version", "a newer version")
        raise ValueError(
            f"{where} was written by lstmkit {writer} in format version {version}, newer "
            f"than this lstmkit {lstmkit.__version__} reads (up to {FORMAT_VERSION}). "
            f"Upgrade lstmkit: pip install --upgrade lstmkit.")


def check_shape(value, where: str) -> tuple:
    """A shape from JSON: a list of positive integers and nulls, as a tuple."""
    for dim in require(value, list, where):
        if require(dim, (int, _NONE), f"{where} entries") is not None and dim < 1:
            raise ValueError(f"{where} must hold positive sizes or null, got {value!r}.")
    return tuple(value)


@functools.cache
def _settings(cls) -> dict[str, Any]:
    """The keyword arguments ``cls`` takes (its ``__init__``'s and its bases') and their
    defaults."""
    params = {}
    for klass in reversed(cls.__mro__):
        if "__init__" in vars(klass) and klass is not object:
            params.update(inspect.signature(klass.__init__).parameters)
    settings = {n: p.default for n, p in params.items() if n != "self" and p.kind not in (
        inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)}
    if isinstance(cls, type) and issubclass(cls, Layer):  # weights' regularizers, constraints
        for kind in ("regularizer", "constraint"):
            settings.update(dict.fromkeys(cls.per_weight_keys(kind)))
    return settings


def _check_numbers(cls, arguments: dict, where: str) -> None:
    """Hyperparameters of an optimizer or initializer class: true/false where the default is
    a bool, an integer or null for a seed, a number (or null where that is the default)
    elsewhere, so that bad values fail here rather than inside a compiled program."""
    settings = _settings(cls)
    for key, value in arguments.items():
        default = settings.get(key)
        kinds = ((bool,) if isinstance(default, bool) else (int, _NONE) if key == "seed"
                 else (int, float) if default is not None else (int, float, _NONE))
        require(value, kinds, f"{where} setting {key!r}")


def _check_settings(cls, config: dict, where: str) -> None:
    """Known keys only; booleans where the default is one; sane names, sizes, shapes and
    initializers."""
    # a layer's weights come from the file's safetensors, never from its config
    settings = {k: v for k, v in _settings(cls).items() if k != "weights"}
    unknown = sorted(set(config) - set(settings))
    if unknown:
        raise ValueError(f"{where} has unknown settings {unknown}; {cls.__name__} takes "
                         f"{sorted(settings)}.")
    for key, value in config.items():
        if isinstance(settings[key], bool):
            require(value, bool, f"{where} {key!r}")
        if key.endswith("_initializer") and isinstance(value, dict):
            arguments = field(value, "config", dict, f"{where} {key!r}", {})
            initializer = _checked_call(where, initializers.deserialize, value)
            _check_numbers(type(initializer), arguments, f"{where} {key!r}")
    field(config, "name", (str, _NONE), where, None)
    for key in ("batch_input_shape", "input_shape"):
        if config.get(key) is not None:
            check_shape(config[key], f"{where} {key!r}")
    for key in ("input_dim", "batch_size"):
        if field(config, key, (int, _NONE), where, None) is not None and config[key] < 1:
            raise ValueError(f"{where} {key!r} must be a positive integer, got {config[key]}.")


# ----- reading: models ---------------------------------------------------------------
def layer_from_config(entry, where: str) -> Layer:
    """A new, unbuilt layer from ``{"class_name": "LSTM", "config": {...}}``."""
    class_name = field(require(entry, dict, where), "class_name", str, where)
    cls = LAYERS.get(class_name)
    if cls is None:
        raise ValueError(f"{where} is an unknown layer {class_name!r}; lstmkit has the "
                         f"layers {', '.join(LAYERS)}.")
    where = f"{where} ({class_name})"
    config = field(entry, "config", dict, where)
    _check_settings(cls, config, where)
    inner = {key: layer_from_config(config[key], f"{where} {key!r}")
             for key in INNER_LAYERS if config.get(key) is not None}
    return _checked_call(where, cls.from_config, {**config, **inner})


def layers_from_config(data, where: str) -> tuple[str, list[Layer], tuple | None]:
    """The model name, its new unbuilt layers and the input shape to build them for (or
    ``None``): the first layer's ``batch_input_shape`` when it declares one (``Sequential``
    builds for that shape), else ``build_input_shape``."""
    class_name = field(require(data, dict, where), "class_name", str, where)
    if class_name != "Sequential":
        raise ValueError(f"{where} describes a {class_name!r} model; lstmkit builds "
                         f"Sequential models only.")
    config = field(data, "config", dict, where)
    name = field(config, "name", str, where)
    entries = field(config, "layers", list, where)
    layers = [layer_from_config(e, f"{where}: layer {i}") for i, e in enumerate(entries)]
    shape = field(config, "build_input_shape", (list, _NONE), where, None)
    if layers and layers[0].batch_input_shape is not None:
        return name, layers, layers[0].batch_input_shape
    return name, layers, None if shape is None else check_shape(shape, f"{where} shape")


def weight_specs(layers: list[Layer], input_shape) -> list[dict[str, tuple]]:
    """Per layer, each weight's ``(shape, dtype)`` for ``input_shape``, in Keras's order
    (``layer.weight_names``), worked out without making any weights (so a config that
    describes absurd sizes costs nothing)."""
    specs, shape = [], tuple(input_shape)
    for layer in layers:
        layer.check_input_shape(shape)
        shapes = layer.weight_shapes(shape)
        specs.append({n: (shapes[n], np.dtype(np.float32))
                      for n in layer.weight_names if n in shapes})
        shape = layer.compute_output_shape(shape)
    return specs


def state_specs(layers: list[Layer], input_shape) -> list[list[tuple]]:
    """Per layer, the ``(shape, dtype)`` of each part of a stateful layer's carry (an
    LSTM's h and c, a GRU's h) for the batch size of ``input_shape``, worked out without making it;
    an empty list for other layers."""
    return [[(tuple(s.shape), np.dtype(s.dtype))
             for s in jax.eval_shape(lambda layer=layer: layer.zero_state(input_shape[0]))]
            if layer.stateful else [] for layer in layers]


def new_sequential(layers: list[Layer], name: str):
    """``Sequential(layers, name=name)``."""
    from lstmkit.models import Sequential  # models imports this module

    return Sequential(layers, name=name)


def sequential_for_weights(name: str, layers: list[Layer], input_shape):
    """A Sequential of ``layers`` built for ``input_shape`` with placeholder weights, which
    weights read from a file then replace. Built from a fixed seed, so loading a model
    draws nothing from lstmkit's or NumPy's random generators."""
    shape = tuple(input_shape)
    for layer in layers:  # built before Sequential sees them, so it does not build them again
        layer.build(shape, generator=np.random.default_rng(0))
        shape = layer.output_shape
    return new_sequential(layers, name)


def model_from_json(json_string):
    """Keras 2's ``model_from_json``: a new model of that architecture, built (with fresh
    weights) when the input shape is known."""
    if not isinstance(json_string, str | bytes):
        raise TypeError(f"model_from_json expects the string from model.to_json(), got "
                        f"{type(json_string).__name__}.")
    where = "model_from_json's string"
    data = parse_json(json_string, where)
    check_format_version(data, where)
    return model_from_config(data, where)


def model_from_config(data, where: str):
    """A new model from ``model_config``'s data, built (with fresh weights) when the input
    shape is known."""
    name, layers, shape = layers_from_config(data, where)
    model = new_sequential(layers, name)
    if shape is not None and not model.built:
        model.build(shape)
    return model


def _checked_call(where: str, make, *args, **kwargs):
    """``make(*args, **kwargs)``; its ``TypeError`` or ``ValueError`` (a value from the
    config that it refuses) becomes a ``ValueError`` naming ``where``."""
    try:
        return make(*args, **kwargs)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{where}: {err}") from None


def compile_from_config(model, config: dict, where: str) -> None:
    """``model.compile`` with the settings ``compile_config`` wrote."""
    settings = field(config, "optimizer", dict, where)
    optimizer = _checked_call(where, optimizers.deserialize, settings)
    numbers = {k: v for k, v in settings["config"].items()  # a schedule checks its own
               if not (k == "learning_rate" and isinstance(v, dict))}
    _check_numbers(type(optimizer), numbers, f"{where} optimizer")
    loss = _checked_call(where, losses.from_config_entry,
                         field(config, "loss", (str, dict), where))
    entries = [require(m, (str, dict), f"{where} metric")
               for m in field(config, "metrics", list, where)]
    metric_list = [_checked_call(where, metrics.from_config_entry, m) for m in entries]
    _checked_call(where, model.compile, optimizer=optimizer, loss=loss, metrics=metric_list)


# ----- reading: data preparation -----------------------------------------------------
def preparation_from_config(data, where: str):
    """The inverse of ``jsonable``: tagged dicts become fitted scalers again."""
    if isinstance(data, dict):
        if SCALER_TAG in data:
            return _scaler_from_config(data, where)
        return {k: preparation_from_config(v, f"{where}[{k!r}]") for k, v in data.items()}
    if isinstance(data, list):
        return [preparation_from_config(v, f"{where}[{i}]") for i, v in enumerate(data)]
    return data


def _scaler_from_config(data: dict, where: str):
    class_name = field(data, SCALER_TAG, str, where)
    if class_name not in SCALERS:
        raise ValueError(f"{where} is an unknown scaler {class_name!r}; lstmkit has "
                         f"{', '.join(SCALERS)}.")
    params = field(data, "params", dict, where)
    arguments = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
    scaler = _checked_call(where, SCALERS[class_name], **arguments)
    fitted = field(data, "fitted", dict, where)
    if fitted:
        _set_learned(scaler, fitted, f"{where} ({class_name})")
    return scaler


@functools.cache
def _learned(cls) -> frozenset[str]:
    """The attributes ``fit`` learns (names ending in ``_``), read off a fit on one column."""
    return frozenset(k for k in vars(cls().fit(np.zeros((2, 1)))) if k.endswith("_"))


def _set_learned(scaler, fitted: dict, where: str) -> None:
    """Give ``scaler`` the learned attributes of a fit: ``n_features_in_`` and one finite
    float64 value per feature for each of the others."""
    if set(fitted) != _learned(type(scaler)):
        raise ValueError(f"{where} must have the learned attributes "
                         f"{sorted(_learned(type(scaler)))}, got {sorted(fitted)}.")
    n = require(fitted["n_features_in_"], int, f"{where} n_features_in_")
    learned = {key: _finite_vector(fitted[key], n, f"{where} {key}")
               for key in fitted.keys() - {"n_features_in_"}}
    vars(scaler).update(learned, n_features_in_=n)


def _finite_vector(value, n: int, where: str) -> np.ndarray:
    """``value`` as a float64 array of shape (n,) with finite entries, or a ``ValueError``."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.shape != (n,) or not np.isfinite(array).all():
        raise ValueError(f"{where} must be a list of {n} finite numbers, got {value!r:.80}.")
    return array
