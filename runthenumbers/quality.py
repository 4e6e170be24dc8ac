"""Where the book's published numbers come from: the share whose facts are primary sources.

Every number a page publishes records the ledger facts it was computed from (``publish.number``).
A number is *primary* when every fact behind it, the article's own figures aside, comes from a
filing, a company release, a court filing, a transcript of the company's own call or a rating
action (:data:`runthenumbers.data.PRIMARY_KINDS`); *secondary* when any comes from news, analysis,
an aggregator or a machine summary. Numbers built only from the article's figures, and numbers that
declare why they rest on no ledger fact (``publish.number(..., basis=...)``: the book's assumptions,
counts of its verdicts, model settings), are neither and are left out of the share. A number with no
facts and no basis is a gap: it is listed as having *no facts*.

The facts behind each number are read from the executed notebooks, where
:func:`runthenumbers.publish.provenance` stores them, through the method page's
:class:`runthenumbers.values.Reader`: on a scenario's site, the run's notebooks.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from . import chapters
from .data import PRIMARY_KINDS, Ledger, load_ledger
from .values import Reader

# The page of the book that shows the panel (runthenumbers/chapters.py declares that it reads every page).
READER = "method"
# The share may only rise: a change that moves published numbers onto weaker sources fails a test.
# Measured when the floor was last raised, for the 2026-Q1 edition (issue 25): 351 of 585 numbers, 0.600
# (first set at 0.44 after the audit of 2026-11-29: 202 of 453). Raise it as secondary facts are replaced
# by filings; never lower it to let a change through.
PRIMARY_SHARE_FLOOR = 0.59


@dataclass
class PageQuality:
    """One page's published numbers sorted by where their facts come from."""

    page: str
    title: str
    primary: list[str] = field(default_factory=list)
    # Name -> the non-primary facts behind it, with their source kinds.
    secondary: dict[str, list[str]] = field(default_factory=dict)
    article_only: list[str] = field(default_factory=list)
    # Name -> its basis: assumptions, counts and model settings, which rest on no fact by design.
    stated: dict[str, str] = field(default_factory=dict)
    no_facts: list[str] = field(default_factory=list)

    @property
    def graded(self) -> int:
        return len(self.primary) + len(self.secondary)

    @property
    def share(self) -> float | None:
        return len(self.primary) / self.graded if self.graded else None

    @property
    def published(self) -> int:
        """Every number the page publishes, counted once, whatever it rests on."""
        return self.graded + len(self.article_only) + len(self.stated) + len(self.no_facts)


def classify(page: str, title: str, numbers: dict[str, dict], ledger: Ledger) -> PageQuality:
    """Sort one page's published numbers (floats only; words and labels are not numbers)."""
    result = PageQuality(page, title)
    for name, how in numbers.items():
        if not isinstance(how.get("value"), (int, float)) or how.get("same_as"):
            continue  # a word, or a value's former name (publish.number(formerly=...)): counted once
        kinds = {}
        for fact_id in how.get("facts", []):
            if fact_id in ledger.facts:
                kinds[fact_id] = ledger.source_of(fact_id).kind
        outside = {f: k for f, k in kinds.items() if k != "article"}
        if not kinds and how.get("basis"):
            result.stated[name] = how["basis"]
        elif not kinds:
            result.no_facts.append(name)
        elif not outside:
            result.article_only.append(name)
        elif all(k in PRIMARY_KINDS for k in outside.values()):
            result.primary.append(name)
        else:
            result.secondary[name] = [f"{f} ({k})" for f, k in outside.items() if k not in PRIMARY_KINDS]
    return result


def pages() -> list[tuple[str, str]]:
    """(notebook stem, title) for every page that publishes numbers: the chapters, then the pages that read them."""
    return [(c.name, c.title) for c in chapters.execution_order()]


def source_quality(ledger: Ledger | None = None, directory: Path | None = None) -> list[PageQuality]:
    """Each page's published numbers by the kind of source behind them, read from the executed notebooks
    of ``directory`` (default: :func:`runthenumbers.values.published_dir`, a scenario's when the site is one's)."""
    ledger = ledger or load_ledger()
    reader = Reader(READER, directory)
    return [classify(stem, title, reader.provenance(stem), ledger) for stem, title in pages() if reader.exists(stem)]


def overall_share(report: list[PageQuality]) -> float:
    graded = sum(p.graded for p in report)
    return sum(len(p.primary) for p in report) / graded if graded else 0.0


def rows(report: list[PageQuality]) -> list[dict]:
    """One row per page and a total: counts and the primary share."""
    out = [
        {
            "page": p.page,
            "numbers": p.graded,
            "primary": len(p.primary),
            "secondary": len(p.secondary),
            "share": "" if p.share is None else f"{p.share:.0%}",
            "article_only": len(p.article_only),
            "stated": len(p.stated),
            "no_facts": len(p.no_facts),
        }
        for p in report
    ]
    out.append(
        {
            "page": "all",
            "numbers": sum(p.graded for p in report),
            "primary": sum(len(p.primary) for p in report),
            "secondary": sum(len(p.secondary) for p in report),
            "share": f"{overall_share(report):.0%}",
            "article_only": sum(len(p.article_only) for p in report),
            "stated": sum(len(p.stated) for p in report),
            "no_facts": sum(len(p.no_facts) for p in report),
        }
    )
    return out


def no_facts_share(report: list[PageQuality]) -> float:
    """The share of all published numbers that rest on no fact and declare no basis: the ledger's gaps."""
    published = sum(p.published for p in report)
    return sum(len(p.no_facts) for p in report) / published if published else 0.0


def share_text(share: float | None) -> str:
    """A share as every page writes it: a whole percent."""
    return "" if share is None else f"{share:.0%}"


def book_share(directory: Path | None = None) -> str:
    """The one primary share of the book's published numbers, as the home page, the summary and the method
    page write it (``{rtn-primary-share}``): the owner of that figure."""
    return share_text(overall_share(source_quality(directory=directory)))


def page_share(page: str, directory: Path | None = None) -> PageQuality | None:
    """One page's grading (its badge), or None for a page that publishes no numbers."""
    return next((p for p in source_quality(directory=directory) if p.page == page), None)


def _as_code(fact: str) -> str:
    """'cw_revenue_fy2024 (aggregator)' with the fact id set as code, the kind as words."""
    name, _, kind = fact.partition(" ")
    return f"<code>{html.escape(name)}</code>" + (f" {html.escape(kind)}" if kind else "")


def to_html(report: list[PageQuality]) -> str:
    """The method page's panel: a table by page, then each page's numbers that rest on secondary sources."""
    from .markup import html_table

    titles = {p.page: p.title for p in report} | {"all": "All pages"}
    body = [
        f'<tr><td>{html.escape(titles.get(r["page"], r["page"]))}</td><td class="num">{r["numbers"]}</td>'
        f'<td class="num">{r["primary"]}</td><td class="num">{r["secondary"]}</td><td class="num">{r["share"]}</td></tr>'
        for r in rows(report)
    ]
    table = html_table(
        "rtn-table rtn-source-quality", ["Page", "Numbers", "Primary", "Secondary", "Primary share"], body
    )
    lists = []
    for page in report:
        if page.secondary:
            items = "".join(
                f"<li><code>{html.escape(name)}</code>: {', '.join(_as_code(f) for f in facts)}</li>"
                for name, facts in page.secondary.items()
            )
            lists.append(
                f"<details><summary>{html.escape(page.title)}: {len(page.secondary)} number(s) from secondary sources"
                f"</summary><ul>{items}</ul></details>"
            )
    return table + "".join(lists)
