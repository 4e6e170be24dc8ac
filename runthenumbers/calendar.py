"""Dates and quarters, in one place: every module counts time with these helpers.

Three representations, each where it fits, with conversions between them:

- a **date** is a yyyymmdd integer (20261231), as the ledger stores dates; it keeps the precision
  the source gives and is labelled at that precision (:func:`date_label`, :func:`month_label`,
  :func:`half_label`, :func:`quarter_of_date`);
- a **quarter** is a :class:`pandas.Period` of frequency ``Q`` (:func:`quarter`), labelled
  ``2025-Q1`` (:func:`quarter_label`);
- the models count quarters of their horizon, 2025-Q1 to 2030-Q4, by a 0-based **index** into
  :data:`QUARTERS` (:func:`quarter_index`, :func:`index_label`), because numpy arrays are indexed so.

Every function that takes dates accepts a number or an array of them.
"""

from __future__ import annotations

import calendar as _calendar

import numpy as np
import pandas as pd

# Written out: the standard library's month names follow the machine's locale.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_PER_QUARTER = 3
QUARTERS_PER_YEAR = 4
MONTHS_PER_YEAR = 12

# The models' horizon: the six calendar years the debt and liquidity models cover.
FIRST_YEAR = 2025
FORECAST_YEARS = tuple(range(FIRST_YEAR, FIRST_YEAR + 6))
QUARTERS = tuple(f"{year}-Q{q}" for year in FORECAST_YEARS for q in range(1, QUARTERS_PER_YEAR + 1))
N_QUARTERS = len(QUARTERS)


# ---------------------------------------------------------------------------------------------
# Dates (yyyymmdd integers)


def date_parts(date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day arrays of yyyymmdd ``date`` (a number or an array of them)."""
    date = np.asarray(date).astype(np.int64)
    return date // 10_000, (date // 100) % 100, date % 100


def _days_in_month(year, month) -> np.ndarray:
    return np.vectorize(
        lambda y, m: _calendar.monthrange(int(y), int(m))[1] if 1 <= m <= 12 and 1 <= y <= 9999 else 0,
        otypes=[np.int64],
    )(year, month)


def is_date(date) -> np.ndarray:
    """Whether each yyyymmdd value names a real calendar day."""
    year, month, day = date_parts(date)
    valid = (month >= 1) & (month <= 12) & (day >= 1)
    return valid & (day <= _days_in_month(year, month)) & (year >= 1)


def add_months(date, months) -> np.ndarray:
    """The yyyymmdd date ``months`` calendar months after ``date``; a day past the new month's end
    becomes its last day (2026-12-31 plus two months is 2027-02-28)."""
    year, month, day = date_parts(date)
    months = np.asarray(months).astype(np.int64)
    index = year * MONTHS_PER_YEAR + (month - 1) + months
    new_year, new_month = index // MONTHS_PER_YEAR, index % MONTHS_PER_YEAR + 1
    return new_year * 10_000 + new_month * 100 + np.minimum(day, _days_in_month(new_year, new_month))


def days_between(start, end) -> np.ndarray:
    """Days from yyyymmdd ``start`` to ``end``; negative when ``end`` is earlier."""
    as_day = np.vectorize(lambda d: np.datetime64(date_label(d), "D"), otypes=["datetime64[D]"])
    return (as_day(end) - as_day(start)).astype(np.int64)


def same_year(a, b) -> np.ndarray:
    """Whether yyyymmdd dates ``a`` and ``b`` fall in the same calendar year."""
    return date_parts(a)[0] == date_parts(b)[0]


def same_month(a, b) -> np.ndarray:
    """Whether yyyymmdd dates ``a`` and ``b`` fall in the same calendar month."""
    (year_a, month_a, _), (year_b, month_b, _) = date_parts(a), date_parts(b)
    return (year_a == year_b) & (month_a == month_b)


def quarters_between(start, end) -> np.ndarray:
    """Whole calendar quarters from the quarter holding ``start`` to the one holding ``end``."""
    (year_a, month_a, _), (year_b, month_b, _) = date_parts(start), date_parts(end)
    return (
        (year_b - year_a) * QUARTERS_PER_YEAR
        + (month_b - 1) // MONTHS_PER_QUARTER
        - (month_a - 1) // MONTHS_PER_QUARTER
    )


def date_label(date) -> str:
    """'2026-12-31' for 20261231."""
    date = int(date)
    return f"{date // 10_000:04d}-{(date // 100) % 100:02d}-{date % 100:02d}"


def month_label(date) -> str:
    """'June 2024' for 20240603."""
    year, month, _ = (int(x) for x in date_parts(date))
    return f"{MONTH_NAMES[month - 1]} {year}"


def half_label(date) -> str:
    """'second half of 2026' for 20261231."""
    year, month, _ = (int(x) for x in date_parts(date))
    return f"{'first' if month <= 6 else 'second'} half of {year}"


def quarter_of_date(date) -> str:
    """'2026-Q4' for 20261231: the label of the calendar quarter holding ``date``."""
    return quarter_label(quarter(date))


# ---------------------------------------------------------------------------------------------
# Quarters (pandas Periods) and the models' quarter indices


def quarter(value) -> pd.Period:
    """The calendar quarter of a yyyymmdd date (20261231), a label ('2026-Q4') or a Period."""
    if isinstance(value, pd.Period):
        return value.asfreq("Q")
    if isinstance(value, str):
        return pd.Period(value.replace("-", ""), freq="Q")
    year, month, _ = (int(x) for x in date_parts(value))
    if not 1 <= month <= MONTHS_PER_YEAR:
        raise ValueError(f"date = {int(value)} is not a yyyymmdd date; allowed: months 01 to 12")
    return pd.Period(year=year, quarter=(month - 1) // MONTHS_PER_QUARTER + 1, freq="Q")


def quarter_label(period: pd.Period) -> str:
    """'2026-Q4' for the Period 2026Q4."""
    return f"{period.year}-Q{period.quarter}"


def quarter_index(value) -> int:
    """The 0-based index in :data:`QUARTERS` of a quarter given as a yyyymmdd date, a label or a Period:
    20250101 -> 0 (2025-Q1), '2028-Q1' -> 12. Quarters before 2025 give negative indices and quarters
    after 2030 indices of 24 or more."""
    period = quarter(value)
    return (period.year - FIRST_YEAR) * QUARTERS_PER_YEAR + period.quarter - 1


def index_label(index: int) -> str:
    """'2025-Q1' for index 0; also labels quarters outside the horizon."""
    index = int(index)
    return f"{FIRST_YEAR + index // QUARTERS_PER_YEAR}-Q{index % QUARTERS_PER_YEAR + 1}"


def index_label_or_never(index: int) -> str:
    """A quarter index's label, or 'never (by 2030)' for -1 (the models' "did not happen")."""
    return f"never (by {FORECAST_YEARS[-1]})" if index < 0 else QUARTERS[index]
