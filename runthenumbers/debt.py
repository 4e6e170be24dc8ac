"""Debt: quarterly schedules of CoreWeave's two delayed-draw term loans (DDTL 1.0 and DDTL 2.0).

Every schedule covers the 24 quarters 2025-Q1 to 2030-Q4 of the article's horizon (:data:`HORIZON`)
for any number of scenarios at once: arrays are shaped ``(scenarios, 24)`` and every input
broadcasts, so an input may be a scalar, one value per scenario (a 1-D array of length S, or an
``(S, 1)`` column) or a full ``(S, 24)`` path such as a SOFR path. Money is in USD, rates are annual
fractions (0.14 is 14% a year), quarters are 0-based indices of :data:`HORIZON` (0 = 2025-Q1) unless
a name says "quarter number" (1 = 2025-Q1, as the notebook's inputs count them). A bad input raises
:class:`~runthenumbers.checks.ParameterError` naming it, its value and what is allowed.

Conventions, stated once:

- Interest for a quarter is the annual rate divided by four times the *average* of the opening
  and closing balance: draws and repayments are treated as happening mid-quarter.
- Scheduled principal is capped at what is owed, so a balance never goes below zero.
- A loan with a maturity quarter repays whatever is left in that quarter as a balloon.
- A commitment fee is charged each quarter the undrawn commitment is available, on the
  commitment less the average balance (the article's wording for DDTL 2.0's fee).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Mapping

import numpy as np
import pandas as pd

from . import credit
from .calendar import ARTICLE_HORIZON, MONTHS_PER_QUARTER, extended_quarter
from .checks import ParameterError, first_where, require_between, require_whole
from .data import Ledger

HORIZON = ARTICLE_HORIZON
# Each quarter's index, to compare with maturities and deadlines given as indices.
_QUARTER = HORIZON.indices
# An upper bound for any rate the model is asked to use: 100% a year. Above it a value is a typo.
MAX_RATE = 1.0
# An upper bound for a quarter index or count: a century of quarters. Above it a value is a typo.
MAX_QUARTERS = 400
QUARTER_INDEX = f"quarter index, 0 = {HORIZON.first}"


# ---------------------------------------------------------------------------------------------
# Shapes and quarters


def _column(value, name: str) -> np.ndarray:
    """``value`` as an (S, 1) or (S, 24) float array: scalars become (1, 1), 1-D arrays one value per scenario."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return array.reshape(1, 1)
    if array.ndim == 1:
        return array[:, None]
    if array.ndim == 2 and array.shape[1] in (1, len(HORIZON)):
        return array
    raise ParameterError(
        f"{name} has shape {array.shape}; allowed: a scalar, (scenarios,), (scenarios, 1) or (scenarios, {len(HORIZON)})"
    )


def _paths(**named) -> dict[str, np.ndarray]:
    """Every named input broadcast to one common (S, 24) shape."""
    columns = {name: _column(value, name) for name, value in named.items()}
    try:
        scenarios = np.broadcast_shapes(*(c.shape[:1] for c in columns.values()))[0]
    except ValueError:
        shapes = ", ".join(f"{n} {c.shape}" for n, c in columns.items())
        raise ParameterError(f"inputs disagree on the number of scenarios: {shapes}") from None
    return {name: np.broadcast_to(c, (scenarios, len(HORIZON))).astype(float) for name, c in columns.items()}


def _quarter_column(value, name: str, scenarios: int, low: int, high: int, unit: str = QUARTER_INDEX) -> np.ndarray:
    """A quarter index or count per scenario as an (S, 1) int array of whole numbers in [low, high]."""
    array = np.asarray(value)
    if array.ndim > 1:
        array = array.reshape(-1)
    column = np.broadcast_to(np.atleast_1d(array), (scenarios,)).reshape(scenarios, 1)
    return require_whole(name, column, low, high, unit)


# ---------------------------------------------------------------------------------------------
# One facility's schedule


