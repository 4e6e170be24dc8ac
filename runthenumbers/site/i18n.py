"""What the Chinese edition changes at build time, beyond the page catalogs Sphinx applies itself.

- :func:`text`: a glued word or label (a verdict, 'Q3 2026', a chart's title) in the edition's
  language, from :func:`runthenumbers.units.label_zh` or the site catalog
  ``locales/<language>/LC_MESSAGES/site.po`` (untranslated and fuzzy entries are skipped: the English shows);
- :func:`translate_charts`: each chart's title, axis titles, labels and alternative text on a page of
  the edition, in its drawing (SVG), its spec (for the redrawn chart) and its caption;
- :func:`language_links`: the language switch and the ``hreflang`` links of every page.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

from ..editions import EDITIONS, ENGLISH_ONLY, HREFLANG, LOCALES

SITE_CATALOG = "site.po"
# The verdicts a claim can get, as the Chinese edition writes them (data/claims.csv has the English).
VERDICTS_ZH = {
    "supported": "属实",
    "roughly right": "大致正确",
    "roughly": "大致正确",
    "contradicted": "与事实不符",
    "garbled": "译文有误",
    "not checked": "未能核实",
    "unverifiable": "无法核实",
    "opinion": "观点",
}
# Glued phrases that carry a number ('3 are opinions', units.plural): the number is the glued one.
PHRASES_ZH = ((re.compile(r"([\d,]+) (?:is an opinion|are opinions)"), r"\1 项是观点"),)
# Keys of a chart spec whose strings name fields or settings, never text a reader sees.
_SPEC_KEYS_KEPT = {"field", "type", "$schema", "name", "format", "formatType", "aggregate", "timeUnit", "mark"}
_SVG_TEXT = re.compile(r"(<text\b[^>]*>)([^<]+)(</text>)")
_FIGURE = re.compile(r'<figure class="rtn-chart".*?</figure>', re.DOTALL)
_SPEC = re.compile(r'(<script type="application/json" class="rtn-chart-spec">)(.*?)(</script>)', re.DOTALL)
_ALT = re.compile(r'((?:aria-label|alt|title)=")([^"]*)(")')
_CAPTION = re.compile(r"(<figcaption[^>]*>)(.*?)(</figcaption>)", re.DOTALL)


def is_translated(language: str) -> bool:
    return language in EDITIONS


@lru_cache(maxsize=4)
def catalog(language: str, locales: str = str(LOCALES)) -> dict[str, str]:
    """The site catalog of ``language``: msgid -> msgstr for every translated, not fuzzy, entry."""
    from babel.messages.pofile import read_po

    path = Path(locales) / language / "LC_MESSAGES" / SITE_CATALOG
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        po = read_po(handle)
    return {m.id: m.string for m in po if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


def text(value: str, language: str) -> str:
    """``value``, a glued word or label, in ``language``: English unchanged."""
    # units (and through it pandas) is imported only when there is something to translate: a no-change
    # rebuild never needs it.
    from .. import units

    if not units.is_chinese(language):
        return value
    if value in VERDICTS_ZH:
        return VERDICTS_ZH[value]
    label = units.label_zh(value)
    if label != value:
        return label
    for pattern, template in PHRASES_ZH:
        match = pattern.fullmatch(value)
        if match:
            return match.expand(template)
    found = catalog(language).get(value)
    if found is not None:
        return found
    for pattern, chinese in templates(language):
        match = pattern.fullmatch(value)
        if match:
            # Each {} of the entry is a number the English text carries (a chart title's '$1.97'),
            # written again in the Chinese convention: never typed into the catalog.
            parts = [_part_zh(group, language) for group in match.groups()]
            if re.search(r"\{\d\}", chinese):  # {0}, {1}: the English text's numbers in another order
                return re.sub(r"\{(\d)\}", lambda m: parts[int(m[1])], chinese)
            ordered = iter(parts)
            return re.sub(r"\{\}", lambda _: next(ordered), chinese)
    return value


def _part_zh(group: str, language: str) -> str:
    """A templated entry's {}: a number rewritten in the Chinese convention, or a phrase translated."""
    from .. import units

    written = units.number_text_zh(group)
    return written if written != group.strip() else text(group, language)


