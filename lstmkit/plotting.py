"""Figures from a training ``History``, from forecasts, or of a model's layers
(``plot_model``), as matplotlib Figures.

The figures are ``matplotlib.figure.Figure`` objects made without pyplot: nothing picks a
GUI backend or opens a window, so they render off-screen (Agg) on a machine without a
display, and the user's pyplot backend, if any, is left alone. Save one with
``fig.savefig("loss.png")``; a notebook shows a returned Figure inline.
"""

import os
import re
from collections.abc import Mapping
from numbers import Integral

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import MaxNLocator

from lstmkit import files, validation
from lstmkit.callbacks import History

_VAL = "val_"


def _logs(name: str, run) -> dict[str, list[float]]:
    """A History, or Keras's ``history.history`` dict, as ``{name: per-epoch values}``."""
    if isinstance(run, History):
        return run.history
    if isinstance(run, Mapping) and all(isinstance(k, str) for k in run):
        return dict(run)
    raise TypeError(
        f"{name} must be a History (what fit returns) or a dict of per-epoch values such "
        f"as history.history, got {type(run).__name__}.")


def _runs(history) -> dict[str, dict[str, list[float]]]:
    """One run ``{'': logs}``, or several ``{label: logs}`` when given a dict of Histories."""
    is_runs = isinstance(history, Mapping) and history and all(
        isinstance(v, History | Mapping) for v in history.values())
    if is_runs:
        runs = {str(label): _logs(f"history[{label!r}]", run) for label, run in history.items()}
    else:
        runs = {"": _logs("history", history)}
    if not any(values for logs in runs.values() for values in logs.values()):
        raise ValueError("history has no epochs to plot; call fit(...) first, with epochs >= 1.")
    return runs


def _metric_names(runs, metrics) -> list[str]:
    available = list(dict.fromkeys(
        name for logs in runs.values() for name in logs if not name.startswith(_VAL)))
    if metrics is None:
        return available
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    unknown = [name for name in names if name not in available]
    if unknown or not names:
        raise ValueError(
            f"metrics must name logged values, got {metrics!r}; the history has {available} "
            f"(validation values are drawn next to their training values).")
    return names


