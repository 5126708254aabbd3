"""``lstmkit demo --quick``: the report, every plot, sane figures, reproducibility.

The quick demo runs once for the module (about 20 s with JAX's compilation cache warm,
40 s cold, on 2 CPU cores), through ``lstmkit.cli.main`` as the command line runs it.
"""

import contextlib
import io
import json
import math

import numpy as np
import pytest
from matplotlib.image import imread

from lstmkit import demo
from lstmkit.cli import main
from lstmkit.rng import set_random_seed


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "report"  # missing: the demo creates it
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["demo", "--quick", "--out", str(out)])
    assert code == 0
    return out, stdout.getvalue(), json.loads((out / "results.json").read_text())


def figures(results) -> dict[tuple[str, str], dict]:
    """The rows of results.json by (experiment title, measure)."""
    return {(e["title"], row["measure"]): row
            for e in results["experiments"] for row in e["rows"]}


def test_writes_the_report_and_every_plot(quick):
    out, _, results = quick
    report = (out / "report.md").read_text()
    named = [name for e in results["experiments"] for name in e["figures"]]
    assert len(named) >= 6 and sorted(named) == sorted(p.name for p in out.glob("*.png"))
    for name in named:
        assert f"![{name}]({name})" in report
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_every_plot_is_a_valid_non_blank_png(quick):
    out, _, results = quick
    for path in sorted(out.glob("*.png")):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path.name
        image = imread(path)  # (height, width, RGBA) floats in [0, 1]
        assert image.ndim == 3 and min(image.shape[:2]) >= 200, path.name
        ink = np.any(image[..., :3] < 0.9, axis=-1).mean()  # the fraction not near white
        assert 0.01 < ink < 0.6 and image[..., :3].std() > 0.05, path.name


def test_figures_are_finite_and_sane(quick):
    rows = figures(quick[2])
    assert all(math.isfinite(row["value"]) for row in rows.values())
    assert all(math.isfinite(v) for row in rows.values() for _, v in row["baselines"])
    sine = rows["Seed 000: sine wave", "test MSE"]
    assert 0 < sine["value"] < 1e-3 and sine["published"] == pytest.approx(6.07e-06, rel=1e-3)
    alphabet = {m: r for (t, m), r in rows.items() if t.startswith("Seed 001")}
    assert alphabet["accuracy, 3 timesteps x 1 feature"]["value"] == 1.0
    assert [r["published"] for r in alphabet.values()] == [0.88, 0.8261, 1.0]
    assert all(0.3 < r["value"] <= 1.0 for r in alphabet.values())
    sunspots = rows["Sunspots (real data)", "RMSE, yearly sunspot number"]
    baselines = dict(sunspots["baselines"])
    assert 0 < sunspots["value"] < baselines["persistence"] < baselines["seasonal naive (11 y)"]
    macro = rows["Seed 003: stacked LSTM, US macro data", "RMSE, unemployment (points)"]
    assert 0 < macro["value"] < 2 * dict(macro["baselines"])["persistence"]
    stateful = rows["Seed 004: stateful LSTM", "prediction MSE"]
    assert stateful["value"] < 0.1 * dict(stateful["baselines"])["predicting the mean"]
    fresh = rows["Seed 004: life-cycle", "accuracy, 200 new samples"]
    assert fresh["value"] > 0.8 > dict(fresh["baselines"])["majority class"]


def test_progress_and_the_same_table_on_the_terminal(quick):
    out, stdout, results = quick
    report = (out / "report.md").read_text()
    for i, experiment in enumerate(results["experiments"], 1):
        assert f"[{i}/{len(results['experiments'])}] {experiment['title']}" in stdout
    printed = [line for line in stdout.splitlines() if line.startswith("|")]
    assert len(printed) == 2 + len(figures(results))  # header, rule, one line per figure
    assert printed == [line for line in report.splitlines() if line.startswith("|")]
    assert "| 1.0000e+00" not in report and "| 100.00%" in report  # formatted per measure
    env = results["environment"]
    assert env["seed"] == "0" and env["mode"].startswith("--quick")
    for fact in ("lstmkit", "JAX", "device", "total wall time"):
        assert fact in report


def test_an_experiment_gives_the_same_figures_again(quick):
    set_random_seed(demo.DEFAULT_SEED)  # what the demo does before each experiment
    again = demo.stateful(demo.Settings(quick=True, say=lambda message: None))
    assert again.rows[0].value == figures(quick[2])["Seed 004: stateful LSTM",
                                                    "prediction MSE"]["value"]


def test_alphabet_framings_hold_the_seeds_arrays():
    x, y, codes = demo.alphabet_data(3, "features")
    assert x.shape == (23, 1, 3) and y.shape == (23, 26)
    np.testing.assert_array_equal(x[0, 0] * 26, [0, 1, 2])  # A, B, C
    assert y[0].argmax() == 3 and codes[-1].tolist() == [22, 23, 24]  # D; W, X, Y
    x, _, _ = demo.alphabet_data(1, "timesteps")
    assert x.shape == (25, 1, 1)


def test_sine_streams_continue_across_batches():
    x, y = demo.sine_streams()
    assert x.shape == (100, 5, 1) and y.shape == (100,)
    # sample j of batch k + 1 starts where sample j of batch k stopped: its target
    np.testing.assert_array_equal(x[10:, 0, 0], y[:-10])


def test_naive_forecasts_and_errors():
    values = np.arange(10.0)
    np.testing.assert_array_equal(demo.lagged(values, 7, 1), [6, 7, 8])
    np.testing.assert_array_equal(demo.lagged(values, 7, 3), [4, 5, 6])
    assert demo.rmse([1, 2], [[1], [4]]) == pytest.approx(math.sqrt(2))
    assert demo.mae([1, 2], [2, 4]) == 1.5 and demo.mse([0, 0], [1, 3]) == 5.0
