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
    """``{glue:text}`` whose number links to its row in the page's provenance table.

    A value glued with its unit (``publish.number(..., unit="USD")``) is written by
    :func:`runthenumbers.units.formatted`: with no format spec as prose writes it ("$4.95 billion"),
    or with ``short``, ``long``, ``million,.1f`` or a Python spec. Other values paste as myst-nb does.
    """

    def run(self):
        key, _, spec = self.text.rpartition(":") if ":" in self.text else (self.text, "", "")
        pasted, messages = self._with_unit(key, spec) if "::" not in self.text else (None, [])
        if pasted is None:
            pasted, messages = super().run()
        if pasted and "::" not in key:
            pasted = [nodes.reference("", "", *pasted, refuri=f"#num-{key}", classes=[NUMBER_MARKER])]
        return pasted, messages

    def _with_unit(self, key: str, spec: str):
        """The pasted value written in its glued unit, or None for a value glued without one."""
        from ast import literal_eval

        from myst_nb.core.variables import RetrievalError
        from myst_nb.ext.glue.utils import glue_warning, retrieve_glue_data

        from ..units import UNIT_METADATA, formatted

        try:
            glued = retrieve_glue_data(self.document, key)
        except RetrievalError:
            return None, []  # myst-nb's own role says what is missing
        unit = glued.metadata.get(UNIT_METADATA, {}).get("unit")
        if not unit:
            return None, []
        try:
            text = formatted(literal_eval(glued.data["text/plain"]), unit, spec)
        except (ValueError, SyntaxError, KeyError) as error:
            return [], [
                glue_warning(
                    f"{key}: cannot write the value in {unit!r} with {spec!r}: {error}", self.document, self.line
                )
            ]
        node = nodes.inline(text, text, classes=["pasted-text"])
        self.set_source_info(node)
        return [node], []


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
