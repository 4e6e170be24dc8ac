"""Rules a fact's value must meet for its unit, and the group every fact id must belong to.

The CSV schema (``data.Fact``) already refuses a value that is not a finite number. These rules
catch what a number can still get wrong: negative zero and subnormal numbers (no source reports either,
and a page divides by them into infinity or prints '-0'), a ``date`` (written yyyymmdd) that is not a day of the
calendar, a ``fraction`` outside 0 to 1, a negative quantity (megawatts, a count, a term, a ratio, a
price), a count that is not whole, and an id whose first word names no page of the ledger (its
chapter in ``runthenumbers/chapters.py``, which routes it to a page).

Money in a currency (USD, GBP, EUR) has no sign rule: an operating loss, a net loss and an investing
cash flow are negative in the filings, and the ledger records them so (cw_operating_income_fy2023,
cw_operating_income_2025q1, capex_net_loss_fy2024_agg, capex_investing_cash_flow_q1_2024).
"""

from __future__ import annotations

import datetime
import math
import re
import sys

# Facts of unit 'fraction' that may leave 0..1, each with the reason (checked against the ledger by a test).
FRACTION_EXCEPTIONS = {
    "after_operating_margin_2025q4": "an operating margin: negative when the quarter made an operating loss",
}


# Units whose values cannot be negative: capacity, counts of things, lengths of time, ratios and prices.
NON_NEGATIVE_UNITS = ("MW", "count", "years", "months", "quarters", "multiple", "USD/MW", "USD/GPU-hour", "USD/kWh")
# Units that count things (shares, GPUs, data centers): whole numbers.
WHOLE_UNITS = ("count",)
# Facts of a unit in NON_NEGATIVE_UNITS that may be negative, each with the reason (checked against the
# ledger by a test). None today: every negative fact of the ledger is money (see above). A multiple of a
# negative figure (an enterprise value over a negative EBITDA) would be the kind of fact to list here.
SIGN_EXCEPTIONS: dict[str, str] = {}


def shown_value(value: float) -> str:
    """``value`` exactly as written: 20250328 for a whole number, 20250328.5 otherwise."""
    value = float(value)
    return f"{value:.0f}" if value.is_integer() else repr(value)


def calendar_date(value: float) -> datetime.date | None:
    """The day ``value`` writes as yyyymmdd, or None if it is not one."""
    if not float(value).is_integer() or not 10000101 <= value <= 99991231:
        return None
    number = int(value)
    try:
        return datetime.date(number // 10000, number // 100 % 100, number % 100)
    except ValueError:
        return None


# A date written in a text field: 2025-02-28, 2025-02 or 2025, alone or at the start of a period (2025-Q1
# is a quarter, not a month).
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def calendar_text_problem(text: str) -> str | None:
    """What is wrong with the date ``text`` writes (yyyy-mm-dd or yyyy-mm), or None; other text is no date."""
    match = _ISO_DAY.match(text)
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        what = "day" if match.group(3) else "month"
        return f"'{text}' is not a calendar {what}; write a real date, as 2025-02-28"
    return None


def value_problem(fact_id: str, unit: str, value: float) -> str | None:
    """What is wrong with ``value`` for ``unit``, or None."""
    if value == 0 and math.copysign(1.0, value) < 0:
        return "-0.0 is negative zero, which no source reports and a page would print as '-0'; write 0"
    if value != 0 and abs(value) < sys.float_info.min:
        return (
            f"{value!r} is a subnormal number (smaller than {sys.float_info.min:.3g} in size), which no source reports "
            "and which turns into infinity when a page divides by it"
        )
    if unit == "date" and calendar_date(value) is None:
        return f"{shown_value(value)} is not a calendar date; a date is written yyyymmdd, as 20250328"
    if unit == "fraction" and not 0.0 <= value <= 1.0 and fact_id not in FRACTION_EXCEPTIONS:
        return (
            f"{value:g} is not a fraction from 0 to 1; write shares as fractions (0.62 for 62%), or list the fact "
            "with its reason in FRACTION_EXCEPTIONS (runthenumbers/ledger_rules.py)"
        )
    if unit in NON_NEGATIVE_UNITS and value < 0 and fact_id not in SIGN_EXCEPTIONS:
        return (
            f"{shown_value(value)} is negative, which a value in {unit} cannot be; or list the fact with its reason in "
            "SIGN_EXCEPTIONS (runthenumbers/ledger_rules.py)"
        )
    if unit in WHOLE_UNITS and not float(value).is_integer():
        return f"{shown_value(value)} is not a whole number; a {unit} counts things"
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
