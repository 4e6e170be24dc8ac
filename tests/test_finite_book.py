"""Every allowed input gives a finite book (issue 28; hostile review 3, P1 to P10 and V1).

Over the whole declared input space, each chapter's model code completes and every value it publishes is
a finite number, or the inputs are refused before anything runs, by a range or a rule between inputs,
with a one-line message. The chapters' code runs in this process (``chapter_code.run_chapter``: every
code cell of the notebook's ``.md``, the inputs assigned after the parameters cell as papermill does),
which takes under a second a chapter where a kernel takes ten.

- ``test_every_input_at_each_end_of_its_range_runs_or_is_refused``: each parameter alone at its minimum and
  at its maximum, in every chapter it feeds (the review's 84-run sweep, P1 to P10).
- ``test_any_inputs_in_their_ranges_give_a_finite_chapter``: the hypothesis property. For each chapter,
  every one of its parameters at once is drawn from its range: either end, its default, or anywhere
  between (a date: any day from the contract's signing to the end of its term). Bounded examples.
- ``test_sweep_at_every_bound_is_finite``: ``runthenumbers sweep`` with each uncertain input fixed at each
  end of its range, and with all of them at their minimum and at their maximum.
- ``test_capex_at_its_bounds_runs_with_a_kernel``: ``runthenumbers run`` itself, with kernels, at the
  bounds that crashed the capex chapter or published inf (P3, P10).
"""

from __future__ import annotations

import datetime
import json
import math

import pytest
from chapter_code import not_finite, run_chapter
from click.testing import CliRunner
from conftest import shared_ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runthenumbers import sweep
from runthenumbers.cli import main
from runthenumbers.parameters import DECLARED, REGISTRY, ParameterError, for_notebook, resolve

CHAPTERS = sorted({n for p in DECLARED.values() for n in p.notebooks})
BOUNDS = [
    pytest.param(notebook, name, end, id=f"{notebook}-{name}-{end}")
    for name, parameter in DECLARED.items()
    for notebook in parameter.notebooks
    for end in ("min", "max")
]


def _run_or_refused(notebook: str, given: dict) -> dict | None:
    """The chapter's published values for ``given``, or None when the inputs are refused before it runs
    (then with a one-line message)."""
    try:
        resolve(notebook, given, shared_ledger())
    except ParameterError as refused:
        assert "\n" not in str(refused) and str(refused)
        return None
    published = run_chapter(notebook, given)
    assert not_finite(published) == {}, (notebook, given)
    return published


@pytest.mark.slow
@pytest.mark.parametrize(("notebook", "name", "end"), BOUNDS)
def test_every_input_at_each_end_of_its_range_runs_or_is_refused(notebook, name, end):
    parameter = DECLARED[name]
    value = parameter.kind(parameter.minimum if end == "min" else parameter.maximum)
    _run_or_refused(notebook, {name: value})


def _value(parameter) -> st.SearchStrategy:
    """Any value of ``parameter``'s range: either end, the default (None), or one between."""
    if parameter.is_date:
        # The dates the rules allow: from the contract's signing to the end of its twelve-year term.
        days = st.dates(datetime.date(2024, 6, 3), datetime.date(2036, 6, 3))
        return st.one_of(st.none(), days.map(lambda d: d.year * 10_000 + d.month * 100 + d.day))
    low, high = parameter.minimum, parameter.maximum
    if parameter.kind is int:
        between = st.integers(int(math.ceil(low)), int(math.floor(high)))
        ends = st.sampled_from([int(math.ceil(low)), int(math.floor(high))])
    else:
        between = st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)
        ends = st.sampled_from([float(low), float(high)])
    return st.one_of(st.none(), ends, between)


@st.composite
def _inputs(draw, notebook: str) -> dict:
    drawn = {name: draw(_value(p)) for name, p in for_notebook(notebook).items()}
    return {name: value for name, value in drawn.items() if value is not None}


@pytest.mark.slow
@pytest.mark.parametrize("notebook", CHAPTERS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(data=st.data())
def test_any_inputs_in_their_ranges_give_a_finite_chapter(notebook, data):
    _run_or_refused(notebook, data.draw(_inputs(notebook), label="inputs"))


def _finite(value) -> bool:
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, str):  # results.json writes a value it cannot hold as a number as a string: 'inf'
        return value.strip().lower() not in ("inf", "-inf", "+inf", "nan", "infinity", "-infinity")
    return not isinstance(value, float) or math.isfinite(value)


SWEEP_BOUNDS = [
    pytest.param([f"{name}=fixed:{getattr(REGISTRY[name], end)!r}"], id=f"{name}-{end[:3]}")
    for name in sweep.REGISTERED
    for end in ("minimum", "maximum")
] + [
    pytest.param([f"{name}=fixed:{getattr(REGISTRY[name], end)!r}" for name in sweep.REGISTERED], id=f"all-{end[:3]}")
    for end in ("minimum", "maximum")
]


@pytest.mark.slow
@pytest.mark.parametrize("varied", SWEEP_BOUNDS)
def test_sweep_at_every_bound_is_finite(varied):
    arguments = ["sweep", "--samples", "200", "--format", "json"] + [a for v in varied for a in ("--vary", v)]
    result = CliRunner().invoke(main, arguments)
    if result.exit_code == 2:  # refused before drawing, with one line
        assert len(result.output.strip().splitlines()) == 1
        return
    assert result.exit_code == 0, result.output[-2000:]
    assert _finite(json.loads(result.stdout))


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ["capex_per_gpu=1000000", "rental_price=0"])
def test_capex_at_its_bounds_runs_with_a_kernel(assignment, tmp_path):
    """P3 (an IndexError in cell 18) and P10 ('pays back in inf years'), through the real runner."""
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["run", "--set", assignment, "--notebooks", "capex", "--no-site", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output[-2000:]
    values = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert _finite(values)
