"""Sphinx extension of the book (listed in ``_config.yml`` under ``sphinx.extra_extensions``).

- :mod:`.assets`: the offline Vega bundle, chart downloads, page scripts and ``SHA256SUMS``;
- :mod:`.ledger_pages`: the sources, facts, claims, data-manifest and source-quality directives;
- :mod:`.home`: the home page's answer and the conclusion;
- here: ``setup`` and the ``{glue:text}`` role that links each number to its provenance.
"""

from __future__ import annotations

from docutils import nodes
from myst_nb.ext.glue.roles import PasteTextRole

from ..citation import CiteDirective
from .assets import NUMBER_MARKER, add_static_path, finish_site, page_scripts
from .home import ConclusionDirective, HomeDirective
from .ledger_pages import (
    ClaimsDirective,
    ClaimsFilterDirective,
    DataManifestDirective,
    FactsDirective,
    SourceQualityDirective,
    SourcesDirective,
)


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


def setup(app):
    app.connect("config-inited", add_static_path)
    app.connect("config-inited", _link_glued_numbers)
    app.connect("html-page-context", page_scripts)
    # After the theme, which rewrites pygments.css when the build finishes.
    app.connect("build-finished", finish_site, priority=900)
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
