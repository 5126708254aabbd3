"""lstmkit.datasets: statsmodels' public-domain sunspots and macrodata, shipped as CSV."""

import hashlib
from importlib import resources

import numpy as np

from lstmkit.datasets import load_macrodata, load_sunspots

# SHA-256 of statsmodels 0.15.0's statsmodels/datasets/{sunspots,macrodata}/*.csv: the
# packaged files are byte-for-byte copies.
STATSMODELS_SHA256 = {
    "sunspots.csv": "f67889b1d9002cd5227f0e0ef54e35b419cdd85a31279adef6f73fb41e5c0a9b",
    "macrodata.csv": "d93c0d3a7a77ef83c3af14e46032bb1d02ae3a512b22ab94159a8ca226fcf708",
}


def test_packaged_files_are_statsmodels_copies():
    for name, digest in STATSMODELS_SHA256.items():
        data = resources.files("lstmkit.datasets").joinpath(name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest


def test_sunspots_yearly_1700_to_2008():
    data = load_sunspots()
    assert data.shape == (309, 2)
    assert list(data.columns) == ["YEAR", "SUNACTIVITY"]
    assert all(dtype == np.float64 for dtype in data.dtypes)  # as statsmodels loads them
    np.testing.assert_array_equal(data["YEAR"], np.arange(1700.0, 2009.0))
    assert data["SUNACTIVITY"].iloc[[0, -1]].tolist() == [5.0, 2.9]
    assert data["SUNACTIVITY"].max() == 190.2 and data["YEAR"][data["SUNACTIVITY"].idxmax()] == 1957
    assert np.isclose(data["SUNACTIVITY"].sum(), 15373.4)


def test_macrodata_quarterly_1959_to_2009():
    data = load_macrodata()
    assert data.shape == (203, 14)
    assert list(data.columns) == [
        "year", "quarter", "realgdp", "realcons", "realinv", "realgovt", "realdpi", "cpi",
        "m1", "tbilrate", "unemp", "pop", "infl", "realint"]
    assert all(dtype == np.float64 for dtype in data.dtypes)
    assert not data.isna().any().any()
    assert data.iloc[0][["year", "quarter", "realgdp"]].tolist() == [1959.0, 1.0, 2710.349]
    assert data.iloc[-1][["year", "quarter", "unemp", "realint"]].tolist() == [
        2009.0, 3.0, 9.6, -3.44]
    # the first quarter has no previous one: its infl and realint are recorded as 0
    assert data.iloc[0][["infl", "realint"]].tolist() == [0.0, 0.0]
    later = data.iloc[1:]
    np.testing.assert_allclose(later["realint"], later["tbilrate"] - later["infl"], atol=0.011)


def test_each_call_returns_a_fresh_frame():
    first = load_sunspots()
    first.loc[0, "SUNACTIVITY"] = -1.0
    assert load_sunspots().loc[0, "SUNACTIVITY"] == 5.0
