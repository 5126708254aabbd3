"""``lstmkit fit``, ``evaluate``, ``predict``, ``plot`` and ``summary`` on the example CSV
through ``main(argv)``: the files they write, what they print, and every error's one line
on stderr and exit code (2 for usage, 1 for data and files), also from a subprocess.
Each command also runs as a subprocess of the ``lstmkit`` console script in
``test_readme_cli.py`` (the README's walk-through).

One tiny model is trained for the whole run (``conftest.sunspots_model``)."""

import io
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import SUNSPOTS_CSV, TINY_FIT
from matplotlib.image import imread

from lstmkit import forecast
from lstmkit.cli import main
from lstmkit.data import MinMaxScaler, StandardScaler
from lstmkit.layers import LSTM, Dense
from lstmkit.models import Sequential, load_model

CSV = str(SUNSPOTS_CSV)
YEARS = np.arange(1700, 2009)
SUNSPOTS = pd.read_csv(SUNSPOTS_CSV)["sunspots"].to_numpy()


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def score_lines(text: str) -> dict[str, tuple[str, str]]:
    """The RMSE, MAE and MAPE rows of a score table: {measure: (lstmkit, persistence)}."""
    return {m[1]: (m[2], m[3]) for m in re.finditer(r"^  (RMSE|MAE|MAPE) +(\S+) +(\S+)$",
                                                    text, re.MULTILINE)}


@pytest.fixture(scope="module")
def model_path(sunspots_model):
    return sunspots_model[0]


# ----- each command ---------------------------------------------------------------------
def test_fit_reports_the_test_period_and_saves_the_preparation(sunspots_model):
    path, out = sunspots_model
    assert "Training on rows 1 to 247 of sunspots.csv (year 1700 to 1946): 241 windows." in out
    assert "Forecasts of sunspots for 1947 to 2008 (62 forecasts, each from the 6 actual " \
           "rows before it):" in out
    assert list(score_lines(out)) == ["RMSE", "MAE", "MAPE"]
    naive = SUNSPOTS[246:-1]  # persistence: last year's number
    assert score_lines(out)["RMSE"][1] == f"{forecast.rmse(SUNSPOTS[247:], naive):.4g}"
    assert out.rstrip().endswith(f"Saved the model and its data preparation to {path}")
    prep = load_model(path).preparation
    assert {k: prep[k] for k in ("kind", "target", "features", "lookback", "horizon",
                                 "time_column", "time_step")} == {
        "kind": "lstmkit forecast", "target": "sunspots", "features": ["sunspots"],
        "lookback": 6, "horizon": 1, "time_column": "year", "time_step": 1}
    assert isinstance(prep["feature_scaler"], MinMaxScaler)
    assert prep["target_scaler"].data_max_[0] == SUNSPOTS[:247].max()  # training rows only


def test_fit_prints_keras_progress_per_epoch(capsys, tmp_path):
    argv = [a if a != "0" else "1" for a in TINY_FIT]  # --verbose 1
    code, out, err = run(capsys, "fit", CSV, *argv, "--scale", "standard",
                         "-o", tmp_path / "m.lstmkit")
    assert code == 0 and err == ""
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "[======" in out
    assert isinstance(load_model(tmp_path / "m.lstmkit").preparation["target_scaler"],
                      StandardScaler)


def test_evaluate_on_the_test_period_gives_fit_s_figures(capsys, sunspots_model):
    path, fit_out = sunspots_model
    code, out, err = run(capsys, "evaluate", path, CSV, "--test-size", "0.2")
    assert code == 0 and err == ""
    assert score_lines(out) == score_lines(fit_out)


def test_evaluate_scores_every_window_of_the_file(capsys, model_path):
    code, out, _ = run(capsys, "evaluate", model_path, CSV)
    assert code == 0
    assert "Forecasts of sunspots for 1706 to 2008 (303 forecasts, each from" in out
    assert "(MAPE leaves out the 3 actual values of 0)" in out  # 1711, 1712, 1810
    assert score_lines(out)["MAE"][1] == f"{forecast.mae(SUNSPOTS[6:], SUNSPOTS[5:-1]):.4g}"


