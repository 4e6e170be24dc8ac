"""The lists pages draw from runthenumbers/chapters.py when they are written: the claims page's sections,
the fact pages' index and the introduction's arguments. A new chapter changes no page's source: its
entry in chapters.py is enough (see the README's "Adding a chapter")."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

from .. import chapters
from .dependencies import note_package_code


class ChapterListDirective(SphinxDirective):
    """MyST text rendered from the chapters (:attr:`render`), parsed in place, headings as sections."""

    render = staticmethod(lambda: "")

    def run(self) -> list[nodes.Node]:
        note_package_code(self.env)
        self.env.note_dependency(str(Path(chapters.__file__)))
        holder = nodes.container()
        self.state.nested_parse(StringList(self.render().splitlines()), self.content_offset, holder, match_titles=True)
        return holder.children


class ClaimsSectionsDirective(ChapterListDirective):
    """``book/claims.md``: a section per chapter with claims, each with its claims table."""

    render = staticmethod(chapters.render_claims_sections)


class FactPagesDirective(ChapterListDirective):
    """``book/facts.md``: a line per fact page."""

    render = staticmethod(chapters.render_fact_pages)


class ArgumentsDirective(ChapterListDirective):
    """``book/intro.md``: the essay's arguments, under a heading that counts them."""

    render = staticmethod(chapters.render_arguments)
