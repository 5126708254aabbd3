"""The ``.lstmkit`` model file: one zip that loads without running any code from it.

Members, and nothing else:

    config.json            {"format": "lstmkit", "format_version", "lstmkit_version",
                            "model": the architecture (``serialization.model_config``),
                            "compile": optimizer class and hyperparameters, loss, metrics,
                            "training": {"optimizer_state": bool, "rng_key": {"impl", "data"}},
                            "preparation": ``model.preparation`` as JSON}
    weights.safetensors    float32 weights named "<layer index>/<weight>", e.g. "0/kernel"
    optimizer.safetensors  the optax state's leaves "0", "1", ... in flatten order, when the
                           model has trained and is saved with its optimizer
    states.safetensors     "<layer index>/h" and "<layer index>/c" of stateful layers

With the optimizer state and the PRNG key, ``fit`` on a loaded model continues exactly as
an uninterrupted run. Writing is atomic (``lstmkit.files``) and deterministic (fixed
timestamps). Reading checks before it builds: the member list, each member's declared size
against what the config implies, the JSON structure, class names against fixed tables, and
every array's name, shape and dtype. Any problem is a ``ValueError`` naming the file; a
partial model is never returned.
"""

import functools
import json
import os
import warnings
import zipfile

import jax
import jax.numpy as jnp
import numpy as np
import safetensors
import safetensors.numpy

import lstmkit
from lstmkit import files, keras_import, serialization
from lstmkit.serialization import field

CONFIG, WEIGHTS = "config.json", "weights.safetensors"
OPTIMIZER, STATES = "optimizer.safetensors", "states.safetensors"
MEMBERS = (CONFIG, WEIGHTS, OPTIMIZER, STATES)
MAX_CONFIG_BYTES = 16 * 2**20
KEY_IMPL = "threefry2x32"  # the layout of the training key's two words
_DICT_OR_NONE = (dict, type(None))


# ----- writing -----------------------------------------------------------------------
def save_model(model, path, include_optimizer: bool = True) -> None:
    """Write ``model`` to one ``.lstmkit`` file at ``path``, atomically."""
    _warn_if_named_for_keras(path, "an lstmkit model file (a zip)")
    members = model_members(model, include_optimizer)
    files.write_atomically(path, functools.partial(write_zip, members=members))


def save_weights(model, path) -> None:
    """Write the weights alone, as one safetensors file (names "0/kernel", ...)."""
    if not model.built:
        raise ValueError("save_weights: the model has no weights yet; build it (give the first "
                         "layer input_shape, or call model.build) or train it first.")
    _warn_if_named_for_keras(path, "a safetensors weights file")
    data = safetensors.numpy.save(weight_arrays(model))
    files.write_atomically(path, lambda file: file.write(data))


KERAS_SUFFIXES = (".h5", ".hdf5", ".keras")


def _warn_if_named_for_keras(path, kind: str) -> None:
    """Keras tutorials save to ``model.h5``; lstmkit writes its own formats whatever the
    name (and reads them back from any name), which Keras cannot read: say so."""
    name = os.fspath(path) if isinstance(path, str | os.PathLike) else ""
    if name.lower().endswith(KERAS_SUFFIXES):
        warnings.warn(f"{name} is named like a Keras file, but lstmkit writes {kind} there: "
                      f"lstmkit.models.load_model / load_weights read it back, Keras cannot. "
                      f"Name it .lstmkit (or .safetensors for weights) to say so.",
                      UserWarning, stacklevel=4)


def model_members(model, include_optimizer: bool) -> dict[str, bytes]:
    """The file's members, config first. Raises ``ValueError`` for what cannot be saved."""
    training = include_optimizer and model.optimizer is not None
    config = {
        "format": "lstmkit", "format_version": serialization.FORMAT_VERSION,
        "lstmkit_version": lstmkit.__version__,
        "model": serialization.model_config(model),
        "compile": serialization.compile_config(model) if include_optimizer else None,
        "training": training_config(model) if training else None,
        "preparation": serialization.jsonable(model.preparation, "model.preparation"),
    }
    members = {CONFIG: json.dumps(config, indent=1, allow_nan=False).encode(),
               WEIGHTS: safetensors.numpy.save(weight_arrays(model))}
    if training and model._opt_state is not None:
        leaves = jax.tree.leaves(model._opt_state)
        members[OPTIMIZER] = safetensors.numpy.save(
            {str(i): np.asarray(leaf) for i, leaf in enumerate(leaves)})
    if model.built and model.stateful:
        members[STATES] = safetensors.numpy.save(state_arrays(model))
    return members


def training_config(model) -> dict:
    """Where training stands: whether the optimizer state is saved, and the key that the
    next epoch's shuffle and dropout are drawn from (``lstmkit.epoch_draws``)."""
    key = None if model._key is None else {"impl": KEY_IMPL, "data": model._key.tolist()}
    return {"optimizer_state": model._opt_state is not None, "rng_key": key}


