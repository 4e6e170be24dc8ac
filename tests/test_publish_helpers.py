"""publish.fact writes a ledger figure's id once; publish.check glues a claim's verdict by its id."""

from __future__ import annotations

import pytest

from runthenumbers import publish


@pytest.fixture
def glued(monkeypatch):
    found = {}
    monkeypatch.setattr(publish, "glue", lambda name, value, display=False: found.__setitem__(name, value))
    monkeypatch.setattr(publish, "_DERIVATIONS", {})
    return found


def test_fact_glues_the_ledger_value_scaled_with_its_provenance(glued, ledger):
    value = publish.fact("revenue_m", "cw_revenue_fy2024", scale=1e6, formula="FY2024 revenue, USD millions")
    assert value == ledger.value("cw_revenue_fy2024") / 1e6 == glued["revenue_m"]
    assert publish.provenance().derivations["revenue_m"] == {
        "value": value, "formula": "FY2024 revenue, USD millions", "facts": ["cw_revenue_fy2024"],
    }


def test_fact_refuses_an_unknown_id(glued):
    with pytest.raises(KeyError, match="no fact 'cw_revenue_fy1999'"):
        publish.fact("x", "cw_revenue_fy1999")


@pytest.mark.parametrize(("article", "checked", "verdict"), [(100.0, 102.0, "supported"), (100.0, 150.0, "roughly"), (100.0, 400.0, "contradicted")])
def test_check_glues_the_verdict_under_the_claim_id(glued, article, checked, verdict):
    assert publish.check("D3", article, checked, 0.05, facts=["article_debt_total"]) == verdict
    assert glued["d3_verdict"] == verdict
    assert publish.provenance().derivations["d3_verdict"]["formula"] == "supported within 5%, roughly within a factor of two"
