"""Funding need: quarter by quarter, how much money CoreWeave must borrow to build what it has contracted.

The model starts from the balance sheet of the all-debt schedule's filing (:data:`FILING`, 2025-06-30)
and runs over that schedule's horizon, to the end of 2031 (:data:`HORIZON`). Each quarter:

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
  from the all-debt schedule's exact linear form in SOFR (:func:`runthenumbers.credit.service_surface`);
  their proceeds come in when issued. Floating rates follow SOFR;
- **financing**: when cash would fall below the cash CoreWeave cannot spend (the restricted cash),
  the gap is drawn first from facilities committed by 2025-09-30 and then borrowed as new debt at
  ``new_debt_rate``; cash above that floor repays new debt first, then the facilities.

The peak of what is borrowed this way (committed draws plus new debt) is the *peak external funding
need*. The flows before any financing are also returned, so the sweep can say when cash would run
short with no new financing: whenever the build-out costs more than the cash on hand, which is true
by construction and is not a finding.

Every array has a leading scenario axis: inputs are (scenarios,) and paths (scenarios, quarters).
Money in USD, power in MW, rates as annual fractions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import credit
from .calendar import QUARTERS_PER_YEAR
from .data import Ledger

# The balance sheet the model starts from; its horizon is the all-debt schedule's.
FILING = credit.FILING_2025_06_30
HORIZON = FILING.horizon
# Capex is paid a quarter before the capacity it buys comes into service: construction in progress at
# 2025-12-31 ($9.4B, cw_cip_2025q4) was about one quarter of that quarter's capex ($8.2B, cw_capex_company_2025q4).
CAPEX_LEAD = 1


@dataclass(frozen=True)
class Facility:
    """A committed, undrawn facility the model may draw on: amount (USD) and margin over SOFR."""

    label: str
    amount: float
    margin: float
    facts: tuple[str, ...]


@dataclass(frozen=True)
class FundingStart:
    """Where the funding model starts: the balance sheet, the power built and contracted, the committed
    facilities and the all-debt schedule at :data:`FILING`'s date, from the ledger; the sweep varies none of it."""

    cash: float
    minimum_cash: float
    active_mw: float
    contracted_mw: float
    partner_mw: float
    partner_quarters: int
    hosting_fee_per_mw_year: float
    sofr_reference: float
    committed: tuple[Facility, ...]
    # The all-debt schedule's service in SOFR, and the proceeds of the debt issued after the filing date.
    debt: credit.ServiceSurface
    # The same schedule's interest (base and per 1.00 of SOFR change) and its outstanding principal at the
    # end of each quarter, (quarters,) USD: the forward credit path's debt and interest before new borrowing.
    scheduled_interest: np.ndarray
    scheduled_interest_per_sofr: np.ndarray
    scheduled_debt: np.ndarray
    # Operating lease liabilities (the filed present value) and the filed lease payments by calendar year,
    # for the lease-adjusted leverage: (debt + leases) / (EBITDA + that year's lease payments).
    lease_liability: float
    lease_payments: dict[int, float]

    @property
    def committed_amount(self) -> float:
        return sum(f.amount for f in self.committed)

    @property
    def committed_margin(self) -> float:
        """The amount-weighted margin over SOFR of the committed facilities."""
        return sum(f.amount * f.margin for f in self.committed) / self.committed_amount if self.committed else 0.0

    @classmethod
    def from_ledger(cls, ledger: Ledger) -> "FundingStart":
        value = ledger.value
        sofr = value(credit.SOFR_REFERENCE)
        partner_end = HORIZON.index(value("csci_cw_final_option_operational"))
        committed = (
            Facility(
                "DDTL 2.0, $3.0B tranche (Fifth Amendment)",
                value("debt_ddtl21_commitment"),
                value("debt_ddtl21_margin"),
                ("debt_ddtl21_commitment", "debt_ddtl21_margin"),
            ),
            Facility(
                "DDTL 3.0",
                value("debt_ddtl3_commitment"),
                value("debt_ddtl3_margin"),
                ("debt_ddtl3_commitment", "debt_ddtl3_margin"),
            ),
            Facility(
                "Revolving credit facility, undrawn",
                value("cw_revolver_commitment_2025q2") - value("debt_revolver_balance_2025q2"),
                value("debt_revolver_effective_rate") - sofr,
                ("cw_revolver_commitment_2025q2", "debt_revolver_balance_2025q2", "debt_revolver_effective_rate"),
            ),
        )
        return cls(
            cash=value("cw_cash_and_restricted_total_2025q2"),
            minimum_cash=value("cw_restricted_cash_current_2025q3") + value("cw_restricted_cash_noncurrent_2025q3"),
            active_mw=value("cw_active_power_2025q2"),
            contracted_mw=value("cw_contracted_power_2025q2"),
            partner_mw=value("csci_cw_contracted_mw_total_2024"),
            partner_quarters=partner_end + 1,
            hosting_fee_per_mw_year=value("csci_cw_contract_value_total_2024")
            / value("csci_cw_contract_term")
            / value("csci_cw_contracted_mw_total_2024"),
            sofr_reference=sofr,
            committed=committed,
            debt=credit.service_surface(FILING, ledger),
            **_schedule_parts(ledger),
            lease_liability=value("debt_lease_pv_2025q1"),
            lease_payments={
                2026: value("debt_lease_op_payments_2026_2025q1"),
                2027: value("debt_lease_op_payments_2027_2025q1"),
                2028: value("debt_lease_op_payments_2028_2025q1"),
            },
        )


