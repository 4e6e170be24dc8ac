"""Partner risk: how much of CoreWeave's build-out rests on Core Scientific, a bitcoin miner.

Four pieces, each a few lines of arithmetic on ledger facts:

- Core Scientific's 2024 revenue by segment and its quarterly net results split into the operating
  result and the non-operating items (chiefly the non-cash fair-value change of the warrants and
  contingent value rights issued in its bankruptcy);
- the CoreWeave contracts: megawatts, value and the fee per MW-year they imply;
- the "coincidence" of Core Scientific's ~1,317 MW and CoreWeave's ~1.3 GW, measured by how much of
  each total the contracts between the two cover;
- a stress case: a share of the contracted capacity delivered late or never.

Units, stated once: money in USD, power in MW (the contracts count critical IT load, the power
that reaches the servers; Core Scientific's portfolio counts gross power, cooling and losses
included), shares as fractions, dates as yyyymmdd integers (as the ledger stores them), delays
in quarters. Profits are positive and losses negative in the results split.

The stress model is vectorized over a leading scenario axis: every input broadcasts to one value
per scenario, and the capacity in service is an array shaped ``(scenarios, quarters of the
term)``. Its assumptions: the 12-year term runs from the scheduled delivery and does not move when
delivery is late (the contracts themselves were not readable), so each quarter of delay is a
quarter of fees lost, not deferred; the fee per MW-year is level over the term (the contract value
divided by megawatts and years); capacity never delivered earns nothing for the whole term.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendar import (
    MONTHS_PER_QUARTER,
    QUARTERS_PER_YEAR,
    add_months,
    quarters_between,
    same_month,
    same_year,
)
from .checks import ParameterError, require_date_in_term, require_delay_in_term, require_shares_of_one_whole
from .data import Ledger
from .parameters.partner_risk import DELAY_FROM, DELAYED, TERM, TERM_STARTED_BY, WHOLE
from .verdicts import relative_difference

QUARTERS_2024 = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4")
SEGMENTS = ("Self-mining", "Hosted mining", "HPC hosting")
RESULT_PARTS = (
    "Operating result",
    "Warrant/CVR remeasurement",
    "Gain on extinguishment",
    "Other non-operating items",
)
# "Early 2027", the FY2025 release's date for all ~590 MW, read as the end of 2027's first quarter.
EARLY_2027 = 20270331


# ---------------------------------------------------------------------------------------------
# Core Scientific's revenue and results


def mining_share(self_mining, hosted_mining, hpc_hosting) -> np.ndarray:
    """Fraction of revenue from bitcoin mining, its own and hosted for others (all in USD)."""
    mining = np.asarray(self_mining, dtype=float) + np.asarray(hosted_mining, dtype=float)
    return mining / (mining + np.asarray(hpc_hosting, dtype=float))


def fy2024_revenue(ledger: Ledger) -> dict[str, float]:
    """FY2024 revenue by segment from the 10-K segment table (USD)."""
    return {
        "Self-mining": ledger.value("csci_revenue_selfmining_fy2024"),
        "Hosted mining": ledger.value("csci_revenue_hostedmining_fy2024"),
        "HPC hosting": ledger.value("csci_revenue_hpc_fy2024"),
    }


def quarterly_revenue(ledger: Ledger) -> pd.DataFrame:
    """2024 revenue by quarter and segment (USD), long form.

    HPC hosting became a segment only in Q2 2024; Q1's hosting segment was hosted mining alone (its
    29.3 USD millions is what the 10-K's full-year hosted-mining figure leaves for Q1), so Q1's HPC
    revenue is shown as zero.
    """
    values = {
        "Self-mining": [ledger.value("csci_revenue_selfmining_2024q1")]
        + [ledger.value(f"csci_revenue_selfmining_2024q{q}") for q in (2, 3, 4)],
        "Hosted mining": [ledger.value("csci_revenue_hosting_2024q1")]
        + [ledger.value(f"csci_revenue_hostedmining_2024q{q}") for q in (2, 3, 4)],
        "HPC hosting": [0.0] + [ledger.value(f"csci_revenue_hpc_2024q{q}") for q in (2, 3, 4)],
    }
    rows = [
        {"quarter": quarter, "segment": segment, "revenue_usd": values[segment][i]}
        for i, quarter in enumerate(QUARTERS_2024)
        for segment in SEGMENTS
    ]
    frame = pd.DataFrame(rows)
    frame["share_of_quarter"] = frame["revenue_usd"] / frame.groupby("quarter")["revenue_usd"].transform("sum")
    return frame


def split_net_result(net, operating, *identified) -> tuple[np.ndarray, np.ndarray]:
    """Non-operating result (net minus operating) and what is left of it after the ``identified``
    non-operating items; all signed USD (profits and gains positive), any shape that broadcasts."""
    non_operating = np.asarray(net, dtype=float) - np.asarray(operating, dtype=float)
    other = non_operating - sum((np.asarray(item, dtype=float) for item in identified), np.zeros_like(non_operating))
    return non_operating, other


def results_2024(ledger: Ledger) -> pd.DataFrame:
    """Core Scientific's 2024 quarterly net result split into its parts (signed USD), one row a quarter.

    Columns: ``net``, ``operating``, ``fair_value`` (the warrant and CVR remeasurement; not broken out
    in the Q1 release, so zero there and inside ``other``), ``extinguishment`` (Q1's gain on
    extinguishment of prior obligations), ``non_operating`` and ``other`` (interest, taxes and
    everything else below the operating line). Q4 is as first reported.
    """
    net = np.array(
        [ledger.value("csci_net_income_2024q1")] + [-ledger.value(f"csci_net_loss_2024q{q}") for q in (2, 3, 4)]
    )
    operating = np.array(
        [
            ledger.value("csci_operating_income_2024q1"),
            ledger.value("csci_operating_income_2024q2"),
            -ledger.value("csci_operating_loss_2024q3"),
            -ledger.value("csci_operating_loss_2024q4"),
        ]
    )
    fair_value = np.array([0.0] + [-ledger.value(f"csci_fv_warrants_cvr_2024q{q}") for q in (2, 3, 4)])
    extinguishment = np.array([ledger.value("csci_gain_extinguishment_2024q1"), 0.0, 0.0, 0.0])
    non_operating, other = split_net_result(net, operating, fair_value, extinguishment)
    return pd.DataFrame(
        {
            "quarter": QUARTERS_2024,
            "net": net,
            "operating": operating,
            "fair_value": fair_value,
            "extinguishment": extinguishment,
            "non_operating": non_operating,
            "other": other,
        }
    )


def results_parts(results: pd.DataFrame) -> pd.DataFrame:
    """The results split in long form for a chart: quarter, part, USD."""
    columns = dict(zip(("operating", "fair_value", "extinguishment", "other"), RESULT_PARTS))
    long = results.melt(id_vars="quarter", value_vars=list(columns), var_name="column", value_name="usd")
    long["part"] = long["column"].map(columns)
    return long.drop(columns="column")[["quarter", "part", "usd"]]


def non_cash_share(fair_value_loss, net_loss) -> np.ndarray:
    """Fraction of a net loss accounted for by a non-cash fair-value loss (both as positive USD)."""
    return np.asarray(fair_value_loss, dtype=float) / np.asarray(net_loss, dtype=float)


# ---------------------------------------------------------------------------------------------
# The CoreWeave contracts


def fee_per_mw_year(contract_value, contracted_mw, term_years) -> np.ndarray:
    """USD a year per MW of critical IT load: the contract value spread evenly over megawatts and years."""
    return np.asarray(contract_value, dtype=float) / (
        np.asarray(contracted_mw, dtype=float) * np.asarray(term_years, dtype=float)
    )


def contract_tranches(ledger: Ledger) -> pd.DataFrame:
    """Each CoreWeave contract at Core Scientific: MW, value, the fee per MW-year it implies, and the ledger
    facts behind each row's MW and value (``mw_facts``, ``value_facts``).

    The August 2024 option's value is not stated on its own: it is the $6.7B total after it less the
    two earlier contracts. The last row is the portfolio as secondary sources gave it in 2025.
    """
    term = ledger.value("csci_cw_contract_term")
    value = ledger.value
    august = (
        value("csci_cw_contract_value_2024_08_07")
        - value("csci_cw_initial_contract_value")
        - value("csci_cw_option_june2024_value")
    )
    rows = [
        (
            "First contract (2024-06-03)",
            value("csci_cw_initial_contract_mw"),
            value("csci_cw_initial_contract_value"),
            "stated",
        ),
        (
            "First option (June 2024)",
            value("csci_cw_option_june2024_mw"),
            value("csci_cw_option_june2024_value"),
            "stated (news report)",
        ),
        (
            "Second option (August 2024)",
            value("csci_cw_option_aug2024_mw"),
            august,
            "derived: the 6.7B total less the two above",
        ),
        (
            "Final option (October 2024)",
            value("csci_cw_option_oct2024_mw"),
            value("csci_cw_option_oct2024_value"),
            "stated",
        ),
        (
            "All contracts, October 2024",
            value("csci_cw_contracted_mw_total_2024"),
            value("csci_cw_contract_value_total_2024"),
            "stated (headline)",
        ),
        (
            "All contracts, 2025",
            value("csci_cw_delivery_590mw_by_early2027"),
            value("csci_cw_contract_value_2025"),
            "stated (secondary sources)",
        ),
    ]
    frame = pd.DataFrame(rows, columns=["contract", "mw", "value_usd", "value_basis"])
    frame["usd_per_mw_year"] = fee_per_mw_year(frame["value_usd"], frame["mw"], term)
    # The ledger facts each row's megawatts and value rest on (the August value is derived from three).
    frame["mw_facts"] = [
        ["csci_cw_initial_contract_mw"],
        ["csci_cw_option_june2024_mw"],
        ["csci_cw_option_aug2024_mw"],
        ["csci_cw_option_oct2024_mw"],
        ["csci_cw_contracted_mw_total_2024"],
        ["csci_cw_delivery_590mw_by_early2027"],
    ]
    frame["value_facts"] = [
        ["csci_cw_initial_contract_value"],
        ["csci_cw_option_june2024_value"],
        ["csci_cw_contract_value_2024_08_07", "csci_cw_initial_contract_value", "csci_cw_option_june2024_value"],
        ["csci_cw_option_oct2024_value"],
        ["csci_cw_contract_value_total_2024"],
        ["csci_cw_contract_value_2025"],
    ]
    return frame


# ---------------------------------------------------------------------------------------------
# The "coincidence": 1,317 MW against 1.3 GW


def overlap_kind(overlap, total_a, total_b, tolerance: float) -> str:
    """'the same capacity' when ``overlap`` covers the larger total to within ``tolerance``,
    'overlapping' when it covers part of it, 'separate' when nothing is shared (all MW)."""
    overlap, larger = float(overlap), max(float(total_a), float(total_b))
    if overlap >= (1.0 - tolerance) * larger:
        return "the same capacity"
    return "overlapping" if overlap > 0 else "separate"


def same_capacity_verdict(overlap, total_a, total_b, tolerance: float) -> str:
    """The verdict on "these two totals are the same capacity": 'supported' only if they are."""
    return "supported" if overlap_kind(overlap, total_a, total_b, tolerance) == "the same capacity" else "contradicted"


@dataclass(frozen=True)
class PowerComparison:
    """CoreWeave's total contracted power against Core Scientific's, and what the contracts between them cover (MW)."""

    cw_total: float
    csci_total: float
    cw_at_csci: float
    csci_hpc_gross: float

    @property
    def totals_difference(self) -> float:
        """(Core Scientific's total − CoreWeave's) / CoreWeave's."""
        return float(relative_difference(self.csci_total, self.cw_total))

    @property
    def cw_share_at_csci(self) -> float:
        """Share of CoreWeave's total that its Core Scientific contracts make up, in the contracts' IT-load MW."""
        return self.cw_at_csci / self.cw_total

    @property
    def cw_share_at_csci_gross(self) -> float:
        """The same share if every MW of Core Scientific's gross HPC allocation counted: an upper bound."""
        return min(self.csci_hpc_gross, self.cw_total) / self.cw_total

    @property
    def csci_share_to_cw(self) -> float:
        """Share of Core Scientific's total contracted to CoreWeave, in IT-load MW."""
        return self.cw_at_csci / self.csci_total

    @property
    def gross_per_it(self) -> float:
        """Gross MW Core Scientific set aside per MW of IT load contracted."""
        return self.csci_hpc_gross / self.cw_at_csci

    @property
    def cw_elsewhere(self) -> float:
        """CoreWeave's contracted power at other providers."""
        return self.cw_total - self.cw_at_csci

    def by_provider(self) -> pd.DataFrame:
        """Both totals split by what the contracts between the two companies cover, for a stacked chart."""
        cw_label = "CoreWeave's contracted power"
        csci_label = "Core Scientific's contracted power"
        # The overlap is in IT-load MW; the rest of Core Scientific's gross power is mining, the cooling and
        # losses of the CoreWeave sites, and power not yet let.
        rows = [
            (cw_label, "CoreWeave at Core Scientific", self.cw_at_csci),
            (cw_label, "CoreWeave at other providers", self.cw_elsewhere),
            (csci_label, "CoreWeave at Core Scientific", self.cw_at_csci),
            (csci_label, "Core Scientific's other power", self.csci_total - self.cw_at_csci),
        ]
        frame = pd.DataFrame(rows, columns=["total", "part", "mw"])
        frame["share_of_total"] = frame["mw"] / frame.groupby("total")["mw"].transform("sum")
        return frame


