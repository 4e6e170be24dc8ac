"""The site: it builds with warnings as errors, and every page works offline in a real headless Chromium."""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from runthenumbers.data import REPO_ROOT

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
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(REPO_ROOT), "--path-output", str(output), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = output / "_build" / "html"
    assert (html / "index.html").is_file()
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


def _pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if "_static" not in p.parts)


@pytest.mark.slow
def test_book_has_its_pages(site):
    pages = _pages(site)
    for expected in ["book/intro.html", "book/method.html", "notebooks/concentration.html", "book/debt.html", "book/capex.html", "book/partner_risk.html"]:
        assert expected in pages
    assert (site / "_static" / "vega-bundle.js").stat().st_size > 500_000


@pytest.mark.slow
def test_no_page_refers_to_another_host_for_scripts_or_styles(site):
    for page in _pages(site):
        text = (site / page).read_text(encoding="utf-8")
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', text), page


@pytest.mark.slow
@pytest.mark.browser
def test_every_page_loads_offline_without_console_errors(site, server, browser):
    failures = []
    for page_path in _pages(site):
        page = browser.new_page()
        foreign, errors = [], []
        page.on("request", lambda r: foreign.append(r.url) if urlparse(r.url).hostname not in {"127.0.0.1", None} and not r.url.startswith("data:") else None)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server}/{page_path}", wait_until="networkidle")
        if foreign or errors:
            failures.append((page_path, foreign, errors))
        page.close()
    assert failures == []


@pytest.mark.slow
@pytest.mark.browser
def test_every_chart_on_the_concentration_page_is_drawn_by_vega(site, server, browser):
    page = browser.new_page()
    page.goto(f"{server}/notebooks/concentration.html", wait_until="networkidle")
    figures = page.locator("figure.rtn-chart")
    count = figures.count()
    assert count >= 2
    page.wait_for_function(
        "n => document.querySelectorAll('figure.rtn-chart[data-rendered=\"vega\"] .rtn-chart-view svg').length === n",
        arg=count,
        timeout=10_000,
    )
    page.close()