def _schedule_parts(ledger: Ledger) -> dict[str, np.ndarray]:
    """The all-debt schedule's interest in SOFR and its closing principal, read off the full model at two SOFR changes."""
    schedules = credit.facility_schedules(FILING, ledger, [0.0, credit.SURFACE_STEP])
    interest = sum(s.interest + s.fees for s in schedules)
    return {
        "scheduled_interest": interest[0],
        "scheduled_interest_per_sofr": (interest[1] - interest[0]) / credit.SURFACE_STEP,
        "scheduled_debt": sum(s.closing for s in schedules),
    }


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
    "debt_lease_pv_2025q1",
    "debt_lease_op_payments_2026_2025q1",
    "debt_lease_op_payments_2027_2025q1",
    "debt_lease_op_payments_2028_2025q1",
)


# The model computes with quarters along the first axis, (quarters, scenarios), so that the quarter-by-quarter
# loop of the financing reads contiguous memory; the public functions return (scenarios, quarters) views of the
# same arrays.
def _row(values) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(1, -1)


# Each quarter's index, and the years from the start to the middle of each quarter, as (quarters, 1) columns.
_QUARTER_COLUMN = HORIZON.indices.reshape(-1, 1)
_YEARS_TO_MID_QUARTER = ((HORIZON.indices + 0.5) / QUARTERS_PER_YEAR).reshape(-1, 1)


def _capacity(start: FundingStart, build_pace_mw, backlog_conversion, partner_slip) -> tuple[np.ndarray, np.ndarray]:
    conversion = _row(backlog_conversion)
    remaining = (start.contracted_mw - start.active_mw) * conversion
    partner_total = np.minimum(start.partner_mw * conversion, remaining)
    own = np.minimum(_row(build_pace_mw) * (_QUARTER_COLUMN + 1), remaining - partner_total)
    delivered_quarters = np.clip(_QUARTER_COLUMN + 1 - _row(partner_slip), 0, start.partner_quarters)
    partner = partner_total * (delivered_quarters / start.partner_quarters)
    own += partner
    own += start.active_mw
    return own, partner


def _average(closing: np.ndarray, opening: float) -> np.ndarray:
    average = np.empty_like(closing)
    average[0] = opening
    average[1:] = closing[:-1]
    average += closing
    average *= 0.5
    return average


