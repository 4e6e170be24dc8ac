"""The claims ledger: every claim listed, verdicts computed from figures, and bad rows refused precisely."""

from __future__ import annotations

import csv
import json
import re

import pytest
from click.testing import CliRunner

from runthenumbers.chapters import claim_sections
from runthenumbers.claims import CLAIM_COLUMNS, VERDICTS, load_claims
from runthenumbers.cli import main
from runthenumbers.data import REPO_ROOT, LedgerError

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
    assert all(c.verdict in VERDICTS for c in claims.values())


def test_numeric_verdicts_follow_from_the_figures():
    for claim in load_claims():
        if claim.row.numeric:
            ratio = claim.article_value / claim.checked_value
            if abs(ratio - 1) <= claim.row.tolerance:
                assert claim.verdict == "supported", claim.row.id
            else:
                assert claim.verdict in ("roughly", "contradicted"), claim.row.id


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
    assert _problems(tmp_path, edit) == [f"data/claims.csv:{line}: column 'checked': unknown fact id 'no_such_fact' (not in facts.csv)"]


def test_unknown_article_fact(tmp_path):
    def edit(rows):
        rows[0]["article_fact"] = "article_nothing"

    assert _problems(tmp_path, edit) == ["data/claims.csv:2: column 'article_fact': unknown fact id 'article_nothing' (not in facts.csv)"]


def test_unknown_verdict(tmp_path):
    def edit(rows):
        rows[_first(rows, False)]["verdict"] = "plausible"

    line = _first(_rows(), False) + 2
    assert _problems(tmp_path, edit) == [
        f"data/claims.csv:{line}: column 'verdict': 'plausible' is not a verdict (allowed: {', '.join(VERDICTS)})"
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
        f"data/claims.csv:{line}: column 'verdict': 'supported' typed for a claim with both figures; its verdict is computed, leave it empty"
    ]


def test_a_chapter_value_that_does_not_exist(tmp_path):
    def edit(rows):
        rows[_first(rows, True)]["checked"] = "concentration:no_such_value"

    line = _first(_rows(), True) + 2
    assert _problems(tmp_path, edit) == [
        f"data/claims.csv:{line}: column 'checked': 'concentration:no_such_value' is not a value published by notebooks/concentration.ipynb"
    ]


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