def _use_log_scale(ax, values: list[float]) -> None:
    """A log y axis for positive values spanning more than two orders of magnitude: a
    loss that keeps falling is flat on a linear axis after a few epochs."""
    finite = np.asarray(values, np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size and finite.min() > 0 and finite.max() > 100 * finite.min():
        ax.set_yscale("log")


def _draw_metric(ax, runs, name: str) -> None:
    """Training (solid) and validation (dashed) curves of one metric, one colour per run;
    a curve is labelled by its run, and by train/validation where both are drawn."""
    drawn = []
    for i, (label, logs) in enumerate(runs.items()):
        has_val = bool(logs.get(_VAL + name))
        for key, style, kind in ((name, "-", "train"), (_VAL + name, "--", "validation")):
            values = logs.get(key)
            if values:
                text = f"{label} {kind}".strip() if has_val or not label else label
                ax.plot(np.arange(1, len(values) + 1), values, style, color=f"C{i}", label=text)
                drawn.extend(values)
    _use_log_scale(ax, drawn)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(xlabel="epoch", ylabel=name, title=name)
    ax.legend()


def plot_history(history, metrics=None) -> Figure:
    """Learning curves: one panel per metric, training and validation values per epoch.

    Args:
        history: the ``History`` that ``fit`` returns, its ``history.history`` dict, or a
            dict ``{label: History}`` to compare runs (one colour per run).
        metrics: a name or list of names (``'loss'``, ``'acc'``, ...); default all logged
            training values. ``val_<name>`` is drawn dashed in ``<name>``'s panel. A
            positive metric spanning more than two orders of magnitude gets a log axis.

    Returns:
        A ``matplotlib.figure.Figure``; nothing is shown.
    """
    runs = _runs(history)
    names = _metric_names(runs, metrics)
    fig = Figure(figsize=(4.5 * len(names), 3.5), layout="constrained")
    for ax, name in zip(fig.subplots(1, len(names), squeeze=False)[0], names, strict=True):
        _draw_metric(ax, runs, name)
    return fig


def _series(name: str, values) -> np.ndarray:
    """``values`` as a finite 1-D float array; ``(n, 1)`` columns are accepted."""
    array = validation.numeric(name, values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D series (n,) or one column (n, 1), got shape "
            f"{array.shape}. For several outputs, plot one column at a time.")
    validation.check_finite(name, array)
    return array.astype(np.float64)


def _baselines(baseline, n_pred: int) -> dict[str, np.ndarray]:
    if baseline is None:
        return {}
    named = baseline if isinstance(baseline, Mapping) else {"baseline": baseline}
    out = {str(label): _series(f"baseline[{label!r}]", v) for label, v in named.items()}
    for label, values in out.items():
        if len(values) != n_pred:
            raise ValueError(
                f"baseline {label!r} has {len(values)} values but predicted has {n_pred}; "
                f"a baseline forecasts the same time steps as the prediction.")
    return out


def _check_split(split, n: int) -> None:
    if split is None:
        return
    if isinstance(split, bool) or not isinstance(split, Integral) or not 0 < split < n:
        raise ValueError(
            f"split must be the position (an int, 0 < split < {n}) where the test period "
            f"of actual begins, got {split!r}.")


def plot_forecast(actual, predicted, *, baseline=None, split=None, title=None) -> Figure:
    """A forecast drawn over the actual series.

    The ``m`` predicted values are aligned with the last ``m`` values of ``actual``, so
    ``actual`` may be the whole series and ``predicted`` the test period only.

    Args:
        actual: ``(n,)`` or ``(n, 1)`` array, or a pandas Series (its index labels the
            x axis, e.g. years, and its name the y axis).
        predicted: ``(m,)`` or ``(m, 1)`` with ``m <= n``.
        baseline: a ``(m,)`` array or a dict ``{label: (m,) array}`` of other forecasts of
            the same steps (persistence, seasonal naive, ...), drawn dotted.
        split: position in ``actual`` where the test period begins; drawn as a vertical line.
        title: the axes title.

    Returns:
        A ``matplotlib.figure.Figure``; nothing is shown.
    """
    y = _series("actual", actual)
    pred = _series("predicted", predicted)
    if len(pred) > len(y):
        raise ValueError(
            f"predicted has {len(pred)} values but actual only {len(y)}; pass the whole "
            f"actual series, predicted being aligned with its end.")
    others = _baselines(baseline, len(pred))
    _check_split(split, len(y))
    x = actual.index.to_numpy() if isinstance(actual, pd.Series) else np.arange(len(y))
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax = fig.subplots()
    ax.plot(x, y, color="0.2", linewidth=1.2, label="actual")
    ax.plot(x[-len(pred):], pred, color="C3", linewidth=1.4, label="predicted")
    for i, (label, values) in enumerate(others.items()):
        color = f"C{i + (i >= 3)}"  # C3 is the prediction's
        ax.plot(x[-len(pred):], values, ":", color=color, linewidth=1.2, label=label)
    if split is not None:
        ax.axvline(x[split], color="0.5", linestyle="--", linewidth=1, label="test period →")
    named = isinstance(actual, pd.Series)
    ax.set_xlabel(str((named and actual.index.name) or "time step"))
    ax.set_ylabel(str((named and actual.name) or "value"))
    if title is not None:
        ax.set_title(str(title))
    ax.legend()
    return fig


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=True, rankdir="TB", expand_nested=False, dpi=96,
               layer_range=None, show_layer_activations=False, show_trainable=False,
               splines=None) -> Figure:
    """Keras's ``plot_model``: a diagram of a Sequential model, one box per layer from the
    input down (``rankdir='TB'``) or left to right (``'LR'``), saved to ``to_file``.

    Drawn with matplotlib, so it needs neither pydot nor Graphviz. The file's extension
    picks its format (png, pdf, svg, jpg, ...; none: png) and it is written atomically.
    The boxes say each layer's name and type (a wrapper's with its inner layer's,
    whatever ``expand_nested``), and optionally its input and output shapes, dtype,
    activation and whether it is trainable. ``layer_range=[first, last]`` (layer names,
    or patterns that match them) draws those layers only. The defaults are Keras 2's
    (layer names shown, 96 dpi); ``splines`` is accepted (the arrows are straight).

    Returns:
        The ``matplotlib.figure.Figure`` (a notebook shows it inline).
    """
    if not hasattr(model, "layers") or not model.layers:
        raise ValueError(f"plot_model draws a Sequential model with layers, got "
                         f"{type(model).__name__}.")
    if not model.built:
        raise ValueError("plot_model needs a built model: give the first layer "
                         "input_shape=(timesteps, features), or call model.build(...) or "
                         "fit first.")
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"rankdir must be 'TB' (top to bottom) or 'LR' (left to right), "
                         f"got {rankdir!r}.")
    if not validation.is_number(dpi) or dpi <= 0:
        raise ValueError(f"dpi must be a number > 0 (dots per inch), got {dpi!r}.")
    path = files.checked_path(to_file, "to_file")
    fig = Figure()
    fmt = os.path.splitext(path)[1].removeprefix(".").lower() or "png"
    formats = sorted(fig.canvas.get_supported_filetypes())
    if fmt not in formats:
        raise ValueError(f"to_file must end in one of matplotlib's formats {formats}, got "
                         f"{path!r}.")
    show = dict(shapes=show_shapes, dtype=show_dtype, names=show_layer_names,
                activations=show_layer_activations, trainable=show_trainable)
    first, last = _layer_range(model, layer_range)
    boxes = [_box_lines(model, layer, show) for layer in model.layers[first:last + 1]]
    if first == 0:
        boxes.insert(0, _box_lines(model, None, show))
    _draw_boxes(fig, boxes, vertical=rankdir == "TB")
    files.write_atomically(path, lambda file: fig.savefig(file, format=fmt, dpi=dpi))
    return fig


