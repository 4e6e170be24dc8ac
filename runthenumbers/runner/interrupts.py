"""Clean interrupts: on Ctrl-C, SIGTERM or SIGHUP, stop every process a command started, then exit 130, 143 or 129.

The command's main process turns these signals into :class:`Interrupted`, so the ``finally`` blocks
that remove temporary output run; the process trees it started (papermill workers with their
kernels, which jupyter_client puts in sessions of their own, and the site build) are stopped
explicitly, since none of them would notice on its own that the command is gone.

A pool worker (:func:`worker_setup`) takes back the default action of SIGTERM and SIGHUP (it is
forked while the main process's handlers are installed), asks the kernel to send it SIGTERM when the
main process dies (``PR_SET_PDEATHSIG``, even on SIGKILL), and watches its parent as well, so it
never outlives the command; its kernels stop when their parent goes (ipykernel polls its parent).
A killed command cannot remove its temporary output itself; the next command writing the same
target does (:mod:`runthenumbers.runner.outputs`).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import psutil

# Seconds a process gets to exit after SIGTERM before it is killed.
GRACE = 3.0
_PR_SET_PDEATHSIG = 1
# The signals a command stops on: Ctrl-C, kill's default, and a closed terminal or dropped ssh session.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# Seconds between a worker's checks that its parent is still there (where PR_SET_PDEATHSIG is missing).
_PARENT_POLL = 1.0


class Interrupted(KeyboardInterrupt):
    """The command was asked to stop by ``signum``; it exits with 128 + ``signum``."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = 128 + signum


@contextmanager
def signals_raise() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` in the main thread; a repeat during clean-up is ignored.

    A signal caught here is handed on, after clean-up, to a handler that the enclosing program had
    installed in Python (a test suite's, say), so that a command run in-process never swallows a stop
    meant for the whole program: a SIGTERM to ``make test`` stops pytest. The command line installs none
    (its handlers are Python's defaults), and exits 128 + the signal's number itself.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = STOP_SIGNALS
    received: list[int] = []

    def handler(signum, frame):
        for number in caught:
            signal.signal(number, signal.SIG_IGN)
        received.append(signum)
        raise Interrupted(signum)

    previous = {number: signal.signal(number, handler) for number in caught}
    try:
        yield
    finally:
        for number, action in previous.items():
            signal.signal(number, action)
        if received and _enclosing_handler(previous[signal.Signals(received[0])]):
            signal.raise_signal(received[0])


def _enclosing_handler(action) -> bool:
    """Whether ``action`` is a handler an enclosing program installed, not Python's own default or a disposition."""
    return callable(action) and action is not signal.default_int_handler


def worker_setup() -> None:
    """Run in each pool worker: leave Ctrl-C to the main process, stop on SIGTERM or SIGHUP, and die with
    the main process however it ends."""
    parent = os.getppid()
    signal.signal(signal.SIGINT, lambda signum, frame: None)  # a handler, not SIG_IGN: kernels must not inherit it
    # Forked while the main process turns these into Interrupted: take back the default action (exit).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    # A worker being stopped must not print the tracebacks of the kernel tasks it leaves unfinished.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the death signal was set
        os._exit(128 + signal.SIGTERM)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()


def _watch_parent(parent: int) -> None:
    """Exit the worker once its parent is gone (reparented workers see another parent id)."""
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL)
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGTERM)


def _stop(processes: list[psutil.Process]) -> None:
    """SIGTERM each process; SIGKILL what is still alive after :data:`GRACE` seconds."""
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


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def stop_trees(pids: Iterable[int]) -> None:
    """Terminate each process and all its descendants; kill what is still alive after :data:`GRACE` seconds.

    The roots go first, so a worker is gone before it could report its kernels' deaths.
    """
    roots, descendants = [], []
    for pid in pids:
        try:
            root = psutil.Process(pid)
        except psutil.Error:
            continue
        descendants += _descendants(pid)
        roots.append(root)
    _stop(roots + descendants)


def stop_pool(pool) -> None:
    """Cancel a ProcessPoolExecutor's queued jobs and stop its workers with everything they started.

    The workers are stopped and reaped through the pool's own process objects, never by psutil: a
    worker reaped behind the pool's back looks alive to it for ever, and the pool's shutdown (at
    the latest when the interpreter exits) would never end. Their kernels are stopped after them.
    """
    workers = list((getattr(pool, "_processes", None) or {}).values())
    descendants = [child for worker in workers for child in _descendants(worker.pid)]
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()
    _stop(descendants)
    for worker in workers:
        worker.join(GRACE)
        if worker.is_alive():
            worker.kill()
            worker.join(GRACE)


def run_group(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``subprocess.run(command, capture_output=True, text=True, env=env)``, but an interrupt stops its whole tree."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as process:
        try:
            stdout, stderr = process.communicate()
        except BaseException:
            stop_trees([process.pid])
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
