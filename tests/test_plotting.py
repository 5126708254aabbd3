"""lstmkit.plotting: learning curves and forecasts as matplotlib Figures, off-screen."""

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.figure import Figure

from lstmkit.callbacks import History
from lstmkit.plotting import plot_forecast, plot_history


def history(epochs=5, validation=True):
    h = History()
    for epoch in range(epochs):
        logs = {"loss": 1.0 / (epoch + 1), "acc": 0.5 + 0.1 * epoch}
        if validation:
            logs |= {"val_loss": 1.2 / (epoch + 1), "val_acc": 0.4 + 0.1 * epoch}
        h.append(epoch, logs)
    return h


def labels(ax):
    return [line.get_label() for line in ax.get_lines()]


def test_history_one_panel_per_metric_train_and_validation():
    fig = plot_history(history())
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "acc"]
    for ax, name in zip(fig.axes, ["loss", "acc"], strict=True):
        assert labels(ax) == ["train", "validation"]
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == name
        train, val = ax.get_lines()
        assert list(train.get_xdata()) == [1, 2, 3, 4, 5]  # epochs counted from 1
        assert val.get_linestyle() == "--"
    np.testing.assert_allclose(fig.axes[1].get_lines()[1].get_ydata(), [0.4, 0.5, 0.6, 0.7, 0.8])


def test_history_selected_metrics_dict_input_and_shortcut():
    h = history(validation=False)
    fig = plot_history(h.history, metrics="acc")
    assert [ax.get_title() for ax in fig.axes] == ["acc"]
    assert labels(fig.axes[0]) == ["train"]
    shortcut = h.plot(["acc", "loss"])
    assert isinstance(shortcut, Figure)
    assert [ax.get_title() for ax in shortcut.axes] == ["acc", "loss"]


def test_history_compares_runs_one_colour_each():
    fig = plot_history({"small": history(validation=False), "big": history(3, False)}, "loss")
    ax = fig.axes[0]
    assert labels(ax) == ["small", "big"]
    assert [len(line.get_xdata()) for line in ax.get_lines()] == [5, 3]
    assert ax.get_lines()[0].get_color() != ax.get_lines()[1].get_color()


def test_history_log_axis_only_for_a_wide_positive_range():
    falling = {"loss": [1.0, 1e-2, 1e-4]}
    assert plot_history(falling).axes[0].get_yscale() == "log"
    assert plot_history({"loss": [1.0, 0.5, 0.2]}).axes[0].get_yscale() == "linear"
    assert plot_history({"loss": [1.0, -1.0, 1e-4]}).axes[0].get_yscale() == "linear"


def test_history_errors():
    with pytest.raises(TypeError, match="history must be a History"):
        plot_history([0.1, 0.2])
    with pytest.raises(ValueError, match=r"the history has \['loss', 'acc'\]"):
        plot_history(history(), metrics=["mae"])
    with pytest.raises(ValueError, match="no epochs"):
        plot_history(History())
    with pytest.raises(ValueError, match="metrics must name"):
        plot_history(history(), metrics=[])


def test_forecast_aligns_prediction_with_the_end_of_actual():
    actual = np.arange(10.0)
    fig = plot_forecast(actual, actual[6:] + 0.5, baseline=actual[5:9], split=6, title="t")
    ax = fig.axes[0]
    assert isinstance(fig, Figure)
    assert labels(ax) == ["actual", "predicted", "baseline", "test period →"]
    assert list(ax.get_lines()[1].get_xdata()) == [6, 7, 8, 9]
    assert list(ax.get_lines()[2].get_ydata()) == [5, 6, 7, 8]
    assert list(ax.get_lines()[3].get_xdata()) == [6, 6]  # the split's vertical line
    assert ax.get_title() == "t" and ax.get_xlabel() == "time step"


def test_forecast_uses_a_series_index_and_named_baselines():
    years = pd.Index(range(1900, 1920), name="year")
    actual = pd.Series(np.sin(np.arange(20.0)), index=years, name="sunspots")
    pred = np.sin(np.arange(15.0, 20.0)).reshape(-1, 1)  # a (m, 1) column, as predict gives
    fig = plot_forecast(actual, pred, baseline={"persistence": actual.to_numpy()[14:19],
                                                "mean": np.zeros(5)})
    ax = fig.axes[0]
    assert labels(ax) == ["actual", "predicted", "persistence", "mean"]
    assert list(ax.get_lines()[1].get_xdata()) == [1915, 1916, 1917, 1918, 1919]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("year", "sunspots")


def test_forecast_errors():
    actual = np.arange(10.0)
    with pytest.raises(ValueError, match="predicted has 11 values but actual only 10"):
        plot_forecast(actual, np.arange(11.0))
    with pytest.raises(ValueError, match=r"predicted must be a non-empty 1-D series.*\(4, 2\)"):
        plot_forecast(actual, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="predicted contains NaN"):
        plot_forecast(actual, [1.0, np.nan])
    with pytest.raises(TypeError, match="actual must be numeric"):
        plot_forecast(["a", "b"], [1.0])
    with pytest.raises(ValueError, match="baseline 'baseline' has 3 values but predicted has 2"):
        plot_forecast(actual, [1.0, 2.0], baseline=[1.0, 2.0, 3.0])
    for split in (0, 10, 2.5, True):
        with pytest.raises(ValueError, match=r"split must be the position .*0 < split < 10"):
            plot_forecast(actual, [1.0, 2.0], split=split)


