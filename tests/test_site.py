"""The site: it builds with warnings as errors, and every page works offline in a real headless Chromium."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree

import pytest
from conftest import CHROMIUM, CHROMIUM_FLAGS, EGRESS, JUPYTER_BOOK  # the shared site and browser fixtures live there

from runthenumbers import chapters, units, values
from runthenumbers.charts import main_dataset
from runthenumbers.data import REPO_ROOT
from runthenumbers.site.assets import sha256_manifest
from runthenumbers.values import baseline_values

# A page's own HTML plus the data of its charts; the shared Vega bundle is counted once, not per page.
PAGE_BUDGET_BYTES = 300_000
# The ledger's fact pages (book/facts-<page>.html) are reference tables without charts, one row per fact with
# its locator and quote, and grow with the ledger: CoreWeave's page lists 553 facts since issue 25 (416 KB).
LEDGER_PAGE = re.compile(r"^book/facts-[a-z_]+\.html$")
LEDGER_PAGE_BUDGET_BYTES = 600_000


def _pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if "_static" not in p.parts)


@pytest.mark.slow
def test_book_has_its_pages(site):
    pages = _pages(site)
    for expected in ["book/intro.html", "book/method.html", "book/sources.html", "book/claims.html", "book/facts.html"]:
        assert expected in pages
    # Every chapter's notebook and fact page, as runthenumbers/chapters.py declares them.
    for chapter in chapters.ordered():
        if chapter.notebook:
            assert f"{chapter.notebook}.html" in pages
        if chapter.fact_page:
            assert f"book/facts-{chapter.fact_page}.html" in pages
    assert (site / "_static" / "vega-bundle.js").stat().st_size > 500_000


@pytest.mark.slow
def test_no_page_refers_to_another_host_for_scripts_or_styles(site):
    for page in _pages(site):
        text = (site / page).read_text(encoding="utf-8")
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', text), page


@pytest.mark.slow
@pytest.mark.browser
def test_every_page_loads_offline_without_console_errors(visits):
    failures = [(page, foreign, errors) for page, (foreign, errors) in visits["offline"].items() if foreign or errors]
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


class _Links(HTMLParser):
    """Every href/src of a page and every id it defines."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)
            elif name == "id" and value:
                self.ids.add(value)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.slow
def test_every_internal_link_and_anchor_resolves(site):
    parsed = {page: _parse(site / page) for page in _pages(site)}
    broken = []
    for page, links in parsed.items():
        for target in links.targets:
            url = urlparse(target)
            if url.scheme or url.netloc or target.startswith(("mailto:", "data:", "javascript:")):
                continue
            path = (site / page).parent / unquote(url.path) if url.path else site / page
            path = path.resolve()
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append((page, target))
            elif url.fragment and path.suffix == ".html":
                ids = parsed.get(str(path.relative_to(site.resolve())), None) or _parse(path)
                if url.fragment not in ids.ids:
                    broken.append((page, target))
    assert broken == []


@pytest.mark.slow
def test_chart_downloads_exist_and_parse(site):
    figures = 0
    for page in _pages(site):
        text = (site / page).read_text(encoding="utf-8")
        for chart_id in re.findall(r'<figure class="rtn-chart" id="([\w-]+)">', text):
            figures += 1
            spec = json.loads((site / "charts" / f"{chart_id}.vl.json").read_text(encoding="utf-8"))
            rows = list(csv.DictReader(io.StringIO((site / "charts" / f"{chart_id}.csv").read_text(encoding="utf-8"))))
            assert len(rows) == len(main_dataset(spec)) > 0
            svg = ElementTree.fromstring((site / "charts" / f"{chart_id}.svg").read_text(encoding="utf-8"))
            assert svg.tag.endswith("svg")
            for suffix in ("csv", "vl.json", "svg"):
                assert f"charts/{chart_id}.{suffix}" in text
    assert figures >= 3


@pytest.mark.slow
def test_two_clean_builds_are_byte_identical(site, tmp_path):
    again = tmp_path / "again"
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(REPO_ROOT), "--path-output", str(again), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    second = again / "_build" / "html"
    assert (site / "SHA256SUMS").read_text() == (second / "SHA256SUMS").read_text()
    assert sha256_manifest(site, skip=("SHA256SUMS",), skip_folders=("zh/",)) == (site / "SHA256SUMS").read_text()
    assert sha256_manifest(site / "zh", skip=("SHA256SUMS",)) == (site / "zh" / "SHA256SUMS").read_text()


