"""The book's chapters, declared once: everything that lists chapters is derived from :data:`CHAPTERS`.

One :class:`Chapter` entry gives a part of the book its name, title, claim-id letter, fact-id
prefixes, notebook and the pages whose published values it reads (``reads``); a :class:`BookPage`
declares what a hand-written page of ``book/`` reads. From the entries come

- the claims ledger's sections and id letters (:mod:`runthenumbers.claims`);
- which fact page lists a fact (:func:`fact_page`), and the fact pages' index;
- the parameter modules (``runthenumbers/parameters/<name>.py`` for each page that takes inputs);
- which page may read which (:mod:`runthenumbers.values` refuses any other read), the order pages
  run in (:func:`execution_order`: a page after the pages it reads) and which pages a changed page
  makes stale (:func:`readers_of`);
- ``_toc.yml`` (written by ``make pages``), and the lists the site draws into ``book/claims.md``,
  ``book/facts.md`` and ``book/intro.md`` when it writes them (:func:`render_claims_sections`,
  :func:`render_fact_pages`, :func:`render_arguments`).

The files are written by ``python -m runthenumbers.chapters`` (``make pages``) and a test fails when
a committed file differs from what the entries give. The functions a page may ask note each question
in :mod:`runthenumbers.access`, so a page depends on their answers, not on every entry: a new
chapter stales no page that never asks about it. This module imports only :mod:`runthenumbers.access`:
every layer may read it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .access import query
from .files import write_atomically

REPO_ROOT = Path(__file__).resolve().parent.parent
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass(frozen=True)
class Chapter:
    """One part of the book.

    - ``name``: the key everywhere: the notebook's stem, the parameters module and the claims ledger's
      ``argument`` column (``partner_risk``).
    - ``title``: the heading of its claims section and its line in the introduction.
    - ``claim_prefix``: the letter of its claim ids (``D`` for D1, D2 ...); empty for no claims section.
    - ``fact_prefix``: first words of the fact ids its fact page lists (``debt`` for ``debt_sofr_...``);
      empty for no fact page.
    - ``notebook``: its page, ``notebooks/<name>``; empty for a chapter that is only a claims section or
      a fact page.
    - ``order``: its place in every list.
    - ``argument``: one of the essay's arguments: listed in the introduction and summarised.
    - ``fact_page``: the fact page's name, ``book/facts-<fact_page>.md`` (default: ``name``).
    - ``fact_title``: its line in the fact pages' index.
    - ``question``: what the chapter asks, for the introduction's list.
    - ``reads``: the pages whose published values this page reads (the summary reads the chapters).
      A page that reads others takes no inputs of its own: a scenario re-runs it after the pages it
      reads, with their new values.
    """

    name: str
    title: str
    claim_prefix: str = ""
    fact_prefix: tuple[str, ...] = ()
    notebook: str = ""
    order: int = 0
    argument: bool = False
    fact_page: str = ""
    fact_title: str = ""
    question: str = ""
    reads: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise ValueError(f"chapter name '{self.name}': allowed: lower-case letters, digits and _")
        if self.claim_prefix and not re.fullmatch(r"[A-Z]", self.claim_prefix):
            raise ValueError(f"chapter {self.name}: claim_prefix '{self.claim_prefix}' must be one capital letter")
        if self.notebook and self.notebook != f"notebooks/{self.name}":
            raise ValueError(f"chapter {self.name}: notebook must be 'notebooks/{self.name}', not '{self.notebook}'")
        if self.argument and not (self.notebook and self.question):
            raise ValueError(f"chapter {self.name}: an argument needs a notebook and a question")
        if self.fact_prefix and not self.fact_title:
            raise ValueError(f"chapter {self.name}: a chapter with facts needs a fact_title for the index")
        if self.reads and not self.notebook:
            raise ValueError(f"chapter {self.name}: only a page with a notebook reads other pages")
        if self.name in self.reads:
            raise ValueError(f"chapter {self.name}: a page cannot read itself")
        if not self.fact_page:
            object.__setattr__(self, "fact_page", self.name if self.fact_prefix else "")

    @property
    def takes_inputs(self) -> bool:
        """A page with a notebook that reads no other page, or one that also has ``parameters/<name>.py``
        (the credit chapter takes inputs and reads the funding model's path): its inputs are there."""
        return bool(self.notebook) and (
            not self.reads or (REPO_ROOT / f"runthenumbers/parameters/{self.name}.py").exists()
        )


@dataclass(frozen=True)
class BookPage:
    """A hand-written page of ``book/`` that shows values the notebooks published.

    - ``name``: ``book/<name>.md``;
    - ``reads``: the pages whose values it shows (``{rtn-value}`` refuses any other);
    - ``every_page``: it reads every page with a notebook (the claims ledger, the source-quality panel);
    - ``order``: its place among the verdict pages at the head of the table of contents, or ``None``
      for a page placed elsewhere (the home page is the root, the method page explains the book).
    """

    name: str
    reads: tuple[str, ...] = ()
    every_page: bool = False
    order: int | None = None


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("article", "The article", fact_prefix=("article",), order=0, fact_title="what the article claims"),
    Chapter(
        "summary",
        "The answer in numbers",
        notebook="notebooks/summary",
        order=5,
        reads=("concentration", "debt", "credit", "capex", "partner_risk", "uncertainty"),
    ),
    Chapter(
        "context",
        "Context and company",
        claim_prefix="G",
        fact_prefix=("cw", "msft", "meta"),
        order=10,
        fact_page="coreweave",
        fact_title="CoreWeave's revenue, customers and IPO",
    ),
    Chapter(
        "concentration",
        "Customer concentration",
        claim_prefix="C",
        notebook="notebooks/concentration",
        order=20,
        argument=True,
        question="how much of the revenue rests on one or two customers.",
    ),
    Chapter(
        "debt",
        "Debt",
        claim_prefix="D",
        fact_prefix=("debt",),
        notebook="notebooks/debt",
        order=30,
        argument=True,
        fact_title="CoreWeave's debt",
        question="the two delayed-draw term loans and what servicing them costs.",
    ),
    Chapter(
        "credit",
        "Credit: all of the debt",
        fact_prefix=("rating",),
        notebook="notebooks/credit",
        order=35,
        fact_title="credit ratings and what the agencies measured",
        reads=("uncertainty",),
    ),
    Chapter(
        "capex",
        "Capex and funding",
        claim_prefix="K",
        fact_prefix=("capex",),
        notebook="notebooks/capex",
        order=40,
        argument=True,
        fact_title="capex, sites and GPU prices",
        question="what the build-out costs and how it is funded.",
    ),
    Chapter(
        "partner_risk",
        "Partner risk: Core Scientific",
        claim_prefix="P",
        fact_prefix=("csci",),
        notebook="notebooks/partner_risk",
        order=50,
        argument=True,
        fact_page="partner",
        fact_title="Core Scientific",
        question="the bitcoin miner building much of the capacity, and what a late delivery would cost.",
    ),
    Chapter("uncertainty", "Uncertainty", notebook="notebooks/uncertainty", order=60),
    Chapter("conclusion", "The conclusion", claim_prefix="S", order=70),
    Chapter(
        "after",
        "What happened next",
        fact_prefix=("after",),
        notebook="notebooks/after",
        order=80,
        fact_title="what happened after the article",
        reads=("credit",),
    ),
)

