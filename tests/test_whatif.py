"""The debt chapter's what-if chart: an exact closed form whose sliders start at the chapter's values."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runthenumbers.data import REPO_ROOT
from runthenumbers.debt import annual_debt_service, two_loans
from runthenumbers.debt_surface import evaluate_surface, surface_by_year
from runthenumbers.values import baseline_values


@pytest.fixture(scope="module")
def surface(debt_inputs, terms):
    return surface_by_year(debt_inputs, terms)


def _model(inputs, terms, sofr, drawn, rate):
    return annual_debt_service(*two_loans(inputs, terms, sofr=sofr, ddtl2_drawn=drawn, ddtl2_rate=rate))[0]


def test_the_surface_reproduces_the_model_at_the_chapters_inputs(surface, debt_inputs, terms):
    p = debt_inputs
    rate = p["sofr"] + p["ddtl2_margin"]
    assert np.allclose(
        evaluate_surface(surface, p["sofr"], p["ddtl2_drawn"], rate),
        _model(p, terms, p["sofr"], p["ddtl2_drawn"], rate),
        rtol=0,
        atol=1.0,
    )


@settings(max_examples=25, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=0.08),
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.05, max_value=0.12),
)
def test_the_surface_is_exact_anywhere_in_the_slider_ranges(surface, debt_inputs, terms, sofr, share, rate):
    drawn = terms.ddtl2_balance + share * (terms.ddtl2_facility_size - terms.ddtl2_balance)
    assert np.allclose(
        evaluate_surface(surface, sofr, drawn, rate), _model(debt_inputs, terms, sofr, drawn, rate), rtol=0, atol=1.0
    )


def _what_if_spec() -> dict:
    notebook = json.loads((REPO_ROOT / "notebooks" / "debt.ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            html = "".join(output.get("data", {}).get("text/html", ""))
            if "What if: " in html and "rtn-chart-spec" in html:
                return json.loads(re.search(r'class="rtn-chart-spec">(.*?)</script>', html, re.S).group(1))
    raise AssertionError("the debt notebook has no what-if chart")


def test_the_sliders_start_at_the_chapters_values(debt_inputs):
    P = debt_inputs
    spec = _what_if_spec()
    params = {p["name"]: p for p in spec["params"]}
    assert params["sofr"]["value"] == P["sofr"]
    assert params["drawn_m"]["value"] == P["ddtl2_drawn"] / 1e6
    assert params["ddtl2_rate"]["value"] == P["sofr"] + P["ddtl2_margin"]
    assert params["sofr"]["bind"]["input"] == "range"


def test_the_starting_bars_equal_the_chapters_published_debt_service(surface, debt_inputs):
    P = debt_inputs
    published = baseline_values(["debt"])["debt"]
    service = evaluate_surface(surface, P["sofr"], P["ddtl2_drawn"], P["sofr"] + P["ddtl2_margin"]) / 1e9
    assert service[1] == pytest.approx(published["base_2026_bn"], abs=1e-9)
    assert service[2] == pytest.approx(published["base_2027_bn"], abs=1e-9)
