"""Sphinx extension: the site's charts, their downloads and the bibliography, all served locally.

Listed in ``_config.yml`` under ``sphinx.extra_extensions``. For each page that holds a chart it adds
the Vega, Vega-Lite and vega-embed bundle (from the pinned vl-convert, matching Altair's schema),
writes each chart's data (CSV), spec (JSON) and drawing (SVG) under ``charts/``, and points the
figure's links at them. It also drops thebe, which would load code from a CDN, and provides the
``rtn-sources`` directive that renders ``data/sources.csv`` as the bibliography and the
``rtn-data-manifest`` directive listing each data file's SHA-256. Last, it writes ``SHA256SUMS``, a
digest of every file of the built site.
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

from docutils import nodes
from myst_nb.ext.glue.roles import PasteTextRole
from sphinx.util.docutils import SphinxDirective

from . import chapters
from .citation import CiteDirective
from .links import DOWNLOAD_DIR, SITE_ROOT, section_href, site_href, source_href

# The models, charts and ledger are imported where they are used: a rebuild that finds nothing to do
# then never loads them (altair, pydantic and vl-convert would be most of its time).

STATIC_DIR = Path(__file__).parent / "static"
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

    from .charts import VEGA_LITE_VERSION

    # The bundle's top-level declarations would clash with other classic scripts: give it a scope.
    body = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
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
    from .charts import main_dataset

    rows = main_dataset(spec)
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


def _page_scripts(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if CHART_MARKER in body:
        app.add_js_file(VEGA_BUNDLE)
        write_chart_downloads(body, Path(app.outdir) / DOWNLOAD_DIR)
    if CHART_MARKER in body or NUMBER_MARKER in body or CLAIMS_MARKER in body:
        app.add_js_file(PAGE_SCRIPT)
    context["body"] = body.replace(SITE_ROOT, "../" * pagename.count("/"))
    # Jupyter Book always adds thebe (live code on a remote Binder kernel, loaded from a CDN). This
    # book is static and offline, and thebe's inline script is added twice, a console error.
    scripts = context.get("script_files", [])
    scripts[:] = [s for s in scripts if not _is_thebe(s)]


def sha256_manifest(folder: Path, skip: tuple[str, ...] = ()) -> str:
    """``sha256sum``-style lines for every file under ``folder``, sorted by path."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name not in skip:
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}")
    return "\n".join(lines) + "\n"


