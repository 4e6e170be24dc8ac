"""The book's one-sentence conclusion, the same on the home page and the summary.

The home page's findings are prose in ``book/intro.md``, each number written by the ``{rtn-value}``
role (:class:`runthenumbers.site.ValueRole`) from the pages ``runthenumbers/chapters.py`` says it reads.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .dependencies import note_package_code


class ConclusionDirective(SphinxDirective):
    """The book's one-sentence conclusion (runthenumbers/conclusion.py), the same on every page that shows it."""

    def run(self) -> list[nodes.Node]:
        note_package_code(self.env)
        from .. import conclusion

        self.env.note_dependency(str(Path(conclusion.__file__)))
        from .i18n import text

        sentence = html.escape(text(conclusion.conclusion(), self.env.config.language or "en"))
        return [nodes.raw("", f'<p class="rtn-conclusion"><strong>{sentence}</strong></p>', format="html")]
