"""The Chinese edition's catalogs checked against the English they translate.

Each page's catalog (``locales/zh_CN/LC_MESSAGES/<page>.po``, written by ``make translations``) pairs
every English message of the page (``msgid``) with its translation (``msgstr``). Two checks:

- :func:`missing`: the messages of a reader page that are untranslated or fuzzy (an English sentence
  changed since it was translated), which the Chinese page would show in English;
- :func:`changed`: the translations that drop, add or change a number, a provenance link (a glued
  value, another page's value, a page or web link) or a verdict of their English message.

A number a translation may write differently is matched by its digits: '30 June 2025' is 30, 6 and
2025 whichever order the translation puts them in; a quarter's number is not counted ('Q1 2026' is
2026, as is '2026 年第一季度').
The format after a glued value's name may differ (a translation writes money in 亿, not billions):
the value and its provenance link are the name.

    python -m runthenumbers.translations          # the share translated per page, and every problem
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .calendar import MONTH_NAMES
from .editions import ENGLISH_ONLY, LOCALES

LANGUAGE = "zh_CN"
# The pages a reader meets: each must be translated whole. The CLI and developer pages stay English.
READER_PAGES = (
    "book/intro",
    "notebooks/summary",
    "book/claims",
    "notebooks/after",
    "notebooks/concentration",
    "notebooks/debt",
    "notebooks/credit",
    "notebooks/capex",
    "notebooks/partner_risk",
    "notebooks/uncertainty",
    "book/method",
    "book/glossary",
    "book/facts",
    "book/facts-article",
    "book/facts-coreweave",
    "book/facts-debt",
    "book/facts-credit",
    "book/facts-capex",
    "book/facts-partner",
    "book/facts-after",
    "book/sources",
)
# The verdicts a claim can get, and the words the Chinese edition writes for them (runthenumbers.site.i18n).
VERDICT_WORDS = {
    "roughly right": "大致正确",
    "supported": "属实",
    "contradicted": "与事实不符",
    "garbled": "译文有误",
}
_ROLE = re.compile(r"\{(?P<role>[a-z][\w:-]*)\}`(?P<body>[^`]*)`")
_LINK = re.compile(r"\]\((?P<url>[^)\s]+)\)|<(?P<bare>https?://[^>\s]+)>")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MONTHS = re.compile(r"\b(" + "|".join(MONTH_NAMES) + r")\b")
# A quarter's number is not counted: English writes it as a word or 'Q1', Chinese as 第一季度.
_QUARTER_EN = re.compile(r"\bQ[1-4]\b")


@dataclass(frozen=True)
class Message:
    page: str
    english: str
    chinese: str
    fuzzy: bool
    line: int

    def short(self, width: int = 90) -> str:
        text = " ".join(self.english.split())
        return text if len(text) <= width else text[: width - 1] + "…"


def catalog_path(page: str, locales: Path = LOCALES, language: str = LANGUAGE) -> Path:
    return locales / language / "LC_MESSAGES" / f"{page}.po"


def messages(page: str, locales: Path = LOCALES) -> list[Message]:
    """The messages of ``page``'s catalog, obsolete ones left out."""
    from babel.messages.pofile import read_po

    path = catalog_path(page, locales)
    if not path.is_file():
        return []
    with path.open("rb") as handle:
        po = read_po(handle)
    found = []
    for entry in po:
        if not entry.id or not isinstance(entry.id, str):
            continue
        line = entry.lineno or 0
        found.append(Message(page, entry.id, entry.string or "", entry.fuzzy, line))
    return found


def pages(locales: Path = LOCALES) -> list[str]:
    """Every page that has a catalog, as a docname (``notebooks/debt``)."""
    root = locales / LANGUAGE / "LC_MESSAGES"
    return sorted(
        str(p.relative_to(root).with_suffix("")) for p in root.rglob("*.po") if p.parent != root or p.stem != "site"
    )


