"""The table format of the hostile-input tests: each row is a command, its exit code and its message.

A test file holds its module's rows in ``CASES`` and runs them with one test::

    @table(CASES)
    def test_hostile_input_is_refused_with_a_message(case, tmp_path, monkeypatch):
        check(case, tmp_path, monkeypatch)

:func:`check` runs the command in-process and checks its exit code, that the message names the
problem, that no traceback escaped, that no echoed value was left uncut, and (where the case is about
data loss) that nothing was changed. ``{tmp}`` in an argument or a message is the test's temporary
folder. A set-up takes ``(tmp, monkeypatch)`` and prepares files for one case; the ones shared by
several tables, which edit a copy of the ledger or write a file, are below.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from runthenumbers.cli import main
from runthenumbers.data import REPO_ROOT
from runthenumbers.runner.notebooks import NOTEBOOK_DIR

# Files no hostile command may change, whatever it is pointed at.
PROTECTED_FILES = [REPO_ROOT / "data" / "facts.csv", NOTEBOOK_DIR / "debt.ipynb"]
# The test modules that hold a table of cases (test_cli_inputs.py checks that no case is lost between them).
TABLES = (
    "test_outputs",
    "test_cli_inputs",
    "test_sweep",
    "test_liquidity",
    "test_data",
    "test_ledger_rules",
    "test_parameters",
    "test_diff",
    "test_hostile_review3",
)

RUN = ["run", "--notebooks", "concentration", "--no-site"]
SWEEP = ["sweep", "--samples", "10"]


@dataclass(frozen=True)
class Case:
    id: str
    args: list[str]
    exit: int
    message: str
    setup: object = None
    unchanged: list[str] = field(default_factory=list)  # paths under tmp that must survive untouched
    absent: list[str] = field(default_factory=list)  # paths under tmp (or the repo: "repo:...") that must not appear


def table(cases: list[Case]):
    """The parametrize mark that runs one test per case, named by the case's id."""
    return pytest.mark.parametrize("case", cases, ids=lambda c: c.id)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(case: Case, tmp_path: Path, monkeypatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    if case.setup:
        case.setup(tmp_path, monkeypatch)
    before = {p: sha(tmp_path / p) for p in case.unchanged}
    protected = {p: sha(p) for p in PROTECTED_FILES}
    args = [a.replace("{tmp}", str(tmp_path)) for a in case.args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == case.exit, result.output[-2000:]
    assert case.message.replace("{tmp}", str(tmp_path)) in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), "traceback"
    assert "Traceback" not in result.output
    assert all(len(line) < 1000 for line in result.output.splitlines()), "an echoed value was not cut"
    assert {p: sha(tmp_path / p) for p in case.unchanged} == before
    assert {p: sha(p) for p in PROTECTED_FILES} == protected
    for path in case.absent:
        where = REPO_ROOT / path[5:] if path.startswith("repo:") else tmp_path / path
        assert not where.exists(), f"{where} appeared"
    assert not list(work.iterdir()), "litter in the working folder"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")], (
        "temporary left behind"
    )


# --- shared set-ups -------------------------------------------------------------------------------------


def edit_ledger(table: str, row_id: str, column: str, value: str):
    """A set-up that copies data/ to tmp/data, sets one cell, and points the ledger at the copy."""

    def setup(tmp: Path, monkeypatch) -> None:
        folder = tmp / "data"
        if not folder.exists():
            shutil.copytree(REPO_ROOT / "data", folder)
        path = folder / table
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header = rows[0]
        for row in rows[1:]:
            if row[0] == row_id:
                row[header.index(column)] = value
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        monkeypatch.setattr("runthenumbers.data.DATA_DIR", folder)

    return setup


def rewrite_ledger(table: str, change):
    """A set-up that copies data/ to tmp/data and rewrites one file's bytes with ``change(bytes) -> bytes``."""

    def setup(tmp: Path, monkeypatch) -> None:
        edit_ledger(table, "-", "id", "-")(tmp, monkeypatch)
        path = tmp / "data" / table
        path.write_bytes(change(path.read_bytes()))

    return setup


def drop_fact(fact_id: str):
    """A set-up that copies data/ to tmp/data without the fact ``fact_id``."""

    def setup(tmp: Path, monkeypatch) -> None:
        rewrite_ledger(
            "facts.csv",
            lambda b: b"\n".join(line for line in b.split(b"\n") if not line.startswith(f"{fact_id},".encode())),
        )(tmp, monkeypatch)

    return setup


def write_file(name: str, content: bytes | str):
    """A set-up that writes ``content`` to tmp/name."""

    def setup(tmp, monkeypatch):
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())

    return setup


def both(*setups):
    """A set-up that runs ``setups`` in turn."""

    def setup(tmp, monkeypatch):
        for one in setups:
            one(tmp, monkeypatch)

    return setup


# --- commands in a process of their own ------------------------------------------------------------------

BIN = Path(sys.executable).parent


def sweep_process(out: Path, samples: int) -> subprocess.Popen:
    """`runthenumbers sweep --samples samples --out out`, started and left running."""
    return subprocess.Popen(
        [str(BIN / "runthenumbers"), "sweep", "--samples", str(samples), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
