"""Clean interrupts: on Ctrl-C or SIGTERM, stop every process a command started, then exit 130 or 143.

The command's main process turns both signals into :class:`Interrupted`, so the ``finally`` blocks
that remove temporary output run; the process trees it started (papermill workers with their
kernels, which jupyter_client puts in sessions of their own, and the site build) are stopped
explicitly, since none of them would notice on its own that the command is gone.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import psutil

# Seconds a process gets to exit after SIGTERM before it is killed.
GRACE = 3.0
_PR_SET_PDEATHSIG = 1


class Interrupted(KeyboardInterrupt):
    """The command was asked to stop by ``signum``; it exits with 128 + ``signum``."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = 128 + signum


@contextmanager
def signals_raise() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` in the main thread; a repeat during clean-up is ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = (signal.SIGINT, signal.SIGTERM)

    def handler(signum, frame):
        for number in caught:
            signal.signal(number, signal.SIG_IGN)
        raise Interrupted(signum)

    previous = {number: signal.signal(number, handler) for number in caught}
    try:
        yield
    finally:
        for number, action in previous.items():
            signal.signal(number, action)


def worker_setup() -> None:
    """Run in each pool worker: leave Ctrl-C to the main process, and die with it if it is killed."""
    signal.signal(signal.SIGINT, lambda signum, frame: None)  # a handler, not SIG_IGN: kernels must not inherit it
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def stop_trees(pids: Iterable[int]) -> None:
    """Terminate each process and all its descendants; kill what is still alive after :data:`GRACE` seconds."""
    processes = []
    for pid in pids:
        try:
            root = psutil.Process(pid)
            processes += [*root.children(recursive=True), root]
        except psutil.Error:
            continue
    for process in processes:
        try:
            process.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(processes, timeout=GRACE)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=GRACE)


def stop_pool(pool) -> None:
    """Cancel a ProcessPoolExecutor's queued jobs and stop its workers with everything they started."""
    pids = list(getattr(pool, "_processes", None) or {})
    pool.shutdown(wait=False, cancel_futures=True)
    stop_trees(pids)


def run_group(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``subprocess.run(command, capture_output=True, text=True, env=env)``, but an interrupt stops its whole tree."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as process:
        try:
            stdout, stderr = process.communicate()
        except BaseException:
            stop_trees([process.pid])
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
