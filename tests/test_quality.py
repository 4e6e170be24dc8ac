"""The source-quality panel: how many published numbers rest on primary sources, and a floor under it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from runthenumbers import quality
from runthenumbers.cli import main
from runthenumbers.data import load_ledger


def test_numbers_are_sorted_by_the_kind_of_their_facts():
    ledger = load_ledger()
    numbers = {
        "from_a_filing": {"value": 1.0, "facts": ["debt_total_principal_2024q4", "article_debt_total"]},
        "from_an_aggregator": {"value": 2.0, "facts": ["debt_total_principal_2024q4", "cw_revenue_fy2024"]},
        "the_articles_own": {"value": 3.0, "facts": ["article_debt_total"]},
        "a_count": {"value": 4.0, "facts": []},
        "a_word": {"value": "supported", "facts": ["debt_total_principal_2024q4"]},
    }
    page = quality.classify("debt", "Debt", numbers, ledger)
    assert page.primary == ["from_a_filing"]
    assert page.secondary == {"from_an_aggregator": ["cw_revenue_fy2024 (aggregator)"]}
    assert (page.article_only, page.no_facts) == (["the_articles_own"], ["a_count"])
    assert page.share == 0.5


def test_the_primary_share_does_not_fall_below_its_floor():
    report = quality.source_quality()
    assert {p.page for p in report} >= {"concentration", "debt", "capex", "partner_risk", "summary"}
    assert all(p.graded for p in report if p.page in {"debt", "capex", "partner_risk"})
    assert quality.overall_share(report) >= quality.PRIMARY_SHARE_FLOOR


def test_the_cli_prints_the_panel():
    result = CliRunner().invoke(main, ["facts", "--quality", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[-1]["page"] == "all" and rows[-1]["numbers"] == sum(r["numbers"] for r in rows[:-1])


def test_the_method_page_shows_the_panel():
    from runthenumbers.data import REPO_ROOT

    assert "```{rtn-source-quality}" in (REPO_ROOT / "book" / "method.md").read_text(encoding="utf-8")


def test_the_panel_reads_the_pages_it_is_built_from_a_scenario_s_on_a_scenario_site(tmp_path, monkeypatch):
    """On a scenario's site the panel grades the run's notebooks (the runner names their folder), not the committed ones."""
    from published_pages import write_page

    from runthenumbers import values

    ledger = load_ledger()
    write_page(
        tmp_path,
        "debt",
        {
            "from_a_filing": {"value": 1.0, "formula": "", "facts": ["debt_total_principal_2024q4"]},
            "a_count": {"value": 2.0, "formula": "", "facts": []},
        },
    )
    monkeypatch.setenv(values.PUBLISHED_ENV, str(tmp_path))
    report = quality.source_quality(ledger)
    assert [(p.page, p.title, p.primary, p.no_facts) for p in report] == [
        ("debt", "Debt", ["from_a_filing"], ["a_count"])
    ]


def test_every_page_with_a_notebook_is_graded_with_its_title_from_the_chapters():
    assert quality.pages()[-2:] == [("summary", "The answer in numbers"), ("after", "What happened next")]
    assert [name for name, _ in quality.pages()][:2] == ["concentration", "debt"]
