"""Keras models into lstmkit: Sequential models of LSTM, GRU, SimpleRNN, Embedding, Dense,
Dropout and Activation layers saved by Keras 3 (``.keras``: a zip of ``config.json`` and
``model.weights.h5``) or in the Keras 2 HDF5 format (``.h5``: a ``model_config`` attribute
and a ``model_weights`` group). The weights are read directly with h5py, an optional
dependency (``pip install 'lstmkit[keras-import]'``); no Keras code runs and nothing is
unpickled.

Keras's layer settings have the same names and meanings in lstmkit; the first layer's
``batch_shape`` / ``batch_input_shape`` (or the InputLayer's) becomes its
``batch_input_shape``. Initializers are not imported (the weights come from the file) and
the model comes back uncompiled. A setting lstmkit lacks is an error when it changes
predictions (``time_major``, quantization, ``rms_scaling``) and a warning when it changes
only training (activity and orthogonal regularizers, custom ones); Keras's L1, L2 and
L1L2 weight regularizers and its MaxNorm, MinMaxNorm, UnitNorm and NonNeg constraints
are imported. Keras 2's ``CuDNNLSTM`` /
``CuDNNGRU`` files hold two bias vectors per gate, which lstmkit does not import.
"""

import io
import os
import warnings
from collections import Counter

import numpy as np

from lstmkit import files, serialization
from lstmkit.registry import snake_case
from lstmkit.serialization import field, require

WEIGHTS_MEMBER = "model.weights.h5"
_SETTINGS = {
    "LSTM": ("units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias",
             "return_sequences", "return_state", "go_backwards", "stateful", "dropout",
             "recurrent_dropout", "zero_output_for_mask"),
    "GRU": ("units", "activation", "recurrent_activation", "use_bias", "reset_after",
            "return_sequences", "return_state", "go_backwards", "stateful", "dropout",
            "recurrent_dropout", "zero_output_for_mask"),
    "SimpleRNN": ("units", "activation", "use_bias", "return_sequences", "return_state",
                  "go_backwards", "stateful", "dropout", "recurrent_dropout",
                  "zero_output_for_mask"),
    "Dense": ("units", "activation", "use_bias"),
    "Embedding": ("input_dim", "output_dim", "mask_zero"),
    "Dropout": ("rate", "noise_shape"),
    "SpatialDropout1D": ("rate",),
    "Activation": ("activation",),
    "RepeatVector": ("n",),
    "Flatten": (),
    "Reshape": ("target_shape",),
    "Masking": ("mask_value",),
    "LayerNormalization": ("axis", "epsilon", "center", "scale"),
    "BatchNormalization": ("axis", "momentum", "epsilon", "center", "scale"),
    "LeakyReLU": ("negative_slope", "alpha"),
    "ReLU": ("max_value", "negative_slope", "threshold"),
    "ELU": ("alpha",),
    "PReLU": ("shared_axes",),
    "GaussianNoise": ("stddev",),
    "GaussianDropout": ("rate",),
    "Conv1D": ("filters", "kernel_size", "strides", "padding", "dilation_rate", "activation",
               "use_bias"),
    "MaxPooling1D": ("pool_size", "strides", "padding"),
    "AveragePooling1D": ("pool_size", "strides", "padding"),
    "GlobalMaxPooling1D": ("keepdims",),
    "GlobalAveragePooling1D": ("keepdims",),
    "Bidirectional": ("merge_mode",),
    "TimeDistributed": (),
}
_SHAPE_KEYS = ("batch_shape", "batch_input_shape")  # Keras 3, Keras 2
_H5_DAMAGE = (OSError, RuntimeError, KeyError)  # what h5py raises for damaged HDF5 files
MAX_STATE_BYTES = 2**30


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError("Reading Keras model files (.keras, .h5) needs h5py, an optional "
                          "dependency: pip install 'lstmkit[keras-import]'.") from None
    return h5py


# ----- configs -----------------------------------------------------------------------
def layer_config(class_name: str, config: dict, where: str) -> dict:
    """The lstmkit config of one Keras layer's config."""
    if class_name in ("CuDNNLSTM", "CuDNNGRU"):
        raise ValueError(f"{where} is a Keras 2 {class_name} layer, whose weights hold an input "
                         f"and a recurrent bias per gate; lstmkit has {class_name} but does not "
                         f"import those weights. Save the weights of a Keras LSTM / GRU "
                         f"instead.")
    if class_name not in _SETTINGS:
        raise ValueError(f"{where} is a Keras {class_name} layer, which lstmkit does not have; "
                         f"it imports Sequential models of {', '.join(_SETTINGS)} layers.")
    per_weight = _per_weight(class_name, config)
    _check_supported({k: v for k, v in config.items() if k not in per_weight}, where)
    out = {key: config[key] for key in _SETTINGS[class_name] if key in config}
    out.update(per_weight)
    for key in (*serialization.INNER_LAYERS, "activation", "recurrent_activation"):
        if isinstance(config.get(key), dict):
            inner_class = field(config[key], "class_name", str, f"{where} {key!r}")
            out[key] = {"class_name": inner_class, "config": layer_config(
                inner_class, field(config[key], "config", dict, where), f"{where} {key!r}")}
    out["name"] = config.get("name")
    if config.get("trainable") is False:
        out["trainable"] = False
    shape = next((config[k] for k in _SHAPE_KEYS if config.get(k) is not None), None)
    if shape is not None:
        out["batch_input_shape"] = shape
    return out