def named_weights(layer) -> dict[str, np.ndarray]:
    """``layer.get_weights()`` by name, in Keras's order: ``{"kernel": ..., "bias": ...}``."""
    names = [n for n in layer.weight_names if n in (layer.params or {})]
    return dict(zip(names, layer.get_weights(), strict=True))


def weight_arrays(model) -> dict[str, np.ndarray]:
    return {f"{i}/{name}": w for i, layer in enumerate(model.layers)
            for name, w in named_weights(layer).items()}


def state_arrays(model) -> dict[str, np.ndarray]:
    return {f"{i}/{name}": np.asarray(s) for i, layer in enumerate(model.layers)
            if layer.stateful
            for name, s in zip(layer.carry_type._fields, layer.states, strict=True)}


def write_zip(file, members: dict[str, bytes]) -> None:
    """The zip: JSON deflated, arrays stored (sizes then bound what a reader accepts)."""
    with zipfile.ZipFile(file, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16  # readable when unzipped
            info.compress_type = (zipfile.ZIP_DEFLATED if name.endswith(".json")
                                  else zipfile.ZIP_STORED)
            archive.writestr(info, data)


# ----- reading -----------------------------------------------------------------------
def load_model(path, compile: bool = True):
    """A model from an ``.lstmkit`` file, a Keras ``.keras`` file or a Keras 2 ``.h5`` file,
    told apart by their content; with ``compile=False``, an ``.lstmkit`` file's model comes
    back uncompiled (its weights alone). Raises ``ValueError`` for anything else or
    anything damaged (``FileNotFoundError`` for a missing file)."""
    path = files.checked_path(path, "path")
    kind = files.sniff(path)
    if kind == "hdf5":
        return keras_import.load_h5(path)
    if kind != "zip":
        raise files.not_a_model(path, kind)
    with files.damage_as_value_error(path, (safetensors.SafetensorError,)), \
            zipfile.ZipFile(path) as archive:
        config = read_config(archive, path)
        if config.get("format") == "lstmkit":
            return _load_lstmkit(archive, config, path, compile)
        if "class_name" in config:
            return keras_import.load_keras_zip(archive, config, path)
        raise files.not_a_model(path, "unknown")


def load_weights(model, path) -> None:
    """Set ``model``'s weights from ``save_weights``'s file (or an ``.lstmkit`` file); the
    names and shapes must match the model, and nothing changes unless all of them do."""
    path = files.checked_path(path, "path")
    if not model.built:
        raise ValueError("load_weights needs a built model to put the weights in: give the "
                         "first layer input_shape, or call model.build(input_shape) first.")
    specs = {name: (w.shape, w.dtype) for name, w in weight_arrays(model).items()}
    with files.damage_as_value_error(path, (safetensors.SafetensorError,)):
        arrays = _weights_file_arrays(path, specs)
    model.set_weights([arrays[name] for name in specs])


def _weights_file_arrays(path: str, specs: dict) -> dict[str, np.ndarray]:
    kind = files.sniff(path)
    if kind == "safetensors":
        with open(path, "rb") as file:
            data = file.read(_limit(specs) + 1)
        if len(data) > _limit(specs):
            raise ValueError(f"{path} holds more bytes than this model's weights need; it "
                             f"was written for another model.")
        return checked_arrays(safetensors.numpy.load(data), specs, path)
    if kind != "zip":
        raise files.not_a_model(path, kind)
    with zipfile.ZipFile(path) as archive:
        config = read_config(archive, path)
        if config.get("format") != "lstmkit":
            raise ValueError(f"{path} is not an lstmkit file; load a Keras model with "
                             f"lstmkit.models.load_model(path).")
        serialization.check_format_version(config, path)
        return read_arrays(archive, WEIGHTS, specs, path)


def read_config(archive: zipfile.ZipFile, path: str) -> dict:
    data = files.read_member(archive, CONFIG, MAX_CONFIG_BYTES, path)
    return serialization.parse_json(data, f"{path}: {CONFIG}")


def _load_lstmkit(archive: zipfile.ZipFile, config: dict, path: str, compile: bool):
    """Check everything, then assemble the model; nothing is returned half-made."""
    _check_member_names(archive, path)
    serialization.check_format_version(config, path)
    name, layers, shape = serialization.layers_from_config(
        field(config, "model", dict, path), f"{path}: model")
    compile_settings = field(config, "compile", _DICT_OR_NONE, path)
    training = field(config, "training", _DICT_OR_NONE, path)
    if training is not None and compile_settings is None:
        raise ValueError(f"{path} has a training position but no compile settings.")
    has_opt = training is not None and field(training, "optimizer_state", bool, path)
    stateful = shape is not None and any(layer.stateful for layer in layers)
    required = {WEIGHTS} | ({OPTIMIZER} if has_opt else set()) | ({STATES} if stateful else set())
    _check_members_present(archive, required, path)
    model = _built_model(archive, name, layers, shape, path)
    if compile_settings is not None and compile:
        serialization.compile_from_config(model, compile_settings, f"{path}: compile")
    if training is not None and compile:
        _restore_training(model, archive, training, has_opt, path)
    model.preparation = serialization.preparation_from_config(
        config.get("preparation"), f"{path}: preparation")
    return model


def _check_member_names(archive: zipfile.ZipFile, path: str) -> None:
    names = archive.namelist()
    unexpected = sorted(set(names) - set(MEMBERS))
    twice = sorted({n for n in names if names.count(n) > 1})
    if unexpected or twice:
        problem = f"unexpected members {unexpected}" if unexpected else f"members twice {twice}"
        raise ValueError(
            f"{path} holds {problem}; an lstmkit model file holds only {list(MEMBERS)}, once "
            f"each. It was altered or not written by lstmkit, and is not loaded.")


def _check_members_present(archive: zipfile.ZipFile, required: set, path: str) -> None:
    names = set(archive.namelist()) - {CONFIG}
    if names != required:
        raise ValueError(
            f"{path} does not match its own config: the config calls for "
            f"{sorted(required)}, the file holds {sorted(names)}. It is damaged or was "
            f"altered, and is not loaded.")


def _built_model(archive, name: str, layers: list, shape, path: str):
    """The model with the file's weights and stateful layers' states, both read and checked
    against the config before anything is built (so a config describing absurd sizes
    allocates nothing)."""
    if shape is None:
        read_arrays(archive, WEIGHTS, {}, path)
        return serialization.new_sequential(layers, name)
    weight_specs = {f"{i}/{n}": spec
                    for i, specs in enumerate(serialization.weight_specs(layers, shape))
                    for n, spec in specs.items()}
    weights = read_arrays(archive, WEIGHTS, weight_specs, path)
    state_specs = {f"{i}/{n}": spec
                   for i, specs in enumerate(serialization.state_specs(layers, shape)) if specs
                   for n, spec in zip(layers[i].carry_type._fields, specs, strict=True)}
    states = read_arrays(archive, STATES, state_specs, path) if state_specs else {}
    model = serialization.sequential_for_weights(name, layers, shape)
    model.set_weights([weights[n] for n in weight_specs])
    for i, layer in enumerate(model.layers):
        if layer.stateful:
            layer.reset_states(states=[states[f"{i}/{n}"] for n in layer.carry_type._fields])
    return model


def _restore_training(model, archive, training: dict, has_opt: bool, path: str) -> None:
    """The optimizer state (``tx.init``'s structure, the file's leaves) and the PRNG key."""
    key = field(training, "rng_key", _DICT_OR_NONE, path)
    if key is not None:
        model._key = _key_from_config(key, f"{path}: training rng_key")
    if has_opt:
        if not model.built:
            raise ValueError(f"{path} has an optimizer state but no weights to go with it.")
        template = model._tx.init(model._params())
        leaves, treedef = jax.tree.flatten(template)
        specs = {str(i): (np.shape(leaf), np.asarray(leaf).dtype)
                 for i, leaf in enumerate(leaves)}
        arrays = read_arrays(archive, OPTIMIZER, specs, path)
        model._opt_state = jax.tree.unflatten(
            treedef, [jnp.asarray(arrays[str(i)]) for i in range(len(leaves))])


def _key_from_config(config: dict, where: str) -> np.ndarray:
    impl = field(config, "impl", str, where)
    data = field(config, "data", list, where)
    if impl != KEY_IMPL or len(data) != 2 or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**32 for d in data):
        raise ValueError(f"{where} must be {{'impl': {KEY_IMPL!r}, 'data': [two 32-bit "
                         f"unsigned integers]}}, got {config!r:.200}.")
    return np.asarray(data, np.uint32)


