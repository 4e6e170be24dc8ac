"""The funding model and the scenario sweep: hand-worked flows, the direction of each input, the
all-debt schedule as debt service, Sobol indices against SALib, determinism by seed, clear refusals."""

from __future__ import annotations

import functools
import json
import subprocess
import sys

import numpy as np
import pytest
from cli_cases import SWEEP, Case, check, table
from click.testing import CliRunner
from conftest import shared_ledger
from hypothesis import given, settings
from hypothesis import strategies as st

from runthenumbers import credit, liquidity, sweep
from runthenumbers.cli import main
from runthenumbers.liquidity import HORIZON, FundingStart, funding_paths


@functools.cache
def _start():
    return FundingStart.from_ledger(shared_ledger())


@functools.cache
def _uncertain():
    return sweep.registry(shared_ledger())


@functools.cache
def _centre():
    return sweep.middle(_uncertain())


def _paths(**changes):
    return funding_paths(_start(), **{k: np.array([v]) for k, v in {**_centre(), **changes}.items()})


def test_revenue_rises_with_the_power_in_service():
    slow, fast = _paths(build_pace_mw=60.0), _paths(build_pace_mw=250.0)
    assert np.all(fast.online >= slow.online) and fast.online[0, 4] > slow.online[0, 4]
    assert np.all(fast.revenue >= slow.revenue - 1e-6) and fast.revenue[0, 4] > slow.revenue[0, 4]
    none, all_of_it = _paths(backlog_conversion=0.0), _paths(backlog_conversion=1.0)
    reported = len(_start().reported_mw)
    # The reported quarters are followed whatever the inputs; after them only the conversion's share is built.
    assert np.allclose(none.online[0, :reported], _start().reported_mw)
    assert np.allclose(none.online[0, reported:], _start().reported_mw[-1])
    assert all_of_it.online[0, -1] == pytest.approx(_start().contracted_mw)
    # With nothing built after the reported quarters and a life beyond the horizon, no capex after them.
    flat = _paths(backlog_conversion=0.0, price_decline=0.0, useful_life_years=30.0)
    assert np.all(flat.capex[0, reported - 1 :] == 0)


def test_the_partner_fee_is_a_cost_that_lowers_cash():
    online_average = np.array([[100.0, 200.0]])
    revenue = online_average * 10e6 / 4
    cheap = liquidity.operating_cash_paths(revenue, online_average, 0.7, 0.0)
    dear = liquidity.operating_cash_paths(revenue, online_average, 0.7, 1.45e6)
    assert np.allclose(cheap - dear, online_average * 1.45e6 / 4)
    base, costly = _paths(), _paths(hosting_fee_per_mw_year=3e6)
    assert np.all(costly.operating_cash < base.operating_cash)
    assert costly.borrowed.max() > base.borrowed.max()


def test_a_partner_delay_defers_revenue_and_capex():
    on_time, late = _paths(partner_slip=0.0), _paths(partner_slip=4.0)
    assert late.revenue[0, :6].sum() < on_time.revenue[0, :6].sum()
    assert late.capex[0, :4].sum() < on_time.capex[0, :4].sum()
    assert late.online[0, -1] == pytest.approx(on_time.online[0, -1])


def test_capacity_and_money_by_hand():
    paths = _paths(
        backlog_conversion=1.0,
        partner_slip=0.0,
        build_pace_mw=200.0,
        capex_per_mw=30e6,
        price_decline=0.0,
        useful_life_years=30.0,
    )
    start = _start()
    reported, latest = len(start.reported_mw), start.reported_mw[-1]
    partner_per_quarter = start.partner_mw / start.partner_quarters
    assert paths.online[0, reported] == pytest.approx(latest + 200 + partner_per_quarter)
    # Capex pays one quarter ahead for what comes into service in the next quarter.
    assert paths.capex[0, reported - 1] == pytest.approx((200 + partner_per_quarter) * 30e6)
    assert paths.online[0, -1] == pytest.approx(start.contracted_mw)
    # Everything from the second quarter's additions on is paid inside the horizon.
    assert paths.capex.sum() == pytest.approx((start.contracted_mw - paths.online[0, 0]) * 30e6)
    average = (start.active_mw + paths.online[0, 0]) / 2
    # With no price fall every MW earns the starting price, contracted or not.
    assert paths.revenue[0, 0] == pytest.approx(average * _centre()["revenue_per_mw_year"] / 4)
    margin = _centre()["ebitda_margin"] + start.hosting_fee_per_mw_year / _centre()["revenue_per_mw_year"]
    assert paths.operating_cash[0, 0] == pytest.approx(
        paths.revenue[0, 0] * margin - average * start.hosting_fee_per_mw_year / 4
    )


