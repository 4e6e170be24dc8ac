"""Inputs of the partner-risk chapter: CoreWeave's capacity at Core Scientific and a delivery stress case.

Dates are yyyymmdd integers, as the ledger stores them, and messages write them as 2026-12-31. The
sources give 12-year contract terms without saying when a term starts, so the model counts the 12 years from the scheduled delivery of
the capacity. Dates must lie within the contract term: the scheduled delivery no earlier than the
first contract (signed 2024-06-03) and no later than one term after it, and the late delivery
(scheduled delivery plus ``csci_delay_quarters``) no later than the end of the term.

The checks between inputs are written once, for arrays as well as single values, in
:mod:`runthenumbers.checks`; the rules below and the model functions in :mod:`runthenumbers.partner_risk`
both call them with the wording declared here, so the model refuses a bad value with the same message as
the notebook and the scenario runner.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..checks import require_date_in_term, require_delay_in_term, require_shares_of_one_whole
from .core import Parameter, Rule

NOTEBOOKS = ("partner_risk",)

PARAMETERS = (
    Parameter(
        name="csci_contracted_mw",
        label="Power contracted at Core Scientific",
        description="Critical IT load CoreWeave contracted at Core Scientific's sites (about 500 MW after the October 2024 option)",
        unit="MW",
        minimum=1.0,
        maximum=10_000.0,
        notebooks=NOTEBOOKS,
        fact="csci_cw_contracted_mw_total_2024",
    ),
    Parameter(
        name="csci_contract_value",
        label="Core Scientific contract value",
        description=(
            "Potential cumulative revenue of those contracts over their 12-year terms (what CoreWeave would pay "
            "Core Scientific). At least $1: the chapter gives the fees at risk as a share of this value and CoreWeave's "
            "revenue as a multiple of the fee, which a value of 0 leaves undefined"
        ),
        unit="USD",
        minimum=1.0,
        maximum=1e12,
        notebooks=NOTEBOOKS,
        fact="csci_cw_contract_value_total_2024",
    ),
    Parameter(
        name="csci_scheduled_delivery",
        label="Scheduled delivery",
        description=(
            "When the Core Scientific capacity is due in service, a date (2026-12-31); default: the end of the second half of "
            "2026, when the last option's capacity was to be operational; must lie within the contract term"
        ),
        unit="date",
        minimum=0,
        maximum=99_991_231,
        notebooks=NOTEBOOKS,
        fact="csci_cw_final_option_operational",
        kind=int,
    ),
    Parameter(
        name="csci_share_late",
        label="Share delivered late",
        description="Stress case: the fraction of the contracted capacity that is delivered late; default 0.5, a stress, not a forecast",
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
        notebooks=NOTEBOOKS,
        default=0.5,
    ),
    Parameter(
        name="csci_delay_quarters",
        label="Delivery delay",
        description=(
            "Stress case: how many quarters late that fraction arrives; default 4 (a year), a stress; the late delivery "
            "must fall within the contract term"
        ),
        unit="quarters",
        minimum=0,
        maximum=400,
        notebooks=NOTEBOOKS,
        default=4,
        kind=int,
    ),
    Parameter(
        name="csci_share_never",
        label="Share never delivered",
        description=(
            "Stress case: the fraction of the contracted capacity that is never delivered; default 0, since Core "
            "Scientific still says all of it will be delivered"
        ),
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
        notebooks=NOTEBOOKS,
        default=0.0,
    ),
    Parameter(
        name="cw_revenue_per_mw_year",
        label="CoreWeave revenue per MW",
        description=(
            "What CoreWeave itself earns a year from one MW in service; default: Q4 2024 revenue times four over the "
            "S-1's 'more than 360' MW of active power as the article quotes it, 747 x 4 / 360 = 8.3 USD millions "
            "(cw_revenue_2024q4, article_capex_active_mw); rough, and high if more than 360 MW were active"
        ),
        unit="USD per MW-year",
        minimum=0.0,
        maximum=1e9,
        notebooks=NOTEBOOKS,
        default=8.3e6,
    ),
)

# How the checks shared with the model (:mod:`runthenumbers.checks`) word the stress case's terms.
WHOLE = "the whole capacity"
TERM = "the contract term"
TERM_STARTED_BY = "the first contract was signed"
DELAYED, DELAY_FROM = "the late delivery", "the scheduled delivery"


def shares_fit(values: Mapping, ledger) -> None:
    """The late and the never-delivered shares fit in the whole capacity."""
    require_shares_of_one_whole(
        "csci_share_late", values["csci_share_late"], "csci_share_never", values["csci_share_never"], WHOLE
    )


def deliveries_within_term(values: Mapping, ledger) -> None:
    """The scheduled and the late delivery lie within the contract term."""
    contract_date = int(ledger.value("csci_cw_initial_contract_date"))
    term_years = ledger.value("csci_cw_contract_term")
    scheduled = values["csci_scheduled_delivery"]
    require_date_in_term(
        "csci_scheduled_delivery", scheduled, contract_date, term_years, term=TERM, started_by=TERM_STARTED_BY
    )
    require_delay_in_term(
        "csci_delay_quarters",
        values["csci_delay_quarters"],
        scheduled,
        term_years,
        term=TERM,
        delayed=DELAYED,
        started=DELAY_FROM,
    )


RULES = (
    Rule(("csci_share_late", "csci_share_never"), shares_fit),
    Rule(("csci_scheduled_delivery", "csci_delay_quarters"), deliveries_within_term),
)
