"""lstmkit.tables: CSV files read and checked for the command line, time columns continued."""

import numpy as np
import pandas as pd
import pytest

from lstmkit import tables


def csv(tmp_path, text: str, name: str = "t.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


def test_read_csv(tmp_path):
    table = tables.read_csv(csv(tmp_path, "year,x\n2000,1.5\n2001,2\n"))
    assert list(table.columns) == ["year", "x"] and table["year"].dtype == np.int64


@pytest.mark.parametrize("content, message", [
    ("", "is not a CSV table: No columns to parse from file"),
    ("a,b\n", "has no rows below its header; it needs one row per time step."),
    (b"\xff\xfe\x00\x01\x80garbage", "is not a CSV table"),
    ('a,b\n1,"2\n', "is not a CSV table"),
])
def test_read_csv_refuses_what_is_not_a_table(tmp_path, content, message):
    path = csv(tmp_path, content)
    with pytest.raises(ValueError, match=f"^{path} {message}"):
        tables.read_csv(path)


def test_read_csv_of_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"/nope\.csv does not exist\.$"):
        tables.read_csv(tmp_path / "nope.csv")


TABLE = pd.DataFrame({"year": [2000, 2001, 2002, 2003], "x": [1.0, 2.0, 3.0, 4.0],
                      "n": [1, 2, 3, 4], "word": ["a", "1", "b", "2"],
                      "gaps": [1.0, np.nan, 3.0, np.nan], "big": [1.0, 2.0, np.inf, 4.0]})


def test_numbers_stack_columns_as_float64():
    values = tables.numbers(TABLE, ["x", "n"], "a feature", "t.csv")
    assert values.dtype == np.float64 and values.shape == (4, 2)
    np.testing.assert_array_equal(values[:, 1], [1, 2, 3, 4])


@pytest.mark.parametrize("name, message", [
    ("y", r"t.csv has no column 'y' \(a feature\); its columns are: year, x, n, word, gaps, "
          r"big\.$"),
    ("word", "column 'word' of t.csv is not numeric: row 1 below the header holds 'a'. Fix "
             "that value, or leave the column out."),
    ("gaps", r"column 'gaps' of t.csv has a missing value \(NaN\) at row 2 below the header "
             r"\(and 1 more rows\). Fill or drop those rows first."),
    ("big", "column 'big' of t.csv has the value inf at row 3 below the header. Fill"),
])
def test_numbers_name_the_column_and_the_first_bad_row(name, message):
    with pytest.raises(ValueError, match=message):
        tables.numbers(TABLE, ["x", name], "a feature", "t.csv")


def test_numbers_written_as_text_are_numbers():
    table = pd.DataFrame({"x": ["1", "2.5"], "y": ["1", None]})
    np.testing.assert_array_equal(tables.numbers(table, ["x"], "a feature", "t.csv")[:, 0],
                                  [1.0, 2.5])
    with pytest.raises(ValueError, match="column 'y' of t.csv has a missing value"):
        tables.numbers(table, ["y"], "a feature", "t.csv")


# ----- time columns -----------------------------------------------------------------------
def test_times_keep_integers_and_parse_iso_dates():
    assert tables.times(TABLE, "year", "t.csv").dtype == np.int64
    dates = tables.times(pd.DataFrame({"d": ["2020-01", "2020-02", "2020-03"]}), "d", "t.csv")
    assert isinstance(dates, pd.DatetimeIndex) and str(dates[1].date()) == "2020-02-01"


@pytest.mark.parametrize("values, message", [
    (["01/02/2020", "x"], "the time column 'd' of t.csv holds neither numbers nor ISO dates "
                          r"\(such as 2020-01-31\), e.g. '01/02/2020'."),
    (["2020-01-01", None], "the time column 'd' of t.csv has no time at row 2 below the header"),
    ([1.0, np.nan], "column 'd' of t.csv has a missing value"),
])
def test_times_refuse_what_is_not_a_time(values, message):
    with pytest.raises(ValueError, match=message):
        tables.times(pd.DataFrame({"d": values}), "d", "t.csv")


@pytest.mark.parametrize("values, step", [
    (np.array([1700, 1701, 1702]), 1),
    (np.array([1959.0, 1959.25, 1959.5, 1959.75]), 0.25),
    (pd.DatetimeIndex(["2020-01-01", "2020-02-01", "2020-03-01"]), "MS"),
    (pd.DatetimeIndex(["2020-03-31", "2020-06-30", "2020-09-30"]), "QE-DEC"),
])
def test_time_step(values, step):
    found = tables.time_step(values, "t", "t.csv")
    assert found == step and type(found) is type(step)


@pytest.mark.parametrize("values", [
    np.array([1700, 1701, 1703]), np.array([3, 2, 1]), np.array([5]), np.array([1.0, 1.0, 1.0]),
    pd.DatetimeIndex(["2020-01-01", "2020-01-02", "2020-01-04"]),
    pd.DatetimeIndex(["2020-01-01", "2020-01-02"]),
])
def test_time_step_refuses_uneven_times(values):
    with pytest.raises(ValueError, match="the time column 't' of t.csv does not advance by a "
                                         "constant step"):
        tables.time_step(values, "t", "t.csv")


def test_next_times_continue_the_column():
    np.testing.assert_array_equal(tables.next_times(np.array([2007, 2008]), 1, 3),
                                  [2009, 2010, 2011])
    following = tables.next_times(np.array([0.8, 0.9]), 0.1, 3)
    assert following.tolist() == [1.0, 1.1, 1.2]  # no rounding noise such as 1.2000000000000002
    months = tables.next_times(pd.DatetimeIndex(["2020-11-01", "2020-12-01"]), "MS", 2)
    assert [str(d.date()) for d in months] == ["2021-01-01", "2021-02-01"]


def test_same_step_and_labels():
    assert tables.same_step(1, 1.0) and tables.same_step(0.1, 0.1 + 1e-12)
    assert not tables.same_step(1, 2) and not tables.same_step("MS", 1)
    assert [tables.label(v) for v in (np.int64(1947), 1959.25, 1960.0)] == ["1947", "1959.25",
                                                                           "1960"]
    assert tables.label(pd.Timestamp("2020-01-31")) == "2020-01-31"
    assert tables.label(pd.Timestamp("2020-01-31 06:30")) == "2020-01-31T06:30:00"


def test_write_csv(tmp_path):
    tables.write_csv(tmp_path / "f.csv", pd.DataFrame({"year": [2009], "x": [np.float32(0.1)]}))
    assert (tmp_path / "f.csv").read_text() == "year,x\n2009,0.1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.csv"]  # no temporary file left
