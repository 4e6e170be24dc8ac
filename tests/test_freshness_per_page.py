"""Per-page freshness (runthenumbers/runner/freshness.py): each executed notebook records the inputs it
read, so a changed fact, claim row, module or read page stales only the pages that read it, and
`make execute` re-executes only those, in order."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runthenumbers import chapters, data
from runthenumbers.data import FACT_COLUMNS, REPO_ROOT
from runthenumbers.runner import freshness, notebooks
from runthenumbers.runner.notebooks import NOTEBOOK_DIR

# Hand-picked from the records: a fact only the capex chapter reads (and the summary, which counts every fact).
CAPEX_ONLY_FACT = "capex_dgx_h100_gpus"


def _inputs(page: str) -> dict[str, str]:
    return freshness.recorded(NOTEBOOK_DIR / f"{page}.ipynb")[freshness.INPUTS_KEY]


def _set_cell(path: Path, row_id: str, column: str, value: str) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = list(rows[0])
    for row in rows:
        if row["id"] == row_id:
            row[column] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_each_page_records_what_it_read_and_nothing_of_the_machinery():
    concentration, debt, credit, summary = (_inputs(p) for p in ("concentration", "debt", "credit", "summary"))
    assert "data/facts.csv#cw_revenue_fy2024" in concentration
    assert "data/claims.csv#D7a" in debt  # debt.md checks D7a with publish.check
    assert {"runthenumbers/credit.py", "runthenumbers/reported.py", "notebooks/credit.md"} <= set(credit)
    assert any(k.startswith("data/ratings.csv#") for k in credit)
    assert {f"notebooks/{page}.ipynb" for page in chapters.reads_of("summary")} <= set(summary)
    assert "parameters.for_notebook(debt)" in debt and "chapters.fact_page(debt_ddtl1_balance_2024q4)" in debt
    every = [key for page in notebooks.SUMMARIES + ("concentration", "debt", "credit") for key in _inputs(page)]
    assert not [k for k in every if k.startswith(("runthenumbers/runner/", "runthenumbers/site/", "runthenumbers/cli"))]
    # The chapter registry and the parameter declarations are read through their noted answers.
    assert "runthenumbers/parameters/concentration.py" not in concentration


def test_the_committed_notebooks_are_fresh_and_make_execute_says_there_is_nothing_to_do(capsys):
    assert freshness.reasons() == ({}, {})
    assert notebooks.main([]) == 0
    assert capsys.readouterr().out == (
        "nothing to execute: every notebook's inputs are as they were when it ran (make execute FORCE=1 executes all)\n"
    )


def test_one_changed_fact_stales_only_the_pages_that_read_it(ledger_copy):
    _set_cell(ledger_copy / "facts.csv", CAPEX_ONLY_FACT, "value", "9")
    stale, unreadable = freshness.reasons(data_dir=ledger_copy)
    assert unreadable == {}
    assert stale == {
        "capex": [f"fact {CAPEX_ONLY_FACT} changed"],
        "summary": [f"fact {CAPEX_ONLY_FACT} changed", "it reads capex, which is stale"],
    }


def test_a_fact_added_under_an_id_a_page_looked_for_stales_that_page(ledger_copy):
    # The credit chapter asks for each reported quarter's EBITDA; 2024-Q1's is not in the ledger.
    assert _inputs("credit")["data/facts.csv#after_adj_ebitda_2024q1"] == freshness.ABSENT
    with (ledger_copy / "facts.csv").open("a", encoding="utf-8") as handle:
        handle.write('after_adj_ebitda_2024q1,1,USD,2024-Q1,cw_q3_2025_10q,p. 1,"EBITDA 1",\n')
    stale, _ = freshness.reasons(data_dir=ledger_copy)
    assert stale["credit"] == ["fact after_adj_ebitda_2024q1 was added"]
    assert stale["after"] == ["it reads credit, which is stale"]
    assert "rows were added to or removed from data/facts.csv" in stale["summary"]
    assert set(stale) == {"credit", "summary", "after"}


def test_a_claim_row_is_an_input_of_the_pages_that_check_it(ledger_copy):
    _set_cell(ledger_copy / "claims.csv", "D7a", "tolerance", "0.06")
    stale, _ = freshness.reasons(data_dir=ledger_copy)
    assert stale["debt"] == ["claim D7a changed"]
    assert set(stale) == {"debt", "summary"}  # the summary counts every claim
    # The partner-risk page lists its own chapter's claims: a change to one of them, and only that, stales it.
    _set_cell(ledger_copy / "claims.csv", "D7a", "tolerance", "0.05")
    _set_cell(ledger_copy / "claims.csv", "P1", "explanation", "Reworded.")
    stale, _ = freshness.reasons(data_dir=ledger_copy)
    assert stale["partner_risk"] == ["the answer to claims.rows_of(partner_risk) changed"]
    assert set(stale) == {"partner_risk", "summary"}


def test_a_changed_module_stales_the_pages_that_imported_it(tmp_path):
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, folder, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    # As if runthenumbers/partner_risk.py had changed since the page ran: its recorded digest differs.
    path = folder / "partner_risk.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["metadata"]["runthenumbers"]["inputs"]["runthenumbers/partner_risk.py"] = "0" * 16
    path.write_text(json.dumps(notebook), encoding="utf-8")
    stale, _ = freshness.reasons(folder)
    assert stale == {
        "partner_risk": ["runthenumbers/partner_risk.py changed"],
        "summary": ["it reads partner_risk, which is stale"],
    }


def test_a_comment_or_a_reformatting_changes_no_digest_but_code_does(tmp_path, monkeypatch):
    module = tmp_path / "runthenumbers" / "model.py"
    module.parent.mkdir()
    monkeypatch.setattr(freshness, "REPO_ROOT", tmp_path)
    digests = []
    for source in ("x = 1\n", "# why\nx = (\n    1\n)\n", "x = 2\n"):
        module.write_text(source, encoding="utf-8")
        digests.append(freshness._code_digest("runthenumbers/model.py"))
    assert digests[0] == digests[1] != digests[2]


def test_a_new_chapter_stales_only_the_pages_that_list_the_chapters(monkeypatch):
    from test_chapters import LEASES

    import runthenumbers.parameters  # noqa: F401  loaded as it was, without a module for the throwaway chapter

    book = chapters.CHAPTERS
    monkeypatch.setattr(chapters, "CHAPTERS", (*book, dataclasses.replace(LEASES, claim_prefix="")))
    assert freshness.reasons() == ({}, {})
    # With claims, it is a new section of the summary's chart of claims by argument.
    monkeypatch.setattr(chapters, "CHAPTERS", (*book, LEASES))
    assert freshness.reasons() == ({"summary": ["the answer to chapters.claim_sections() changed"]}, {})


def test_a_moved_fact_page_stales_the_pages_linking_its_facts(monkeypatch):
    moved = tuple(dataclasses.replace(c, fact_page="loans") if c.name == "debt" else c for c in chapters.CHAPTERS)
    monkeypatch.setattr(chapters, "CHAPTERS", moved)
    stale, _ = freshness.reasons()
    assert "the answer to chapters.fact_page(debt_ddtl1_balance_2024q4) changed" in stale["debt"]
    assert set(stale) >= {"debt", "credit", "capex"} and "concentration" not in stale


def test_make_book_refuses_a_stale_page_naming_it_and_why(ledger_copy):
    _set_cell(ledger_copy / "facts.csv", CAPEX_ONLY_FACT, "value", "9")
    result = subprocess.run(
        [sys.executable, "-m", "runthenumbers.runner.freshness"],
        capture_output=True,
        text=True,
        env={**os.environ, "RUNTHENUMBERS_DATA": str(ledger_copy)},
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: 2 notebook(s) were executed with other inputs than they would read now:\n"
        f"  capex: fact {CAPEX_ONLY_FACT} changed\n"
        f"  summary: fact {CAPEX_ONLY_FACT} changed; it reads capex, which is stale\n"
        "run `make execute`, then build again\n"
    )


def test_make_execute_force_executes_every_notebook():
    plan = subprocess.run(["make", "-n", "execute", "FORCE=1"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert "runthenumbers.runner.notebooks --force" in plan.stdout
    assert [m.stem for m, why in notebooks.plan(force=True)] == [c.name for c in chapters.execution_order()]


@pytest.mark.slow
def test_make_execute_re_executes_only_the_pages_a_changed_fact_reaches(ledger_copy, tmp_path, monkeypatch):
    from runthenumbers import values

    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, folder, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    rows = (ledger_copy / "facts.csv").read_text(encoding="utf-8").splitlines()
    index = next(i for i, row in enumerate(rows) if row.startswith(f"{CAPEX_ONLY_FACT},"))
    fields = rows[index].split(",")
    fields[FACT_COLUMNS.index("value")] = str(float(fields[1]) * 2)
    rows[index] = ",".join(fields)
    (ledger_copy / "facts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setenv(values.PUBLISHED_ENV, str(folder))  # the summary reads this folder's capex
    monkeypatch.setenv("RUNTHENUMBERS_DATA", str(ledger_copy))  # the kernels read the changed ledger
    monkeypatch.setattr(data, "DATA_DIR", ledger_copy)  # and the records are made against it
    executed = []
    for markdown, why in notebooks.plan(folder):
        executed.append((markdown.stem, why))
        notebooks.write_pair(markdown)
    assert executed == [
        ("capex", [f"fact {CAPEX_ONLY_FACT} changed"]),
        ("summary", [f"fact {CAPEX_ONLY_FACT} changed", "it reads capex, which was executed again"]),
    ]
    assert list(notebooks.plan(folder)) == []
    assert freshness.reasons(folder, ledger_copy) == ({}, {})