def test_debt_service_is_the_all_debt_schedule_and_moves_with_sofr():
    """The debt is the latest stack's (2025-12-31): its service, linear in SOFR, with nothing drawn after its date."""
    schedules = credit.latest_schedules(shared_ledger(), [0.0, 0.013])
    service = sum(s.debt_service for s in schedules)
    assert np.array_equal(_start().debt.base, service[0])
    assert np.allclose(_start().debt.service(0.013)[0], service[1], atol=1.0)
    assert not _start().debt.proceeds.any()
    assert np.allclose(_start().scheduled_debt, sum(s.closing for s in schedules))
    flat = _paths(sofr=_start().sofr_reference + 0.013, sofr_drift=0.0)
    assert np.allclose(flat.scheduled_service[0], service[1], atol=1.0)


def test_financing_keeps_cash_at_its_floor_and_draws_committed_facilities_first():
    paths = _paths()
    assert np.all(paths.cash >= _start().minimum_cash - 1e-3)
    borrowed = paths.borrowed[0]
    assert borrowed.max() > _start().committed_amount  # the build-out needs more than what is committed
    assert np.all(paths.committed_drawn[0] == np.minimum(borrowed, _start().committed_amount))
    # Net cash identity: cash - borrowing follows the flows less the interest on borrowing.
    net = _start().cash + np.cumsum(paths.before_financing[0] - paths.interest_on_borrowing[0])
    assert np.allclose(paths.cash[0] - borrowed, net, atol=1e-3)
    # Interest by hand on the quarter after the first borrowing.
    t = int(np.argmax(borrowed > 0)) + 1
    rate = (_centre()["sofr"] + _centre()["sofr_drift"] * (t - 0.5) / 4 + _start().committed_margin) / 4
    owed = borrowed[t - 1]
    expected = (
        min(owed, _start().committed_amount) * rate
        + max(owed - _start().committed_amount, 0) * _centre()["new_debt_rate"] / 4
    )
    assert paths.interest_on_borrowing[0, t] == pytest.approx(expected)


def test_without_a_build_out_nothing_needs_to_be_borrowed_for_it():
    none = _paths(backlog_conversion=0.0, useful_life_years=30.0)
    reported = len(_start().reported_mw)
    assert none.capex[0, reported - 1 :].sum() == 0
    assert none.borrowed.max() < _paths().borrowed.max() / 4


@settings(max_examples=25, deadline=None)
@given(st.floats(0.0, 0.15), st.floats(0.0, 0.15))
def test_a_faster_price_fall_never_lowers_the_need(low, high):
    low, high = sorted((low, high))
    assert _paths(price_decline=high).borrowed.max() >= _paths(price_decline=low).borrowed.max() - 1e-3


def test_every_range_has_its_reason_and_its_facts_are_in_the_ledger():
    for u in _uncertain().values():
        assert u.rationale and u.low <= u.high
        assert all(f in shared_ledger().facts for f in u.facts)
        assert u.name in sweep.REGISTERED


