"""How to cite the book, from one place: the title, author, version, date, licences and repository in ``_config.yml``.

``python -m runthenumbers.citation`` (``make citation``) writes ``CITATION.cff`` at the repository's
root; the ``rtn-cite`` directive (registered by :mod:`runthenumbers.site`) draws the "Cite this book"
box with the BibTeX and APA forms on the pages that ask for it. A test keeps the committed
``CITATION.cff`` equal to what this module makes of ``_config.yml``. The repository's address is
optional: until the book has a public address, the citation gives none rather than a made-up one.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .data import REPO_ROOT
from .files import write_atomically

CONFIG = REPO_ROOT / "_config.yml"
CFF_FILE = REPO_ROOT / "CITATION.cff"


class CitationError(ValueError):
    """``_config.yml`` lacks a field the citation needs; the message names it."""


@dataclass(frozen=True)
class Citation:
    title: str
    author: str
    version: str
    date: str  # yyyy-mm-dd, the release this version of the book is
    licenses: tuple[str, ...]  # SPDX identifiers; LICENSE says which files each covers
    url: str = ""  # the public repository, or "" while there is none

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def key(self) -> str:
        """A BibTeX key: the title's letters and the year (runthenumbers2026)."""
        return "".join(c for c in self.title.lower() if c.isalnum()) + self.year


def load(config_path: Path = CONFIG) -> Citation:
    """The citation fields of a Jupyter Book ``_config.yml``."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    fields: dict[str, Any] = {
        "title": config.get("title"),
        "author": config.get("author"),
        "version": (config.get("citation") or {}).get("version"),
        "date": (config.get("citation") or {}).get("date"),
    }
    names = {"version": "citation.version", "date": "citation.date"}
    for name, value in fields.items():
        if not value or not isinstance(value, str):
            raise CitationError(f"{config_path.name}: '{names.get(name, name)}' is missing or not a quoted string")
    licenses = (config.get("citation") or {}).get("licenses")
    if not licenses or not isinstance(licenses, list) or not all(isinstance(x, str) and x for x in licenses):
        raise CitationError(f"{config_path.name}: 'citation.licenses' is missing or not a list of SPDX identifiers")
    url = (config.get("repository") or {}).get("url", "")
    if not isinstance(url, str) or (url and not url.startswith("https://")):
        raise CitationError(f"{config_path.name}: 'repository.url' is not an https:// address")
    return Citation(**fields, licenses=tuple(licenses), url=url)


def cff(citation: Citation) -> str:
    """The Citation File Format (1.2.0) text for ``CITATION.cff``."""
    document: dict[str, object] = {
        "cff-version": "1.2.0",
        "message": "If you use this book or its figures, please cite it as below.",
        "type": "software",
        "title": citation.title,
        "authors": [{"name": citation.author}],
        "version": citation.version,
        "date-released": citation.date,
        "license": list(citation.licenses),
    }
    if citation.url:
        document["repository-code"] = citation.url
    header = "# Generated from _config.yml by 'make citation': edit _config.yml, not this file.\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def bibtex(citation: Citation) -> str:
    # The author is a group: double braces keep BibTeX from reading it as a first and last name.
    return (
        f"@misc{{{citation.key},\n"
        f"  title        = {{{citation.title}}},\n"
        f"  author       = {{{{{citation.author}}}}},\n"
        f"  year         = {{{citation.year}}},\n"
        f"  version      = {{{citation.version}}},\n"
        f"  note         = {{Version {citation.version}, released {citation.date}}}"
        + (f",\n  howpublished = {{\\url{{{citation.url}}}}}" if citation.url else "")
        + "\n}"
    )


def apa(citation: Citation) -> str:
    """APA 7th edition, as plain text (the title is italic on the page)."""
    return f"{citation.author}. ({citation.year}). {citation.title} (Version {citation.version}).{_address(citation)}"


def _address(citation: Citation) -> str:
    return f" {citation.url}" if citation.url else ""


class CiteDirective(SphinxDirective):
    """The "Cite this book" box (under the page's own heading): APA and BibTeX, from ``_config.yml``."""

    def run(self) -> list[nodes.Node]:
        config_path = Path(self.env.srcdir) / "_config.yml"
        self.env.note_dependency(str(config_path))
        try:
            citation = load(config_path)
        except CitationError as error:
            return [self.state.document.reporter.error(str(error), line=self.lineno)]
        box = nodes.admonition(classes=["rtn-cite"])
        box += nodes.title(text=f"Version {citation.version}, released {citation.date}")
        apa_line = nodes.paragraph()
        apa_line += nodes.strong(text="APA: ")
        apa_line += nodes.Text(f"{citation.author}. ({citation.year}). ")
        apa_line += nodes.emphasis(text=citation.title)
        # The address as text, not a link: the theme would shorten a link's text, and this is to be copied.
        apa_line += nodes.Text(f" (Version {citation.version}).{_address(citation)}")
        box += apa_line
        label = nodes.paragraph()
        label += nodes.strong(text="BibTeX:")
        box += label
        code = nodes.literal_block(bibtex(citation), bibtex(citation), language="bibtex")
        box += code
        note = nodes.paragraph(
            text="The repository's CITATION.cff holds the same, for reference managers. The code is under the MIT "
            "licence and the text and data under CC BY 4.0: reuse them with credit (the repository's LICENSE)."
        )
        box += note
        return [box]


def main(argv: list[str]) -> int:
    """Write CITATION.cff from _config.yml (``--check``: only say whether it is up to date)."""
    expected = cff(load())
    if "--check" in argv:
        if not CFF_FILE.exists() or CFF_FILE.read_text(encoding="utf-8") != expected:
            print("CITATION.cff is out of date with _config.yml: run 'make citation'", file=sys.stderr)
            return 1
        return 0
    write_atomically(CFF_FILE, expected)
    print(f"wrote {CFF_FILE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
