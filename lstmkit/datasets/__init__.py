"""Two small real data sets that ship inside lstmkit, so examples and ``lstmkit demo``
need no download.

Both are copied byte for byte from statsmodels 0.15 (``statsmodels/datasets/sunspots/
sunspots.csv`` and ``statsmodels/datasets/macrodata/macrodata.csv``), where statsmodels
marks them public domain; statsmodels itself is not a dependency. The loaders return the
same DataFrames as statsmodels' ``load_pandas().data`` (every column float64).
"""

from importlib import resources

import pandas as pd


def _load_csv(name: str) -> pd.DataFrame:
    with resources.files(__name__).joinpath(name).open("r", encoding="ascii") as f:
        return pd.read_csv(f).astype(float)


def load_sunspots() -> pd.DataFrame:
    """Yearly sunspot activity, 1700 to 2008: 309 rows, columns ``YEAR``, ``SUNACTIVITY``.

    Source: the National Geophysical Data Center (NOAA), via statsmodels
    (``sm.datasets.sunspots``). Public domain. The series follows the roughly 11-year
    solar cycle, which makes a seasonal-naive forecast (the value 11 years earlier) a
    fair baseline.
    """
    return _load_csv("sunspots.csv")


def load_macrodata() -> pd.DataFrame:
    """US macroeconomic data, 1959Q1 to 2009Q3: 203 quarters, 14 columns.

    Columns: ``year``, ``quarter``, ``realgdp``, ``realcons``, ``realinv``, ``realgovt``,
    ``realdpi`` (billions of chained 2005 dollars, seasonally adjusted annual rates),
    ``cpi``, ``m1``, ``tbilrate`` (3-month treasury bill, %), ``unemp`` (unemployment
    rate, %), ``pop`` (millions), ``infl`` (``400 * ln(cpi_t / cpi_{t-1})``), ``realint``
    (``tbilrate - infl``).

    Source: FRED (Federal Reserve Bank of St. Louis) and the Bureau of Labor Statistics,
    compiled by Skipper Seabold for statsmodels (``sm.datasets.macrodata``). Public domain.
    """
    return _load_csv("macrodata.csv")


__all__ = ["load_sunspots", "load_macrodata"]
