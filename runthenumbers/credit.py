"""Credit: every facility CoreWeave owed at a balance-sheet date, quarter by quarter.

The filed table of future principal payments gives the *total* principal due each year across all
facilities. What it does not give is the split by facility. The split is modelled as follows, each
rule stated once:

- a note or a revolver (``bullet``) repays its whole balance in its maturity quarter;
- a loan with a filed repayment pace (``pace``) repays at the pace shown between two filed balances,
  and what is left in its maturity quarter;
- a loan with an instalment schedule but no filed pace (``level``) repays in equal quarterly
  instalments up to its maturity;
- exactly one facility (``residual``) repays, each year, what the filed table leaves once the others
  are taken out, spread evenly over that year's quarters up to its maturity.

The yearly total of the model is therefore the filed one, by construction; what is modelled is only
how it divides between facilities. The checks that *can* fail are that the residual is never
negative, that it adds up to that facility's own filed balance, and that no facility pays after its
legal maturity (:func:`facility_schedules` raises :class:`CreditError` naming the facility).

Interest is each facility's filed effective rate on its average balance in the quarter; floating-rate
facilities move one for one with a change in SOFR. Arrays are ``(scenarios, quarters)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .calendar import Horizon
from .data import Ledger

Repayment = Literal["bullet", "pace", "level", "residual"]


class CreditError(ValueError):
    """A facility's terms that are impossible, or a schedule that does not reconcile with the filing."""


@dataclass(frozen=True)
class Facility:
    """One debt facility and the ledger facts that describe it at the balance-sheet date."""

    key: str
    label: str
    balance: str
    rate: str | None  # None where the filing's rate was not read: principal only
    maturity: str
    repayment: Repayment
    floating: bool
    # For ``pace``: an earlier filed balance, and how many quarters separate it from ``balance``.
    earlier_balance: str | None = None
    quarters_since_earlier: int = 0
    # A filed date before which nothing is repaid (DDTL 2.0 amortizes from October 2025).
    repays_from: str | None = None


@dataclass(frozen=True)
class Issue:
    """Debt issued after the balance-sheet date: drawn in full in its issue quarter, repaid at maturity."""

    key: str
    label: str
    principal: str
    rate: str
    issued: str
    maturity: str


@dataclass(frozen=True)
class Filing:
    """A balance-sheet date, the facilities outstanding at it and its table of future principal payments.

    ``maturities`` maps a calendar year (the first is the rest of the as-of year) to its fact id; the
    key ``None`` is the table's "thereafter" row.
    """

    as_of: str
    facilities: tuple[Facility, ...]
    maturities: dict[int | None, str]
    later_issues: tuple[Issue, ...] = ()
    total_principal: str | None = None

    @property
    def horizon(self) -> Horizon:
        """The quarters modelled: from the one after the balance-sheet date to the end of :data:`LAST_YEAR`."""
        return Horizon.after(int(self.as_of.replace("-", "")), LAST_YEAR)


FILING_2025_06_30 = Filing(
    as_of="2025-06-30",
    facilities=(
        Facility(
            "ddtl1",
            "DDTL 1.0",
            "debt_ddtl1_balance_2025q2",
            "debt_ddtl1_effective_rate_table",
            "debt_ddtl1_maturity",
            "pace",
            floating=True,
            earlier_balance="debt_ddtl1_balance_2024q4",
            quarters_since_earlier=2,
        ),
        Facility(
            "ddtl2",
            "DDTL 2.0",
            "debt_ddtl2_balance_2025q2",
            "debt_ddtl2_effective_rate_table",
            "debt_ddtl2_maturity",
            "residual",
            floating=True,
            repays_from="debt_ddtl2_amortization_start",
        ),
        Facility(
            "oem",
            "OEM financing",
            "debt_oem_balance_2025q2",
            "debt_oem_effective_rate",
            "debt_oem_maturity_last",
            "level",
            floating=False,
        ),
        Facility(
            "revolver",
            "Revolving credit facility",
            "debt_revolver_balance_2025q2",
            "debt_revolver_effective_rate",
            "debt_revolver_maturity",
            "bullet",
            floating=True,
        ),
        Facility(
            "magnetar",
            "Magnetar loan",
            "debt_magnetar_loan_2025q2",
            "debt_magnetar_effective_rate",
            "debt_magnetar_maturity",
            "level",
            floating=False,
        ),
        Facility(
            "notes_2030",
            "2030 senior notes",
            "debt_2030_notes_principal_2025q2",
            "debt_2030_notes_effective_rate",
            "debt_2030_notes_maturity",
            "bullet",
            floating=False,
        ),
    ),
    maturities={
        2025: "debt_maturity_2025_h2",
        2026: "debt_maturity_2026",
        2027: "debt_maturity_2027",
        2028: "debt_maturity_2028",
        2029: "debt_maturity_2029",
        None: "debt_maturity_thereafter",
    },
    later_issues=(
        Issue(
            "notes_2031",
            "2031 senior notes",
            "debt_2031_notes_principal",
            "debt_2031_notes_coupon",
            "after_notes_2031_issue_date",
            "debt_2031_notes_maturity",
        ),
        Issue(
            "convertible_2031",
            "2031 convertible notes",
            "after_convert_2031_principal",
            "after_convert_2031_coupon",
            "after_convert_2031_settlement",
            "after_convert_2031_maturity",
        ),
    ),
    total_principal="debt_total_principal_2025q2",
)