def test_central_case_defaults_sit_inside_the_sweep_ranges():
    from runthenumbers.parameters import for_notebook

    for name, parameter in for_notebook("uncertainty").items():
        if name in _uncertain():
            assert _uncertain()[name].low <= parameter.default <= _uncertain()[name].high, name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(low=2.0, high=1.0), "sweep input revenue_per_mw_year: low 2 is above high 1"),
        (dict(low=-5.0), "revenue_per_mw_year = -5.0 is outside the allowed range 1 to 1e+09"),
        (dict(kind="triangular"), "needs a mode"),
        (dict(kind="triangular", mode=1e12), "the mode 1e+12 is outside"),
        (dict(kind="lognormal"), "unknown distribution 'lognormal'"),
    ],
)
def test_ranges_are_checked_before_sampling(change, message):
    from dataclasses import replace

    bad = {**_uncertain(), "revenue_per_mw_year": replace(_uncertain()["revenue_per_mw_year"], **change)}
    with pytest.raises(sweep.SweepError, match=message.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        sweep.run(_start(), bad, 10, seed=1)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("backlog_conversion", 1.5, "backlog_conversion = 1.5 is outside the allowed range 0 to 1"),
        ("capex_per_mw", -1.0, "capex_per_mw = -1.0 is outside the allowed range"),
        ("build_pace_mw", -10.0, "build_pace_mw = -10.0 is outside the allowed range"),
        ("new_debt_rate", -0.01, "new_debt_rate = -0.01 is outside the allowed range"),
    ],
)
def test_shares_prices_and_capacities_outside_their_range_are_refused(name, value, message):
    with pytest.raises(sweep.SweepError, match=message):
        sweep.override(_uncertain(), [f"{name}=fixed:{value}"])


def test_bounds_are_read_as_typed_and_a_bad_one_is_echoed_as_typed():
    varied = sweep.override(_uncertain(), ["sofr=uniform:3%:6%", "backlog_conversion=triangular:0.5:70%:0.9"])
    assert (varied["sofr"].low, varied["sofr"].high) == (0.03, 0.06)
    assert (varied["backlog_conversion"].low, varied["backlog_conversion"].mode) == (0.5, 0.7)
    with pytest.raises(sweep.SweepError) as caught:
        sweep.override(_uncertain(), ["sofr=uniform:3%:50%"])
    assert str(caught.value) == "'sofr=uniform:3%:50%': sofr = 50% is outside the allowed range 0% to 20%"
    with pytest.raises(sweep.SweepError) as caught:
        sweep.override(_uncertain(), ["sofr=uniform:3%:x%"])
    assert str(caught.value) == "'sofr=uniform:3%:x%': bounds must be numbers, as in sofr=uniform:LOW:HIGH"


def test_the_same_seed_gives_the_same_results_and_another_seed_does_not():
    first = sweep.summarise(sweep.run(_start(), _uncertain(), 20_000, seed=11))
    again = sweep.summarise(sweep.run(_start(), _uncertain(), 20_000, seed=11))
    other = sweep.summarise(sweep.run(_start(), _uncertain(), 20_000, seed=12))
    assert json.dumps(first) == json.dumps(again)
    assert first != other


def test_scenarios_are_drawn_in_bounded_chunks_that_do_not_depend_on_the_total(monkeypatch):
    sizes = []
    original = sweep.evaluate
    monkeypatch.setattr(
        sweep, "evaluate", lambda start, draws: sizes.append(len(draws["sofr"])) or original(start, draws)
    )
    big = sweep.run(_start(), _uncertain(), 2 * sweep.CHUNK + 5, seed=3)
    assert max(sizes) == sweep.CHUNK and sum(sizes) == 2 * sweep.CHUNK + 5
    small = sweep.run(_start(), _uncertain(), sweep.CHUNK, seed=3)
    assert np.array_equal(big["peak_need"][: sweep.CHUNK], small["peak_need"])


def test_ratios_use_the_same_years_revenue_and_operating_cash():
    results = sweep.run(_start(), _uncertain(), 2_000, seed=2)
    generator = np.random.Generator(np.random.PCG64(np.random.SeedSequence(2).spawn(1)[0]))
    draws = {n: u.draw(generator, 2_000) for n, u in _uncertain().items()}
    paths = funding_paths(_start(), **draws)
    in_2026 = HORIZON.years == 2026
    service = paths.debt_service[:, in_2026].sum(axis=1)
    assert np.allclose(results["service_to_revenue"], service / paths.revenue[:, in_2026].sum(axis=1))
    assert np.allclose(results["service_to_operating_cash"], service / paths.operating_cash[:, in_2026].sum(axis=1))