def _layer_range(model, layer_range) -> tuple[int, int]:
    """The indices of the first and last layers to draw, by Keras's rule: from the first
    layer whose name ``re.match``-es ``layer_range[0]`` to the last that matches
    ``layer_range[1]`` (the other way round when they come in that order); the whole
    model without one."""
    names = [layer.name for layer in model.layers]
    if layer_range is None:
        return 0, len(names) - 1
    if not (isinstance(layer_range, list | tuple) and len(layer_range) == 2
            and all(isinstance(n, str) for n in layer_range)):
        raise ValueError(f"layer_range must be [first layer name, last layer name], got "
                         f"{layer_range!r}.")
    lower, upper = ([i for i, name in enumerate(names) if re.match(pattern, name)]
                    for pattern in layer_range)
    if not lower or not upper:
        raise ValueError(f"layer_range {list(layer_range)} must match names of the model's "
                         f"layers, which are {names}.")
    if min(lower) > max(upper):
        return min(upper), max(lower)
    return min(lower), max(upper)


def _box_lines(model, layer, show) -> list[str]:
    """A layer's box as lines of text; ``layer=None`` is the input, as Keras 2 draws it."""
    if layer is None:
        name, kind = f"{model.layers[0].name}_input", "InputLayer"
        shapes, activation = (model.input_shape, model.input_shape), None
    else:
        inner = getattr(layer, "forward_layer", None) or getattr(layer, "layer", None)
        name, kind = layer.name, type(layer).__name__
        if inner is not None:
            name, kind = f"{name}({inner.name})", f"{kind}({type(inner).__name__})"
        shapes, activation = (layer.input_shape, layer.output_shape), layer.get_config().get(
            "activation")
    lines = [f"{name} ({kind})" if show["names"] else kind]
    if show["activations"] and isinstance(activation, str):
        lines.append(f"activation: {activation}")
    if show["shapes"]:
        lines.append("input: {}    output: {}".format(*(str(s).replace(",)", ")")
                                                       for s in shapes)))
    if show["dtype"]:
        lines.append("dtype: float32")  # what lstmkit computes in
    if show["trainable"] and layer is not None:
        lines.append(f"trainable: {'yes' if layer.trainable else 'no'}")
    return lines


def _draw_boxes(fig, boxes, vertical: bool) -> None:
    """Boxes of text in a row or a column, joined by arrows; the figure sized to fit them
    (in inches: 0.08 per character, 0.22 per line)."""
    widths = [0.08 * max(len(line) for line in lines) + 0.4 for lines in boxes]
    heights = [0.22 * len(lines) + 0.3 for lines in boxes]
    gap = 0.45
    if vertical:
        width, height = max(widths) + 0.4, sum(heights) + gap * (len(boxes) - 1) + 0.4
    else:
        width, height = sum(widths) + gap * (len(boxes) - 1) + 0.4, max(heights) + 0.4
    fig.set_size_inches(width, height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    x, y, previous = 0.2, height - 0.2, None
    for lines, w, h in zip(boxes, widths, heights, strict=True):
        left = (width - w) / 2 if vertical else x
        bottom = y - h if vertical else (height - h) / 2
        ax.add_patch(FancyBboxPatch((left, bottom), w, h, facecolor="#eef3fb", edgecolor="0.3",
                                    boxstyle="round,pad=0,rounding_size=0.08"))
        ax.text(left + w / 2, bottom + h / 2, "\n".join(lines), ha="center", va="center",
                fontsize=10, linespacing=1.4)
        here = (left + w / 2, bottom + h) if vertical else (left, bottom + h / 2)
        if previous is not None:
            ax.annotate("", xy=here, xytext=previous,
                        arrowprops=dict(arrowstyle="-|>", color="0.3"))
        previous = (left + w / 2, bottom) if vertical else (left + w, bottom + h / 2)
        x, y = x + w + gap, y - h - gap