# The quarter before: the same table of future payments, read only for principal, to see whether the
# split it implies agrees with the later filing's.
FILING_2025_03_31 = Filing(
    as_of="2025-03-31",
    facilities=(
        Facility(
            "ddtl1",
            "DDTL 1.0",
            "debt_ddtl1_balance_2025q1",
            None,
            "debt_ddtl1_maturity",
            "pace",
            floating=True,
            earlier_balance="debt_ddtl1_balance_2024q4",
            quarters_since_earlier=1,
        ),
        Facility(
            "ddtl2",
            "DDTL 2.0",
            "debt_ddtl2_balance_2025q1",
            None,
            "debt_ddtl2_maturity",
            "residual",
            floating=True,
            repays_from="debt_ddtl2_amortization_start",
        ),
        Facility(
            "term_loan_2024",
            "2024 term loan",
            "debt_2024_term_loan_balance_2025q1",
            None,
            "debt_2024_term_loan_repaid",
            "bullet",
            floating=True,
        ),
        # The arrangements outstanding at this date are taken to run to the first listed maturity: the
        # later ones came with the $0.5B added in the second quarter (to the last maturity would leave
        # more due in 2028 than the table shows).
        Facility(
            "oem", "OEM financing", "debt_oem_balance_2025q1", None, "debt_oem_maturity_first", "level", floating=False
        ),
        Facility(
            "revolver",
            "Revolving credit facility",
            "debt_revolver_balance_2025q1",
            None,
            "debt_revolver_maturity",
            "bullet",
            floating=True,
        ),
        Facility(
            "magnetar",
            "Magnetar loan",
            "debt_magnetar_loan_2025q1",
            None,
            "debt_magnetar_maturity",
            "level",
            floating=False,
        ),
    ),
    maturities={
        2025: "debt_maturity_2025_asof_2025q1",
        2026: "debt_maturity_2026_asof_2025q1",
        2027: "debt_maturity_2027_asof_2025q1",
        2028: "debt_maturity_2028_asof_2025q1",
        2029: "debt_maturity_2029_asof_2025q1",
    },
    total_principal="debt_total_principal_2025q1",
)

# The schedule runs to the end of this year, whatever the filing: the 2031 notes fall due in it.
LAST_YEAR = 2031
# A residual within this much of the facility's own balance reconciles: the filing rounds to thousands,
# and the two tables are separate disclosures.
RECONCILE_TOLERANCE = 0.01


# ---------------------------------------------------------------------------------------------
# The schedule


@dataclass(frozen=True)
class FacilitySchedule:
    """One facility's quarterly flows in USD: balances and principal ``(quarters,)``, interest ``(S, quarters)``."""

    key: str
    label: str
    opening: np.ndarray
    draws: np.ndarray
    principal: np.ndarray
    closing: np.ndarray
    interest: np.ndarray
    fees: np.ndarray
    filed: bool  # outstanding at the balance-sheet date (part of the filed maturity table)

    @property
    def debt_service(self) -> np.ndarray:
        return self.interest + self.fees + self.principal


def _check_terms(facility_key: str, balance: float, rate: float, maturity_index: int, first_draw: int = 0) -> None:
    if not np.isfinite(balance) or balance < 0:
        raise CreditError(f"{facility_key}: balance = {balance!r} must be a non-negative amount (USD)")
    if not np.isfinite(rate) or rate < 0:
        raise CreditError(f"{facility_key}: rate = {rate!r} is below zero or not a number")
    if maturity_index < first_draw:
        raise CreditError(f"{facility_key}: maturity falls before its first draw")


def _principal(facility: Facility, ledger: Ledger, horizon: Horizon) -> np.ndarray:
    """Principal due each quarter for every rule except ``residual``."""
    balance = ledger.value(facility.balance)
    maturity = horizon.index(ledger.value(facility.maturity))
    due = np.zeros(len(horizon))
    last = min(maturity, len(horizon) - 1)
    if facility.repayment == "bullet":
        if maturity < len(horizon):
            due[maturity] = balance
        return due
    if facility.repayment == "pace":
        earlier = ledger.value(facility.earlier_balance)
        per_quarter = (earlier - balance) / facility.quarters_since_earlier
        if per_quarter < 0:
            raise CreditError(f"{facility.key}: balance grew from {earlier:,.0f} to {balance:,.0f}; no repayment pace")
        due[: last + 1] = per_quarter
    elif facility.repayment == "level":
        due[: last + 1] = balance / (last + 1)
    else:
        raise CreditError(f"{facility.key}: unknown repayment rule '{facility.repayment}'")
    # Capped at what is owed, with the rest as a balloon at maturity.
    paid_before = np.minimum(np.cumsum(due), balance)
    due = np.diff(paid_before, prepend=0.0)
    if maturity < len(horizon):
        due[maturity] += balance - paid_before[maturity]
    return due


def filed_table(filing: Filing, ledger: Ledger) -> pd.Series:
    """The filed future principal payments by year ('2025' is the rest of that year), USD."""
    return pd.Series(
        {("later" if year is None else str(year)): ledger.value(fact) for year, fact in filing.maturities.items()}
    )


def _residual_principal(facility: Facility, known: np.ndarray, filing: Filing, ledger: Ledger) -> np.ndarray:
    """What the filed table leaves each year for the residual facility, spread over its quarters to maturity."""
    horizon = filing.horizon
    balance = ledger.value(facility.balance)
    maturity = horizon.index(ledger.value(facility.maturity))
    first = horizon.index(ledger.value(facility.repays_from)) if facility.repays_from else 0
    years = horizon.years
    due = np.zeros(len(horizon))
    for year, fact in filing.maturities.items():
        in_year = (years > max(filing.maturities, key=lambda y: y or 0)) if year is None else (years == year)
        left = ledger.value(fact) - known[in_year].sum()
        if left < -RECONCILE_TOLERANCE * balance:
            raise CreditError(
                f"{facility.key}: the other facilities repay {known[in_year].sum():,.0f} in {year or 'later years'}, "
                f"more than the filed {ledger.value(fact):,.0f}; the schedule does not reconcile with the filed table"
            )
        position = horizon.indices
        open_quarters = np.flatnonzero(in_year & (position >= first) & (position <= maturity))
        if left > RECONCILE_TOLERANCE * balance and open_quarters.size == 0:
            raise CreditError(
                f"{facility.key}: {left:,.0f} would fall due in {year or 'later years'}, outside its repayment period"
            )
        if open_quarters.size:
            due[open_quarters] = max(left, 0.0) / open_quarters.size
    if abs(due.sum() - balance) > RECONCILE_TOLERANCE * balance:
        raise CreditError(
            f"{facility.key}: the filed table leaves {due.sum():,.0f} for it, but its balance is {balance:,.0f}; "
            "the schedule does not reconcile with the filed table"
        )
    return due * balance / due.sum()