def power_comparison(ledger: Ledger, cw_at_csci: float | None = None) -> PowerComparison:
    """The comparison from the ledger: CoreWeave's ~1.3 GW is the article's quotation of the S-1 (not
    readable in any stored copy); Core Scientific's 1,317 MW from a summary of its 10-K; the gross
    HPC allocation from its Q3 2024 release."""
    return PowerComparison(
        cw_total=ledger.value("article_partner_cw_contracted_mw"),
        csci_total=ledger.value("csci_contracted_power_2024_12_31"),
        cw_at_csci=ledger.value("csci_cw_contracted_mw_total_2024") if cw_at_csci is None else cw_at_csci,
        csci_hpc_gross=ledger.value("csci_hpc_gross_capacity_2024q3"),
    )


# ---------------------------------------------------------------------------------------------
# The stress case


def _per_scenario(**named) -> dict[str, np.ndarray]:
    """Every input as a 1-D array of one common length (the number of scenarios)."""
    arrays = {name: np.atleast_1d(np.asarray(value)) for name, value in named.items()}
    bad = [f"{name} {a.shape}" for name, a in arrays.items() if a.ndim != 1]
    if bad:
        raise ValueError(f"inputs must be scalars or one value per scenario; got {', '.join(bad)}")
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in arrays.items())
        raise ValueError(f"inputs disagree on the number of scenarios: {shapes}") from None
    return {name: np.broadcast_to(a, shape) for name, a in arrays.items()}


