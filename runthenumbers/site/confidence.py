"""Confidence shown: the primary share of the book's published numbers, written by one owner.

- ``{rtn-primary-share}`all` `` writes the share of all the book's published numbers whose facts come
  from primary sources (:func:`runthenumbers.quality.book_share`), the same figure on the home page, the
  summary and the method page; ``{rtn-primary-share}`capex` `` writes one page's share.
- Every page that publishes numbers gets a badge under its title: its own share, and how many of its
  numbers it counts (:func:`badge_html`).
"""

from __future__ import annotations

import html

from docutils import nodes
from sphinx.util.docutils import SphinxRole

# The book's grading for one build, by the folder of notebooks it read: every role and badge shares it.
_REPORTS: dict[str, list] = {}
BADGE_CLASS = "rtn-share-badge"


def _report() -> list:
    from .. import quality
    from ..values import published_dir

    key = str(published_dir())
    if key not in _REPORTS:
        _REPORTS[key] = quality.source_quality()
    return _REPORTS[key]


def share_of(page: str) -> str:
    """``all``'s share (the book's), or one page's, as every page writes it."""
    from .. import quality

    report = _report()
    if page == "all":
        return quality.share_text(quality.overall_share(report))
    for graded in report:
        if graded.page == page:
            return quality.share_text(graded.share)
    raise KeyError(f"'{page}' is not a page that publishes numbers (known: all, {', '.join(p.page for p in report)})")


def badge_html(graded) -> str:
    """One page's badge: its share of numbers from primary sources, linked to the method page's panel."""
    from .. import quality

    share = quality.share_text(graded.share)
    if not share:
        return ""
    return (
        f'<p class="{BADGE_CLASS}"><a href="../book/method.html#where-the-published-numbers-come-from">'
        f"<strong>{html.escape(share)}</strong> of this page's {graded.graded} numbers rest on primary sources</a> "
        f"(the book: {html.escape(quality.share_text(quality.overall_share(_report())))})</p>"
    )


class PrimaryShareRole(SphinxRole):
    """``{rtn-primary-share}`all` `` or ``{rtn-primary-share}`<page>` ``: a primary share, from one owner."""

    def run(self):
        from ..values import published_dir

        for path in sorted(published_dir().glob("*.ipynb")):
            self.env.note_dependency(str(path))
        try:
            text = share_of(self.text.strip() or "all")
        except KeyError as error:
            message = self.inliner.reporter.error(f"{{rtn-primary-share}}`{self.text}`: {error.args[0]}")
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        return [nodes.inline(text, text, classes=["rtn-primary-share"])], []


def add_badge(app, doctree, docname: str) -> None:
    """Put a page's badge under its title, on every page that publishes graded numbers."""
    folder, _, stem = docname.rpartition("/")
    if folder != "notebooks":
        return
    graded = next((p for p in _report() if p.page == stem), None)
    if graded is None:
        return
    badge = badge_html(graded)
    section = next(iter(doctree.findall(nodes.section)), None)
    if not badge or section is None:
        return
    title = next(iter(section.findall(nodes.title)), None)
    position = section.index(title) + 1 if title is not None else 0
    section.insert(position, nodes.raw("", badge, format="html"))


def forget(app) -> None:
    _REPORTS.clear()