def _finish_site(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        outdir = Path(app.outdir)
        write_vega_bundle(outdir / "_static")
        # Last, so that it covers every other file of the site.
        (outdir / SITE_MANIFEST).write_text(sha256_manifest(outdir, skip=(SITE_MANIFEST,)), encoding="utf-8")


def _add_static_path(app, config) -> None:
    config.html_static_path.append(str(STATIC_DIR))


class LinkedNumberRole(PasteTextRole):
    """``{glue:text}`` whose number links to its row in the page's provenance table."""

    def run(self):
        pasted, messages = super().run()
        key = self.text.rsplit(":", 1)[0] if ":" in self.text else self.text
        if pasted and "::" not in key:
            pasted = [nodes.reference("", "", *pasted, refuri=f"#num-{key}", classes=[NUMBER_MARKER])]
        return pasted, messages


def _link_glued_numbers(app, config) -> None:
    app.add_role_to_domain("glue", "text", LinkedNumberRole(), override=True)


class SourcesDirective(SphinxDirective):
    """The bibliography: every source of the ledger with an anchor ``source-<id>`` to cite."""

    def run(self) -> list[nodes.Node]:
        from . import data
        from .publish import html_table

        ledger = data.load_ledger()
        self.env.note_dependency(str(data.DATA_DIR / "sources.csv"))
        cited = {}
        for fact in ledger.facts.values():
            cited[fact.source] = cited.get(fact.source, 0) + 1
        rows = []
        for source in sorted(ledger.sources.values(), key=lambda s: (s.kind, s.publisher.lower(), s.id)):
            rows.append(
                f'<tr id="source-{source.id}"><td>{html.escape(source.kind)}</td>'
                f"<td>{html.escape(source.publisher)}</td>"
                f'<td><a href="{html.escape(source.url)}">{html.escape(source.title)}</a> '
                f'<code class="rtn-id">{html.escape(source.id)}</code></td>'
                f"<td>{html.escape(source.date)}</td><td>{cited.get(source.id, 0)}</td></tr>"
            )
        table = html_table("rtn-sources", ["Kind", "Publisher", "Title", "Date", "Facts"], rows)
        return [nodes.raw("", table, format="html")]


class FactsDirective(SphinxDirective):
    """One fact page of the ledger (see ``Chapter.fact_page``), a row per fact with an anchor ``fact-<id>``."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        from . import data
        from .publish import format_fact, html_table

        ledger = data.load_ledger()
        self.env.note_dependency(str(data.DATA_DIR / "facts.csv"))
        self.env.note_dependency(str(Path(chapters.__file__)))
        rows = []
        for fact in ledger.facts.values():
            if chapters.fact_chapter(fact.id).fact_page != self.arguments[0]:
                continue
            source = ledger.sources[fact.source]
            rows.append(
                f'<tr id="fact-{fact.id}" class="rtn-main"><td><code>{fact.id}</code></td>'
                f"<td>{html.escape(format_fact(fact))}</td><td>{html.escape(fact.period)}</td>"
                f'<td><a href="{source_href(source.id)}">{html.escape(source.publisher)}</a> ({source.kind})</td></tr>'
            )
            # Where, quote and note run under the row across the table: long text reflows instead of
            # squeezing seven columns into the page.
            detail = [f"<b>Where:</b> {html.escape(fact.locator)}"]
            if fact.quote:
                detail.append(f"<b>Quote:</b> “<span{_quote_language(fact.quote)}>{html.escape(fact.quote)}</span>”")
            if fact.note:
                detail.append(f"<b>Note:</b> {_link_fact_ids(fact.note, ledger)}")
            rows.append(f'<tr class="rtn-detail"><td colspan="4">{"<br>".join(detail)}</td></tr>')
        table = html_table("rtn-facts", ["Fact", "Value", "Period", "Source"], rows)
        return [nodes.raw("", table, format="html")]


class ClaimsDirective(SphinxDirective):
    """The claims of one argument as a table: figures, computed verdict, reason, and links."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        from . import data
        from .claims import load_claims
        from .notebooks import published_dir
        from .publish import html_table
        from .units import signed_percent

        ledger = data.load_ledger()
        self.env.note_dependency(str(data.DATA_DIR / "claims.csv"))
        # Checked figures are read from the executed notebooks: a re-executed chapter refreshes this page.
        for path in sorted(published_dir().glob("*.ipynb")):
            self.env.note_dependency(str(path))
        rows = []
        for claim in load_claims(ledger=ledger):
            if claim.row.argument != self.arguments[0]:
                continue
            shown = [_claim_value(ledger, claim, claim.article_value), _claim_value(ledger, claim, claim.checked_value)]
            difference = "" if claim.difference is None else signed_percent(claim.difference)
            if claim.is_split:
                # A split claim heads its sub-claims, which follow it in the ledger: no verdict of its own.
                verdict_cell, verdict_attr, row_class = (
                    f"split into {len(claim.parts)}",
                    "split",
                    "rtn-main rtn-claim-parent",
                )
            else:
                verdict = html.escape(claim.verdict)
                if claim.row.section:
                    verdict = f'<a href="{section_href(claim.row.section)}">{verdict}</a>'
                verdict_cell = f'<span class="rtn-verdict rtn-verdict-{claim.verdict}">{verdict}</span>'
                verdict_attr = claim.verdict
                row_class = "rtn-main rtn-claim-part" if claim.row.parent_id else "rtn-main"
            why = _link_fact_ids(claim.row.explanation, ledger)
            if claim.row.tolerance is not None:
                why += f" <em>Tolerance {claim.row.tolerance:.0%}: {_link_fact_ids(claim.row.tolerance_reason, ledger)}.</em>"
            if claim.row.searched:
                why += f" <em>Searched: {_link_fact_ids(claim.row.searched, ledger)}</em>"
            sources = ", ".join(
                f'<a href="{source_href(source)}">{html.escape(ledger.sources[source].publisher)}</a>'
                for source in claim.row.sources.split()
            )
            parent = f' data-parent="{claim.row.parent_id}"' if claim.row.parent_id else ""
            rows.append(
                f'<tr id="claim-{claim.row.id}" class="{row_class}"{parent} data-verdict="{verdict_attr}"><td>{claim.row.id}</td>'
                f"<td>{html.escape(claim.row.claim)}</td><td>{html.escape(shown[0])}</td><td>{html.escape(shown[1])}</td>"
                f"<td>{difference}</td><td>{verdict_cell}</td></tr>"
            )
            # The reason and the sources run under the claim, across the table.
            rows.append(
                f'<tr class="rtn-detail" data-verdict="{verdict_attr}"{parent}><td colspan="6"><b>Why:</b> {why}'
                f"<br><b>Sources:</b> {sources}</td></tr>"
            )
        table = html_table(
            "rtn-claims", ["Claim", "What the article says", "Article", "Checked", "Difference", "Verdict"], rows
        )
        return [nodes.raw("", table, format="html")]


def _claim_value(ledger, claim, value) -> str:
    """A claim's article or checked figure in the unit of the article's fact, dates at their precision."""
    from .publish import format_value

    if value is None:
        return ""
    if not claim.row.article_fact:
        return format_value(value, "")
    fact = ledger.fact(claim.row.article_fact)
    return format_value(value, fact.unit, period=fact.period, note=fact.note)


_FACT_ID = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _link_fact_ids(text: str, ledger) -> str:
    """``text`` escaped, each ledger fact id in it shown as code and linked to its row."""
    from .links import fact_href

    def link(match: re.Match) -> str:
        name = match.group(0)
        return (
            f'<a href="{fact_href(name)}"><code>{name}</code></a>' if name in ledger.facts else f"<code>{name}</code>"
        )

    return _FACT_ID.sub(link, html.escape(text))


def _quote_language(quote: str) -> str:
    """A ``lang`` attribute for a quote in Chinese (the article is read in translation), else nothing."""
    return ' lang="zh"' if re.search(r"[\u4e00-\u9fff]", quote) else ""


class ClaimsFilterDirective(SphinxDirective):
    """Buttons that show only the claims with chosen verdicts; hidden until the page script runs."""

    def run(self) -> list[nodes.Node]:
        from . import data
        from .claims import VERDICTS, graded, load_claims

        self.env.note_dependency(str(data.DATA_DIR / "claims.csv"))
        counts = {v: 0 for v in VERDICTS}
        for claim in graded(load_claims()):
            counts[claim.verdict] += 1
        boxes = "".join(
            f'<label><input type="checkbox" value="{v}" checked> {v} ({counts[v]})</label>' for v in VERDICTS
        )
        return [
            nodes.raw(
                "",
                f'<fieldset class="rtn-claims-filter" hidden><legend>Show claims judged</legend>{boxes}</fieldset>',
                format="html",
            )
        ]


HOME_NOTEBOOKS = ("credit", "concentration", "capex", "summary")


def _finding(value: str, name: str, text: str, page: str) -> str:
    return (
        f'<li><a class="rtn-finding" data-value-of="{name}" href="{site_href(page)}">'
        f"<strong>{html.escape(value)}</strong></a> {text}</li>"
    )


def home_findings(values: dict[str, dict], ledger, claims: list) -> str:
    """The home page's findings with their numbers, and how sure the book is (the conclusion above them is
    the ``rtn-conclusion`` directive's, the same sentence as the summary's)."""
    from .publish import first_hand_counts
    from .units import money, percent, plain, plural

    credit, concentration, capex, summary = (values[n] for n in ("credit", "concentration", "capex", "summary"))
    from .claims import graded
    from .claims import tally as count_verdicts

    tally = count_verdicts(claims)
    checkable = len(graded(claims)) - tally["unverifiable"] - tally["opinion"]
    holding = tally["supported"] + tally["roughly"]
    findings = [
        _finding(
            f"{holding} of {checkable}",
            "summary:claims_holding",
            f"checkable claims of the essay hold or roughly hold; {tally['contradicted']} are contradicted and "
            f"{tally['garbled']} garbled in translation.",
            "book/claims",
        ),
        _finding(
            money(credit["service_2026_bn"] * 1e9),
            "credit:service_2026_bn",
            f"is what all of CoreWeave's debt costs in 2026, principal and interest; it owed "
            f"{money(credit['owed_bn'] * 1e9)} at mid-2025. Most of it is principal, not the interest the essay says.",
            "notebooks/credit",
        ),
        _finding(
            f"{plain(credit['coverage_2026'], 2)}×",
            "credit:coverage_2026",
            f"is how many times earnings at the latest quarter's rate cover that 2026 bill (interest alone "
            f"{plain(credit['interest_cover_2026'], 1)}×), with debt at {plain(credit['leverage_ttm_2025'], 1)} times "
            "a year's EBITDA at the end of 2025.",
            "notebooks/credit",
        ),
        _finding(
            percent(concentration["ms_share_2024"]),
            "concentration:ms_share_2024",
            f"of 2024 revenue came from Microsoft, {percent(concentration['top_two_share_2024'])} from the two largest "
            "customers: real and disclosed, as the essay says.",
            "notebooks/concentration",
        ),
        _finding(
            f"{money(capex['gap_low_bn'] * 1e9)} to {money(capex['gap_high_bn'] * 1e9)}",
            "capex:gap_low_bn",
            f"is the funding gap of the capacity CoreWeave has contracted, against {money(capex['on_hand_bn'] * 1e9)} on "
            "hand in March 2025: more than the debt payments, this is what ties it to lenders and investors.",
            "notebooks/capex",
        ),
    ]
    first_hand, evidence = first_hand_counts(ledger)
    sure = (
        f"<p><strong>How sure is this?</strong> Of the {plain(evidence, 0)} figures the book checks the essay against, "
        f"{plain(first_hand, 0)} ({percent(round(first_hand / evidence, 2))}) come from the companies' own filings, press "
        "releases and call transcripts; the rest come from news reports and analysts, some of them machine-written "
        "summaries, and each is labelled with its kind. The prospectus itself could not be read in full, and "
        f"{plural(tally['unverifiable'], 'claim')} of the essay could not be checked at all.</p>"
    )
    links = (
        f'<p><a href="{site_href("notebooks/summary")}">The answer in numbers</a> sets out the findings chapter by '
        f'chapter; <a href="{site_href("book/claims")}">the claims page</a> gives a verdict and a reason for each of the '
        f"essay's {tally['total']} claims and sub-claims.</p>"
    )
    return f'<div class="rtn-home"><ul class="rtn-findings">{"".join(findings)}</ul>{sure}{links}</div>'


class HomeDirective(SphinxDirective):
    """The home page's answer, read from the executed notebooks' published values (see :func:`home_findings`)."""

    def run(self) -> list[nodes.Node]:
        from . import data
        from .claims import load_claims
        from .notebooks import baseline_values, published_dir

        for name in HOME_NOTEBOOKS:
            self.env.note_dependency(str(published_dir() / f"{name}.ipynb"))
        self.env.note_dependency(str(data.DATA_DIR / "facts.csv"))
        self.env.note_dependency(str(data.DATA_DIR / "claims.csv"))
        ledger = data.load_ledger()
        values = baseline_values(HOME_NOTEBOOKS)
        return [nodes.raw("", home_findings(values, ledger, load_claims(ledger=ledger)), format="html")]


class DataManifestDirective(SphinxDirective):
    """A SHA-256 digest of each data file, so a reader can check that a copy is the one this site used."""

    def run(self) -> list[nodes.Node]:
        from . import data
        from .publish import html_table

        rows = []
        for path in sorted(data.DATA_DIR.glob("*.csv")):
            self.env.note_dependency(str(path))
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            count = path.read_text(encoding="utf-8").count("\n") - 1
            rows.append(
                f"<tr><td><code>data/{path.name}</code></td><td>{count}</td><td><code>{digest}</code></td></tr>"
            )
        table = html_table("rtn-manifest", ["File", "Rows", "SHA-256"], rows)
        return [nodes.raw("", table, format="html")]


class ConclusionDirective(SphinxDirective):
    """The book's one-sentence conclusion (runthenumbers/conclusion.py), the same on every page that shows it."""

    def run(self) -> list[nodes.Node]:
        from . import conclusion

        self.env.note_dependency(str(Path(conclusion.__file__)))
        sentence = html.escape(conclusion.conclusion())
        return [nodes.raw("", f'<p class="rtn-conclusion"><strong>{sentence}</strong></p>', format="html")]


class SourceQualityDirective(SphinxDirective):
    """The share of published numbers whose facts come from primary sources, by chapter, and the rest listed."""

    def run(self) -> list[nodes.Node]:
        from . import data, quality
        from .notebooks import NOTEBOOK_DIR

        self.env.note_dependency(str(data.DATA_DIR / "sources.csv"))
        self.env.note_dependency(str(data.DATA_DIR / "facts.csv"))
        for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
            self.env.note_dependency(str(path))
        return [nodes.raw("", quality.to_html(quality.source_quality()), format="html")]


def setup(app):
    app.connect("config-inited", _add_static_path)
    app.connect("config-inited", _link_glued_numbers)
    app.connect("html-page-context", _page_scripts)
    # After the theme, which rewrites pygments.css when the build finishes.
    app.connect("build-finished", _finish_site, priority=900)
    app.add_css_file("runthenumbers.css")
    app.add_directive("rtn-sources", SourcesDirective)
    app.add_directive("rtn-data-manifest", DataManifestDirective)
    app.add_directive("rtn-facts", FactsDirective)
    app.add_directive("rtn-claims", ClaimsDirective)
    app.add_directive("rtn-claims-filter", ClaimsFilterDirective)
    app.add_directive("rtn-cite", CiteDirective)
    app.add_directive("rtn-conclusion", ConclusionDirective)
    app.add_directive("rtn-source-quality", SourceQualityDirective)
    app.add_directive("rtn-home", HomeDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