def test_predict_prints_csv_with_the_time_column_continued(capsys, model_path):
    code, out, err = run(capsys, "predict", model_path, CSV, "--steps", "4")
    assert code == 0 and err == ""
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["year", "sunspots"]
    assert table["year"].tolist() == [2009, 2010, 2011, 2012]
    model, prep = forecast.load(model_path)
    expected = forecast.forecast(model, prep, pd.read_csv(CSV), CSV, 4)
    np.testing.assert_allclose(table["sunspots"], expected, rtol=1e-6)
    code, one, _ = run(capsys, "predict", model_path, CSV)  # default: the horizon, 1 step
    assert code == 0 and one.splitlines() == out.splitlines()[:2]


def test_predict_writes_the_csv_file(capsys, model_path, tmp_path):
    target = tmp_path / "forecast.csv"
    code, out, _ = run(capsys, "predict", model_path, CSV, "--steps", "3", "-o", target)
    assert code == 0 and out == f"Wrote 3 forecasts of sunspots to {target}\n"
    _, printed, _ = run(capsys, "predict", model_path, CSV, "--steps", "3")
    assert target.read_text() == printed


def test_plot_writes_a_png(capsys, model_path, tmp_path):
    target = tmp_path / "forecast.png"
    code, out, err = run(capsys, "plot", model_path, CSV, "--steps", "11", "--test-size", "0.2",
                         "-o", target)
    assert code == 0 and err == "" and out == f"Wrote {target}\n"
    assert target.read_bytes().startswith(b"\x89PNG") and imread(target).shape[:2] == (400, 1000)


def test_summary_shows_layers_and_preparation(capsys, model_path):
    code, out, _ = run(capsys, "summary", model_path)
    assert code == 0
    assert re.search(r"^lstm\w* \(LSTM\) +\(None, 4\) +96$", out, re.MULTILINE)
    assert re.search(r"^dense\w* \(Dense\) +\(None, 1\) +5$", out, re.MULTILINE)
    for line in ("  target      sunspots", "  lookback    6 rows", "  horizon     1 step ahead",
                 "  time column year (step 1)",
                 "  scaling     MinMaxScaler, fitted on the training rows",
                 "  trained on  rows 1 to 247 of sunspots.csv (year 1700 to 1946)"):
        assert line in out.splitlines()


def test_fit_with_gru_layers(capsys, tmp_path):
    path = tmp_path / "gru.lstmkit"
    code, _, _ = run(capsys, "fit", SUNSPOTS_CSV, *TINY_FIT, "--cell", "gru", "--layers", "4,3",
                     "-o", path)
    assert code == 0
    code, out, _ = run(capsys, "summary", path)
    assert re.search(r"^gru\w* \(GRU\) +\(None, 6, 4\) +84$", out, re.MULTILINE)
    assert re.search(r"^gru\w* \(GRU\) +\(None, 3\) +81$", out, re.MULTILINE)


@pytest.fixture(scope="module")
def plain_model(tmp_path_factory):
    """A model saved from Python, without a data preparation."""
    path = tmp_path_factory.mktemp("plain") / "plain.lstmkit"
    Sequential([LSTM(2, input_shape=(6, 1)), Dense(1)]).save(path)
    return path


def test_summary_of_a_model_without_preparation(capsys, plain_model):
    code, out, _ = run(capsys, "summary", plain_model)
    assert code == 0 and "No data preparation: the model was not made by `lstmkit fit`." in out


