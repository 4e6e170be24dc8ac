"""One entry per chapter: the toc, the claims sections, the fact routing and the intro follow from it."""

from __future__ import annotations

import dataclasses

import pytest

from runthenumbers import chapters, claims
from runthenumbers.chapters import CHAPTERS, Chapter
from runthenumbers.data import REPO_ROOT

CREDIT = Chapter(
    "credit", "Credit: all of the debt", claim_prefix="R", fact_prefix=("credit",), notebook="notebooks/credit",
    order=5.5, argument=True, fact_title="every loan, note and lease", question="what all of the debt costs to carry.",
)
WITH_CREDIT = (*CHAPTERS, CREDIT)


def test_the_committed_files_are_what_the_chapters_give():
    stale = chapters.stale_files()
    assert stale == [], f"run `make pages`: {[str(p.relative_to(REPO_ROOT)) for p in stale]}"


def test_every_chapter_has_its_hand_written_files():
    assert chapters.missing_files() == []


def test_a_new_chapter_appears_in_the_toc_claims_facts_and_intro():
    toc = chapters.render_toc(WITH_CREDIT)
    assert "      - file: notebooks/credit\n" in toc
    assert "      - file: book/facts-credit\n" in toc
    assert "caption: The five arguments" in toc
    # In its place: after partner risk, before the uncertainty page.
    assert toc.index("notebooks/partner_risk") < toc.index("notebooks/credit") < toc.index("notebooks/uncertainty")
    assert "## Credit: all of the debt\n\n```{rtn-claims} credit\n```" in chapters.render_claims_page(WITH_CREDIT)
    assert "- {doc}`facts-credit`: every loan, note and lease" in chapters.render_facts_index(WITH_CREDIT)
    intro = chapters.render_intro_block(WITH_CREDIT)
    assert "5. {doc}`Credit: all of the debt <../notebooks/credit>`" in intro and "## The five arguments" in intro
    assert chapters.fact_page("credit_bonds_2025", WITH_CREDIT) == "book/facts-credit.html"
    assert chapters.claim_id_pattern(WITH_CREDIT) == r"^[GCDKPRS]\d+$"
    assert chapters.missing_files(chapters=WITH_CREDIT) == [
        "book/facts-credit.md", "notebooks/credit.md", "runthenumbers/parameters/credit.py",
    ]


def test_a_new_chapter_is_accepted_by_the_claims_ledger(monkeypatch, tmp_path):
    monkeypatch.setattr(chapters, "CHAPTERS", WITH_CREDIT)
    row = claims.ClaimRow(id="R1", argument="credit", claim="Debt costs more than it earns.", verdict="opinion",
                          explanation="A judgement.")
    assert row.argument == "credit"
    with pytest.raises(ValueError, match="claim 'D1' is in chapter 'credit', whose claim ids start with 'R'"):
        claims.ClaimRow(id="D1", argument="credit", claim="x", verdict="opinion", explanation="y")


def test_a_claim_outside_every_chapter_is_refused():
    with pytest.raises(ValueError, match="'covenants' is not a chapter with claims"):
        claims.ClaimRow(id="D1", argument="covenants", claim="x", verdict="opinion", explanation="y")


def test_an_unrouted_fact_says_where_to_declare_it():
    with pytest.raises(chapters.UnroutedFact, match="no chapter declares the prefix 'cov' in runthenumbers/chapters.py"):
        chapters.fact_page("cov_interest_cover_2025")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"claim_prefix": "D"}, "share the claim_prefix 'D'"),
        ({"fact_prefix": ("debt",), "fact_page": "credit"}, "a fact prefix is declared twice"),
        ({"name": "debt", "notebook": "notebooks/debt"}, "share the name 'debt'"),
    ],
)
def test_two_chapters_cannot_claim_the_same_key(change, message):
    with pytest.raises(ValueError, match=message):
        chapters.ordered((*CHAPTERS, dataclasses.replace(CREDIT, **change)))


def test_a_chapter_entry_is_checked_when_written():
    with pytest.raises(ValueError, match="notebook must be 'notebooks/credit'"):
        dataclasses.replace(CREDIT, notebook="notebooks/debt")
    with pytest.raises(ValueError, match="one capital letter"):
        dataclasses.replace(CREDIT, claim_prefix="CR")


def test_the_claims_sections_and_parameters_follow_the_chapters():
    from runthenumbers import parameters

    assert claims.ARGUMENTS == ("context", "concentration", "debt", "capex", "partner_risk", "conclusion")
    assert [m.__name__.rsplit(".", 1)[-1] for m in parameters.CHAPTER_MODULES] == [
        c.name for c in chapters.with_notebook()
    ]
