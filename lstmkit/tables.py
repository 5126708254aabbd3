"""CSV files of time series, as the ``lstmkit`` commands read and write them.

A table is a CSV file with a header row, read with pandas; row ``t`` is time step ``t``.
What goes wrong with real files becomes one ``ValueError`` (``FileNotFoundError`` for a
missing file) naming the file, the column and the first bad row, so that the command
line prints it as one line. A time column holds numbers (years, ...) or ISO dates at a
constant step, which is how it continues past the end of the file.
"""

import math
import os

import numpy as np
import pandas as pd

from lstmkit.files import write_atomically


def read_csv(path) -> pd.DataFrame:
    """The table in the CSV file at ``path``: a header, then at least one row."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} does not exist.")
    try:
        table = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise ValueError(f"{path} is not a CSV table: {err}") from None
    if table.empty:
        raise ValueError(f"{path} has no rows below its header; it needs one row per time step.")
    return table


def write_csv(path, table: pd.DataFrame) -> None:
    """``table`` as a CSV file without the row index, written atomically."""
    text = table.to_csv(index=False).encode()
    write_atomically(path, lambda file: file.write(text))


def _row(i: int) -> str:
    return f"row {i + 1} below the header"


def column(table: pd.DataFrame, name: str, role: str, path: str) -> pd.Series:
    """The column ``name``; when missing, the error lists the columns there are."""
    if name not in table.columns:
        names = ", ".join(str(c) for c in table.columns)
        raise ValueError(f"{path} has no column {name!r} ({role}); its columns are: {names}.")
    return table[name]


def numbers(table: pd.DataFrame, names, role: str, path: str) -> np.ndarray:
    """Columns ``names`` as a float64 ``(rows, len(names))`` array; each must exist, be
    numeric and hold no missing (NaN) or infinite value."""
    return np.column_stack([_finite(column(table, name, role, path), path) for name in names])


def _finite(values: pd.Series, path: str) -> np.ndarray:
    if not pd.api.types.is_numeric_dtype(values):
        parsed = pd.to_numeric(values, errors="coerce")
        bad = np.flatnonzero(parsed.isna() & values.notna())
        if bad.size:
            raise ValueError(
                f"column {values.name!r} of {path} is not numeric: {_row(int(bad[0]))} holds "
                f"{values.iloc[bad[0]]!r}. Fix that value, or leave the column out.")
        values = parsed
    array = values.to_numpy(np.float64)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        first = int(bad[0])
        what = "a missing value (NaN)" if np.isnan(array[first]) else f"the value {array[first]}"
        more = f" (and {bad.size - 1} more rows)" if bad.size > 1 else ""
        raise ValueError(f"column {values.name!r} of {path} has {what} at {_row(first)}{more}. "
                         f"Fill or drop those rows first.")
    return array


# ----- the time column ------------------------------------------------------------------
def times(table: pd.DataFrame, name: str, path: str) -> np.ndarray | pd.DatetimeIndex:
    """The time column: its numbers (integers stay integers), or ISO dates parsed."""
    values = column(table, name, "the time column", path)
    if pd.api.types.is_numeric_dtype(values):
        _finite(values, path)
        return values.to_numpy()
    try:
        dates = pd.DatetimeIndex(pd.to_datetime(values, format="ISO8601"))
    except (ValueError, TypeError):
        raise ValueError(
            f"the time column {name!r} of {path} holds neither numbers nor ISO dates "
            f"(such as 2020-01-31), e.g. {values.iloc[0]!r}.") from None
    if dates.hasnans:
        raise ValueError(f"the time column {name!r} of {path} has no time at "
                         f"{_row(int(np.flatnonzero(dates.isna())[0]))}.")
    return dates


def time_step(values, name: str, path: str) -> int | float | str:
    """The constant step between consecutive times: a number, or for dates a pandas
    frequency such as ``'MS'`` (month starts) or ``'YS-JAN'``; else a ``ValueError``."""
    if isinstance(values, pd.DatetimeIndex):
        step = pd.DatetimeIndex(values, freq="infer").freqstr if len(values) >= 3 else None
    else:
        step = _number_step(values)
    if step is None:
        raise ValueError(
            f"the time column {name!r} of {path} does not advance by a constant step (from "
            f"{label(values[0])} to {label(values[-1])} in {len(values)} rows), so it cannot "
            f"be continued past the end. Fix the times, or leave out --time-column.")
    return step


def _number_step(values: np.ndarray) -> int | float | None:
    if len(values) < 2:
        return None
    if np.issubdtype(values.dtype, np.integer):
        diffs = np.unique(np.diff(values))
        return int(diffs[0]) if len(diffs) == 1 and diffs[0] > 0 else None
    step = float(values[-1] - values[0]) / (len(values) - 1)
    even = np.allclose(np.diff(values), step, rtol=1e-6, atol=0)
    return step if step > 0 and even else None


def same_step(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(a, b, rel_tol=1e-6)


def next_times(values, step, count: int) -> np.ndarray | pd.DatetimeIndex:
    """The ``count`` times after the last of ``values``, ``step`` apart."""
    if isinstance(step, str):
        return pd.date_range(values[-1], periods=count + 1, freq=step)[1:]
    following = values[-1] + step * np.arange(1, count + 1)
    # a float step such as 0.1 adds rounding noise that would show in the CSV
    return following if isinstance(step, int) else np.round(following, 10)


def label(value) -> str:
    """A time or row label for messages: ``1947``, ``1959.25``, ``2020-01-31``."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)
