"""One entry per chapter: the toc, the claims sections, the fact routing and the intro follow from it."""

from __future__ import annotations

import dataclasses

import pytest

from runthenumbers import chapters, claims
from runthenumbers.chapters import CHAPTERS, Chapter
from runthenumbers.data import REPO_ROOT

# A throwaway chapter, declared only here.
LEASES = Chapter(
    "leases",
    "Leases: the halls CoreWeave rents",
    claim_prefix="L",
    fact_prefix=("lease",),
    notebook="notebooks/leases",
    order=55,
    argument=True,
    fact_title="every lease and its term",
    question="what the rented data centres cost.",
)
WITH_LEASES = (*CHAPTERS, LEASES)


def test_the_committed_files_are_what_the_chapters_give():
    stale = chapters.stale_files()
    assert stale == [], f"run `make pages`: {[str(p.relative_to(REPO_ROOT)) for p in stale]}"


def test_every_chapter_has_its_hand_written_files():
    assert chapters.missing_files() == []


def test_a_new_chapter_appears_in_the_toc_claims_facts_and_intro():
    toc = chapters.render_toc(WITH_LEASES)
    assert "      - file: notebooks/leases\n" in toc
    assert "      - file: book/facts-leases\n" in toc
    assert "caption: The five arguments, and two chapters beyond them" in toc
    # In its place: after partner risk, before the uncertainty page.
    assert toc.index("notebooks/partner_risk") < toc.index("notebooks/leases") < toc.index("notebooks/uncertainty")
    assert "## Leases: the halls CoreWeave rents\n\n```{rtn-claims} leases\n```" in chapters.render_claims_page(
        WITH_LEASES
    )
    assert "- {doc}`facts-leases`: every lease and its term" in chapters.render_facts_index(WITH_LEASES)
    intro = chapters.render_intro_block(WITH_LEASES)
    assert (
        "5. {doc}`Leases: the halls CoreWeave rents <../notebooks/leases>`" in intro
        and "## The five arguments" in intro
    )
    assert chapters.fact_page("lease_halls_2025", WITH_LEASES) == "book/facts-leases.html"
    assert chapters.missing_files(chapters=WITH_LEASES) == [
        "book/facts-leases.md",
        "notebooks/leases.md",
        "runthenumbers/parameters/leases.py",
    ]


def test_a_new_chapter_is_accepted_by_the_claims_ledger(monkeypatch, tmp_path):
    monkeypatch.setattr(chapters, "CHAPTERS", WITH_LEASES)
    row = claims.ClaimRow(
        id="L1",
        argument="leases",
        claim="Rent costs more than it earns.",
        verdict="opinion",
        explanation="A judgement.",
    )
    assert row.argument == "leases"
    with pytest.raises(ValueError, match="claim 'D1' is in chapter 'leases', whose claim ids start with 'L'"):
        claims.ClaimRow(id="D1", argument="leases", claim="x", verdict="opinion", explanation="y")


def test_a_claim_outside_every_chapter_is_refused():
    with pytest.raises(ValueError, match="'covenants' is not a chapter with claims"):
        claims.ClaimRow(id="D1", argument="covenants", claim="x", verdict="opinion", explanation="y")


def test_an_unrouted_fact_says_where_to_declare_it():
    with pytest.raises(
        chapters.UnroutedFact, match="no chapter declares the prefix 'cov' in runthenumbers/chapters.py"
    ):
        chapters.fact_page("cov_interest_cover_2025")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"claim_prefix": "D"}, "share the claim_prefix 'D'"),
        ({"fact_prefix": ("debt",), "fact_page": "leases"}, "a fact prefix is declared twice"),
        ({"name": "debt", "notebook": "notebooks/debt"}, "share the name 'debt'"),
    ],
)
def test_two_chapters_cannot_claim_the_same_key(change, message):
    with pytest.raises(ValueError, match=message):
        chapters.ordered((*CHAPTERS, dataclasses.replace(LEASES, **change)))


def test_a_chapter_entry_is_checked_when_written():
    with pytest.raises(ValueError, match="notebook must be 'notebooks/leases'"):
        dataclasses.replace(LEASES, notebook="notebooks/debt")
    with pytest.raises(ValueError, match="one capital letter"):
        dataclasses.replace(LEASES, claim_prefix="CR")


def test_the_claims_sections_and_parameters_follow_the_chapters():
    from runthenumbers import parameters

    assert claims.ARGUMENTS == ("context", "concentration", "debt", "capex", "partner_risk", "conclusion")
    assert [m.__name__.rsplit(".", 1)[-1] for m in parameters.CHAPTER_MODULES] == [
        c.name for c in chapters.with_notebook()
    ]


def test_the_chapters_caption_counts_the_arguments_and_the_chapters_beyond_them():
    assert chapters.chapters_caption() == "The four arguments, and two chapters beyond them"
    only_arguments = tuple(c for c in CHAPTERS if c.argument or not c.notebook)
    assert chapters.chapters_caption(only_arguments) == "The four arguments"
    one_more = tuple(c for c in CHAPTERS if c.name != "uncertainty")
    assert chapters.chapters_caption(one_more) == "The four arguments, and one chapter beyond them"
