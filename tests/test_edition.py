"""The edition: its name and the previous edition's commit in _config.yml, and the page of what changed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from runthenumbers import diff
from runthenumbers.data import REPO_ROOT


def _has_commit(commit: str) -> bool:
    result = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True
    )
    return result.returncode == 0


def test_the_book_names_its_edition_and_the_first_edition_s_commit():
    named = diff.edition(REPO_ROOT)
    assert named == diff.Edition("2026-Q1 edition", "023f65f")


def test_an_edition_without_its_previous_commit_is_refused_naming_the_field(tmp_path: Path):
    (tmp_path / "_config.yml").write_text('edition:\n  name: "2026-Q1 edition"\n', encoding="utf-8")
    with pytest.raises(diff.DiffError) as raised:
        diff.edition(tmp_path)
    assert raised.value.message == (
        "_config.yml: edition needs previous (the edition's name, the previous edition's commit)"
    )
    (tmp_path / "_config.yml").write_text("title: x\n", encoding="utf-8")
    with pytest.raises(diff.DiffError, match="edition needs name and previous"):
        diff.edition(tmp_path)


@pytest.mark.skipif(not _has_commit("023f65f"), reason="a shallow clone: the first edition's commit is not in it")
def test_the_edition_page_is_what_make_pages_writes_from_the_diff():
    """book/changes.md is written by 'make pages' (so 'make book' needs no history); it must be up to date."""
    written = (REPO_ROOT / diff.EDITION_PAGE).read_text(encoding="utf-8")
    assert written == diff.edition_markdown(REPO_ROOT), "book/changes.md is stale: run 'make pages'"
    assert "# What changed in this edition" in written and "**2026-Q1 edition**" in written
    for heading in (
        "## Headline numbers that moved",
        "## Verdicts that changed",
        "## Facts replaced by better sources",
    ):
        assert heading in written


def test_a_fact_moved_to_a_better_source_or_given_a_primary_twin_is_listed():
    def snap(facts, sources):
        return diff.Snapshot(name="x", commit=None, ledgers={"facts": facts, "sources": sources, "claims": {}})

    sources = {
        "blog": {"kind": "analysis"},
        "tenq": {"kind": "filing"},
        "call": {"kind": "transcript"},
    }
    base = snap(
        {
            "a": {"source": "blog", "period": "FY2024", "metric": ""},
            "b": {"source": "blog", "period": "FY2024", "metric": ""},
            "c": {"source": "tenq", "period": "FY2024", "metric": ""},
        },
        sources,
    )
    head = snap(
        {
            "a": {"source": "tenq", "period": "FY2024", "metric": ""},
            "b": {"source": "blog", "period": "FY2024", "metric": ""},
            "b_call": {"source": "call", "period": "FY2024", "metric": "b"},
            "c": {"source": "tenq", "period": "FY2024", "metric": ""},
        },
        sources,
    )
    assert diff.better_sources(base, head) == [
        {"fact": "a", "before": "blog (analysis)", "after": "tenq (filing)", "how": "source replaced"},
        {"fact": "b", "before": "blog (analysis)", "after": "b_call: call (transcript)", "how": "primary twin added"},
    ]
