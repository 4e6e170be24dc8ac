"""The book's chapters, declared once: everything that lists chapters is derived from :data:`CHAPTERS`.

One :class:`Chapter` entry gives a part of the book its name, title, claim-id letter, fact-id
prefixes and notebook. From the entries come

- the claims ledger's sections and id letters (:mod:`runthenumbers.claims`);
- which fact page lists a fact (:func:`fact_page`), and the fact pages' index;
- the parameter modules (``runthenumbers/parameters/<name>.py`` for each chapter with a notebook);
- the chapter list of the summary notebook and of the introduction;
- ``_toc.yml``, ``book/claims.md`` and ``book/facts.md``, and the generated block of ``book/intro.md``.

The files are written by ``python -m runthenumbers.chapters`` (``make pages``) and a test fails when
a committed file differs from what the entries give. This module imports nothing from the project:
every layer may read it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

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
        if not self.fact_page:
            object.__setattr__(self, "fact_page", self.name if self.fact_prefix else "")


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("article", "The article", fact_prefix=("article",), order=0, fact_title="what the article claims"),
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
        "after", "After the article", fact_prefix=("after",), order=80, fact_title="what happened after the article"
    ),
)


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
    return tuple(sorted(chapters, key=lambda c: c.order))


def by_name(chapters: tuple[Chapter, ...] | None = None) -> dict[str, Chapter]:
    return {c.name: c for c in ordered(chapters)}


def claim_sections(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    """The chapters with claims, in order: the claims page's sections and the ledger's ``argument`` values."""
    return tuple(c for c in ordered(chapters) if c.claim_prefix)


def claim_id_pattern(chapters: tuple[Chapter, ...] | None = None) -> str:
    """The regular expression a claim id must match: one of the chapters' letters, then a number."""
    return rf"^[{''.join(c.claim_prefix for c in claim_sections(chapters))}]\d+$"


