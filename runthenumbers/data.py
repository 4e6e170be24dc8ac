"""The fact ledger: load ``data/sources.csv`` and ``data/facts.csv`` and refuse bad rows.

Every number the report uses enters through here. Validation collects every problem it finds
(rather than stopping at the first) so a reviewer fixing the ledger sees the whole list at once,
each problem named by file, line and column. A loaded ledger notes each row a notebook asks for in
:data:`runthenumbers.access.LOG`: what the page read is what its freshness record lists.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from .access import Table, unlogged
from .chapters import fact_prefixes
from .ledger_rules import calendar_text_problem, group_problem, shown_value, value_problem

REPO_ROOT = Path(__file__).resolve().parent.parent
# Tests point this elsewhere to show that a changed fact changes the outputs.
DATA_DIR = Path(os.environ.get("RUNTHENUMBERS_DATA", REPO_ROOT / "data"))

# The one ordered list of source kinds, most primary first: where the ledger holds a figure from several
# sources, the first kind here wins (runthenumbers.reported.best_fact). A transcript is the company
# speaking on its own call, copied by a third party; an ai-summary is text a machine wrote about a
# document, never evidence on its own; the article is the essay under review.
SOURCE_KINDS = (
    "filing",
    "press-release",
    "court-filing",
    "rating-action",
    "transcript",
    "news",
    "analysis",
    "aggregator",
    "ai-summary",
    "article",
)
UNITS = (
    "USD",
    "GBP",
    "EUR",
    "fraction",
    "MW",
    "count",
    "USD/GPU-hour",
    "USD/MW",
    "USD/kWh",
    "years",
    "months",
    "quarters",
    "date",
    "multiple",
)
# ``url`` is the original publisher's address of the document; ``read_at`` names the copy that was read
# when it was not the original (a mirror, a syndicated copy, a GitHub text), empty when the original was read.
SOURCE_COLUMNS = ("id", "title", "publisher", "date", "url", "kind", "accessed", "read_at")
# Why a source has the kind it has, and why a date or reading date is missing (never invented).
SOURCE_NOTE_COLUMNS = ("id", "kind_note", "date_note", "accessed_note")
# The primary sources are the kinds before the first secondary one: the company, a court or an agency
# speaking for itself. The claims' evidence rule and the share of published numbers (quality) use them.
FIRST_SECONDARY_KIND = "news"
PRIMARY_KINDS = SOURCE_KINDS[: SOURCE_KINDS.index(FIRST_SECONDARY_KIND)]
# The companies' own documents: their filings, their releases and their own calls. A narrower idea than
# the primary sources, since a court's record and a rating agency speak about a company, not for it;
# the home page and the summary say how many of the ledger's figures come from these.
COMPANY_DOCUMENTS = ("filing", "press-release", "transcript")
# ``metric`` names what a fact measures when the ledger holds that figure more than once (from several
# sources or under several ids): the twins share one metric, named after their primary fact's id. Empty, a
# fact's metric is its own id. Facts of one metric and one period must agree (load_ledger checks it).
FACT_COLUMNS = ("id", "value", "unit", "period", "source", "locator", "quote", "note", "metric")
MAX_QUOTE_WORDS = 30
# A short quote is short in characters too: one 100,000-character "word" is not a quote.
MAX_QUOTE_CHARS = 300
# No cell of any ledger file is longer: the longest today (a claim's searched list) is under 900.
MAX_CELL_CHARS = 2000
# Character categories no ledger text holds: controls (Cc), invisible format characters (Cf: zero-width
# spaces, the byte-order mark, bidi overrides that reverse how a line renders), line and paragraph
# separators, private-use, surrogate and unassigned code points. Each looks like nothing, or like
# something else, on a page and in a message.
FORBIDDEN_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible format character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Co": "a private-use character",
    "Cs": "a surrogate",
    "Cn": "an unassigned code point",
}

_ID = r"^[a-z][a-z0-9_]*$"
# FY2024, 2024-12-31 (a balance), 2024-12 (a month), 2023 (a point known only to the year), 2025-Q3,
# 2025-Q1-Q3 (the year to date), 2025-H1, a span of years, or a contract term.
_PERIOD = r"^(FY\d{4}|\d{4}(-\d{2}){0,2}|\d{4}-Q[1-4]|\d{4}-Q[1-4]-Q[2-4]|\d{4}-H[12]|\d{4}-\d{4}|term)$"
# A publication date to the day where the source shows it; to the month or year where it does not.
_DATE = r"^\d{4}(-\d{2}){0,2}$"
# Filings, press releases and the article are dated documents: their date is always known.
DATED_KINDS = ("filing", "press-release", "court-filing", "rating-action", "transcript", "article")


def real_date(text: str) -> str:
    """``text``, if every date it writes (2025-02-28, 2025-02) is one of the calendar (a field validator)."""
    problem = calendar_text_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def character_problem(cell: str) -> str | None:
    """What is wrong with the characters of one ledger cell, or None; the message shows the cell escaped."""
    if len(cell) > MAX_CELL_CHARS:
        return f"is {len(cell):,} characters long; a ledger cell holds at most {MAX_CELL_CHARS:,}"
    for position, char in enumerate(cell):
        category = unicodedata.category(char)
        if category in FORBIDDEN_CATEGORIES:
            return (
                f"{_escaped(cell)} holds {FORBIDDEN_CATEGORIES[category]} (U+{ord(char):04X}) at character "
                f"{position + 1}; remove it (it is invisible, or changes how the text around it shows)"
            )
    return None


def _escaped(text: str, limit: int = 80) -> str:
    """``text`` as a message shows it: quoted, with every invisible or control character written as an escape."""
    shown = ascii(text) if any(not ch.isprintable() for ch in text) else repr(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


class Source(BaseModel):
    """One document the ledger cites."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://\S+$")
    kind: str
    # Empty only with a date_note in source_notes.csv (checked in load_ledger, which sees both files).
    date: str = Field(pattern=rf"{_DATE}|^$")
    # The day the page was read: a web page can change after it is cited.
    accessed: str = Field(default="", pattern=r"^(\d{4}-\d{2}-\d{2})?$")
    # Where the document was read when not at ``url`` (the original): a copy's address, or empty.
    read_at: str = ""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str, info: ValidationInfo) -> str:
        if kind not in SOURCE_KINDS:
            raise ValueError(
                f"source '{info.data.get('id', '')}': kind '{kind}' is not a source kind (allowed: {', '.join(SOURCE_KINDS)})"
            )
        return kind

    _real_dates = field_validator("date", "accessed")(real_date)

    @field_validator("read_at")
    @classmethod
    def _copy_address(cls, read_at: str) -> str:
        if read_at and not re.fullmatch(r"https?://\S+", read_at):
            raise ValueError(
                f"'{read_at}' is not an http(s) address; name the copy that was read by its URL, or leave it empty"
            )
        return read_at