def _check_supported(config: dict, where: str) -> None:
    if config.get("time_major"):
        raise ValueError(f"{where} has time_major=True, inputs (timesteps, batch, features); "
                         f"lstmkit takes (batch, timesteps, features).")
    if config.get("data_format") == "channels_first":
        raise ValueError(f"{where} has data_format='channels_first', inputs (batch, channels, "
                         f"timesteps); lstmkit takes (batch, timesteps, channels).")
    if config.get("quantization_config") is not None:
        raise ValueError(f"{where} is quantized; lstmkit imports float weights only.")
    if config.get("rms_scaling"):
        raise ValueError(f"{where} has rms_scaling=True, which lstmkit's LayerNormalization "
                         f"does not have.")
    ignored = [k for k, v in config.items() if v is not None and k.endswith(
        ("_regularizer", "_constraint"))]
    if ignored:
        warnings.warn(f"{where}: lstmkit has no {', '.join(ignored)} and ignores it: "
                      f"predictions are Keras's, training differs.",
                      UserWarning, stacklevel=7)  # the caller of models.load_model


_PER_WEIGHT = {"regularizer": ("L1", "L2", "L1L2"),
               "constraint": ("MaxNorm", "MinMaxNorm", "UnitNorm", "NonNeg")}


def _per_weight(class_name: str, config: dict) -> dict:
    """The weight regularizers and constraints of a Keras layer config that lstmkit has,
    as lstmkit configs; any other is left to ``_check_supported``'s warning."""
    cls = serialization.LAYERS.get(class_name)
    if cls is None:
        return {}
    return {key: {"class_name": config[key]["class_name"], "config": config[key].get(
                "config", {})}
            for kind, known in _PER_WEIGHT.items() for key in cls.per_weight_keys(kind)
            if isinstance(config.get(key), dict) and config[key].get("class_name") in known}


def model_parts(config: dict, where: str) -> tuple[str, list, tuple, list[str]]:
    """The model name, its lstmkit layers (unbuilt), its input shape, and the Keras layer
    names (which locate the weights)."""
    class_name = field(config, "class_name", str, where)
    if class_name != "Sequential":
        raise ValueError(f"{where} holds a Keras {class_name} model; lstmkit imports "
                         f"Sequential models of {', '.join(_SETTINGS)} layers.")
    body = field(config, "config", (dict, list), where)
    entries = body if isinstance(body, list) else field(body, "layers", list, where)
    layers, names, declared = [], [], None
    for i, entry in enumerate(entries):
        at = f"{where}: layer {i}"
        kind, settings = field(require(entry, dict, at), "class_name", str, at), field(
            entry, "config", dict, at)
        if kind == "InputLayer":
            declared = next((settings[k] for k in _SHAPE_KEYS if k in settings), None)
            continue
        names.append(field(settings, "name", str, at))
        at = f"{at} ({kind} {names[-1]!r})"
        lk_config = layer_config(kind, settings, at)
        if not layers and declared is not None:
            lk_config.setdefault("batch_input_shape", declared)
        layers.append(serialization.layer_from_config(
            {"class_name": kind, "config": lk_config}, at))
    name = "sequential" if isinstance(body, list) else field(body, "name", str, where,
                                                              "sequential")
    return name, layers, _input_shape(layers, body, where), names


def _input_shape(layers: list, body, where: str) -> tuple:
    built = None if isinstance(body, list) else body.get("build_input_shape")
    shape = layers[0].batch_input_shape if layers else None
    if shape is None and built is None:
        raise ValueError(f"{where} does not give the model's input shape (no layers, or no "
                         f"InputLayer / batch_input_shape), so its weights cannot be placed.")
    return serialization.check_shape(list(shape or built), f"{where} input shape")


# ----- weights -----------------------------------------------------------------------
def load_keras_zip(archive, config: dict, path: str):
    """A model from a Keras 3 ``.keras`` zip whose ``config.json`` is ``config``."""
    h5py = _h5py()
    name, layers, shape, keras_names = model_parts(config, f"{path}: config.json")
    specs = serialization.weight_specs(layers, shape)
    # Keras stores the optimizer's variables there too, and HDF5 its own metadata.
    data = files.read_member(archive, WEIGHTS_MEMBER, 8 * _weight_bytes(specs) + 2**24, path)
    _check_sizes(layers, shape, specs, len(data), path)
    groups = _keras3_groups(layers)
    with files.damage_as_value_error(path, _H5_DAMAGE), h5py.File(io.BytesIO(data), "r") as h5:
        arrays = [_read(_keras3_datasets(h5, group), s, f"{path}: layer {n!r}")
                  for group, n, s in zip(groups, keras_names, specs, strict=True)]
    return _assemble(name, layers, shape, arrays)