def _flows(key, label, opening_balance, draws, principal, rate, sofr_change, floating, filed) -> FacilitySchedule:
    closing = opening_balance + np.cumsum(draws - principal)
    if np.any(closing < -1e-6 * max(opening_balance, 1.0)):
        raise CreditError(
            f"{key}: principal = {float(np.sum(principal)):,.0f} repays more than the "
            f"{opening_balance + float(np.sum(draws)):,.0f} drawn"
        )
    # Rounding leaves a few cents either side of zero once a loan is repaid.
    closing = np.where(np.abs(closing) < 1.0, 0.0, closing)
    opening = np.concatenate([[opening_balance], closing[:-1]])
    annual_rate = rate + (np.asarray(sofr_change, dtype=float).reshape(-1, 1) if floating else 0.0)
    annual_rate = np.broadcast_to(annual_rate, (np.size(sofr_change), 1)) if np.ndim(annual_rate) == 0 else annual_rate
    if np.any(annual_rate < 0):
        raise CreditError(f"{key}: rate falls below zero when SOFR moves by {np.min(sofr_change):+.2%}")
    interest = annual_rate / 4 * (opening + closing) / 2
    return FacilitySchedule(key, label, opening, draws, principal, closing, interest, np.zeros_like(interest), filed)


def principal_by_facility(filing: Filing, ledger: Ledger) -> dict[str, np.ndarray]:
    """Principal due each quarter of the filing's horizon, USD, for each facility outstanding at its date."""
    horizon = filing.horizon
    principal: dict[str, np.ndarray] = {}
    for facility in filing.facilities:
        rate = 0.0 if facility.rate is None else ledger.value(facility.rate)
        _check_terms(
            facility.key,
            ledger.value(facility.balance),
            rate,
            horizon.index(ledger.value(facility.maturity)),
        )
        if facility.repayment != "residual":
            principal[facility.key] = _principal(facility, ledger, horizon)
    residuals = [f for f in filing.facilities if f.repayment == "residual"]
    if len(residuals) != 1:
        raise CreditError(f"a filing needs exactly one residual facility; found {len(residuals)}")
    known = sum(principal.values())
    principal[residuals[0].key] = _residual_principal(residuals[0], known, filing, ledger)
    return {f.key: principal[f.key] for f in filing.facilities}


def facility_schedules(filing: Filing, ledger: Ledger, sofr_change=0.0) -> list[FacilitySchedule]:
    """Every facility's schedule for each SOFR change in ``sofr_change`` (a scalar or one per scenario)."""
    horizon = filing.horizon
    sofr_change = np.atleast_1d(np.asarray(sofr_change, dtype=float))
    unpriced = [f.key for f in filing.facilities if f.rate is None]
    if unpriced:
        raise CreditError(
            f"the {filing.as_of} filing has no rate for {', '.join(unpriced)}; only its principal can be modelled"
        )
    principal = principal_by_facility(filing, ledger)

    schedules = []
    for facility in filing.facilities:
        schedules.append(
            _flows(
                facility.key,
                facility.label,
                ledger.value(facility.balance),
                np.zeros(len(horizon)),
                principal[facility.key],
                ledger.value(facility.rate),
                sofr_change,
                facility.floating,
                True,
            )
        )
    for issue in filing.later_issues:
        issued, maturity = horizon.index(ledger.value(issue.issued)), horizon.index(ledger.value(issue.maturity))
        amount, rate = ledger.value(issue.principal), ledger.value(issue.rate)
        _check_terms(issue.key, amount, rate, maturity, issued)
        draws, repaid = np.zeros(len(horizon)), np.zeros(len(horizon))
        draws[issued] = amount
        if maturity < len(horizon):
            repaid[maturity] = amount
        schedules.append(_flows(issue.key, issue.label, 0.0, draws, repaid, rate, sofr_change, False, False))
    return schedules


def schedule_frame(schedules: list[FacilitySchedule], horizon: Horizon, scenario: int = 0) -> pd.DataFrame:
    """One row per facility and quarter of ``horizon``: opening, draws, interest, fees, principal, closing (USD)."""
    rows = []
    for s in schedules:
        for t, label in enumerate(horizon.quarters):
            rows.append(
                {
                    "facility": s.label,
                    "quarter": label,
                    "opening": float(s.opening[t]),
                    "draws": float(s.draws[t]),
                    "interest": float(s.interest[scenario, t]),
                    "fees": float(s.fees[scenario, t]),
                    "principal": float(s.principal[t]),
                    "closing": float(s.closing[t]),
                }
            )
    return pd.DataFrame(rows)


def by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Flows summed by facility and calendar year; balances at the year's start and end."""
    frame = frame.assign(year=frame["quarter"].str[:4].astype(int))
    grouped = frame.groupby(["facility", "year"], sort=False)
    out = grouped[["draws", "interest", "fees", "principal"]].sum()
    out["opening"] = grouped["opening"].first()
    out["closing"] = grouped["closing"].last()
    return out.reset_index()[["facility", "year", "opening", "draws", "interest", "fees", "principal", "closing"]]


def reconciliation(filing: Filing, ledger: Ledger, schedules: list[FacilitySchedule]) -> pd.DataFrame:
    """Model principal of the filed facilities by year against the filed table, with the difference."""
    years = filing.horizon.years
    filed = filed_table(filing, ledger)
    principal = sum(s.principal for s in schedules if s.filed)
    last_listed = max(y for y in filing.maturities if y is not None)
    modelled = {
        label: principal[(years > last_listed) if label == "later" else (years == int(label))].sum()
        for label in filed.index
    }
    frame = pd.DataFrame({"filed": filed, "model": pd.Series(modelled)})
    frame["difference"] = frame["model"] / frame["filed"] - 1
    return frame


# ---------------------------------------------------------------------------------------------
# What the chapter shows: the wall, cover for it, and where 2025's borrowing went

# The SOFR reading the filed effective rates are taken to embed: the ledger's only mid-2025 one.
SOFR_REFERENCE = "debt_sofr_180d_avg_20250807"


def sofr_change(sofr, ledger: Ledger) -> np.ndarray:
    """How far ``sofr`` (a level, scalar or per scenario) is from the reading the filed rates embed."""
    return np.asarray(sofr, dtype=float) - ledger.value(SOFR_REFERENCE)


def yearly(schedules: list[FacilitySchedule], horizon: Horizon, scenario: int = 0) -> pd.DataFrame:
    """Principal and interest by facility and calendar year (USD), in the filing's facility order."""
    return by_year(schedule_frame(schedules, horizon, scenario))


