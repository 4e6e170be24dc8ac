"""Shared fixtures: the repository's paths, the ledger loaded once, and a ledger copy a test may break."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
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


# The built site and a headless Chromium, shared by the site's tests and the reader check (one build a session).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The book, built from a clean output folder exactly as `make book` builds it."""
    output = tmp_path_factory.mktemp("book")
    # Both editions, as `make book` builds them (runthenumbers.editions build all): English as
    # `jupyter-book build . -W -n --keep-going` does, then the Chinese edition into zh/ beside it. Every
    # test of the site's pages, the browser checks too, reads both.
    result = subprocess.run(
        [sys.executable, "-m", "runthenumbers.editions", "build", "all", "--build-dir", str(output / "_build")],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = output / "_build" / "html"
    assert (html / "index.html").is_file() and (html / "zh" / "index.html").is_file()
    return html


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
        httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield launched
        launched.close()
