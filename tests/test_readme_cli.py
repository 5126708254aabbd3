"""The README's command-line walk-through, run as written: each command in a shell, with
the ``lstmkit`` console script of this Python, in a copy of ``examples/data``; then the
files it writes and what it prints, against the README's example output."""

import os
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from lstmkit.datasets import load_sunspots

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def walkthrough() -> dict[str, str]:
    """The commands of the section's ``sh`` block, by subcommand, continuation lines joined."""
    block = re.search(r"```sh\n(.*?)```", section("Command line"), re.DOTALL)[1]
    lines = block.replace("\\\n", " ").splitlines()
    return {line.split()[1]: line for line in lines if line.strip()}


def example_output() -> list[str]:
    return re.search(r"```text\n(.*?)```", section("Command line"), re.DOTALL)[1].splitlines()


def test_the_walkthrough_runs_every_command():
    assert list(walkthrough()) == ["fit", "evaluate", "predict", "plot", "summary"]


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """{subcommand: CompletedProcess}, and the folder they ran in."""
    work = tmp_path_factory.mktemp("walkthrough")
    shutil.copytree(ROOT / "examples" / "data", work / "examples" / "data")
    scripts = sysconfig.get_path("scripts")
    assert (Path(scripts) / "lstmkit").exists(), f"no lstmkit console script in {scripts}; " \
                                                 f"pip install -e . first"
    env = {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}
    done = {}
    for name, line in walkthrough().items():
        done[name] = subprocess.run(["bash", "-c", line], cwd=work, env=env,
                                    capture_output=True, text=True, timeout=300)
        assert done[name].returncode == 0, (line, done[name].stderr)
    return done, work


def score_lines(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Forecasts of"))
    return lines[start:start + 5]


def test_fit_prints_progress_and_the_readme_s_table(walked):
    done, work = walked
    out = done["fit"].stdout
    assert "Epoch 100/100" in out and "[======" in out
    printed, shown = score_lines(out), example_output()
    assert printed[:2] == shown[:2]  # the period and the header
    for real, readme in zip(printed[2:], shown[2:], strict=True):
        measure, ours, persistence = real.split()
        assert [measure, persistence] == [readme.split()[0], readme.split()[2]]
        assert float(ours.rstrip("%")) < float(persistence.rstrip("%"))  # beats persistence
    assert (work / "sunspots.lstmkit").is_file()


def test_evaluate_repeats_fit_s_figures(walked):
    done, _ = walked
    assert score_lines(done["evaluate"].stdout) == score_lines(done["fit"].stdout)


def test_predict_writes_the_next_eleven_years(walked):
    _, work = walked
    forecast = pd.read_csv(work / "forecast.csv")
    assert list(forecast.columns) == ["year", "sunspots"]
    assert forecast["year"].tolist() == list(range(2009, 2020))
    assert np.isfinite(forecast["sunspots"]).all() and forecast["sunspots"].between(-50, 300).all()


def test_plot_writes_the_png(walked):
    _, work = walked
    assert imread(work / "forecast.png").shape[:2] == (400, 1000)


def test_summary_shows_the_preparation(walked):
    done, _ = walked
    out = done["summary"].stdout.splitlines()
    assert "lstm (LSTM)                  (None, 32)                4352" in out
    assert "  lookback    11 rows" in out and "  time column year (step 1)" in out


def test_the_example_data_is_the_bundled_sunspots():
    data = pd.read_csv(ROOT / "examples" / "data" / "sunspots.csv")
    bundled = load_sunspots()
    assert list(data.columns) == ["year", "sunspots"] and data["year"].dtype == np.int64
    np.testing.assert_array_equal(data["year"], bundled["YEAR"])
    np.testing.assert_array_equal(data["sunspots"], bundled["SUNACTIVITY"])