def wall(schedules: list[FacilitySchedule], horizon: Horizon) -> pd.DataFrame:
    """Principal due by calendar year and facility: one row per (year, facility) with any principal."""
    frame = yearly(schedules, horizon)[["year", "facility", "principal"]]
    return frame[frame["principal"] > 0].reset_index(drop=True)


def service_by_year(schedules: list[FacilitySchedule], horizon: Horizon, scenario: int = 0) -> pd.DataFrame:
    """All-debt principal, interest and total service by calendar year (USD), indexed by year."""
    frame = yearly(schedules, horizon, scenario).groupby("year")[["principal", "interest", "fees"]].sum()
    frame["service"] = frame["principal"] + frame["interest"] + frame["fees"]
    return frame


def break_even_haircut(earnings: float, service: float) -> float:
    """The fraction of ``earnings`` that can be lost before they no longer cover ``service``: 1 - service/earnings.

    Negative when earnings already fall short; NaN when there are no earnings to lose.
    """
    return 1.0 - service / earnings if earnings > 0 else float("nan")


# ---------------------------------------------------------------------------------------------
# Many scenarios at once


@dataclass(frozen=True)
class ServiceSurface:
    """All-debt service per quarter of ``horizon`` as an exact linear function of the SOFR change:
    ``base + sofr_change * per_sofr``, both (quarters,) in USD (``per_sofr`` per 1.00 of rate), and the
    ``proceeds`` of the debt issued after the filing date, which SOFR does not move.

    Principal does not depend on SOFR and floating interest moves one for one with it, so the two
    vectors carry the whole schedule; :func:`service_surface` reads them off the full model. The
    funding model (:mod:`runthenumbers.liquidity`) and the credit benchmark run millions of scenarios on it.
    """

    horizon: Horizon
    base: np.ndarray
    per_sofr: np.ndarray
    proceeds: np.ndarray

    def service(self, sofr_change) -> np.ndarray:
        """Quarterly all-debt service for each SOFR change: (scenarios, quarters), USD."""
        change = np.asarray(sofr_change, dtype=float).reshape(-1, 1)
        return self.base + change * self.per_sofr

    def annual(self, sofr_change, chunk: int = 200_000) -> np.ndarray:
        """All-debt service by calendar year for each SOFR change: (scenarios, years), in chunks to bound memory."""
        change = np.asarray(sofr_change, dtype=float).reshape(-1)
        out = np.empty((change.size, len(self.horizon.calendar_years)))
        for begin in range(0, change.size, chunk):
            out[begin : begin + chunk] = self.horizon.by_year(self.service(change[begin : begin + chunk]))
        return out


# The SOFR change the slope is read at: one point. The form is exact, so any step gives it up to rounding
# (about 1e-14 of a quarter's service); this one is the step the funding model's published figures use.
SURFACE_STEP = 0.01


def service_surface(filing: Filing, ledger: Ledger) -> ServiceSurface:
    """The exact linear form of all-debt service in the SOFR change, from one run of the full model at two changes."""
    schedules = facility_schedules(filing, ledger, [0.0, SURFACE_STEP])
    service = sum(s.debt_service for s in schedules)
    return ServiceSurface(
        horizon=filing.horizon,
        base=service[0],
        per_sofr=(service[1] - service[0]) / SURFACE_STEP,
        proceeds=sum(s.draws for s in schedules),
    )


# ---------------------------------------------------------------------------------------------
# The capital structure at the latest date
#
# No filing readable here lists the instruments at 2025-12-31 or 2026-03-31. The stack is built from
# what is filed, each balance with its basis:
#
# - the facilities of the 30 June 2025 filing are rolled forward by their modelled schedule (above),
#   the one calibrated to the filed table of future payments; the Magnetar loan instead accretes at
#   its filed rate from its filed 30 September 2025 balance, as the 10-Q describes it;
# - notes and convertibles are at their issued principal;
# - the delayed-draw facilities signed after June 2025 (DDTL 3.0, the DDTL 2.1 tranche), the revolver's
#   drawings above its filed balance and the equipment financing signed from May 2025 share what the
#   date's total principal leaves, in proportion to their undrawn commitments: each is bounded by zero
#   and its commitment, and that split is a modelling rule, not a filing;
# - the total is filed at 2025-09-30 (the 10-Q's XBRL) and bounded above at 2025-12-31 by the Q4 call
#   (an annual saving of nearly $700M on a 300 bp lower rate, "based on our Q4 debt balance");
# - 2026-03-31 is the 2025-12-31 stack after the first quarter of its schedule, with DDTL 4.0 (closed on
#   31 March, drawn "as the data centers are operationalized") at nothing drawn.

Structure = Literal["amortizing", "bullet", "accreting"]
LATEST_AS_OF = "2025-12-31"
STACK_DATES = ("2025-09-30", "2025-12-31", "2026-03-31")
# A stack reconciles with a filed total principal within this share of it.
STACK_TOLERANCE = 0.02


@dataclass(frozen=True)
class Instrument:
    """One instrument of the capital structure and the ledger facts of its terms.

    ``level`` separates the contract-backed debt of special-purpose companies (``"SPV"``) from the
    parent's own debt (``"parent"``); ``recourse`` says whether CoreWeave, Inc. answers for it.
    A loan with ``tenor`` facts (years or months; the mean of two facts is a filed range's middle)
    repays in equal quarterly parts over that term from the stack's date; ``maturity`` is a legal date.
    Floating-rate instruments pay SOFR (the reading :data:`SOFR_REFERENCE`) plus ``margin``; the
    others their fixed ``coupon``, or, where no coupon is read, the filed ``effective`` rate.
    """

    key: str
    label: str
    level: Literal["SPV", "parent"]
    secured: bool
    recourse: str
    structure: Structure
    maturity: str | None = None
    tenor: tuple[str, ...] = ()
    coupon: str | None = None
    margin: str | None = None
    effective: str | None = None
    commitment: dict[str, str] | None = None  # by stack date: the fact of the commitment then
    rating: str = ""
    recourse_fact: str | None = None
    scheduled: bool = True  # False: signed after the latest date, shown but not scheduled


def _commit(**by_date: str) -> dict[str, str]:
    return {date.replace("_", "-").lstrip("d"): fact for date, fact in by_date.items()}


INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(
        "ddtl1",
        "DDTL 1.0",
        "SPV",
        True,
        "parent guarantee",
        "amortizing",
        maturity="debt_ddtl1_maturity",
        margin="debt_ddtl1_margin_sofr",
        effective="debt_ddtl1_effective_rate_table",
        recourse_fact="debt_ddtl12_parent_guaranteed_share",
    ),
    Instrument(
        "ddtl2",
        "DDTL 2.0",
        "SPV",
        True,
        "parent guarantee",
        "amortizing",
        maturity="debt_ddtl2_maturity",
        effective="debt_ddtl2_effective_rate_table",
        recourse_fact="debt_ddtl12_parent_guaranteed_share",
    ),
    Instrument(
        "ddtl21",
        "DDTL 2.1 tranche",
        "SPV",
        True,
        "as DDTL 2.0 (same credit agreement)",
        "amortizing",
        tenor=("debt_ddtl21_draw_tenor_years",),
        margin="debt_ddtl21_margin",
        commitment={"2025-12-31": "debt_ddtl21_commitment"},
    ),
    Instrument(
        "ddtl3",
        "DDTL 3.0",
        "SPV",
        True,
        "not read",
        "amortizing",
        tenor=("cw_avg_contract_years_2025q4",),
        margin="debt_ddtl3_margin",
        commitment={"2025-09-30": "debt_ddtl3_commitment", "2025-12-31": "debt_ddtl3_commitment"},
    ),
    Instrument(
        "ddtl4",
        "DDTL 4.0",
        "SPV",
        True,
        "SPV only",
        "amortizing",
        tenor=("cw_avg_contract_years_2025q4",),
        coupon="debt_ddtl4_fixed_rate",
        commitment={"2026-03-31": "debt_ddtl4_commitment"},
        rating="A3 (Moody's), A- (Fitch)",
        recourse_fact="debt_ddtl4_parent_recourse_share",
    ),
    Instrument(
        "oem",
        "OEM financing (as filed, June 2025)",
        "SPV",
        True,
        "not read",
        "amortizing",
        maturity="debt_oem_maturity_last",
        effective="debt_oem_effective_rate",
    ),
    Instrument(
        "oem_new",
        "OEM financing signed from May 2025",
        "SPV",
        True,
        "not read",
        "amortizing",
        tenor=("debt_oem_new_term_months_min", "debt_oem_new_term_months_max"),
        effective="debt_oem_effective_rate",
        commitment={"2025-09-30": "debt_oem_new_available_2025_05", "2025-12-31": "debt_oem_new_available_2025_05"},
    ),
    Instrument(
        "revolver",
        "Revolving credit facility",
        "parent",
        True,
        "parent",
        "bullet",
        maturity="debt_revolver_maturity",
        margin="debt_revolver_margin_sofr",
        effective="debt_revolver_effective_rate",
        commitment={
            "2025-09-30": "cw_revolver_commitment_2025q2",
            "2025-12-31": "debt_revolver_commitment_2025q4_call",
        },
    ),
    Instrument(
        "magnetar",
        "Magnetar loan",
        "parent",
        False,
        "parent",
        "accreting",
        maturity="debt_magnetar_maturity",
        effective="debt_magnetar_effective_rate",
    ),
    Instrument(
        "notes_2030",
        "2030 senior notes",
        "parent",
        False,
        "parent",
        "bullet",
        maturity="debt_2030_notes_maturity",
        coupon="after_notes_2030_coupon",
        effective="debt_2030_notes_effective_rate",
        rating="B1 / B / BB-",
    ),
    Instrument(
        "notes_2031",
        "2031 senior notes",
        "parent",
        False,
        "parent",
        "bullet",
        maturity="debt_2031_notes_maturity",
        coupon="debt_2031_notes_coupon",
    ),
    Instrument(
        "convert_2031",
        "2031 convertible notes",
        "parent",
        False,
        "parent",
        "bullet",
        maturity="debt_2031_convert_maturity",
        coupon="debt_2031_convert_coupon",
    ),
    Instrument(
        "notes_2031b", "2031 senior notes, April 2026 issue", "parent", False, "parent", "bullet", scheduled=False
    ),
    Instrument("convert_2032", "2032 convertible notes", "parent", False, "parent", "bullet", scheduled=False),
    Instrument(
        "ddtl5",
        "DDTL 5.0",
        "SPV",
        True,
        "not read",
        "amortizing",
        tenor=("debt_ddtl5_tenor_years",),
        margin="after_ddtl5_margin",
        rating="Ba2 (Moody's), BB+ (Fitch)",
        scheduled=False,
    ),
)
BY_KEY = {i.key: i for i in INSTRUMENTS}
# What each later instrument's size is, where it is not in a stack: signed after the latest date.
LATER_SIZES = {
    "notes_2031b": "debt_2031_notes_b_principal_planned",
    "convert_2032": "debt_2032_convert_principal_planned",
    "ddtl5": "debt_ddtl5_size",
}
# The facilities that share what a total leaves (see the module section's notes); the revolver's share is
# on top of its filed balance.
POOL = ("ddtl3", "ddtl21", "oem_new", "revolver")
# The facilities of the 30 June 2025 filing carried forward by their modelled schedule.
CARRIED = ("ddtl1", "ddtl2", "oem", "revolver", "notes_2030")
CONVERT_FACTS = ("debt_2031_convert_principal_base", "debt_2031_convert_option")
TOTAL_BOUND_2025Q4 = ("debt_interest_savings_annualized_2025q4", "debt_wavg_rate_decline_2025")


@dataclass(frozen=True)
class Position:
    """An instrument's principal at a date (USD): the estimate, the bounds it is known within, its basis."""

    key: str
    as_of: str
    balance: float
    low: float
    high: float
    basis: str
    facts: tuple[str, ...]


@dataclass(frozen=True)
class Stack:
    """Every instrument's position at ``as_of``, and the total it is built to (filed or bounded)."""

    as_of: str
    positions: tuple[Position, ...]
    total: float
    total_low: float
    total_high: float
    total_basis: str
    total_facts: tuple[str, ...]

    def __getitem__(self, key: str) -> Position:
        for p in self.positions:
            if p.key == key:
                return p
        raise KeyError(f"the stack at {self.as_of} has no instrument '{key}'")

    @property
    def principal(self) -> float:
        return float(sum(p.balance for p in self.positions))

    @property
    def facts(self) -> list[str]:
        return sorted({f for p in self.positions for f in p.facts} | set(self.total_facts))