def short_quote(quote: str) -> str:
    """``quote``, if it is a short exact quote (the validator of every ledger row's quote)."""
    if not quote.strip():
        raise ValueError("quote is empty; every fact needs a short exact quote from its source")
    words = len(quote.split())
    if words > MAX_QUOTE_WORDS:
        raise ValueError(f"quote has {words} words; keep it to at most {MAX_QUOTE_WORDS}")
    if len(quote) > MAX_QUOTE_CHARS:
        raise ValueError(f"quote has {len(quote):,} characters; keep it to at most {MAX_QUOTE_CHARS}")
    return quote


class Fact(BaseModel):
    """One sourced figure: a plain number in base units with where it was read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    value: float = Field(allow_inf_nan=False)
    unit: str
    period: str = Field(pattern=_PERIOD)
    source: str = Field(min_length=1)
    locator: str = Field(min_length=1)
    quote: str
    note: str = ""
    metric: str = Field(default="", pattern=r"^([a-z][a-z0-9_]*)?$")

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        if unit not in UNITS:
            raise ValueError(f"{_escaped(unit)} is not a known unit (allowed: {', '.join(UNITS)})")
        return unit

    _short_quote = field_validator("quote")(short_quote)
    _real_period = field_validator("period")(real_date)


class SourceNote(BaseModel):
    """One row of data/source_notes.csv: the reasons behind a source's kind, date and reading date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    kind_note: str = ""
    date_note: str = ""
    accessed_note: str = ""


RATING_COLUMNS = ("id", "agency", "instrument", "date", "rating", "outlook", "source", "locator", "quote")
AGENCIES = ("Moody's", "S&P", "Fitch")


