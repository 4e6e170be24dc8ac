"""The site's assets: the offline Vega bundle, each chart's downloads, the page scripts and ``SHA256SUMS``.

For each page that holds a chart it adds the Vega, Vega-Lite and vega-embed bundle (from the pinned
vl-convert, matching Altair's schema), writes each chart's data (CSV), spec (JSON) and drawing (SVG)
under ``charts/``, and points the figure's links at them. It also drops thebe, which would load code
from a CDN, rewrites ``rtn-root/`` links to the page's depth, and last writes ``SHA256SUMS``, a digest
of every file of the built site.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from importlib.metadata import version
from pathlib import Path

from ..links import DOWNLOAD_DIR, SITE_ROOT

# The models, charts and ledger are imported where they are used: a rebuild that finds nothing to do
# then never loads them (altair, pydantic and vl-convert would be most of its time).

STATIC_DIR = Path(__file__).parent.parent / "static"


VEGA_BUNDLE = "vega-bundle.js"


PAGE_SCRIPT = "runthenumbers.js"


CHART_MARKER = 'class="rtn-chart"'


NUMBER_MARKER = "rtn-num"


CLAIMS_MARKER = "rtn-claims-filter"


SITE_MANIFEST = "SHA256SUMS"


FIGURE = re.compile(
    r'<figure class="rtn-chart" id="(?P<id>[\w-]+)">'
    r'<div class="rtn-chart-view"[^>]*>(?P<svg><svg.*?</svg>)</div>'
    r'.*?<script type="application/json" class="rtn-chart-spec">(?P<spec>.*?)</script></figure>',
    re.DOTALL,
)


def vega_bundle_header() -> str:
    """The bundle's first line, naming what made it: a bundle with this line needs no rebuilding.

    Read from the installed packages' metadata, not by importing altair (the Vega-Lite version follows
    from altair's), which would be most of a no-change rebuild's time.
    """
    return f"/* Vega, Vega-Lite and vega-embed for altair {version('altair')}, bundled by vl-convert {version('vl-convert-python')}. */\n"


def vega_bundle() -> str:
    import vl_convert

    from ..charts import VEGA_LITE_VERSION

    # The bundle's top-level declarations would clash with other classic scripts: give it a scope.
    # vl-convert's stub makes the snippet required; the function itself defaults it.
    body = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)  # type: ignore[call-arg]
    return f"{vega_bundle_header()}/* Vega-Lite {VEGA_LITE_VERSION}. */\n(function () {{\n{body}\n}})();\n"


def write_vega_bundle(static: Path) -> bool:
    """Write the bundle into ``static`` unless the same versions already made the one there; say whether it wrote.

    Bundling takes vl-convert about two seconds, most of a no-change rebuild, and gives the same bytes
    for the same versions, so a rebuild keeps the bundle it finds.
    """
    target = static / VEGA_BUNDLE
    if target.is_file():
        with target.open(encoding="utf-8") as handle:
            if handle.readline() == vega_bundle_header():
                return False
    static.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(vega_bundle(), encoding="utf-8")
    partial.replace(target)
    return True


def chart_csv(spec: dict) -> str:
    from ..charts import main_dataset
    from ..markup import spreadsheet_safe_rows

    rows = spreadsheet_safe_rows(main_dataset(spec))
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_chart_downloads(body: str, folder: Path) -> int:
    """Write each chart of ``body`` as CSV, Vega-Lite JSON and SVG into ``folder``; return how many."""
    folder.mkdir(parents=True, exist_ok=True)
    found = 0
    for match in FIGURE.finditer(body):
        spec = json.loads(match["spec"])
        stem = folder / match["id"]
        stem.with_suffix(".csv").write_text(chart_csv(spec), encoding="utf-8")
        stem.with_suffix(".vl.json").write_text(json.dumps(spec, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        stem.with_suffix(".svg").write_text(match["svg"] + "\n", encoding="utf-8")
        found += 1
    return found


def _is_thebe(script) -> bool:
    return "thebe" in str(script).lower() or "THEBE" in getattr(script, "attributes", {}).get("body", "")


def page_scripts(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if CHART_MARKER in body:
        app.add_js_file(VEGA_BUNDLE)
        write_chart_downloads(body, Path(app.outdir) / DOWNLOAD_DIR)
    # Every page with a table too: the script keeps figures on one line and lets wide tables scroll.
    if CHART_MARKER in body or NUMBER_MARKER in body or CLAIMS_MARKER in body or "<table" in body:
        app.add_js_file(PAGE_SCRIPT)
    context["body"] = body.replace(SITE_ROOT, "../" * pagename.count("/"))
    reader_services(app, pagename, context)
    # Jupyter Book always adds thebe (live code on a remote Binder kernel, loaded from a CDN). This
    # book is static and offline, and thebe's inline script is added twice, a console error.
    scripts = context.get("script_files", [])
    scripts[:] = [s for s in scripts if not _is_thebe(s)]


# Pages that are not articles: Sphinx's own, and the references a reader does not cite.
_NOT_ARTICLES = ("genindex", "search", "py-modindex")
_TAG_TEXT = re.compile(r"<[^>]+>")
_ANSWER = re.compile(r'<div class="[^"]*\brtn-answer\b[^"]*">(.*?)</div>', re.DOTALL)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def _plain(fragment: str, limit: int = 300) -> str:
    """HTML ``fragment`` as one line of plain text, cut at a word boundary near ``limit`` characters."""
    spaced = re.sub(r"<(?:/p|/li|/div|br\s*/?)>", " ", fragment)
    text = " ".join(html.unescape(_TAG_TEXT.sub("", spaced)).split())
    text = re.sub(r"\s+([,.;:)])", r"\1", text)
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return text


def reader_services(app, pagename: str, context: dict) -> None:
    """What readers of the genre expect of a page: a tab title and share card (``og:title``,
    ``og:description``) that carry its question and its answer, and a "Cite this page" line at its foot."""
    if pagename in _NOT_ARTICLES or "body" not in context:
        return
    from ..citation import CitationError, load

    body = context["body"]
    title = _plain(context.get("title", ""), 200)
    answer = _ANSWER.search(body) or _PARAGRAPH.search(body)
    description = _plain(answer.group(1)) if answer else ""
    tags = [f'<meta property="og:title" content="{html.escape(title)} — Run the Numbers">']
    if description:
        tags.append(f'<meta property="og:description" content="{html.escape(description)}">')
        tags.append(f'<meta name="description" content="{html.escape(description)}">')
    context["metatags"] = context.get("metatags", "") + "\n".join(tags) + "\n"
    try:
        citation = load(Path(app.srcdir) / "_config.yml")
    except (CitationError, OSError):  # a book without a citation block (a test's throwaway book) has no line
        return
    address = f"{citation.url.rstrip('/')}/{pagename}.html" if citation.url else ""
    where = f'<a href="{html.escape(address)}">{html.escape(address)}</a>' if address else ""
    context["body"] = body + (
        '<aside class="rtn-cite-page"><p><strong>Cite this page:</strong> '
        f"{html.escape(citation.author)} ({citation.year}). “{html.escape(title)}.” In <em>{html.escape(citation.title)}</em> "
        f"(version {html.escape(citation.version)}). {where}</p></aside>"
    )


def sha256_manifest(folder: Path, skip: tuple[str, ...] = (), skip_folders: tuple[str, ...] = ()) -> str:
    """``sha256sum``-style lines for every file under ``folder``, sorted by path, but ``skip`` and the
    files under ``skip_folders`` (``zh/``: the Chinese edition, with a manifest of its own)."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name not in skip and not name.startswith(skip_folders):
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}")
    return "\n".join(lines) + "\n"


