"""Funding need: quarter by quarter, how much money CoreWeave must borrow to build what it has contracted.

The model starts at the latest debt stack the credit model builds (:data:`START`, 2025-12-31: every
instrument's balance, :func:`runthenumbers.credit.stack_at`), with the cash, power in service and
committed undrawn facilities of that date, and runs to the end of 2031 (:data:`HORIZON`). Each quarter:

- **capacity**: the power in service (MW) follows what CoreWeave reported for the quarters after the
  start (:data:`REPORTED_POWER`), then grows toward the power contracted at the last of them, at
  ``build_pace_mw`` a quarter for CoreWeave's own build and on Core Scientific's schedule (delayed by
  ``partner_slip`` quarters) for its sites; only ``backlog_conversion`` of the contracted-but-not-active
  power is built;
- **revenue** comes in two parts: ``contracted_share`` of each MW's revenue is take-or-pay at the
  contract price (the starting ``revenue_per_mw_year``) for ``contract_tenor_years`` from the quarter it
  comes into service; the rest, and all of it once its contract ends, earns a re-priced price that
  falls by ``price_decline`` a year;
- **operating cash** is revenue times the margin before hosting, less the hosting fee on every MW in
  service (Core Scientific's fee per MW, the one filed price of hosting). The margin before hosting
  is the reported adjusted EBITDA margin (``ebitda_margin``, after hosting) plus what hosting costs
  per dollar of revenue at the starting price, so at that price the two agree; a price fall then
  hits harder, since hosting is paid per MW whatever the price;
- **capex** is ``capex_per_mw`` for every MW added, and again for every MW whose GPUs reach
  ``useful_life_years``, paid ``CAPEX_LEAD`` quarter ahead;
- **debt service** of every instrument of the latest stack comes from its schedule's exact linear form
  in SOFR (:func:`runthenumbers.credit.latest_service_surface`). Floating rates follow SOFR;
- **financing**: when cash would fall below the cash CoreWeave cannot spend (the restricted cash),
  the gap is drawn first from the committed undrawn facilities and then borrowed as new debt at
  ``new_debt_rate``, up to ``lending_capacity`` a quarter and none from ``markets_close_quarter``;
  cash above that floor repays new debt first, then the facilities. Where lending runs out, capex is
  cut and the MW it would have bought are not built.

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

# The date the model starts from, the latest debt stack the credit model builds (2025-12-31), and its horizon
# (2026-Q1 to 2031-Q4). FILING, the last full filing's debt schedule, is kept for what reads it.
START = credit.LATEST_AS_OF
FILING = credit.FILING_2025_06_30
HORIZON = credit.latest_horizon()
# A facility committed in the first quarter of the horizon, counted as committed from the start: DDTL 4.0,
# closed on 31 March 2026.
FIRST_QUARTER_END = "2026-03-31"
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
    # Active power reported at the end of each quarter after the start (2025-Q3 to 2026-Q1): the model's
    # capacity follows them, and its own build starts after the last; contracted_mw is the latest contracted.
    reported_mw: tuple[float, ...]
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
        reported = tuple(value(f) for f in REPORTED_POWER)
        committed = _committed(ledger)
        return cls(
            cash=value(START_CASH),
            minimum_cash=value("cw_restricted_cash_current_2025q3") + value("cw_restricted_cash_noncurrent_2025q3"),
            active_mw=value(START_POWER),
            contracted_mw=value("cw_contracted_power_2026q1"),
            # Core Scientific's sites not yet energized at March 2026, delivered from the quarter after the
            # reported ones to the last option's date.
            partner_mw=value("csci_cw_contracted_mw_total_2024") - value("csci_cw_energized_mw_2026_03"),
            partner_quarters=max(partner_end + 1 - len(reported), 1),
            reported_mw=reported,
            hosting_fee_per_mw_year=value("csci_cw_contract_value_total_2024")
            / value("csci_cw_contract_term")
            / value("csci_cw_contracted_mw_total_2024"),
            sofr_reference=sofr,
            committed=committed,
            debt=credit.latest_service_surface(ledger),
            **_schedule_parts(ledger),
            lease_liability=value("debt_lease_pv_2025q1"),
            lease_payments={
                2026: value("debt_lease_op_payments_2026_2025q1"),
                2027: value("debt_lease_op_payments_2027_2025q1"),
                2028: value("debt_lease_op_payments_2028_2025q1"),
            },
        )


def _committed(ledger: Ledger) -> tuple[Facility, ...]:
    """Every facility of the latest stack with an undrawn commitment at its date, and DDTL 4.0 (committed on
    the first quarter's last day): commitment less the stack's balance, at its rate over the reference SOFR."""
    value = ledger.value
    stack = credit.stack_at(ledger, START)
    held = {p.key: p.balance for p in stack.positions}
    out = []
    for instrument in credit.INSTRUMENTS:
        fact = (instrument.commitment or {}).get(START) or (instrument.commitment or {}).get(FIRST_QUARTER_END)
        if not fact or not instrument.scheduled:
            continue
        undrawn = value(fact) - held.get(instrument.key, 0.0)
        if undrawn <= 0:
            continue
        rate, _, rate_fact = credit._rate(instrument, ledger)
        out.append(
            Facility(
                f"{instrument.label}, undrawn",
                undrawn,
                rate - value(credit.SOFR_REFERENCE),
                (fact, rate_fact, *(f for p in stack.positions if p.key == instrument.key for f in p.facts)),
            )
        )
    return tuple(out)


def _schedule_parts(ledger: Ledger) -> dict[str, np.ndarray]:
    """The latest stack's interest in SOFR and its closing principal, read off the full model at two SOFR changes."""
    schedules = credit.latest_schedules(ledger, [0.0, credit.SURFACE_STEP])
    interest = sum(s.interest + s.fees for s in schedules)
    return {
        "scheduled_interest": interest[0],
        "scheduled_interest_per_sofr": (interest[1] - interest[0]) / credit.SURFACE_STEP,
        "scheduled_debt": sum(s.closing for s in schedules),
    }


# Cash at the start (cash, cash equivalents, restricted cash and marketable securities, Q4 2025 call) and the
# power in service then; active power at the end of the quarters reported after the start (2026-Q1).
START_CASH = "cw_cash_and_securities_2025q4_call"
START_POWER = "cw_active_power_2025q4"
REPORTED_POWER = ("cw_active_power_2026q1",)

# Facts the model reads, for provenance.
FACTS = (
    *REPORTED_POWER,
    "cw_contracted_power_2026q1",
    "csci_cw_energized_mw_2026_03",
    START_CASH,
    START_POWER,
    "cw_restricted_cash_current_2025q3",
    "cw_restricted_cash_noncurrent_2025q3",
    "csci_cw_contracted_mw_total_2024",
    "csci_cw_final_option_operational",
    "csci_cw_contract_value_total_2024",
    "csci_cw_contract_term",
    "debt_sofr_180d_avg_20250807",
    "debt_ddtl21_commitment",
    "debt_ddtl3_commitment",
    "debt_ddtl4_commitment",
    "debt_revolver_commitment_2025q4_call",
    "debt_oem_new_available_2025_05",
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


def _capacity(start: FundingStart, build_pace_mw, backlog_conversion, partner_slip) -> np.ndarray:
    """Active power at the end of each quarter (MW): the reported quarters, then the build toward the contracted power."""
    reported = len(start.reported_mw)
    latest = start.reported_mw[-1] if reported else start.active_mw
    conversion = _row(backlog_conversion)
    remaining = np.maximum(start.contracted_mw - latest, 0.0) * conversion
    partner_total = np.minimum(start.partner_mw * conversion, remaining)
    built = np.maximum(_QUARTER_COLUMN + 1 - reported, 0)  # quarters of the model's own build, by each quarter's end
    online = np.minimum(_row(build_pace_mw) * built, remaining - partner_total)
    delivered = np.clip(built - _row(partner_slip), 0, start.partner_quarters)
    online += partner_total * (delivered / start.partner_quarters)
    online += latest
    if reported:
        online[:reported] = np.asarray(start.reported_mw, dtype=float).reshape(-1, 1)
    return online


def _average(closing: np.ndarray, opening: float) -> np.ndarray:
    average = np.empty_like(closing)
    average[0] = opening
    average[1:] = closing[:-1]
    average += closing
    average *= 0.5
    return average


def _shifted(path: np.ndarray, lag) -> np.ndarray:
    """``path`` (quarters, S) ``lag`` quarters earlier, per scenario (zero before the start)."""
    lag = np.broadcast_to(np.asarray(lag, dtype=np.int64).reshape(-1), (path.shape[1],))
    out = np.zeros_like(path)
    first, last = int(lag.min()), int(lag.max())
    if first >= len(path):
        return out
    if first == last:  # one lag for every scenario: a slice
        out[first:] = path[: len(path) - first]
        return out
    # Only the quarters at or after the shortest lag can hold anything.
    rows = _QUARTER_COLUMN[first:]
    index = rows - lag.reshape(1, -1)
    out[first:] = np.take_along_axis(path, np.maximum(index, 0), axis=0)
    out[first:][index < 0] = 0.0
    return out


def _quarters(years) -> np.ndarray:
    return np.maximum(np.rint(np.asarray(years, dtype=float) * QUARTERS_PER_YEAR), 1).astype(np.int64)


def _erosion(price_decline) -> np.ndarray:
    """The re-priced (spot) price of a MW against the starting price, each quarter: (1 - decline) ** years."""
    return np.exp(np.log1p(-_row(price_decline)) * _YEARS_TO_MID_QUARTER)


def _revenue(
    start: FundingStart, online_average, revenue_per_mw_year, price_decline, contracted_share, contract_tenor_years
) -> tuple[np.ndarray, np.ndarray]:
    """Revenue a quarter, and the price of the power whose contracts have ended (the erosion), (quarters, S).

    ``contracted_share`` of each MW's revenue is take-or-pay at the contract price (the starting price) for
    ``contract_tenor_years`` from the quarter it comes into service; the rest, and all of it once its contract
    ends, earns the re-priced price, which falls by ``price_decline`` a year from the start. The power active
    at the start is under contracts that end evenly over one tenor.
    """
    tenor = _quarters(contract_tenor_years)
    added = online_average - start.active_mw
    under_contract = added - _shifted(added, tenor)
    under_contract += start.active_mw * np.clip(1 - (_QUARTER_COLUMN + 0.5) / _row(tenor), 0.0, 1.0)
    under_contract *= _row(contracted_share)
    erosion = _erosion(price_decline)
    revenue = (online_average - under_contract) * erosion
    revenue += under_contract
    revenue *= _row(revenue_per_mw_year) / 4
    return revenue, erosion


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


def _additions(start: FundingStart, online: np.ndarray) -> np.ndarray:
    """MW that come into service in each quarter (quarters, S)."""
    added = np.empty_like(online)
    added[0] = online[0] - start.active_mw
    added[1:] = online[1:] - online[:-1]
    return np.maximum(added, 0.0)


def _retiring(start: FundingStart, added: np.ndarray, useful_life_years) -> np.ndarray:
    """MW whose GPUs reach their useful life in each quarter and are replaced (quarters, S).

    A quarter's additions retire one useful life later; the power active at the start is taken to have come
    into service evenly over the two years before it (CoreWeave's fleet grew from under a tenth of it), so
    it retires evenly over the two years before one useful life from the start.
    """
    life = _quarters(useful_life_years)
    retiring = _shifted(added, life)
    first = _row(life) - FLEET_BUILT_QUARTERS
    base = (_QUARTER_COLUMN >= first) & (_QUARTER_COLUMN < _row(life))
    retiring += base * (start.active_mw / FLEET_BUILT_QUARTERS)
    return retiring


def _capex(added: np.ndarray, retiring: np.ndarray, capex_per_mw) -> tuple[np.ndarray, np.ndarray]:
    """Capex for growth and for replacement a quarter (USD, (quarters, S)): each MW is paid for
    :data:`CAPEX_LEAD` quarter before it comes into service or its GPUs are replaced; what comes in the
    first quarter was paid before the start, and what comes after the horizon is not in it."""
    growth, replacement = np.zeros_like(added), np.zeros_like(added)
    last = len(HORIZON) - CAPEX_LEAD
    growth[:last] = added[CAPEX_LEAD:]
    replacement[:last] = retiring[CAPEX_LEAD:]
    growth *= _row(capex_per_mw)
    replacement *= _row(capex_per_mw)
    return growth, replacement


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
    sofr_paths: np.ndarray  # SOFR each quarter, the floating rates' base
    interest_on_borrowing: np.ndarray  # interest on what the model draws and borrows
    before_financing: np.ndarray  # operating cash - capex - scheduled service + scheduled proceeds
    borrowed: np.ndarray  # committed draws plus new debt at the end of each quarter
    committed_amount: float
    start_cash: float
    floor: float
    scheduled_debt: np.ndarray  # (quarters,): the all-debt schedule's principal outstanding at each quarter's end
    replacement_capex: np.ndarray  # the part of capex that replaces GPUs at the end of their useful life
    # Where lending is limited: the MW not in service for want of money at each quarter's end, the revenue
    # lost each quarter, and the first quarter cash sits at its floor with no more lending (-1: never) and
    # the first quarter it falls below even with no capex at all (-1: never). Zero and -1 when lending is unlimited.
    unbuilt_mw: np.ndarray
    revenue_lost: np.ndarray
    floor_quarter: np.ndarray
    unfunded_quarter: np.ndarray

    scheduled_interest_base: np.ndarray  # (quarters,): the schedule's interest at the reference SOFR
    scheduled_interest_per_sofr: np.ndarray  # (quarters,): and its change per 1.00 of SOFR
    sofr_reference: float

    @property
    def scheduled_interest(self) -> np.ndarray:
        """The interest (and fees) part of the schedule's service at these SOFR paths."""
        return self.scheduled_interest_base + self.scheduled_interest_per_sofr * (self.sofr_paths - self.sofr_reference)

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
        """Cash at the end of each quarter, with the borrowing: at or above the floor unless lending ran out."""
        return self.start_cash + np.cumsum(self.before_financing - self.interest_on_borrowing, axis=1) + self.borrowed

    @property
    def runway_quarters(self) -> np.ndarray:
        """Quarters from the start during which committed money suffices: the index of the first quarter whose
        borrowing exceeds the committed facilities (the horizon's length where it never does)."""
        over = self.borrowed > self.committed_amount * (1 + 1e-12)
        return np.where(over.any(axis=1), over.argmax(axis=1), over.shape[1])


# Quarters over which the power active at the start came into service (two years: see _retiring).
FLEET_BUILT_QUARTERS = 8
# The largest lending capacity a quarter that means "no limit" (the parameter's default).
UNLIMITED = 1e12


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
    contracted_share=1.0,
    contract_tenor_years=5.0,
    useful_life_years=6.0,
    lending_capacity=UNLIMITED,
    markets_close_quarter=None,
    hosting_fee_per_mw_year=None,
) -> Paths:
    """Every quarter's flows and the borrowing that keeps cash at its floor (see the module's docstring).

    ``lending_capacity`` is the most new uncommitted debt that can be raised in a quarter (USD; at
    :data:`UNLIMITED` or above there is no limit); from quarter ``markets_close_quarter`` (an index into
    :data:`HORIZON`; None or the horizon's length: never) none can. Where the money runs out, capex
    is cut: the MW it would have bought are not built (or, for a replacement, retire), and their
    revenue is lost; if debt service alone exceeds the cash, cash falls below its floor.
    """
    fee = start.hosting_fee_per_mw_year if hosting_fee_per_mw_year is None else hosting_fee_per_mw_year
    online = _capacity(start, build_pace_mw, backlog_conversion, partner_slip)
    average = _average(online, start.active_mw)
    revenue, erosion = _revenue(
        start, average, revenue_per_mw_year, price_decline, contracted_share, contract_tenor_years
    )
    # The reported margin is after hosting; hosting's share of revenue at the starting price is added back.
    margin_before_hosting = _row(ebitda_margin) + _row(fee) / _row(revenue_per_mw_year)
    operating = _operating(revenue, average, margin_before_hosting, fee)
    added = _additions(start, online)
    growth, replacement = _capex(added, _retiring(start, added, useful_life_years), capex_per_mw)
    capex = growth + replacement
    rates = _sofr(sofr, sofr_drift)
    per_sofr = start.debt.per_sofr.reshape(-1, 1)
    scheduled = per_sofr * rates
    scheduled += (start.debt.base - start.debt.per_sofr * start.sofr_reference).reshape(-1, 1)
    flows = operating - capex
    flows -= scheduled
    flows += start.debt.proceeds.reshape(-1, 1)

    scenarios = flows.shape[1]
    quarters = len(HORIZON)
    committed_rate = rates + start.committed_margin
    committed_rate *= 0.25
    new_rate = np.broadcast_to(_row(new_debt_rate) / 4, (1, scenarios))[0].copy()
    floor, capacity = start.minimum_cash, start.committed_amount
    borrowed, interest = np.zeros((quarters, scenarios)), np.zeros((quarters, scenarios))
    close = quarters if markets_close_quarter is None else np.asarray(markets_close_quarter)
    limited = bool(np.any(np.asarray(lending_capacity) < UNLIMITED) or np.any(close < quarters))
    # Nothing goes unbuilt when lending is unlimited: read-only zeros that cost no memory.
    unbuilt = np.zeros((quarters, scenarios)) if limited else np.broadcast_to(0.0, (quarters, scenarios))
    lost = np.zeros((quarters, scenarios)) if limited else np.broadcast_to(0.0, (quarters, scenarios))
    floor_quarter = np.full(scenarios, -1)
    unfunded_quarter = np.full(scenarios, -1)
    if not limited:
        # Committed facilities are drawn before new debt and repaid after it, so whatever is borrowed in
        # all, B, splits as min(B, committed) and the rest; net cash P (cash less borrowing) then carries
        # the whole state: B = max(floor - P, 0) and cash = max(P, floor).
        net = np.full(scenarios, start.cash)
        owed = np.zeros(scenarios)
        committed = np.empty(scenarios)
        for t in range(quarters):
            np.minimum(owed, capacity, out=committed)
            paid = interest[t]
            np.multiply(committed, committed_rate[t], out=paid)
            paid += (owed - committed) * new_rate
            net += flows[t]
            net -= paid
            np.maximum(floor - net, 0.0, out=owed)
            borrowed[t] = owed
    else:
        _limited_financing(
            start,
            flows=flows,
            capex=capex,
            erosion=erosion,
            committed_rate=committed_rate,
            new_rate=new_rate,
            lending_capacity=np.broadcast_to(np.asarray(lending_capacity, dtype=float), (scenarios,)),
            close=np.broadcast_to(close, (scenarios,)),
            revenue_per_mw_year=_row(revenue_per_mw_year)[0],
            contracted_share=_row(contracted_share)[0],
            margin_before_hosting=margin_before_hosting[0],
            fee=_row(fee)[0],
            capex_per_mw=np.broadcast_to(_row(capex_per_mw)[0], (scenarios,)),
            life=np.broadcast_to(_quarters(useful_life_years), (scenarios,)),
            out=(borrowed, interest, unbuilt, lost, floor_quarter, unfunded_quarter),
        )
    if limited:
        online = online - unbuilt
        operating = operating - lost * margin_before_hosting + _average(unbuilt, 0.0) * (_row(fee) / 4)
        revenue = revenue - lost
    return Paths(
        online=online.T,
        revenue=revenue.T,
        operating_cash=operating.T,
        capex=capex.T,
        scheduled_service=scheduled.T,
        sofr_paths=rates.T,
        interest_on_borrowing=interest.T,
        before_financing=flows.T,
        borrowed=borrowed.T,
        committed_amount=capacity,
        start_cash=start.cash,
        floor=floor,
        scheduled_debt=start.scheduled_debt,
        scheduled_interest_base=start.scheduled_interest,
        scheduled_interest_per_sofr=start.scheduled_interest_per_sofr,
        sofr_reference=start.sofr_reference,
        replacement_capex=replacement.T,
        unbuilt_mw=unbuilt.T,
        revenue_lost=lost.T,
        floor_quarter=floor_quarter,
        unfunded_quarter=unfunded_quarter,
    )


def _limited_financing(
    start: FundingStart,
    *,
    flows,
    capex,
    erosion,
    committed_rate,
    new_rate,
    lending_capacity,
    close,
    revenue_per_mw_year,
    contracted_share,
    margin_before_hosting,
    fee,
    capex_per_mw,
    life,
    out,
) -> None:
    """The financing loop when new lending is limited: ``flows`` and ``capex`` (quarters, S) are cut in place.

    Each quarter, what cash needs beyond its floor is drawn from the committed facilities and then from new
    debt, up to what can be raised that quarter; what is still missing is taken out of that quarter's capex,
    whose MW then never come into service (so their revenue is lost and their later replacement is not
    paid). What capex cannot cover leaves cash below its floor.
    """
    borrowed, interest, unbuilt, lost, floor_quarter, unfunded_quarter = out
    quarters, scenarios = flows.shape
    floor, capacity = start.minimum_cash, start.committed_amount
    net = np.full(scenarios, start.cash)
    owed = np.zeros(scenarios)
    new_owed = np.zeros(scenarios)
    missing = np.zeros(scenarios)  # MW not in service at the end of the previous quarter
    cut_mw = np.zeros((quarters, scenarios))  # MW whose capex was cut in each quarter
    columns = np.arange(scenarios)
    price_lost = revenue_per_mw_year / 4
    for t in range(quarters):
        committed = np.minimum(owed, capacity)
        paid = committed * committed_rate[t] + (owed - committed) * new_rate
        interest[t] = paid
        missing_end = missing + (cut_mw[t - 1] if t else 0.0)
        average = 0.5 * (missing + missing_end)
        revenue_lost = average * price_lost * (contracted_share + (1 - contracted_share) * erosion[t])
        lost[t] = revenue_lost
        unbuilt[t] = missing_end
        # A cohort that was never built is never replaced: its replacement falls one useful life after it.
        cohort = t - life
        saved = np.where(cohort >= 0, cut_mw[np.maximum(cohort, 0), columns] * capex_per_mw, 0.0)
        spend = np.maximum(capex[t] - saved, 0.0)
        flow = flows[t] + (capex[t] - spend) - revenue_lost * margin_before_hosting + average * (fee / 4)
        net += flow - paid
        need = np.maximum(floor - net, 0.0)
        raise_now = np.where(t < close, lending_capacity, 0.0)
        allowed = capacity + new_owed + raise_now
        short = need - allowed
        cut = np.clip(short, 0.0, spend)
        cut_mw[t] = cut / capex_per_mw
        net += cut
        spend -= cut
        capex[t] = spend
        flows[t] = flow + cut
        first = floor_quarter < 0
        floor_quarter[first & (short > 0)] = t
        still_short = short - cut > 1e-6
        unfunded_quarter[(unfunded_quarter < 0) & still_short] = t
        owed = np.minimum(np.maximum(floor - net, 0.0), allowed)
        new_owed = np.maximum(owed - capacity, 0.0)
        borrowed[t] = owed
        missing = missing_end


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
    last = HORIZON.in_year(max(years)).stop
    cash = paths.start_cash + np.cumsum(
        paths.before_financing[:, :last] - paths.interest_on_borrowing[:, :last], axis=1
    )
    cash += paths.borrowed[:, :last]
    all_interest = paths.scheduled_interest_base[:last] + paths.scheduled_interest_per_sofr[:last] * (
        paths.sofr_paths[:, :last] - paths.sofr_reference
    )
    all_interest += paths.interest_on_borrowing[:, :last]
    out: dict[str, list[np.ndarray]] = {m: [] for m in CREDIT_MEASURES}
    for year in years:
        span = HORIZON.in_year(year)
        end = span.stop - 1
        ebitda = paths.operating_cash[:, span].sum(axis=1)
        interest = all_interest[:, span].sum(axis=1)
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
