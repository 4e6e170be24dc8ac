"""The ledger's pages: the bibliography, the fact pages, the claims tables and their filter, the data
manifest and the source-quality panel, each a directive that reads the ledger when its page is written."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .. import chapters
from ..links import section_href, source_href
from .dependencies import note_package_code

# The models, charts and ledger are imported where they are used: a rebuild that finds nothing to do
# then never loads them (altair, pydantic and vl-convert would be most of its time).


class SourcesDirective(SphinxDirective):
    """The bibliography: every source of the ledger with an anchor ``source-<id>`` to cite."""

    def run(self) -> list[nodes.Node]:
        note_package_code(self.env)
        from .. import data
        from ..markup import html_table

        ledger = data.load_ledger()
        self.env.note_dependency(str(data.DATA_DIR / "sources.csv"))
        cited: dict[str, int] = {}
        for fact in ledger.facts.values():
            cited[fact.source] = cited.get(fact.source, 0) + 1
        rows = []
        for source in sorted(ledger.sources.values(), key=lambda s: (s.kind, s.publisher.lower(), s.id)):
            rows.append(
                f'<tr id="source-{source.id}"><td>{html.escape(tr(self.env, source.kind))}</td>'
                f"<td>{html.escape(source.publisher)}</td><td>{source_title_cell(source, tr(self.env, 'read at'))}</td>"
                f"<td>{html.escape(source.date)}</td><td>{cited.get(source.id, 0)}</td></tr>"
            )
        table = html_table(
            "rtn-sources", [tr(self.env, h) for h in ("Kind", "Publisher", "Title", "Date", "Facts")], rows
        )
        return [nodes.raw("", table, format="html")]


def source_title_cell(source, read_at: str = "read at") -> str:
    """A bibliography entry's title cell: the title linked to the original publisher's address, the id, and
    the copy that was read (linked, shown by its host) when it was not the original."""
    cell = (
        f'<a href="{html.escape(source.url)}">{html.escape(source.title)}</a> '
        f'<code class="rtn-id">{html.escape(source.id)}</code>'
    )
    if source.read_at:
        host = urlsplit(source.read_at).netloc
        cell += f'<span class="rtn-read-at">{read_at}: <a href="{html.escape(source.read_at)}">{html.escape(host)}</a></span>'
    return cell


class FactsDirective(SphinxDirective):
    """One fact page of the ledger (see ``Chapter.fact_page``), a row per fact with an anchor ``fact-<id>``."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        note_package_code(self.env)
        from .. import data
        from ..markup import html_table
        from ..units import fact_text

        ledger = data.load_ledger()
        self.env.note_dependency(str(data.DATA_DIR / "facts.csv"))
        # Each row names its source's publisher and kind: a change to sources.csv changes the page.
        self.env.note_dependency(str(data.DATA_DIR / "sources.csv"))
        self.env.note_dependency(str(Path(chapters.__file__)))
        rows = []
        where, quote, note = (tr(self.env, word) for word in ("Where", "Quote", "Note"))
        for fact in ledger.facts.values():
            if chapters.fact_chapter(fact.id).fact_page != self.arguments[0]:
                continue
            source = ledger.sources[fact.source]
            rows.append(
                f'<tr id="fact-{fact.id}" class="rtn-main"><td><code>{fact.id}</code></td>'
                f"<td>{html.escape(fact_text(fact))}</td><td>{html.escape(fact.period)}</td>"
                f'<td><a href="{source_href(source.id)}">{html.escape(source.publisher)}</a> ({source.kind})</td></tr>'
            )
            # Where, quote and note run under the row across the table: long text reflows instead of
            # squeezing seven columns into the page.
            detail = [f"<b>{where}:</b> {html.escape(fact.locator)}"]
            if fact.quote:
                detail.append(f"<b>{quote}:</b> “<span{_quote_language(fact.quote)}>{html.escape(fact.quote)}</span>”")
            if fact.note:
                detail.append(f"<b>{note}:</b> {_link_fact_ids(fact.note, ledger)}")
            rows.append(f'<tr class="rtn-detail"><td colspan="4">{"<br>".join(detail)}</td></tr>')
        table = html_table("rtn-facts", [tr(self.env, h) for h in ("Fact", "Value", "Period", "Source")], rows)
        return [nodes.raw("", table, format="html")]


