"""Hostile input: every case of the hostile-input review (issue 13) as command, exit code and message.

Each row of CASES runs one command in-process and checks its exit code, that the message names the
problem, that no traceback escaped, and (where the case is about data loss) that nothing was
changed. Cases that need real processes (signals, parallel writers, memory) follow the table.
"""

from __future__ import annotations

import csv
import errno
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psutil
import pytest
from click.testing import CliRunner

from runthenumbers import sweep
from runthenumbers.cli import main
from runthenumbers.data import REPO_ROOT
from runthenumbers.errors import ECHO_LIMIT
from runthenumbers.ledger_rules import FRACTION_EXCEPTIONS, SIGN_EXCEPTIONS
from runthenumbers.runner import freshness, outputs
from runthenumbers.runner.notebooks import GLUE_MIME, NOTEBOOK_DIR

BIN = Path(sys.executable).parent
PROTECTED_FILES = [REPO_ROOT / "data" / "facts.csv", NOTEBOOK_DIR / "debt.ipynb"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- set-ups: each takes (tmp, monkeypatch) and prepares files for one case -------------------------


def _edit(table: str, row_id: str, column: str, value: str):
    """A set-up that copies data/ to tmp/data, sets one cell, and points the ledger at the copy."""

    def setup(tmp: Path, monkeypatch) -> None:
        folder = tmp / "data"
        if not folder.exists():
            import shutil

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


def _both(*setups):
    def setup(tmp, monkeypatch):
        for one in setups:
            one(tmp, monkeypatch)

    return setup


def _missing_facts(tmp, monkeypatch):
    _edit("facts.csv", "-", "id", "-")(tmp, monkeypatch)
    (tmp / "data" / "facts.csv").unlink()


def _file(name: str, content: bytes | str):
    def setup(tmp, monkeypatch):
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())

    return setup


def _symlink(tmp, monkeypatch):
    (tmp / "real").mkdir()
    (tmp / "real" / "keep.txt").write_text("x")
    (tmp / "link").symlink_to(tmp / "real")


def _home(tmp, monkeypatch):
    home = tmp / "home"
    (home / "x").mkdir(parents=True)
    (home / "notes.txt").write_text("mine")
    (home / "x" / "keep.txt").write_text("mine")
    monkeypatch.setenv("HOME", str(home))


def _earlier_sweep(tmp, monkeypatch):
    (tmp / "s.json").write_text(json.dumps({"samples": 1, "seed": 0, "results": {}}))


def _locked(tmp, monkeypatch):
    handle = os.open(tmp / ".s.json.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when the test's process closes it


def _disk_full_at_temp(tmp, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs.tempfile, "mkstemp", full)
    monkeypatch.setattr(outputs.tempfile, "mkdtemp", full)


def _disk_full_while_writing(tmp, monkeypatch):
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_text", full)


def _nan_results(tmp, monkeypatch):
    original = sweep.evaluate

    def broken(start, draws):
        results = original(start, draws)
        results["peak_need"][0] = np.nan
        return results

    monkeypatch.setattr(sweep, "evaluate", broken)


def _raw(table: str, change):
    """A set-up that copies data/ to tmp/data and rewrites one file's bytes with ``change(bytes) -> bytes``."""

    def setup(tmp: Path, monkeypatch) -> None:
        _edit(table, "-", "id", "-")(tmp, monkeypatch)
        path = tmp / "data" / table
        path.write_bytes(change(path.read_bytes()))

    return setup


def _drop_fact(fact_id: str):
    def setup(tmp: Path, monkeypatch) -> None:
        _raw(
            "facts.csv",
            lambda b: b"\n".join(line for line in b.split(b"\n") if not line.startswith(f"{fact_id},".encode())),
        )(tmp, monkeypatch)

    return setup


def _earlier_run(folder: str, *extra: str):
    """A set-up that leaves an earlier run in tmp/folder (what `run` writes), plus ``extra`` files of the user's."""

    def setup(tmp: Path, monkeypatch) -> None:
        run = tmp / folder
        (run / "notebooks").mkdir(parents=True)
        (run / "notebooks" / "concentration.ipynb").write_text("{}")
        (run / "comparison.csv").write_text("notebook\n")
        (run / "results.json").write_text('{"parameters": {}, "values": {}}')
        outputs._write_manifest(run)
        for name in extra:
            (run / name).parent.mkdir(parents=True, exist_ok=True)
            (run / name).write_text("mine")

    return setup


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        check=True,
    )


def _set_glued(notebook: Path, values: dict[str, str]) -> None:
    document = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in document["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name in values:
                output["data"][GLUE_MIME] = values[name]
    notebook.write_text(json.dumps(document), encoding="utf-8")


def _diff_repo(change, before=None):
    """A set-up: tmp/repo, a git repository holding the ledgers and the debt notebook, committed twice:
    once as they are (after ``before(repo)``, if given) and once after ``change(repo)``."""

    def setup(tmp: Path, monkeypatch) -> None:
        import shutil

        repo = tmp / "repo"
        (repo / "data").mkdir(parents=True)
        (repo / "notebooks").mkdir()
        for name in ("facts.csv", "sources.csv", "claims.csv"):
            shutil.copy(REPO_ROOT / "data" / name, repo / "data" / name)
        shutil.copy(NOTEBOOK_DIR / "debt.ipynb", repo / "notebooks" / "debt.ipynb")
        _git(repo, "init", "-q", "-b", "main")
        for step in (before, change):
            if step:
                step(repo)
            _git(repo, "add", "-A")
            _git(repo, "commit", "-q", "--allow-empty", "-m", "step")

    return setup


def _fact_value(fact_id: str, value: str):
    def change(repo: Path) -> None:
        path = repo / "data" / "facts.csv"
        lines = path.read_text(encoding="utf-8").split("\n")
        lines = [
            f"{fact_id},{value}," + line.split(",", 2)[2] if line.startswith(f"{fact_id},") else line for line in lines
        ]
        path.write_text("\n".join(lines), encoding="utf-8")

    return change


def _without_accessed(repo: Path) -> None:
    path = repo / "data" / "sources.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [row[:6] for row in csv.reader(handle)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _restore_sources(repo: Path) -> None:
    import shutil

    shutil.copy(REPO_ROOT / "data" / "sources.csv", repo / "data" / "sources.csv")


BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n" for a, b in zip("abcdefg", "bcdefgh")
    )
    + "samples: [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
)


