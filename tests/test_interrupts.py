"""Stopping a command (`runthenumbers/runner/interrupts.py`): Ctrl-C, SIGTERM and SIGHUP stop the
queued and running notebooks, their kernels and the site build, leave no output or temporary, and exit
130, 143 or 129; a run killed outright takes its workers and kernels with it. Every test here runs the
command in a process of its own and signals it, so all but one are marked slow."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from cli_cases import BIN, sweep_process

from runthenumbers import sweep


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


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_an_interrupted_sweep_leaves_no_output(tmp_path, signum, code):
    process = sweep_process(tmp_path / "s.json", sweep.MAX_SAMPLES)
    deadline = time.monotonic() + 30
    while not any(p.name.startswith(".s.json-") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signum)
    assert process.wait(30) == code, process.stderr.read()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
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
