"""The scenario sweep: exact agreement with the debt model, determinism by seed, bounded chunks, clear refusals."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from runthenumbers import sweep
from runthenumbers.cli import main
from runthenumbers.data import load_ledger
from runthenumbers.debt import Terms, debt_service, two_loans
from runthenumbers.debt_surface import quarterly_service
from runthenumbers.liquidity import FIRST_QUARTER, Starting, cash_paths, first_shortfall
from runthenumbers.parameters import resolve

LEDGER = load_ledger()
DEBT = resolve("debt", {}, LEDGER)
TERMS = Terms.from_ledger(LEDGER)
START = Starting.from_ledger(LEDGER, DEBT)
INPUTS = sweep.registry(LEDGER, TERMS)


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_the_closed_form_agrees_with_the_debt_model_on_sampled_points(seed):
    rng = np.random.default_rng(seed)
    n = 8
    sofr = rng.uniform(0.0, 0.08, (n, 1)) + rng.uniform(-0.01, 0.01, (n, 24))
    sofr = np.maximum(sofr, 0.0)
    drawn = rng.uniform(TERMS.ddtl2_balance, TERMS.ddtl2_facility_size, n)
    rate = rng.uniform(0.05, 0.12, (n, 24))
    expected = debt_service(*two_loans(DEBT, TERMS, sofr=sofr, ddtl2_drawn=drawn, ddtl2_rate=rate))
    assert np.allclose(quarterly_service(START.service, sofr, drawn, rate), expected, rtol=0, atol=1.0)
    flat = rate[:, 0]
    expected_flat = debt_service(*two_loans(DEBT, TERMS, sofr=sofr, ddtl2_drawn=drawn, ddtl2_rate=flat))
    assert np.allclose(quarterly_service(START.service, sofr, drawn, flat), expected_flat, rtol=0, atol=1.0)


def _scenario(**changes):
    base = dict(sofr_level=0.04, sofr_drift=0.0, ddtl2_drawn=TERMS.ddtl2_balance, ddtl2_rate=0.1, revenue_growth=0.0,
                price_decline=0.0, cash_margin=0.5, cost_per_mw=0.0, build_quarters=8, partner_slip=100)
    return {k: np.array([v]) for k, v in {**base, **changes}.items()}


def test_cash_by_hand_for_the_first_quarter_that_moves_it():
    paths = cash_paths(START, **_scenario())
    # 2025-Q2: cash at 2025-03-31 + half of the 2024-Q4 revenue run rate (no growth) + draws - service.
    expected = START.cash + 0.5 * START.quarterly_revenue + paths.draws[0, 1] - paths.debt_service[0, 1]
    assert paths.cash[0, FIRST_QUARTER] == pytest.approx(expected)
    assert paths.cash[0, 0] == START.cash
    assert paths.revenue[0, 5] == pytest.approx(START.quarterly_revenue)


def test_building_spends_the_remaining_capacity_evenly():
    paths = cash_paths(START, **_scenario(cost_per_mw=30e6, build_quarters=10))
    assert paths.capex.sum() == pytest.approx(START.remaining_mw * 30e6)
    assert np.count_nonzero(paths.capex) == 10 and paths.capex[0, 0] == 0


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 1.5), st.floats(0.0, 1.5))
def test_faster_growth_never_leaves_less_cash(low, high):
    low, high = sorted((low, high))
    slow = cash_paths(START, **_scenario(revenue_growth=low, cost_per_mw=35e6)).cash
    fast = cash_paths(START, **_scenario(revenue_growth=high, cost_per_mw=35e6)).cash
    assert np.all(fast >= slow - 1e-3)


def test_first_shortfall_by_hand():
    cash = np.array([[5.0, 1.0, -1.0, 2.0], [1.0, 2.0, 3.0, 4.0]])
    assert first_shortfall(cash).tolist() == [2, -1]


def test_the_same_seed_gives_the_same_results_and_another_seed_does_not():
    first = sweep.summarise(sweep.run(START, INPUTS, 20_000, seed=11))
    again = sweep.summarise(sweep.run(START, INPUTS, 20_000, seed=11))
    other = sweep.summarise(sweep.run(START, INPUTS, 20_000, seed=12))
    assert json.dumps(first) == json.dumps(again)
    assert first != other


def test_scenarios_are_drawn_in_bounded_chunks_that_do_not_depend_on_the_total(monkeypatch):
    sizes = []
    original = sweep.evaluate
    monkeypatch.setattr(sweep, "evaluate", lambda start, draws: sizes.append(len(draws["sofr_level"])) or original(start, draws))
    big = sweep.run(START, INPUTS, 2 * sweep.CHUNK + 5, seed=3)
    assert max(sizes) == sweep.CHUNK and sum(sizes) == 2 * sweep.CHUNK + 5
    small = sweep.run(START, INPUTS, sweep.CHUNK, seed=3)
    assert np.array_equal(big["cash_low_point"][: sweep.CHUNK], small["cash_low_point"])


def test_distributions_map_the_unit_interval_onto_their_range():
    uniform = sweep.Uncertain("x", "uniform", 2.0, 4.0, "u", "test")
    triangular = sweep.Uncertain("x", "triangular", 0.0, 1.0, "u", "test", mode=0.5)
    whole = sweep.Uncertain("x", "uniform", 0, 7, "u", "test", whole=True)
    u = np.array([0.0, 0.5, 0.999999])
    assert uniform.from_unit(u).tolist() == pytest.approx([2.0, 3.0, 4.0], abs=1e-5)
    assert triangular.from_unit(np.array([0.5]))[0] == pytest.approx(0.5)
    assert whole.from_unit(u).tolist() == [0.0, 3.0, 6.0]


def test_one_varying_input_explains_all_the_variance():
    fixed = [f"{name}=fixed:{u.low}" for name, u in INPUTS.items() if name != "revenue_growth"]
    inputs = sweep.override(INPUTS, fixed)
    indices = sweep.sobol_indices(START, inputs, base_samples=4000, seed=5)
    assert list(indices) == ["revenue_growth"]
    assert indices["revenue_growth"]["first_order"] == pytest.approx(1.0, abs=0.05)
    assert indices["revenue_growth"]["total"] == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--samples", "0"], "error: --samples = 0 is not a positive whole number; allowed: 1 or more"),
        (["--samples", "-5"], "error: --samples = -5 is not a positive whole number; allowed: 1 or more"),
        (["--samples", "10", "--vary", "sofr_level=lognormal:0:1"],
         "error: unknown distribution 'lognormal' for sofr_level; distributions: uniform, triangular, fixed"),
        (["--samples", "10", "--vary", "sofr=uniform:0:1"], "error: unknown input 'sofr'; inputs: sofr_level, "),
        (["--samples", "10", "--vary", "sofr_level=uniform:0.05:0.01"],
         "error: 'sofr_level=uniform:0.05:0.01' is not of the form sofr_level=uniform:LOW:HIGH with LOW <= HIGH"),
        (["--samples", "10", "--deadline", "2031-Q1"], "error: --deadline = '2031-Q1' is not a quarter from 2025-Q1 to 2030-Q4"),
    ],
)
def test_bad_requests_are_refused_with_what_is_allowed(args, message):
    result = CliRunner().invoke(main, ["sweep", *args])
    assert result.exit_code == 2
    assert result.output.startswith(message)


def test_sweep_json_and_out_file(tmp_path):
    out_a, out_b = tmp_path / "a.json", tmp_path / "b.json"
    first = CliRunner().invoke(main, ["sweep", "--samples", "5000", "--seed", "4", "--format", "json", "--out", str(out_a)])
    CliRunner().invoke(main, ["sweep", "--samples", "5000", "--seed", "4", "--out", str(out_b)])
    record = json.loads(first.output)
    assert set(record) == {"samples", "seed", "seconds", "results"} and record["samples"] == 5000 and record["seed"] == 4
    assert out_a.read_bytes() == out_b.read_bytes()
    assert json.loads(out_a.read_text())["results"] == record["results"]
