"""The output guard (`runthenumbers/runner/outputs.py`): `run --out DIR` and `sweep --out FILE` never
replace what they did not write, never write into the repository outside runs/, and leave nothing
half-written: refused paths as command, exit code and message, then the guard on its own."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_cases import (
    BIN,
    PROTECTED_FILES,
    RUN,
    SWEEP,
    Case,
    both,
    check,
    sweep_process,
    table,
    write_file,
)

from runthenumbers.data import REPO_ROOT
from runthenumbers.runner import outputs

# --- set-ups: each takes (tmp, monkeypatch) and prepares the output's folder for one case -------------------


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


CASES = [
    # run --out: the repository and its folders are never an output; inside it, only runs/ takes one.
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
    # run --out: what is there is replaced only if it is an earlier run, and only with --force; ~ is expanded.
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
        setup=write_file("mine/keep.txt", "x"),
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
    # A folder that merely holds a results.json is not a run; --force replaces only what a run wrote.
    Case(
        "run-force-results-json-is-not-a-run",
        [*RUN, "--force", "--out", "{tmp}/proj"],
        2,
        "is not a previous run (it has no list .runthenumbers-run of the files a run wrote there); refusing to replace it",
        setup=both(
            write_file("proj/results.json", "{}"),
            write_file("proj/thesis.tex", "precious"),
            write_file("proj/src/main.py", "code"),
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
        setup=both(_earlier_run("old", "thesis.tex"), write_file("old/.runthenumbers-run", "not json")),
        unchanged=["old/thesis.tex"],
    ),
    # run --out: a file, a symbolic link, a missing or unwritable parent, a full disk.
    Case(
        "run-a-file",
        [*RUN, "--force", "--out", "{tmp}/afile"],
        2,
        "is a file; give a folder path",
        setup=write_file("afile", "x"),
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
    # sweep --out: the same guard for a file.
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
        setup=write_file("notes.txt", "mine"),
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
    # A second writer to the same output is refused while the first holds the lock.
    Case(
        "sweep-locked",
        [*SWEEP, "--out", "{tmp}/s.json"],
        2,
        "is being written by another command",
        setup=_locked,
        absent=["s.json"],
    ),
]


@table(CASES)
def test_hostile_input_is_refused_with_a_message(case, tmp_path, monkeypatch):
    check(case, tmp_path, monkeypatch)


def test_tilde_is_expanded(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert outputs.target_of("~/x") == tmp_path / "x"


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


@pytest.mark.slow
def test_a_second_writer_to_the_same_out_is_refused_and_the_first_finishes(tmp_path):
    out = tmp_path / "same.json"
    first = sweep_process(out, 2_000_000)
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