class ClaimsDirective(SphinxDirective):
    """The claims of one argument as a table: figures, computed verdict, reason, and links."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        note_package_code(self.env)
        from .. import data
        from ..claims import figure_text, load_claims
        from ..markup import html_table
        from ..units import readable_dates, signed_percent
        from ..values import published_dir

        ledger = data.load_ledger()
        self.env.note_dependency(str(data.DATA_DIR / "claims.csv"))
        # Checked figures are read from the executed notebooks: a re-executed chapter refreshes this page.
        for path in sorted(published_dir().glob("*.ipynb")):
            self.env.note_dependency(str(path))
        rows = []
        language = self.env.config.language or "en"
        chinese = is_chinese(language)
        for claim in load_claims(ledger=ledger):
            if claim.row.argument != self.arguments[0]:
                continue
            shown = [
                figure_text(claim, claim.article_value, ledger, language),
                figure_text(claim, claim.checked_value, ledger, language),
            ]
            # A contradicted claim always says what the record shows, in its row: the figure, or in words.
            if claim.verdict == "contradicted" and not shown[1]:
                shown[1] = record_in_words(claim.row.explanation)
            difference = "" if claim.difference is None else signed_percent(claim.difference)
            # A "more than" claim holds when the record reaches it: how far beyond is no error of the article's.
            if claim.row.bound in BOUND_MET and claim.verdict in ("supported", "roughly"):
                difference = html.escape(tr(self.env, BOUND_MET[claim.row.bound]))
            if claim.is_split:
                # A split claim heads its sub-claims, which follow it in the ledger: no verdict of its own.
                verdict_cell, verdict_attr, row_class = (
                    tr(self.env, "split into {count}").format(count=len(claim.parts)),
                    "split",
                    "rtn-main rtn-claim-parent",
                )
            else:
                verdict = html.escape(tr(self.env, claim.verdict))
                if claim.row.section:
                    verdict = f'<a href="{section_href(claim.row.section)}">{verdict}</a>'
                chip = VERDICT_CHIPS.get(claim.verdict, "")
                verdict_cell = (
                    f'<span class="rtn-verdict rtn-verdict-{claim.verdict}">'
                    f'<span class="rtn-chip" aria-hidden="true">{chip}</span> {verdict}</span>'
                )
                verdict_attr = claim.verdict
                row_class = "rtn-main rtn-claim-part" if claim.row.parent_id else "rtn-main"
            why = _link_fact_ids(readable_dates(claim.row.explanation), ledger)
            if claim.row.tolerance is not None:
                reason = _link_fact_ids(claim.row.tolerance_reason, ledger)
                why += f" <em>{tr(self.env, 'Tolerance')} {claim.row.tolerance:.0%}: {reason}.</em>"
            # How each search was made (claims.csv's "searched") is the ledger's business, not the reader's.
            said = html.escape(claim.row.claim)
            translation = _translation_sentence(claim, ledger)
            if translation and chinese:
                # The Chinese edition leads with the line its reader read, the book's English reading under it.
                said = (
                    f'<span lang="zh-Hans" class="rtn-zh-sentence">「{html.escape(translation)}」</span>'
                    f'<br><span lang="en" class="rtn-en-claim">{said}</span>'
                )
            elif translation:
                said += (
                    f'<br><span class="rtn-zh-sentence">{tr(self.env, "In the translation")}: '
                    f'<span lang="zh-Hans">「{html.escape(translation)}」</span></span>'
                )
            if claim.verdict == "garbled":
                # Both the translation's words and the English original's reading, and what went wrong.
                why = (
                    f"<b>{tr(self.env, 'The translation garbled the original')}:</b> "
                    + (f'<span lang="zh-Hans">「{html.escape(translation)}」</span> ≠ ' if translation else "")
                    + f'<span lang="en">{html.escape(claim.row.claim.rstrip("."))}</span>. '
                    + why
                )
            sources = ", ".join(
                f'<a href="{source_href(source)}">{html.escape(ledger.sources[source].publisher)}</a>'
                for source in claim.row.sources.split()
            )
            parent = f' data-parent="{claim.row.parent_id}"' if claim.row.parent_id else ""
            rows.append(
                f'<tr id="claim-{claim.row.id}" class="{row_class}"{parent} data-verdict="{verdict_attr}"><td>{claim.row.id}</td>'
                f"<td>{said}</td><td>{html.escape(shown[0])}</td><td>{html.escape(shown[1])}</td>"
                f"<td>{difference}</td><td>{verdict_cell}</td></tr>"
            )
            # The reason and the sources run under the claim, across the table.
            rows.append(
                f'<tr class="rtn-detail" data-verdict="{verdict_attr}"{parent}><td colspan="6"><b>{tr(self.env, "Why")}:</b> {why}'
                f"<br><b>{tr(self.env, 'Sources')}:</b> {sources}</td></tr>"
            )
        headings = ("Claim", "What the article says", "Article", "Checked", "Difference", "Verdict")
        table = html_table("rtn-claims", [tr(self.env, h) for h in headings], rows)
        return [nodes.raw("", table, format="html")]


# The claims table's verdict chips, as the charts colour them: a mark a reader can scan down the column.
VERDICT_CHIPS = {
    "supported": "✓",
    "roughly": "≈",
    "contradicted": "✗",
    "garbled": "✗",
    "unverifiable": "?",
    "opinion": "–",
}
BOUND_MET = {"floor": "floor met", "ceiling": "ceiling held"}


def record_in_words(explanation: str) -> str:
    """What the record shows, in the first clause of a claim's reason ("The contracts ... are 500 MW of IT
    load"): up to its first full stop, semicolon or colon, dates written as readers write them."""
    from ..units import readable_dates

    first = re.split(r"(?<=[a-z0-9)%])[.;:](?:\s|$)", explanation.strip(), maxsplit=1)[0]
    return readable_dates(first.strip())