def test_distributions_map_the_unit_interval_onto_their_range():
    uniform = sweep.Uncertain("x", "uniform", 2.0, 4.0, "u", "test")
    triangular = sweep.Uncertain("x", "triangular", 0.0, 1.0, "u", "test", mode=0.5)
    whole = sweep.Uncertain("x", "uniform", 0, 7, "u", "test", whole=True)
    u = np.array([0.0, 0.5, 0.999999])
    assert uniform.from_unit(u).tolist() == pytest.approx([2.0, 3.0, 4.0], abs=1e-5)
    assert triangular.from_unit(np.array([0.5]))[0] == pytest.approx(0.5)
    assert whole.from_unit(u).tolist() == [0.0, 3.0, 6.0]


def _ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


@pytest.mark.slow
def test_the_sobol_estimator_matches_salib_on_the_ishigami_function():
    from SALib.analyze import sobol as salib_sobol
    from SALib.sample import sobol as salib_sample

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    design = salib_sample.sample(problem, 2**14, calc_second_order=False, seed=7)
    reference = salib_sobol.analyze(problem, _ishigami(design), calc_second_order=False, seed=7)
    first, total = sweep.sobol_estimates(lambda u: _ishigami(-np.pi + 2 * np.pi * u), 3, 2**16, seed=7)
    assert np.allclose(first, reference["S1"], atol=0.02)
    assert np.allclose(total, reference["ST"], atol=0.02)
    # And the analytical values (Ishigami and Homma 1990): S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
    assert np.allclose(first, [0.3139, 0.4424, 0.0], atol=0.02)
    assert np.allclose(total, [0.5576, 0.4424, 0.2437], atol=0.02)


def test_one_varying_input_explains_all_the_variance():
    fixed = [f"{name}=fixed:{u.low}" for name, u in _uncertain().items() if name != "capex_per_mw"]
    inputs = sweep.override(_uncertain(), fixed)
    indices = sweep.sobol_indices(_start(), inputs, base_samples=2000, seed=5)
    assert list(indices) == ["capex_per_mw"]
    assert indices["capex_per_mw"]["first_order"] == pytest.approx(1.0, abs=0.05)
    assert indices["capex_per_mw"]["total"] == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--samples", "0"], "error: --samples = 0 is not a positive whole number; allowed: 1 or more"),
        (["--samples", "-5"], "error: --samples = -5 is not a positive whole number; allowed: 1 or more"),
        (
            ["--samples", "10", "--vary", "sofr=lognormal:0:1"],
            "error: unknown distribution 'lognormal' for sofr; distributions: uniform, triangular, fixed",
        ),
        (["--samples", "10", "--vary", "sofr_level=uniform:0:1"], "error: unknown input 'sofr_level'; inputs: sofr, "),
        (
            ["--samples", "10", "--vary", "sofr=uniform:0.05:0.01"],
            "error: 'sofr=uniform:0.05:0.01' is not of the form sofr=uniform:LOW:HIGH with LOW <= HIGH",
        ),
        (
            ["--samples", "10", "--vary", "sofr=triangular:0.01:0.05"],
            "error: 'sofr=triangular:0.01:0.05': a triangular distribution needs a mode",
        ),
        (
            ["--samples", "10", "--deadline", "2032-Q1"],
            "error: --deadline = '2032-Q1' is not a quarter from 2026-Q1 to 2031-Q4",
        ),
    ],
)
def test_bad_requests_are_refused_with_what_is_allowed(args, message):
    result = CliRunner().invoke(main, ["sweep", *args])
    assert result.exit_code == 2
    assert result.output.startswith(message)


def test_sweep_json_and_out_file(tmp_path):
    out_a, out_b = tmp_path / "a.json", tmp_path / "b.json"
    first = CliRunner().invoke(
        main, ["sweep", "--samples", "5000", "--seed", "4", "--format", "json", "--out", str(out_a)]
    )
    CliRunner().invoke(main, ["sweep", "--samples", "5000", "--seed", "4", "--out", str(out_b)])
    record = json.loads(first.output)
    assert (
        set(record) == {"samples", "seed", "seconds", "results"} and record["samples"] == 5000 and record["seed"] == 4
    )
    assert out_a.read_bytes() == out_b.read_bytes()
    assert json.loads(out_a.read_text())["results"] == record["results"]
    assert len(record["results"]["annual_debt_service_usd"]) == len(HORIZON.calendar_years) == 6
    assert len(HORIZON) == 24