def capacity_in_service(contracted_mw, share_late, share_never, delay_quarters, term_quarters: int) -> np.ndarray:
    """MW in service in each quarter of the term, counted from the scheduled delivery: shape
    ``(scenarios, term_quarters)``. The late share joins after ``delay_quarters``; the share never
    delivered never does."""
    m = _per_scenario(mw=contracted_mw, late=share_late, never=share_never, delay=delay_quarters)
    late, never = require_shares_of_one_whole("csci_share_late", m["late"], "csci_share_never", m["never"], WHOLE)
    quarter = np.arange(int(term_quarters))[None, :]
    waiting = quarter < m["delay"][:, None]
    return m["mw"].astype(float)[:, None] * (1.0 - never[:, None] - late[:, None] * waiting)


@dataclass(frozen=True)
class Stress:
    """One stress run per scenario: the capacity schedule with and without the slip, and what it costs.

    ``scheduled`` and ``stressed`` are MW in service per quarter of the term, shape (scenarios,
    quarters); ``fee`` is USD per MW-year (scenarios,); ``cw_revenue_per_mw_year`` likewise.
    """

    scheduled: np.ndarray
    stressed: np.ndarray
    fee: np.ndarray
    cw_revenue_per_mw_year: np.ndarray
    scheduled_delivery: np.ndarray
    late_delivery: np.ndarray
    contract_value: np.ndarray

    @property
    def capacity_at_risk_mw(self) -> np.ndarray:
        """MW not in service at the scheduled delivery (late or never)."""
        return self.scheduled[:, 0] - self.stressed[:, 0]

    @property
    def capacity_never_mw(self) -> np.ndarray:
        """MW still missing in the last quarter of the term: never delivered."""
        return self.scheduled[:, -1] - self.stressed[:, -1]

    @property
    def mw_years_lost(self) -> np.ndarray:
        """Capacity missing over the term, in MW-years."""
        return (self.scheduled - self.stressed).sum(axis=1) / QUARTERS_PER_YEAR

    @property
    def fees_at_risk(self) -> np.ndarray:
        """Contract fees (Core Scientific's revenue, CoreWeave's cost) not earned over the term, USD."""
        return self.mw_years_lost * self.fee

    @property
    def share_of_contract_value(self) -> np.ndarray:
        """Fees at risk as a fraction of the contract value."""
        return self.fees_at_risk / self.contract_value

    @property
    def cw_revenue_at_risk(self) -> np.ndarray:
        """CoreWeave's own revenue from the missing capacity, at ``cw_revenue_per_mw_year``, USD."""
        return self.mw_years_lost * self.cw_revenue_per_mw_year