@pytest.mark.parametrize("command", ["fit", "evaluate", "predict", "plot", "summary"])
def test_help(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0 and out.startswith(f"usage: lstmkit {command}")


# ----- errors ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def files(tmp_path_factory, plain_model):
    """Bad CSV files and models, by name."""
    folder = tmp_path_factory.mktemp("bad")
    texts = {"words.csv": "year,sunspots\n1700,5\n1701,many\n", "empty.csv": "",
             "header.csv": "year,sunspots\n", "short.csv": "year,sunspots\n2000,1\n2001,2\n",
             "gap.csv": "year,sunspots\n" + "".join(f"{y},{y % 7}\n" for y in
                                                   [*range(1700, 1720), 1722]),
             "nan.csv": "year,sunspots\n" + "".join(f"{1700 + i},{'' if i in (7, 9) else i}\n"
                                                   for i in range(20)),
             "decades.csv": "year,sunspots\n" + "".join(f"{y},{y % 7}\n"
                                                        for y in range(1700, 1900, 10))}
    for name, text in texts.items():
        (folder / name).write_text(text)
    paths = {name.removesuffix(".csv"): folder / name for name in texts}
    return paths | {"plain": plain_model, "missing": folder / "missing.csv", "folder": folder}


@pytest.fixture(scope="module")
def other_features_model(tmp_path_factory):
    """An untrained model reading sunspots and year, horizon 2: predict cannot recurse."""
    prep = forecast.Preparation("sunspots", ("sunspots", "year"), lookback=6, horizon=2)
    path = tmp_path_factory.mktemp("other") / "other.lstmkit"
    forecast.save(forecast.build_model(prep, (2,)), prep, path)
    return path


FIT = ("--target", "sunspots", "--lookback", "3", "--epochs", "1", "--verbose", "0")
DATA_ERRORS = [  # (argv, the message's text), exit code 1
    (("fit", "{missing}", *FIT, "-o", "{out}"), "{missing} does not exist."),
    (("fit", "{empty}", *FIT, "-o", "{out}"), "{empty} is not a CSV table: No columns"),
    (("fit", "{header}", *FIT, "-o", "{out}"), "{header} has no rows below its header"),
    (("fit", CSV, "--target", "spots", "--lookback", "3", "-o", "{out}"),
     f"{CSV} has no column 'spots' (the target); its columns are: year, sunspots."),
    (("fit", CSV, *FIT, "--features", "sunspots,gdp", "-o", "{out}"),
     "has no column 'gdp' (a feature); its columns are: year, sunspots."),
    (("fit", CSV, *FIT, "--time-column", "date", "-o", "{out}"),
     "has no column 'date' (the time column); its columns are: year, sunspots."),
    (("fit", "{words}", *FIT, "-o", "{out}"),
     "column 'sunspots' of {words} is not numeric: row 2 below the header holds 'many'."),
    (("fit", "{nan}", *FIT, "-o", "{out}"), "column 'sunspots' of {nan} has a missing "
                                                "value (NaN) at row 8 below the header (and 1 "
                                                "more rows)."),
    (("fit", CSV, *FIT[:3], "400", "-o", "{out}"),
     "has 309 rows, too few for a lookback of 400: a window needs 401 (400 to read and 1 to "
     "compare with its forecast)."),
    (("fit", CSV, *FIT[:3], "300", "-o", "{out}"), "give 0 training and 9 test windows"),
    (("fit", "{gap}", *FIT, "--time-column", "year", "-o", "{out}"),
     "the time column 'year' of {gap} does not advance by a constant step (from 1700 to "
     "1722 in 21 rows)"),
    (("fit", CSV, *FIT, "-o", "{missing}/m.lstmkit"), "the folder {missing} does not "
                                                          "exist."),
    (("predict", "{model}", CSV, "-o", "{folder}"), "Cannot write {folder}: it is a folder; "
                                                    "name a file."),
    (("evaluate", CSV, CSV), f"{CSV} is neither an lstmkit model file (.lstmkit) nor a Keras "
                             f"model file"),
    (("predict", "{missing}", CSV), "{missing} does not exist."),
    (("plot", "{plain}", CSV, "-o", "{out}.png"),
     "{plain} has no data preparation from `lstmkit fit`"),
    (("summary", "{words}"), "{words} is neither an lstmkit model file"),
    (("evaluate", "{model}", "{short}"),
     "{short} has 2 rows, too few for a lookback of 6: a window needs 7"),
    (("predict", "{model}", "{short}"), "{short} has 2 rows, too few for a lookback of "
                                            "6: a window needs 6 (6 to read)."),
    (("predict", "{model}", "{words}"), "column 'sunspots' of {words} is not numeric"),
    (("evaluate", "{model}", "{empty}"), "{empty} is not a CSV table"),
    (("plot", "{model}", "{nan}", "-o", "{out}.png"), "has a missing value (NaN) at row 8"),
    (("predict", "{model}", "{decades}"),
     "the time column 'year' of {decades} steps by 10, but the model was trained on "
     "steps of 1."),
    (("evaluate", "{model}", CSV, "--test-size", "0.001"),
     "has 309 rows, so no window forecasts 1 step from row 310 on; use a larger --test-size."),
    (("predict", "{other}", CSV, "--steps", "3"),
     "3 steps go past the model's horizon of 2: forecasting further feeds the forecasts back "
     "as inputs, which needs the target 'sunspots' to be the only feature, but the model reads "
     "sunspots, year. Ask for at most 2 steps, or fit with --horizon 3."),
]
USAGE_ERRORS = [  # (argv, the message's text), exit code 2
    (("fit", CSV, "--lookback", "3", "-o", "m"), "the following arguments are required: "
                                                 "--target"),
    (("fit", CSV, "--target", "sunspots", "--lookback", "3"), "required: -o/--output"),
    (("fit", CSV, *FIT[:3], "0", "-o", "m"), "argument --lookback: expected an integer >= 1, "
                                             "got '0'"),
    (("fit", CSV, *FIT, "--layers", "8,x", "-o", "m"),
     "argument --layers: expected units per LSTM layer, such as 64,32, got '8,x'"),
    (("fit", CSV, *FIT, "--layers", "8,0", "-o", "m"), "got '8,0'"),
    (("fit", CSV, *FIT, "--dropout", "1", "-o", "m"), "argument --dropout: expected a rate"),
    (("fit", CSV, *FIT, "--test-size", "1.5", "-o", "m"), "argument --test-size: expected a "
                                                          "fraction between 0 and 1"),
    (("fit", CSV, *FIT, "--features", "a,a", "-o", "m"), "argument --features: expected "
                                                         "different column names"),
    (("fit", CSV, *FIT, "--scale", "log", "-o", "m"), "argument --scale: invalid choice: 'log'"),
    (("fit", CSV, *FIT, "--time-column", "sunspots", "-o", "m"),
     "--time-column sunspots is also the target; the time column labels the rows and is not "
     "an input"),
    (("fit", CSV, *FIT, "--features", "year", "--time-column", "year", "-o", "m"),
     "--time-column year is also a feature"),
    (("predict", "m", CSV, "--steps", "-2"), "argument --steps: expected an integer >= 1"),
    (("evaluate", "m"), "the following arguments are required: DATA"),
    (("plot", "{model}", CSV, "-o", "{out}.jpg"), "the plot is a PNG image; name a .png file"),
    (("summary",), "the following arguments are required: MODEL"),
]


def _filled(items, files, model, other, out):
    names = {**{k: str(v) for k, v in files.items()}, "model": str(model), "other": str(other),
             "out": str(out)}
    return [item.format(**names) for item in items]


@pytest.mark.parametrize("argv, message", DATA_ERRORS)
def test_data_and_file_errors_exit_1_with_one_line(capsys, tmp_path, files, model_path,
                                                   other_features_model, argv, message):
    out_path = tmp_path / "out"
    argv = _filled(argv, files, model_path, other_features_model, out_path)
    [message] = _filled([message], files, model_path, other_features_model, out_path)
    code, out, err = run(capsys, *argv)
    assert code == 1, err
    assert err.startswith(f"lstmkit {argv[0]}: error: ") and err.count("\n") == 1
    assert message in err and "Traceback" not in err
    assert not out_path.exists() and not list(tmp_path.glob("out*"))  # nothing written


@pytest.mark.parametrize("argv, message", USAGE_ERRORS)
def test_usage_errors_exit_2_with_one_line(capsys, tmp_path, files, model_path, argv, message):
    argv = _filled(argv, files, model_path, "", tmp_path / "out")
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith(f"lstmkit {argv[0]}: error: ") and err.count("\n") == 1
    assert message in err and f"(see 'lstmkit {argv[0]} --help')" in err
    assert not list(tmp_path.iterdir())


# ----- as a subprocess ------------------------------------------------------------------
@pytest.mark.parametrize("argv, code", [(("predict", "nope.lstmkit", CSV), 1),
                                        (("fit", CSV, "--lookback", "3", "-o", "m"), 2)])
def test_subprocess_errors_are_one_line_without_traceback(tmp_path, argv, code):
    done = subprocess.run([sys.executable, "-m", "lstmkit", *argv], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == code and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"lstmkit {argv[0]}: error:")