# --- refusals and bounded memory ------------------------------------------------------------------------


def _nan_results(tmp, monkeypatch):
    original = sweep.evaluate

    def broken(start, draws):
        results = original(start, draws)
        results["peak_need"][0] = np.nan
        return results

    monkeypatch.setattr(sweep, "evaluate", broken)


CASES = [
    # A sweep whose scenarios give a NaN or infinite figure is refused rather than summarised.
    Case("sweep-nan-result", SWEEP, 2, "are not finite (NaN or infinite); no summary is given", setup=_nan_results),
]


@table(CASES)
def test_hostile_input_is_refused_with_a_message(case, tmp_path, monkeypatch):
    check(case, tmp_path, monkeypatch)


def test_a_non_finite_summary_is_refused():
    results = {
        "annual_debt_service": np.ones((3, 7)),
        "peak_need": np.array([1.0, np.nan, 2.0]),
        "service_to_revenue": np.ones(3),
        "service_to_operating_cash": np.ones(3),
        "committed_share": np.ones(3),
        "peak_quarter": np.array([-1, -1, -1]),
        "short_without_financing": np.array([-1, -1, -1]),
    }
    with pytest.raises(sweep.SweepError, match="1 scenario value"):
        sweep.summarise(results)


# Peak resident memory of the measuring process. ru_maxrss would carry over the RSS of the pytest
# process it was forked from (Linux keeps the high-water mark across exec); VmHWM belongs to the new
# program's own memory map, so it starts from zero.
MEASURE = """
import json, sys
from runthenumbers import sweep
from runthenumbers.data import load_ledger
from runthenumbers.liquidity import FundingStart

def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024

ledger = load_ledger()
start = FundingStart.from_ledger(ledger)
inputs = sweep.registry(ledger)
before = peak_mb()
summary = sweep.stream_summary(start, inputs, int(sys.argv[1]), seed=1)
peak = peak_mb()
print(json.dumps({"peak_mb": peak, "sweep_mb": peak - before}))
"""


def _peak(samples: int) -> dict:
    result = subprocess.run([sys.executable, "-c", MEASURE, str(samples)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.slow
def test_sweep_memory_is_bounded_at_a_million_and_ten_million_scenarios():
    million, ten_million = _peak(1_000_000), _peak(10_000_000)
    print(f"peak RSS: 1e6 {million['peak_mb']:.0f} MB, 1e7 {ten_million['peak_mb']:.0f} MB")
    # A fixed-size sketch of the kept figures plus one chunk's working arrays: flat in the number of scenarios.
    assert million["peak_mb"] < 500
    assert million["sweep_mb"] < 200
    assert ten_million["sweep_mb"] < million["sweep_mb"] + 50
    assert ten_million["peak_mb"] < 500


def _numbers(tree, path=""):
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _numbers(value, f"{path}/{key}")
    elif isinstance(tree, list) and tree and all(isinstance(v, (int, float)) or v is None for v in tree):
        yield path, tree
    else:
        yield path, tree


def test_stream_summary_agrees_with_the_full_summary():
    """The streaming sketch's quantiles are within about 2e-4 of each figure's size of the exact ones; the rest is equal."""
    full = sweep.summarise(sweep.run(_start(), _uncertain(), 60_000, seed=5))
    streamed = sweep.stream_summary(_start(), _uncertain(), 60_000, seed=5)
    exact, sketched = dict(_numbers(full)), dict(_numbers(streamed))
    assert exact.keys() == sketched.keys()
    for path, values in exact.items():
        if isinstance(values, list) and values and isinstance(values[0], (int, float)) and "quantiles" not in path:
            size = max(abs(v) for v in values) or 1.0
            assert sketched[path] == pytest.approx(values, abs=2e-4 * size + 1e-3), path
        else:
            assert sketched[path] == values, path
