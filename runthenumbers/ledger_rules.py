"""Rules a fact's value must meet for its unit, and the group every fact id must belong to.

The CSV schema (``data.Fact``) already refuses a value that is not a finite number. These rules
catch what a number can still get wrong: a ``date`` (written yyyymmdd) that is not a day of the
calendar, a ``fraction`` outside 0 to 1, and an id whose first word names no page of the ledger
(its chapter in ``runthenumbers/chapters.py``, which routes it to a page).
"""

from __future__ import annotations

import datetime

# Facts of unit 'fraction' that may leave 0..1, each with the reason (checked against the ledger by a test).
FRACTION_EXCEPTIONS = {
    "after_operating_margin_2025q4": "an operating margin: negative when the quarter made an operating loss",
}


def calendar_date(value: float) -> datetime.date | None:
    """The day ``value`` writes as yyyymmdd, or None if it is not one."""
    if not float(value).is_integer() or not 10000101 <= value <= 99991231:
        return None
    number = int(value)
    try:
        return datetime.date(number // 10000, number // 100 % 100, number % 100)
    except ValueError:
        return None


def value_problem(fact_id: str, unit: str, value: float) -> str | None:
    """What is wrong with ``value`` for ``unit``, or None."""
    if unit == "date" and calendar_date(value) is None:
        return f"{value:.0f} is not a calendar date; a date is written yyyymmdd, as 20250328"
    if unit == "fraction" and not 0.0 <= value <= 1.0 and fact_id not in FRACTION_EXCEPTIONS:
        return (
            f"{value:g} is not a fraction from 0 to 1; write shares as fractions (0.62 for 62%), or list the fact "
            "with its reason in FRACTION_EXCEPTIONS (runthenumbers/ledger_rules.py)"
        )
    return None


def group_problem(fact_id: str, groups) -> str | None:
    """What is wrong with the first word of ``fact_id`` (its ledger page), or None."""
    group = fact_id.split("_", 1)[0]
    if group not in groups:
        return (
            f"id '{fact_id}' starts with '{group}', which is not a ledger group (known: {', '.join(groups)}); "
            "add it to a chapter's fact_prefix in runthenumbers/chapters.py"
        )
    return None