class KeyClaimsDirective(SphinxDirective):
    """The claims that matter: a short table of the claim ids given (one a line, the headline first), each
    with what the essay said, what the record shows and the verdict, linked to its row below."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        note_package_code(self.env)
        from .. import data
        from ..claims import figure_text, load_claims
        from ..conclusion import conclusion
        from ..markup import html_table

        ledger = data.load_ledger()
        self.env.note_dependency(str(data.DATA_DIR / "claims.csv"))
        by_id = {claim.row.id: claim for claim in load_claims(ledger=ledger)}
        # On the claims page a row links to the claim's row below; elsewhere (the one-page summary) to that page.
        page = "" if self.env.docname == "book/claims" else "claims.html"
        rows = []
        for claim_id in (line.strip() for line in self.content if line.strip()):
            if claim_id not in by_id:
                raise self.error(f"rtn-key-claims: no claim '{claim_id}' in data/claims.csv")
            claim = by_id[claim_id]
            if claim.verdict == "opinion":
                record = conclusion()
            else:
                checked = figure_text(claim, claim.checked_value, ledger)
                record = checked or record_in_words(claim.row.explanation)
            chip = VERDICT_CHIPS.get(claim.verdict, "")
            bound = BOUND_MET.get(claim.row.bound, "") if claim.verdict in ("supported", "roughly") else ""
            verdict = (
                f'<span class="rtn-verdict rtn-verdict-{claim.verdict}"><span class="rtn-chip" aria-hidden="true">'
                f"{chip}</span> {html.escape(claim.verdict)}</span>" + (f" ({bound})" if bound else "")
            )
            rows.append(
                f'<tr><td><a href="{page}#claim-{claim.row.id}">{html.escape(claim.row.claim)}</a></td>'
                f"<td>{html.escape(record)}</td><td>{verdict}</td></tr>"
            )
        table = html_table("rtn-key-claims", ["The essay said", "What the record shows", "Verdict"], rows)
        return [nodes.raw("", table, format="html")]


_FACT_ID = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _link_fact_ids(text: str, ledger) -> str:
    """``text`` escaped, each ledger fact id in it shown as code and linked to its row."""
    from ..links import fact_href

    def link(match: re.Match) -> str:
        name = match.group(0)
        return (
            f'<a href="{fact_href(name)}"><code>{name}</code></a>' if name in ledger.facts else f"<code>{name}</code>"
        )

    return _FACT_ID.sub(link, html.escape(text))


def tr(env, text: str) -> str:
    """``text``, a heading or label the site writes, in the language of the edition being built."""
    from .i18n import text as translated

    return translated(text, env.config.language or "en")


def is_chinese(language: str) -> bool:
    from ..units import is_chinese as chinese

    return chinese(language)


def _translation_sentence(claim, ledger) -> str:
    """The line of the essay's Chinese translation a claim was read from: its article fact's quote."""
    fact_id = claim.row.article_fact
    if not fact_id or fact_id not in ledger.facts:
        return ""
    quote = ledger.facts[fact_id].quote
    return quote if re.search(r"[\u4e00-\u9fff]", quote or "") else ""


def _quote_language(quote: str) -> str:
    """A ``lang`` attribute for a quote in Chinese (the article is read in translation), else nothing."""
    return ' lang="zh"' if re.search(r"[\u4e00-\u9fff]", quote) else ""


class ClaimsFilterDirective(SphinxDirective):
    """Buttons that show only the claims with chosen verdicts; hidden until the page script runs."""

    def run(self) -> list[nodes.Node]:
        note_package_code(self.env)
        from .. import data
        from ..claims import VERDICTS, graded, load_claims

        self.env.note_dependency(str(data.DATA_DIR / "claims.csv"))
        counts = {v: 0 for v in VERDICTS}
        for claim in graded(load_claims()):
            counts[claim.verdict] += 1
        boxes = "".join(
            f'<label><input type="checkbox" value="{v}" checked> {tr(self.env, v)} ({counts[v]})</label>'
            for v in VERDICTS
        )
        return [
            nodes.raw(
                "",
                f'<fieldset class="rtn-claims-filter" hidden><legend>{tr(self.env, "Show claims judged")}</legend>{boxes}</fieldset>',
                format="html",
            )
        ]


class DataManifestDirective(SphinxDirective):
    """A SHA-256 digest of each data file, so a reader can check that a copy is the one this site used."""

    def run(self) -> list[nodes.Node]:
        note_package_code(self.env)
        from .. import data
        from ..markup import html_table

        rows = []
        for path in sorted(data.DATA_DIR.glob("*.csv")):
            self.env.note_dependency(str(path))
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            count = path.read_text(encoding="utf-8").count("\n") - 1
            rows.append(
                f'<tr><td><code>data/{path.name}</code></td><td class="num">{count:,}</td><td><code>{digest}</code></td></tr>'
            )
        table = html_table("rtn-manifest", [tr(self.env, h) for h in ("File", "Rows", "SHA-256")], rows)
        return [nodes.raw("", table, format="html")]


class SourceQualityDirective(SphinxDirective):
    """The share of published numbers whose facts come from primary sources, by chapter, and the rest listed."""

    def run(self) -> list[nodes.Node]:
        note_package_code(self.env)
        from .. import data, quality
        from ..values import published_dir

        self.env.note_dependency(str(data.DATA_DIR / "sources.csv"))
        self.env.note_dependency(str(data.DATA_DIR / "facts.csv"))
        # On a scenario's site, the run's notebooks: the panel grades the numbers its pages show.
        for path in sorted(published_dir().glob("*.ipynb")):
            self.env.note_dependency(str(path))
        return [nodes.raw("", quality.to_html(quality.source_quality()), format="html")]