@pytest.mark.slow
def test_each_page_stays_within_its_weight_budget(site):
    shared = {"_static/vega-bundle.js"}
    for page in _pages(site):
        # Each chart data file counts once, however many links (view, download) point at it.
        own = (site / page).stat().st_size
        own += sum(
            (site / "charts" / f).stat().st_size
            for f in set(re.findall(r"charts/(rtn-chart-[\w.-]+\.csv)", (site / page).read_text(encoding="utf-8")))
        )
        budget = LEDGER_PAGE_BUDGET_BYTES if LEDGER_PAGE.match(page) else PAGE_BUDGET_BYTES
        assert own < budget, f"{page}: {own} bytes"
    assert all((site / s).exists() for s in shared)


@pytest.mark.slow
@pytest.mark.browser
def test_the_chart_table_switch_works_by_mouse_and_keyboard(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/notebooks/concentration.html", wait_until="networkidle")
    figure = page.locator("figure.rtn-chart").first
    table_button = figure.get_by_role("button", name="Table")
    table_button.click()
    assert figure.locator("details.rtn-chart-table table").is_visible()
    rows = figure.locator("details.rtn-chart-table table tbody tr").count()
    assert rows == len(main_dataset(json.loads(figure.locator("script.rtn-chart-spec").text_content())))
    assert not figure.locator(".rtn-chart-view").is_visible()
    chart_button = figure.get_by_role("button", name="Chart")
    chart_button.focus()
    page.keyboard.press("Enter")
    assert figure.locator(".rtn-chart-view").is_visible()
    assert chart_button.get_attribute("aria-pressed") == "true"
    page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_no_page_has_serious_or_critical_accessibility_violations(visits):
    assert {page: serious for page, serious in visits["axe"].items() if serious} == {}


@pytest.mark.slow
@pytest.mark.browser
def test_each_glued_number_shows_its_derivation_on_hover_and_focus(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/notebooks/concentration.html", wait_until="networkidle")
    numbers = page.locator("a.rtn-num")
    assert numbers.count() >= 30
    titles = numbers.evaluate_all("els => els.map(e => e.title)")
    assert all(titles), "a number without a derivation"
    revenue = page.locator('a.rtn-num[href="#num-without_top_two"]').first
    # How it was worked out, in words; the ledger's ids stay in the provenance table the number links to.
    assert "1 − top-two share" in revenue.get_attribute("title")
    assert not any(re.search(SNAKE_CASE, title) for title in titles)
    revenue.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    shown = revenue.evaluate("e => getComputedStyle(e, '::after').content")
    assert "top-two share" in shown
    page.close()


def _what_if_chart(server, browser):
    """The debt chapter's what-if chart, drawn by Vega in a fresh page: (page, figure)."""
    page = browser.new_page()
    page.goto(f"{server}/notebooks/debt.html", wait_until="networkidle")
    figure = page.locator("figure.rtn-chart", has_text="What if").first
    page.wait_for_function("f => f.dataset.rendered === 'vega'", arg=figure.element_handle())
    return page, figure


@pytest.mark.slow
@pytest.mark.browser
def test_the_debt_sliders_change_the_numbers_shown(server, browser):
    page, figure = _what_if_chart(server, browser)
    labels = lambda: figure.locator(".rtn-chart-view svg text").all_text_contents()  # noqa: E731
    changed = "([f, before]) => JSON.stringify([...f.querySelectorAll('.rtn-chart-view svg text')].map(t => t.textContent)) !== before"
    before = labels()
    base_2026 = f"${baseline_values(['debt'])['debt']['base_2026_bn']:.2f}"
    assert base_2026 in before
    rate = figure.locator("input[type=range]").nth(2)
    rate.evaluate("e => { e.value = e.max; e.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_function(changed, arg=[figure.element_handle(), json.dumps(before)], timeout=5_000)
    after_mouse = labels()
    assert base_2026 not in after_mouse
    sofr = figure.locator("input[type=range]").first
    sofr.focus()
    for _ in range(50):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(changed, arg=[figure.element_handle(), json.dumps(after_mouse)], timeout=5_000)
    page.close()


@pytest.mark.slow
def test_a_value_glued_in_base_units_is_written_by_its_unit(site):
    """The concentration chapter glues USD and fractions with their units; the {glue:text} role writes them:
    with no spec as prose does, with ``million,.1f`` in millions, with a Python spec as myst-nb does."""
    page = (site / "notebooks" / "concentration.html").read_text(encoding="utf-8")
    shown = dict(
        re.findall(r'<a class="rtn-num[^"]*" href="#num-(\w+)"><span class="pasted-text">(.*?)</span></a>', page)
    )
    assert shown["quarters_2024"] == "$1,915.0 million"  # {glue:text}`quarters_2024:million,.1f`
    assert shown["ms_share_2024"] == "62%"  # {glue:text}`ms_share_2024`
    assert shown["article_loss_2024"] == "$863 million"  # {glue:text}`article_loss_2024`
    assert shown["c4_difference"] == "-0.1%"  # {glue:text}`c4_difference:+.1%`, glued by publish.check("C4")
    assert shown["openai_years"] == "5 years"
    # The provenance table writes each value in its unit, and keeps the old name of a value in USD millions.
    assert '<tr id="num-revenue_2024"><td><code>revenue_2024</code></td><td>$1.92B</td>' in page
    assert '<tr id="num-revenue_2024_m"><td><code>revenue_2024_m</code></td><td>1,915</td>' in page


@pytest.mark.slow
def test_home_and_method_pages_cite_the_book_from_config(site):
    from runthenumbers import citation

    cited = citation.load()
    for page in ("book/intro.html", "book/method.html"):
        text = (site / page).read_text(encoding="utf-8")
        box = text[text.index("rtn-cite") :]
        assert f"Version {cited.version}, released {cited.date}" in box
        assert f"(Version {cited.version}).{' ' + cited.url if cited.url else ''}</p>" in box
        assert "CC BY 4.0" in box
        assert "@misc" in box and cited.key in box, page


# What a reader sees, measured once per page at a desktop and a phone width (one pass feeds the tests below).
READER_WIDTHS = (1280, 390)
SNAKE_CASE = r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"
MEASURE_PAGE = """snake => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  document.querySelectorAll('details:not([hidden])').forEach(d => { d.open = true; });
  const column = article.getBoundingClientRect().width;
  const visible = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const tables = [...article.querySelectorAll('table')].filter(visible)
    .map(t => [t.className || t.parentElement.className, Math.round(t.getBoundingClientRect().width)]);
  const cut = [...article.querySelectorAll('td, th')].filter(visible).map(c => c.textContent.trim())
    .filter(t => t.endsWith('...') || t.endsWith('…'));
  const pattern = new RegExp(snake);
  const named = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('code, pre, kbd, script, style, .rtn-chart-spec, .rtn-derivations, .rtn-provenance')) continue;
    if (!visible(parent)) continue;
    const match = node.textContent.match(pattern);
    if (match) named.push(match[0] + ' in <' + parent.tagName.toLowerCase() + '>: ' + node.textContent.trim().slice(0, 80));
  }
  const chartText = [];
  document.querySelectorAll('figure.rtn-chart .rtn-chart-view svg').forEach(svg => {
    const scale = svg.getBoundingClientRect().width / (parseFloat(svg.getAttribute('width')) || svg.getBoundingClientRect().width);
    svg.querySelectorAll('text').forEach(t => {
      if (!t.textContent.trim()) return;
      chartText.push([t.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(t).fontSize) * scale]);
    });
  });
  // Pairs of chart labels drawn over each other (hidden labels, which Vega thins out, do not count).
  const overlaps = [];
  document.querySelectorAll('figure.rtn-chart .rtn-chart-view svg').forEach(svg => {
    const boxes = [...svg.querySelectorAll('text')]
      .filter(t => t.textContent.trim() && !t.closest('[opacity="0"]') && getComputedStyle(t).opacity !== '0')
      .map(t => [t.textContent.trim().slice(0, 40), t.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i][1], b = boxes[j][1];
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2)
        overlaps.push([boxes[i][0], boxes[j][0]]);
    }
  });
  return {width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight,
          column, tables, cut, named, chartText, overlaps};
}"""


@pytest.fixture(scope="session")
def visits(site, server, browser) -> dict:
    """One visit of every page at each width of READER_WIDTHS, shared by the browser tests that look at
    every page. At the desktop width: each request to another host and each console error until the
    network is idle ("offline"), then axe's serious and critical violations ("axe"). At every width: what
    a reader sees ("reader", MEASURE_PAGE), measured last because it opens every <details>.

    The pages are shared out between this browser and a second one driven from a thread of its own
    (Playwright's sync API wants one instance per thread), so that both cores work: axe's contrast
    check over the ledger's long tables is most of the time."""
    first, second = _halves(site)
    other: dict[str, dict] = {}
    failed: list[BaseException] = []

    def visit_the_other_half() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
                other.update(_visit(launched, server, second))
                launched.close()
        except BaseException as error:  # re-raised in the test's thread below
            failed.append(error)

    thread = threading.Thread(target=visit_the_other_half)
    thread.start()
    found = _visit(browser, server, first)
    thread.join()
    if failed:
        raise failed[0]
    return {kind: {**found[kind], **other[kind]} for kind in found}


def _halves(site: Path) -> tuple[list[str], list[str]]:
    """The pages in two lists of about the same total size (a page's size is a fair guess at its cost)."""
    halves: tuple[list[str], list[str]] = ([], [])
    sizes = [0, 0]
    for page in sorted(_pages(site), key=lambda p: -(site / p).stat().st_size):
        lighter = sizes.index(min(sizes))
        halves[lighter].append(page)
        sizes[lighter] += (site / page).stat().st_size
    return halves


def _visit(browser, server: str, pages: list[str]) -> dict[str, dict]:
    """The visits of ``pages`` described in :func:`visits`, with one browser."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: dict[str, dict] = {"offline": {}, "axe": {}, "reader": {}}
    for width in READER_WIDTHS:
        desktop = width == READER_WIDTHS[0]
        context = browser.new_context(viewport={"width": width, "height": 900})
        for page_path in pages:
            page = context.new_page()
            foreign: list[str] = []
            errors: list[str] = []
            if desktop:
                page.on("request", lambda r, seen=foreign: seen.append(r.url) if _elsewhere(r.url) else None)
                page.on("console", lambda m, seen=errors: seen.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
            page.goto(f"{server}/{page_path}", wait_until="networkidle" if desktop else "load")
            page.wait_for_function(
                "() => [...document.querySelectorAll('figure.rtn-chart')].every(f => f.dataset.rendered === 'vega')",
                timeout=15_000,
            )
            if desktop:
                found["offline"][page_path] = (list(foreign), list(errors))
                found["axe"][page_path] = [
                    f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s)"
                    for v in axe.run(page).response["violations"]
                    if v["impact"] in ("serious", "critical")
                ]
            found["reader"][(page_path, width)] = page.evaluate(MEASURE_PAGE, SNAKE_CASE)
            page.close()
        context.close()
    return found


def _elsewhere(url: str) -> bool:
    return urlparse(url).hostname not in {"127.0.0.1", None} and not url.startswith("data:")


@pytest.fixture(scope="session")
def reader_view(visits) -> dict:
    """Per page and width: document size, table widths against the text column, cut cells, code names
    in the text a reader reads, and each chart text's rendered size."""
    return visits["reader"]


@pytest.mark.slow
@pytest.mark.browser
def test_no_page_is_wider_than_the_screen(reader_view):
    wide = {key: view["width"] for key, view in reader_view.items() if view["width"] > key[1]}
    assert wide == {}


@pytest.mark.slow
@pytest.mark.browser
def test_no_table_is_wider_than_the_text_column_at_desktop_width(reader_view):
    wide = {
        key[0]: [t for t in view["tables"] if t[1] > view["column"] + 1]
        for key, view in reader_view.items()
        if key[1] == 1280
    }
    assert {page: tables for page, tables in wide.items() if tables} == {}


@pytest.mark.slow
@pytest.mark.browser
def test_no_table_cell_is_cut_with_an_ellipsis(reader_view):
    cut = {key: view["cut"] for key, view in reader_view.items() if view["cut"]}
    assert cut == {}


@pytest.mark.slow
@pytest.mark.browser
def test_no_code_name_shows_in_prose_headings_tables_or_charts(reader_view):
    named = {key[0]: view["named"] for key, view in reader_view.items() if key[1] == 1280 and view["named"]}
    assert named == {}


@pytest.mark.slow
@pytest.mark.browser
def test_chart_text_is_legible_on_a_phone(reader_view):
    small = {
        key[0]: sorted({text for text, size in view["chartText"] if size < 9})
        for key, view in reader_view.items()
        if key[1] == 390
    }
    assert {page: texts for page, texts in small.items() if texts} == {}
    assert sum(len(view["chartText"]) for view in reader_view.values()) > 100  # the charts were measured


@pytest.mark.slow
@pytest.mark.browser
def test_no_chart_label_is_drawn_over_another(reader_view):
    collided = {f"{key[0]} at {key[1]} px": view["overlaps"] for key, view in reader_view.items() if view["overlaps"]}
    assert collided == {}


@pytest.mark.slow
def test_the_home_page_answers_first_and_links_the_summary_and_the_claims(site):
    text = (site / "book" / "intro.html").read_text(encoding="utf-8")
    home = text[text.index("rtn-home") : text.index('id="how-the-book-checks"')]
    assert 'href="../notebooks/summary.html"' in home and 'href="claims.html"' in home
    assert "Ed Zitron" in text and "wheresyoured.at" in text and "Chinese translation" in text
    assert "How sure is this?" in home
    assert text.index('class="rtn-conclusion"') < text.index('id="how-the-book-checks"')
    links = re.findall(r'class="rtn-num rtn-value" href="([^"#]+)#(num-\w+)"', home)
    assert len(links) == 16  # the numbers of the five findings, of how sure, and of the claims' count
    for page, anchor in links:
        assert f'id="{anchor}"' in (site / "book" / page).resolve().read_text(encoding="utf-8"), (page, anchor)


@pytest.mark.slow
def test_the_home_page_says_what_the_chapters_published(site):
    """The findings, once f-strings in the site extension, are prose with {rtn-value}: the same sentences."""
    from runthenumbers import quality
    from runthenumbers.units import money, percent, plain

    read = values.Reader("intro")
    credit, concentration, capex, summary = (read[p] for p in ("credit", "concentration", "capex", "summary"))
    text = (site / "book" / "intro.html").read_text(encoding="utf-8")
    # Sphinx sets typographic apostrophes; the sentences below are typed with straight ones.
    prose = " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\u2019", "'").split())
    for sentence in (
        f"{summary['claims_holding']:.0f} of {summary['claims_checkable']:.0f} checkable claims of the essay hold or "
        f"roughly hold; {summary['claims_contradicted']:.0f} are contradicted and {summary['claims_garbled']:.0f} garbled",
        f"{money(credit['service_2026_bn'] * 1e9)} is what the debt CoreWeave owed at the end of 2025 costs in 2026, "
        f"principal and interest; it owed at most {money(credit['owed_bn'] * 1e9)} then.",
        f"{plain(credit['coverage_2026'], 2)}× is how many times guided 2026 earnings before interest, tax, depreciation "
        f"and amortization (EBITDA) cover that 2026 bill (in the first quarter of 2026, earnings covered that quarter's "
        f"interest {plain(credit['interest_cover_2026'], 1)}×), with "
        f"debt at most {plain(credit['leverage_ttm_2025'], 1)} times 2025's EBITDA",
        f"{percent(concentration['ms_share_2024'])} of 2024 revenue came from Microsoft, "
        f"{percent(concentration['top_two_share_2024'])} from the two largest customers",
        f"{money(capex['gap_low_bn'] * 1e9)} to {money(capex['gap_high_bn'] * 1e9)} is the funding gap of the capacity "
        f"CoreWeave has contracted, against {money(capex['on_hand_bn'] * 1e9)} on hand in March 2025",
        f"{quality.book_share()} of the numbers the book publishes rest only on primary sources",
        f"and {summary['claims_unverifiable']:.0f} claims of the essay could not be checked at all.",
        f"for each of the essay's {summary['claims_total']:.0f} claims and sub-claims.",
    ):
        assert sentence in prose, sentence


@pytest.mark.slow
def test_the_home_page_the_summary_and_the_method_page_give_one_primary_share_and_chapters_their_badges(site):
    from runthenumbers import quality

    share = quality.book_share()
    for page in ("book/intro.html", "notebooks/summary.html", "book/method.html"):
        shown = re.findall(r'<span class="rtn-primary-share">([^<]+)</span>', (site / page).read_text(encoding="utf-8"))
        assert shown and set(shown) == {share}, (page, shown)
    for graded in quality.source_quality():
        text = (site / "notebooks" / f"{graded.page}.html").read_text(encoding="utf-8")
        assert f"<strong>{quality.share_text(graded.share)}</strong> of this page's {graded.graded} numbers" in text


@pytest.mark.slow
def test_no_page_names_a_repository_path_or_shows_a_parameters_cell(site):
    for page in _pages(site):
        text = (site / page).read_text(encoding="utf-8")
        assert "shared/seed" not in text, page
        assert "= None" not in re.sub(r"<script.*?</script>", "", text, flags=re.DOTALL), page


@pytest.mark.slow
def test_the_footer_renders(site):
    assert "Every figure is read from a cited source" in (site / "book" / "intro.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.browser
def test_the_what_if_chart_reads_out_its_inputs_and_tabulates_what_it_draws(server, browser):
    page, figure = _what_if_chart(server, browser)
    assert figure.locator(".vega-bind").first.text_content().strip().endswith("4.37%")
    figure.get_by_role("button", name="Table").click()
    table = figure.locator("details.rtn-chart-table table")
    assert table.locator("th").all_text_contents() == ["Year", "Debt service (USD billions)"]
    before = table.locator("tbody").text_content()
    figure.get_by_role("button", name="Chart").click()
    figure.locator("input[type=range]").first.evaluate(
        "e => { e.value = e.max; e.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    page.wait_for_function(
        "([f, before]) => f.querySelector('details.rtn-chart-table table tbody').textContent !== before",
        arg=[figure.element_handle(), before],
        timeout=5_000,
    )
    assert figure.locator(".vega-bind").first.text_content().strip().endswith("8.00%")
    page.close()


@pytest.mark.slow
def test_every_english_page_has_its_chinese_twin_linked_both_ways(site):
    english = [p for p in _pages(site) if not p.startswith("zh/")]
    assert len(english) > 20
    for page in english:
        if "Refresh" in (site / page).read_text(encoding="utf-8")[:200]:
            continue  # the root's redirect to the home page
        assert (site / "zh" / page).is_file(), page
        depth = page.count("/")
        text = (site / page).read_text(encoding="utf-8")
        assert f'hreflang="zh-Hans" href="{"../" * depth}zh/{page}"' in text, page
        twin = (site / "zh" / page).read_text(encoding="utf-8")
        assert f'hreflang="en" href="{"../" * (depth + 1)}{page}"' in twin, page
        assert '<html lang="zh-CN"' in twin, page


@pytest.mark.slow
def test_chinese_pages_are_chinese_prose_with_the_same_published_numbers(site):
    """The summary's Chinese twin is Chinese, and each number links to the same provenance row."""
    english = (site / "notebooks" / "summary.html").read_text(encoding="utf-8")
    chinese = (site / "zh" / "notebooks" / "summary.html").read_text(encoding="utf-8")
    prose = re.sub(
        r"<[^>]+>", "", chinese[chinese.index('id="so-a-time-bomb"') if 'id="so-a-time-bomb"' in chinese else 0 :]
    )
    assert len(re.findall(r"[\u4e00-\u9fff]", prose)) > 1000
    linked = lambda text: sorted(set(re.findall(r'class="rtn-num[^"]*" href="#(num-\w+)"', text)))  # noqa: E731
    assert linked(chinese) == linked(english)
    owed = baseline_values(["credit"])["credit"]["owed_bn"]
    assert f"{units.money_zh(owed * 1e9, step=1e7)}</span></a>" in chinese


@pytest.mark.slow
def test_chinese_search_finds_a_quoted_sentence_of_the_essay(site):
    """The essay's quoted line '初始估值为 350 亿美元' is on the article's fact page: its words are in the index."""
    index = (site / "zh" / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    page = data["docnames"].index("book/facts-article")
    for word in ("估值", "初始"):
        found = data["terms"].get(word)
        assert found is not None, word
        assert page in (found if isinstance(found, list) else [found]), word
    assert "LANGUAGE: 'zh-CN'" in (site / "zh" / "_static" / "documentation_options.js").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.browser
def test_the_test_browser_reaches_no_host_but_this_machine(site, server, browser):
    """N2 (hostile review 3): the suite's headless Chromium resolved accounts.google.com and
    update.googleapis.com despite its flags. Every request it makes to another host now reaches the trap
    proxy instead; the page's own attempt proves the trap catches one, and nothing else may be there."""
    page = browser.new_page()
    page.goto(f"{server}/book/intro.html", wait_until="networkidle")
    reached = page.evaluate(
        "() => fetch('http://example.com/rtn-egress-probe').then(r => r.status).catch(() => 'refused')"
    )
    page.wait_for_timeout(3000)  # the browser's own background requests, if any, come in the first seconds
    page.close()
    assert reached in (403, "refused")
    assert any("rtn-egress-probe" in request for request in EGRESS.requests), EGRESS.requests
    assert [r for r in EGRESS.requests if "rtn-egress-probe" not in r] == []
