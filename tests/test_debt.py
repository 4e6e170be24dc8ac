"""The debt schedules against hand-worked numbers, closed-form identities and general properties,
and every bad input refused with a message naming the input, its value and what is allowed."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from conftest import shared_ledger
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from runthenumbers import calendar, debt
from runthenumbers.debt import (
    HORIZON,
    Terms,
    annual_debt_service,
    ddtl1_schedule,
    ddtl2_schedule,
    even_draws,
    facility_schedule,
    rate_band,
    service_grid,
    simple_interest,
    straight_line,
    straight_line_principal,
    two_loans,
)
from runthenumbers.parameters import ParameterError, resolve
from runthenumbers.verdicts import floor_verdict


@functools.cache
def _terms():
    return Terms.from_ledger(shared_ledger())


@functools.cache
def _inputs():
    return resolve("debt", {}, shared_ledger())


def _fields(schedule):
    return [
        schedule.opening,
        schedule.draws,
        schedule.interest,
        schedule.fees,
        schedule.principal,
        schedule.balloon,
        schedule.closing,
    ]


# --- quarters and shapes ------------------------------------------------------------------------


def test_quarters_run_from_2025_q1_to_2030_q4():
    quarters = HORIZON.quarters
    assert len(quarters) == len(HORIZON) == 24
    assert (quarters[0], quarters[3], quarters[-1]) == ("2025-Q1", "2025-Q4", "2030-Q4")


def test_quarter_index_by_hand():
    # March 2028 is the first quarter of the fourth year after 2025: 3 x 4 + 0 = 12.
    assert HORIZON.index(20280331) == 12
    assert HORIZON.index(20250101) == 0
    assert HORIZON.index(20251001) == 3
    assert HORIZON.index(20290531) == 17
    assert HORIZON.index(20241231) == -1


def test_terms_come_from_the_ledger():
    # June 2025 is 2025-Q2 (index 1); the three-month extension adds one quarter: 2025-Q3 (index 2).
    assert _terms().ddtl2_draw_deadline == 2
    assert _terms().ddtl1_maturity == 12
    assert _terms().ddtl1_balance == shared_ledger().value("debt_ddtl1_balance_2024q4")
    assert _terms().ddtl2_facility_size == shared_ledger().value("article_debt_ddtl2_facility_size")


def test_annual_sums_four_quarters():
    quarterly = np.arange(24.0).reshape(1, 24)
    # 2025 is quarters 0..3: 0 + 1 + 2 + 3 = 6; 2030 is 20..23: 86.
    assert HORIZON.by_year(quarterly).tolist() == [[6.0, 22.0, 38.0, 54.0, 70.0, 86.0]]


def test_inputs_broadcast_scalar_column_and_path():
    sofr_path = np.linspace(0.03, 0.05, 24)[None, :]
    by_scenario = np.array([100.0, 200.0, 300.0])
    schedule = facility_schedule(by_scenario, sofr_path, scheduled_principal=10.0)
    assert schedule.interest.shape == (3, 24)
    # A path varies the rate by quarter: first quarter at 3%, balance 100 -> 90, average 95.
    assert schedule.interest[0, 0] == pytest.approx(0.03 / 4 * 95)


# --- hand-worked schedules ----------------------------------------------------------------------


def test_amortizing_loan_with_balloon_by_hand():
    # 1,000 owed, 100 a quarter, 8% a year, maturity in quarter 2.
    # Q0: 1,000 -> 900, interest 0.02 x 950 = 19.  Q1: 900 -> 800, interest 0.02 x 850 = 17.
    # Q2: 800 -> 700 after the scheduled 100, then a balloon of 700; closing 0, interest 0.02 x 400 = 8.
    s = facility_schedule(1_000.0, 0.08, scheduled_principal=100.0, maturity=2)
    assert s.closing[0, :4].tolist() == [900.0, 800.0, 0.0, 0.0]
    assert s.principal[0, :4].tolist() == [100.0, 100.0, 100.0, 0.0]
    assert s.balloon[0, :4].tolist() == [0.0, 0.0, 700.0, 0.0]
    assert s.interest[0, :4] == pytest.approx([19.0, 17.0, 8.0, 0.0])
    # Debt service in Q2: 100 + 700 + 8 = 808.
    assert s.debt_service[0, 2] == pytest.approx(808.0)


def test_principal_is_capped_at_what_is_owed():
    # 250 owed, 100 a quarter: 100, 100, then only the 50 left.
    s = facility_schedule(250.0, 0.1, scheduled_principal=100.0)
    assert s.principal[0, :4].tolist() == [100.0, 100.0, 50.0, 0.0]
    assert s.closing[0, 2] == 0.0


def test_ddtl1_straight_line_over_thirteen_quarters_by_hand():
    # The article's method: 2,012.5 over 13 quarters = 154.8077 a quarter, nothing left for a balloon.
    s = ddtl1_schedule(2_012.5, 0.14, principal_per_quarter=2_012.5 / 13, maturity=12)
    assert s.principal[0, 0] == pytest.approx(154.8077, rel=1e-6)
    assert s.balloon[0, 12] == pytest.approx(0.0, abs=1e-9)
    assert s.closing[0, 12] == 0.0 and s.repayment.sum() == pytest.approx(2_012.5)


def test_ddtl1_extra_principal_shortens_the_loan():
    # 1,000 at 100 a quarter plus 100 extra: 200 a quarter, repaid after five quarters.
    s = ddtl1_schedule(1_000.0, 0.1, principal_per_quarter=100.0, extra_principal=100.0, maturity=12)
    assert s.closing[0, 4] == 0.0 and s.closing[0, 3] == 200.0
    assert s.balloon.sum() == 0.0


def test_straight_line_principal_by_hand():
    # 120 owed, 60 drawn in quarter 0 and 60 in quarter 3; first repayment in quarter 2, over 4 quarters.
    # Opening 120 and the quarter-0 draw (60) start in quarter 2: 180 / 4 = 45 in quarters 2-5.
    # The quarter-3 draw starts in quarter 4: 60 / 4 = 15 in quarters 4-7.
    draws = np.zeros((1, 24))
    draws[0, 0] = draws[0, 3] = 60.0
    sched = straight_line_principal(120.0, draws, first_repayment=2, quarters=4)
    assert sched[0, :9].tolist() == [0.0, 0.0, 45.0, 45.0, 60.0, 60.0, 15.0, 15.0, 0.0]


def test_even_draws_by_hand():
    # 900 drawn over quarters 0-2: 300 each.
    assert even_draws(900.0, 2)[0, :4].tolist() == [300.0, 300.0, 300.0, 0.0]


def test_ddtl2_fee_on_the_undrawn_part_until_the_deadline():
    # Facility 1,000, 400 owed, 0.4% a year fee; no draws. Undrawn 600: fee 0.004 / 4 x 600 = 0.6 a
    # quarter in quarters 0-2 (deadline 2), nothing after.
    s = ddtl2_schedule(
        400.0,
        0.0,
        0.1,
        facility_size=1_000.0,
        draw_deadline=2,
        first_repayment=3,
        amortization_months=60,
        fee_rate=0.004,
    )
    assert s.fees[0, :5] == pytest.approx([0.6, 0.6, 0.6, 0.0, 0.0])
    # 400 over 20 quarters from quarter 3: 20 a quarter, through quarter 22.
    assert s.principal[0, 3] == pytest.approx(20.0) and s.principal[0, 22] == pytest.approx(20.0)
    assert s.principal[0, 23] == pytest.approx(0.0, abs=1e-9)


def test_ddtl2_maturity_turns_the_rest_into_a_balloon():
    # 400 over 20 quarters from quarter 3 is 20 a quarter; a maturity in quarter 17 leaves
    # 400 - 15 x 20 = 100 as the balloon.
    s = ddtl2_schedule(
        400.0, 0.0, 0.1, facility_size=1_000.0, draw_deadline=2, first_repayment=3, amortization_months=60, maturity=17
    )
    assert s.balloon[0, 17] == pytest.approx(100.0)
    assert s.closing[0, 17:].max() == 0.0


def test_article_arithmetic_by_hand():
    # $3.8B over five years is $760M a year; $7.6B is $1.52B.
    assert straight_line(3.8e9, 5) == pytest.approx(760e6)
    assert straight_line(7.6e9, 5) == pytest.approx(1.52e9)
    # 14.11% of $2,012.5M for a quarter: 2,012.5 x 0.1411 / 4 = 70.99.
    assert simple_interest(2_012.5, 0.1411, 4) == pytest.approx(70.9906, rel=1e-5)


def test_floor_verdicts():
    assert floor_verdict(500.0, 547.0) == "supported"
    # Short of the floor: roughly within a quarter, contradicted beyond (no longer half the floor).
    assert floor_verdict(500.0, 450.0) == "roughly"
    assert floor_verdict(500.0, 300.0) == "contradicted"


# --- the two loans and the sensitivity grid ------------------------------------------------------


def test_base_case_matches_the_filed_balances():
    ddtl1, ddtl2 = two_loans(_inputs(), _terms())
    # 115 a quarter for two quarters takes 2,012.5 to 1,782.5, the filing's balance at 2025-06-30.
    assert ddtl1.closing[0, 1] == pytest.approx(shared_ledger().value("debt_ddtl1_balance_2025q2"))
    # The default draws reach the filing's 2025-06-30 DDTL 2.0 balance by 2025-Q2.
    assert ddtl2.closing[0, 1] == pytest.approx(shared_ledger().value("debt_ddtl2_balance_2025q2"))
    assert ddtl1.closing[0, _terms().ddtl1_maturity] == 0.0


def test_grid_is_flattened_onto_scenarios_and_matches_single_runs():
    sofr = np.array([0.0, 0.04, 0.08])
    drawn = np.array([_terms().ddtl2_balance, 6e9])
    grid = service_grid(_inputs(), _terms(), sofr, drawn)
    assert grid.shape == (3, 2, 6)
    single = annual_debt_service(*two_loans(_inputs(), _terms(), sofr=0.04, ddtl2_drawn=6e9))
    assert grid[1, 1] == pytest.approx(single[0])
    # More SOFR, more debt service; more drawn, more debt service.
    assert np.all(np.diff(grid[:, :, 1], axis=0) > 0) and np.all(np.diff(grid[:, :, 1], axis=1) > 0)


def test_rate_band_brackets_the_base_case():
    band = rate_band(_inputs(), _terms(), [_inputs()["ddtl2_drawn"]], 0.05, 0.12)
    base = annual_debt_service(*two_loans(_inputs(), _terms()))[0]
    # The base case's DDTL 2.0 rate, SOFR 4.37% + 6.25% = 10.62%, lies inside 5-12%.
    assert np.all(band[0, 0] <= base) and np.all(base <= band[1, 0])


@pytest.mark.slow
def test_many_scenarios_in_one_call_agree_with_single_runs():
    # A hundred thousand scenarios in one call (a million works too, with about 5 GB of memory).
    sofr = np.random.default_rng(1).uniform(0.0, 0.08, 100_000)
    ddtl1, ddtl2 = two_loans(_inputs(), _terms(), sofr=sofr)
    assert ddtl2.interest.shape == (100_000, 24)
    single = two_loans(_inputs(), _terms(), sofr=float(sofr[123]))[1]
    assert ddtl2.interest[123] == pytest.approx(single.interest[0])


# --- closed-form properties -----------------------------------------------------------------------

money = st.floats(min_value=0.0, max_value=1e10, allow_nan=False)
rates = st.floats(min_value=0.0, max_value=0.5, allow_nan=False)
paths = hnp.arrays(np.float64, (2, 24), elements=st.floats(min_value=0.0, max_value=1e9, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(money, rates, paths, paths, st.integers(min_value=0, max_value=30))
def test_facility_identities(opening, rate, draws, scheduled, maturity):
    draws = np.where(np.arange(24) > maturity, 0.0, draws)
    s = facility_schedule(opening, rate, draws=draws, scheduled_principal=scheduled, maturity=maturity)
    # Balances never go negative.
    assert s.closing.min() >= -1e-6 * max(opening, 1.0) and s.opening.min() >= -1e-6 * max(opening, 1.0)
    # Each quarter: closing = opening + draws - principal - balloon.
    assert np.allclose(s.closing, s.opening + s.draws - s.principal - s.balloon, atol=1e-3)
    # Principal repaid equals principal drawn (plus the opening balance) less what is still owed.
    assert np.allclose(s.repayment.sum(axis=1), opening + draws.sum(axis=1) - s.closing[:, -1], rtol=1e-9, atol=1e-3)
    # Interest is the quarterly rate times the average balance, every quarter.
    assert np.allclose(s.interest, rate / 4 * (s.opening + s.closing) / 2, rtol=1e-12, atol=1e-6)
    assert s.principal.min() >= -1e-3


@settings(max_examples=60, deadline=None)
@given(money, paths, st.integers(min_value=0, max_value=23))
def test_zero_rate_gives_zero_interest(opening, scheduled, maturity):
    s = facility_schedule(opening, 0.0, scheduled_principal=scheduled, maturity=maturity)
    assert np.all(s.interest == 0.0)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=5e9),
    st.floats(min_value=0.0, max_value=2.5e9),
    rates,
    st.integers(min_value=0, max_value=2),
    st.integers(min_value=0, max_value=4),
    st.sampled_from([3, 12, 36, 60]),
)
def test_ddtl2_repays_everything_drawn(opening, further, rate, last, first, months):
    # Amortization that ends inside the horizon repays every dollar drawn.
    draws = even_draws(further, last)
    s = ddtl2_schedule(
        opening, draws, rate, facility_size=7.6e9, draw_deadline=2, first_repayment=first, amortization_months=months
    )
    assert s.repayment.sum() == pytest.approx(opening + further, rel=1e-9, abs=1e-3)
    assert s.closing[0, -1] == pytest.approx(0.0, abs=1e-3)
    assert s.closing.min() >= -1e-3


@settings(max_examples=40, deadline=None)
@given(rates, rates)
def test_a_higher_rate_never_costs_less(low, high):
    low, high = sorted((low, high))
    cheap = facility_schedule(1e9, low, scheduled_principal=5e7)
    dear = facility_schedule(1e9, high, scheduled_principal=5e7)
    assert np.all(dear.interest >= cheap.interest)


# --- bad inputs: one test per message ------------------------------------------------------------


def _refused(values):
    with pytest.raises(ParameterError) as caught:
        resolve("debt", values, shared_ledger())
    return str(caught.value)


def test_negative_rate_is_refused():
    assert _refused({"sofr": -0.01}) == "sofr = -0.01 is outside the allowed range 0 to 0.2 (fraction)"
    assert (
        _refused({"ddtl2_margin": -0.005}) == "ddtl2_margin = -0.005 is outside the allowed range 0 to 0.3 (fraction)"
    )


def test_draw_above_the_facility_is_refused():
    assert _refused({"ddtl2_drawn": 9e9}) == (
        "ddtl2_drawn = 9000000000.0 is above the facility size 7600000000.0; "
        "allowed: ddtl2_drawn from 3843819000.0 to 7600000000.0 (USD)"
    )


def test_draw_below_the_balance_already_drawn_is_refused():
    assert _refused({"ddtl2_drawn": 1e9}) == (
        "ddtl2_drawn = 1000000000.0 is below the balance already drawn at 2024-12-31 3843819000.0; "
        "allowed: ddtl2_drawn from 3843819000.0 to 7600000000.0 (USD)"
    )


def test_draw_after_the_deadline_is_refused():
    assert _refused({"ddtl2_last_draw_quarter": 4}) == (
        "ddtl2_last_draw_quarter = 4 (2025-Q4) is after the draw deadline 2025-Q3 (June 2025 plus the "
        "3-month extension); allowed: ddtl2_last_draw_quarter from 1 to 3 (quarter number, 1 = 2025-Q1)"
    )


def test_amortization_beyond_ten_years_is_refused():
    assert _refused({"ddtl2_amortization_months": 123}) == (
        "ddtl2_amortization_months = 123 is outside the allowed range 0 to 120 (months)"
    )


def test_the_base_case_repays_ddtl2_as_filed_and_never_after_its_maturity(ledger):
    from runthenumbers import credit

    terms = Terms.from_ledger(ledger)
    ddtl1, ddtl2 = two_loans(resolve("debt", {}, ledger), terms)
    filed = credit.principal_by_facility(credit.FILING_2025_06_30, ledger)["ddtl2"]
    # 2025-Q3 onwards the debt chapter's DDTL 2.0 principal is the credit chapter's, quarter for quarter.
    np.testing.assert_allclose(ddtl2.repayment[0, 2 : 2 + 18], filed[:18], rtol=1e-9, atol=1e-3)
    assert not ddtl2.repayment[0, terms.ddtl2_maturity + 1 :].any()
    assert ddtl2.closing[0, terms.ddtl2_maturity] == pytest.approx(0.0, abs=1.0)


def test_the_articles_straight_line_reading_is_still_an_input(ledger):
    terms = Terms.from_ledger(ledger)
    inputs = resolve("debt", {"ddtl2_amortization_months": 60}, ledger)
    _, ddtl2 = two_loans(inputs, terms)
    first = inputs["ddtl2_first_repayment_quarter"] - 1
    assert ddtl2.principal[0, first] == pytest.approx(inputs["ddtl2_drawn"] / 20)


def test_amortization_in_part_quarters_is_refused():
    assert _refused({"ddtl2_amortization_months": 50}) == (
        "ddtl2_amortization_months = 50 is not a whole number of quarters; "
        "allowed: ddtl2_amortization_months 0 (as filed) or 3 to 120 in steps of 3 (months)"
    )


# The model refuses the same inputs when called directly, before computing anything.


def test_model_refuses_a_negative_rate():
    with pytest.raises(ParameterError) as caught:
        facility_schedule(100.0, [[0.05], [-0.01]])
    assert (
        str(caught.value) == "rate = -0.01 (scenario 1, 2025-Q1) is outside the allowed range 0 to 1 (annual fraction)"
    )


@pytest.mark.parametrize(
    ("opening", "draws", "deadline", "message"),
    [
        (
            3.8e9,
            even_draws(4e9, 1),
            2,
            "opening balance plus draws = 7800000000.0 (scenario 0) is above the facility size 7600000000.0; "
            "allowed: from 0 to 7600000000.0 (USD)",
        ),
        (
            3.8e9,
            even_draws(1e9, 3),
            2,
            "draws = 250000000.0 in 2025-Q4 (scenario 0) come after the draw deadline 2025-Q3; "
            "allowed: draws from 2025-Q1 to 2025-Q3",
        ),
        (
            0.0,
            even_draws(1e8, 0),
            -1,
            "draws = 100000000.0 in 2025-Q1 (scenario 0) come after the draw deadline, which passed before 2025-Q1; "
            "allowed: no draws",
        ),
    ],
)
def test_model_refuses_draws_the_facility_cannot_take(opening, draws, deadline, message):
    with pytest.raises(ParameterError) as caught:
        ddtl2_schedule(
            opening, draws, 0.1, facility_size=7.6e9, draw_deadline=deadline, first_repayment=3, amortization_months=60
        )
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"maturity": 1.5}, "maturity = 1.5 is not a whole number; allowed: 0 to 400 (quarter index, 0 = 2025-Q1)"),
        ({"maturity": 401}, "maturity = 401 is outside the allowed range 0 to 400 (quarter index, 0 = 2025-Q1)"),
        (
            {"fee_until": -2},
            "fee_until = -2 is outside the allowed range -1 to 400 (quarter index, 0 = 2025-Q1; -1: never)",
        ),
        (
            {"maturity": [3, 2.5]},
            "maturity = 2.5 is not a whole number; allowed: 0 to 400 (quarter index, 0 = 2025-Q1)",
        ),
    ],
)
def test_model_refuses_a_quarter_index_that_is_not_whole_or_out_of_range(keywords, message):
    with pytest.raises(ParameterError) as caught:
        facility_schedule([100.0, 100.0], 0.05, **keywords)
    assert str(caught.value) == message


def test_model_refuses_a_draw_after_maturity_naming_the_scenario_and_quarter():
    draws = np.zeros((1, 24))
    draws[0, 5] = 10.0
    with pytest.raises(ParameterError) as caught:
        facility_schedule(100.0, 0.05, draws=draws, maturity=4)
    assert str(caught.value) == (
        "draws = 10.0 (scenario 0, 2026-Q2) come after the loan's maturity; allowed: draws up to the maturity quarter"
    )


def test_model_refuses_a_filed_repayment_without_the_filed_profile():
    with pytest.raises(ParameterError) as caught:
        ddtl2_schedule(3.8e9, 0.0, 0.1, facility_size=7.6e9, draw_deadline=2, first_repayment=3, amortization_months=0)
    assert str(caught.value) == "amortization_months = 0 repays DDTL 2.0 as filed, which needs the filed profile"


def test_model_refuses_a_part_quarter_amortization():
    with pytest.raises(ParameterError) as caught:
        ddtl2_schedule(3.8e9, 0.0, 0.1, facility_size=7.6e9, draw_deadline=2, first_repayment=3, amortization_months=2)
    assert str(caught.value) == (
        "amortization_months = 2 is not allowed; allowed: a whole number of quarters, from 3 months up (months)"
    )


def test_model_refuses_a_badly_shaped_path():
    with pytest.raises(ParameterError) as caught:
        facility_schedule(100.0, np.zeros((2, 5)))
    assert (
        str(caught.value) == "rate has shape (2, 5); allowed: a scalar, (scenarios,), (scenarios, 1) or (scenarios, 24)"
    )


def test_model_module_exposes_its_quarters():
    assert debt.HORIZON.calendar_years == (2025, 2026, 2027, 2028, 2029, 2030)
    assert debt.HORIZON == calendar.ARTICLE_HORIZON == calendar.Horizon("2025-Q1", "2030-Q4")
