"""Page weights and chart draw times of the built site, measured in headless Chromium.

Run after `make book` (or use `make bench-site`). Prints one row per page: the page's own bytes
(its HTML plus the data of its charts; the shared Vega bundle is listed once), the number of
charts, and the milliseconds from navigation start until every chart has been drawn by Vega.
These are measurements, not tests: the budgets (300 KB a page, 1 s to draw) are reported, not asserted.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGE_BUDGET = 300_000
# The ledger's fact pages are reference tables that grow with the ledger (tests/test_site.py says why).
LEDGER_PAGE = re.compile(r"^book/facts-[a-z_]+\.html$")
LEDGER_PAGE_BUDGET = 600_000
DRAW_BUDGET_MS = 1_000


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def own_bytes(site: Path, page: str) -> int:
    text = (site / page).read_text(encoding="utf-8")
    charts = re.findall(r"charts/(rtn-chart-[\w-]+\.csv)", text)
    return (site / page).stat().st_size + sum((site / "charts" / c).stat().st_size for c in set(charts))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO / "_build" / "html")
    parser.add_argument("--repeat", type=int, default=3, help="loads per page; the median draw time is shown")
    args = parser.parse_args(argv)
    pages = sorted(str(p.relative_to(args.site)) for p in args.site.rglob("*.html") if "_static" not in p.parts)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"shared Vega bundle: {(args.site / '_static' / 'vega-bundle.js').stat().st_size:,} bytes (counted once)")
    print(f"{'page':40} {'own bytes':>10} {'charts':>6} {'draw ms':>8}  budget")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for page_path in pages:
            weight = own_bytes(args.site, page_path)
            times = []
            charts = 0
            for _ in range(args.repeat):
                page = browser.new_page()
                page.goto(f"{base}/{page_path}", wait_until="load")
                charts = page.locator("figure.rtn-chart").count()
                if charts:
                    page.wait_for_function(
                        "n => document.querySelectorAll('figure.rtn-chart[data-rendered]').length === n", arg=charts
                    )
                    times.append(page.evaluate("performance.now()"))
                page.wait_for_load_state("networkidle")
                page.close()
            draw = sorted(times)[len(times) // 2] if times else None
            budget = LEDGER_PAGE_BUDGET if LEDGER_PAGE.match(page_path) else PAGE_BUDGET
            ok = weight < budget and (draw is None or draw < DRAW_BUDGET_MS)
            print(
                f"{page_path:40} {weight:>10,} {charts:>6} {'' if draw is None else f'{draw:.0f}':>8}  {'ok' if ok else 'OVER'}"
            )
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
