"""Inputs of the partner-risk chapter: CoreWeave's capacity at Core Scientific and a delivery stress case.

Dates are yyyymmdd integers, as the ledger stores them. The sources give 12-year contract terms
without saying when a term starts, so the model counts the 12 years from the scheduled delivery of
the capacity. Dates must lie within the contract term: the scheduled delivery no earlier than the
first contract (signed 2024-06-03) and no later than one term after it, and the late delivery
(scheduled delivery plus ``csci_delay_quarters``) no later than the end of the term.

The checks are written once here, for arrays as well as single values, so the model functions in
:mod:`runthenumbers.partner_risk` refuse a bad value with the same message as the notebook and the
scenario runner.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..calendar import MONTHS_PER_QUARTER, QUARTERS_PER_YEAR, add_months, date_label, is_date
from ..checks import first_where as _first
from .core import Parameter, ParameterError, Rule

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
        description="Potential cumulative revenue of those contracts over their 12-year terms (what CoreWeave would pay Core Scientific)",
        unit="USD",
        minimum=0.0,
        maximum=1e12,
        notebooks=NOTEBOOKS,
        fact="csci_cw_contract_value_total_2024",
    ),
    Parameter(
        name="csci_scheduled_delivery",
        label="Scheduled delivery",
        description=(
            "When the Core Scientific capacity is due in service, yyyymmdd; default: the end of the second half of "
            "2026, when the last option's capacity was to be operational; must lie within the contract term"
        ),
        unit="date, yyyymmdd",
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

_BY_NAME = {p.name: p for p in PARAMETERS}


# ---------------------------------------------------------------------------------------------
# Checks shared by the notebook, the scenario runner and the model


def check_share(name: str, share) -> np.ndarray:
    """``share`` as a float array, or the :class:`ParameterError` of its first value outside 0 to 1."""
    array = np.asarray(share, dtype=float)
    bad = ~((array >= 0.0) & (array <= 1.0))
    if np.any(bad):
        _BY_NAME[name].check(*_first(bad, array))
    return array


def check_shares(share_late, share_never) -> tuple[np.ndarray, np.ndarray]:
    """Both shares within 0 to 1, and together no more than the whole capacity."""
    late = check_share("csci_share_late", share_late)
    never = check_share("csci_share_never", share_never)
    total = late + never
    # A hair of tolerance: 0.7 + 0.3 is 1.0000000000000002 in floating point.
    bad = total > 1.0 + 1e-12
    if np.any(bad):
        first_late, first_never = _first(bad, late, never)
        raise ParameterError(
            f"csci_share_never = {first_never!r} with csci_share_late = {first_late!r} adds up to more than the whole "
            f"capacity; allowed: csci_share_never from 0 to 1 - csci_share_late = {1.0 - first_late:g} (fraction)"
        )
    return late, never


def check_scheduled_delivery(scheduled, contract_date: int, term_years: float) -> np.ndarray:
    """The scheduled delivery as an int array, refused unless it is a real day within the contract term:
    from the first contract's date to one term after it."""
    array = np.asarray(scheduled).astype(np.int64)
    term_end = int(add_months(contract_date, round(term_years * 12)))
    allowed = f"allowed: csci_scheduled_delivery from {contract_date} to {term_end} (date, yyyymmdd)"
    not_date = ~is_date(array)
    if np.any(not_date):
        raise ParameterError(
            f"csci_scheduled_delivery = {_first(not_date, array)[0]!r} is not a calendar date; {allowed}"
        )
    early = array < contract_date
    if np.any(early):
        (value,) = _first(early, array)
        raise ParameterError(
            f"csci_scheduled_delivery = {value!r} ({date_label(value)}) is before the first contract was signed on "
            f"{date_label(contract_date)}; {allowed}"
        )
    late = array > term_end
    if np.any(late):
        (value,) = _first(late, array)
        raise ParameterError(
            f"csci_scheduled_delivery = {value!r} ({date_label(value)}) is outside the contract term: more than "
            f"{term_years:g} years after the first contract was signed on {date_label(contract_date)}; {allowed}"
        )
    return array


def check_delay(delay_quarters, scheduled, term_years: float) -> np.ndarray:
    """The delay as an int array, refused unless it is a whole number of quarters from zero and the late
    delivery falls within the contract term (``term_years`` counted from ``scheduled``)."""
    raw = np.asarray(delay_quarters)
    delay = raw.astype(float)
    term_quarters = round(term_years * QUARTERS_PER_YEAR)
    allowed = f"allowed: csci_delay_quarters from 0 to {term_quarters} (quarters)"
    bad = ~np.isfinite(delay) | (delay != np.round(delay)) | (delay < 0)
    if np.any(bad):
        raise ParameterError(
            f"csci_delay_quarters = {_first(bad, raw)[0]!r} is not a whole number of quarters from 0; {allowed}"
        )
    delay = delay.astype(np.int64)
    beyond = delay > term_quarters
    if np.any(beyond):
        first_delay, first_scheduled = _first(beyond, delay, np.asarray(scheduled).astype(np.int64))
        delivered = int(add_months(first_scheduled, first_delay * MONTHS_PER_QUARTER))
        term_end = int(add_months(first_scheduled, round(term_years * 12)))
        raise ParameterError(
            f"csci_delay_quarters = {first_delay!r} puts the late delivery on {date_label(delivered)}, after the contract "
            f"term ends on {date_label(term_end)} ({term_years:g} years from the scheduled delivery "
            f"{date_label(first_scheduled)}); {allowed}"
        )
    return delay


def shares_fit(values: Mapping, ledger) -> None:
    """The late and the never-delivered shares fit in the whole capacity."""
    check_shares(values["csci_share_late"], values["csci_share_never"])


def deliveries_within_term(values: Mapping, ledger) -> None:
    """The scheduled and the late delivery lie within the contract term."""
    contract_date = int(ledger.value("csci_cw_initial_contract_date"))
    term_years = ledger.value("csci_cw_contract_term")
    check_scheduled_delivery(values["csci_scheduled_delivery"], contract_date, term_years)
    check_delay(values["csci_delay_quarters"], values["csci_scheduled_delivery"], term_years)


RULES = (
    Rule(("csci_share_late", "csci_share_never"), shares_fit),
    Rule(("csci_scheduled_delivery", "csci_delay_quarters"), deliveries_within_term),
)
