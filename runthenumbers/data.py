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
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .access import Table, unlogged
from .chapters import fact_prefixes
from .ledger_rules import group_problem, value_problem

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
SOURCE_COLUMNS = ("id", "title", "publisher", "date", "url", "kind", "accessed")
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
FACT_COLUMNS = ("id", "value", "unit", "period", "source", "locator", "quote", "note")
MAX_QUOTE_WORDS = 30

_ID = r"^[a-z][a-z0-9_]*$"
# FY2024, 2024-12-31 (a balance), 2024-12 (a month), 2023 (a point known only to the year), 2025-Q3,
# 2025-Q1-Q3 (the year to date), 2025-H1, a span of years, or a contract term.
_PERIOD = r"^(FY\d{4}|\d{4}(-\d{2}){0,2}|\d{4}-Q[1-4]|\d{4}-Q[1-4]-Q[2-4]|\d{4}-H[12]|\d{4}-\d{4}|term)$"
# A publication date to the day where the source shows it; to the month or year where it does not.
_DATE = r"^\d{4}(-\d{2}){0,2}$"
# Filings, press releases and the article are dated documents: their date is always known.
DATED_KINDS = ("filing", "press-release", "court-filing", "rating-action", "transcript", "article")


class Source(BaseModel):
    """One document the ledger cites."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://\S+$")
    kind: Literal[SOURCE_KINDS]  # type: ignore[valid-type]
    # Empty only with a date_note in source_notes.csv (checked in load_ledger, which sees both files).
    date: str = Field(pattern=rf"{_DATE}|^$")
    # The day the page was read: a web page can change after it is cited.
    accessed: str = Field(default="", pattern=r"^(\d{4}-\d{2}-\d{2})?$")


def short_quote(quote: str) -> str:
    """``quote``, if it is a short exact quote (the validator of every ledger row's quote)."""
    if not quote.strip():
        raise ValueError("quote is empty; every fact needs a short exact quote from its source")
    words = len(quote.split())
    if words > MAX_QUOTE_WORDS:
        raise ValueError(f"quote has {words} words; keep it to at most {MAX_QUOTE_WORDS}")
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

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        if unit not in UNITS:
            raise ValueError(f"'{unit}' is not a known unit (allowed: {', '.join(UNITS)})")
        return unit

    _short_quote = field_validator("quote")(short_quote)


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
    for fact in facts.values():
        if fact.source not in sources:
            problems.append(
                Problem(facts_name, lines[fact.id], "source", f"unknown source '{fact.source}' (not in sources.csv)")
            )
        for column, message in (
            ("id", group_problem(fact.id, prefixes)),
            ("value", value_problem(fact.id, fact.unit, fact.value)),
        ):
            if message:
                problems.append(Problem(facts_name, lines[fact.id], column, message))
    if problems:
        raise LedgerError(problems)
    return Ledger(sources=sources, facts=facts, notes=notes, facts_file=facts_name)


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
