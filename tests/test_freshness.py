"""The freshness record (`runthenumbers/runner/freshness.py`) from the outside: `make book` refuses to
build from stale notebooks and names them, a damaged notebook is named with why, and the ledger's
digest (which a scenario run and `diff` still use) follows every ledger file but nothing that changes no
fact. What each page records of its own inputs is tested in `test_freshness_per_page.py`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from runthenumbers.data import REPO_ROOT
from runthenumbers.runner import freshness
from runthenumbers.runner.notebooks import NOTEBOOK_DIR


def test_the_committed_notebooks_record_the_ledger_they_read():
    assert freshness.stale() == [], "run `make execute`"


@pytest.mark.slow
def test_a_changed_fact_makes_the_notebooks_that_read_it_stale(ledger_copy):
    facts = ledger_copy / "facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace("1915000000", "2049050000", 1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "runthenumbers.runner.freshness"],
        capture_output=True,
        text=True,
        env={**os.environ, "RUNTHENUMBERS_DATA": str(ledger_copy)},
    )
    assert result.returncode == 2
    assert "concentration" in result.stderr and "run `make execute`" in result.stderr


def test_make_book_checks_freshness_before_building():
    plan = subprocess.run(["make", "-n", "book"], cwd=REPO_ROOT, capture_output=True, text=True).stdout.splitlines()
    checks = [i for i, line in enumerate(plan) if "runthenumbers.runner.freshness" in line]
    builds = [i for i, line in enumerate(plan) if "jupyter-book build" in line]
    assert checks and builds and checks[0] < builds[0]


def test_the_recorded_digest_follows_every_ledger_file(tmp_path):
    digests = {freshness.data_digest(tmp_path)}
    for name in freshness.LEDGER_FILES:
        (tmp_path / name).write_text("id\n1\n")
        digests.add(freshness.data_digest(tmp_path))
    (tmp_path / "facts.csv").write_text("id\n2\n")
    digests.add(freshness.data_digest(tmp_path))
    assert len(digests) == len(freshness.LEDGER_FILES) + 2


@pytest.mark.parametrize("change", ["backup", "lock", "crlf", "directory"])
def test_the_digest_ignores_what_changes_no_fact(ledger_copy, change):
    """F02, F03, F10: an editor's backup or lock file, or CRLF line endings, do not make the notebooks stale."""
    before = freshness.data_digest(ledger_copy)
    if change == "backup":
        (ledger_copy / "facts.csv.bak").write_text("old")
    elif change == "lock":
        (ledger_copy / ".~lock.facts.csv#").write_text("me,host")
    elif change == "crlf":
        for name in freshness.LEDGER_FILES:
            path = ledger_copy / name
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    else:
        (ledger_copy / "old").mkdir()
    assert freshness.data_digest(ledger_copy) == before


def test_ledger_files_keep_lf_line_endings_in_every_checkout():
    for name in freshness.LEDGER_FILES:
        result = subprocess.run(
            ["git", "check-attr", "eol", "--", f"data/{name}"], cwd=REPO_ROOT, capture_output=True, text=True
        )
        assert result.stdout.strip().endswith("eol: lf"), result.stdout


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda path: path.write_bytes(path.read_bytes()[:1000]), "it is not a notebook's JSON"),
        (lambda path: path.unlink(), "it is missing"),
        (lambda path: path.write_bytes(b"\xff\xfe"), "it is not UTF-8 text"),
    ],
    ids=["truncated", "missing", "not-utf8"],
)
def test_a_broken_notebook_is_named_by_the_freshness_check(tmp_path, monkeypatch, capsys, damage, reason):
    """F05, F06, F07: `make book`'s first step names the notebook it cannot read, instead of a traceback."""
    import shutil

    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, folder, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    damage(folder / "debt.ipynb")
    monkeypatch.setattr("runthenumbers.runner.notebooks.NOTEBOOK_DIR", folder)
    assert freshness.main() == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: notebooks/debt.ipynb cannot be read: {reason}")
    assert "run `make execute`" in error and "Traceback" not in error
    assert freshness.check(folder)[1].keys() == {"debt"}