def with_notebook(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    """The chapters that have a notebook, each with its inputs in ``runthenumbers/parameters/<name>.py``."""
    return tuple(c for c in ordered(chapters) if c.notebook)


def arguments(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    """The essay's arguments, in order: the chapters the introduction lists and the summary reads."""
    return tuple(c for c in ordered(chapters) if c.argument)


def fact_pages(chapters: tuple[Chapter, ...] | None = None) -> tuple[Chapter, ...]:
    return tuple(c for c in ordered(chapters) if c.fact_page)


def fact_prefixes(chapters: tuple[Chapter, ...] | None = None) -> tuple[str, ...]:
    """Every first word a fact id may have, in chapter order."""
    return tuple(p for c in fact_pages(chapters) for p in c.fact_prefix)


class UnroutedFact(KeyError):
    """A fact id whose first word no chapter declares as a fact prefix."""

    def __str__(self) -> str:
        return self.args[0]


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


def fact_page(fact_id: str, chapters: tuple[Chapter, ...] | None = None) -> str:
    """The page (from the site's root) that lists ``fact_id``: ``book/facts-<page>.html``."""
    return f"book/facts-{fact_chapter(fact_id, chapters).fact_page}.html"


# ---------------------------------------------------------------------------------------------
# Generated files


GENERATED = "generated from runthenumbers/chapters.py by `make pages`; edit the chapters there"
INTRO_BEGIN = "% begin chapter list: " + GENERATED
INTRO_END = "% end chapter list"


def number_word(count: int) -> str:
    return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)


def render_toc(chapters: tuple[Chapter, ...] | None = None) -> str:
    """``_toc.yml``: the verdict pages, the chapters with notebooks, then how the book is made."""
    lines = [
        f"# {GENERATED}.",
        "format: jb-book",
        "root: book/intro",
        "parts:",
        "  - caption: The verdict",
        "    chapters:",
        "      - file: notebooks/summary",
        "      - file: book/claims",
        "      - file: notebooks/after",
        f"  - caption: The {number_word(len(arguments(chapters)))} arguments",
        "    chapters:",
        *(f"      - file: {c.notebook}" for c in with_notebook(chapters)),
        "  - caption: How this book is made",
        "    chapters:",
        "      - file: book/method",
        "      - file: book/facts",
        *(f"      - file: book/facts-{c.fact_page}" for c in fact_pages(chapters)),
        "      - file: book/glossary",
        "      - file: book/sources",
        "      - file: book/contributing",
        "      - file: book/cli",
        "      - file: book/parameters",
    ]
    return "\n".join(lines) + "\n"


CLAIMS_INTRO = """\
Every claim of the article, from the claims ledger (`data/claims.csv`), with the article's figure,
the figure that checks it, and the verdict. A compound claim is split into sub-claims (D7a, D7b),
listed under it, each with its own verdict; the counts below count the sub-claims. Where both
figures exist the verdict is **computed** from them with the tolerance written in the ledger, with
its reason: *supported* within that tolerance, *roughly* within ±25%, *contradicted* beyond. A
*supported* or *roughly* verdict needs a filing, a company release or two independent reports;
a copy of the article's own source is not enough. The other verdicts are written with their reason:
*garbled* (a translation or transcription error, corrected), *unverifiable* (no independent readable
source; the ledger says what was searched), and *opinion* (a judgement, not a figure). Each verdict
links to the part of a chapter that computes it; each source to the bibliography. The same ledger
prints in a terminal with `runthenumbers claims`.
"""


def render_claims_page(chapters: tuple[Chapter, ...] | None = None) -> str:
    """``book/claims.md``: the filter, then one section per chapter with claims."""
    parts = [f"% {GENERATED}.\n# The claims, checked\n", CLAIMS_INTRO, "```{rtn-claims-filter}\n```\n"]
    for chapter in claim_sections(chapters):
        parts.append(f"## {chapter.title}\n\n```{{rtn-claims}} {chapter.name}\n```\n")
    return "\n".join(parts)


FACTS_INTRO = """\
Every figure the book uses comes from `data/facts.csv`: its value in the unit it was recorded in,
the period it refers to, the document it comes from (see {doc}`sources`), where in that document it
stands, and a short exact quote containing it. Each number in the chapters links to the table of how
it was computed, and from there to the ledger's rows on the pages below, one per group of facts.
Quotes from the article are from the Chinese translation the project was given.
"""


def render_facts_index(chapters: tuple[Chapter, ...] | None = None) -> str:
    """``book/facts.md``: what the ledger is, and a line per fact page."""
    items = "".join(f"- {{doc}}`facts-{c.fact_page}`: {c.fact_title}\n" for c in fact_pages(chapters))
    return f"% {GENERATED}.\n# The fact ledger\n\n{FACTS_INTRO}\n{items}"


def render_intro_block(chapters: tuple[Chapter, ...] | None = None) -> str:
    """The introduction's list of the essay's arguments, between its two marker comments."""
    listed = arguments(chapters)
    items = "".join(f"{i}. {{doc}}`{c.title} <../{c.notebook}>`: {c.question}\n" for i, c in enumerate(listed, start=1))
    return f"{INTRO_BEGIN}\n## The {number_word(len(listed))} arguments\n\n{items}{INTRO_END}"


def render_intro(current: str, chapters: tuple[Chapter, ...] | None = None) -> str:
    """``current`` (the text of ``book/intro.md``) with its generated block replaced."""
    pattern = re.compile(re.escape(INTRO_BEGIN) + r".*?" + re.escape(INTRO_END), re.DOTALL)
    if not pattern.search(current):
        raise ValueError(f"book/intro.md has no block between '{INTRO_BEGIN}' and '{INTRO_END}'")
    return pattern.sub(lambda _: render_intro_block(chapters), current, count=1)


def generated_files(root: Path = REPO_ROOT, chapters: tuple[Chapter, ...] | None = None) -> dict[Path, str]:
    """Each file derived from the chapters, with the text the chapters give it."""
    return {
        root / "_toc.yml": render_toc(chapters),
        root / "book" / "claims.md": render_claims_page(chapters),
        root / "book" / "facts.md": render_facts_index(chapters),
        root / "book" / "intro.md": render_intro((root / "book" / "intro.md").read_text(encoding="utf-8"), chapters),
    }


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
            needed += [f"{chapter.notebook}.md", f"runthenumbers/parameters/{chapter.name}.py"]
        missing += [n for n in needed if not (root / n).exists()]
    return missing


def write(root: Path = REPO_ROOT) -> list[Path]:
    """Write every stale derived file; return those written."""
    written = []
    for path, text in generated_files(root).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
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