def load_h5(path: str):
    """A model from a Keras 2 HDF5 file (also written by Keras 3's ``model.save('m.h5')``)."""
    h5py = _h5py()
    with files.damage_as_value_error(path, _H5_DAMAGE), h5py.File(path, "r") as h5:
        if "model_config" not in h5.attrs or not isinstance(h5.get("model_weights"),
                                                            h5py.Group):
            raise files.not_a_model(path, "hdf5")
        where = f"{path}: model_config"
        name, layers, shape, keras_names = model_parts(
            serialization.parse_json(h5.attrs["model_config"], where), where)
        specs = serialization.weight_specs(layers, shape)
        _check_sizes(layers, shape, specs, os.path.getsize(path), path)
        arrays = [_read(_h5_datasets(h5["model_weights"], n), s, f"{path}: layer {n!r}")
                  for n, s in zip(keras_names, specs, strict=True)]
    return _assemble(name, layers, shape, arrays)


def _weight_bytes(specs: list[dict]) -> int:
    return sum(int(np.prod(shape)) * dtype.itemsize
               for layer in specs for shape, dtype in layer.values())


def _check_sizes(layers: list, shape: tuple, specs: list[dict], available: int,
                 where: str) -> None:
    """Refuse, before anything is read or built, weights that need more bytes than the
    file holds (HDF5 can declare large datasets it does not store) and stateful layers'
    states beyond ``MAX_STATE_BYTES`` (a batch size no real model has)."""
    needed = _weight_bytes(specs)
    if needed > available:
        raise ValueError(f"{where}: the config describes {needed:,} bytes of weights, but the "
                         f"weights file holds only {available:,}; it is damaged or crafted.")
    states = sum(int(np.prod(s)) * d.itemsize
                 for parts in serialization.state_specs(layers, shape) for s, d in parts)
    if states > MAX_STATE_BYTES:
        raise ValueError(f"{where}: a stateful batch size of {shape[0]} needs {states:,} bytes "
                         f"of states, beyond the {MAX_STATE_BYTES:,} lstmkit accepts.")


def _keras3_groups(layers: list) -> list[str]:
    """Where Keras 3 files each layer's weights: not under the layer's name (not
    reproducible, says Keras) but under its class in snake case, numbered from the second
    layer of a class on: ``layers/lstm``, ``layers/lstm_1``, ``layers/dense``, ..."""
    counts, groups = Counter(), []
    for layer in layers:
        base = snake_case(type(layer).__name__)  # lstmkit's classes have Keras's names
        groups.append(f"layers/{base}_{counts[base]}" if counts[base] else f"layers/{base}")
        counts[base] += 1
    return groups


def _keras3_datasets(h5, path: str) -> list:
    """Keras 3: ``<path>/vars/0, 1, ...``; an LSTM's are its cell's (``<path>/cell/vars``),
    a Bidirectional's its two layers' and a TimeDistributed's its layer's."""
    group = h5.get(path)
    if group is None:
        return []
    if "forward_layer" in group:
        return [*_keras3_datasets(h5, f"{path}/forward_layer"),
                *_keras3_datasets(h5, f"{path}/backward_layer")]
    if "layer" in group:
        return _keras3_datasets(h5, f"{path}/layer")
    variables = group.get("cell/vars" if "cell" in group else "vars")
    return [] if variables is None else [variables.get(str(i)) for i in range(len(variables))]


def _h5_datasets(weights, name: str) -> list:
    """Keras 2: ``model_weights/<name>`` lists its datasets' paths in ``weight_names``."""
    group = weights.get(name)
    if group is None:
        return []
    paths = group.attrs.get("weight_names", [])
    return [group.get(p.decode() if isinstance(p, bytes) else str(p)) for p in paths]


def _read(datasets: list, specs: dict, where: str) -> list[np.ndarray]:
    """A layer's weights as float32, after checking their count and shapes (before reading)."""
    expected = [shape for shape, _ in specs.values()]
    shapes = [getattr(d, "shape", None) for d in datasets]
    if shapes != expected:
        raise ValueError(f"{where} has weights of shapes {shapes}; the layer needs "
                         f"{expected} ({', '.join(specs)}).")
    if not all(np.issubdtype(d.dtype, np.floating) for d in datasets):
        raise ValueError(f"{where} has weights of dtypes {[d.dtype for d in datasets]}; "
                         f"lstmkit reads floating-point weights.")
    return [np.asarray(d[()], dtype=np.float32) for d in datasets]


def _assemble(name: str, layers: list, shape: tuple, arrays: list):
    model = serialization.sequential_for_weights(name, layers, shape)
    for layer, weights in zip(model.layers, arrays, strict=True):
        layer.set_weights(weights)
    return model
