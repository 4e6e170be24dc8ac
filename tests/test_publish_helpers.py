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
    assert publish.check("G5a") == "unverifiable"
    assert glued["g5a_verdict"] == "unverifiable"


def derivations_unit(module, name: str) -> str:
    return module.provenance().derivations[name].get("unit", "")


def test_reuse_glues_another_page_s_value_with_that_page_s_provenance(glued, tmp_path):
    from published_pages import write_page

    from runthenumbers import values

    schedule = [f"debt_fact_{i}" for i in range(24)]
    write_page(
        tmp_path,
        "credit",
        {
            "service_2026_bn": {
                "value": 5.25,
                "formula": "principal + interest of all debt in 2026",
                "facts": schedule,
            },
            "latest_quarter": {"value": "2025-Q3", "formula": "latest reported quarter", "facts": []},
        },
    )
    read = values.Reader("summary", tmp_path)
    assert publish.reuse(read, "credit", "service_2026_bn", as_name="all_service_2026_bn") == 5.25
    assert publish.reuse(read, "credit", "latest_quarter") == "2025-Q3"
    assert glued == {"all_service_2026_bn": (5.25, ""), "latest_quarter": "2025-Q3"}
    derivations = publish.provenance().derivations
    assert derivations["all_service_2026_bn"] == {
        "value": 5.25,
        "formula": "credit page: principal + interest of all debt in 2026",
        "facts": schedule,
        "from": "credit:service_2026_bn",
    }
    assert derivations["latest_quarter"]["from"] == "credit:latest_quarter"
    # A value published with its unit is republished with it, so {glue:text} writes it the same way.
    write_page(
        tmp_path,
        "concentration",
        {"ms_share_2024": {"value": 0.62, "formula": "", "facts": ["cw_microsoft_share_fy2024"], "unit": "fraction"}},
    )
    assert publish.reuse(read, "concentration", "ms_share_2024", as_name="ms_share") == 0.62
    assert glued["ms_share"] == (0.62, "fraction") and derivations_unit(publish, "ms_share") == "fraction"
    html = publish.provenance().to_html()
    assert '<a href="rtn-root/notebooks/credit.html#num-service_2026_bn">credit:service_2026_bn</a>: ' in html
    assert publish.provenance()._repr_mimebundle_()[values.PROVENANCE_MIME]["all_service_2026_bn"]["facts"] == schedule


def test_reuse_refuses_a_page_the_reader_does_not_declare(glued, tmp_path):
    from published_pages import write_page

    from runthenumbers import values

    write_page(tmp_path, "debt", {"base_2026_bn": {"value": 2.0, "formula": "", "facts": []}})
    with pytest.raises(values.UndeclaredRead, match="after reads the values of debt"):
        publish.reuse(values.Reader("after", tmp_path), "debt", "base_2026_bn")
    assert glued == {}


def test_the_summary_republishes_the_chapters_values_with_all_their_facts():
    """summary.md once listed 3 facts for all_service_2026_bn where the credit page lists the schedule's."""
    from runthenumbers import values

    summary = values.Reader("method").provenance("summary")
    reused = {name: how for name, how in summary.items() if "from" in how}
    assert len(reused) >= 27
    for name, how in reused.items():
        page, _, original = how["from"].partition(":")
        assert how["facts"] == values.Reader("method").provenance(page)[original]["facts"], name
    assert len(summary["all_service_2026_bn"]["facts"]) > 3


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
    # The whole derivation, formula included: publish.reuse on another page copies it (runthenumbers.values).
    assert payload["revenue"] == {"value": 1.9154e9, "formula": "", "facts": ["cw_revenue_fy2024"], "unit": "USD"}
    assert payload["legacy_m"] == {"value": 1177.725, "formula": "", "facts": []}