def _roles(text: str) -> Counter:
    """The provenance links of a message: each glued value and other page's value by name, each page link."""
    found: Counter = Counter()
    for match in _ROLE.finditer(text):
        role, body = match["role"], match["body"]
        if role == "glue:text" or role == "glue":
            found[f"{{{role}}}{body.split(':')[0] if '::' not in body else body}"] += 1
        elif role == "rtn-value":
            found[f"{{{role}}}{':'.join(body.split(':')[:2])}"] += 1
        elif role in ("doc", "ref", "numref", "term"):
            target = re.search(r"<([^>]+)>\s*$", body)
            found[f"{{{role}}}{target[1] if target else body}"] += 1
        else:
            found[f"{{{role}}}{body}"] += 1
    for match in _LINK.finditer(text):
        found[f"link {match['url'] or match['bare']}"] += 1
    return found


def _numbers(text: str, chinese: bool) -> Counter:
    """The typed numbers of a message (outside its roles and links), as digits with no separators."""
    text = _ROLE.sub(" ", text)
    text = _LINK.sub(" ", text)
    if not chinese:
        text = _MONTHS.sub(lambda m: f" {MONTH_NAMES.index(m[1]) + 1} ", text)
        text = _QUARTER_EN.sub(" ", text)
    # '06' in '2025-06-30' is the 6 of '2025 年 6 月 30 日'.
    return Counter(_plain_number(n.replace(",", "")) for n in _NUMBER.findall(text))


def _plain_number(digits: str) -> str:
    return str(int(digits)) if digits.isdigit() else digits


def _verdicts(text: str, chinese: bool) -> Counter:
    if chinese:
        return Counter({english: text.count(word) for english, word in VERDICT_WORDS.items() if word in text})
    found: Counter = Counter()
    for english in VERDICT_WORDS:
        # 'roughly right' is also named by its first word in emphasis, '*roughly*'.
        pattern = r"\broughly right\b|\*roughly\*|≈ roughly" if english == "roughly right" else rf"\b{english}\b"
        count = len(re.findall(pattern, text, flags=re.IGNORECASE))
        if count:
            found[english] = count
            text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    return found


def _difference(english: Counter, chinese: Counter) -> list[str]:
    said = []
    dropped, added = english - chinese, chinese - english
    if dropped:
        said.append("drops " + ", ".join(sorted(dropped)))
    if added:
        said.append("adds " + ", ".join(sorted(added)))
    return said


def changed(message: Message) -> list[str]:
    """What the translation of ``message`` drops or adds of its English's numbers, provenance links and
    verdicts (a changed one is one dropped and one added); empty when it keeps them all, or is untranslated."""
    if not message.chinese:
        return []
    problems = []
    for kind, read in (("number", _numbers), ("link", None), ("verdict", _verdicts)):
        if read is None:
            english, chinese = _roles(message.english), _roles(message.chinese)
        else:
            english, chinese = read(message.english, False), read(message.chinese, True)
        problems += [f"{kind}: {said}" for said in _difference(english, chinese)]
    return problems


def missing(page: str, locales: Path = LOCALES) -> list[Message]:
    """The messages of ``page`` a Chinese reader would read in English: untranslated or fuzzy."""
    return [m for m in messages(page, locales) if m.fuzzy or not m.chinese]


def share_translated(page: str, locales: Path = LOCALES) -> tuple[int, int]:
    """(translated and current, all) messages of ``page``."""
    found = messages(page, locales)
    return sum(1 for m in found if m.chinese and not m.fuzzy), len(found)


def report(locales: Path = LOCALES) -> str:
    lines = []
    for page in pages(locales):
        done, total = share_translated(page, locales)
        kind = "English only" if page in ENGLISH_ONLY else ("reader page" if page in READER_PAGES else "other")
        lines.append(f"{page:28} {done:4}/{total:<4} {done / total if total else 1:6.0%}  {kind}")
        for message in messages(page, locales):
            for problem in changed(message):
                lines.append(f"    {page}:{message.line}: {problem} in '{message.short(60)}'")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
    sys.exit(0)
