"""Dates and quarters, in one place: every module counts time with these helpers.

Three representations, each where it fits, with conversions between them:

- a **date** is a yyyymmdd integer (20261231), as the ledger stores dates; it keeps the precision
  the source gives and is labelled at that precision (:func:`date_label`, :func:`month_label`,
  :func:`half_label`, :func:`quarter_of_date`);
- a **quarter** is a :class:`pandas.Period` of frequency ``Q`` (:func:`quarter`), labelled
  ``2025-Q1`` (:func:`quarter_label`);
- a model counts the quarters of its :class:`Horizon` by a 0-based **index**, because numpy arrays
  are indexed so. Each model has its own horizon, starting the quarter after the balance sheet it
  starts from: the article's two loans run over :data:`ARTICLE_HORIZON` (2025-Q1 to 2030-Q4, from
  the balances of 2024-12-31), the all-debt schedule and the funding model from their filing's date
  to the end of 2031 (:attr:`runthenumbers.credit.Filing.horizon`).

Every function that takes dates accepts a number or an array of them.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from functools import cached_property

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


def extended_quarter(date, months) -> pd.Period:
    """The quarter holding yyyymmdd ``date``, moved on by an extension of ``months`` counted in whole
    quarters: a deadline in June 2025 with a 3-month extension gives 2025-Q3, with a 2-month one 2025-Q2."""
    return quarter(date) + int(months) // MONTHS_PER_QUARTER


# ---------------------------------------------------------------------------------------------
# A model's horizon: its quarters by 0-based index


@dataclass(frozen=True)
class Horizon:
    """The consecutive calendar quarters a model runs over, ``first`` to ``last`` inclusive ('2025-Q3').

    A model's arrays carry one column per quarter along their last axis, and a quarter is named by
    its 0-based index (:meth:`index`, :meth:`label`); an index of -1 is a model's "never".
    """

    first: str
    last: str

    def __post_init__(self) -> None:
        for end in (self.first, self.last):
            if quarter_label(quarter(end)) != end:
                raise ValueError(f"horizon end = {end!r} is not a quarter label; allowed: a label such as '2025-Q3'")
        if quarter(self.last) < quarter(self.first):
            raise ValueError(f"horizon {self.first} to {self.last} ends before it starts")

    @classmethod
    def after(cls, as_of, last_year: int) -> "Horizon":
        """The quarters from the one after the balance-sheet date ``as_of`` (yyyymmdd) to the end of ``last_year``."""
        return cls(quarter_label(quarter(as_of) + 1), f"{int(last_year)}-Q{QUARTERS_PER_YEAR}")

    @cached_property
    def quarters(self) -> tuple[str, ...]:
        """Every quarter's label, in order: ('2025-Q3', '2025-Q4', ...)."""
        return tuple(quarter_label(q) for q in pd.period_range(quarter(self.first), quarter(self.last), freq="Q"))

    def __len__(self) -> int:
        return len(self.quarters)

    @cached_property
    def indices(self) -> np.ndarray:
        """0, 1, ... len - 1: every quarter's index, to compare with arrays of indices."""
        return _frozen(np.arange(len(self)))

    @cached_property
    def years(self) -> np.ndarray:
        """The calendar year of each quarter: (len,) ints."""
        return _frozen(np.array([int(label[:4]) for label in self.quarters]))

    @cached_property
    def calendar_years(self) -> tuple[int, ...]:
        """The calendar years the horizon touches, in order; the first and last may be part years."""
        return tuple(int(y) for y in dict.fromkeys(self.years.tolist()))

    def index(self, value) -> int:
        """The index of the quarter holding ``value`` (a yyyymmdd date, a label such as '2026-Q4' or a Period):
        negative before the first quarter, ``len`` or more after the last."""
        return (quarter(value) - quarter(self.first)).n

    def label(self, index: int) -> str:
        """The label of quarter ``index`` ('2025-Q3' for 0 when the horizon starts then), or 'never' for -1.
        Other indices outside the horizon label the quarters before or after it."""
        index = int(index)
        return "never" if index == -1 else quarter_label(quarter(self.first) + index)

    def in_year(self, year: int) -> slice:
        """The indices of ``year``'s quarters, as a slice (empty for a year outside the horizon)."""
        held = np.flatnonzero(self.years == year)
        return slice(int(held[0]), int(held[-1]) + 1) if held.size else slice(0, 0)

    def by_year(self, quarterly) -> np.ndarray:
        """``quarterly`` (..., len) summed by calendar year: (..., len(calendar_years)), each year's quarters
        added in order, whatever the array's memory layout."""
        array = np.asarray(quarterly)
        if array.shape[-1:] != (len(self),):
            raise ValueError(f"by_year needs {len(self)} quarters on the last axis; got shape {array.shape}")
        return np.stack([array[..., self.in_year(year)].sum(axis=-1) for year in self.calendar_years], axis=-1)

    def place(self, bad) -> str:
        """Where the first True of a (scenarios, len) mask lies: 'scenario 3, 2026-Q1'."""
        scenario, index = (int(i[0]) for i in np.nonzero(np.asarray(bad)))
        return f"scenario {scenario}, {self.quarters[index]}"


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


# The article's horizon: its six years 2025-2030, from the balances of 2024-12-31 it reads. The two-loan
# model runs over it, and an input in "quarter number" counts its quarters from 1 (1 = 2025-Q1).
ARTICLE_HORIZON = Horizon.after(20241231, 2030)
