"""lstmkit.report: the table, the Markdown page, results.json and the output folder."""

import json

import numpy as np
import pytest
from matplotlib.figure import Figure

from lstmkit import report
from lstmkit.report import Outcome, Row

OUTCOMES = [
    Outcome(rows=[Row("test MSE", 2.5e-05, ".2e", published=6.07e-06,
                      baselines=(("persistence", 2e-3),))],
            notes="Sine.", title="Seed 000", seconds=4.25),
    Outcome(rows=[Row("accuracy, a", np.float32(0.5), ".2%"),
                  Row("RMSE", 18.456, ".2f", baselines=(("persistence", 33.3), ("naive", 38.0)))],
            title="Two rows", seconds=12.0),
]
ENV = {"lstmkit": "0.1.0", "seed": "0"}


def test_table_cells_and_alignment():
    lines = report.table(OUTCOMES).splitlines()
    assert len(lines) == 5 and len({len(line) for line in lines}) == 1  # padded columns
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
    assert cells[0] == list(report.HEADER)
    assert cells[2] == ["Seed 000", "test MSE", "2.50e-05", "6.07e-06", "persistence 2.00e-03",
                        "4.2 s"]
    assert cells[3] == ["Two rows", "accuracy, a", "50.00%", "—", "—", "12.0 s"]
    assert cells[4] == ["", "RMSE", "18.46", "—", "persistence 33.30; naive 38.00", ""]


def test_markdown_page_and_results_json():
    outcomes = [Outcome(rows=OUTCOMES[0].rows, figures={"sine.png": Figure()}, notes="Sine.",
                        title="Seed 000", seconds=1.0)]
    page = report.markdown(outcomes, ENV, 3.0)
    assert page.startswith(
        "# lstmkit demo report\n\nlstmkit 0.1.0 · seed 0 · total wall time 3.0 s")
    assert "## Seed 000\n\nSine.\n\n![sine.png](sine.png)" in page
    data = json.loads(json.dumps(report.results(OUTCOMES, ENV, 3.0), default=float))
    assert data["experiments"][1]["rows"][0]["value"] == 0.5
    assert data["experiments"][1]["rows"][1]["baselines"] == [["persistence", 33.3],
                                                              ["naive", 38.0]]


def test_write_creates_every_file(tmp_path):
    fig = Figure()
    fig.subplots().plot([0, 1], [1, 0])
    outcomes = [Outcome(rows=OUTCOMES[0].rows, figures={"line.png": fig}, title="T")]
    out = report.output_dir(tmp_path / "new" / "folder")
    report.write(out, outcomes, ENV, 1.0)
    assert sorted(p.name for p in out.iterdir()) == ["line.png", "report.md", "results.json"]
    assert (out / "line.png").read_bytes().startswith(b"\x89PNG")
    assert json.loads((out / "results.json").read_text())["experiments"][0]["title"] == "T"


def test_output_dir_refuses_a_file(tmp_path):
    path = tmp_path / "f"
    path.write_text("")
    with pytest.raises(ValueError, match="exists and is not a directory"):
        report.output_dir(path)
    with pytest.raises(OSError, match="cannot create the report folder"):
        report.output_dir(path / "sub")


def test_environment_names_versions_device_and_seed():
    env = report.environment(7, quick=True)
    assert env["seed"] == "7" and env["mode"].startswith("--quick")
    assert env["JAX"] and env["lstmkit"] and "CPU cores" in env["device"]