# Written when a build starts and removed when it finishes: found at the start of a build, it says the last
# one was stopped part-way (Ctrl-C while Sphinx wrote the pages), so its search index may be cut short.
BUILD_MARKER = ".rtn-build-incomplete"


def forget_an_interrupted_build(app, config) -> None:
    """After a build stopped part-way, start from a fresh environment: Sphinx would otherwise re-read only
    the changed pages, fail to load the cut-short search index, and warn (an error under -W) once (S7)."""
    if (Path(app.outdir) / BUILD_MARKER).exists():
        (Path(app.doctreedir) / "environment.pickle").unlink(missing_ok=True)


def mark_build_started(app) -> None:
    outdir = Path(app.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / BUILD_MARKER).write_text("a build of this folder has started and not finished\n", encoding="utf-8")


CHROMIUM = "/usr/bin/chromium"
PDF_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
# What a PDF printed twice from the same page differs by: its dates and its document id. Each is replaced
# by a fixed value of the same length, so the cross-reference offsets stay right and two builds match.
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")
_PDF_ID = re.compile(rb"/ID \[<([0-9A-Fa-f]+)> <([0-9A-Fa-f]+)>\]")


def _steady_date(match: re.Match) -> bytes:
    """A PDF date with each digit replaced by that of 1 January 2000, midnight: same length, same form."""
    template = iter(b"20000101000000000000")
    return bytes(
        next(template, ord("0")) if chr(c).isdigit() else c for c in match.group(0)[match.group(0).index(b"(") :]
    )


