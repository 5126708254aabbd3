"""Keras 2-style progress lines for ``fit`` and ``evaluate``.

An epoch is one compiled program, so a line is printed when it ends: ``verbose=1`` with
a full bar, ``verbose=2`` without, ``verbose=0`` nothing.
"""

import sys

BAR_WIDTH = 30


def format_value(value: float) -> str:
    """Keras's number format: 4 decimals, or scientific notation below 1e-3."""
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def format_logs(logs: dict[str, float]) -> str:
    return "".join(f" - {name}: {format_value(v)}" for name, v in logs.items())


def _per_step(seconds: float, steps: int) -> str:
    per = seconds / max(steps, 1)
    return f"{per * 1e3:.0f}ms/step" if per >= 1e-3 else f"{per * 1e6:.0f}us/step"


def report(verbose: int, steps: int, seconds: float, logs: dict[str, float], file=None):
    """Print the line for a finished epoch or evaluation."""
    if not verbose:
        return
    file = file or sys.stdout
    if verbose == 1:
        line = (f"{steps}/{steps} [{'=' * BAR_WIDTH}] - {seconds:.0f}s "
                f"{_per_step(seconds, steps)}{format_logs(logs)}")
    else:
        line = f"{steps}/{steps} - {seconds:.0f}s - {_per_step(seconds, steps)}{format_logs(logs)}"
    print(line, file=file, flush=True)


def epoch_header(verbose: int, epoch: int, epochs: int, file=None):
    if verbose:
        print(f"Epoch {epoch + 1}/{epochs}", file=file or sys.stdout, flush=True)