class Rating(BaseModel):
    """One credit rating an agency gave, as a source reports it: a grade is a word, not a number."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    agency: Literal[AGENCIES]  # type: ignore[valid-type]
    instrument: str = Field(min_length=1)
    date: str = Field(pattern=_DATE)
    rating: str = Field(pattern=r"^[A-Za-z]{1,4}[0-9]?[+-]?$")
    outlook: Literal["", "positive", "stable", "negative", "developing"]
    source: str = Field(min_length=1)
    locator: str = Field(min_length=1)
    quote: str = Field(min_length=1)

    _short_quote = field_validator("quote")(short_quote)
    _real_date = field_validator("date")(real_date)


def load_ratings(ledger: Ledger, data_dir: Path | None = None) -> Mapping[str, Rating]:
    """``data/ratings.csv``, validated, each rating's source checked against the ledger's sources."""
    data_dir = DATA_DIR if data_dir is None else Path(data_dir)
    ratings, problems, lines = read_table(data_dir / "ratings.csv", RATING_COLUMNS, Rating)
    name = display_name(data_dir / "ratings.csv")
    with unlogged():  # validation: it passes, or the ratings do not load
        problems += [
            Problem(name, lines[r.id], "source", f"unknown source '{r.source}' (not in sources.csv)")
            for r in ratings.values()
            if r.source not in ledger.sources
        ]
    if problems:
        raise LedgerError(problems)
    return Table("data/ratings.csv", ratings)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell of a ledger file."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: column '{self.column}': {self.message}"


class LedgerError(ValueError):
    """The ledger has problems; ``problems`` lists each, ``str()`` gives one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class MissingFact(KeyError):
    """A fact the code needs is not in the ledger; ``needed_by`` says what needs it, when known."""

    def __init__(self, file: str, fact_id: str, needed_by: str = ""):
        super().__init__(fact_id)
        self.file, self.fact_id, self.needed_by = file, fact_id, needed_by

    def __str__(self) -> str:
        return f"{self.file} has no fact '{self.fact_id}'" + (
            f", which {self.needed_by} needs" if self.needed_by else ""
        )


@dataclass(frozen=True)
class Ledger:
    """Validated sources and facts, keyed by id, in file order; each lookup noted (:class:`runthenumbers.access.Table`)."""

    sources: Mapping[str, Source]
    facts: Mapping[str, Fact]
    notes: Mapping[str, SourceNote] = field(default_factory=dict)
    # The file the facts came from, as messages name it (data/facts.csv, or another folder's).
    facts_file: str = "data/facts.csv"

    def __post_init__(self) -> None:
        for name, table in (("sources", "sources.csv"), ("facts", "facts.csv"), ("notes", "source_notes.csv")):
            object.__setattr__(self, name, Table(f"data/{table}", getattr(self, name)))

    def value(self, fact_id: str) -> float:
        return self.fact(fact_id).value

    def fact(self, fact_id: str) -> Fact:
        try:
            return self.facts[fact_id]
        except KeyError:
            raise MissingFact(self.facts_file, fact_id) from None

    def source_of(self, fact_id: str) -> Source:
        return self.sources[self.fact(fact_id).source]


def company_document_counts(ledger: Ledger) -> tuple[int, int]:
    """How many of the ledger's figures, the essay's own aside, come from the companies' own documents
    (:data:`COMPANY_DOCUMENTS`), and of how many."""
    evidence = [f for f in ledger.facts.values() if ledger.sources[f.source].kind != "article"]
    return sum(1 for f in evidence if ledger.sources[f.source].kind in COMPANY_DOCUMENTS), len(evidence)


def display_name(path: Path) -> str:
    """``data/facts.csv``: the folder and the file, as a reviewer would look for them."""
    return f"{path.parent.name}/{path.name}"


def _read_rows(path: Path, columns: tuple[str, ...]) -> tuple[str, list[tuple[int, dict]]]:
    """The rows of a CSV file with their 1-based line numbers (the header is line 1).

    A file that is not UTF-8, starts with a byte-order mark or holds a field longer than the csv
    module reads is one problem named by file and line, not a traceback.
    """
    name = display_name(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1]
        raise LedgerError(
            [
                Problem(
                    name, line, "file", f"is not UTF-8 text (byte {byte!r} at offset {error.start}); save it as UTF-8"
                )
            ]
        ) from None
    if text.startswith("\ufeff"):
        raise LedgerError(
            [
                Problem(
                    name, 1, "header", "the file starts with a byte-order mark (U+FEFF); save it as UTF-8 without a BOM"
                )
            ]
        )
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        if tuple(reader.fieldnames or ()) != columns:
            raise LedgerError(
                [
                    Problem(
                        name,
                        1,
                        "header",
                        f"expected columns {', '.join(columns)}; found {', '.join(reader.fieldnames or ())}",
                    )
                ]
            )
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise LedgerError([Problem(name, reader.line_num + 1, "row", f"cannot be read as CSV: {error}")]) from None
    return name, rows


