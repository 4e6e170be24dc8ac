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
        "value": value,
        "formula": "FY2024 revenue, USD millions",
        "facts": ["cw_revenue_fy2024"],
    }


def test_fact_refuses_an_unknown_id(glued):
    with pytest.raises(KeyError, match="no fact 'cw_revenue_fy1999'"):
        publish.fact("x", "cw_revenue_fy1999")


@pytest.mark.parametrize(("checked_bn", "verdict"), [(7.9, "supported"), (9.5, "roughly"), (4.0, "contradicted")])
def test_check_glues_the_ledgers_verdict_under_the_claim_id(glued, checked_bn, verdict):
    # D1a: "about $8B of debt" against debt:total_principal_bn, within 5% (data/claims.csv).
    publish.number("total_principal_bn", checked_bn)
    assert publish.check("D1a") == verdict
    assert glued["d1a_verdict"] == verdict
    assert "supported within 5%" in publish.provenance().derivations["d1a_verdict"]["formula"]


def test_check_refuses_a_chapter_value_not_yet_published(glued):
    with pytest.raises(
        KeyError, match="claim D1a is checked against 'debt:total_principal_bn', which this page has not published yet"
    ):
        publish.check("D1a")


def test_a_typed_verdict_is_glued_as_written(glued):
    assert publish.check("G7") == "unverifiable"
    assert glued["g7_verdict"] == "unverifiable"