BOOK_PAGES: tuple[BookPage, ...] = (
    BookPage("intro", reads=("summary", "credit", "concentration", "capex")),
    BookPage("claims", every_page=True, order=6),
    BookPage("method", every_page=True),
    # The edition page: written by 'make pages' from runthenumbers diff (runthenumbers/diff.py), reading no value.
    BookPage("changes", order=100),
)


@query
def ordered(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    """``chapters`` (default: :data:`CHAPTERS`) sorted by ``order``, refused if two share a key."""
    chapters = CHAPTERS if chapters is None else chapters
    for field in ("name", "claim_prefix", "fact_page"):
        seen: dict[str, str] = {}
        for chapter in chapters:
            key = getattr(chapter, field)
            if key and key in seen:
                raise ValueError(f"chapters {seen[key]} and {chapter.name} share the {field} '{key}'")
            seen[key] = chapter.name
    prefixes = [p for c in chapters for p in c.fact_prefix]
    if len(prefixes) != len(set(prefixes)):
        raise ValueError(f"a fact prefix is declared twice: {sorted(prefixes)}")
    pages = {c.name for c in chapters if c.notebook}
    for chapter in chapters:
        if unknown := [r for r in chapter.reads if r not in pages]:
            raise ValueError(
                f"chapter {chapter.name} reads {', '.join(unknown)}: no chapter with a notebook has that name"
            )
    return tuple(sorted(chapters, key=lambda c: c.order))


@query
def claim_sections(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    """The chapters with claims, in order: the claims page's sections and the ledger's ``argument`` values."""
    return tuple(c for c in ordered(chapters) if c.claim_prefix)


@query
def with_notebook(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    """The chapters that have a notebook: every page that publishes values."""
    return tuple(c for c in ordered(chapters) if c.notebook)


@query
def with_inputs(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    """The pages that take inputs, each declared in ``runthenumbers/parameters/<name>.py``: those reading no page."""
    return tuple(c for c in ordered(chapters) if c.takes_inputs)


@query
def reading_pages(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    """The pages with a notebook that read other pages (the summary, what happened next), in order."""
    return tuple(c for c in ordered(chapters) if c.notebook and c.reads and not c.takes_inputs)


@query
def execution_order(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    """Every page with a notebook, each after the pages it reads, otherwise by ``order``."""
    waiting = list(with_notebook(chapters))
    done: list[Chapter] = []
    while waiting:
        ready = [c for c in waiting if all(r in {d.name for d in done} for r in c.reads)]
        if not ready:
            raise ValueError(f"the pages {', '.join(c.name for c in waiting)} read each other in a circle")
        done.append(ready[0])
        waiting.remove(ready[0])
    return tuple(done)


@query
def readers_of(names, chapters: tuple[Chapter, ...] | None = None) -> tuple[str, ...]:
    """The pages that read any of ``names``, directly or through another page, in execution order."""
    found = set(names)
    for chapter in execution_order(chapters):
        if found & set(chapter.reads):
            found.add(chapter.name)
    return tuple(c.name for c in execution_order(chapters) if c.name in found - set(names))


@query
def book_pages(pages: tuple[BookPage, ...] | None = None) -> dict[str, BookPage]:
    return {p.name: p for p in (BOOK_PAGES if pages is None else pages)}


@query
def reads_of(reader: str, chapters: tuple[Chapter, ...] | None = None, pages: tuple[BookPage, ...] | None = None):
    """The pages ``reader`` (a chapter or a :class:`BookPage`) declares it reads; ``None`` for no such page."""
    if reader in book_pages(pages):
        page = book_pages(pages)[reader]
        return tuple(c.name for c in with_notebook(chapters)) if page.every_page else page.reads
    chapter = {c.name: c for c in ordered(chapters)}.get(reader)
    return None if chapter is None else chapter.reads


@query
def arguments(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    """The essay's arguments, in order: the chapters the introduction lists and the summary reads."""
    return tuple(c for c in ordered(chapters) if c.argument)


@query
def fact_pages(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    return tuple(c for c in ordered(chapters) if c.fact_page)


@query
def fact_prefixes(chapters: tuple[Chapter, ...] | None = None) -> tuple[str, ...]:
    """Every first word a fact id may have, in chapter order."""
    return tuple(p for c in fact_pages(chapters) for p in c.fact_prefix)


class UnroutedFact(KeyError):
    """A fact id whose first word no chapter declares as a fact prefix."""

    def __str__(self) -> str:
        return self.args[0]


@query
def fact_chapter(fact_id: str, chapters: tuple[Chapter, ...] | None = None) -> Chapter:
    """The chapter whose fact page lists ``fact_id``, chosen by the id's first word."""
    prefix = fact_id.split("_", 1)[0]
    for chapter in fact_pages(chapters):
        if prefix in chapter.fact_prefix:
            return chapter
    known = ", ".join(p for c in fact_pages(chapters) for p in c.fact_prefix)
    raise UnroutedFact(
        f"fact '{fact_id}': no chapter declares the prefix '{prefix}' in runthenumbers/chapters.py (known: {known})"
    )


@query
def fact_page(fact_id: str, chapters: tuple[Chapter, ...] | None = None) -> str:
    """The page (from the site's root) that lists ``fact_id``: ``book/facts-<page>.html``."""
    return f"book/facts-{fact_chapter(fact_id, chapters).fact_page}.html"


# ---------------------------------------------------------------------------------------------
# Generated files


GENERATED = "generated from runthenumbers/chapters.py by `make pages`; edit the chapters there"


def number_word(count: int) -> str:
    return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)


@query
def verdict_pages(chapters: tuple[Chapter, ...] | None = None, pages: tuple[BookPage, ...] | None = None) -> list[str]:
    """The toc's first part: the pages that read the chapters' results and the book pages placed among them."""
    placed = [(c.order, c.notebook) for c in reading_pages(chapters)]
    placed += [(p.order, f"book/{p.name}") for p in book_pages(pages).values() if p.order is not None]
    return [path for _, path in sorted(placed)]


def chapters_caption(chapters: tuple[Chapter, ...] | None = None) -> str:
    """The heading of the chapters with notebooks: the essay's arguments and the chapters beyond them
    ('The four arguments, and two chapters beyond them')."""
    argued, beyond = len(arguments(chapters)), len(with_inputs(chapters)) - len(arguments(chapters))
    caption = f"The {number_word(argued)} arguments"
    if beyond:
        caption += f", and {number_word(beyond)} {'chapter' if beyond == 1 else 'chapters'} beyond them"
    return caption


def render_toc(chapters: tuple[Chapter, ...] | None = None) -> str:
    """``_toc.yml``: the verdict pages, the chapters with notebooks, then how the book is made."""
    lines = [
        f"# {GENERATED}.",
        "format: jb-book",
        "root: book/intro",
        "parts:",
        "  - caption: The verdict",
        "    chapters:",
        *(f"      - file: {path}" for path in verdict_pages(chapters)),
        f"  - caption: {chapters_caption(chapters)}",
        "    chapters:",
        *(f"      - file: {c.notebook}" for c in with_inputs(chapters)),
        "  - caption: How this book is made",
        "    chapters:",
        "      - file: book/method",
        "      - file: book/developers",
        "      - file: book/facts",
        *(f"      - file: book/facts-{c.fact_page}" for c in fact_pages(chapters)),
        "      - file: book/glossary",
        "      - file: book/sources",
        "      - file: book/contributing",
        "      - file: book/cli",
        "      - file: book/parameters",
    ]
    return "\n".join(lines) + "\n"


def render_claims_sections(chapters: tuple[Chapter, ...] | None = None) -> str:
    """The sections of ``book/claims.md`` (its ``rtn-claims-sections`` directive): one per chapter with claims."""
    # Each chapter's table folds under its heading on the site (runthenumbers.js), so that the page opens
    # with the claims that matter and a reader unfolds the chapters she wants.
    fold = '<div class="rtn-fold" data-label="Show this chapter\'s claims"></div>'
    return "\n".join(f"## {c.title}\n\n{fold}\n\n```{{rtn-claims}} {c.name}\n```\n" for c in claim_sections(chapters))


def render_fact_pages(chapters: tuple[Chapter, ...] | None = None) -> str:
    """The index of ``book/facts.md`` (its ``rtn-fact-pages`` directive): a line per fact page."""
    return "".join(f"- {{doc}}`facts-{c.fact_page}`: {c.fact_title}\n" for c in fact_pages(chapters))


def render_arguments(chapters: tuple[Chapter, ...] | None = None) -> str:
    """The introduction's list of the essay's arguments (its ``rtn-arguments`` directive), under a heading."""
    listed = arguments(chapters)
    items = "".join(f"{i}. {{doc}}`{c.title} <../{c.notebook}>`: {c.question}\n" for i, c in enumerate(listed, start=1))
    return f"## The {number_word(len(listed))} arguments\n\n{items}"


def generated_files(root: Path = REPO_ROOT, chapters: tuple[Chapter, ...] | None = None) -> dict[Path, str]:
    """Each file derived from the chapters, with the text the chapters give it. The lists inside pages
    (the claims page's sections, the fact pages' index, the introduction's arguments) are drawn when
    the page is written, by the site's directives, so a new chapter changes no page's source."""
    return {root / "_toc.yml": render_toc(chapters)}


def stale_files(root: Path = REPO_ROOT, chapters: tuple[Chapter, ...] | None = None) -> list[Path]:
    """The derived files whose committed text differs from what the chapters give."""
    return [
        path
        for path, text in generated_files(root, chapters).items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def missing_files(root: Path = REPO_ROOT, chapters: tuple[Chapter, ...] | None = None) -> list[str]:
    """The hand-written files each chapter needs that do not exist yet (a fact page, a notebook, its inputs)."""
    missing = []
    for chapter in ordered(chapters):
        needed = []
        if chapter.fact_page:
            needed.append(f"book/facts-{chapter.fact_page}.md")
        if chapter.notebook:
            needed.append(f"{chapter.notebook}.md")
        if chapter.takes_inputs:
            needed.append(f"runthenumbers/parameters/{chapter.name}.py")
        missing += [n for n in needed if not (root / n).exists()]
    return missing


def write(root: Path = REPO_ROOT) -> list[Path]:
    """Write every stale derived file; return those written."""
    written = []
    for path, text in generated_files(root).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_atomically(path, text)
            written.append(path)
    return written


def main(argv: list[str]) -> int:
    check_only = "--check" in argv
    stale = stale_files() if check_only else write()
    for path in stale:
        print(f"{'stale' if check_only else 'wrote'} {path.relative_to(REPO_ROOT)}")
    for name in missing_files():
        print(f"missing {name} (write it by hand; see book/contributing.md)")
    return 1 if check_only and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
