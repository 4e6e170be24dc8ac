"""Cash without new financing: quarter by quarter, how long CoreWeave's cash would last.

The starting point is the cash reported at 2025-03-31 (after the IPO). Each later quarter adds the
cash that operations bring in and the DDTL 2.0 draws, and takes away the build-out of the remaining
contracted capacity and the two loans' debt service. No new loan, bond or share sale is assumed:
the question is when the company would need one. All functions take arrays with a leading scenario
axis and return (scenarios, 24) quarterly paths in USD, 2025-Q1 to 2030-Q4.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .data import Ledger
from .calendar import N_QUARTERS, index_label_or_never, quarter_index
from .debt import Terms
from .debt_surface import draw_coefficients, quarterly_service, service_coefficients

# Cash is known at 2025-03-31, so the first quarter that moves it is 2025-Q2.
FIRST_QUARTER = 1
# Years from the 2024-Q4 revenue run rate to the middle of each quarter from 2025-Q1.
_YEARS_AHEAD = (np.arange(N_QUARTERS) + 1) / 4
_QUARTER = np.arange(N_QUARTERS)


@dataclass(frozen=True)
class Starting:
    """What the liquidity model takes from the ledger and the debt chapter, not from the sweep."""

    cash: float
    quarterly_revenue: float
    remaining_mw: float
    partner_quarterly_revenue: float
    partner_start: int
    service: np.ndarray
    draws: np.ndarray

    @classmethod
    def from_ledger(cls, ledger: Ledger, debt_inputs: Mapping[str, float]) -> "Starting":
        terms = Terms.from_ledger(ledger)
        term_quarters = ledger.value("csci_cw_contract_term") * 4
        return cls(
            cash=ledger.value("capex_cash_2025q1"),
            quarterly_revenue=ledger.value("cw_revenue_2024q4"),
            remaining_mw=ledger.value("article_capex_contracted_mw") - ledger.value("article_capex_active_mw"),
            partner_quarterly_revenue=ledger.value("csci_cw_contract_value_total_2024") / term_quarters,
            partner_start=quarter_index(ledger.value("csci_cw_final_option_operational")),
            service=service_coefficients(debt_inputs, terms),
            draws=draw_coefficients(debt_inputs, terms),
        )


def _column(values) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(-1, 1)


def revenue_paths(start: Starting, revenue_growth, price_decline, partner_slip) -> np.ndarray:
    """Quarterly revenue: the 2024-Q4 run rate grown at ``revenue_growth`` a year and eroded by
    ``price_decline`` a year (GPU rental prices), plus the Core Scientific contracts' revenue from
    their operational date delayed by ``partner_slip`` quarters."""
    yearly = np.log1p(_column(revenue_growth)) + np.log1p(-_column(price_decline))
    revenue = np.exp(yearly * _YEARS_AHEAD)
    revenue *= start.quarterly_revenue
    revenue += (_QUARTER >= start.partner_start + _column(partner_slip)) * start.partner_quarterly_revenue
    return revenue


def build_out_paths(start: Starting, cost_per_mw, build_quarters) -> np.ndarray:
    """Capex to build the remaining contracted MW at ``cost_per_mw``, spread evenly over ``build_quarters``
    quarters from 2025-Q2."""
    quarters = _column(build_quarters)
    building = (_QUARTER >= FIRST_QUARTER) & (_QUARTER < FIRST_QUARTER + quarters)
    return building * (start.remaining_mw * _column(cost_per_mw) / quarters)


def sofr_paths(level, drift) -> np.ndarray:
    """SOFR each quarter: ``level`` moving by ``drift`` a year, never below zero."""
    return np.maximum(_column(level) + _column(drift) * _YEARS_AHEAD, 0.0)


@dataclass(frozen=True)
class Paths:
    """Quarterly paths of one batch of scenarios, USD, shaped (scenarios, 24)."""

    revenue: np.ndarray
    operating_cash: np.ndarray
    draws: np.ndarray
    capex: np.ndarray
    debt_service: np.ndarray
    cash: np.ndarray


def cash_paths(start: Starting, *, sofr_level, sofr_drift, ddtl2_drawn, ddtl2_rate, revenue_growth, price_decline,
               cash_margin, cost_per_mw, build_quarters, partner_slip) -> Paths:
    """Cash at the end of each quarter with no new financing (negative once it has run out)."""
    revenue = revenue_paths(start, revenue_growth, price_decline, partner_slip)
    operating = revenue * _column(cash_margin)
    drawn_bn = _column(ddtl2_drawn) / 1e9
    draws = start.draws[0] + start.draws[1] * drawn_bn
    capex = build_out_paths(start, cost_per_mw, build_quarters)
    service = quarterly_service(start.service, sofr_paths(sofr_level, sofr_drift), ddtl2_drawn, _column(ddtl2_rate))
    flow = operating + draws
    flow -= capex
    flow -= service
    flow[:, :FIRST_QUARTER] = 0.0
    cash = np.cumsum(flow, axis=1)
    cash += start.cash
    return Paths(revenue=revenue, operating_cash=operating, draws=draws, capex=capex, debt_service=service, cash=cash)


def first_shortfall(cash: np.ndarray) -> np.ndarray:
    """Index of the first quarter whose closing cash is below zero, or -1 where cash never runs out."""
    short = cash < 0
    return np.where(short.any(axis=1), short.argmax(axis=1), -1)


# The label of a first-shortfall index (-1: never), under the name the sweep uses.
quarter_name = index_label_or_never
