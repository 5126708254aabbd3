"""Experiment results as a report: the table of figures, the Markdown page, the files.

An experiment returns an ``Outcome`` (its ``Row`` figures, its matplotlib figures and a
paragraph of notes); ``write`` turns a list of them into ``report.md``, one PNG per
figure and ``results.json`` (the same numbers, for machines). Every file is written
atomically (``lstmkit.files.write_atomically``), so an interrupted run never leaves half
a file behind.
"""

import json
import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path

import jax

from lstmkit import __version__
from lstmkit.files import write_atomically

HEADER = ("Experiment", "Measure", "lstmkit", "Seed's published figure", "Baseline",
          "Wall time")


@dataclass(frozen=True)
class Row:
    """One figure of one experiment.

    Attributes:
        measure: what was measured, e.g. ``"test MSE"``.
        value: lstmkit's figure.
        fmt: the format spec of the value and its comparisons, e.g. ``".2%"``, ``".2e"``.
        published: the seed tutorial's figure for the same measure, if it publishes one.
        baselines: ``(name, value)`` pairs of simple forecasts to beat.
    """

    measure: str
    value: float
    fmt: str
    published: float | None = None
    baselines: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What one experiment produced: its figures, its plots (PNG file name -> matplotlib
    Figure) and a Markdown paragraph; ``title`` and ``seconds`` are set by the runner."""

    rows: list[Row]
    figures: dict = field(default_factory=dict)
    notes: str = ""
    title: str = ""
    seconds: float = 0.0


def environment(seed: int, quick: bool) -> dict[str, str]:
    """The facts a reader needs to reproduce the figures."""
    device = jax.devices()[0]
    kind = "" if device.device_kind.lower() == device.platform else f" ({device.device_kind})"
    return {"lstmkit": __version__, "JAX": jax.__version__,
            "device": f"{device.platform}{kind}, {os.cpu_count()} CPU cores",
            "Python": platform.python_version(), "seed": str(seed),
            "mode": "--quick (fewer epochs)" if quick else "full"}


def _cells(outcome: Outcome) -> list[tuple[str, ...]]:
    """Table rows of one experiment; its name and wall time on the first row only."""
    cells = []
    for i, row in enumerate(outcome.rows):
        published = "—" if row.published is None else format(row.published, row.fmt)
        baselines = "; ".join(f"{name} {value:{row.fmt}}" for name, value in row.baselines)
        cells.append((outcome.title if i == 0 else "", row.measure, format(row.value, row.fmt),
                      published, baselines or "—", f"{outcome.seconds:.1f} s" if i == 0 else ""))
    return cells


def table(outcomes: list[Outcome]) -> str:
    """The results as a Markdown table, padded so that it also reads in a terminal."""
    rows = [HEADER] + [cells for outcome in outcomes for cells in _cells(outcome)]
    widths = [max(len(row[j]) for row in rows) for j in range(len(HEADER))]

    def line(row):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(rows[0]), rule, *map(line, rows[1:])])


def markdown(outcomes: list[Outcome], env: dict[str, str], seconds: float) -> str:
    """The whole ``report.md``: environment, the table, then each experiment's notes
    and figures."""
    facts = " · ".join(f"{name} {value}" for name, value in env.items())
    parts = ["# lstmkit demo report", "", facts + f" · total wall time {seconds:.1f} s", "",
             table(outcomes), ""]
    for outcome in outcomes:
        parts += [f"## {outcome.title}", "", outcome.notes, ""]
        parts += [f"![{name}]({name})" for name in outcome.figures] + [""]
    return "\n".join(parts)


def results(outcomes: list[Outcome], env: dict[str, str], seconds: float) -> dict:
    """The report's numbers as plain JSON-ready data."""
    return {"environment": env, "seconds": seconds, "experiments": [
        {"title": o.title, "seconds": o.seconds, "figures": list(o.figures),
         "rows": [asdict(row) for row in o.rows]} for o in outcomes]}


def output_dir(out) -> Path:
    """``out`` as an existing directory (created with its parents if missing)."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ValueError(
            f"out {str(path)!r} exists and is not a directory; pass a directory for the "
            f"report (it is created if missing).")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OSError(f"cannot create the report folder {str(path)!r}: {error.strerror}. "
                      f"Pass a folder you can write to.") from error
    return path


def write(out: Path, outcomes: list[Outcome], env: dict[str, str], seconds: float) -> None:
    """``out/report.md``, ``out/results.json`` and one PNG per figure."""
    for outcome in outcomes:
        for name, fig in outcome.figures.items():
            write_atomically(out / name, lambda f, fig=fig: fig.savefig(f, format="png", dpi=100))
    text = markdown(outcomes, env, seconds).encode()
    write_atomically(out / "report.md", lambda f: f.write(text))
    data = json.dumps(results(outcomes, env, seconds), indent=2, default=float).encode()
    write_atomically(out / "results.json", lambda f: f.write(data))
