"""Funding need: quarter by quarter, how much money CoreWeave must borrow to build what it has contracted.

The model starts from the balance sheet filed for 2025-06-30 and runs to the end of 2031, the
horizon of the all-debt schedule (:mod:`runthenumbers.credit`). Each quarter:

- **capacity**: the power in service (MW) grows from the active power filed at the start toward the
  contracted power, at ``build_pace_mw`` a quarter for CoreWeave's own build and on Core Scientific's
  schedule (delayed by ``partner_slip`` quarters) for its sites; only ``backlog_conversion`` of the
  contracted-but-not-active power is ever built;
- **revenue** is the average power in service times ``revenue_per_mw_year`` / 4, eroded by
  ``price_decline`` a year as contracts reprice;
- **operating cash** is revenue times the margin before hosting, less the hosting fee on every MW in
  service (Core Scientific's fee per MW, the one filed price of hosting). The margin before hosting
  is the reported adjusted EBITDA margin (``ebitda_margin``, after hosting) plus what hosting costs
  per dollar of revenue at the starting price, so at that price the two agree; a price fall then
  hits harder, since hosting is paid per MW whatever the price;
- **capex** is ``capex_per_mw`` for every MW, paid ``CAPEX_LEAD`` quarter before it comes into service;
- **debt service** of every facility outstanding at 2025-06-30, and the notes issued after it, comes
  from the all-debt schedule; their proceeds come in when issued. Floating rates follow SOFR;
- **financing**: when cash would fall below the cash CoreWeave cannot spend (the restricted cash),
  the gap is drawn first from facilities committed by 2025-09-30 and then borrowed as new debt at
  ``new_debt_rate``; cash above that floor repays new debt first, then the facilities.

The peak of what is borrowed this way (committed draws plus new debt) is the *peak external funding
need*. A "no new financing" cash path is also returned: it runs short whenever the build-out costs
more than the cash on hand, which is true by construction and is not a finding.

Every array has a leading scenario axis: inputs are (scenarios,) and paths (scenarios, quarters).
Money in USD, power in MW, rates as annual fractions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import credit
from .data import Ledger

AS_OF = credit.FILING_2025_06_30.as_of
QUARTERS = credit.horizon(AS_OF)
N = len(QUARTERS)
YEARS = credit.years_of(QUARTERS)
YEAR_LABELS = tuple(int(y) for y in dict.fromkeys(YEARS))
# Capex is paid a quarter before the capacity it buys comes into service: construction in progress at
# 2025-12-31 ($9.4B, cw_cip_2025q4) was about one quarter of that quarter's capex ($8.2B, cw_capex_company_2025q4).
CAPEX_LEAD = 1
_T = np.arange(N)
_YEARS_IN = (_T + 0.5) / 4  # years from 2025-06-30 to the middle of each quarter


@dataclass(frozen=True)
class Facility:
    """A committed, undrawn facility the model may draw on: amount (USD) and margin over SOFR."""

    label: str
    amount: float
    margin: float
    facts: tuple[str, ...]


@dataclass(frozen=True)
class Starting:
    """What the funding model takes from the ledger and the all-debt schedule, not from the sweep."""

    cash: float
    minimum_cash: float
    active_mw: float
    contracted_mw: float
    partner_mw: float
    partner_quarters: int
    hosting_fee_per_mw_year: float
    sofr_reference: float
    committed: tuple[Facility, ...]
    service_base: np.ndarray  # (N,) all-debt service at the filed rates, USD
    service_per_sofr: np.ndarray  # (N,) extra service per 1.00 of SOFR change (floating balances / 4)
    scheduled_draws: np.ndarray  # (N,) proceeds of debt issued after the filing date, USD

    @property
    def committed_amount(self) -> float:
        return sum(f.amount for f in self.committed)

    @property
    def committed_margin(self) -> float:
        """The amount-weighted margin over SOFR of the committed facilities."""
        return sum(f.amount * f.margin for f in self.committed) / self.committed_amount if self.committed else 0.0

    @classmethod
    def from_ledger(cls, ledger: Ledger) -> "Starting":
        v = ledger.value
        sofr = v("debt_sofr_180d_avg_20250807")
        schedules = credit.facility_schedules(credit.FILING_2025_06_30, ledger, [0.0, 0.01])
        service = sum(s.debt_service for s in schedules)
        partner_end = credit.quarter_position(QUARTERS, v("csci_cw_final_option_operational"))
        committed = (
            Facility(
                "DDTL 2.0, $3.0B tranche (Fifth Amendment)",
                v("debt_ddtl21_commitment"),
                v("debt_ddtl21_margin"),
                ("debt_ddtl21_commitment", "debt_ddtl21_margin"),
            ),
            Facility(
                "DDTL 3.0",
                v("debt_ddtl3_commitment"),
                v("debt_ddtl3_margin"),
                ("debt_ddtl3_commitment", "debt_ddtl3_margin"),
            ),
            Facility(
                "Revolving credit facility, undrawn",
                v("cw_revolver_commitment_2025q2") - v("debt_revolver_balance_2025q2"),
                v("debt_revolver_effective_rate") - sofr,
                ("cw_revolver_commitment_2025q2", "debt_revolver_balance_2025q2", "debt_revolver_effective_rate"),
            ),
        )
        return cls(
            cash=v("cw_cash_and_restricted_total_2025q2"),
            minimum_cash=v("cw_restricted_cash_current_2025q3") + v("cw_restricted_cash_noncurrent_2025q3"),
            active_mw=v("cw_active_power_2025q2"),
            contracted_mw=v("cw_contracted_power_2025q2"),
            partner_mw=v("csci_cw_contracted_mw_total_2024"),
            partner_quarters=partner_end + 1,
            hosting_fee_per_mw_year=v("csci_cw_contract_value_total_2024")
            / v("csci_cw_contract_term")
            / v("csci_cw_contracted_mw_total_2024"),
            sofr_reference=sofr,
            committed=committed,
            service_base=service[0],
            service_per_sofr=(service[1] - service[0]) / 0.01,
            scheduled_draws=sum(s.draws for s in schedules),
        )


# Facts the model reads, for provenance.
FACTS = (
    "cw_cash_and_restricted_total_2025q2",
    "cw_restricted_cash_current_2025q3",
    "cw_restricted_cash_noncurrent_2025q3",
    "cw_active_power_2025q2",
    "cw_contracted_power_2025q2",
    "csci_cw_contracted_mw_total_2024",
    "csci_cw_final_option_operational",
    "csci_cw_contract_value_total_2024",
    "csci_cw_contract_term",
    "debt_sofr_180d_avg_20250807",
    "debt_ddtl21_commitment",
    "debt_ddtl3_commitment",
    "cw_revolver_commitment_2025q2",
    "debt_revolver_balance_2025q2",
    "debt_total_principal_2025q2",
)


def _column(values) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(-1, 1)


# The model computes with quarters along the first axis, (N, S), so that the quarter-by-quarter loop
# of the financing reads contiguous memory; the public functions return (S, N) views of the same arrays.
def _row(values) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(1, -1)


_T_COLUMN = _T.reshape(-1, 1)
_YEARS_COLUMN = _YEARS_IN.reshape(-1, 1)


def _capacity(start: Starting, build_pace_mw, backlog_conversion, partner_slip) -> tuple[np.ndarray, np.ndarray]:
    conversion = _row(backlog_conversion)
    remaining = (start.contracted_mw - start.active_mw) * conversion
    partner_total = np.minimum(start.partner_mw * conversion, remaining)
    own = np.minimum(_row(build_pace_mw) * (_T_COLUMN + 1), remaining - partner_total)
    delivered_quarters = np.clip(_T_COLUMN + 1 - _row(partner_slip), 0, start.partner_quarters)
    partner = partner_total * (delivered_quarters / start.partner_quarters)
    own += partner
    own += start.active_mw
    return own, partner


def capacity_paths(start: Starting, build_pace_mw, backlog_conversion, partner_slip) -> tuple[np.ndarray, np.ndarray]:
    """Power in service at the end of each quarter, and the Core Scientific part of it (MW, (S, N) each).

    Core Scientific's share of the remaining capacity arrives in equal parts each quarter up to its
    scheduled final date, each part ``partner_slip`` quarters late; the rest is built at
    ``build_pace_mw`` a quarter from 2025-Q3 until done. Both parts are scaled by ``backlog_conversion``.
    """
    online, partner = _capacity(start, build_pace_mw, backlog_conversion, partner_slip)
    return online.T, partner.T


def _average(closing: np.ndarray, opening: float) -> np.ndarray:
    average = np.empty_like(closing)
    average[0] = opening
    average[1:] = closing[:-1]
    average += closing
    average *= 0.5
    return average


def average_in_quarter(closing: np.ndarray, opening: float) -> np.ndarray:
    """The average of each quarter's opening and closing values, (S, N); ``opening`` is the first quarter's."""
    return _average(np.asarray(closing, dtype=float).T, opening).T


def _revenue(online_average: np.ndarray, revenue_per_mw_year, price_decline) -> np.ndarray:
    erosion = np.exp(np.log1p(-_row(price_decline)) * _YEARS_COLUMN)
    erosion *= _row(revenue_per_mw_year) / 4
    erosion *= online_average
    return erosion


def revenue_paths(online_average: np.ndarray, revenue_per_mw_year, price_decline) -> np.ndarray:
    """Revenue a quarter (USD, (S, N)): MW in service on average times revenue per MW-year / 4, eroded
    by ``price_decline`` a year from mid-2025."""
    return _revenue(np.asarray(online_average, dtype=float).T, revenue_per_mw_year, price_decline).T


def _operating(revenue, online_average, margin_before_hosting, hosting_fee_per_mw_year) -> np.ndarray:
    return revenue * _row(margin_before_hosting) - online_average * (_row(hosting_fee_per_mw_year) / 4)


def operating_cash_paths(
    revenue: np.ndarray, online_average: np.ndarray, margin_before_hosting, hosting_fee_per_mw_year
) -> np.ndarray:
    """Operating cash a quarter (USD, (S, N)): revenue times the margin before hosting, less the hosting fee on every MW."""
    return _operating(
        np.asarray(revenue, dtype=float).T,
        np.asarray(online_average, dtype=float).T,
        margin_before_hosting,
        hosting_fee_per_mw_year,
    ).T


def _capex(online: np.ndarray, start_mw: float, capex_per_mw) -> np.ndarray:
    spend = np.zeros_like(online)
    # Capacity that comes into service in quarter t + CAPEX_LEAD is paid for in quarter t; what comes
    # in the first quarter was paid before the start, and what comes after the horizon is not in it.
    spend[: N - CAPEX_LEAD] = online[CAPEX_LEAD:]
    spend[: N - CAPEX_LEAD] -= online[: N - CAPEX_LEAD]
    spend *= _row(capex_per_mw)
    return spend


def capex_paths(online: np.ndarray, start_mw: float, capex_per_mw) -> np.ndarray:
    """Capex a quarter (USD, (S, N)): ``capex_per_mw`` for each MW added, paid CAPEX_LEAD quarter(s) earlier."""
    return _capex(np.asarray(online, dtype=float).T, start_mw, capex_per_mw).T


def _sofr(sofr, sofr_drift) -> np.ndarray:
    return np.maximum(_row(sofr) + _row(sofr_drift) * _YEARS_COLUMN, 0.0)


def sofr_paths(sofr, sofr_drift) -> np.ndarray:
    """SOFR each quarter, (S, N): ``sofr`` moving by ``sofr_drift`` a year, never below zero."""
    return _sofr(sofr, sofr_drift).T


@dataclass(frozen=True)
class Paths:
    """Quarterly paths of one batch of scenarios, USD, shaped (scenarios, N)."""

    online: np.ndarray
    revenue: np.ndarray
    operating_cash: np.ndarray
    capex: np.ndarray
    scheduled_service: np.ndarray  # the all-debt schedule's interest and principal at these SOFR paths
    interest_on_borrowing: np.ndarray  # interest on what the model draws and borrows
    before_financing: np.ndarray  # operating cash - capex - scheduled service + scheduled proceeds
    borrowed: np.ndarray  # committed draws plus new debt at the end of each quarter
    committed_amount: float
    start_cash: float
    floor: float

    @property
    def debt_service(self) -> np.ndarray:
        return self.scheduled_service + self.interest_on_borrowing

    @property
    def committed_drawn(self) -> np.ndarray:
        return np.minimum(self.borrowed, self.committed_amount)

    @property
    def new_debt(self) -> np.ndarray:
        return self.borrowed - self.committed_drawn

    @property
    def cash(self) -> np.ndarray:
        """Cash at the end of each quarter, with the borrowing: never below the floor."""
        return np.maximum(
            self.start_cash + np.cumsum(self.before_financing - self.interest_on_borrowing, axis=1), self.floor
        )

    @property
    def cash_without_financing(self) -> np.ndarray:
        """Cash with no borrowing beyond the filed schedule: short by construction while the build-out runs."""
        return self.start_cash + np.cumsum(self.before_financing, axis=1)


def funding_paths(
    start: Starting,
    *,
    sofr,
    sofr_drift,
    revenue_per_mw_year,
    ebitda_margin,
    price_decline,
    capex_per_mw,
    build_pace_mw,
    backlog_conversion,
    partner_slip,
    new_debt_rate,
    hosting_fee_per_mw_year=None,
) -> Paths:
    """Every quarter's flows and the borrowing that keeps cash at its floor (see the module's docstring)."""
    fee = start.hosting_fee_per_mw_year if hosting_fee_per_mw_year is None else hosting_fee_per_mw_year
    online, _ = _capacity(start, build_pace_mw, backlog_conversion, partner_slip)
    average = _average(online, start.active_mw)
    revenue = _revenue(average, revenue_per_mw_year, price_decline)
    # The reported margin is after hosting; hosting's share of revenue at the starting price is added back.
    margin_before_hosting = _row(ebitda_margin) + _row(fee) / _row(revenue_per_mw_year)
    operating = _operating(revenue, average, margin_before_hosting, fee)
    capex = _capex(online, start.active_mw, capex_per_mw)
    rates = _sofr(sofr, sofr_drift)
    scheduled = start.service_per_sofr.reshape(-1, 1) * (rates - start.sofr_reference)
    scheduled += start.service_base.reshape(-1, 1)
    flows = operating - capex
    flows -= scheduled
    flows += start.scheduled_draws.reshape(-1, 1)

    # Committed facilities are drawn before new debt and repaid after it, so whatever is borrowed in
    # all, B, splits as min(B, committed) and the rest; net cash P (cash less borrowing) then carries
    # the whole state: B = max(floor - P, 0) and cash = max(P, floor).
    scenarios = flows.shape[1]
    committed_rate = (rates + start.committed_margin) / 4
    new_rate = np.broadcast_to(_row(new_debt_rate) / 4, (1, scenarios))[0].copy()
    floor, capacity = start.minimum_cash, start.committed_amount
    net = np.full(scenarios, start.cash)
    borrowed, interest = np.zeros((N, scenarios)), np.zeros((N, scenarios))
    owed = np.zeros(scenarios)
    committed = np.empty(scenarios)
    for t in range(N):
        np.minimum(owed, capacity, out=committed)
        paid = interest[t]
        np.multiply(committed, committed_rate[t], out=paid)
        paid += (owed - committed) * new_rate
        net += flows[t]
        net -= paid
        np.maximum(floor - net, 0.0, out=owed)
        borrowed[t] = owed
    return Paths(
        online=online.T,
        revenue=revenue.T,
        operating_cash=operating.T,
        capex=capex.T,
        scheduled_service=scheduled.T,
        interest_on_borrowing=interest.T,
        before_financing=flows.T,
        borrowed=borrowed.T,
        committed_amount=capacity,
        start_cash=start.cash,
        floor=floor,
    )


_YEAR_STARTS = np.array([int(np.argmax(YEARS == year)) for year in YEAR_LABELS])


def by_year(quarterly: np.ndarray) -> np.ndarray:
    """Quarterly values (S, N) summed by calendar year: (S, years), the first year from 2025-Q3."""
    # Summed along the quarters' own memory order: the model's paths are (S, N) views of (N, S) arrays.
    return np.add.reduceat(np.asarray(quarterly).T, _YEAR_STARTS, axis=0).T


def first_shortfall(cash: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Index of the first quarter whose closing cash is below ``floor``, or -1 where it never is."""
    short = np.asarray(cash).T < floor
    return np.where(short.any(axis=0), short.argmax(axis=0), -1)


def quarter_name(index: int) -> str:
    """The label of a quarter index of :data:`QUARTERS` (-1: never)."""
    return "never" if index < 0 else QUARTERS[index]
