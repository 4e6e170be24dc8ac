"""One owner per verdict: every verdict a page glues is the claims ledger's, and the conclusion is declared once."""

from __future__ import annotations

import re

import nbformat
import pytest

from runthenumbers import conclusion, publish
from runthenumbers.claims import load_claims
from runthenumbers.data import REPO_ROOT
from runthenumbers.values import NOTEBOOK_DIR, glued_values

VERDICT_NAME = re.compile(r"^(?P<id>[a-z]\d+[a-z]?)_verdict$")
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def glued_verdicts(path):
    values = glued_values(nbformat.read(path, as_version=4))
    return {name: value for name, value in values.items() if name.endswith("_verdict")}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_glued_verdict_is_the_ledgers(path):
    ledger = {c.row.id.lower(): c.verdict for c in load_claims()}
    wrong = {}
    for name, value in glued_verdicts(path).items():
        match = VERDICT_NAME.match(name)
        if not match or match["id"] not in ledger:
            wrong[name] = f"{value!r}: not a claim of data/claims.csv (name a reading '<x>_reading')"
        elif value != ledger[match["id"]]:
            wrong[name] = f"glued {value!r}, ledger says {ledger[match['id']]!r}"
    assert wrong == {}


def test_the_chapters_glue_the_split_claims_by_part():
    glued = {}
    for path in NOTEBOOKS:
        glued.update(glued_verdicts(path))
    for name in (
        "d7a_verdict",
        "d7b_verdict",
        "d14b_verdict",
        "d14d_verdict",
        "k2c_verdict",
        "p10c_verdict",
        "d3b_verdict",
    ):
        assert name in glued, name
    assert (glued["d7a_verdict"], glued["d7b_verdict"]) == ("supported", "contradicted")


def test_a_page_cannot_glue_a_verdict_the_ledger_does_not_give(monkeypatch):
    monkeypatch.setattr(publish, "glue", lambda *a, **k: None)
    monkeypatch.setattr(publish, "_glue", lambda *a, **k: None)
    with pytest.raises(
        ValueError, match="claim D12b: this page computes 'supported' but data/claims.csv says 'contradicted'"
    ):
        publish.verdict("D12b", computed="supported")


def test_check_reads_the_tolerance_and_bound_from_the_ledger(monkeypatch):
    monkeypatch.setattr(publish, "glue", lambda *a, **k: None)
    monkeypatch.setattr(publish, "_glue", lambda *a, **k: None)
    monkeypatch.setitem(
        publish._DERIVATIONS, "base_first_repayment_quarter_m", {"value": 480.0, "formula": "", "facts": []}
    )
    # "More than $500M": $480M is short by 4%, within D18b's 5% tolerance for a floor.
    assert publish.check("D18b") == "supported"
    monkeypatch.setitem(
        publish._DERIVATIONS, "base_first_repayment_quarter_m", {"value": 300.0, "formula": "", "facts": []}
    )
    assert publish.check("D18b") == "contradicted"


def test_the_conclusion_is_one_sentence_shown_by_every_page_that_answers():
    assert conclusion.conclusion().endswith(".")
    for page in ("book/intro.md", "notebooks/summary.md", "notebooks/after.md"):
        text = (REPO_ROOT / page).read_text(encoding="utf-8")
        assert text.count("```{rtn-conclusion}") == 1, page
        # The two bottom lines the pages used to give, which disagreed.
        assert "(S1): too early to tell" not in text and "Not in the article's sense" not in text, page


def test_a_conclusion_of_two_sentences_is_refused(monkeypatch):
    monkeypatch.setattr(conclusion, "CONCLUSION", "It is a bomb. It is not.")
    with pytest.raises(ValueError, match="one sentence"):
        conclusion.conclusion()
