"""The ``lstmkit`` command (also ``python -m lstmkit``): argument parsing and wiring only.

Each subcommand is an ``_add_<name>(subparsers)`` function listed in ``COMMANDS``: it
declares the subcommand's arguments and sets ``handler``, a function ``(args) -> exit
code`` that calls the library: ``lstmkit.demo``, or for ``fit``, ``evaluate``,
``predict``, ``plot`` and ``summary`` ``lstmkit.forecast`` on CSV files read with
``lstmkit.tables``. A new subcommand is one more such pair.

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


class UsageError(Exception):
    """Arguments that are fine one by one but not together: exit 2, like argparse's."""


def _checked(convert, test, expected: str):
    """An argparse type: ``convert(text)``, refused unless ``test`` accepts the value."""
    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not test(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value
    return parse


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(","))


_non_negative_int = _checked(int, lambda n: n >= 0, "an integer >= 0")
_positive_int = _checked(int, lambda n: n >= 1, "an integer >= 1")
_fraction = _checked(float, lambda f: 0 < f < 1, "a fraction between 0 and 1, such as 0.2")
_rate = _checked(float, lambda f: 0 <= f < 1, "a rate from 0 up to 1 (excluded)")
_units = _checked(lambda text: tuple(int(u) for u in _split(text)),
                  lambda units: min(units) >= 1, "units per LSTM layer, such as 64,32")
_columns = _checked(_split, lambda names: all(names) and len(set(names)) == len(names),
                    "different column names separated by commas, such as a,b")


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


# ----- forecasting a column of a CSV file --------------------------------------------------
_DATA_HELP = "CSV file with a header row, one row per time step, oldest first"


def _add_model_and_data(parser) -> None:
    parser.add_argument("model", metavar="MODEL", help="model file written by 'lstmkit fit'")
    parser.add_argument("data", metavar="DATA", help=_DATA_HELP + ", with the model's columns")


def _add_steps(parser) -> None:
    parser.add_argument("--steps", type=_positive_int, metavar="K",
                        help="values to forecast after the end of DATA (default: the model's "
                             "horizon); past the horizon the forecasts are fed back as "
                             "inputs, which needs the target to be the only feature")


def _add_test_size(parser) -> None:
    parser.add_argument("--test-size", type=_fraction, metavar="F",
                        help="only the windows forecasting the last fraction F of the rows, as "
                             "fit tests (default: every window of DATA)")


def _check_fit_columns(args) -> None:
    roles = {args.target: "the target", **{name: "a feature" for name in args.features or ()}}
    if args.time_column in roles:
        raise UsageError(f"--time-column {args.time_column} is also {roles[args.time_column]}; "
                         f"the time column labels the rows and is not an input")


def _run_fit(args) -> int:
    from lstmkit import files, forecast, tables
    from lstmkit.rng import set_random_seed

    _check_fit_columns(args)
    files.writable_path(args.output)  # before training, not after
    table = tables.read_csv(args.data)
    prep, split = forecast.prepare(
        table, args.data, target=args.target, features=args.features, lookback=args.lookback,
        horizon=args.horizon, time_column=args.time_column, test_size=args.test_size,
        scale=args.scale)
    set_random_seed(args.seed)
    model = forecast.build_model(prep, args.units, args.dropout, args.cell)
    print(f"Training on {prep.trained_on}: {len(split.x_train)} windows.", flush=True)
    model.fit(split.x_train, split.y_train, epochs=args.epochs, batch_size=args.batch_size,
              verbose=args.verbose)
    tested = forecast.backtest(model, prep, table, args.data, split.split_row)
    print(forecast.score_table(tested, prep, table, args.data))
    forecast.save(model, prep, args.output)
    print(f"Saved the model and its data preparation to {args.output}")
    return 0


def _add_fit(subparsers) -> None:
    parser = subparsers.add_parser(
        "fit", help="train an LSTM to forecast a column of a CSV file",
        description="Train an LSTM on the first rows of DATA to forecast the next values of "
                    "the target from windows of the previous rows, print its accuracy on "
                    "the last rows (RMSE, MAE, MAPE) next to persistence (repeating the "
                    "last value), and save the model with its data preparation (columns, "
                    "lookback, horizon, scalers fitted on the training rows, time step).")
    parser.add_argument("data", metavar="DATA", help=_DATA_HELP)
    parser.add_argument("--target", required=True, metavar="COL", help="the column to forecast")
    parser.add_argument("--features", type=_columns, metavar="COL,...",
                        help="the columns the model reads (default: the target alone)")
    parser.add_argument("--time-column", metavar="COL",
                        help="a column of times at a constant step (numbers such as years, or "
                             "ISO dates): continued in predict's output; not an input")
    parser.add_argument("--lookback", type=_positive_int, required=True, metavar="N",
                        help="rows the model reads for each forecast")
    parser.add_argument("--horizon", type=_positive_int, default=1, metavar="H",
                        help="values forecast at once (default: 1)")
    parser.add_argument("--layers", dest="units", type=_units, default=(32,),
                        metavar="UNITS,...", help="units of each stacked recurrent layer "
                                                  "(default: 32)")
    parser.add_argument("--cell", choices=("lstm", "gru", "simple_rnn"), default="lstm",
                        help="the recurrent layers' type (default: lstm)")
    parser.add_argument("--dropout", type=_rate, default=0.0, metavar="R",
                        help="dropout rate after each recurrent layer (default: 0)")
    parser.add_argument("--epochs", type=_positive_int, default=50, metavar="E",
                        help="training epochs (default: 50)")
    parser.add_argument("--batch-size", type=_positive_int, default=32, metavar="B",
                        help="windows per training step (default: 32)")
    parser.add_argument("--test-size", type=_fraction, default=0.2, metavar="F",
                        help="the last fraction of the rows, held out to test (default: 0.2)")
    parser.add_argument("--scale", choices=("minmax", "standard", "none"), default="minmax",
                        help="scaling of the columns, fitted on the training rows "
                             "(default: minmax)")
    parser.add_argument("--seed", type=_non_negative_int, default=0, metavar="S",
                        help="random seed; the same seed gives the same model (default: 0)")
    parser.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                        help="per-epoch progress as Keras prints it: 1 with a bar, 2 without, "
                             "0 none (default: 1)")
    parser.add_argument("-o", "--output", required=True, metavar="MODEL",
                        help="the model file to write (.lstmkit)")
    parser.set_defaults(handler=_run_fit)