def _date_int(as_of: str) -> int:
    return int(as_of.replace("-", ""))


def _carried_balances(ledger: Ledger, as_of: str) -> dict[str, float]:
    """Closing balances of the June 2025 filing's facilities at ``as_of``, by their modelled schedule."""
    index = FILING_2025_06_30.horizon.index(_date_int(as_of))
    return {s.key: float(s.closing[index]) for s in facility_schedules(FILING_2025_06_30, ledger) if s.filed}


def accreted(ledger: Ledger, as_of: str) -> float:
    """The Magnetar loan at ``as_of``: its filed 2025-09-30 balance accreting at its filed rate, quarterly."""
    quarters = Horizon.after(20250930, 2031).index(_date_int(as_of)) + 1
    rate = ledger.value("debt_magnetar_effective_rate")
    return ledger.value("debt_magnetar_loan_2025q3") * (1 + rate) ** (quarters / 4)


def convertible_principal(ledger: Ledger) -> float:
    """The 2031 convertibles: base plus the purchasers' option, checked against the call's "approximately $2.6 billion"."""
    principal = sum(ledger.value(f) for f in CONVERT_FACTS)
    raised = ledger.value("debt_2031_convert_raised_q4")
    if abs(principal / raised - 1) > STACK_TOLERANCE:
        raise CreditError(
            f"convert_2031: principal = {principal:,.0f} (base plus option) is not within 2% of the "
            f"{raised:,.0f} the Q4 2025 call says was raised"
        )
    return principal


def total_bound_2025q4(ledger: Ledger) -> float:
    """The most debt at 2025-12-31 the Q4 call allows: the annual saving over the fall in the average rate."""
    saving, decline = (ledger.value(f) for f in TOTAL_BOUND_2025Q4)
    if decline <= 0:
        raise CreditError(f"debt_wavg_rate_decline_2025: value = {decline!r} must be above zero")
    return saving / decline


def stack_at(ledger: Ledger, as_of: str) -> Stack:
    """The capital structure at ``as_of`` (one of :data:`STACK_DATES`), each balance with its basis.

    Raises :class:`CreditError` when the instruments do not reconcile with the date's filed total
    within :data:`STACK_TOLERANCE`, or when a facility would hold more than its commitment.
    """
    if as_of == "2026-03-31":
        return _stack_after_first_quarter(ledger)
    if as_of not in STACK_DATES:
        raise CreditError(f"stack date = {as_of!r} is not one the sources allow; allowed: {', '.join(STACK_DATES)}")
    carried = _carried_balances(ledger, as_of)
    june = {f.key: f for f in FILING_2025_06_30.facilities}
    positions: dict[str, Position] = {}
    for key in CARRIED:
        facts = (june[key].balance, *FILING_2025_06_30.maturities.values())
        positions[key] = Position(
            key,
            as_of,
            carried[key],
            carried[key],
            carried[key],
            "modelled: the June 2025 filing run forward",
            facts,
        )
    magnetar = accreted(ledger, as_of)
    positions["magnetar"] = Position(
        "magnetar",
        as_of,
        magnetar,
        magnetar,
        magnetar,
        "filed at 30 September 2025, accreting at its filed rate" if as_of != "2025-09-30" else "filed",
        ("debt_magnetar_loan_2025q3", "debt_magnetar_effective_rate"),
    )
    notes = ledger.value("debt_2031_notes_principal")
    positions["notes_2031"] = Position(
        "notes_2031", as_of, notes, notes, notes, "issued principal", ("debt_2031_notes_principal",)
    )
    if _date_int(as_of) >= int(ledger.value("after_convert_2031_settlement")):
        converts = convertible_principal(ledger)
        positions["convert_2031"] = Position(
            "convert_2031",
            as_of,
            converts,
            converts,
            converts,
            "issued principal (base and option)",
            (*CONVERT_FACTS, "debt_2031_convert_raised_q4"),
        )
    if as_of == "2025-09-30":
        total, low_total, high_total = (ledger.value("debt_total_principal_2025q3"),) * 3
        total_basis, total_facts = "filed (10-Q, XBRL)", ("debt_total_principal_2025q3",)
    else:
        high_total = total_bound_2025q4(ledger)
        total, total_basis, total_facts = (
            high_total,
            "at most: the Q4 2025 call's saving over its rate cut",
            TOTAL_BOUND_2025Q4,
        )
        earlier = stack_at(ledger, "2025-09-30")
        # At least: what is known now, and what the new facilities had drawn by September (not yet repaid).
        low_total = sum(p.balance for p in positions.values()) + sum(
            earlier[k].balance for k in POOL if k != "revolver" and k in {q.key for q in earlier.positions}
        )
    known = sum(p.balance for p in positions.values())
    left = total - known
    pool = [BY_KEY[k] for k in POOL if BY_KEY[k].commitment and as_of in BY_KEY[k].commitment]
    headroom = {
        i.key: ledger.value(i.commitment[as_of]) - (carried["revolver"] if i.key == "revolver" else 0.0)  # type: ignore[index]
        for i in pool
    }
    room = sum(headroom.values())
    if left < -STACK_TOLERANCE * total or left > room + STACK_TOLERANCE * total:
        raise CreditError(
            f"stack at {as_of}: the instruments with known balances come to {known:,.0f} and the undrawn commitments "
            f"to {room:,.0f}, against a total principal of {total:,.0f}; the stack does not reconcile within 2%"
        )
    share = min(max(left, 0.0), room) / room if room else 0.0
    for instrument in pool:
        drawn = share * headroom[instrument.key]
        facts = (instrument.commitment[as_of], *total_facts)  # type: ignore[index]
        basis = f"bounded: {share:.0%} of its undrawn commitment (allocation rule)"
        if instrument.key == "revolver":
            base = positions["revolver"]
            positions["revolver"] = Position(
                "revolver",
                as_of,
                base.balance + drawn,
                base.balance,
                base.balance + headroom["revolver"],
                basis + " (above its filed balance)",
                base.facts + facts,
            )
        else:
            positions[instrument.key] = Position(
                instrument.key, as_of, drawn, 0.0, headroom[instrument.key], basis, facts
            )
    order = [i.key for i in INSTRUMENTS if i.key in positions]
    stack = Stack(as_of, tuple(positions[k] for k in order), total, low_total, high_total, total_basis, total_facts)
    reconcile(stack)
    return stack


