"""The capex arithmetic against hand-worked numbers, general properties, and the refusals of bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from runthenumbers import capex
from runthenumbers.data import load_ledger
from runthenumbers.parameters import ParameterError, resolve
from runthenumbers.verdicts import ceiling_verdict, floor_verdict

prices = st.floats(min_value=0.0, max_value=50.0)
utilizations = st.floats(min_value=0.01, max_value=1.0)
lives = st.floats(min_value=1.0, max_value=10.0)
capexes = st.floats(min_value=1_000.0, max_value=500_000.0)
rates = st.floats(min_value=0.0, max_value=0.5)
power_costs = st.floats(min_value=0.0, max_value=1.0)


# ---------------------------------------------------------------------------------------------
# The build-out, by hand


def test_cost_per_mw_by_hand():
    # $15B over 360 MW: 15,000 / 360 = 41.666... USD millions per MW.
    assert capex.cost_per_mw(15e9, 360.0) == pytest.approx(41.6667e6, rel=1e-5)


def test_remaining_build_cost_by_hand():
    # (1,300 - 360) MW x $30M = 940 x 30 = $28,200M.
    assert capex.remaining_build_cost(1300.0, 360.0, 30e6) == pytest.approx(28.2e9)


def test_funding_gap_by_hand():
    # 28.2 - (1.3 + 3.756181 + 1.468) = 21.675819 USD billions.
    assert capex.funding_gap(28.2e9, 1.3e9, 7.6e9 - 3.843819e9, 1.468e9) == pytest.approx(21.675819e9)


def test_build_out_functions_broadcast_over_scenarios():
    per_mw = np.array([30e6, 32.5e6, 41.7e6])
    costs = capex.remaining_build_cost(1300.0, 360.0, per_mw)
    assert costs.shape == (3,)
    assert costs[0] == pytest.approx(28.2e9)


def test_spending_bases_by_hand():
    bases = capex.spending_bases(load_ledger(), 360.0, 1300.0).set_index("basis")
    # Cash capex 72.4 + 2,943 + 8,702 = 11,717.4 USD millions; / 360 = 32.548 per MW.
    assert bases.loc["Cash capex 2022-2024", "spent"] == pytest.approx(11_717.4e6)
    assert bases.loc["Cash capex 2022-2024", "cost_per_mw"] == pytest.approx(32.548e6, rel=1e-4)
    # NextPlatform's contracted build-out: 39,000 / 1,300 = 30 per MW.
    assert bases.loc["NextPlatform: contracted build-out", "cost_per_mw"] == pytest.approx(30e6)
    assert set(bases["kind"]) >= {"estimate (NextPlatform, via the article)"}
    # The 10-Q's property and equipment at cost, 12,880.005 USD millions / 360 = 35.778 per MW.
    assert bases.loc["Property and equipment at cost, 2024-12-31", "cost_per_mw"] == pytest.approx(35.778e6, rel=1e-4)


def test_the_range_of_costs_per_mw_is_set_without_the_data_service_s_cash_capex():
    bases = capex.spending_bases(load_ledger(), 360.0, 1300.0)
    pricing = capex.pricing_bases(bases)
    assert set(pricing["basis"]) == {
        "Property and equipment at cost, 2024-12-31",
        "NextPlatform: spent so far",
        "NextPlatform: contracted build-out",
    }
    assert not any(f.endswith("_agg") for facts in pricing["facts"] for f in facts)


def test_ladder_totals_are_spent_plus_still_to_build():
    ladder = capex.build_out_ladder(11.7e9, 15e9, 360.0, 1300.0, 30e6, 41.7e6, 30e6).set_index("step")
    assert ladder.loc["Still to build", "megawatts"] == 940.0
    assert ladder.loc["All contracted capacity", "low"] == pytest.approx(11.7e9 + 940 * 30e6)
    assert ladder.loc["All contracted capacity", "high"] == pytest.approx(15e9 + 940 * 41.7e6)
    assert math.isnan(ladder.loc["Spent so far", "this_run"])


def test_floor_and_ceiling_verdicts():
    assert floor_verdict(8.5e9, 8.702e9, 0.05) == "supported"
    # A floor of 4.6 against 3.76: 22% too high, within a factor of two.
    assert floor_verdict(4.6e9, 3.76e9, 0.05) == "roughly"
    assert ceiling_verdict(1.9, 2.0, 0.05) == "supported"
    assert ceiling_verdict(4.7, 2.0, 0.05) == "contradicted"


# ---------------------------------------------------------------------------------------------
# One GPU, by hand


def test_capital_charge_without_interest_is_straight_line():
    # $60,000 over 6 years at no interest: 10,000 a year.
    assert capex.capital_charge(60_000.0, 6.0, 0.0) == pytest.approx(10_000.0)


def test_capital_charge_by_hand():
    # r C / (1 - e^(-r L)) = 0.11 x 60,000 / (1 - e^(-0.66)) = 6,600 / 0.483144 = 13,660.39.
    assert capex.capital_charge(60_000.0, 6.0, 0.11) == pytest.approx(13_660.39, rel=1e-6)


def test_power_cost_by_hand():
    # 1.44 kW x $0.0806 per kWh = $0.116064 per hour.
    assert capex.power_cost_per_hour(1.44, 0.0806) == pytest.approx(0.116064)


def test_payback_without_interest_by_hand():
    # Operating cash (2.00 x 0.5 - 0) x 8,760 = 8,760 a year; 8,760 of capex pays back in one year.
    assert capex.payback_years(2.0, 0.5, 8_760.0, 0.0, 0.0) == pytest.approx(1.0)


def test_payback_with_interest_by_hand():
    # m = (2.00 x 0.8 - 0.116064) x 8,760 = 12,999.28; r C / m = 6,600 / 12,999.28 = 0.507721;
    # T = -ln(1 - 0.507721) / 0.11 = -ln(0.492279) / 0.11 = 0.708709 / 0.11 = 6.4428 years.
    assert capex.payback_years(2.0, 0.8, 60_000.0, 0.11, 0.116064) == pytest.approx(6.4428, rel=1e-4)


def test_never_pays_back_below_the_interest():
    # Interest alone is 0.11 x 60,000 / 8,760 = 0.7534 an hour; at 0.5 x 1.0 the cash is below it.
    assert capex.payback_years(1.0, 0.5, 60_000.0, 0.11, 0.0) == np.inf
    assert capex.never_pays_back_price(0.5, 60_000.0, 0.11, 0.0) == pytest.approx(6_600 / 8_760 / 0.5)


def test_break_even_price_by_hand():
    # (13,660.39 / 8,760 + 0.116064) / 0.8 = (1.559405 + 0.116064) / 0.8 = 2.094337.
    assert capex.break_even_price(0.8, 60_000.0, 6.0, 0.11, 0.116064) == pytest.approx(2.094337, rel=1e-6)


def test_cost_stack_adds_up_to_the_break_even_price():
    stack = capex.gpu_cost_stack(60_000.0, 6.0, 0.11, 0.116064, 0.8)
    assert list(stack["component"]) == ["Depreciation", "Financing", "Power", "Data hall"]
    # Depreciation 60,000 / (6 x 8,760) / 0.8 = 1.426941.
    assert stack["usd_per_rented_hour"].iloc[0] == pytest.approx(1.426941, rel=1e-6)
    assert stack["usd_per_rented_hour"].sum() == pytest.approx(2.094337, rel=1e-6)


def test_gpu_functions_broadcast_over_scenarios():
    grid = np.linspace(1.0, 8.0, 15)
    assert capex.payback_years(grid, 0.8, 60_000.0, 0.11, 0.1).shape == (15,)
    table = capex.break_even_price(
        np.array([0.6, 0.8, 1.0])[None, :], 60_000.0, np.array([4.0, 5.0, 6.0])[:, None], 0.11, 0.1
    )
    assert table.shape == (3, 3)
    assert table[0, 0] > table[2, 2]


def test_payback_curve_leaves_out_prices_that_never_pay_back():
    curve = capex.payback_curve(np.array([0.5, 2.0, 8.0]), 0.8, 60_000.0, 0.11, 0.116064, max_years=18.0)
    assert list(curve["rental_price"]) == [2.0, 8.0]


def test_price_history_keeps_both_hands_apart():
    history = capex.price_history(load_ledger())
    article = history[history["reported_by"] == "The article"]
    assert sorted(article["price"]) == [1.9, 4.7, 8.0]
    launch = history[history["when"] == "2023-03 (launch)"]
    assert list(launch["price"]) == [4.7] and list(launch["reported_by"]) == ["Sources"]
    assert history.sort_values("order")["when"].iloc[0] == "2023-03 (launch)"


# ---------------------------------------------------------------------------------------------
# Properties


@given(utilizations, capexes, rates, power_costs, prices, prices)
def test_payback_falls_as_the_price_rises(utilization, capex_per_gpu, rate, power, price_a, price_b):
    low, high = sorted((price_a, price_b))
    years = capex.payback_years(np.array([low, high]), utilization, capex_per_gpu, rate, power)
    assert years[1] <= years[0] * (1 + 1e-9) or years[0] == np.inf


@given(utilizations, capexes, lives, rates, power_costs)
def test_the_break_even_price_leaves_no_margin_and_pays_back_in_the_useful_life(
    utilization, capex_per_gpu, life, rate, power
):
    price = capex.break_even_price(utilization, capex_per_gpu, life, rate, power)
    assume(price <= 100.0)
    margin = capex.margin_per_hour(price, utilization, capex_per_gpu, life, rate, power)
    assert margin == pytest.approx(0.0, abs=1e-9 * max(1.0, float(price)))
    assert capex.payback_years(price, utilization, capex_per_gpu, rate, power) == pytest.approx(life, rel=1e-6)


@given(utilizations, capexes, lives, rates, power_costs)
def test_never_paying_back_comes_before_the_break_even(utilization, capex_per_gpu, life, rate, power):
    assert capex.never_pays_back_price(utilization, capex_per_gpu, rate, power) <= capex.break_even_price(
        utilization, capex_per_gpu, life, rate, power
    ) * (1 + 1e-12)


@given(capexes, lives, lives, rates)
def test_a_longer_life_never_raises_the_capital_charge(capex_per_gpu, life_a, life_b, rate):
    short, long = sorted((life_a, life_b))
    assert capex.capital_charge(capex_per_gpu, long, rate) <= capex.capital_charge(capex_per_gpu, short, rate) * (
        1 + 1e-12
    )


@given(capexes, lives, st.floats(min_value=1e-9, max_value=1e-6))
def test_a_tiny_rate_is_almost_straight_line(capex_per_gpu, life, rate):
    assert capex.capital_charge(capex_per_gpu, life, rate) == pytest.approx(capex_per_gpu / life, rel=1e-5)


@given(capexes, lives, rates)
def test_financing_is_never_negative(capex_per_gpu, life, rate):
    assert capex.financing_per_hour(capex_per_gpu, life, rate) >= -1e-12


@given(
    st.floats(min_value=1.0, max_value=1e9),
    st.floats(min_value=1.0, max_value=1e4),
    st.floats(min_value=0.0, max_value=1e4),
)
def test_more_megawatts_cost_more(per_mw, megawatts, extra):
    assert capex.build_cost(megawatts + extra, per_mw) >= capex.build_cost(megawatts, per_mw)


# ---------------------------------------------------------------------------------------------
# Bad input: one test per message


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: capex.payback_years(-1.0, 0.8, 60_000.0, 0.11, 0.1),
            "rental_price = -1.0 is outside the allowed range 0 to 100 (USD/GPU-hour)",
        ),
        (
            lambda: capex.break_even_price(1.2, 60_000.0, 6.0, 0.11, 0.1),
            "utilization = 1.2 is outside the allowed range 0.01 to 1 (fraction)",
        ),
        (
            lambda: capex.capital_charge(60_000.0, 0.0, 0.11),
            "useful_life = 0.0 is outside the allowed range 1 to 10 (years)",
        ),
        (
            lambda: capex.margin_per_hour(2.0, 0.8, -5.0, 6.0, 0.11, 0.1),
            "capex_per_gpu = -5.0 is outside the allowed range 0 to 1e+06 (USD)",
        ),
        (
            lambda: capex.capital_charge(60_000.0, 6.0, 0.9),
            "financing_rate = 0.9 is outside the allowed range 0 to 0.5 (fraction)",
        ),
        (
            lambda: capex.break_even_price(0.8, 60_000.0, 6.0, 0.11, -0.1),
            "power_cost = -0.1 is outside the allowed range 0 to 100 (USD/GPU-hour)",
        ),
        (
            lambda: capex.payback_years(np.array([2.0, -3.0, -4.0]), 0.8, 60_000.0, 0.11, 0.1),
            "rental_price = -3.0 is outside the allowed range 0 to 100 (USD/GPU-hour)",
        ),
        (
            lambda: capex.payback_years(float("nan"), 0.8, 60_000.0, 0.11, 0.1),
            "rental_price = nan is outside the allowed range 0 to 100 (USD/GPU-hour)",
        ),
        (
            lambda: capex.cost_per_mw(15e9, 0.0),
            "megawatts = 0 cannot carry a cost per MW; allowed: megawatts above 0 (MW)",
        ),
        (
            lambda: capex.remaining_build_cost(1300.0, 1400.0, 30e6),
            "active_mw is above contracted_mw; allowed: active_mw from 1 to contracted_mw (MW)",
        ),
    ],
)
def test_bad_model_input_is_refused_with_the_allowed_range(call, message):
    with pytest.raises((ParameterError, ValueError)) as caught:
        call()
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("name", "given_value", "message"),
    [
        ("rental_price", -1.9, "rental_price = -1.9 is outside the allowed range 0 to 100 (USD/GPU-hour)"),
        ("utilization", 1.5, "utilization = 1.5 is outside the allowed range 0.01 to 1 (fraction)"),
        ("useful_life", 0, "useful_life = 0 is outside the allowed range 1 to 10 (years)"),
        ("capex_per_mw", -1.0, "capex_per_mw = -1.0 is outside the allowed range 1 to 1e+09 (USD/MW)"),
        (
            "electricity_price",
            "cheap",
            "electricity_price = 'cheap' is not a number; allowed: float from 0 to 1 (USD/kWh)",
        ),
    ],
)
def test_bad_notebook_input_is_refused_with_the_allowed_range(name, given_value, message):
    with pytest.raises(ParameterError) as caught:
        resolve("capex", {name: given_value}, load_ledger())
    assert str(caught.value) == message


def test_active_power_above_contracted_power_is_refused():
    with pytest.raises(ParameterError) as caught:
        resolve("capex", {"active_mw": 2000.0, "contracted_mw": 1300.0}, load_ledger())
    assert str(caught.value) == (
        "active_mw = 2000.0 is above contracted_mw = 1300.0; allowed: active_mw from 1 to contracted_mw (MW)"
    )


def test_defaults_come_from_the_ledger():
    ledger = load_ledger()
    values = resolve("capex", {}, ledger)
    assert values["active_mw"] == ledger.value("article_capex_active_mw") == 360.0
    assert values["useful_life"] == ledger.value("capex_useful_life_tech_equipment_bizety")
    assert values["financing_rate"] == ledger.value("debt_ddtl2_effective_rate_table")
    # The literal defaults restate ledger arithmetic: 39,000 / 1,300 (USD millions), cash capex 2022-2024 over
    # the GPUs, and Core Scientific's contract value over its term and megawatts.
    assert values["capex_per_mw"] == pytest.approx(
        ledger.value("article_capex_contracted_build_cost") / ledger.value("article_capex_contracted_mw")
    )
    cash_capex = sum(ledger.value(f"capex_purchases_ppe_fy{y}_agg") for y in (2022, 2023, 2024))
    assert values["capex_per_gpu"] == pytest.approx(cash_capex / ledger.value("cw_gpus_2024"))
    assert values["colocation_fee_per_mw_year"] == pytest.approx(
        ledger.value("csci_cw_contract_value_total_2024")
        / ledger.value("csci_cw_contract_term")
        / ledger.value("csci_cw_contracted_mw_total_2024")
    )
    assert values["power_kw_per_gpu"] == pytest.approx(
        ledger.value("article_capex_active_mw") * 1_000 / ledger.value("cw_gpus_2024")
    )


def test_the_hall_costs_its_fee_spread_over_the_gpus_a_mw_holds():
    # 1.45M USD per MW-year, 1.44 kW per GPU: 694.4 GPUs per MW, 8,760 hours.
    assert float(capex.colocation_cost_per_hour(1.45e6, 1.44)) == pytest.approx(1.45e6 / (1000 / 1.44) / 8760)
    assert float(capex.revenue_per_installed_gpu_hour(747e6, 250_000)) == pytest.approx(747e6 / (250_000 * 2190))


def test_the_payback_grid_reproduces_hand_worked_corners():
    grid = capex.payback_grid(
        [0.0, 40_000.0], [4.0, 5.0], [1.0, 3.0], utilization=0.8, financing_rate=0.0, running_cost=0.4
    )
    assert len(grid) == 8
    row = grid.set_index(["capex_per_gpu", "useful_life", "rental_price"])
    # No capex: pays back at once wherever the price covers the running cost, break-even = running / utilization.
    assert row.loc[(0.0, 4.0, 3.0), "payback_years"] == 0.0 and row.loc[(0.0, 4.0, 3.0), "break_even"] == pytest.approx(
        0.5
    )
    # 40,000 USD at no interest: payback = capex / ((price x u - running) x 8,760).
    assert row.loc[(40_000.0, 5.0, 3.0), "payback_years"] == pytest.approx(40_000 / ((3.0 * 0.8 - 0.4) * 8760))
    assert bool(row.loc[(40_000.0, 5.0, 3.0), "pays_back"])
    # At 1 USD the margin is 0.4 USD an installed hour: 11.4 years, beyond either life.
    assert row.loc[(40_000.0, 4.0, 1.0), "payback_years"] == pytest.approx(40_000 / (0.4 * 8760))
    assert not row.loc[(40_000.0, 4.0, 1.0), "pays_back"]
    # Break-even at no interest: (capex / life / 8,760 + running) / utilization.
    assert row.loc[(40_000.0, 4.0, 1.0), "break_even"] == pytest.approx((40_000 / 4 / 8760 + 0.4) / 0.8)
    # With interest the break-even is where the payback equals the life.
    at_rate = capex.payback_grid([46_870.0], [6.0], [2.0], 0.8, 0.11, 0.35)
    even = float(at_rate["break_even"].iloc[0])
    assert float(capex.payback_years(even, 0.8, 46_870.0, 0.11, 0.35)) == pytest.approx(6.0)
