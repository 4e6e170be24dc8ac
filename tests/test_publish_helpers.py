"""publish.fact writes a ledger figure's id once; publish.number records a value's unit; publish.check glues a
claim's verdict and difference by its id; the provenance table writes each value in its unit."""

from __future__ import annotations

import pytest

from runthenumbers import publish


@pytest.fixture
def glued(monkeypatch):
    found = {}
    monkeypatch.setattr(publish, "glue", lambda name, value, display=False: found.__setitem__(name, value))
    monkeypatch.setattr(publish, "_glue", lambda name, value, unit="": found.__setitem__(name, (value, unit)))
    monkeypatch.setattr(publish, "_DERIVATIONS", {})
    return found


def test_fact_glues_the_ledger_value_scaled_with_its_provenance(glued, ledger):
    value = publish.fact("revenue_m", "cw_revenue_fy2024", scale=1e6, formula="FY2024 revenue, USD millions")
    assert (value, "") == (ledger.value("cw_revenue_fy2024") / 1e6, "") == glued["revenue_m"]
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
    publish.number("total_principal_bn", checked_bn, facts=["debt_ddtl1_balance_2024q4"])
    assert publish.check("D1a") == verdict
    assert glued["d1a_verdict"] == verdict
    assert "supported within 5%" in publish.provenance().derivations["d1a_verdict"]["formula"]
    # The claim's difference is glued beside its verdict, from the same figures: (article − checked) / checked.
    article = publish.data.cached_ledger().value("article_debt_total")
    assert glued["d1a_difference"] == (pytest.approx((article - checked_bn * 1e9) / (checked_bn * 1e9)), "fraction")
    difference = publish.provenance().derivations["d1a_difference"]
    assert difference["unit"] == "fraction" and difference["formula"] == "D1a: (article − checked) / checked"
    assert difference["facts"] == ["article_debt_total", "debt_ddtl1_balance_2024q4"]


def test_check_refuses_a_chapter_value_not_yet_published(glued):
    with pytest.raises(
        KeyError, match="claim D1a is checked against 'debt:total_principal_bn', which this page has not published yet"
    ):
        publish.check("D1a")


def test_a_typed_verdict_is_glued_as_written(glued):
    assert publish.check("G7") == "unverifiable"
    assert glued["g7_verdict"] == "unverifiable"


def test_a_typed_verdict_has_no_difference(glued):
    publish.check("G7")
    assert "g7_difference" not in glued


def test_an_unscaled_fact_is_glued_with_its_unit(glued, ledger):
    publish.fact("ms_share", "cw_microsoft_share_fy2024")
    assert glued["ms_share"] == (ledger.value("cw_microsoft_share_fy2024"), "fraction")
    assert publish.provenance().derivations["ms_share"]["unit"] == "fraction"


def test_a_number_in_base_units_keeps_its_former_name_working(glued):
    publish.number(
        "revenue", 1.9154e9, unit="USD", formula="FY2024 revenue", facts=["cw_revenue_fy2024"], formerly="revenue_m"
    )
    assert glued["revenue"] == (1.9154e9, "USD")
    assert glued["revenue_m"] == pytest.approx(1915.4)
    former = publish.provenance().derivations["revenue_m"]
    assert former["formula"] == "revenue in USD millions (its former name)" and former["same_as"] == "revenue"
    with pytest.raises(
        ValueError, match="share_m: a former name ends _m or _bn and is of a value in money, not 'fraction'"
    ):
        publish.number("share", 0.5, unit="fraction", formerly="share_m")


def test_the_provenance_table_writes_each_value_in_its_unit(glued):
    publish.number("revenue", 1.9154e9, unit="USD", facts=["cw_revenue_fy2024"])
    publish.number("share", 0.0437, unit="fraction")
    publish.number("legacy_m", 1177.725)
    publish.text("word", "supported")
    table = publish.provenance()
    page = table.to_html()
    for name, shown in (("revenue", "$1.92B"), ("share", "4.37%"), ("legacy_m", "1,177.72"), ("word", "supported")):
        assert f'<tr id="num-{name}"><td><code>{name}</code></td><td>{shown}</td>' in page
    payload = table._repr_mimebundle_()["application/vnd.runthenumbers.provenance+json"]
    assert payload["revenue"] == {"value": 1.9154e9, "facts": ["cw_revenue_fy2024"], "unit": "USD"}
    assert payload["legacy_m"] == {"value": 1177.725, "facts": []}