@dataclass(frozen=True)
class Schedule:
    """One facility's (or several facilities' combined) quarterly flows, each (scenarios, 24), USD.

    ``closing = opening + draws - principal - balloon`` in every quarter; ``principal`` is the
    scheduled (and any extra) repayment, ``balloon`` the remainder repaid at maturity.
    """

    opening: np.ndarray
    draws: np.ndarray
    interest: np.ndarray
    fees: np.ndarray
    principal: np.ndarray
    balloon: np.ndarray
    closing: np.ndarray

    @property
    def repayment(self) -> np.ndarray:
        """Principal of any kind: scheduled plus balloon."""
        return self.principal + self.balloon

    @property
    def debt_service(self) -> np.ndarray:
        """Cash paid to lenders each quarter: interest + fees + principal + balloon."""
        return self.interest + self.fees + self.principal + self.balloon

    def __add__(self, other: "Schedule") -> "Schedule":
        """Two facilities side by side: every flow and balance added."""
        return Schedule(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def annual(self, name: str) -> np.ndarray:
        """A flow (a field or ``debt_service``/``repayment``) summed to calendar years: (scenarios, 6)."""
        return HORIZON.by_year(getattr(self, name))


def debt_service(*schedules: Schedule) -> np.ndarray:
    """Total quarterly debt service (interest + fees + principal + balloon) of several facilities: (S, 24)."""
    return sum(s.debt_service for s in schedules)


def annual_debt_service(*schedules: Schedule) -> np.ndarray:
    """Total debt service of several facilities by calendar year 2025-2030: (S, 6)."""
    return HORIZON.by_year(debt_service(*schedules))


def facility_schedule(
    opening_balance,
    rate,
    *,
    draws=0.0,
    scheduled_principal=0.0,
    fee_rate=0.0,
    commitment=0.0,
    fee_until=-1,
    maturity=None,
) -> Schedule:
    """The quarterly schedule of one term loan.

    - ``opening_balance``: USD owed at 2024-12-31, per scenario.
    - ``rate``: annual all-in interest rate (SOFR plus margin), a fraction; scalar, per scenario or a path.
    - ``draws``: USD drawn in each quarter.
    - ``scheduled_principal``: USD the loan requires repaid each quarter (capped at what is owed).
    - ``fee_rate``: annual fee on the undrawn commitment (``commitment`` less the average balance),
      charged in quarters 0 to ``fee_until`` inclusive (-1: never).
    - ``maturity``: quarter index in which everything left is repaid as a balloon; None, or an index
      beyond 2030-Q4, for no balloon within the horizon. No draws are allowed after it.
    """
    flows = _paths(
        opening_balance=opening_balance,
        rate=rate,
        draws=draws,
        scheduled_principal=scheduled_principal,
        fee_rate=fee_rate,
        commitment=commitment,
    )
    scenarios = flows["rate"].shape[0]
    require_between("rate", flows["rate"], 0.0, MAX_RATE, "annual fraction", where=HORIZON.place)
    require_between("fee_rate", flows["fee_rate"], 0.0, MAX_RATE, "annual fraction", where=HORIZON.place)
    for name in ("opening_balance", "draws", "scheduled_principal", "commitment"):
        require_between(name, flows[name], 0.0, np.inf, "USD", where=HORIZON.place)
    maturity = _quarter_column(len(HORIZON) if maturity is None else maturity, "maturity", scenarios, 0, MAX_QUARTERS)
    fee_until = _quarter_column(fee_until, "fee_until", scenarios, -1, MAX_QUARTERS, f"{QUARTER_INDEX}; -1: never")
    late = (_QUARTER > maturity) & (flows["draws"] > 0)
    if np.any(late):
        (draw,) = first_where(late, flows["draws"])
        raise ParameterError(
            f"draws = {draw!r} ({HORIZON.place(late)}) come after the loan's maturity; "
            "allowed: draws up to the maturity quarter"
        )

    opening0 = flows["opening_balance"][:, :1]
    live = _QUARTER <= maturity
    net = np.where(live, flows["draws"] - flows["scheduled_principal"], 0.0)
    # A running balance floored at zero is the running sum less its running minimum below zero (the
    # reflection identity), which keeps the whole schedule to cumulative operations.
    running = opening0 + np.cumsum(net, axis=1)
    before_balloon = running - np.minimum(np.minimum.accumulate(running, axis=1), 0.0)
    balloon = np.where(_QUARTER == maturity, before_balloon, 0.0)
    closing = np.where(_QUARTER >= maturity, 0.0, before_balloon)
    opening = np.concatenate([opening0, closing[:, :-1]], axis=1)
    principal = opening + flows["draws"] - closing - balloon
    average = (opening + closing) / 2.0
    interest = flows["rate"] / 4.0 * average
    fees = np.where(
        _QUARTER <= fee_until, flows["fee_rate"] / 4.0 * np.maximum(flows["commitment"] - average, 0.0), 0.0
    )
    return Schedule(
        opening=opening,
        draws=flows["draws"],
        interest=interest,
        fees=fees,
        principal=principal,
        balloon=balloon,
        closing=closing,
    )


def ddtl1_schedule(opening_balance, rate, *, principal_per_quarter, extra_principal=0.0, maturity) -> Schedule:
    """DDTL 1.0: fully drawn, amortizing each quarter until ``maturity`` (2028-Q1) with a balloon.

    ``principal_per_quarter`` is the scheduled repayment; ``extra_principal`` is any further
    repayment per quarter, the way the loan's collateral test would demand more as the GPUs that
    secure it lose value. Both are USD per quarter (scalar, per scenario, or a path).
    """
    require_between("extra_principal", _paths(x=extra_principal)["x"], 0.0, np.inf, "USD", where=HORIZON.place)
    scheduled = _paths(a=principal_per_quarter, b=extra_principal)
    return facility_schedule(
        opening_balance, rate, scheduled_principal=scheduled["a"] + scheduled["b"], maturity=maturity
    )


def even_draws(amount, last_draw_quarter) -> np.ndarray:
    """``amount`` (USD per scenario) drawn in equal parts in quarters 0 to ``last_draw_quarter`` inclusive: (S, 24)."""
    amount = _column(amount, "amount")[:, :1]
    scenarios = max(amount.shape[0], np.size(last_draw_quarter))
    last = _quarter_column(last_draw_quarter, "last_draw_quarter", scenarios, 0, len(HORIZON) - 1)
    return np.where(_QUARTER <= last, np.broadcast_to(amount, (scenarios, 1)) / (last + 1), 0.0)


def amortization_quarters(amortization_months) -> int | np.ndarray:
    """Months of straight-line repayment as whole quarters; refuses zero, negative or part quarters."""
    months = np.asarray(amortization_months, dtype=float)
    bad = ~((months >= MONTHS_PER_QUARTER) & (months % MONTHS_PER_QUARTER == 0))
    if np.any(bad):
        (value,) = first_where(bad, months)
        raise ParameterError(
            f"amortization_months = {value:g} is not allowed; allowed: a whole number of quarters, "
            f"from {MONTHS_PER_QUARTER} months up (months)"
        )
    return (months // MONTHS_PER_QUARTER).astype(int)


def straight_line_principal(opening_balance, draws, *, first_repayment, quarters) -> np.ndarray:
    """Scheduled principal when each draw is repaid in ``quarters`` equal parts.

    The balance owed at 2024-12-31 and every draw made before ``first_repayment`` start repaying in
    ``first_repayment``; a later draw starts the quarter after it is made. Shape (S, 24), USD.
    Built from cumulative sums: the amount entering repayment each quarter, accumulated, less the
    same total ``quarters`` earlier, divided by ``quarters``.
    """
    flows = _paths(opening_balance=opening_balance, draws=draws)
    scenarios = flows["draws"].shape[0]
    first = _quarter_column(first_repayment, "first_repayment", scenarios, 0, MAX_QUARTERS)
    quarters = _quarter_column(quarters, "quarters", scenarios, 1, MAX_QUARTERS, "quarters")
    drawn_before = np.concatenate([np.zeros((scenarios, 1)), flows["draws"][:, :-1]], axis=1)
    waiting = flows["opening_balance"][:, :1] + np.cumsum(drawn_before, axis=1)
    starting = np.where(_QUARTER < first, 0.0, np.where(_QUARTER == first, waiting, drawn_before))
    started = np.cumsum(starting, axis=1)
    lag = _QUARTER - quarters
    finished = np.where(lag >= 0, np.take_along_axis(started, np.clip(lag, 0, None), axis=1), 0.0)
    return (started - finished) / quarters


def ddtl2_schedule(
    opening_balance,
    draws,
    rate,
    *,
    facility_size,
    draw_deadline,
    first_repayment,
    amortization_months,
    fee_rate=0.0,
    maturity=None,
    filed_profile=None,
) -> Schedule:
    """DDTL 2.0: drawn by quarter until ``draw_deadline``, then repaid as filed or straight-line.

    - ``amortization_months``: 0 repays the total drawn along ``filed_profile`` (the share of it due
      each quarter, from the filed maturity table: see :func:`filed_ddtl2_profile`); otherwise each
      draw is repaid in equal quarterly parts over this many months.

    - ``draws``: USD drawn each quarter (see :func:`even_draws`); none after ``draw_deadline``
      (a quarter index) and never more in total, with ``opening_balance``, than ``facility_size``.
    - ``first_repayment``: quarter index of the first repayment (2025-Q4 = 3 in the article).
    - ``fee_rate``: annual fee on the undrawn part of ``facility_size`` until the draw deadline.
    - ``maturity``: optional quarter index of a facility maturity with a balloon.
    """
    flows = _paths(opening_balance=opening_balance, draws=draws, facility_size=facility_size)
    scenarios = flows["draws"].shape[0]
    deadline = _quarter_column(
        draw_deadline, "draw_deadline", scenarios, -1, len(HORIZON) - 1, f"{QUARTER_INDEX}; -1: no draws"
    )
    late = (_QUARTER > deadline) & (flows["draws"] > 0)
    if np.any(late):
        s, t = (int(i[0]) for i in np.nonzero(late))
        last = int(deadline[s, 0])
        deadline_text, allowed = (
            (f" {HORIZON.label(last)}", f"draws from {HORIZON.first} to {HORIZON.label(last)}")
            if last >= 0
            else (f", which passed before {HORIZON.first}", "no draws")
        )
        raise ParameterError(
            f"draws = {float(flows['draws'][s, t])!r} in {HORIZON.label(t)} (scenario {s}) come after the draw deadline"
            f"{deadline_text}; allowed: {allowed}"
        )
    require_between("draws", flows["draws"], 0.0, np.inf, "USD", where=HORIZON.place)
    drawn = flows["opening_balance"][:, 0] + flows["draws"].sum(axis=1)
    above = drawn > flows["facility_size"][:, 0] * (1 + 1e-12)
    if np.any(above):
        s = int(np.nonzero(above)[0][0])
        size = float(flows["facility_size"][s, 0])
        raise ParameterError(
            f"opening balance plus draws = {float(drawn[s])!r} (scenario {s}) is above the facility size {size!r}; "
            f"allowed: from 0 to {size!r} (USD)"
        )
    months = np.asarray(amortization_months, dtype=float)
    as_filed = months == 0
    scheduled = straight_line_principal(
        flows["opening_balance"],
        flows["draws"],
        first_repayment=first_repayment,
        quarters=amortization_quarters(np.where(as_filed, MONTHS_PER_QUARTER, months)),
    )
    if np.any(as_filed):
        if filed_profile is None:
            raise ParameterError("amortization_months = 0 repays DDTL 2.0 as filed, which needs the filed profile")
        filed = drawn[:, None] * np.asarray(filed_profile, dtype=float)[None, :]
        scheduled = np.where(as_filed.reshape(-1, 1) if as_filed.ndim else as_filed, filed, scheduled)
    return facility_schedule(
        flows["opening_balance"],
        rate,
        draws=flows["draws"],
        scheduled_principal=scheduled,
        fee_rate=fee_rate,
        commitment=flows["facility_size"],
        fee_until=deadline,
        maturity=maturity,
    )


# ---------------------------------------------------------------------------------------------
# The two loans from the ledger and the notebook's inputs


@dataclass(frozen=True)
class Terms:
    """The loan terms the notebook does not vary, read from the ledger.

    Quarter fields are 0-based indices of :data:`HORIZON`.
    """

    ddtl1_balance: float
    ddtl1_maturity: int
    ddtl2_balance: float
    ddtl2_facility_size: float
    ddtl2_draw_deadline: int
    ddtl2_maturity: int
    ddtl2_filed_profile: np.ndarray

    @classmethod
    def from_ledger(cls, ledger: Ledger) -> "Terms":
        return cls(
            ddtl1_balance=ledger.value("debt_ddtl1_balance_2024q4"),
            ddtl1_maturity=HORIZON.index(ledger.value("debt_ddtl1_maturity")),
            ddtl2_balance=ledger.value("debt_ddtl2_balance_2024q4"),
            ddtl2_facility_size=ledger.value("article_debt_ddtl2_facility_size"),
            # The deadline's quarter plus the extension, in whole quarters: the last quarter a draw may fall in.
            ddtl2_draw_deadline=HORIZON.index(
                extended_quarter(
                    ledger.value("article_debt_ddtl2_draw_deadline"),
                    ledger.value("article_debt_ddtl2_extension_months"),
                )
            ),
            ddtl2_maturity=HORIZON.index(ledger.value("debt_ddtl2_maturity")),
            ddtl2_filed_profile=filed_ddtl2_profile(ledger),
        )


def filed_ddtl2_profile(ledger: Ledger) -> np.ndarray:
    """The share of DDTL 2.0's 2025-06-30 balance repaid in each quarter 2025-Q1 to 2030-Q4, as the all-debt
    schedule calibrated to the filed maturity table gives it (:mod:`runthenumbers.credit`); it sums to one."""
    filing = credit.FILING_2025_06_30
    principal = credit.principal_by_facility(filing, ledger)["ddtl2"]
    profile = np.zeros(len(HORIZON))
    first = HORIZON.index(filing.horizon.first)
    span = min(len(principal), len(HORIZON) - first)
    profile[first : first + span] = principal[:span]
    return profile / principal.sum()


def two_loans(
    inputs: Mapping[str, float],
    terms: Terms,
    *,
    sofr=None,
    ddtl2_drawn=None,
    ddtl1_rate=None,
    ddtl2_rate=None,
    ddtl2_maturity=None,
    ddtl1_principal=None,
) -> tuple[Schedule, Schedule]:
    """DDTL 1.0 and DDTL 2.0 schedules from the notebook's resolved ``inputs``; keywords override them.

    ``sofr`` (annual fraction, scalar, per scenario or a path) sets both loans' base rate;
    ``ddtl2_drawn`` (USD per scenario) the total DDTL 2.0 drawn by the last draw quarter;
    ``ddtl1_rate`` and ``ddtl2_rate`` replace a loan's SOFR-plus-margin by an all-in annual rate (for
    the rate band, or the article's own rates); ``ddtl2_maturity`` adds a facility maturity (a quarter
    index) at which DDTL 2.0's remainder is repaid as a balloon;
    ``ddtl1_principal`` replaces DDTL 1.0's scheduled principal per quarter.
    """
    sofr = inputs["sofr"] if sofr is None else sofr
    ddtl2_drawn = inputs["ddtl2_drawn"] if ddtl2_drawn is None else ddtl2_drawn
    sofr_path = _column(sofr, "sofr")
    ddtl1 = ddtl1_schedule(
        terms.ddtl1_balance,
        sofr_path + inputs["ddtl1_margin"] if ddtl1_rate is None else _column(ddtl1_rate, "ddtl1_rate"),
        principal_per_quarter=inputs["ddtl1_principal_per_quarter"] if ddtl1_principal is None else ddtl1_principal,
        extra_principal=inputs["ddtl1_extra_principal_per_quarter"],
        maturity=terms.ddtl1_maturity,
    )
    further = _column(ddtl2_drawn, "ddtl2_drawn")[:, :1] - terms.ddtl2_balance
    if np.any(further < 0):
        (drawn,) = first_where(further < 0, further + terms.ddtl2_balance)
        raise ParameterError(
            f"ddtl2_drawn = {float(drawn)!r} is below the balance "
            f"already drawn at 2024-12-31 {terms.ddtl2_balance!r}; allowed: from {terms.ddtl2_balance!r} to "
            f"{terms.ddtl2_facility_size!r} (USD)"
        )
    ddtl2 = ddtl2_schedule(
        terms.ddtl2_balance,
        even_draws(further, int(inputs["ddtl2_last_draw_quarter"]) - 1),
        sofr_path + inputs["ddtl2_margin"] if ddtl2_rate is None else _column(ddtl2_rate, "ddtl2_rate"),
        facility_size=terms.ddtl2_facility_size,
        draw_deadline=terms.ddtl2_draw_deadline,
        first_repayment=int(inputs["ddtl2_first_repayment_quarter"]) - 1,
        amortization_months=inputs["ddtl2_amortization_months"],
        fee_rate=inputs["ddtl2_undrawn_fee"],
        maturity=ddtl2_maturity,
        filed_profile=terms.ddtl2_filed_profile,
    )
    return ddtl1, ddtl2


def service_grid(inputs: Mapping[str, float], terms: Terms, sofr_levels, drawn_amounts) -> np.ndarray:
    """Annual debt service of both loans over a grid of SOFR levels x DDTL 2.0 drawn amounts.

    The grid is flattened onto the scenario axis and computed in one call. Returns USD shaped
    (len(sofr_levels), len(drawn_amounts), 6 years).
    """
    sofr_levels = np.asarray(sofr_levels, dtype=float)
    drawn_amounts = np.asarray(drawn_amounts, dtype=float)
    sofr, drawn = (a.reshape(-1) for a in np.meshgrid(sofr_levels, drawn_amounts, indexing="ij"))
    service = annual_debt_service(*two_loans(inputs, terms, sofr=sofr, ddtl2_drawn=drawn))
    return service.reshape(len(sofr_levels), len(drawn_amounts), len(HORIZON.calendar_years))


def rate_band(inputs: Mapping[str, float], terms: Terms, drawn_amounts, low: float, high: float) -> np.ndarray:
    """Annual debt service of both loans with DDTL 2.0 at an all-in rate of ``low`` and of ``high``.

    DDTL 1.0 stays at SOFR plus its margin. Returns USD shaped (2, len(drawn_amounts), 6): the band's
    lower and upper edge for each drawn amount.
    """
    drawn_amounts = np.asarray(drawn_amounts, dtype=float)
    rates = np.repeat([low, high], len(drawn_amounts))
    drawn = np.tile(drawn_amounts, 2)
    service = annual_debt_service(*two_loans(inputs, terms, ddtl2_drawn=drawn, ddtl2_rate=rates))
    return service.reshape(2, len(drawn_amounts), len(HORIZON.calendar_years))


# ---------------------------------------------------------------------------------------------
# The article's own arithmetic


def straight_line(balance, periods):
    """Equal repayments of ``balance`` over ``periods`` (the article's method): USD per period."""
    return np.asarray(balance, dtype=float) / np.asarray(periods, dtype=float)


def simple_interest(balance, annual_rate, periods_per_year=1):
    """Interest on a constant ``balance`` for one period: balance x rate / periods per year (USD)."""
    return np.asarray(balance, dtype=float) * np.asarray(annual_rate, dtype=float) / periods_per_year


# ---------------------------------------------------------------------------------------------
# Frames for tables and charts (one scenario)

COMPONENTS = (
    ("DDTL 1.0", "interest", "DDTL 1.0 interest"),
    ("DDTL 1.0", "repayment", "DDTL 1.0 principal and balloon"),
    ("DDTL 2.0", "interest", "DDTL 2.0 interest"),
    ("DDTL 2.0", "fees", "DDTL 2.0 undrawn fee"),
    ("DDTL 2.0", "repayment", "DDTL 2.0 principal"),
)


def service_components(ddtl1: Schedule, ddtl2: Schedule, scenario: int = 0) -> pd.DataFrame:
    """Long frame of one scenario's quarterly debt service by facility and kind (USD), for a stacked chart."""
    loans = {"DDTL 1.0": ddtl1, "DDTL 2.0": ddtl2}
    rows = [
        {
            "quarter": quarter,
            "year": str(HORIZON.years[i]),
            "facility": facility,
            "kind": kind,
            "component": label,
            "usd": float(getattr(loans[facility], kind)[scenario, i]),
        }
        for facility, kind, label in COMPONENTS
        for i, quarter in enumerate(HORIZON.quarters)
    ]
    return pd.DataFrame(rows)


def quarterly_table(ddtl1: Schedule, ddtl2: Schedule, scenario: int = 0) -> pd.DataFrame:
    """One scenario's quarterly schedule of both loans, USD, indexed by quarter."""
    columns = {
        "DDTL 1.0 opening": ddtl1.opening,
        "DDTL 1.0 interest": ddtl1.interest,
        "DDTL 1.0 principal": ddtl1.principal,
        "DDTL 1.0 balloon": ddtl1.balloon,
        "DDTL 2.0 opening": ddtl2.opening,
        "DDTL 2.0 draws": ddtl2.draws,
        "DDTL 2.0 interest": ddtl2.interest,
        "DDTL 2.0 fee": ddtl2.fees,
        "DDTL 2.0 principal": ddtl2.principal + ddtl2.balloon,
        "Debt service": debt_service(ddtl1, ddtl2),
    }
    frame = pd.DataFrame({name: values[scenario] for name, values in columns.items()}, index=list(HORIZON.quarters))
    frame.index.name = "quarter"
    return frame


def annual_components(ddtl1: Schedule, ddtl2: Schedule, scenario: int = 0) -> pd.DataFrame:
    """One scenario's debt service by calendar year and component (USD), for a stacked chart."""
    frame = service_components(ddtl1, ddtl2, scenario)
    return frame.groupby(["year", "facility", "kind", "component"], sort=False, as_index=False)["usd"].sum()
