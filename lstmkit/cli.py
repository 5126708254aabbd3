"""The ``lstmkit`` command (also ``python -m lstmkit``): argument parsing and wiring only.

Each subcommand is an ``_add_<name>(subparsers)`` function listed in ``COMMANDS``: it
declares the subcommand's arguments and sets ``handler``, a function ``(args) -> exit
code`` that calls the library. A new subcommand (``fit``, ``evaluate``, ``predict``,
``plot``, ``summary``, ...) is one more such pair.

Exit codes: 0 success, 1 a problem with the data or files (one line on stderr), 2 a
usage error (one line on stderr), 130 interrupted.
"""

import argparse
import sys
from pathlib import Path


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line that points at ``--help``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _non_negative_int(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return int(text)


def _run_demo(args) -> int:
    from lstmkit import demo  # loads matplotlib and the experiments only when needed

    demo.run(args.out, quick=args.quick, seed=args.seed)
    return 0


def _add_demo(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="reproduce the seed tutorials and forecast real data, with a report",
        description="Run the seed tutorials' experiments (sine wave, alphabet, stacked LSTM, "
                    "life-cycle, stateful) and forecast yearly sunspots, then write a "
                    "Markdown report with plots and print its table. About a minute on "
                    "2 CPU cores; --quick trains fewer epochs.")
    parser.add_argument("--out", type=Path, default=Path("demo-report"), metavar="DIR",
                        help="folder for report.md, results.json and the plots "
                             "(default: demo-report; created if missing)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer epochs, for a fast check (CI)")
    parser.add_argument("--seed", type=_non_negative_int, default=0,
                        help="random seed; the same seed gives the same figures (default: 0)")
    parser.set_defaults(handler=_run_demo)


COMMANDS = (_add_demo,)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lstmkit", description="Keras-style LSTM models compiled with JAX.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(subparsers)
    return parser


def main(argv=None) -> int:
    """Run ``lstmkit`` with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2), already printed
        return stop.code if isinstance(stop.code, int) else 2
    try:
        return args.handler(args)
    except (OSError, ValueError, TypeError) as error:
        message = " ".join(str(error).split())  # one line, whatever the error held
        print(f"lstmkit {args.command}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"lstmkit {args.command}: interrupted", file=sys.stderr)
        return 130
