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


def test_a_number_that_says_why_it_has_no_facts_is_stated_not_a_gap():
    ledger = load_ledger()
    numbers = {
        "a_stress_case": {"value": 0.5, "facts": [], "basis": "assumption"},
        "a_tally": {"value": 12.0, "facts": [], "basis": "count"},
        "a_gap": {"value": 4.0, "facts": []},
        "from_a_filing": {"value": 1.0, "facts": ["debt_total_principal_2024q4"]},
    }
    page = quality.classify("debt", "Debt", numbers, ledger)
    assert page.stated == {"a_stress_case": "assumption", "a_tally": "count"}
    assert page.no_facts == ["a_gap"] and page.published == 4 and page.graded == 1
    assert quality.no_facts_share([page]) == 0.25


def test_publish_refuses_an_unknown_basis_and_a_basis_beside_facts():
    import pytest

    from runthenumbers import publish

    with pytest.raises(ValueError, match="basis 'guess' is not one of assumption, count, model"):
        publish.number("x_unknown_basis", 1.0, basis="guess")
    with pytest.raises(ValueError, match="a value with ledger facts has no basis"):
        publish.number("x_basis_and_facts", 1.0, facts=["cw_revenue_fy2024"], basis="count")


def test_the_home_page_the_summary_and_the_method_page_write_the_share_through_one_owner():
    """The share is written by {rtn-primary-share} (runthenumbers.quality.book_share), never typed."""
    from runthenumbers.data import REPO_ROOT
    from runthenumbers.site.confidence import share_of

    for page in ("book/intro.md", "notebooks/summary.md", "book/method.md"):
        assert "{rtn-primary-share}`all`" in (REPO_ROOT / page).read_text(encoding="utf-8"), page
    assert share_of("all") == quality.book_share() == f"{quality.overall_share(quality.source_quality()):.0%}"


def test_a_page_badge_gives_the_page_s_own_share_and_count():
    from runthenumbers.site.confidence import badge_html

    page = quality.PageQuality("capex", "Capex", primary=["a", "b", "c"], secondary={"d": ["x (news)"]})
    assert "<strong>75%</strong> of this page's 4 numbers rest on primary sources" in badge_html(page)
    assert badge_html(quality.PageQuality("empty", "Empty")) == ""


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