def reconcile(stack: Stack) -> None:
    """Refuse a stack whose instruments do not add up to its total within :data:`STACK_TOLERANCE`."""
    gap = stack.principal / stack.total - 1 if stack.total else float("inf")
    if abs(gap) > STACK_TOLERANCE:
        raise CreditError(
            f"stack at {stack.as_of}: the instruments add up to {stack.principal:,.0f}, the total principal "
            f"({stack.total_basis}) is {stack.total:,.0f}, a gap of {gap:+.1%}; the stack does not reconcile within 2%"
        )


# ---------------------------------------------------------------------------------------------
# The schedule of the latest stack


def _rate(instrument: Instrument, ledger: Ledger) -> tuple[float, bool, str]:
    """The annual cash rate an instrument pays at the reference SOFR, whether it floats, and its fact."""
    if instrument.margin:
        return ledger.value(SOFR_REFERENCE) + ledger.value(instrument.margin), True, instrument.margin
    if instrument.coupon:
        return ledger.value(instrument.coupon), False, instrument.coupon
    if instrument.effective:
        # DDTL 2.0 floats (its margins are over SOFR) though only its effective rate is read.
        return ledger.value(instrument.effective), instrument.key == "ddtl2", instrument.effective
    raise CreditError(f"{instrument.key}: no coupon, margin or effective rate is read; it cannot be scheduled")


def tenor_quarters(instrument: Instrument, ledger: Ledger) -> int:
    """An instrument's term in whole quarters from its ``tenor`` facts (the mean of a filed range)."""
    values = [ledger.value(f) * (4 if ledger.fact(f).unit == "years" else 1 / 3) for f in instrument.tenor]
    quarters = int(round(float(np.mean(values))))
    if quarters < 1:
        raise CreditError(f"{instrument.key}: tenor = {quarters!r} quarters; a loan runs at least one quarter")
    return quarters


def latest_horizon() -> Horizon:
    """The quarters the latest stack is scheduled over: from 2026-Q1 to the end of :data:`LAST_YEAR`."""
    return Horizon.after(_date_int(LATEST_AS_OF), LAST_YEAR)


def latest_schedules(ledger: Ledger, sofr_change=0.0) -> list[FacilitySchedule]:
    """Every scheduled instrument of the 2025-12-31 stack, quarter by quarter to 2031, for each SOFR change.

    The June 2025 facilities keep their modelled principal; notes, convertibles and the revolver repay
    at maturity; the newer delayed-draw facilities and equipment financing repay in equal parts over
    their terms; the Magnetar loan accretes (its ``draws`` are the accretion, paid at maturity, not cash).
    """
    horizon = latest_horizon()
    sofr_change = np.atleast_1d(np.asarray(sofr_change, dtype=float))
    stack = stack_at(ledger, LATEST_AS_OF)
    june_horizon = FILING_2025_06_30.horizon
    june = principal_by_facility(FILING_2025_06_30, ledger)
    offset = june_horizon.index(horizon.first)
    schedules = []
    for instrument in INSTRUMENTS:
        if not instrument.scheduled:
            continue
        balance = stack[instrument.key].balance if instrument.key in {p.key for p in stack.positions} else 0.0
        rate, floating, rate_fact = _rate(instrument, ledger)
        if not np.isfinite(rate) or rate < 0:
            raise CreditError(
                f"{instrument.key}: {rate_fact} = {ledger.value(rate_fact)!r} gives a rate of {rate:.2%}, below zero"
            )
        draws, principal = np.zeros(len(horizon)), np.zeros(len(horizon))
        maturity = horizon.index(ledger.value(instrument.maturity)) if instrument.maturity else None
        if maturity is not None and maturity < 0 and balance > 0:
            raise CreditError(
                f"{instrument.key}: maturity = {ledger.value(instrument.maturity):.0f} falls before its first draw "
                f"(drawn by {LATEST_AS_OF})"
            )
        if instrument.key in ("ddtl1", "ddtl2", "oem"):
            principal = june[instrument.key][offset : offset + len(horizon)].copy()
        elif instrument.structure == "bullet":
            if maturity is not None and maturity < len(horizon):
                principal[maturity] = balance
        elif instrument.structure == "accreting":
            step = (1 + rate) ** 0.25 - 1
            live = horizon.indices < min(maturity if maturity is not None else len(horizon), len(horizon))
            growth = np.where(live, 1 + step, 1.0)
            path = balance * np.cumprod(growth)
            draws = np.diff(np.concatenate([[balance], path]))
            if maturity is not None and maturity < len(horizon):
                principal[maturity] = path[maturity - 1] if maturity else balance
                draws[maturity:] = 0.0
            rate, floating = 0.0, False
        else:
            quarters = tenor_quarters(instrument, ledger)
            principal[: min(quarters, len(horizon))] = balance / quarters
        schedule = _flows(
            instrument.key, instrument.label, balance, draws, principal, rate, sofr_change, floating, True
        )
        if instrument.key == "revolver":
            commitment = ledger.value(instrument.commitment[LATEST_AS_OF])  # type: ignore[index]
            fee = ledger.value("debt_revolver_undrawn_fee")
            live = horizon.indices <= (maturity if maturity is not None else len(horizon))
            undrawn = np.where(live, np.maximum(commitment - (schedule.opening + schedule.closing) / 2, 0.0), 0.0)
            schedule = FacilitySchedule(
                **{**schedule.__dict__, "fees": np.broadcast_to(fee / 4 * undrawn, schedule.interest.shape).copy()}
            )
        schedules.append(schedule)
    return schedules


def interest_expense(schedules: list[FacilitySchedule], scenario: int = 0) -> np.ndarray:
    """Modelled interest expense per quarter (USD): cash interest, undrawn fees and the Magnetar accretion,
    the items of the reported line; amortized issuance costs and capitalized interest are not modelled."""
    accretion = sum(s.draws for s in schedules if BY_KEY[s.key].structure == "accreting")
    return sum(s.interest[scenario] + s.fees[scenario] for s in schedules) + accretion


