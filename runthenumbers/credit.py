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
        raise CreditError(f"{key}: principal repays more than was drawn")
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
