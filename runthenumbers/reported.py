"""What CoreWeave reported, quarter by quarter: the measures behind coverage and leverage, the filed
cash flows of 2025, the liquidity at mid-2025, and the per-MW economics that anchor the sweep's ranges.

Models forecast; this module only reads and combines filed or reported figures, each traced to the
fact ids it used. Where the ledger holds a figure from several sources, the most primary one wins
(the order of :data:`runthenumbers.data.SOURCE_KINDS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import SOURCE_KINDS, Ledger

# Each measure is looked up under these fact-id patterns ({q} is 2025q3); where several exist, the one
# whose source ranks first in data.SOURCE_KINDS is taken, so a filed figure beats a report of it.
MEASURES: dict[str, tuple[str, ...]] = {
    "revenue": ("cw_revenue_{q}_primary", "cw_revenue_{q}", "after_revenue_{q}"),
    "adjusted_ebitda": ("cw_adj_ebitda_{q}", "after_adj_ebitda_{q}"),
    "operating_income": ("cw_operating_income_{q}", "after_operating_income_{q}"),
    "interest_expense": (
        "cw_interest_expense_net_{q}",
        "after_interest_expense_net_{q}",
        "debt_interest_expense_net_{q}",
        "cw_interest_expense_{q}",
    ),
    # Filed principal only: a carrying amount from an analysis page (after_debt_total_*) is not beside it.
    "debt": ("debt_total_principal_{q}", "after_debt_principal_{q}"),
    "cash": ("cw_cash_{q}",),
}


def quarter_key(quarter: str) -> str:
    """'2025-Q3' as the ledger's id suffix: '2025q3'."""
    return quarter.replace("-Q", "q")


def best_fact(ledger: Ledger, candidates) -> str | None:
    """Of the candidate fact ids the ledger holds, the one with the most primary source (first on a tie)."""
    held = [c for c in candidates if c in ledger.facts]
    return min(held, key=lambda c: SOURCE_KINDS.index(ledger.source_of(c).kind), default=None)