def _stack_after_first_quarter(ledger: Ledger) -> Stack:
    """2026-03-31: the 2025-12-31 stack after the first quarter of its schedule, DDTL 4.0 at nothing drawn."""
    start = stack_at(ledger, LATEST_AS_OF)
    schedules = {s.key: s for s in latest_schedules(ledger)}
    ceiling = start.total_high + ledger.value("cw_capex_company_2026q1")
    positions = []
    for s in schedules.values():
        closing = float(s.closing[0])
        before = start[s.key] if s.key in {p.key for p in start.positions} else None
        if s.key == "ddtl4":
            size = ledger.value("debt_ddtl4_commitment")
            positions.append(
                Position(
                    "ddtl4",
                    "2026-03-31",
                    0.0,
                    0.0,
                    size,
                    "closed 31 March 2026; taken as nothing drawn",
                    ("debt_ddtl4_commitment",),
                )
            )
            continue
        if before is None:
            continue
        positions.append(
            Position(
                s.key,
                "2026-03-31",
                closing,
                closing * (before.low / before.balance if before.balance else 0.0),
                closing * (before.high / before.balance if before.balance else 0.0),
                before.basis + ("; less its first-quarter principal" if s.principal[0] > 0 else ""),
                before.facts,
            )
        )
    principal = sum(p.balance for p in positions)
    order = {i.key: n for n, i in enumerate(INSTRUMENTS)}
    positions.sort(key=lambda p: order[p.key])
    return Stack(
        "2026-03-31",
        tuple(positions),
        principal,
        principal,
        ceiling,
        "the 2025-12-31 stack run one quarter; at most that plus the quarter's capex",
        (*start.total_facts, "cw_capex_company_2026q1"),
    )


def latest_service_surface(ledger: Ledger) -> ServiceSurface:
    """The exact linear form in the SOFR change of the latest stack's all-debt service (see :class:`ServiceSurface`).

    The funding model can start from it as it starts from :func:`service_surface` of a filing; nothing
    in the latest stack is drawn after its date, so ``proceeds`` are zero.
    """
    schedules = latest_schedules(ledger, [0.0, SURFACE_STEP])
    service = sum(s.debt_service for s in schedules)
    return ServiceSurface(
        horizon=latest_horizon(),
        base=service[0],
        per_sofr=(service[1] - service[0]) / SURFACE_STEP,
        proceeds=np.zeros(len(latest_horizon())),
    )


def parent_wall(ledger: Ledger, stack: Stack) -> pd.DataFrame:
    """The parent's own debt by year of maturity (USD): every ``parent``-level instrument of ``stack`` and
    those signed after it, one row per instrument, with its year and whether it falls before 2029."""
    rows = []
    held = {p.key: p.balance for p in stack.positions}
    for instrument in INSTRUMENTS:
        if instrument.level != "parent":
            continue
        if instrument.key in held:
            amount, when = held[instrument.key], ledger.value(instrument.maturity)  # type: ignore[arg-type]
            year = int(str(int(when))[:4])
        elif instrument.key in LATER_SIZES:
            amount = ledger.value(LATER_SIZES[instrument.key])
            year = int(instrument.label.split()[0]) if instrument.label[:4].isdigit() else 0
        else:
            continue
        rows.append(
            {
                "key": instrument.key,
                "instrument": instrument.label,
                "year": year,
                "principal": amount,
                "structure": instrument.structure,
                "in_stack": instrument.key in held,
            }
        )
    frame = pd.DataFrame(rows)
    frame["before_2029"] = frame["year"] < 2029
    return frame


def before_2029_exceptions(ledger: Ledger, stack: Stack) -> pd.DataFrame:
    """Instruments of ``stack`` due before 2029 that are neither self-amortizing contract-backed debt nor OEM
    financing: what the company's "no debt maturities until 2029 other than ..." statement leaves out."""
    wall = parent_wall(ledger, stack)
    return wall[wall["before_2029"] & wall["in_stack"] & (wall["principal"] > 0)].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Ratios on matched periods

PERIOD_TAG = "(periods: {numerator} over {denominator})"


@dataclass(frozen=True)
class Measure:
    """A quantity of one period ('2026-Q1', 'FY2025', '2025-12-31'), with the ledger facts it rests on."""

    value: float
    period: str
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ratio:
    name: str
    value: float
    period: str
    facts: tuple[str, ...]

    def formula(self, words: str) -> str:
        """``words`` with the period tag that tests read back from the provenance."""
        return f"{words} {PERIOD_TAG.format(numerator=self.period, denominator=self.period)}"


def _year_of(period: str) -> str:
    """The year a period belongs to, for a flow over a stock at its end: 'FY2025' and '2025-12-31' are 2025."""
    return period[2:6] if period.startswith("FY") else period[:4]


def ratio(name: str, numerator: Measure, denominator: Measure, *, stock_over_flow: bool = False) -> Ratio:
    """``numerator / denominator`` when both are of one period, else a :class:`CreditError` naming the ratio.

    ``stock_over_flow``: a balance at a year's end over that year's flow (debt at 2025-12-31 over FY2025
    EBITDA) matches on the year. A zero, negative or missing denominator is refused too.
    """
    same = (
        _year_of(numerator.period) == _year_of(denominator.period)
        and numerator.period[-5:] == "12-31"
        and denominator.period.startswith("FY")
        if stock_over_flow
        else numerator.period == denominator.period
    )
    if not same:
        raise CreditError(
            f"{name}: numerator period = {numerator.period!r} and denominator period = {denominator.period!r} differ; "
            "a ratio divides quantities of one period"
        )
    if not np.isfinite(denominator.value) or denominator.value <= 0:
        raise CreditError(f"{name}: denominator = {denominator.value!r} must be a positive amount")
    return Ratio(
        name,
        numerator.value / denominator.value,
        _year_of(denominator.period) if stock_over_flow else numerator.period,
        tuple(dict.fromkeys(numerator.facts + denominator.facts)),
    )


def periods_of(formula: str) -> tuple[str, str] | None:
    """The (numerator, denominator) periods a published formula's tag names, or None without a tag."""
    import re

    found = re.search(r"\(periods: (.+?) over (.+?)\)", formula)
    return (found.group(1), found.group(2)) if found else None