def test_figures_render_off_screen_to_png():
    fig = plot_forecast(np.arange(5.0), [3.0, 4.0])
    assert type(fig.canvas) is FigureCanvasBase  # no GUI backend attached
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG\r\n\x1a\n")


def test_plotting_leaves_pyplot_and_the_backend_alone():
    code = ("import io, sys, numpy as np\n"
            "from lstmkit.plotting import plot_forecast, plot_history\n"
            "plot_history({'loss': [1.0, 0.5]}).savefig(io.BytesIO(), format='png')\n"
            "plot_forecast(np.arange(5.0), [3.0, 4.0])\n"
            "print('matplotlib.pyplot' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "False"


def tutorial_model():
    from lstmkit.layers import LSTM, Bidirectional, Dense, Dropout
    from lstmkit.models import Sequential

    return Sequential([
        Bidirectional(LSTM(8, return_sequences=True, name="encoder"), input_shape=(5, 1),
                      name="both_ways"),
        Dropout(0.2, name="dropout"), LSTM(4, name="lstm"), Dense(1, activation="sigmoid")])


def box_texts(fig):
    return [text.get_text() for text in fig.axes[0].texts if text.get_text()]  # not arrows


def test_plot_model_draws_one_box_per_layer_with_keras_labels(tmp_path):
    from lstmkit.utils import plot_model

    model = tutorial_model()
    path = tmp_path / "model.png"
    fig = plot_model(model, to_file=path, show_shapes=True, show_layer_activations=True,
                     show_trainable=True, show_dtype=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    texts = box_texts(fig)
    assert texts[0].splitlines()[:2] == ["both_ways_input (InputLayer)",
                                         "input: (None, 5, 1)    output: (None, 5, 1)"]
    assert texts[1].startswith(
        "both_ways(encoder) (Bidirectional(LSTM))\ninput: (None, 5, 1)    output: (None, 5, 16)")
    assert texts[3] == ("lstm (LSTM)\nactivation: tanh\ninput: (None, 5, 16)    output: "
                        "(None, 4)\ndtype: float32\ntrainable: yes")
    assert box_texts(plot_model(model, to_file=tmp_path / "m.svg",
                                show_layer_names=False))[1:] == [
        "Bidirectional(LSTM)", "Dropout", "LSTM", "Dense"]
    assert (tmp_path / "m.svg").read_text().lstrip().startswith("<?xml")
    wide, tall = (plot_model(model, to_file=tmp_path / f"{d}.pdf", rankdir=d).get_size_inches()
                  for d in ("LR", "TB"))
    assert wide[0] > tall[0] and wide[1] < tall[1]
    assert (tmp_path / "LR.pdf").read_bytes()[:4] == b"%PDF"
    plot_model(model, to_file=tmp_path / "no_extension", splines="ortho")
    assert (tmp_path / "no_extension").read_bytes()[:4] == b"\x89PNG"  # as Keras writes it
    assert box_texts(plot_model(model, to_file=tmp_path / "part.png", layer_range=[
        "drop.*", "lstm"])) == ["dropout (Dropout)", "lstm (LSTM)"]
    assert box_texts(plot_model(model, to_file=tmp_path / "part.png", layer_range=[
        "lstm", "drop"]))[0] == "dropout (Dropout)"  # reversed, as Keras takes it
    assert box_texts(plot_model(model, tmp_path / "part.png", True))[1].endswith(
        "output: (None, 5, 16)")  # Keras's positional show_shapes


def test_plot_model_errors(tmp_path):
    from lstmkit.layers import Dense
    from lstmkit.models import Sequential
    from lstmkit.utils.vis_utils import plot_model  # Keras 2's path

    with pytest.raises(ValueError, match=r"needs a built model: give the first layer input_sh"):
        plot_model(Sequential([Dense(1)]), to_file=tmp_path / "m.png")
    with pytest.raises(ValueError, match=r"to_file must end in one of matplotlib's formats "
                                         r"\[.*'png'.*got '.*model.docx'"):
        plot_model(tutorial_model(), to_file=str(tmp_path / "model.docx"))
    with pytest.raises(ValueError, match=r"rankdir must be 'TB' .* or 'LR' .*, got 'BT'"):
        plot_model(tutorial_model(), to_file=tmp_path / "m.png", rankdir="BT")
    with pytest.raises(ValueError, match=r"draws a Sequential model with layers, got str"):
        plot_model("model", to_file=tmp_path / "m.png")
    with pytest.raises(ValueError, match=r"dpi must be a number > 0 \(dots per inch\), got "
                                         r"'high'"):
        plot_model(tutorial_model(), to_file=tmp_path / "m.png", dpi="high")
    with pytest.raises(ValueError, match=r"layer_range \['lstm', 'conv'\] must match names of "
                                         r"the model's layers, which are \['both_ways'"):
        plot_model(tutorial_model(), to_file=tmp_path / "m.png", layer_range=["lstm", "conv"])
    with pytest.raises(FileNotFoundError, match=r"the folder .*missing does not exist"):
        plot_model(tutorial_model(), to_file=tmp_path / "missing" / "m.png")
    assert list(tmp_path.iterdir()) == []  # nothing half-written