def _revenue(online_average: np.ndarray, revenue_per_mw_year, price_decline) -> np.ndarray:
    erosion = np.exp(np.log1p(-_row(price_decline)) * _YEARS_TO_MID_QUARTER)
    erosion *= _row(revenue_per_mw_year) / 4
    erosion *= online_average
    return erosion


def _operating(revenue, online_average, margin_before_hosting, hosting_fee_per_mw_year) -> np.ndarray:
    return revenue * _row(margin_before_hosting) - online_average * (_row(hosting_fee_per_mw_year) / 4)


def operating_cash_paths(
    revenue: np.ndarray, online_average: np.ndarray, margin_before_hosting, hosting_fee_per_mw_year
) -> np.ndarray:
    """Operating cash a quarter (USD, (scenarios, quarters)): revenue times the margin before hosting, less the hosting fee on every MW."""
    return _operating(
        np.asarray(revenue, dtype=float).T,
        np.asarray(online_average, dtype=float).T,
        margin_before_hosting,
        hosting_fee_per_mw_year,
    ).T


def _capex(online: np.ndarray, capex_per_mw) -> np.ndarray:
    spend = np.zeros_like(online)
    # Capacity that comes into service in quarter t + CAPEX_LEAD is paid for in quarter t; what comes
    # in the first quarter was paid before the start, and what comes after the horizon is not in it.
    last = len(HORIZON) - CAPEX_LEAD
    spend[:last] = online[CAPEX_LEAD:]
    spend[:last] -= online[:last]
    spend *= _row(capex_per_mw)
    return spend


def _sofr(sofr, sofr_drift) -> np.ndarray:
    return np.maximum(_row(sofr) + _row(sofr_drift) * _YEARS_TO_MID_QUARTER, 0.0)


@dataclass(frozen=True)
class Paths:
    """Quarterly paths of one batch of scenarios over :data:`HORIZON`, USD, shaped (scenarios, quarters)."""

    online: np.ndarray
    revenue: np.ndarray
    operating_cash: np.ndarray
    capex: np.ndarray
    scheduled_service: np.ndarray  # the all-debt schedule's interest and principal at these SOFR paths
    scheduled_interest: np.ndarray  # the interest (and fees) part of it
    interest_on_borrowing: np.ndarray  # interest on what the model draws and borrows
    before_financing: np.ndarray  # operating cash - capex - scheduled service + scheduled proceeds
    borrowed: np.ndarray  # committed draws plus new debt at the end of each quarter
    committed_amount: float
    start_cash: float
    floor: float
    scheduled_debt: np.ndarray  # (quarters,): the all-debt schedule's principal outstanding at each quarter's end

    @property
    def interest(self) -> np.ndarray:
        """All interest paid each quarter: the schedule's and that on what the model draws and borrows."""
        return self.scheduled_interest + self.interest_on_borrowing

    @property
    def debt(self) -> np.ndarray:
        """Debt outstanding at each quarter's end: the schedule's principal plus what the model has borrowed."""
        return self.scheduled_debt + self.borrowed

    @property
    def debt_service(self) -> np.ndarray:
        return self.scheduled_service + self.interest_on_borrowing

    @property
    def committed_drawn(self) -> np.ndarray:
        return np.minimum(self.borrowed, self.committed_amount)

    @property
    def cash(self) -> np.ndarray:
        """Cash at the end of each quarter, with the borrowing: never below the floor."""
        return np.maximum(
            self.start_cash + np.cumsum(self.before_financing - self.interest_on_borrowing, axis=1), self.floor
        )


