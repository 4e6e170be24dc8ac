"""Sphinx extension of the book (listed in ``_config.yml`` under ``sphinx.extra_extensions``).

- :mod:`.assets`: the offline Vega bundle, chart downloads, page scripts and ``SHA256SUMS``;
- :mod:`.ledger_pages`: the sources, facts, claims, data-manifest and source-quality directives;
- :mod:`.home`: the conclusion;
- :mod:`.confidence`: the primary share of published numbers (``{rtn-primary-share}``) and each page's badge;
- :mod:`.chapter_lists`: the claims page's sections, the fact pages' index and the introduction's
  arguments, drawn from the chapters;
- here: ``setup``, the ``{glue:text}`` role that links each number to its provenance, and the
  ``{rtn-value}`` role that writes another page's published value into prose.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from myst_nb.ext.glue.roles import PasteTextRole
from sphinx.util.docutils import SphinxRole

from ..citation import CiteDirective
from . import i18n
from .assets import (
    NUMBER_MARKER,
    add_static_path,
    finish_site,
    forget_an_interrupted_build,
    mark_build_started,
    page_scripts,
)
from .chapter_lists import ArgumentsDirective, ClaimsSectionsDirective, FactPagesDirective
from .confidence import PrimaryShareRole, add_badge
from .confidence import forget as _forget_shares
from .home import ConclusionDirective

if TYPE_CHECKING:
    from ..values import Reader
from .ledger_pages import (
    ClaimsDirective,
    ClaimsFilterDirective,
    DataManifestDirective,
    FactsDirective,
    KeyClaimsDirective,
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
        env = self.document.settings.env
        _find_notebook(self.document, env)
        key, _, spec = self.text.rpartition(":") if ":" in self.text else (self.text, "", "")
        pasted, messages = self._with_unit(key, spec) if "::" not in self.text else (None, [])
        if pasted is None:
            pasted, messages = super().run()
            language = env.config.language or "en"
            if i18n.is_translated(language):
                # A glued word or label (a verdict, 'Q3 2026') in the edition's language.
                for node in pasted:
                    for leaf in list(node.findall(nodes.Text)):
                        leaf.parent.replace(leaf, nodes.Text(i18n.text(leaf.astext(), language)))
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
        language = self.document.settings.env.config.language or "en"
        # A value glued without its unit can be given one in the spec ('USD billions': see value_text),
        # as a translation does where its language counts money in other scales.
        if not unit and not (spec[:1].isalpha() and spec.split(" ")[0] not in ("short", "long")):
            return None, []
        try:
            value = literal_eval(glued.data["text/plain"])
            if isinstance(value, str):
                return None, []
            text = formatted(value, unit, spec, language) if unit else value_text(value, spec, language=language)
        except (ValueError, SyntaxError, KeyError) as error:
            return [], [
                glue_warning(
                    f"{key}: cannot write the value in {unit!r} with {spec!r}: {error}", self.document, self.line
                )
            ]
        node = nodes.inline(text, text, classes=["pasted-text"])
        self.set_source_info(node)
        return [node], []


# Scales a unit may carry in a {rtn-value} format: the value was published in billions or millions of it.
SCALES = {"billions": 1e9, "millions": 1e6}
# Readers made during one build, by page and folder: each notebook is read once however often its values appear.
_READERS: dict[tuple[str, str], Reader] = {}


def value_text(value, spec: str = "", unit: str = "", language: str = "en") -> str:
    """``value`` as the ``{rtn-value}`` role writes it.

    A value published with its unit (``publish.number(..., unit="USD")``) is written as ``{glue:text}``
    writes it, by :func:`runthenumbers.units.formatted` (``spec`` empty for prose, ``short``,
    ``million,.1f``, a Python spec). One published without a unit takes it from ``spec``: a unit of
    :func:`runthenumbers.units.quantity`, optionally scaled (``USD billions``: the value is in billions
    of USD, and ``USD billions .0f`` written to the precision of that spec), or a Python format spec
    (``.1f``, ``.0%``). ``language`` ``zh_CN`` writes the value as a Chinese reader does.
    """
    from .. import units

    if isinstance(value, str):
        return i18n.text(value, language)
    if unit:
        return units.formatted(value, unit, spec, language)
    if not spec:
        return units.number(value)
    if spec[0].isalpha():
        named, _, scale = spec.partition(" ")
        scale, _, digits = scale.partition(" ")
        if scale and scale not in SCALES:
            raise ValueError(f"'{scale}' is not a scale (allowed: {', '.join(SCALES)})")
        amount = value * SCALES.get(scale, 1.0)
        if digits and named in units.CURRENCIES and scale:
            # 'USD billions .0f': the amount as the English writes it with that spec ('$24 billion'),
            # in Chinese rounded to the same precision ('240 亿美元').
            if units.is_chinese(language):
                return units.money_zh(amount, named, units.money_step(SCALES[scale], digits))
            return f"{units.CURRENCIES[named]}{format(value, digits)} {scale[:-1]}"
        return units.quantity(amount, named, language=language)
    return format(value, spec)


class ValueRole(SphinxRole):
    """``{rtn-value}`page:name` `` or ``{rtn-value}`page:name:format` ``: a value that the page with notebook
    ``page`` published, formatted (see :func:`value_text`) and linked to its row in that page's provenance
    table. The page using the role must declare that it reads ``page`` (runthenumbers/chapters.py): an
    undeclared read, or a value the page does not publish, is an error that fails the build."""

    def run(self):
        from .. import values
        from ..links import value_href

        page, _, rest = self.text.partition(":")
        name, _, spec = rest.partition(":")
        reader_name = Path(self.env.docname).name
        try:
            key = (reader_name, str(values.published_dir()))
            reader = _READERS.get(key) or _READERS.setdefault(key, values.Reader(reader_name))
            value = reader.value(page, name)
            how = reader.provenance(page).get(name, {})
            shown = value_text(value, spec, how.get("unit", ""), self.env.config.language or "en")
        except (values.UndeclaredRead, KeyError, OSError, ValueError) as error:
            # A KeyError's str() quotes its message; the reader's own message reads better bare.
            reason = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
            message = self.inliner.reporter.error(f"{{rtn-value}}`{self.text}` on {self.env.docname}: {reason}")
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        self.env.note_dependency(str(reader.path(page)))
        # How the value was worked out, in words: the ledger's ids stay in the provenance table it links to.
        title = re.sub(r"([a-z0-9])_(?=[a-z0-9])", r"\1 ", how.get("formula", ""))
        link = (
            f'<a class="{NUMBER_MARKER} rtn-value" href="{value_href(page, name)}" title="{html.escape(title)}">'
            f"{html.escape(shown)}</a>"
        )
        return [nodes.raw("", link, format="html")], []


def _forget_readers(app) -> None:
    _READERS.clear()


# The glued values of each notebook, read once a build for the roles of its translated messages.
_GLUE_DATA: dict[tuple[str, float], dict] = {}


def _find_notebook(document, env) -> None:
    """Give a translated message its page's glued values.

    Sphinx parses each translated message as a document of its own, after myst-nb has parsed the
    page's notebook and let go of it; the roles of a translation then read the page's glued values
    from its executed notebook, as myst-nb itself read them.
    """
    if "nb_renderer" in document or not str(env.doc2path(env.docname)).endswith(".ipynb"):
        return
    from types import SimpleNamespace

    import nbformat
    from myst_nb.ext.glue import extract_glue_data_cell

    path = Path(env.doc2path(env.docname))
    key = (str(path), path.stat().st_mtime)
    if key not in _GLUE_DATA:
        notebook = nbformat.read(path, as_version=4)
        _GLUE_DATA[key] = {
            k: v for cell in notebook.cells if cell.cell_type == "code" for k, v in extract_glue_data_cell(cell)
        }
    document["nb_renderer"] = SimpleNamespace(
        renderer=SimpleNamespace(nb_client=SimpleNamespace(glue_data=_GLUE_DATA[key]))
    )


def _link_glued_numbers(app, config) -> None:
    app.add_role_to_domain("glue", "text", LinkedNumberRole(), override=True)


def setup(app):
    from sphinx import search

    search.languages["zh"] = i18n.chinese_search()
    app.connect("config-inited", add_static_path)
    app.connect("config-inited", forget_an_interrupted_build)
    app.connect("builder-inited", mark_build_started)
    app.connect("config-inited", _link_glued_numbers)
    app.connect("html-page-context", i18n.page_context)
    app.connect("doctree-read", i18n.translate_captions)
    app.connect("html-page-context", page_scripts)
    # After the theme, which rewrites pygments.css when the build finishes.
    app.connect("build-finished", finish_site, priority=900)
    app.add_css_file("runthenumbers.css")
    app.add_directive("rtn-sources", SourcesDirective)
    app.add_directive("rtn-data-manifest", DataManifestDirective)
    app.add_directive("rtn-facts", FactsDirective)
    app.add_directive("rtn-claims", ClaimsDirective)
    app.add_directive("rtn-claims-filter", ClaimsFilterDirective)
    app.add_directive("rtn-key-claims", KeyClaimsDirective)
    app.add_directive("rtn-cite", CiteDirective)
    app.add_directive("rtn-conclusion", ConclusionDirective)
    app.add_directive("rtn-source-quality", SourceQualityDirective)
    app.add_directive("rtn-claims-sections", ClaimsSectionsDirective)
    app.add_directive("rtn-fact-pages", FactPagesDirective)
    app.add_directive("rtn-arguments", ArgumentsDirective)
    app.add_role("rtn-value", ValueRole())
    app.add_role("rtn-primary-share", PrimaryShareRole())
    app.connect("builder-inited", _forget_readers)
    app.connect("builder-inited", _forget_shares)
    app.connect("doctree-resolved", add_badge)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