def _run_evaluate(args) -> int:
    from lstmkit import forecast, tables

    model, prep = forecast.load(args.model)
    table = tables.read_csv(args.data)
    start = forecast.first_test_row(len(table), args.test_size)
    tested = forecast.backtest(model, prep, table, args.data, start)
    print(forecast.score_table(tested, prep, table, args.data))
    return 0


def _add_evaluate(subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="accuracy of a model's forecasts of a CSV file",
        description="Forecast every window of DATA from the actual rows before it and print "
                    "RMSE, MAE and MAPE in the target's units, next to persistence.")
    _add_model_and_data(parser)
    _add_test_size(parser)
    parser.set_defaults(handler=_run_evaluate)


def _run_predict(args) -> int:
    from lstmkit import files, forecast, tables

    if args.output is not None:
        files.writable_path(args.output)
    model, prep = forecast.load(args.model)
    table = tables.read_csv(args.data)
    result = forecast.forecast_table(model, prep, table, args.data, args.steps or prep.horizon)
    if args.output is None:
        print(result.to_csv(index=False), end="")
    else:
        tables.write_csv(args.output, result)
        print(f"Wrote {len(result)} forecasts of {prep.target} to {args.output}")
    return 0


def _add_predict(subparsers) -> None:
    parser = subparsers.add_parser(
        "predict", help="forecast the values after the end of a CSV file",
        description="Forecast the next values of the target after the last row of DATA, in "
                    "the target's units, as CSV: the time column continued (or a step "
                    "number 1, 2, ...) and the target.")
    _add_model_and_data(parser)
    _add_steps(parser)
    parser.add_argument("-o", "--output", metavar="FILE.csv",
                        help="the CSV file to write (default: print the CSV)")
    parser.set_defaults(handler=_run_predict)


def _run_plot(args) -> int:
    from lstmkit import files, forecast, tables

    if not args.output.lower().endswith(".png"):
        raise UsageError(f"-o {args.output}: the plot is a PNG image; name a .png file")
    files.writable_path(args.output)
    model, prep = forecast.load(args.model)
    table = tables.read_csv(args.data)
    fig = forecast.plot(model, prep, table, args.data, steps=args.steps or prep.horizon,
                        start=forecast.first_test_row(len(table), args.test_size))
    files.write_atomically(args.output, lambda file: fig.savefig(file, format="png", dpi=100))
    print(f"Wrote {args.output}")
    return 0


def _add_plot(subparsers) -> None:
    parser = subparsers.add_parser(
        "plot", help="plot a CSV file's series, its forecasts and the next values",
        description="Draw the target of DATA, the model's one-step-ahead forecasts of it "
                    "(each from the actual rows before) and the next values after its end, "
                    "as a PNG image.")
    _add_model_and_data(parser)
    _add_steps(parser)
    _add_test_size(parser)
    parser.add_argument("-o", "--output", required=True, metavar="FILE.png",
                        help="the PNG file to write")
    parser.set_defaults(handler=_run_plot)


def _run_summary(args) -> int:
    from lstmkit import forecast

    model = forecast.read(args.model)
    model.summary()
    print(forecast.describe(model.preparation, args.model))
    return 0


def _add_summary(subparsers) -> None:
    parser = subparsers.add_parser(
        "summary", help="a model file's layers and data preparation",
        description="Print the model's layers (Keras's summary table) and the data "
                    "preparation that 'lstmkit fit' saved with it.")
    parser.add_argument("model", metavar="MODEL",
                        help="model file (.lstmkit, or a Keras .keras or .h5 file)")
    parser.set_defaults(handler=_run_summary)


COMMANDS = (_add_demo, _add_fit, _add_evaluate, _add_predict, _add_plot, _add_summary)


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
    except UsageError as error:
        print(f"lstmkit {args.command}: error: {error} (see 'lstmkit {args.command} --help')",
              file=sys.stderr)
        return 2
    except (OSError, ValueError, TypeError) as error:
        message = " ".join(str(error).split())  # one line, whatever the error held
        print(f"lstmkit {args.command}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"lstmkit {args.command}: interrupted", file=sys.stderr)
        return 130
