"""Fixtures shared by the test modules of the command line and ``lstmkit.forecast``."""

import contextlib
import io
from pathlib import Path

import pytest

from lstmkit.cli import main

SUNSPOTS_CSV = Path(__file__).resolve().parent.parent / "examples" / "data" / "sunspots.csv"
# A tiny model: the tests check the wiring and the arithmetic, not the accuracy.
TINY_FIT = ("--target", "sunspots", "--time-column", "year", "--lookback", "6",
            "--layers", "4", "--epochs", "2", "--verbose", "0")


@pytest.fixture(scope="session")
def sunspots_model(tmp_path_factory):
    """``lstmkit fit`` on the example CSV, once per test run: (model path, its stdout)."""
    path = tmp_path_factory.mktemp("fit") / "sunspots.lstmkit"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["fit", str(SUNSPOTS_CSV), *TINY_FIT, "-o", str(path)])
    assert code == 0
    return path, out.getvalue()
