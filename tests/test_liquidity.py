"""The funding model's parts by hand: contracted and re-priced revenue, GPU replacement, limited lending
and markets that close, the runway on committed money, the forward credit path, the reconciliation of
2026 with the company's guidance, and the refusal of impossible inputs wherever they come from."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from cli_cases import SWEEP, Case, check, table, write_file
from conftest import shared_ledger

from runthenumbers import liquidity, sweep
from runthenumbers.liquidity import HORIZON, FundingStart, credit_path, funding_paths
from runthenumbers.parameters import REGISTRY
from runthenumbers.parameters.uncertainty import HORIZON_QUARTERS


@functools.cache
def _start():
    return FundingStart.from_ledger(shared_ledger())


@functools.cache
def _centre():
    return sweep.middle(sweep.registry(shared_ledger()))


def _paths(**changes):
    return funding_paths(_start(), **{k: np.array([v]) for k, v in {**_centre(), **changes}.items()})


def test_the_parameters_horizon_is_the_models():
    assert HORIZON_QUARTERS == len(HORIZON)
    assert REGISTRY["contract_tenor_years"].maximum == len(HORIZON) / 4


def test_revenue_is_contracted_at_its_price_and_the_rest_repriced():
    """Quarter by quarter by hand: what is under contract earns the starting price, the rest the eroded one."""
    start, rate, decline, share, tenor = _start(), 10e6, 0.12, 0.9, 4.0
    paths = _paths(revenue_per_mw_year=rate, price_decline=decline, contracted_share=share, contract_tenor_years=tenor)
    online = paths.online[0]
    average = (np.concatenate([[start.active_mw], online[:-1]]) + online) / 2
    added = average - start.active_mw
    for t in (0, 5, 17, 23):
        lapsed = added[t - 16] if t >= 16 else 0.0
        base = start.active_mw * max(1 - (t + 0.5) / 16, 0.0)
        under = share * (added[t] - lapsed + base)
        price = (1 - decline) ** ((t + 0.5) / 4)
        assert paths.revenue[0, t] == pytest.approx(rate / 4 * (under + (average[t] - under) * price))


def test_a_price_fall_does_not_touch_power_under_contract():
    steady, falling = _paths(contracted_share=1.0, price_decline=0.0), _paths(contracted_share=1.0, price_decline=0.15)
    # In the first quarter almost everything is under contract: only the base fleet's first lapsed slice reprices.
    lapsed = _start().active_mw * 0.5 / (4 * _centre()["contract_tenor_years"])
    price = (1 - 0.15) ** (0.5 / 4)
    gap = _centre()["revenue_per_mw_year"] / 4 * lapsed * (1 - price)
    assert steady.revenue[0, 0] - falling.revenue[0, 0] == pytest.approx(gap)
    # With nothing contracted the whole of revenue falls with the price.
    spot = _paths(contracted_share=0.0, price_decline=0.15)
    assert spot.revenue[0, 0] == pytest.approx(steady.revenue[0, 0] * price)


def test_gpus_are_replaced_at_the_end_of_their_useful_life():
    cost = 30e6
    paths = _paths(useful_life_years=4.0, capex_per_mw=cost)
    start = _start()
    replacement = paths.replacement_capex[0]
    added = np.diff(np.concatenate([[start.active_mw], paths.online[0]]))
    # The base fleet retires over the two years before one life (quarters 8-15), paid a quarter ahead.
    base = start.active_mw / liquidity.FLEET_BUILT_QUARTERS * cost
    assert np.allclose(replacement[7:15], base)
    # A quarter's additions retire one life (16 quarters) later, also paid a quarter ahead.
    assert replacement[15] == pytest.approx(added[0] * cost)
    assert replacement[20] == pytest.approx(added[5] * cost)
    assert replacement[:6].sum() == 0
    # A life beyond the horizon replaces nothing; a shorter life never costs less.
    assert _paths(useful_life_years=30.0).replacement_capex.sum() == 0
    assert _paths(useful_life_years=5.0).borrowed.max() >= _paths(useful_life_years=6.0).borrowed.max()


def test_unlimited_lending_is_the_default_and_no_limit_changes_nothing():
    default, explicit = _paths(), _paths(lending_capacity=liquidity.UNLIMITED, markets_close_quarter=len(HORIZON))
    assert np.array_equal(default.borrowed, explicit.borrowed)
    assert default.unbuilt_mw.sum() == 0 and default.floor_quarter[0] == -1


def test_when_markets_close_only_committed_money_is_drawn_and_capex_gives_way():
    closed = _paths(markets_close_quarter=0)
    start = _start()
    assert closed.borrowed.max() <= start.committed_amount + 1e-3
    assert closed.floor_quarter[0] >= 0 and closed.unbuilt_mw[0, -1] > 0
    assert closed.revenue_lost.sum() > 0
    # Capex is cut only as far as money runs short: never more than planned, and the unbuilt MW never fall.
    open_ = _paths()
    assert np.all(closed.capex <= open_.capex + 1e-3)
    assert np.all(np.diff(closed.unbuilt_mw[0]) >= -1e-9)
    # No lending at all a quarter is the same as markets closed from the start.
    none = _paths(lending_capacity=0.0)
    assert np.allclose(none.borrowed, closed.borrowed) and np.allclose(none.capex, closed.capex)


def test_lending_capacity_caps_new_debt_each_quarter():
    cap = 2e9
    paths = _paths(lending_capacity=cap)
    new_debt = np.maximum(paths.borrowed[0] - _start().committed_amount, 0.0)
    assert np.all(np.diff(np.concatenate([[0.0], new_debt])) <= cap + 1e-3)
    assert paths.borrowed.max() < _paths().borrowed.max()


def test_markets_closing_later_costs_less_than_closing_now():
    now, later = _paths(markets_close_quarter=0), _paths(markets_close_quarter=8)
    assert later.unbuilt_mw[0, 9] <= now.unbuilt_mw[0, 9]


def test_runway_is_the_first_quarter_beyond_committed_money():
    paths = _paths()
    over = paths.borrowed[0] > _start().committed_amount
    assert paths.runway_quarters[0] == int(np.argmax(over))
    assert _paths(markets_close_quarter=0).runway_quarters[0] == len(HORIZON)


def test_the_credit_path_by_hand():
    paths, start = _paths(), _start()
    path = credit_path(paths, start)
    span = HORIZON.in_year(2027)
    end = span.stop - 1
    ebitda = paths.operating_cash[0, span].sum()
    interest = paths.interest[0, span].sum()
    capex = paths.capex[0, span].sum()
    debt = start.scheduled_debt[end] + paths.borrowed[0, end]
    year = liquidity.CREDIT_YEARS.index(2027)
    assert path["leverage"][0, year] == pytest.approx(debt / ebitda)
    assert path["net_leverage"][0, year] == pytest.approx((debt - paths.cash[0, end]) / ebitda)
    assert path["lease_adjusted_leverage"][0, year] == pytest.approx(
        (debt + start.lease_liability) / (ebitda + start.lease_payments[2027])
    )
    assert path["interest_cover"][0, year] == pytest.approx(ebitda / interest)
    assert path["capex_interest_cover"][0, year] == pytest.approx((ebitda - capex) / interest)
    assert path["free_cash_flow"][0, year] == pytest.approx(ebitda - interest - capex)
    # The schedule's interest at these SOFR paths is the credit model's.
    assert paths.scheduled_interest[0, 0] == pytest.approx(
        start.scheduled_interest[0]
        + start.scheduled_interest_per_sofr[0] * (paths.sofr_paths[0, 0] - start.sofr_reference)
    )


def test_median_2026_revenue_and_capex_reconcile_with_guidance():
    """Within 15% of the 2026 guidance ranges of the Q1 2026 call: revenue $12-13B, capex $31-35B."""
    value = shared_ledger().value
    results = sweep.run(_start(), sweep.registry(shared_ledger()), 20_000, seed=2025)
    revenue, capex = np.median(results["revenue_2026"]), np.median(results["capex_2026"])
    low, high = value("cw_revenue_guide_fy2026_low"), value("cw_revenue_guide_fy2026_high")
    assert 0.85 * low <= revenue <= 1.15 * high, revenue
    low, high = value("cw_capex_guide_fy2026_low_may"), value("cw_capex_guide_fy2026_high_may")
    assert 0.85 * low <= capex <= 1.15 * high, capex


def test_the_sweep_ranges_come_from_primary_sources():
    """No range rests on an AI-written page: the DDTL 4.0 and 5.0 margins of a newsletter are gone."""
    inputs = sweep.registry(shared_ledger())
    used = {f for u in inputs.values() for f in u.facts}
    assert not used & {"after_ddtl4_margin", "after_ddtl5_margin", "cw_capex_guide_fy2025_cut_fraction"}
    assert inputs["backlog_conversion"].low == pytest.approx(0.7)
    assert inputs["new_debt_rate"].low == pytest.approx(0.06)


WHERE = ["run", "--notebooks", "uncertainty", "--no-site"]

CASES = [
    Case(
        "vary-lending-negative",
        [*SWEEP, "--vary", "lending_capacity=fixed:-1"],
        2,
        "lending_capacity = -1.0 is outside the allowed range 0 to 1e+12 (USD)",
    ),
    Case(
        "vary-close-after-horizon",
        [*SWEEP, "--vary", "markets_close_quarter=fixed:25"],
        2,
        "markets_close_quarter = 25 is outside the allowed range 0 to 24 (quarters)",
    ),
    Case(
        "vary-life-under-a-year",
        [*SWEEP, "--vary", "useful_life_years=fixed:0.5"],
        2,
        "useful_life_years = 0.5 is outside the allowed range 1 to 30 (years)",
    ),
    Case(
        "vary-contracted-share-above-one",
        [*SWEEP, "--vary", "contracted_share=uniform:0.5:1.2"],
        2,
        "contracted_share = 1.2 is outside the allowed range 0 to 1 (fraction)",
    ),
    Case(
        "vary-tenor-beyond-horizon",
        [*SWEEP, "--vary", "contract_tenor_years=fixed:7"],
        2,
        "contract_tenor_years = 7.0 is outside the allowed range 0.25 to 6 (years)",
    ),
    Case(
        "set-lending-negative",
        [*WHERE, "--set", "lending_capacity=-1", "--out", "{tmp}/o"],
        2,
        "lending_capacity = -1.0 is outside the allowed range 0 to 1e+12 (USD)",
        absent=["o"],
    ),
    Case(
        "set-close-before-horizon",
        [*WHERE, "--set", "markets_close_quarter=-1", "--out", "{tmp}/o"],
        2,
        "markets_close_quarter = -1 is outside the allowed range 0 to 24 (quarters)",
        absent=["o"],
    ),
    Case(
        "set-contracted-share-negative",
        [*WHERE, "--set", "contracted_share=-5%", "--out", "{tmp}/o"],
        2,
        "contracted_share = -5% is outside the allowed range 0% to 100%",
        absent=["o"],
    ),
    Case(
        "params-life-under-a-year",
        [*WHERE, "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "useful_life_years = 0.5 is outside the allowed range 1 to 30 (years)",
        setup=write_file("p.yaml", "useful_life_years: 0.5\n"),
        absent=["o"],
    ),
    Case(
        "params-tenor-beyond-horizon",
        [*WHERE, "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "contract_tenor_years = 10 is outside the allowed range 0.25 to 6 (years)",
        setup=write_file("p.yaml", "contract_tenor_years: 10\n"),
        absent=["o"],
    ),
    Case(
        "params-close-after-horizon",
        [*WHERE, "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "markets_close_quarter = 40 is outside the allowed range 0 to 24 (quarters)",
        setup=write_file("p.yaml", "markets_close_quarter: 40\n"),
        absent=["o"],
    ),
]


@table(CASES)
def test_impossible_funding_inputs_are_refused_by_name(case, tmp_path, monkeypatch):
    check(case, tmp_path, monkeypatch)