def _limit(specs: dict) -> int:
    """The most bytes a safetensors payload of ``specs`` can take: the arrays plus a header
    (an 8-byte length and up to 256 bytes of JSON per array)."""
    sizes = (int(np.prod(shape)) * np.dtype(dtype).itemsize for shape, dtype in specs.values())
    return sum(sizes) + 1024 + 256 * len(specs)


def read_arrays(archive, member: str, specs: dict, path: str) -> dict[str, np.ndarray]:
    """The arrays of ``member``, each checked against ``specs`` (name -> (shape, dtype))."""
    data = files.read_member(archive, member, _limit(specs), path)
    return checked_arrays(safetensors.numpy.load(data), specs, f"{path}: {member}")


def checked_arrays(arrays: dict, specs: dict, where: str) -> dict[str, np.ndarray]:
    missing, unexpected = sorted(specs.keys() - arrays.keys()), sorted(arrays.keys() - specs)
    if missing or unexpected:
        raise ValueError(f"{where} does not fit the model: missing arrays {missing}, "
                         f"unexpected arrays {unexpected} (names are 'layer index/weight').")
    for name, (shape, dtype) in specs.items():
        if arrays[name].shape != tuple(shape) or arrays[name].dtype != dtype:
            raise ValueError(
                f"{where}: array {name!r} has shape {arrays[name].shape} and dtype "
                f"{arrays[name].dtype}, but the model needs shape {tuple(shape)} and {dtype}.")
    return arrays