def stress(
    contracted_mw,
    contract_value,
    scheduled_delivery,
    share_late,
    share_never,
    delay_quarters,
    cw_revenue_per_mw_year,
    *,
    term_years: float,
    contract_date: int,
) -> Stress:
    """The stress case for any number of scenarios (each input a scalar or one value per scenario).

    ``contract_date`` (yyyymmdd) is when the first contract was signed and ``term_years`` the term;
    a share outside 0 to 1, shares adding to more than one, or a delivery date outside the contract
    term raise :class:`ParameterError` with the notebook's messages.
    """
    m = _per_scenario(
        mw=contracted_mw,
        value=contract_value,
        scheduled=scheduled_delivery,
        late=share_late,
        never=share_never,
        delay=delay_quarters,
        cw=cw_revenue_per_mw_year,
    )
    if np.any(~(m["mw"] > 0)):
        raise ParameterError(
            f"csci_contracted_mw = {m['mw'][~(m['mw'] > 0)][0].item()!r} is not above 0; allowed: above 0 (MW)"
        )
    if np.any(~(m["value"] >= 0)):
        raise ParameterError(
            f"csci_contract_value = {m['value'][~(m['value'] >= 0)][0].item()!r} is below 0; allowed: from 0 (USD)"
        )
    scheduled = require_date_in_term(
        "csci_scheduled_delivery", m["scheduled"], contract_date, term_years, term=TERM, started_by=TERM_STARTED_BY
    )
    delay = require_delay_in_term(
        "csci_delay_quarters", m["delay"], scheduled, term_years, term=TERM, delayed=DELAYED, started=DELAY_FROM
    )
    term_quarters = round(term_years * QUARTERS_PER_YEAR)
    stressed = capacity_in_service(m["mw"], m["late"], m["never"], delay, term_quarters)
    return Stress(
        scheduled=np.broadcast_to(m["mw"].astype(float)[:, None], stressed.shape).copy(),
        stressed=stressed,
        fee=fee_per_mw_year(m["value"], m["mw"], term_years),
        cw_revenue_per_mw_year=m["cw"].astype(float),
        scheduled_delivery=scheduled,
        late_delivery=add_months(scheduled, delay * MONTHS_PER_QUARTER),
        contract_value=m["value"].astype(float),
    )