def reported_measures(ledger: Ledger, quarters: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each measure by quarter (USD; NaN where the ledger has no figure) and the fact id behind each."""
    values, ids = {}, {}
    for measure, patterns in MEASURES.items():
        chosen = [best_fact(ledger, [p.format(q=quarter_key(q)) for p in patterns]) for q in quarters]
        ids[measure] = chosen
        values[measure] = [ledger.value(c) if c else np.nan for c in chosen]
    return pd.DataFrame(values, index=list(quarters)), pd.DataFrame(ids, index=list(quarters))


def coverage_and_leverage(measures: pd.DataFrame) -> pd.DataFrame:
    """Quarterly ratios: EBITDA and EBIT over interest, and debt over annualized EBITDA, gross and net.

    A quarter's EBITDA is annualized by four because the business more than doubled within a year,
    so a trailing-twelve-month figure would mostly measure the past; the trailing figure is given
    where four quarters are known (``ttm_leverage``). NaN marks a ratio whose inputs are missing.
    """
    ratios = pd.DataFrame(index=measures.index)
    ratios["ebitda_to_interest"] = measures["adjusted_ebitda"] / measures["interest_expense"]
    ratios["ebit_to_interest"] = measures["operating_income"] / measures["interest_expense"]
    ratios["debt_to_ebitda"] = measures["debt"] / (4 * measures["adjusted_ebitda"])
    ratios["net_debt_to_ebitda"] = (measures["debt"] - measures["cash"]) / (4 * measures["adjusted_ebitda"])
    trailing = measures["adjusted_ebitda"].rolling(4, min_periods=4).sum()
    ratios["ttm_leverage"] = measures["debt"] / trailing
    return ratios


@dataclass(frozen=True)
class Liquidity:
    """Cash and committed, undrawn borrowing at the filing's date (USD), each with its fact ids."""

    cash: float
    undrawn: float
    facts: tuple[str, ...]

    @property
    def total(self) -> float:
        return self.cash + self.undrawn


def liquidity_2025_06_30(ledger: Ledger) -> Liquidity:
    """Cash and restricted cash at 2025-06-30 (the filing does not split them in any readable copy) and the
    revolver's undrawn commitment. DDTL 2.0's draw period had ended; its later tranche was signed in September."""
    facts = ("cw_cash_and_restricted_total_2025q2", "cw_revolver_commitment_2025q2", "debt_revolver_balance_2025q2")
    undrawn = ledger.value("cw_revolver_commitment_2025q2") - ledger.value("debt_revolver_balance_2025q2")
    return Liquidity(cash=ledger.value(facts[0]), undrawn=undrawn, facts=facts)


# The cash-flow statement's lines for the nine months to 2025-09-30 (fact ids): where 2025's money came
# from and went, as filed, with nothing inferred.
CASH_FLOW_2025_9M = {
    "operating cash flow": "cw_ocf_2025_9m",
    "debt issued": "cw_debt_proceeds_2025_9m",
    "IPO proceeds (first quarter)": "cw_ipo_proceeds_cash_2025q1",
    "capital expenditure": "cw_capex_cash_2025_9m",
    "debt repaid": "cw_debt_repayments_2025_9m",
}


def sources_and_uses(ledger: Ledger) -> pd.DataFrame:
    """The filed 2025 cash flows (nine months) as sources and uses, USD; uses are positive amounts."""
    rows = []
    for label, fact in CASH_FLOW_2025_9M.items():
        value = abs(ledger.value(fact))
        side = "use" if label in ("capital expenditure", "debt repaid") else "source"
        rows.append({"flow": label, "side": side, "usd": value, "fact": fact})
    return pd.DataFrame(rows)


# What the reported quarters say about a MW: the anchors of the sweep's ranges

REPORTED_QUARTERS = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1")


def reported_unit_economics(ledger: Ledger):
    """Per reported quarter: revenue and adjusted EBITDA (USD, via :func:`reported_measures`),
    active power at the quarter's start and end (MW), MW added, revenue per average MW-year and the
    adjusted EBITDA margin. The quarter before 2025-Q1 ends with the S-1's active power at 2024-12-31."""
    measures, ids = reported_measures(ledger, REPORTED_QUARTERS)
    closing = [ledger.value(f"cw_active_power_{quarter_key(q)}") for q in REPORTED_QUARTERS]
    opening = [ledger.value("article_capex_active_mw"), *closing[:-1]]
    frame = pd.DataFrame(
        {
            "revenue": measures["revenue"],
            "adjusted_ebitda": measures["adjusted_ebitda"],
            "mw_opening": opening,
            "mw_closing": closing,
        },
        index=list(REPORTED_QUARTERS),
    )
    frame["mw_added"] = frame["mw_closing"] - frame["mw_opening"]
    frame["revenue_per_mw_year"] = frame["revenue"] * 4 / ((frame["mw_opening"] + frame["mw_closing"]) / 2)
    frame["ebitda_margin"] = frame["adjusted_ebitda"] / frame["revenue"]
    frame.attrs["facts"] = sorted(
        {i for column in ("revenue", "adjusted_ebitda") for i in ids[column] if i}
        | {f"cw_active_power_{quarter_key(q)}" for q in REPORTED_QUARTERS}
        | {"article_capex_active_mw"}
    )
    return frame


def capex_per_mw_bounds(ledger: Ledger) -> tuple[float, float]:
    """USD per MW brought into service: FY2025 capex over the MW added in 2025, and the top of the 2026
    capex guidance over the MW the company plans to add in 2026."""
    value = ledger.value
    added_2025 = value("cw_active_power_2025q4") - value("article_capex_active_mw")
    added_2026 = value("cw_active_power_target_ye2026") - value("cw_active_power_2025q4")
    return value("cw_capex_company_fy2025") / added_2025, value("cw_capex_guide_fy2026_high") / added_2026


CAPEX_FACTS = (
    "cw_capex_company_fy2025",
    "cw_active_power_2025q4",
    "article_capex_active_mw",
    "cw_active_power_target_ye2026",
    "cw_capex_guide_fy2026_high",
)