def _pydantic_problems(name: str, line: int, row: dict[str, str], error: ValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors():
        column = str(detail["loc"][0]) if detail["loc"] else "row"
        if detail["type"] == "value_error":
            message = str(detail["ctx"]["error"])
        else:
            message = f"{row.get(column, '')!r}: {detail['msg']}"
        problems.append(Problem(name, line, column, message))
    return problems


def read_table(
    path: Path, columns: tuple[str, ...], model: type[BaseModel]
) -> tuple[dict, list[Problem], dict[str, int]]:
    """Rows of a CSV as validated records keyed by id, the problems found, and each id's line."""
    name, rows = _read_rows(path, columns)
    records: dict[str, Any] = {}
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    for line, row in rows:
        if None in row:
            problems.append(
                Problem(name, line, "row", f"has {len(columns) + len(row[None])} cells; expected {len(columns)}")
            )
            continue
        bad = [(column, problem) for column, cell in row.items() if (problem := character_problem(cell or ""))]
        if bad:
            problems.extend(Problem(name, line, column, problem) for column, problem in bad)
            continue
        try:
            record: Any = model(**row)
        except ValidationError as error:
            problems.extend(_pydantic_problems(name, line, row, error))
            continue
        if record.id in records:
            problems.append(Problem(name, line, "id", f"duplicate id '{record.id}' (first on line {lines[record.id]})"))
            continue
        records[record.id] = record
        lines[record.id] = line
    return records, problems, lines


def load_ledger(data_dir: Path | None = None) -> Ledger:
    """Read and validate the ledger; raise :class:`LedgerError` listing every problem."""
    data_dir = DATA_DIR if data_dir is None else Path(data_dir)
    sources, problems, source_lines = read_table(data_dir / "sources.csv", SOURCE_COLUMNS, Source)
    notes: dict[str, SourceNote] = {}
    if (data_dir / "source_notes.csv").exists():
        notes, note_problems, note_lines = read_table(data_dir / "source_notes.csv", SOURCE_NOTE_COLUMNS, SourceNote)
        problems += note_problems
        notes_name = display_name(data_dir / "source_notes.csv")
        problems += [
            Problem(notes_name, note_lines[i], "id", f"unknown source '{i}' (not in sources.csv)")
            for i in notes
            if i not in sources
        ]
    problems += _undated_problems(display_name(data_dir / "sources.csv"), sources, source_lines, notes)
    facts, fact_problems, lines = read_table(data_dir / "facts.csv", FACT_COLUMNS, Fact)
    problems += fact_problems
    facts_name = display_name(data_dir / "facts.csv")
    with unlogged():  # validation: it passes, or the ledger does not load
        prefixes = fact_prefixes()
    copies, copy_problems = stored_copies(data_dir, sources)
    problems += copy_problems
    for fact in facts.values():
        if fact.source not in sources:
            problems.append(
                Problem(
                    facts_name,
                    lines[fact.id],
                    "source",
                    f"fact '{fact.id}' cites unknown source {_escaped(fact.source)} (not in sources.csv)",
                )
            )
        elif fact.source in copies and not quote_in_copy(fact.quote, copies[fact.source]):
            problems.append(
                Problem(
                    facts_name,
                    lines[fact.id],
                    "quote",
                    f"fact '{fact.id}': quote {_echo(fact.quote)} is not in {COPIES_DIR}/{fact.source}.txt, the stored "
                    "copy of its source (compared ignoring case, spacing, dashes and quote marks; '...' joins parts "
                    "in order)",
                )
            )
        for column, message in (
            ("id", group_problem(fact.id, prefixes)),
            ("value", value_problem(fact.id, fact.unit, fact.value)),
        ):
            if message:
                problems.append(Problem(facts_name, lines[fact.id], column, message))
    problems += metric_problems(facts, lines, facts_name)
    if problems:
        raise LedgerError(problems)
    return Ledger(sources=sources, facts=facts, notes=notes, facts_file=facts_name)


# Stored copies of sources whose text may be redistributed, SEC filings and company press releases only (never
# transcripts or news): data/copies/<source id>.txt, the text the facts' quotes were checked against.
COPIES_DIR = "copies"
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
_NORMALISED = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-", "\u2013": "-", "\xa0": " "}
)