def stress_grid(inputs: dict, ledger: Ledger, shares_late, max_delay_quarters: int) -> pd.DataFrame:
    """At-risk amounts for every delay from 0 to ``max_delay_quarters`` and every share in
    ``shares_late`` (this run's other inputs held), one stress call over all the scenarios at once."""
    delays, shares = np.meshgrid(np.arange(max_delay_quarters + 1), np.asarray(shares_late, dtype=float))
    result = stress(
        inputs["csci_contracted_mw"],
        inputs["csci_contract_value"],
        inputs["csci_scheduled_delivery"],
        shares.ravel(),
        inputs["csci_share_never"],
        delays.ravel(),
        inputs["cw_revenue_per_mw_year"],
        term_years=ledger.value("csci_cw_contract_term"),
        contract_date=int(ledger.value("csci_cw_initial_contract_date")),
    )
    return pd.DataFrame(
        {
            "delay_quarters": delays.ravel(),
            "share_late": shares.ravel(),
            "mw_years_lost": result.mw_years_lost,
            "fees_at_risk_usd": result.fees_at_risk,
            "cw_revenue_at_risk_usd": result.cw_revenue_at_risk,
        }
    )


def run_stress(inputs: dict, ledger: Ledger, **override) -> Stress:
    """:func:`stress` with this run's inputs ``inputs`` (a resolved parameter dict), any of them overridden."""
    values = {**inputs, **override}
    return stress(
        values["csci_contracted_mw"],
        values["csci_contract_value"],
        values["csci_scheduled_delivery"],
        values["csci_share_late"],
        values["csci_share_never"],
        values["csci_delay_quarters"],
        values["cw_revenue_per_mw_year"],
        term_years=ledger.value("csci_cw_contract_term"),
        contract_date=int(ledger.value("csci_cw_initial_contract_date")),
    )