def funding_paths(
    start: FundingStart,
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
    capex = _capex(online, capex_per_mw)
    rates = _sofr(sofr, sofr_drift)
    scheduled = start.debt.per_sofr.reshape(-1, 1) * (rates - start.sofr_reference)
    scheduled += start.debt.base.reshape(-1, 1)
    scheduled_interest = start.scheduled_interest_per_sofr.reshape(-1, 1) * (rates - start.sofr_reference)
    scheduled_interest += start.scheduled_interest.reshape(-1, 1)
    flows = operating - capex
    flows -= scheduled
    flows += start.debt.proceeds.reshape(-1, 1)

    # Committed facilities are drawn before new debt and repaid after it, so whatever is borrowed in
    # all, B, splits as min(B, committed) and the rest; net cash P (cash less borrowing) then carries
    # the whole state: B = max(floor - P, 0) and cash = max(P, floor).
    scenarios = flows.shape[1]
    committed_rate = (rates + start.committed_margin) / 4
    new_rate = np.broadcast_to(_row(new_debt_rate) / 4, (1, scenarios))[0].copy()
    floor, capacity = start.minimum_cash, start.committed_amount
    net = np.full(scenarios, start.cash)
    borrowed, interest = np.zeros((len(HORIZON), scenarios)), np.zeros((len(HORIZON), scenarios))
    owed = np.zeros(scenarios)
    committed = np.empty(scenarios)
    for t in range(len(HORIZON)):
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
        scheduled_interest=scheduled_interest.T,
        interest_on_borrowing=interest.T,
        before_financing=flows.T,
        borrowed=borrowed.T,
        committed_amount=capacity,
        start_cash=start.cash,
        floor=floor,
        scheduled_debt=start.scheduled_debt,
    )


# The years of the forward credit path, and its measures (see :func:`credit_path`).
CREDIT_YEARS = (2026, 2027, 2028)
CREDIT_MEASURES = (
    "leverage",
    "net_leverage",
    "lease_adjusted_leverage",
    "interest_cover",
    "capex_interest_cover",
    "free_cash_flow",
)


def credit_path(paths: Paths, start: FundingStart, years: tuple[int, ...] = CREDIT_YEARS) -> dict[str, np.ndarray]:
    """Each scenario's credit measures for each of ``years``, (scenarios, years), as an agency computes them:

    - ``leverage``: debt at the year's end (the schedule's principal plus what the model borrowed) / the
      year's EBITDA (operating cash);
    - ``net_leverage``: that debt less the year-end cash, / EBITDA;
    - ``lease_adjusted_leverage``: (debt + the filed operating lease liabilities) / (EBITDA + the year's
      filed lease payments), EBITDAR;
    - ``interest_cover``: EBITDA / all interest paid in the year; ``capex_interest_cover``: (EBITDA - capex) / interest;
    - ``free_cash_flow``: EBITDA - interest - capex, USD (no cash taxes: the company has losses to offset).

    A ratio over EBITDA that is zero or negative is infinite (no multiple of earnings repays the debt).
    """
    cash = paths.cash
    out: dict[str, list[np.ndarray]] = {m: [] for m in CREDIT_MEASURES}
    for year in years:
        span = HORIZON.in_year(year)
        end = span.stop - 1
        ebitda = paths.operating_cash[:, span].sum(axis=1)
        interest = paths.interest[:, span].sum(axis=1)
        capex = paths.capex[:, span].sum(axis=1)
        debt = start.scheduled_debt[end] + paths.borrowed[:, end]
        ebitdar = ebitda + start.lease_payments.get(year, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["leverage"].append(np.where(ebitda > 0, debt / ebitda, np.inf))
            out["net_leverage"].append(np.where(ebitda > 0, (debt - cash[:, end]) / ebitda, np.inf))
            out["lease_adjusted_leverage"].append(
                np.where(ebitdar > 0, (debt + start.lease_liability) / ebitdar, np.inf)
            )
            out["interest_cover"].append(np.where(interest > 0, ebitda / interest, np.inf))
            out["capex_interest_cover"].append(np.where(interest > 0, (ebitda - capex) / interest, np.inf))
        out["free_cash_flow"].append(ebitda - interest - capex)
    return {m: np.stack(v, axis=1) for m, v in out.items()}


def first_shortfall(cash: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Index of the first quarter whose closing cash is below ``floor``, or -1 where it never is."""
    short = np.asarray(cash).T < floor
    return np.where(short.any(axis=0), short.argmax(axis=0), -1)
