"""The claims ledger: every claim listed, verdicts computed from figures, and bad rows refused precisely."""

from __future__ import annotations

import csv
import json
import re

import pytest
from click.testing import CliRunner

from runthenumbers.chapters import claim_sections
from runthenumbers.claims import (
    CLAIM_COLUMNS,
    VERDICTS,
    ClaimRow,
    figure_text,
    figures,
    graded,
    load_claims,
    tally,
)
from runthenumbers.cli import main
from runthenumbers.data import REPO_ROOT, LedgerError, load_ledger

CLAIMS_LIST = REPO_ROOT.parent / "shared" / "CLAIMS.md"


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CLAIM_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _rows():
    with (REPO_ROOT / "data" / "claims.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _problems(tmp_path, edit) -> list[str]:
    rows = _rows()
    edit(rows)
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "claims.csv"
    _write(path, rows)
    with pytest.raises(LedgerError) as caught:
        load_claims(path)
    return [str(p) for p in caught.value.problems]


def _first(rows, numeric: bool):
    return next(i for i, r in enumerate(rows) if bool(r["article_fact"] and r["checked"]) == numeric)


def test_every_claim_of_the_article_has_a_row_and_a_verdict():
    if not CLAIMS_LIST.exists():
        pytest.skip("../shared/CLAIMS.md is not beside this checkout")
    letters = "".join(c.claim_prefix for c in claim_sections())
    listed = re.findall(rf"^- ([{letters}]\d+) ", CLAIMS_LIST.read_text(encoding="utf-8"), re.MULTILINE)
    claims = {c.row.id: c for c in load_claims()}
    assert [i for i in listed if i not in claims] == []
    for claim in claims.values():
        if claim.is_split:
            assert claim.verdict == "" and all(claims[p].verdict in VERDICTS for p in claim.parts), claim.row.id
        else:
            assert claim.verdict in VERDICTS, claim.row.id


def test_numeric_verdicts_follow_from_the_figures():
    for claim in load_claims():
        if claim.row.numeric:
            difference = abs(claim.article_value / claim.checked_value - 1)
            reached = claim.row.bound == "floor" and claim.checked_value >= claim.article_value
            if difference <= claim.row.tolerance or reached:
                assert claim.verdict == "supported", claim.row.id
            elif difference <= 0.25:
                assert claim.verdict == "roughly", claim.row.id
            else:
                assert claim.verdict == "contradicted", claim.row.id


def test_a_numeric_claim_by_hand():
    c4 = {c.row.id: c for c in load_claims()}["C4"]
    # 23% of $1,915.0M is $440.45M; the article says $440M: -0.1%, within 5%.
    assert c4.checked_value == pytest.approx(440.45e6)
    assert c4.difference == pytest.approx(-0.00102, abs=1e-5)
    assert c4.verdict == "supported"


def test_unknown_fact_id(tmp_path):
    def edit(rows):
        rows[_first(rows, True)]["checked"] = "fact:no_such_fact"

    line = _first(_rows(), True) + 2
    assert _problems(tmp_path, edit) == [
        f"data/claims.csv:{line}: column 'checked': unknown fact id 'no_such_fact' (not in facts.csv)"
    ]


def test_unknown_article_fact(tmp_path):
    def edit(rows):
        rows[0]["article_fact"] = "article_nothing"

    assert _problems(tmp_path, edit) == [
        "data/claims.csv:2: column 'article_fact': unknown fact id 'article_nothing' (not in facts.csv)"
    ]


def test_unknown_verdict(tmp_path):
    # G5a: a typed verdict on a claim that is neither split nor a sub-claim, so the row stands alone.
    assert _problems(tmp_path, _edit("G5a", verdict="plausible")) == [
        f"data/claims.csv:{_line('G5a')}: column 'verdict': 'plausible' is not a verdict (allowed: {', '.join(VERDICTS)})"
    ]


def test_numeric_verdict_without_tolerance(tmp_path):
    def edit(rows):
        rows[_first(rows, True)]["tolerance"] = ""

    line = _first(_rows(), True) + 2
    assert _problems(tmp_path, edit) == [
        f"data/claims.csv:{line}: column 'tolerance': a claim with both figures needs a tolerance (a fraction) for its computed verdict"
    ]


def test_a_typed_verdict_cannot_override_the_figures(tmp_path):
    def edit(rows):
        rows[_first(rows, True)]["verdict"] = "supported"

    line = _first(_rows(), True) + 2
    assert _problems(tmp_path, edit) == [
        f"data/claims.csv:{line}: column 'verdict': 'supported' typed for a claim with both figures; "
        "its verdict is computed, leave it empty"
    ]


def test_a_chapter_value_that_does_not_exist(tmp_path):
    def edit(rows):
        rows[_first(rows, True)]["checked"] = "concentration:no_such_value"

    line = _first(_rows(), True) + 2
    assert _problems(tmp_path, edit) == [
        f"data/claims.csv:{line}: column 'checked': 'concentration:no_such_value' is not a value published by notebooks/concentration.ipynb"
    ]


def _line(claim_id: str) -> int:
    return next(i for i, r in enumerate(_rows()) if r["id"] == claim_id) + 2


def _edit(claim_id: str, **changes):
    def edit(rows):
        next(r for r in rows if r["id"] == claim_id).update(changes)

    return edit


def test_a_sub_claim_needs_its_parent(tmp_path):
    def edit(rows):
        rows[:] = [r for r in rows if r["id"] != "D7"]

    assert _problems(tmp_path, edit) == [
        f"data/claims.csv:{_line('D7a') - 1}: column 'id': sub-claim 'D7a' has no parent claim 'D7' in claims.csv",
        f"data/claims.csv:{_line('D7b') - 1}: column 'id': sub-claim 'D7b' has no parent claim 'D7' in claims.csv",
    ]


def test_a_split_claim_carries_no_verdict_of_its_own(tmp_path):
    assert _problems(tmp_path, _edit("D7", verdict="supported")) == [
        f"data/claims.csv:{_line('D7')}: column 'verdict': claim 'D7' is split into sub-claims; its figures and verdict belong to them"
    ]


def test_a_tolerance_wider_than_the_roughly_band_needs_a_reason(tmp_path):
    assert _problems(tmp_path, _edit("D7a", tolerance="0.3", tolerance_reason="")) == [
        f"data/claims.csv:{_line('D7a')}: column 'tolerance_reason': a tolerance of 30% is wider than the ±25% 'roughly' band; say why"
    ]


def test_every_computed_verdict_states_the_reason_for_its_tolerance():
    assert all(c.row.tolerance_reason for c in load_claims() if c.row.numeric)


def test_an_unverifiable_verdict_says_what_was_searched(tmp_path):
    assert _problems(tmp_path, _edit("G5a", searched="")) == [
        f"data/claims.csv:{_line('G5a')}: column 'searched': an unverifiable verdict needs a note of what was searched "
        "(queries and where) and what was found"
    ]


def test_a_claim_checked_against_its_own_article_fact_is_refused(tmp_path):
    # C1's article figure is article_microsoft_share_fy2024: checked against itself it could never fail.
    assert _problems(tmp_path, _edit("C1", checked="fact:article_microsoft_share_fy2024")) == [
        f"data/claims.csv:{_line('C1')}: column 'checked': claim 'C1' is checked against its own article fact "
        "'article_microsoft_share_fy2024'; the checked figure must come from facts other than the article's"
    ]


def test_a_claim_checked_against_another_article_figure_is_refused(tmp_path):
    # C3a (the top two's 77%) against the article's Microsoft share: a figure of the article, not a check of it.
    assert _problems(tmp_path, _edit("C3a", checked="fact:article_microsoft_share_fy2024")) == [
        f"data/claims.csv:{_line('C3a')}: column 'checked': claim 'C3a' is checked against "
        "'article_microsoft_share_fy2024', a figure of the article; the checked figure must come from facts other "
        "than the article's"
    ]


def test_no_claim_is_checked_against_the_article():
    from runthenumbers.data import load_ledger

    ledger = load_ledger()
    checked = [c.row.checked[5:] for c in load_claims(ledger=ledger) if c.row.checked.startswith("fact:")]
    assert checked and all(ledger.source_of(f).kind != "article" for f in checked)


def test_a_verdict_resting_only_on_machine_summaries_is_refused(tmp_path):
    # P4 rests on a machine summary of a call; typed 'supported' it would be decided by that summary alone.
    assert _problems(tmp_path, _edit("P4", verdict="supported")) == [
        f"data/claims.csv:{_line('P4')}: column 'sources': 'supported' rests only on ai-summary sources; "
        "a machine summary never decides a verdict alone"
    ]


def test_supported_needs_a_primary_source_or_two_secondary_ones(tmp_path):
    # G5a has one news report (the FT's, repeated by copies): enough to quote, not to support.
    assert _problems(tmp_path, _edit("G5a", verdict="supported")) == [
        f"data/claims.csv:{_line('G5a')}: column 'sources': 'supported' needs a primary source or two independent "
        "secondary sources that agree (has: news)"
    ]


def test_the_tally_counts_sub_claims_not_their_parents():
    claims = load_claims()
    counts = tally(claims)
    assert counts["total"] == len(graded(claims)) == sum(counts[v] for v in VERDICTS)
    assert counts["hold"] == counts["supported"] + counts["roughly"]
    assert counts["fail"] == counts["contradicted"] + counts["garbled"]
    by_id = {c.row.id: c for c in claims}
    # The size of D7 holds and its label fails: split, each counts once and the parent not at all.
    assert (by_id["D7a"].verdict, by_id["D7b"].verdict, by_id["D7"].verdict) == ("supported", "contradicted", "")
    assert by_id["D14d"].verdict == "contradicted" and by_id["D14d"].difference == pytest.approx(0.878, abs=1e-3)


def test_d3_is_not_checked_against_a_later_sofr():
    # SOFR plus the article's own margin would repeat its inputs; the filed effective rate (15% at 2025-03-31,
    # rounded) checks the 14.11% in size only: 14.11 / 15 - 1 = -5.9%, beyond the 1% tolerance, within 25%.
    d3b = {c.row.id: c for c in load_claims()}["D3b"]
    assert d3b.row.checked == "fact:debt_ddtl1_effective_rate_2025q1"
    assert d3b.checked_value == 0.15 and d3b.difference == pytest.approx(-0.0593, abs=1e-4)
    assert d3b.verdict == "roughly"


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_claims_cli_prints_every_claim(fmt):
    result = CliRunner().invoke(main, ["claims", "--format", fmt])
    assert result.exit_code == 0
    ids = [c.row.id for c in load_claims()]
    if fmt == "json":
        rows = json.loads(result.output)
        assert [r["id"] for r in rows] == ids
        c4 = next(r for r in rows if r["id"] == "C4")
        assert c4["verdict"] == "supported" and c4["article_value"] == 440e6
    else:
        assert all(re.search(rf"^{i}\b", result.output, re.MULTILINE) for i in ids)


def test_the_tally_counts_what_could_be_checked_once_for_every_page():
    """The home page's "58 of 73 checkable claims" and the summary's claims_checkable come from here."""
    from runthenumbers.claims import Claim, ClaimRow

    def claim(verdict: str, parts=()) -> Claim:
        row = ClaimRow(id="G1", argument="context", claim="x", verdict=verdict or "opinion", explanation="y")
        return Claim(row=row, article_value=None, checked_value=None, verdict=verdict, parts=parts)

    verdicts = ["supported", "roughly", "contradicted", "garbled", "unverifiable", "unverifiable", "opinion"]
    counts = tally([claim(v) for v in verdicts] + [claim("", parts=("G1a", "G1b"))])
    assert (counts["total"], counts["checkable"], counts["hold"], counts["not_checked"]) == (7, 4, 2, 2)


def test_a_page_reads_the_checked_figures_only_from_pages_it_declares(tmp_path):
    from runthenumbers import values

    rows = _rows()
    row = next(r for r in rows if r["checked"].startswith("debt:") and not r["id"][-1].islower())
    path = tmp_path / "claims.csv"
    _write(path, [row])
    with pytest.raises(values.UndeclaredRead, match="after reads the values of debt"):
        load_claims(path, reader=values.Reader("after"))
    assert [c.row.id for c in load_claims(path, reader=values.Reader("summary"))] == [row["id"]]


def _row(**given):
    base = {"id": "C9", "argument": "concentration", "claim": "x", "explanation": "why", "tolerance": 0.05}
    return ClaimRow(**{**base, **given})


def test_figures_by_hand():
    facts = {"article_x": 440e6, "cw_x": 450e6}
    values = {"concentration": {"x_m": 400.0, "word": "supported", "flag": True}}
    # A chapter's value in USD millions, scaled into the article's units: (440 - 400) / 400 = +10%.
    assert figures(_row(article_fact="article_x", checked="concentration:x_m", scale=1e6), facts, values) == (
        440e6,
        400e6,
        pytest.approx(0.1),
    )
    # A fact: (440 - 450) / 450.
    assert figures(_row(article_fact="article_x", checked="fact:cw_x"), facts, values) == (
        440e6,
        450e6,
        pytest.approx(-10 / 450),
    )
    # Missing, or published as something other than a number: no checked figure and no difference.
    for checked in ("concentration:nowhere", "concentration:word", "concentration:flag", "fact:cw_gone", "debt:x_m"):
        assert figures(_row(article_fact="article_x", checked=checked), facts, values) == (440e6, None, None), checked
    assert figures(_row(article_fact="article_x", checked="fact:zero"), {**facts, "zero": 0.0}, {}) == (
        440e6,
        0.0,
        None,
    )
    assert figures(_row(verdict="opinion"), facts, values) == (None, None, None)


def test_the_claims_page_a_chapter_and_the_diff_read_the_same_figures():
    """claims.figures is the one reader: the claims page (load_claims), each chapter's glued difference
    (publish.check) and `runthenumbers diff` give every claim the same figures."""
    from runthenumbers import diff
    from runthenumbers.runner.notebooks import NOTEBOOK_DIR, paired_notebooks
    from runthenumbers.values import baseline_values

    claims = {c.row.id: c for c in load_claims()}
    revision = diff.claim_figures(diff.snapshot(REPO_ROOT, None))
    glued = baseline_values(p.stem for p in paired_notebooks())
    differences = {n: v for page in glued.values() for n, v in page.items() if n.endswith("_difference")}
    for claim_id, claim in claims.items():
        assert (revision[claim_id]["article"], revision[claim_id]["checked"]) == (
            claim.article_value,
            claim.checked_value,
        ), claim_id
        name = f"{claim_id.lower()}_difference"
        if claim.row.numeric and name in differences:
            assert differences[name] == pytest.approx(claim.difference, rel=1e-12), claim_id
    assert {"c4_difference", "d7a_difference", "k5b_difference"} <= set(differences)
    assert (NOTEBOOK_DIR / "concentration.ipynb").exists()


def test_a_claims_figure_is_written_in_its_articles_unit():
    claims = {c.row.id: c for c in load_claims()}
    ledger = load_ledger()
    c4 = claims["C4"]
    assert (figure_text(c4, c4.article_value, ledger), figure_text(c4, c4.checked_value, ledger)) == (
        "$440M",
        "$440.4M",
    )
    assert figure_text(claims["P1c"], claims["P1c"].article_value, ledger) == "January 2024"
    assert figure_text(c4, None, ledger) == ""
