"""Customer concentration: how much of CoreWeave's revenue rests on its largest customers.

Functions take numbers or numpy arrays (all inputs broadcast), so one call evaluates one scenario
or many. Revenue in USD, shares and losses as fractions of revenue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import Ledger

FISCAL_YEARS = (2022, 2023, 2024)


def revenue_without(revenue, share):
    """Revenue left once customers holding ``share`` of it are taken away."""
    return np.asarray(revenue, dtype=float) * (1.0 - np.asarray(share, dtype=float))


def spend_per_revenue_dollar(revenue, net_loss):
    """Dollars of costs (everything net of tax, interest included) per dollar of revenue.

    With a net loss L on revenue R, total costs are R + L, so each revenue dollar cost (R + L) / R.
    """
    revenue = np.asarray(revenue, dtype=float)
    return (revenue + np.asarray(net_loss, dtype=float)) / revenue


def stressed_revenue(revenue, top_share, fraction_lost):
    """Revenue after losing ``fraction_lost`` of what the top customers (``top_share`` of revenue) pay."""
    revenue = np.asarray(revenue, dtype=float)
    return revenue * (1.0 - np.asarray(top_share, dtype=float) * np.asarray(fraction_lost, dtype=float))


def growth_multiple(start, end):
    """How many times ``end`` is ``start``."""
    return np.asarray(end, dtype=float) / np.asarray(start, dtype=float)


def customer_groups(ledger: Ledger, microsoft_share_2024: float, top_two_share_2024: float) -> pd.DataFrame:
    """Each year's revenue split into the customer groups that year's disclosures allow.

    2022 and 2023 are known for the three largest customers together (2023 also names Microsoft);
    2024 for Microsoft and the two largest together. Long form, one row per year and group.
    """
    top_three = {year: ledger.value(f"cw_top_three_share_fy{year}") for year in (2022, 2023)}
    microsoft_2023 = ledger.value("cw_microsoft_share_fy2023")
    named: dict[int, list[tuple[str, float | None]]] = {
        2022: [("Microsoft", None), ("Other largest customers", top_three[2022])],
        2023: [("Microsoft", microsoft_2023), ("Other largest customers", top_three[2023] - microsoft_2023)],
        2024: [
            ("Microsoft", microsoft_share_2024),
            ("Other largest customers", top_two_share_2024 - microsoft_share_2024),
        ],
    }
    disclosed = {
        2022: "three largest together",
        2023: "three largest; Microsoft named",
        2024: "two largest; Microsoft named",
    }
    rows = []
    for year in FISCAL_YEARS:
        revenue = ledger.value(f"cw_revenue_fy{year}")
        groups = [(g, s) for g, s in named[year] if s is not None]
        groups.append(("All other customers", 1.0 - sum(s for _, s in groups)))
        for group, share in groups:
            rows.append(
                {
                    "year": str(year),
                    "group": group,
                    "share": share,
                    "revenue_usd": revenue * share,
                    "disclosed": disclosed[year],
                }
            )
    return pd.DataFrame(rows)


def concentration_history(ledger: Ledger, microsoft_share_2024: float, top_two_share_2024: float) -> pd.DataFrame:
    """The largest customers' share of revenue by year, as each source reports it."""
    points = [
        ("2022", "Largest customer", ledger.value("article_largest_customer_share_fy2022"), "the article only"),
        ("2023", "Largest customer", ledger.value("cw_microsoft_share_fy2023"), "S-1, via reports"),
        ("2024", "Largest customer", microsoft_share_2024, "S-1, via reports"),
        ("2024", "Two largest", top_two_share_2024, "S-1, via reports"),
        ("2022", "Three largest", ledger.value("cw_top_three_share_fy2022"), "S-1, via reports"),
        ("2023", "Three largest", ledger.value("cw_top_three_share_fy2023"), "S-1, via reports"),
    ]
    return pd.DataFrame(points, columns=["year", "measure", "share", "reported_by"])