_PDF_NODE = re.compile(rb"\bnode(\d{8})\b")


def _steady_pdf(data: bytes) -> bytes:
    data = _PDF_DATE.sub(lambda m: m.group(0)[: m.group(0).index(b"(")] + _steady_date(m), data)
    # The tagged structure names its elements after the page's DOM nodes, whose numbers vary from one
    # print to the next: number them in their order of appearance instead (same width, same offsets).
    order: dict[bytes, bytes] = {}
    data = _PDF_NODE.sub(lambda m: b"node" + order.setdefault(m.group(1), b"%08d" % (len(order) + 1)), data)
    return _PDF_ID.sub(lambda m: b"/ID [<" + b"0" * len(m.group(1)) + b"> <" + b"0" * len(m.group(2)) + b">]", data)


def print_page_to_pdf(page: Path, pdf: Path) -> None:
    """Print the built ``page`` to ``pdf`` with headless Chromium (the print styles hide the site's navigation
    and the charts' controls), offline, with the same bytes every time. Without Chromium, or without the
    page, nothing is written: the build still succeeds, and the home page's "Download PDF" link has no file."""
    import shutil
    import subprocess

    chromium = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not chromium or not page.exists():
        return
    # Printed from a copy without links: a link would be written into the PDF as the address of a file on
    # the machine that built it, which a reader cannot follow and which differs from one build to the next.
    printable = page.with_name(f".{page.stem}-print.html")
    text = re.sub(r"<a\b[^>]*>", "<span>", page.read_text(encoding="utf-8")).replace("</a>", "</span>")
    printable.write_text(text, encoding="utf-8")
    command = [chromium, *PDF_FLAGS, f"--print-to-pdf={pdf}", printable.resolve().as_uri()]
    try:
        subprocess.run(command, capture_output=True, timeout=120, check=False)
    finally:
        printable.unlink()
    if pdf.exists():
        pdf.write_bytes(_steady_pdf(pdf.read_bytes()))


def finish_site(app, exception) -> None:
    if exception is None:
        (Path(app.outdir) / BUILD_MARKER).unlink(missing_ok=True)
    if exception is None and app.builder.format == "html":
        outdir = Path(app.outdir)
        write_vega_bundle(outdir / "_static")
        print_page_to_pdf(outdir / "book" / "onepage.html", outdir / "book" / "onepage.pdf")
        # Last, so that it covers every other file of the site; another edition's folder (zh/) has its own.
        from ..editions import EDITIONS

        others = () if app.config.language in EDITIONS else tuple(f"{folder}/" for folder in EDITIONS.values())
        (outdir / SITE_MANIFEST).write_text(
            sha256_manifest(outdir, skip=(SITE_MANIFEST,), skip_folders=others), encoding="utf-8"
        )


def add_static_path(app, config) -> None:
    config.html_static_path.append(str(STATIC_DIR))
