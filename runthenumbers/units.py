"""Numbers as a reader writes them: one formatter per unit, shared by the site, the notebooks and the CLI.

``quantity(4.37e-2, "fraction")`` is ``4.37%``, ``quantity(4.953967e9, "USD")`` is ``$4.95 billion``,
a count is a whole number with thousands separators and no unit word, and a date prints at the
precision its source gives (:func:`date_text`). Imports only :mod:`runthenumbers.calendar`.
"""

from __future__ import annotations

import math
import re

from .calendar import ARTICLE_HORIZON, date_parts, half_label, month_label

CURRENCIES = {"USD": "$", "GBP": "£", "EUR": "€"}
_HALF = re.compile(r"^\d{4}-H([12])$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_MONTH_ONLY_NOTE = re.compile(r"month only|month end by convention", re.IGNORECASE)


def plain(value: float, decimals: int = 2) -> str:
    """A number with thousands separators and at most ``decimals`` decimals, trailing zeros dropped."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(value: float, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.62 -> '62%', 0.0437 -> '4.37%'; whole percentages lose their decimals."""
    scaled = value * 100
    if abs(scaled - round(scaled)) < 1e-9:
        return f"{round(scaled):.0f}%"
    for places in range(1, max(decimals, 2) + 1):
        if abs(scaled - round(scaled, places)) < 1e-9:
            return f"{scaled:.{places}f}%"
    return f"{scaled:.{decimals}f}%"


def signed_percent(value: float) -> str:
    """A relative difference: '+4.2%', '-12.0%', and '0.0%' (never '-0.0%') when it rounds to nothing."""
    if abs(value) < 0.0005:
        return "0.0%"
    return f"{value:+.1%}"


def money(value: float, symbol: str = "$") -> str:
    """'$4.95 billion', '$115 million', '$60,000'."""
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e9:
        return f"{sign}{symbol}{size / 1e9:,.2f} billion"
    if size >= 1e6:
        return f"{sign}{symbol}{plain(size / 1e6, 1)} million"
    return f"{sign}{symbol}{plain(size, 2 if size < 100 else 0)}"


def date_text(value, period: str = "", note: str = "") -> str:
    """A yyyymmdd date at the precision its source gives.

    A period such as ``2026-H2`` gives 'second half of 2026'; 1 January of a year-long period gives the
    year alone ('2022'); the first (or, when the ledger's note says
    the source gives the month only, the last) day of a month gives 'January 2024'; any other day gives
    '26 February 2025'.
    """
    year, month, day = (int(x) for x in date_parts(value))
    if _HALF.match(period or ""):
        return half_label(value)
    if re.fullmatch(r"(FY)?\d{4}", period or "") and month == 1 and day == 1:
        return str(year)
    month_only = bool(_MONTH_ONLY_NOTE.search(note or "")) or (day == 1 and bool(_MONTH.match(period or "")))
    if month_only:
        return month_label(value)
    return f"{day} {month_label(value)}"


def quantity(value, unit: str, *, period: str = "", note: str = "") -> str:
    """``value`` in ``unit`` as a reader writes it (see the module docstring)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit in CURRENCIES:
        return money(value, CURRENCIES[unit])
    if unit == "fraction":
        return percent(value)
    if unit == "fraction a year":
        return f"{percent(value)} a year"
    if unit.startswith("date"):
        return date_text(value, period, note)
    if unit == "count":
        return plain(value, 0 if abs(value) >= 100 else 2)
    if unit == "multiple":
        return f"{plain(value, 2)}×"
    if unit == "quarter number":
        return ARTICLE_HORIZON.label(int(value) - 1)
    if unit == "USD/GPU-hour":
        return f"${value:,.2f} per GPU-hour"
    if unit == "USD/MW":
        return f"{money(value)} per MW"
    if unit == "USD per MW-year":
        return f"{money(value)} per MW a year"
    if unit == "USD/kWh":
        return f"${plain(value, 4)} per kWh"
    if unit in ("years", "months", "quarters"):
        singular = unit[:-1]
        return f"{plain(value)} {singular if value == 1 else unit}"
    return f"{plain(value)} {unit}".strip()


def plural(count: int | float, singular: str, plural_form: str | None = None) -> str:
    """'1 claim', '2 claims'; '1 is', '3 are' with ``plural('is', 'are')``-style pairs."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{plain(count, 0)} {word}"