@lru_cache(maxsize=4)
def templates(language: str) -> tuple[tuple[re.Pattern, str], ...]:
    """The site catalog's entries with ``{}`` placeholders, as patterns over the English text."""
    found = []
    for english, chinese in catalog(language).items():
        places = chinese.count("{}") or len(set(re.findall(r"\{\d\}", chinese)))
        if "{}" in english and english.count("{}") == places:
            pattern = "".join("(.+?)" if part == "{}" else re.escape(part) for part in re.split(r"(\{\})", english))
            found.append((re.compile(pattern), chinese))
    return tuple(found)


def _translate_spec(node, language: str):
    if isinstance(node, dict):
        return {k: (v if k in _SPEC_KEYS_KEPT else _translate_spec(v, language)) for k, v in node.items()}
    if isinstance(node, list):
        return [_translate_spec(v, language) for v in node]
    if isinstance(node, str):
        return text(node, language)
    return node


def _translate_figure(figure: str, language: str) -> str:
    figure = _SVG_TEXT.sub(
        lambda m: m[1] + html.escape(text(html.unescape(m[2]), language), quote=False) + m[3], figure
    )

    def spec(match: re.Match) -> str:
        translated = _translate_spec(json.loads(match[2]), language)
        return match[1] + json.dumps(translated, ensure_ascii=False).replace("</", "<\\/") + match[3]

    figure = _SPEC.sub(spec, figure)
    figure = _ALT.sub(lambda m: m[1] + html.escape(text(html.unescape(m[2]), language)) + m[3], figure)
    return _CAPTION.sub(lambda m: m[1] + _translate_caption(m[2], language) + m[3], figure)


def _translate_caption(caption: str, language: str) -> str:
    # A caption's plain stretches of text (between tags) are looked up whole.
    return re.sub(
        r">([^<>]+)<",
        lambda m: ">" + html.escape(text(html.unescape(m[1]), language), quote=False) + "<",
        f">{caption}<",
    )[1:-1]


def translate_charts(body: str, language: str) -> str:
    """``body`` with every chart's strings in ``language`` (English: unchanged)."""
    if not is_translated(language):
        return body
    return _FIGURE.sub(lambda m: _translate_figure(m[0], language), body)


def language_links(pagename: str, language: str) -> tuple[str, str]:
    """The ``<link rel="alternate" hreflang>`` tags of page ``pagename`` and its language switch (HTML),
    both relative, to the same page in every edition."""
    depth = pagename.count("/")
    here = EDITIONS.get(language, "")
    to_root = "../" * (depth + (1 if here else 0))  # the English site's root
    hrefs = {"en": f"{to_root}{pagename}.html"}
    hrefs.update({lang: f"{to_root}{folder}/{pagename}.html" for lang, folder in EDITIONS.items()})
    tags = "".join(
        f'<link rel="alternate" hreflang="{HREFLANG[lang]}" href="{href}" />\n' for lang, href in hrefs.items()
    )
    tags += f'<link rel="alternate" hreflang="x-default" href="{hrefs["en"]}" />\n'
    names = {"en": "English", "zh_CN": "中文"}
    current = language if language in hrefs else "en"
    choices = " · ".join(
        f'<span aria-current="page" lang="{HREFLANG[lang]}">{names[lang]}</span>'
        if lang == current
        else f'<a class="rtn-language-link" href="{href}" hreflang="{HREFLANG[lang]}" lang="{HREFLANG[lang]}">{names[lang]}</a>'
        for lang, href in hrefs.items()
    )
    note = ""
    if pagename in ENGLISH_ONLY and current != "en":
        note = ' <span class="rtn-language-note">（本页为开发者参考，仅有英文版）</span>'
    switch = f'<nav class="rtn-language" aria-label="Language / 语言">{choices}{note}</nav>'
    return tags, switch