def normalised_text(text: str) -> str:
    """``text`` as quotes are compared: curly quotes and dashes made plain, whitespace collapsed, lower case
    (as the research hand-over checked them)."""
    return re.sub(r"\s+", " ", text.translate(_NORMALISED)).strip().lower()


def quote_in_copy(quote: str, copy: str) -> bool:
    """Whether ``quote`` stands in ``copy`` (already :func:`normalised_text`): each part between the quote's
    '...' elisions, in order."""
    position = 0
    for part in (p for p in _ELLIPSIS.split(normalised_text(quote)) if p):
        found = copy.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def stored_copies(data_dir: Path, sources: dict) -> tuple[dict[str, str], list[Problem]]:
    """The stored copies under ``data_dir``/copies, normalised, by source id; a copy of no known source is a problem."""
    copies, problems = {}, []
    for path in sorted((Path(data_dir) / COPIES_DIR).glob("*.txt")):
        if path.stem not in sources:
            problems.append(
                Problem(
                    f"{COPIES_DIR}/{path.name}",
                    1,
                    "file",
                    f"a stored copy of unknown source '{path.stem}' (not in sources.csv)",
                )
            )
            continue
        copies[path.stem] = normalised_text(path.read_text(encoding="utf-8"))
    return copies, problems


def _echo(text: str, limit: int = 80) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def metric_problems(facts: dict, lines: dict, name: str) -> list[Problem]:
    """One value per metric and period: facts of one metric (``Fact.metric``, or the fact's own id) must share a
    unit, agree in value for a period, and a metric named after a fact must be that fact's metric too."""
    problems = []
    first_by_period: dict[tuple[str, str], Fact] = {}
    first_by_metric: dict[str, Fact] = {}
    for fact in facts.values():
        metric = fact.metric or fact.id
        named = facts.get(metric)
        if named is not None and (named.metric or named.id) != metric:
            problems.append(
                Problem(
                    name,
                    lines[fact.id],
                    "metric",
                    f"fact '{fact.id}': metric '{metric}' names fact '{metric}', whose metric is '{named.metric}'; "
                    "name the metric its facts share",
                )
            )
        other = first_by_metric.setdefault(metric, fact)
        if other.unit != fact.unit:
            problems.append(
                Problem(
                    name,
                    lines[fact.id],
                    "unit",
                    f"fact '{fact.id}' is in {fact.unit}, but metric '{metric}' is in {other.unit} (fact '{other.id}', "
                    f"line {lines[other.id]}); a metric has one unit",
                )
            )
            continue
        other = first_by_period.setdefault((metric, fact.period), fact)
        if other.value != fact.value:
            problems.append(
                Problem(
                    name,
                    lines[fact.id],
                    "value",
                    f"fact '{fact.id}' gives {shown_value(fact.value)} for metric '{metric}' in {fact.period}, but fact "
                    f"'{other.id}' (line {lines[other.id]}) gives {shown_value(other.value)}; one value per metric and period",
                )
            )
    return problems


def _undated_problems(name: str, sources: dict, lines: dict, notes: dict) -> list[Problem]:
    """A source without a date or a reading date needs a note in source_notes.csv saying why."""
    problems = []
    for source in sources.values():
        note = notes.get(source.id)
        if not source.date and not (note and note.date_note):
            kind = f"a source of kind '{source.kind}'" if source.kind in DATED_KINDS else f"'{source.id}'"
            problems.append(
                Problem(
                    name,
                    lines[source.id],
                    "date",
                    f"{kind} needs its date (yyyy, yyyy-mm or yyyy-mm-dd), or a date_note in source_notes.csv saying why it has none",
                )
            )
        if not source.accessed and not (note and note.accessed_note):
            problems.append(
                Problem(
                    name,
                    lines[source.id],
                    "accessed",
                    f"'{source.id}' has no reading date and no accessed_note in source_notes.csv saying why",
                )
            )
    return problems


@lru_cache(maxsize=4)
def _cached(data_dir: str) -> Ledger:
    return load_ledger(Path(data_dir))


def cached_ledger(data_dir: str | Path | None = None) -> Ledger:
    """The validated ledger of ``data_dir`` (default :data:`DATA_DIR`), read once per process and then kept:
    a notebook's glue calls and a test session share one copy (the ledger is frozen)."""
    return _cached(str(data_dir or DATA_DIR))