@dataclass(frozen=True)
class Case:
    id: str
    args: list[str]
    exit: int
    message: str
    setup: object = None
    unchanged: list[str] = field(default_factory=list)  # paths under tmp that must survive untouched
    absent: list[str] = field(default_factory=list)  # paths under tmp (or the repo: "repo:...") that must not appear


RUN = ["run", "--notebooks", "concentration", "--no-site"]
SWEEP = ["sweep", "--samples", "10"]

CASES = [
    # 1. run --force deletes what it is pointed at
    Case("run-force-git", [*RUN, "--force", "--out", str(REPO_ROOT / ".git")], 2, "is inside the repository's .git"),
    Case("run-force-book", [*RUN, "--force", "--out", str(REPO_ROOT / "book")], 2, "is inside the repository's book/"),
    Case("run-book", [*RUN, "--out", str(REPO_ROOT / "book")], 2, "is inside the repository's book/"),
    Case(
        "run-force-package",
        [*RUN, "--force", "--out", str(REPO_ROOT / "runthenumbers")],
        2,
        "is inside the repository's runthenumbers/",
    ),
    Case(
        "run-force-tests",
        [*RUN, "--force", "--out", str(REPO_ROOT / "tests" / "new")],
        2,
        "is inside the repository's tests/",
    ),
    Case("run-force-venv", [*RUN, "--force", "--out", str(REPO_ROOT / ".venv")], 2, "is inside the repository's .venv"),
    Case(
        "run-force-file-in-repo",
        [*RUN, "--force", "--out", str(REPO_ROOT / "README.md")],
        2,
        "is inside the repository's README.md",
    ),
    Case(
        "run-force-repo",
        [*RUN, "--force", "--out", str(REPO_ROOT)],
        2,
        "would replace the repository or a folder holding it",
    ),
    Case("run-force-root", [*RUN, "--force", "--out", "/"], 2, "would replace the repository or a folder holding it"),
    Case(
        "run-force-runs-itself", [*RUN, "--force", "--out", str(REPO_ROOT / "runs")], 2, "outputs go only under runs/"
    ),
    Case(
        "run-dotdot-into-data",
        [*RUN, "--force", "--out", str(REPO_ROOT / "notebooks" / ".." / "data")],
        2,
        "is inside the repository's data/",
    ),
    Case(
        "run-force-home",
        [*RUN, "--force", "--out", "~"],
        2,
        "is not a previous run (it has no results.json); refusing to replace it, even with --force",
        setup=_home,
        unchanged=["home/notes.txt"],
    ),
    Case(
        "run-tilde-expanded",
        [*RUN, "--out", "~/notes.txt"],
        2,
        "is a file; give a folder path",
        setup=_home,
        absent=["repo:~"],
    ),
    Case(
        "run-force-not-a-run",
        [*RUN, "--force", "--out", "{tmp}/mine"],
        2,
        "is not a previous run",
        setup=_file("mine/keep.txt", "x"),
        unchanged=["mine/keep.txt"],
    ),
    Case(
        "run-earlier-run-needs-force",
        [*RUN, "--out", "{tmp}/old"],
        2,
        "holds earlier output; pass --force to replace it",
        setup=_earlier_run("old"),
        unchanged=["old/results.json"],
    ),
    # Second pass, R18: a folder that merely holds a results.json is not a run; --force replaces only what a run wrote.
    Case(
        "run-force-results-json-is-not-a-run",
        [*RUN, "--force", "--out", "{tmp}/proj"],
        2,
        "is not a previous run (it has no list .runthenumbers-run of the files a run wrote there); refusing to replace it",
        setup=_both(
            _file("proj/results.json", "{}"), _file("proj/thesis.tex", "precious"), _file("proj/src/main.py", "code")
        ),
        unchanged=["proj/thesis.tex", "proj/src/main.py", "proj/results.json"],
    ),
    Case(
        "run-force-earlier-run-with-a-file-added",
        [*RUN, "--force", "--out", "{tmp}/old"],
        2,
        "is not a previous run (it holds thesis.tex, which the run did not write)",
        setup=_earlier_run("old", "thesis.tex"),
        unchanged=["old/thesis.tex", "old/results.json"],
    ),
    Case(
        "run-force-earlier-run-with-a-folder-added",
        [*RUN, "--force", "--out", "{tmp}/old"],
        2,
        "(it holds notebooks/mine/, which the run did not write)",
        setup=_earlier_run("old", "notebooks/mine/draft.md"),
        unchanged=["old/notebooks/mine/draft.md"],
    ),
    Case(
        "run-force-manifest-unreadable",
        [*RUN, "--force", "--out", "{tmp}/old"],
        2,
        "(it has no list .runthenumbers-run of the files a run wrote there)",
        setup=_both(_earlier_run("old", "thesis.tex"), _file("old/.runthenumbers-run", "not json")),
        unchanged=["old/thesis.tex"],
    ),
    Case(
        "run-a-file",
        [*RUN, "--force", "--out", "{tmp}/afile"],
        2,
        "is a file; give a folder path",
        setup=_file("afile", "x"),
        unchanged=["afile"],
    ),
    Case(
        "run-symlink",
        [*RUN, "--force", "--out", "{tmp}/link"],
        2,
        "is a symbolic link",
        setup=_symlink,
        unchanged=["real/keep.txt"],
    ),
    Case(
        "run-symlink-into-data",
        [*RUN, "--force", "--out", "{tmp}/data-link/new"],
        2,
        "is inside the repository's data/",
        setup=lambda tmp, mp: (tmp / "data-link").symlink_to(REPO_ROOT / "data"),
    ),
    Case(
        "run-missing-parent", [*RUN, "--out", "{tmp}/no/such/run"], 2, "does not exist; create it first", absent=["no"]
    ),
    Case("run-proc", [*RUN, "--out", "/proc/rtn-out"], 2, "cannot write in /proc"),
    Case(
        "run-disk-full",
        [*RUN, "--out", "{tmp}/full"],
        2,
        "No space left on device",
        setup=_disk_full_at_temp,
        absent=["full"],
    ),
    # 2. sweep --out overwrites anything
    Case("sweep-out-ledger", [*SWEEP, "--out", str(PROTECTED_FILES[0])], 2, "is inside the repository's data/"),
    Case(
        "sweep-out-ledger-force",
        [*SWEEP, "--force", "--out", str(PROTECTED_FILES[0])],
        2,
        "is inside the repository's data/",
    ),
    Case("sweep-out-notebook", [*SWEEP, "--out", str(PROTECTED_FILES[1])], 2, "is inside the repository's notebooks/"),
    Case(
        "sweep-out-other-file",
        [*SWEEP, "--force", "--out", "{tmp}/notes.txt"],
        2,
        "is not written by `runthenumbers sweep`",
        setup=_file("notes.txt", "mine"),
        unchanged=["notes.txt"],
    ),
    Case("sweep-out-dev-full", [*SWEEP, "--force", "--out", "/dev/full"], 2, "is not written by `runthenumbers sweep`"),
    Case(
        "sweep-out-earlier",
        [*SWEEP, "--out", "{tmp}/s.json"],
        2,
        "holds earlier output; pass --force",
        setup=_earlier_sweep,
        unchanged=["s.json"],
    ),
    Case("sweep-out-folder", [*SWEEP, "--out", "{tmp}"], 2, "is a folder; give a file path"),
    Case(
        "sweep-missing-parent",
        [*SWEEP, "--out", "{tmp}/nodir/x.json"],
        2,
        "the folder {tmp}/nodir does not exist; create it first",
        absent=["nodir"],
    ),
    Case(
        "sweep-disk-full-at-start",
        [*SWEEP, "--out", "{tmp}/x.json"],
        2,
        "No space left on device",
        setup=_disk_full_at_temp,
        absent=["x.json"],
    ),
    Case(
        "sweep-disk-full-while-writing",
        [*SWEEP, "--out", "{tmp}/x.json"],
        2,
        "No space left on device",
        setup=_disk_full_while_writing,
        absent=["x.json"],
    ),
    # 3. a second writer to the same --out
    Case(
        "sweep-locked",
        [*SWEEP, "--out", "{tmp}/s.json"],
        2,
        "is being written by another command",
        setup=_locked,
        absent=["s.json"],
    ),
    # 4. no bound on --samples
    Case("sweep-samples-huge", ["sweep", "--samples", "1000000000000"], 2, "is above the limit of 20,000,000"),
    Case("sweep-samples-zero", ["sweep", "--samples", "0"], 2, "is not a positive whole number"),
    # 6. sweep --vary skips the registry's ranges and rules
    Case(
        "vary-pace-zero",
        [*SWEEP, "--vary", "build_pace_mw=fixed:0"],
        2,
        "build_pace_mw = 0.0 is outside the allowed range 1 to 10000",
    ),
    Case(
        "vary-pace-negative",
        [*SWEEP, "--vary", "build_pace_mw=uniform:-5:-1"],
        2,
        "is outside the allowed range 1 to 10000",
    ),
    Case("vary-slip-fraction", [*SWEEP, "--vary", "partner_slip=fixed:2.5"], 2, "is not a whole number"),
    Case(
        "vary-capex-huge",
        [*SWEEP, "--vary", "capex_per_mw=fixed:1e30"],
        2,
        "capex_per_mw = 1e+30 is outside the allowed range 1 to 1e+09 (USD/MW)",
    ),
    Case(
        "vary-price-negative",
        [*SWEEP, "--vary", "revenue_per_mw_year=uniform:-1:5"],
        2,
        "revenue_per_mw_year = -1.0 is outside the allowed range",
    ),
    Case(
        "vary-share-above-one",
        [*SWEEP, "--vary", "backlog_conversion=uniform:0.5:1.5"],
        2,
        "backlog_conversion = 1.5 is outside the allowed range 0 to 1",
    ),
    Case(
        "vary-sofr-negative",
        [*SWEEP, "--vary", "sofr=uniform:-5:-4"],
        2,
        "sofr = -5.0 is outside the allowed range 0 to 0.2",
    ),
    Case(
        "vary-margin",
        [*SWEEP, "--vary", "ebitda_margin=uniform:-100:100"],
        2,
        "ebitda_margin = -100.0 is outside the allowed range -1 to 1",
    ),
    Case("vary-slip", [*SWEEP, "--vary", "partner_slip=fixed:1e9"], 2, "is outside the allowed range 0 to 26"),
    Case(
        "vary-low-above-high",
        [*SWEEP, "--vary", "new_debt_rate=uniform:0.09:0.07"],
        2,
        "is not of the form new_debt_rate=uniform:LOW:HIGH",
    ),
    Case(
        "vary-triangular-flat",
        [*SWEEP, "--vary", "sofr=triangular:0.03:0.03:0.03"],
        2,
        "a triangular distribution needs LOW < HIGH",
    ),
    Case(
        "vary-triangular-no-mode",
        [*SWEEP, "--vary", "sofr=triangular:0.03:0.05"],
        2,
        "a triangular distribution needs a mode",
    ),
    Case("vary-twice", [*SWEEP, "--vary", "sofr=fixed:0.03", "--vary", "sofr=fixed:0.04"], 2, "is given twice"),
    Case("vary-did-you-mean", [*SWEEP, "--vary", "sofr_drfit=fixed:0.03"], 2, "did you mean 'sofr_drift'?"),
    Case("vary-old-name", [*SWEEP, "--vary", "cost_per_mw=fixed:0"], 2, "did you mean 'capex_per_mw'? (renamed"),
    Case("vary-old-sofr", [*SWEEP, "--vary", "sofr_level=fixed:0.03"], 2, "did you mean 'sofr'? (renamed"),
    Case("sweep-nan-result", SWEEP, 2, "are not finite (NaN or infinite); no summary is given", setup=_nan_results),
    # 5. impossible ledger values
    Case(
        "fact-nan", ["facts"], 1, "data/facts.csv:", setup=_edit("facts.csv", "article_revenue_fy2024", "value", "nan")
    ),
    Case(
        "fact-nan-message",
        ["facts", "--format", "json"],
        1,
        "column 'value': 'nan': Input should be a finite number",
        setup=_edit("facts.csv", "article_revenue_fy2024", "value", "nan"),
    ),
    Case(
        "fact-inf",
        ["facts"],
        1,
        "column 'value': 'inf': Input should be a finite number",
        setup=_edit("facts.csv", "article_net_loss_fy2024", "value", "inf"),
    ),
    Case(
        "fact-date",
        ["facts"],
        1,
        "column 'value': 20251399 is not a calendar date",
        setup=_edit("facts.csv", "cw_ipo_first_trade_date", "value", "20251399"),
    ),
    Case(
        "fact-date-feb",
        ["facts"],
        1,
        "20250229 is not a calendar date",
        setup=_edit("facts.csv", "cw_ipo_first_trade_date", "value", "20250229"),
    ),
    Case(
        "fact-fraction-7",
        ["facts"],
        1,
        "column 'value': 7 is not a fraction from 0 to 1",
        setup=_edit("facts.csv", "article_microsoft_share_fy2024", "value", "7"),
    ),
    Case(
        "fact-fraction-negative",
        ["facts"],
        1,
        "-0.62 is not a fraction from 0 to 1",
        setup=_edit("facts.csv", "article_microsoft_share_fy2024", "value", "-0.62"),
    ),
    Case(
        "fact-share-nan-claims",
        ["claims"],
        1,
        "Input should be a finite number",
        setup=_edit("facts.csv", "article_microsoft_share_fy2024", "value", "nan"),
    ),
    Case(
        "fact-unknown-prefix",
        ["facts"],
        1,
        "column 'id': id 'zz_new_fact' starts with 'zz', which is not a ledger group",
        setup=_edit("facts.csv", "cw_revenue_fy2024", "id", "zz_new_fact"),
    ),
    Case(
        "claim-tolerance-inf",
        ["claims"],
        1,
        "column 'tolerance': 'inf': Input should be a finite number",
        setup=_edit("claims.csv", "K9", "tolerance", "inf"),
    ),
    Case(
        "claim-tolerance-huge",
        ["claims"],
        1,
        "column 'tolerance': '1e9': Input should be less than or equal to 1",
        setup=_edit("claims.csv", "K9", "tolerance", "1e9"),
    ),
    Case(
        "claim-tolerance-negative",
        ["claims"],
        1,
        "column 'tolerance': '-0.1': Input should be greater than 0",
        setup=_edit("claims.csv", "K9", "tolerance", "-0.1"),
    ),
    Case(
        "claim-tolerance-nan",
        ["claims"],
        1,
        "column 'tolerance': 'nan': Input should be a finite number",
        setup=_edit("claims.csv", "K9", "tolerance", "nan"),
    ),
    Case("ledger-missing", ["facts"], 2, "facts.csv: No such file or directory", setup=_missing_facts),
    # 9 and 10. --params files
    Case(
        "params-binary",
        [*RUN, "--params", "{tmp}/binary.yaml", "--out", "{tmp}/o"],
        2,
        "is not UTF-8 text",
        setup=_file("binary.yaml", b"\xff\xfe\x00s\x00o"),
        absent=["o"],
    ),
    Case(
        "params-samples-inf",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "samples = inf is outside the allowed range",
        setup=_file("p.yaml", "samples: .inf\n"),
    ),
    Case(
        "params-samples-nan",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "samples = nan is outside the allowed range",
        setup=_file("p.yaml", "samples: .nan\n"),
    ),
    Case(
        "params-samples-huge-int",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "samples = <whole number of about 401 digits> is outside the allowed range",
        setup=_file("p.yaml", "samples: 1" + "0" * 401 + "\n"),
    ),
    Case(
        "params-sofr-huge-int",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "is outside the allowed range 0 to 0.2",
        setup=_file("p.yaml", "sofr: 1" + "0" * 401 + "\n"),
    ),
    Case(
        "params-alias-bomb",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "aliases (*a) are not allowed",
        setup=_file("p.yaml", BOMB),
    ),
    Case(
        "params-key-twice",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "'sofr' is given twice",
        setup=_file("p.yaml", "sofr: 0.03\nsofr: 0.04\n"),
    ),
    Case(
        "params-malformed",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "not valid YAML",
        setup=_file("p.yaml", "sofr: [0.03\n"),
    ),
    Case(
        "params-python-object",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "not valid YAML",
        setup=_file("p.yaml", "sofr: !!python/object/apply:os.system ['true']\n"),
    ),
    # 11. errors late or badly worded
    Case(
        "set-samples-1e4-accepted",
        ["run", "--set", "samples=1e4", "--set", "seed=-1", "--out", "{tmp}/o"],
        2,
        "error: seed = -1 is outside",
    ),
    Case(
        "set-whole",
        ["run", "--set", "ddtl2_last_draw_quarter=2.5", "--out", "{tmp}/o"],
        2,
        "ddtl2_last_draw_quarter = 2.5 is not a whole number",
    ),
    Case(
        "set-many-digits",
        ["run", "--set", "samples=" + "9" * 5000, "--out", "{tmp}/o"],
        2,
        "is outside the allowed range",
    ),
    Case(
        "set-twice",
        [
            "run",
            "--set",
            "stress_top_two_revenue_lost=0.1",
            "--set",
            "stress_top_two_revenue_lost=0.9",
            "--out",
            "{tmp}/o",
        ],
        2,
        "--set stress_top_two_revenue_lost is given more than once",
    ),
    Case(
        "set-did-you-mean",
        ["run", "--set", "sofrr=0.05", "--out", "{tmp}/o"],
        2,
        "unknown parameter 'sofrr'; did you mean 'sofr'",
    ),
    Case(
        "set-did-you-mean-share",
        ["run", "--set", "microsoft_share=0.5", "--out", "{tmp}/o"],
        2,
        "did you mean 'microsoft_share_2024'",
    ),
    Case("sweep-seed-negative", [*SWEEP, "--seed", "-1"], 2, "-1 is not in the range x>=0"),
    # --- second pass (research/hostile2/report.md) ---
    # L09: value rules for every unit that cannot be negative, and whole counts.
    Case(
        "fact-mw-negative",
        ["facts"],
        1,
        "column 'value': -500 is negative, which a value in MW cannot be",
        setup=_edit("facts.csv", "capex_site_jv_initial_capacity_va", "value", "-500"),
    ),
    Case(
        "fact-count-fraction",
        ["facts"],
        1,
        "column 'value': 2.5 is not a whole number; a count counts things",
        setup=_edit("facts.csv", "cw_nvda_shares_2026", "value", "2.5"),
    ),
    Case(
        "fact-count-negative",
        ["facts"],
        1,
        "-3 is negative, which a value in count cannot be",
        setup=_edit("facts.csv", "cw_nvda_shares_2026", "value", "-3"),
    ),
    Case(
        "fact-years-negative",
        ["facts"],
        1,
        "-5 is negative, which a value in years cannot be",
        setup=_edit("facts.csv", "cw_openai_contract_term", "value", "-5"),
    ),
    Case(
        "fact-months-negative",
        ["facts"],
        1,
        "-3 is negative, which a value in months cannot be",
        setup=_edit("facts.csv", "article_debt_ddtl2_extension_months", "value", "-3"),
    ),
    Case(
        "fact-quarters-negative",
        ["facts"],
        1,
        "-13 is negative, which a value in quarters cannot be",
        setup=_edit("facts.csv", "article_debt_ddtl1_quarters_left", "value", "-13"),
    ),
    Case(
        "fact-multiple-negative",
        ["facts"],
        1,
        "-1 is negative, which a value in multiple cannot be",
        setup=_edit("facts.csv", "article_spend_per_revenue_dollar_fy2024", "value", "-1"),
    ),
    Case(
        "fact-gpu-hour-negative",
        ["facts"],
        1,
        "-4.7 is negative, which a value in USD/GPU-hour cannot be",
        setup=_edit("facts.csv", "debt_h100_price_initial", "value", "-4.7"),
    ),
    Case(
        "fact-kwh-negative",
        ["facts"],
        1,
        "-0.08 is negative, which a value in USD/kWh cannot be",
        setup=_edit("facts.csv", "capex_us_industrial_electricity_price_2023", "value", "-0.08"),
    ),
    Case(
        "fact-usd-per-mw-negative",
        ["facts"],
        1,
        "-1 is negative, which a value in USD/MW cannot be",
        setup=_both(
            _edit("facts.csv", "capex_us_industrial_electricity_price_2023", "unit", "USD/MW"),
            _edit("facts.csv", "capex_us_industrial_electricity_price_2023", "value", "-1"),
        ),
    ),
    Case(
        "fact-usd-negative-is-allowed",
        ["facts", "--format", "json"],
        0,
        '"value": -5.0',
        setup=_edit("facts.csv", "article_revenue_fy2024", "value", "-5"),
    ),
    # L06, L18, L19, L24, L26: messages that show the value, name the file, show the BOM; fields over the csv limit.
    Case(
        "fact-date-half-day",
        ["facts"],
        1,
        "column 'value': 20250328.5 is not a calendar date",
        setup=_edit("facts.csv", "cw_ipo_first_trade_date", "value", "20250328.5"),
    ),
    Case(
        "ledger-not-utf8",
        ["facts"],
        1,
        "data/facts.csv:1: column 'file': is not UTF-8 text (byte b'\\xff' at offset 0)",
        setup=_raw("facts.csv", lambda b: b"\xff\xfe" + b),
    ),
    Case(
        "ledger-not-utf8-later-line",
        ["facts"],
        1,
        "data/facts.csv:3: column 'file': is not UTF-8 text",
        setup=_raw("facts.csv", lambda b: b.replace(b"\n", b"\n\xe9", 2).replace(b"\n\xe9", b"\n", 1)),
    ),
    Case(
        "ledger-bom",
        ["facts"],
        1,
        "data/facts.csv:1: column 'header': the file starts with a byte-order mark (U+FEFF)",
        setup=_raw("facts.csv", lambda b: b"\xef\xbb\xbf" + b),
    ),
    Case(
        "ledger-field-too-long",
        ["facts"],
        1,
        "data/facts.csv:2: column 'row': cannot be read as CSV: field larger than field limit",
        setup=_edit("facts.csv", "article_revenue_fy2024", "note", "x" * 200_000),
    ),
    Case(
        "claims-field-too-long",
        ["claims"],
        1,
        "column 'row': cannot be read as CSV: field larger than field limit",
        setup=_edit("claims.csv", "C1", "explanation", "x" * 200_000),
    ),
    # CL-scale: a claim's scale is finite and above 0.
    Case(
        "claim-scale-zero",
        ["claims"],
        1,
        "column 'scale': '0': Input should be greater than 0",
        setup=_edit("claims.csv", "K9", "scale", "0"),
    ),
    Case(
        "claim-scale-negative",
        ["claims"],
        1,
        "column 'scale': '-1000000000': Input should be greater than 0",
        setup=_edit("claims.csv", "K9", "scale", "-1000000000"),
    ),
    Case(
        "claim-scale-inf",
        ["claims"],
        1,
        "column 'scale': 'inf': Input should be a finite number",
        setup=_edit("claims.csv", "K9", "scale", "inf"),
    ),
    # L10, L10b, L10c: a ledger default outside its parameter's range is named, with the fact, by every command.
    *[
        Case(
            f"ledger-default-out-of-range-{args[0]}",
            args,
            2,
            "data/facts.csv: fact 'debt_sofr_180d_avg_20250807' = 0.5 is the default of sofr, whose allowed range is 0 to 0.2 (fraction)",
            setup=_edit("facts.csv", "debt_sofr_180d_avg_20250807", "value", "0.5"),
        )
        for args in (
            ["params"],
            ["schedule"],
            [*SWEEP],
            ["run", "--notebooks", "debt", "--no-site", "--out", "{tmp}/o"],
        )
    ],
    Case(
        "ledger-default-out-of-range-not-needed",
        [*RUN, "--out", "{tmp}/o", "--set", "nosuch=1"],
        2,
        "unknown parameter 'nosuch'",
        setup=_edit("facts.csv", "debt_sofr_180d_avg_20250807", "value", "0.5"),
    ),
    # L28: a fact the code needs and the ledger lacks.
    *[
        Case(
            f"ledger-lacks-a-default-{args[0]}",
            args,
            2,
            "error: data/facts.csv has no fact 'debt_sofr_180d_avg_20250807', which parameter sofr needs",
            setup=_drop_fact("debt_sofr_180d_avg_20250807"),
        )
        for args in (
            ["params"],
            ["schedule"],
            [*SWEEP],
            ["run", "--notebooks", "debt", "--no-site", "--out", "{tmp}/o"],
        )
    ],
    Case(
        "run-with-a-broken-ledger",
        [*RUN, "--out", "{tmp}/o"],
        1,
        "data/facts.csv:",
        setup=_edit("facts.csv", "cw_nvda_shares_2026", "value", "2.5"),
        absent=["o"],
    ),
    Case(
        "ledger-lacks-a-model-fact-schedule",
        ["schedule"],
        2,
        "error: data/facts.csv has no fact 'debt_ddtl1_balance_2024q4', which `runthenumbers schedule` needs",
        setup=_drop_fact("debt_ddtl1_balance_2024q4"),
    ),
    Case(
        "ledger-lacks-a-model-fact",
        [*SWEEP],
        2,
        "error: data/facts.csv has no fact 'debt_ddtl3_commitment', which `runthenumbers sweep` needs",
        setup=_drop_fact("debt_ddtl3_commitment"),
    ),
    # K17, K26: parameters files nested too deeply, or of unbounded size.
    *[
        Case(
            f"params-deep-{args[0]}",
            [*args, "--params", "{tmp}/deep.yaml"],
            2,
            "values are nested more than 20 levels deep",
            setup=_file("deep.yaml", "sofr: " + "[" * 2000 + "]" * 2000 + "\n"),
        )
        for args in (["schedule"], ["run", "--out", "{tmp}/o"])
    ],
    *[
        Case(
            f"params-dev-zero-{args[0]}",
            [*args, "--params", "/dev/zero"],
            2,
            "parameters file '/dev/zero' is not a regular file",
        )
        for args in (["schedule"], ["run", "--out", "{tmp}/o"])
    ],
    Case(
        "params-huge-file",
        ["schedule", "--params", "{tmp}/big.yaml"],
        2,
        "is larger than 1,000,000 bytes",
        setup=_file("big.yaml", "# " + "x" * 1_100_000 + "\nsofr: 0.04\n"),
    ),
    Case(
        "params-fifo",
        ["schedule", "--params", "{tmp}/fifo.yaml"],
        2,
        "is not a regular file",
        setup=lambda tmp, mp: os.mkfifo(tmp / "fifo.yaml"),
    ),
    Case(
        "params-missing",
        ["schedule", "--params", "{tmp}/none.yaml"],
        2,
        "parameters file '{tmp}/none.yaml' does not exist",
    ),
    # K31: an input the schedule does not read is refused, not ignored.
    Case(
        "schedule-ebitda-haircut",
        ["schedule", "--set", "ebitda_haircut=0.9"],
        2,
        "error: ebitda_haircut does not change the schedule; it takes sofr",
    ),
    # P01: inputs inside the range must not crash the chapter; the range now says what the chapter can take.
    Case(
        "capex-per-mw-zero",
        ["run", "--set", "capex_per_mw=0", "--notebooks", "capex", "--no-site", "--out", "{tmp}/o"],
        2,
        "capex_per_mw = 0.0 is outside the allowed range 1 to 1e+09 (USD/MW)",
        absent=["o"],
    ),
    Case(
        "capex-nothing-left-to-build",
        [
            "run",
            "--set",
            "active_mw=1300",
            "--set",
            "contracted_mw=1300",
            "--notebooks",
            "capex",
            "--no-site",
            "--out",
            "{tmp}/o",
        ],
        2,
        "active_mw must be below contracted_mw",
        absent=["o"],
    ),
    # D14, D17-D21, L27: diff reads older ledgers, and refuses non-finite values instead of publishing them.
    Case(
        "diff-older-sources-without-accessed",
        ["diff", "--repo", "{tmp}/repo", "HEAD~1", "HEAD"],
        0,
        "accessed '' -> '",
        setup=_diff_repo(_restore_sources, before=_without_accessed),
    ),
    *[
        Case(
            f"diff-nan-fact-{fmt}",
            ["diff", "--repo", "{tmp}/repo", "HEAD~1", "HEAD", "--format", fmt],
            2,
            "Error: revision 'HEAD': data/facts.csv gives fact 'article_microsoft_share_fy2024' the value 'nan', "
            "which is not a finite number",
            setup=_diff_repo(_fact_value("article_microsoft_share_fy2024", "nan")),
        )
        for fmt in ("table", "json", "markdown")
    ],
    Case(
        "diff-inf-fact",
        ["diff", "--repo", "{tmp}/repo", "HEAD~1", "HEAD"],
        2,
        "gives fact 'article_revenue_fy2024' the value '1e400'",
        setup=_diff_repo(_fact_value("article_revenue_fy2024", "1e400")),
    ),
    *[
        Case(
            f"diff-inf-glued-{fmt}",
            ["diff", "--repo", "{tmp}/repo", "HEAD~1", "HEAD", "--format", fmt],
            2,
            "Error: revision 'HEAD': notebooks/debt.ipynb publishes total_principal_bn = inf, which is not a finite number",
            setup=_diff_repo(
                lambda repo: _set_glued(
                    repo / "notebooks" / "debt.ipynb", {"total_principal_bn": "1e999", "ddtl1_rate": "-1e999"}
                )
            ),
        )
        for fmt in ("table", "json", "markdown")
    ],
    Case(
        "diff-field-too-long",
        ["diff", "--repo", "{tmp}/repo", "HEAD~1", "HEAD"],
        2,
        "Error: revision 'HEAD': data/facts.csv:2 cannot be read as CSV: field larger than field limit",
        setup=_diff_repo(_fact_value("article_revenue_fy2024", "1" + "0" * 200_000)),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_input_is_refused_with_a_message(case, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    if case.setup:
        case.setup(tmp_path, monkeypatch)
    before = {p: _sha(tmp_path / p) for p in case.unchanged}
    protected = {p: _sha(p) for p in PROTECTED_FILES}
    args = [a.replace("{tmp}", str(tmp_path)) for a in case.args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == case.exit, result.output[-2000:]
    assert case.message.replace("{tmp}", str(tmp_path)) in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), "traceback"
    assert "Traceback" not in result.output
    assert all(len(line) < 1000 for line in result.output.splitlines()), "an echoed value was not cut"
    assert {p: _sha(tmp_path / p) for p in case.unchanged} == before
    assert {p: _sha(p) for p in PROTECTED_FILES} == protected
    for path in case.absent:
        where = REPO_ROOT / path[5:] if path.startswith("repo:") else tmp_path / path
        assert not where.exists(), f"{where} appeared"
    assert not list(work.iterdir()), "litter in the working folder"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")], (
        "temporary left behind"
    )


def test_the_table_covers_every_kind_of_case():
    assert len(CASES) >= 70
    assert len({c.id for c in CASES}) == len(CASES)


def test_echoed_values_are_cut():
    result = CliRunner().invoke(main, ["run", "--set", "sofr=" + "x" * 5000, "--out", "/tmp/unused"])
    line = result.output.strip()
    assert result.exit_code == 2 and "is not a number" in line and len(line) < 2 * ECHO_LIMIT + 120


def test_a_whole_number_parameter_takes_a_float_spelling():
    from runthenumbers.runner.scenarios import collect_values

    assert collect_values(["samples=1e4"], None) == {"samples": 10000}


def test_tilde_is_expanded(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert outputs.target_of("~/x") == tmp_path / "x"


def test_every_fraction_exception_is_a_fraction_fact_outside_0_1():
    from runthenumbers.data import load_ledger

    ledger = load_ledger()
    for fact_id, reason in FRACTION_EXCEPTIONS.items():
        fact = ledger.fact(fact_id)
        assert fact.unit == "fraction" and not 0 <= fact.value <= 1 and reason


def test_a_non_finite_summary_is_refused():
    results = {
        "annual_debt_service": np.ones((3, 7)),
        "peak_need": np.array([1.0, np.nan, 2.0]),
        "service_to_revenue": np.ones(3),
        "service_to_operating_cash": np.ones(3),
        "committed_share": np.ones(3),
        "peak_quarter": np.array([-1, -1, -1]),
        "short_without_financing": np.array([-1, -1, -1]),
    }
    with pytest.raises(sweep.SweepError, match="1 scenario value"):
        sweep.summarise(results)


# --- the output guard on its own --------------------------------------------------------------------


def test_files_put_into_out_during_a_run_are_never_deleted(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(outputs.OutputError, match="changed while the command ran"):
        with outputs.writing(out, outputs.RUN) as temporary:
            (temporary / "results.json").write_text("{}")
            out.mkdir()
            (out / "mine.txt").write_text("mine")
    assert (out / "mine.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_force_replaces_an_earlier_run_atomically(tmp_path):
    out = tmp_path / "out"
    _earlier_run("out")(tmp_path, None)
    with outputs.writing(out, outputs.RUN, force=True) as temporary:
        (temporary / "results.json").write_text("new")
    assert (out / "results.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert out.stat().st_mode & 0o777 == 0o755
    # The new run is itself recognised as a run, so the next --force replaces it too.
    assert outputs.RUN.why_not(out) is None
    assert json.loads((out / outputs.RUN_MANIFEST).read_text())["entries"] == [outputs.RUN_MANIFEST, "results.json"]


def test_a_run_recognised_by_its_manifest_loses_nothing_else(tmp_path):
    _earlier_run("out", "notebooks/extra.ipynb")(tmp_path, None)
    assert outputs.RUN.why_not(tmp_path / "out") == "it holds notebooks/extra.ipynb, which the run did not write"
    link = tmp_path / "elsewhere"
    link.mkdir()
    _earlier_run("linked")(tmp_path, None)
    (tmp_path / "linked" / "notebooks" / "link").symlink_to(link)
    assert outputs.RUN.why_not(tmp_path / "linked") == "it holds notebooks/link, which the run did not write"


def test_a_killed_writers_temporaries_are_removed_by_the_next_writer(tmp_path):
    """S08/S09: a writer killed outright leaves its lock file and temporary; the next writer removes both."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    temporary = tmp_path / ".out-abcd1234"
    (temporary / "notebooks").mkdir(parents=True)
    (tmp_path / ".out.lock").write_text(
        json.dumps({"pid": dead.pid, "temporaries": [temporary.name, "../escape", "other"]})
    )
    (tmp_path / "other").write_text("mine")
    with outputs.writing(tmp_path / "out", outputs.RUN) as new:
        (new / "results.json").write_text("{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "out"]


def test_a_live_writers_record_is_left_alone(tmp_path):
    temporary = tmp_path / ".out-abcd1234"
    temporary.mkdir()
    (tmp_path / ".out.lock").write_text(json.dumps({"pid": os.getppid(), "temporaries": [temporary.name]}))
    with outputs.writing(tmp_path / "out", outputs.RUN) as new:
        (new / "results.json").write_text("{}")
    assert temporary.is_dir()


def test_an_interrupted_writer_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with outputs.writing(tmp_path / "s.json", outputs.SWEEP) as temporary:
            temporary.write_text("partial")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def _sweep_process(out: Path, samples: int):
    return subprocess.Popen(
        [str(BIN / "runthenumbers"), "sweep", "--samples", str(samples), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_writer_to_the_same_out_is_refused_and_the_first_finishes(tmp_path):
    out = tmp_path / "same.json"
    first = _sweep_process(out, 2_000_000)
    lock = tmp_path / ".same.json.lock"
    deadline = time.monotonic() + 30
    while not lock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    second = subprocess.run(
        [str(BIN / "runthenumbers"), "sweep", "--samples", "10", "--out", str(out)], capture_output=True, text=True
    )
    assert second.returncode == 2
    assert "is being written by another command" in second.stderr
    assert first.wait(120) == 0, first.stderr.read()
    assert json.loads(out.read_text())["samples"] == 2_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.json"]


# --- stale notebooks --------------------------------------------------------------------------------


def test_the_committed_notebooks_record_the_ledger_they_read():
    assert freshness.stale() == [], "run `make execute`"


def test_a_changed_ledger_makes_every_notebook_stale(ledger_copy):
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


def test_every_sign_exception_is_a_negative_fact_of_a_unit_with_a_sign_rule():
    from runthenumbers.data import load_ledger
    from runthenumbers.ledger_rules import NON_NEGATIVE_UNITS

    ledger = load_ledger()
    for fact_id, reason in SIGN_EXCEPTIONS.items():
        fact = ledger.fact(fact_id)
        assert fact.unit in NON_NEGATIVE_UNITS and fact.value < 0 and reason
    # Money has no sign rule because the ledger holds losses and outflows; say which, so the rule stays reasoned.
    negative = sorted(f.id for f in ledger.facts.values() if f.value < 0)
    assert negative and all(
        ledger.fact(f).unit in ("USD", "GBP", "EUR", "fraction") or f in SIGN_EXCEPTIONS for f in negative
    )


# --- interrupts ---------------------------------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    try:
        return {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.Error:
        return set()


def _command_line(pid: int) -> str:
    try:
        return " ".join(psutil.Process(pid).cmdline())
    except psutil.Error:
        return ""


def _alive(pids: set[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.Error:
            pass
    return alive


def _run_until_kernels_start(out: Path) -> tuple[subprocess.Popen, set[int]]:
    """A `run` of three notebooks, once its workers and their kernels (all descendants) have started."""
    process = subprocess.Popen(
        [str(BIN / "runthenumbers"), "run", "--notebooks", "concentration,debt,capex", "--no-site", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        seen |= _descendants(process.pid)
        if any("ipykernel" in _command_line(pid) for pid in seen):
            break
        time.sleep(0.1)
    assert process.poll() is None, "the run finished before it could be interrupted"
    return process, seen | _descendants(process.pid)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)],
    ids=["SIGTERM", "SIGINT", "SIGHUP"],
)
def test_an_interrupted_run_stops_every_process_and_leaves_nothing(tmp_path, signum, code):
    """S01-S03, S08: every process stops, nothing is left, and the workers print no tracebacks."""
    process, seen = _run_until_kernels_start(tmp_path / "run")
    started = time.monotonic()
    process.send_signal(signum)
    assert process.wait(30) == code, process.stderr.read()
    assert time.monotonic() - started < 15
    stderr = process.stderr.read()
    assert "stopped by" in stderr
    assert "Traceback" not in stderr and "never retrieved" not in stderr, stderr
    deadline = time.monotonic() + 5
    while _alive(seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _alive(seen) == [], "processes left behind"
    assert list(tmp_path.iterdir()) == [], "output or temporary left behind"


@pytest.mark.slow
def test_a_killed_run_leaves_no_process_and_the_next_run_clears_its_temporary(tmp_path):
    """S09: SIGKILL (the OOM killer) gives no chance to clean up; the workers and kernels still die with
    the main process, and the next run to the same --out removes the temporary and lock it left."""
    out = tmp_path / "run"
    process, seen = _run_until_kernels_start(out)
    process.kill()
    process.wait(10)
    deadline = time.monotonic() + 15
    while _alive(seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(seen) == [], "workers or kernels outlived the killed run"
    left = sorted(p.name for p in tmp_path.iterdir())
    assert ".run.lock" in left and any(n.startswith(".run-") for n in left)
    again = subprocess.run(
        [str(BIN / "runthenumbers"), "run", "--notebooks", "concentration", "--no-site", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


WORKER_SIGNALS = """
import signal
from concurrent.futures import ProcessPoolExecutor
from runthenumbers.runner import interrupts

def handlers():
    return [signal.getsignal(s) == signal.SIG_DFL for s in (signal.SIGTERM, signal.SIGHUP)]

with interrupts.signals_raise():
    with ProcessPoolExecutor(1, initializer=interrupts.worker_setup) as pool:
        print(pool.submit(handlers).result())
"""


def test_pool_workers_take_back_the_default_stop_signals():
    """S08/S09: workers forked while the main process turns signals into exceptions must still die on SIGTERM."""
    result = subprocess.run([sys.executable, "-c", WORKER_SIGNALS], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[True, True]", result.stderr


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_an_interrupted_sweep_leaves_no_output(tmp_path, signum, code):
    process = _sweep_process(tmp_path / "s.json", sweep.MAX_SAMPLES)
    deadline = time.monotonic() + 30
    while not any(p.name.startswith(".s.json-") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signum)
    assert process.wait(30) == code, process.stderr.read()
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_site_build_stops_its_whole_tree(tmp_path):
    script = (
        "import sys\n"
        "from runthenumbers.runner import interrupts\n"
        "with interrupts.signals_raise():\n"
        "    try:\n"
        "        interrupts.run_group(['bash', '-c', 'sleep 60 & sleep 60; wait'])\n"
        "    except interrupts.Interrupted as stop:\n"
        "        sys.exit(stop.exit_code)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 20
    seen: set[int] = set()
    while len(seen) < 3 and time.monotonic() < deadline:
        seen |= _descendants(process.pid)
        time.sleep(0.05)
    assert len(seen) >= 3, "bash and its two sleeps did not start"
    process.send_signal(signal.SIGTERM)
    assert process.wait(20) == 143
    assert _alive(seen) == []


# --- bounded memory -----------------------------------------------------------------------------------

# Peak resident memory of the measuring process. ru_maxrss would carry over the RSS of the pytest
# process it was forked from (Linux keeps the high-water mark across exec); VmHWM belongs to the new
# program's own memory map, so it starts from zero.
MEASURE = """
import json, sys
from runthenumbers import sweep
from runthenumbers.data import load_ledger
from runthenumbers.liquidity import Starting

def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024

ledger = load_ledger()
start = Starting.from_ledger(ledger)
inputs = sweep.registry(ledger)
before = peak_mb()
summary = sweep.stream_summary(start, inputs, int(sys.argv[1]), seed=1)
peak = peak_mb()
print(json.dumps({"peak_mb": peak, "sweep_mb": peak - before}))
"""


def _peak(samples: int) -> dict:
    result = subprocess.run([sys.executable, "-c", MEASURE, str(samples)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.slow
def test_sweep_memory_is_bounded_at_a_million_and_ten_million_scenarios():
    million, ten_million = _peak(1_000_000), _peak(10_000_000)
    print(f"peak RSS: 1e6 {million['peak_mb']:.0f} MB, 1e7 {ten_million['peak_mb']:.0f} MB")
    # 44 bytes a scenario (float32 copies of eleven figures) plus one chunk's working arrays.
    assert million["peak_mb"] < 500
    assert million["sweep_mb"] < 200
    assert ten_million["sweep_mb"] < 700
    assert ten_million["peak_mb"] < 900


def test_stream_summary_agrees_with_the_full_summary():
    from runthenumbers.data import load_ledger
    from runthenumbers.liquidity import Starting

    ledger = load_ledger()
    start = Starting.from_ledger(ledger)
    inputs = sweep.registry(ledger)
    full = sweep.summarise(sweep.run(start, inputs, 60_000, seed=5))
    streamed = sweep.stream_summary(start, inputs, 60_000, seed=5)
    assert streamed == full
