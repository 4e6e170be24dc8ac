"""What a notebook publishes to its page: glued scalars that the prose pastes in.

Values are glued as plain Python numbers (never numpy scalars, whose repr the page could not read
back), so ``{glue:text}`name:.1f``` formats them and the scenario runner can collect them by name.
"""

from __future__ import annotations

import pandas as pd
from myst_nb import glue

from .data import Ledger


def number(name: str, value) -> float:
    """Glue ``value`` as a float under ``name`` and return it."""
    value = float(value)
    glue(name, value, display=False)
    return value


def text(name: str, value: str) -> str:
    """Glue a word or phrase (a verdict, a label) under ``name``."""
    glue(name, str(value), display=False)
    return value


def format_value(value: float, unit: str) -> str:
    """A ledger value as a reader would write it: $1,915.0M, 62%, 1,317 MW, 5 years."""
    if unit in {"USD", "GBP", "EUR"}:
        symbol = {"USD": "$", "GBP": "£", "EUR": "€"}[unit]
        if abs(value) >= 1e9:
            return f"{symbol}{value / 1e9:,.2f}B"
        if abs(value) >= 1e6:
            return f"{symbol}{value / 1e6:,.1f}M"
        return f"{symbol}{value:,.0f}"
    if unit == "fraction":
        whole_percent = abs(value * 100 - round(value * 100)) < 1e-9
        return f"{value:.0%}" if whole_percent else f"{value:.1%}"
    if unit == "USD/GPU-hour":
        return f"${value:,.2f}/GPU-hour"
    if unit == "multiple":
        return f"{value:,.2f}×"
    return f"{value:,.10g} {unit}"


def facts_table(ledger: Ledger, fact_ids: list[str]) -> pd.DataFrame:
    """The named facts with their values, periods and where each was read: the page's evidence table."""
    rows = []
    for fact_id in fact_ids:
        fact = ledger.fact(fact_id)
        source = ledger.sources[fact.source]
        rows.append(
            {
                "fact": fact_id,
                "value": format_value(fact.value, fact.unit),
                "period": fact.period,
                "source": f"{source.publisher} ({source.kind})",
                "where": fact.locator,
            }
        )
    return pd.DataFrame(rows).set_index("fact")
