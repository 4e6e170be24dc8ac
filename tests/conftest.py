"""Shared fixtures: the repository's paths, the ledger loaded once, and a ledger copy a test may break."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from hypothesis import settings

from runthenumbers.data import REPO_ROOT, Ledger, cached_ledger

DATA = REPO_ROOT / "data"

# No wall-clock deadline for a hypothesis example: on a shared 2-core machine, with `make check` running
# a test worker per core, an example's time measures the load, not the code. `make check` takes the
# "check" profile for a fast loop: 20 examples where a test sets no number of its own (hypothesis's
# default is 100, which `make test` draws).
settings.register_profile("shared-machine", deadline=None)
settings.register_profile("check", deadline=None, max_examples=20)
settings.load_profile("shared-machine")


def _stop_the_suite(signum, frame) -> None:
    """SIGTERM or SIGHUP to pytest (a CI cancel, ``kill``): stop at once, as with no handler (exit 143 or 129)."""
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


# S8 (hostile review 3): a SIGTERM that arrives while a test runs a command in-process was caught by the
# command's own handler (runner/interrupts.signals_raise) and the suite went on. That handler hands a signal
# on to a handler the enclosing program installed; this is the suite's, so the signal stops pytest.
for _signum in (signal.SIGTERM, signal.SIGHUP):
    if signal.getsignal(_signum) in (signal.SIG_DFL, None):
        signal.signal(_signum, _stop_the_suite)


def shared_ledger() -> Ledger:
    """The validated ledger, read on first use and then kept (:func:`data.cached_ledger`): for helpers and
    hypothesis strategies that cannot take a fixture. The ``ledger`` fixture is the same object."""
    return cached_ledger()


@pytest.fixture(scope="session")
def ledger() -> Ledger:
    """The validated ledger, read once for the whole session (it is frozen: no test can change it)."""
    return shared_ledger()


@pytest.fixture(scope="session")
def debt_inputs(ledger):
    """The debt chapter's resolved default inputs."""
    from runthenumbers.parameters import resolve

    return resolve("debt", {}, ledger)


@pytest.fixture(scope="session")
def terms(ledger):
    """The loan terms read from the ledger."""
    from runthenumbers.debt import Terms

    return Terms.from_ledger(ledger)


@pytest.fixture
def ledger_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (sources.csv and facts.csv)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
