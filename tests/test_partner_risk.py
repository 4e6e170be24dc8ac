"""The partner-risk arithmetic against hand-worked numbers, general properties, and every bad-input message."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import shared_ledger
from hypothesis import given
from hypothesis import strategies as st

from runthenumbers import partner_risk
from runthenumbers.calendar import QUARTERS_PER_YEAR, add_months, days_between, quarters_between, same_month, same_year
from runthenumbers.checks import require_date_in_term, require_delay_in_term, require_shares_of_one_whole
from runthenumbers.claims import load_claims
from runthenumbers.parameters import ParameterError, resolve
from runthenumbers.parameters import partner_risk as declared
from runthenumbers.partner_risk import (
    capacity_in_service,
    contract_tranches,
    date_verdict,
    fee_per_mw_year,
    lag_verdict,
    mining_share,
    non_cash_share,
    observed_slip,
    overlap_kind,
    power_comparison,
    quarterly_revenue,
    results_2024,
    run_stress,
    same_capacity_verdict,
    split_net_result,
    stress,
    stress_grid,
)


# An oracle for the stress model: the fees lost, in closed form (moved here from the package, its only user).
def fees_at_risk_closed_form(contract_value, share_late, share_never, delay_quarters, term_years) -> np.ndarray:
    """The same fees at risk in one line, for checking: V x (late x delay / term + never)."""
    term_quarters = np.asarray(term_years, dtype=float) * QUARTERS_PER_YEAR
    delay = np.minimum(np.asarray(delay_quarters, dtype=float), term_quarters)
    return np.asarray(contract_value, dtype=float) * (
        np.asarray(share_late, dtype=float) * delay / term_quarters + np.asarray(share_never, dtype=float)
    )


CONTRACT_DATE = 20240603
TERM = 12.0
fractions = st.floats(min_value=0.0, max_value=1.0)
delays = st.integers(min_value=0, max_value=48)


def _stress(**overrides):
    values = dict(
        contracted_mw=500.0,
        contract_value=8.7e9,
        scheduled_delivery=20261231,
        share_late=0.5,
        share_never=0.0,
        delay_quarters=4,
        cw_revenue_per_mw_year=8.3e6,
    )
    values.update(overrides)
    return stress(*values.values(), term_years=TERM, contract_date=CONTRACT_DATE)


def _resolve(**overrides):
    return resolve("partner_risk", overrides, shared_ledger())


# ---------------------------------------------------------------------------------------------
# Hand-worked cases


def test_fee_per_mw_year_by_hand():
    # $8.7B over 500 MW and 12 years: 8.7e9 / 6,000 MW-years = $1.45M per MW-year.
    assert fee_per_mw_year(8.7e9, 500, 12) == pytest.approx(1.45e6)


def test_mining_share_by_hand():
    # (408,740 + 77,554) / (408,740 + 77,554 + 24,378) = 486,294 / 510,672 = 0.95226.
    assert mining_share(408_740, 77_554, 24_378) == pytest.approx(0.952263, rel=1e-5)


def test_split_net_result_by_hand():
    # Q2 2024: net -804.9, operating +6.6, so non-operating -811.5; less the -796.0 remeasurement leaves -15.5.
    non_operating, other = split_net_result(-804.9, 6.6, -796.0)
    assert non_operating == pytest.approx(-811.5)
    assert other == pytest.approx(-15.5)


def test_non_cash_share_by_hand():
    # 796.0 / 804.9 = 0.98894.
    assert non_cash_share(796.0, 804.9) == pytest.approx(0.988943, rel=1e-5)


def test_results_2024_from_the_ledger():
    results = results_2024(shared_ledger())
    # +210.7 - 804.9 - 455.3 - 265.5 = -1,315.0; operating +55.2 + 6.6 - 41.2 - 39.8 = -19.2.
    assert results["net"].sum() == pytest.approx(-1_315.0e6)
    assert results["operating"].sum() == pytest.approx(-19.2e6)
    # Q1: 210.7 - 55.2 - 143.8 = 11.7 left; Q4: -265.5 + 39.8 + 224.7 = -1.0.
    assert results["other"].iloc[0] == pytest.approx(11.7e6)
    assert results["other"].iloc[3] == pytest.approx(-1.0e6)
    parts = results[["operating", "fair_value", "extinguishment", "other"]].sum(axis=1)
    assert np.allclose(parts, results["net"])


def test_quarterly_revenue_adds_up_to_the_10k_within_rounding():
    quarterly = quarterly_revenue(shared_ledger()).groupby("segment")["revenue_usd"].sum()
    # Quarterly figures are rounded to $0.1M; three quarters of rounding is at most $0.15M per segment.
    assert quarterly["Self-mining"] == pytest.approx(
        shared_ledger().value("csci_revenue_selfmining_fy2024"), abs=0.15e6
    )
    assert quarterly["Hosted mining"] == pytest.approx(
        shared_ledger().value("csci_revenue_hostedmining_fy2024"), abs=0.15e6
    )
    assert quarterly["HPC hosting"] == pytest.approx(shared_ledger().value("csci_revenue_hpc_fy2024"), abs=0.15e6)


def test_contract_tranches_by_hand():
    tranches = contract_tranches(shared_ledger()).set_index("contract")
    # August option: 6.7 - 3.5 - 1.225 = 1.975 ($B); the four contracts: 200 + 70 + 112 + 120 = 502 MW, $8.7B.
    assert tranches.loc["Second option (August 2024)", "value_usd"] == pytest.approx(1.975e9)
    assert tranches["mw"].iloc[:4].sum() == 502
    assert tranches["value_usd"].iloc[:4].sum() == pytest.approx(8.7e9)
    # Final option: 2.0e9 / (120 x 12) = 1.3889e6 per MW-year.
    assert tranches.loc["Final option (October 2024)", "usd_per_mw_year"] == pytest.approx(1.388889e6, rel=1e-6)


def test_each_contract_row_names_the_facts_its_figures_rest_on():
    ledger = shared_ledger()
    tranches = contract_tranches(ledger)
    for row in tranches.itertuples():
        assert row.mw == ledger.value(row.mw_facts[0]) and len(row.mw_facts) == 1, row.contract
        if len(row.value_facts) == 1:
            assert row.value_usd == ledger.value(row.value_facts[0]), row.contract
    august = tranches.set_index("contract").loc["Second option (August 2024)", "value_facts"]
    assert august == [
        "csci_cw_contract_value_2024_08_07",
        "csci_cw_initial_contract_value",
        "csci_cw_option_june2024_value",
    ]


def test_dates_by_hand():
    # Monday 3 June to Thursday 6 June 2024.
    assert days_between(20240603, 20240606) == 3
    assert days_between(20240606, 20240603) == -3
    assert bool(same_month(20240601, 20240603)) and not bool(same_month(20240601, 20240703))
    assert bool(same_year(20220101, 20221221))
    # 2026-Q4 to 2027-Q1 is one quarter; 2026-12-31 plus two months is the last day of February 2027.
    assert quarters_between(20261231, 20270331) == 1
    assert add_months(20261231, 2) == 20270228
    assert add_months(20240229, 12) == 20250228


def test_the_three_days_fit_the_rejection():
    assert lag_verdict(3, 0, 3) == "fits the rejection, not the offer"
    assert lag_verdict(0, 0, 3) == "fits the offer"
    assert lag_verdict(5, 0, 3) == "fits neither the offer nor the rejection"


def test_power_comparison_by_hand():
    power = power_comparison(shared_ledger())
    # 500 / 1,300 = 0.3846 of CoreWeave's total; 500 / 1,317 = 0.3797 of Core Scientific's; (1,317 - 1,300) / 1,300 = 0.0131.
    assert power.cw_share_at_csci == pytest.approx(0.384615, rel=1e-5)
    assert power.csci_share_to_cw == pytest.approx(0.379651, rel=1e-5)
    assert power.totals_difference == pytest.approx(0.013077, rel=1e-4)
    # 800 gross MW for 500 MW of IT load: 1.6; 800 / 1,300 = 0.6154 at most.
    assert power.gross_per_it == pytest.approx(1.6)
    assert power.cw_share_at_csci_gross == pytest.approx(0.615385, rel=1e-5)
    assert power.by_provider().groupby("total")["mw"].sum().to_dict() == {
        "CoreWeave's contracted power": 1300.0,
        "Core Scientific's contracted power": 1317.0,
    }


def test_overlap_kinds():
    assert overlap_kind(500, 1300, 1317, 0.05) == "overlapping"
    assert overlap_kind(1290, 1300, 1317, 0.05) == "the same capacity"
    assert overlap_kind(0, 1300, 1317, 0.05) == "separate"
    assert same_capacity_verdict(500, 1300, 1317, 0.05) == "contradicted"
    assert same_capacity_verdict(1300, 1300, 1317, 0.05) == "supported"


def test_stress_by_hand():
    result = _stress()
    # Half of 500 MW a year late: 250 MW-years; x $1.45M = $362.5M of fees; x $8.3M = $2.075B of CoreWeave revenue.
    assert result.stressed.shape == (1, 48)
    assert result.capacity_at_risk_mw[0] == pytest.approx(250.0)
    assert result.mw_years_lost[0] == pytest.approx(250.0)
    assert result.fees_at_risk[0] == pytest.approx(362.5e6)
    assert result.share_of_contract_value[0] == pytest.approx(362.5e6 / 8.7e9)
    assert result.cw_revenue_at_risk[0] == pytest.approx(2.075e9)
    assert result.late_delivery[0] == 20271231


def test_never_delivered_by_hand():
    # A fifth never delivered loses a fifth of the value: 0.2 x 8.7e9 = 1.74e9; 100 MW still missing at the end.
    result = _stress(share_late=0.0, share_never=0.2)
    assert result.fees_at_risk[0] == pytest.approx(1.74e9)
    assert result.capacity_never_mw[0] == pytest.approx(100.0)


def test_stress_runs_many_scenarios_at_once():
    result = _stress(share_late=np.array([0.0, 0.5, 1.0]), delay_quarters=np.array([4, 4, 8]))
    assert result.stressed.shape == (3, 48)
    # 0; 0.5 x 4/48 x 8.7e9 = 362.5e6; 1 x 8/48 x 8.7e9 = 1.45e9.
    assert np.allclose(result.fees_at_risk, [0.0, 362.5e6, 1.45e9])


def test_stress_grid_covers_every_delay_and_share():
    grid = stress_grid(_resolve(), shared_ledger(), [0.25, 1.0], 12)
    assert len(grid) == 2 * 13
    assert grid["fees_at_risk_usd"].max() == pytest.approx(8.7e9 * 12 / 48)


def test_observed_slip_by_hand():
    observed = observed_slip(shared_ledger())
    # 590 MW contracted, 350 energized: 240 / 590 late by one quarter (second half of 2026 to early 2027).
    assert observed["csci_share_late"] == pytest.approx(240 / 590)
    assert observed["csci_delay_quarters"] == 1
    # 10.2e9 x 240/590 x 1/48 = 86.44e6.
    assert run_stress(_resolve(), shared_ledger(), **observed).fees_at_risk[0] == pytest.approx(86.4407e6, rel=1e-5)


def test_default_cw_revenue_per_mw_year_matches_its_derivation():
    # Q4 2024 revenue x 4 / 360 MW = 747 x 4 / 360 = 8.30 USD millions, the literal default rounded.
    derived = shared_ledger().value("cw_revenue_2024q4") * 4 / shared_ledger().value("article_capex_active_mw")
    assert _resolve()["cw_revenue_per_mw_year"] == pytest.approx(derived, rel=0.005)


def test_defaults_come_from_the_ledger():
    values = _resolve()
    assert values["csci_contracted_mw"] == shared_ledger().value("csci_cw_contracted_mw_total_2024")
    assert values["csci_contract_value"] == shared_ledger().value("csci_cw_contract_value_total_2024")
    assert values["csci_scheduled_delivery"] == 20261231


def test_the_partner_claims_live_in_the_claims_ledger():
    """The table of partner-risk checks moved to data/claims.csv: P1 to P12, split where compound."""
    claims = {c.row.id: c for c in load_claims() if c.row.argument == "partner_risk"}
    assert {re.sub(r"[a-z]$", "", i) for i in claims} == {f"P{i}" for i in range(1, 13)}
    assert claims["P10c"].verdict == "contradicted"
    assert claims["P5a"].verdict == "supported"
    assert claims["P8a"].verdict == "unverifiable"
    assert not hasattr(partner_risk, "claim_checks")


def test_date_verdicts_by_hand():
    assert date_verdict(20220101, 20220120, "year") == "supported"
    assert date_verdict(20240101, 20240123, "month") == "supported"
    assert date_verdict(20240201, 20240123, "month") == "contradicted"


# ---------------------------------------------------------------------------------------------
# Properties


@given(fractions, fractions, delays)
def test_fees_at_risk_match_the_closed_form(late, never, delay):
    never = min(never, 1.0 - late)
    result = _stress(share_late=late, share_never=never, delay_quarters=delay)
    assert result.fees_at_risk[0] == pytest.approx(
        float(fees_at_risk_closed_form(8.7e9, late, never, delay, TERM)), abs=1e-3
    )


@given(fractions, fractions, delays)
def test_at_risk_stays_between_nothing_and_everything(late, never, delay):
    never = min(never, 1.0 - late)
    result = _stress(share_late=late, share_never=never, delay_quarters=delay)
    assert -1e-6 <= result.fees_at_risk[0] <= 8.7e9 * (1 + 1e-12)
    assert np.all(result.stressed >= -1e-9) and np.all(result.stressed <= 500.0 + 1e-9)


@given(fractions, delays, delays)
def test_a_longer_delay_never_risks_less(late, delay_a, delay_b):
    short, long = sorted((delay_a, delay_b))
    result = _stress(share_late=late, delay_quarters=np.array([short, long]))
    assert result.fees_at_risk[1] >= result.fees_at_risk[0] - 1e-6


@given(fractions, delays)
def test_never_is_at_least_as_bad_as_late(share, delay):
    late = _stress(share_late=share, share_never=0.0, delay_quarters=delay)
    never = _stress(share_late=0.0, share_never=share, delay_quarters=delay)
    assert never.fees_at_risk[0] >= late.fees_at_risk[0] - 1e-6


@given(st.floats(min_value=1.0, max_value=5_000.0), fractions, fractions, delays)
def test_capacity_in_service_is_late_share_then_never_share(mw, late, never, delay):
    never = min(never, 1.0 - late)
    schedule = capacity_in_service(mw, late, never, delay, 48)
    assert schedule.shape == (1, 48)
    if delay < 48:
        assert schedule[0, -1] == pytest.approx(mw * (1 - never))
    assert schedule[0, 0] == pytest.approx(mw * (1 - never - (late if delay > 0 else 0.0)))


# ---------------------------------------------------------------------------------------------
# Bad input: every message, exactly


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"csci_share_late": 1.5}, "csci_share_late = 1.5 is outside the allowed range 0 to 1 (fraction)"),
        ({"csci_share_late": -0.2}, "csci_share_late = -0.2 is outside the allowed range 0 to 1 (fraction)"),
        ({"csci_share_never": 1.01}, "csci_share_never = 1.01 is outside the allowed range 0 to 1 (fraction)"),
        (
            {"csci_share_late": 0.7, "csci_share_never": 0.4},
            "csci_share_never = 0.4 with csci_share_late = 0.7 adds up to more than the whole capacity; "
            "allowed: csci_share_never from 0 to 1 - csci_share_late = 0.3 (fraction)",
        ),
        (
            {"csci_scheduled_delivery": 20240101},
            "csci_scheduled_delivery = 2024-01-01 is before the first contract was signed on 2024-06-03; "
            "allowed: csci_scheduled_delivery from 2024-06-03 to 2036-06-03",
        ),
        (
            {"csci_scheduled_delivery": 20370101},
            "csci_scheduled_delivery = 2037-01-01 is outside the contract term: more than 12 years after the "
            "first contract was signed on 2024-06-03; allowed: csci_scheduled_delivery from 2024-06-03 to 2036-06-03",
        ),
        (
            {"csci_scheduled_delivery": 20261331},
            "csci_scheduled_delivery = 2026-13-31 is not a calendar date; "
            "allowed: csci_scheduled_delivery from 2024-06-03 to 2036-06-03",
        ),
        (
            {"csci_delay_quarters": 50},
            "csci_delay_quarters = 50 puts the late delivery on 2039-06-30, after the contract term ends on 2038-12-31 "
            "(12 years from the scheduled delivery 2026-12-31); allowed: csci_delay_quarters from 0 to 48 (quarters)",
        ),
        ({"csci_delay_quarters": 1.5}, "csci_delay_quarters = 1.5 is not a whole number; allowed: 0 to 400 (quarters)"),
        ({"csci_delay_quarters": -1}, "csci_delay_quarters = -1 is outside the allowed range 0 to 400 (quarters)"),
    ],
)
def test_bad_inputs_are_refused_with_the_allowed_range(inputs, message):
    with pytest.raises(ParameterError) as caught:
        _resolve(**inputs)
    assert str(caught.value) == message


def test_the_model_refuses_a_bad_scenario_with_the_same_message():
    with pytest.raises(ParameterError) as caught:
        _stress(share_late=np.array([0.2, 1.2]))
    assert str(caught.value) == "csci_share_late = 1.2 is outside the allowed range 0 to 1 (fraction)"
    with pytest.raises(ParameterError) as caught:
        _stress(delay_quarters=np.array([0, 60]))
    assert str(caught.value) == (
        "csci_delay_quarters = 60 puts the late delivery on 2041-12-31, after the contract term ends on 2038-12-31 "
        "(12 years from the scheduled delivery 2026-12-31); allowed: csci_delay_quarters from 0 to 48 (quarters)"
    )
    with pytest.raises(ParameterError) as caught:
        _stress(scheduled_delivery=20230630)
    assert str(caught.value).startswith("csci_scheduled_delivery = 2023-06-30 is before the first contract")


def test_checks_name_the_first_bad_scenario():
    with pytest.raises(ParameterError, match=r"^csci_share_never = 0.6 with csci_share_late = 0.5 "):
        require_shares_of_one_whole(
            "csci_share_late", np.array([0.1, 0.5]), "csci_share_never", np.array([0.1, 0.6]), declared.WHOLE
        )
    with pytest.raises(ParameterError, match=r"^csci_delay_quarters = -1 is not a whole number of quarters from 0; "):
        require_delay_in_term(
            "csci_delay_quarters",
            np.array([2, -1]),
            20261231,
            TERM,
            term=declared.TERM,
            delayed=declared.DELAYED,
            started=declared.DELAY_FROM,
        )
    with pytest.raises(ParameterError, match=r"^csci_scheduled_delivery = 2024-02-30 is not a calendar date; "):
        require_date_in_term(
            "csci_scheduled_delivery",
            np.array([20261231, 20240230]),
            CONTRACT_DATE,
            TERM,
            term=declared.TERM,
            started_by=declared.TERM_STARTED_BY,
        )


def test_the_edges_of_the_term_are_allowed():
    assert _resolve(csci_scheduled_delivery=20240603, csci_delay_quarters=48)["csci_delay_quarters"] == 48
    assert (
        _resolve(csci_scheduled_delivery=20360603, csci_share_late=0.7, csci_share_never=0.3)["csci_share_never"] == 0.3
    )