_CELL = re.compile(r"(<(th|summary|caption)\b[^>]*>)([^<]+)(</\2>)")
_VALUE_CELL = re.compile(r"(<td\b[^>]*>)([^<]+)(</td>)")


def translate_tables(body: str, language: str) -> str:
    """``body`` with the headings of its tables (and of its <details>) from the site catalog, and each
    table cell that is a number alone ('$4.95B', '2.3×', '2026-Q1') in the Chinese convention: the
    notebooks write their tables in English when they run."""
    if not is_translated(language):
        return body
    from .. import units

    def heading(match: re.Match) -> str:
        shown = html.unescape(match[3])
        translated = text(shown.strip(), language)
        return match[1] + (html.escape(translated, quote=False) if translated != shown.strip() else match[3]) + match[4]

    def value(match: re.Match) -> str:
        shown = html.unescape(match[2]).strip()
        written = units.number_text_zh(shown) if re.search(r"\d", shown) else shown
        return match[1] + (html.escape(written, quote=False) if written != shown else match[2]) + match[3]

    return _VALUE_CELL.sub(value, _CELL.sub(heading, body))


def page_context(app, pagename, templatename, context, doctree) -> None:
    """html-page-context: the language switch, the hreflang links, and the charts and tables in the
    page's language (the command line and developer pages stay English)."""
    language = app.config.language or "en"
    tags, switch = language_links(pagename, language)
    context["metatags"] = context.get("metatags", "") + tags
    body = context.get("body", "")
    if body:
        if pagename not in ENGLISH_ONLY:
            body = translate_tables(translate_charts(body, language), language)
        context["body"] = switch + body


def chinese_search():
    """Sphinx's Chinese search (jieba), with its list of Latin words kept as a set.

    Sphinx 7.4 asks, for every word it stems, whether the word is in the list of every Latin word the
    build has split so far: a time quadratic in the site's text (two minutes of this book's three).
    The answer is the same from a set.
    """
    from sphinx.search.zh import SearchChinese

    class FastSearchChinese(SearchChinese):
        def init(self, options: dict[str, str]) -> None:
            super().init(options)
            self.latin_terms = []
            self._latin: set[str] = set()

        def split(self, input: str) -> list[str]:
            words = super().split(input)
            self._latin.update(self.latin_terms)
            self.latin_terms.clear()
            return words

        def stem(self, word: str) -> str:
            stemmed = _stem_word(self.stemmer, word.lower())
            if word in self._latin and len(word) >= 3 and len(stemmed) < 3:
                return word.lower()
            return stemmed

    return FastSearchChinese


_STEMS: dict[str, str] = {}


def _stem_word(stemmer, word: str) -> str:
    if word not in _STEMS:
        _STEMS[word] = stemmer.stemWord(word)
    return _STEMS[word]


def translate_captions(app, doctree) -> None:
    """doctree-read: the root page's table-of-contents captions in the edition's language.

    Jupyter Book inserts the toctrees (from _toc.yml) after Sphinx has translated the page, so their
    captions, though in the page's catalog, would stay English; they are looked up here in that catalog.
    """
    from sphinx import addnodes

    from .. import translations

    language = app.config.language or "en"
    if not is_translated(language):
        return
    trees = [node for node in doctree.findall(addnodes.toctree) if node.get("caption")]
    if not trees:
        return
    known = {
        m.english: m.chinese
        for m in translations.messages(app.env.docname, Path(app.srcdir) / "locales")
        if m.chinese and not m.fuzzy
    }
    for node in trees:
        node["caption"] = known.get(node["caption"], node["caption"])
