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
    sections = chapters.render_claims_sections(WITH_LEASES)
    assert "## Leases: the halls CoreWeave rents\n\n" in sections and "```{rtn-claims} leases\n```" in sections
    # Each chapter's claims fold under its heading on the site.
    assert sections.count('<div class="rtn-fold"') == sections.count("```{rtn-claims}")
    assert "- {doc}`facts-leases`: every lease and its term" in chapters.render_fact_pages(WITH_LEASES)
    intro = chapters.render_arguments(WITH_LEASES)
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

    # Hand-checked against the entries: a chapter with a claim letter, in order; credit has none. A new
    # chapter with claims joins the sections without an edit here.
    sections = claims.ARGUMENTS
    assert sections[0] == "context" and sections[-1] == "conclusion" and "credit" not in sections
    assert sections.index("concentration") < sections.index("debt") < sections.index("capex")
    assert sections == tuple(c.name for c in sorted(CHAPTERS, key=lambda c: c.order) if c.claim_prefix)
    assert [m.__name__.rsplit(".", 1)[-1] for m in parameters.CHAPTER_MODULES] == [
        c.name for c in chapters.with_inputs()
    ]
    assert {"summary", "after"}.isdisjoint(m.__name__.rsplit(".", 1)[-1] for m in parameters.CHAPTER_MODULES)


def test_pages_run_after_the_pages_they_read():
    order = [c.name for c in chapters.execution_order()]
    # The credit chapter reads the funding model's forward path (uncertainty), so it runs after it.
    assert order == ["concentration", "debt", "capex", "partner_risk", "uncertainty", "credit", "summary", "after"]
    # A page that reads the summary runs after it, whatever its order says.
    digest = Chapter("digest", "Digest", notebook="notebooks/digest", order=1, reads=("summary",))
    assert [c.name for c in chapters.execution_order((*CHAPTERS, digest))][-3:] == ["summary", "digest", "after"]
    assert chapters.readers_of(["credit"]) == ("summary", "after")
    assert chapters.readers_of(["summary"], (*CHAPTERS, digest)) == ("digest",)
    assert chapters.readers_of(["concentration"]) == ("summary",)


def test_reads_are_checked_when_declared():
    with pytest.raises(ValueError, match="chapter leases reads budget: no chapter with a notebook has that name"):
        chapters.ordered((*CHAPTERS, dataclasses.replace(LEASES, reads=("budget",))))
    with pytest.raises(ValueError, match="only a page with a notebook reads other pages"):
        Chapter("memo", "Memo", reads=("debt",))
    circle = (
        Chapter("a", "A", notebook="notebooks/a", reads=("b",)),
        Chapter("b", "B", notebook="notebooks/b", reads=("a",)),
    )
    with pytest.raises(ValueError, match="the pages a, b read each other in a circle"):
        chapters.execution_order(circle)


def test_a_page_that_reads_others_takes_no_inputs_and_heads_the_toc():
    summary = {c.name: c for c in CHAPTERS}["summary"]
    assert summary.reads and not summary.takes_inputs
    assert chapters.verdict_pages() == ["notebooks/summary", "book/claims", "notebooks/after", "book/changes"]
    digest = Chapter("digest", "Digest", notebook="notebooks/digest", order=90, reads=("summary",))
    assert chapters.missing_files(chapters=(*CHAPTERS, digest)) == ["notebooks/digest.md"]
    toc = chapters.render_toc((*CHAPTERS, digest))
    assert toc.index("notebooks/after") < toc.index("notebooks/digest") < toc.index("caption: The four arguments")


def test_adding_a_chapter_touches_at_most_twelve_files(monkeypatch, ledger_copy):
    """The README's "Adding a chapter", followed for the throwaway LEASES (claims, facts, a notebook, tests):
    the files it writes, the files it edits, the files `make pages` rewrites, and the notebooks its new
    rows and entry stale, which `make execute` then re-executes."""
    import runthenumbers.parameters  # noqa: F401  loaded as the book has it, before the entry exists
    from runthenumbers.runner import freshness

    written = [*chapters.missing_files(chapters=WITH_LEASES), "runthenumbers/leases.py", "tests/test_leases.py"]
    written.append("notebooks/leases.ipynb")
    edited = ["runthenumbers/chapters.py", "data/sources.csv", "data/facts.csv", "data/claims.csv"]
    rewritten = [
        str(path.relative_to(REPO_ROOT))
        for path, text in chapters.generated_files(chapters=WITH_LEASES).items()
        if path.read_text(encoding="utf-8") != text
    ]
    # The chapter's rows: a source, a fact and a claim on it.
    rows = {
        "sources.csv": "lease_10k,Annual report,CoreWeave,2026-02-01,https://example.org/10k,filing,2026-11-29",
        "facts.csv": 'lease_halls_2025,33,count,2025-12-31,lease_10k,p. 1,"33 halls",',
        "claims.csv": "L1,leases,Rent costs more than it earns.,,,,,,,opinion,A judgement.,,,",
    }
    for name, row in rows.items():
        with (ledger_copy / name).open("a", encoding="utf-8") as handle:
            handle.write(row + "\n")
    monkeypatch.setattr(chapters, "CHAPTERS", WITH_LEASES)
    stale, unreadable = freshness.reasons(data_dir=ledger_copy)
    assert unreadable == {}
    re_executed = [f"notebooks/{page}.ipynb" for page in stale]
    assert written == [
        "book/facts-leases.md",
        "notebooks/leases.md",
        "runthenumbers/parameters/leases.py",
        "runthenumbers/leases.py",
        "tests/test_leases.py",
        "notebooks/leases.ipynb",
    ]
    assert rewritten == ["_toc.yml"]
    # The summary counts every fact and every claim by chapter; no other page reads what the chapter adds.
    assert re_executed == ["notebooks/summary.ipynb"]
    assert len(written + edited + rewritten + re_executed) == 12