def observed_slip(ledger: Ledger) -> dict[str, float]:
    """The delivery picture the sources give by March 2026, as stress inputs: of the ~590 MW, the part
    not yet energized is late by the quarters between the second half of 2026 (the last option's date)
    and early 2027 (the date now given for all of it)."""
    contracted = ledger.value("csci_cw_delivery_590mw_by_early2027")
    return {
        "csci_contracted_mw": contracted,
        "csci_contract_value": ledger.value("csci_cw_contract_value_2025"),
        "csci_share_late": 1.0 - ledger.value("csci_cw_energized_mw_2026_03") / contracted,
        "csci_delay_quarters": int(quarters_between(ledger.value("csci_cw_final_option_operational"), EARLY_2027)),
        "csci_share_never": 0.0,
    }


# ---------------------------------------------------------------------------------------------
# Helpers for the partner-risk claims; their verdicts live in data/claims.csv (P1a ... P12)


def date_verdict(claimed, actual, precision: str) -> str:
    """'supported' if the article's date (yyyymmdd) falls in the same ``precision`` ('year' or 'month')
    as the filed one, else 'contradicted'."""
    match = same_year(claimed, actual) if precision == "year" else same_month(claimed, actual)
    return "supported" if bool(match) else "contradicted"


def lag_verdict(claimed_days: int, offer_days: int, rejection_days: int) -> str:
    """Which event the article's "N days after the contract" fits: the offer, the rejection, or neither."""
    if claimed_days == offer_days:
        return "fits the offer"
    if claimed_days == rejection_days:
        return "fits the rejection, not the offer"
    return "fits neither the offer nor the rejection"
