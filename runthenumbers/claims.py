"""The claims ledger: every claim of the article with the figure that checks it and a verdict.

``data/claims.csv`` names, for each claim, the article's figure (a ledger fact) and the checked
figure: a ledger fact (``fact:<id>``) or a value a chapter publishes (``<notebook>:<name>``, read
from the executed notebook through :class:`runthenumbers.values.Reader`, as the page that shows the
claims declares). Where both exist the verdict is computed from them with the
row's tolerance (and its reason) by :func:`runthenumbers.verdicts.judge`; only claims without a
figure to compare carry a verdict typed in, with a reason. This module is the one owner of every
verdict: the notebooks glue what it computes (:func:`runthenumbers.publish.check`) and a test holds
each glued verdict to the ledger's.

A compound claim is split into sub-claims whose ids add a letter (``D7a`` the size, ``D7b`` the
label). The parent row then carries the claim's wording and no verdict of its own; the tally counts
the sub-claims.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from . import chapters, data, units, values
from .access import Table, query, unlogged
from .data import PRIMARY_KINDS, Ledger, LedgerError, Problem, display_name, read_table
from .verdicts import BOUNDS, TOLERANCE_NEEDS_REASON_ABOVE, judge

VERDICTS = ("supported", "roughly", "contradicted", "garbled", "unverifiable", "opinion")
# What a verdict says about the article's figure, for the one-sentence tally.
HOLDS = ("supported", "roughly")
FAILS = ("contradicted", "garbled")
# Verdicts that need evidence besides the article: a verdict on the figure, not on the reading.
JUDGED = ("supported", "roughly", "contradicted")


def __getattr__(name: str):
    # ARGUMENTS, the chapters with a claims section in order (runthenumbers/chapters.py), which the
    # "argument" column names: asked of the chapters when read, so only a page that reads it depends on it.
    if name == "ARGUMENTS":
        return tuple(c.name for c in chapters.claim_sections())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


CLAIM_COLUMNS = (
    "id",
    "argument",
    "claim",
    "article_fact",
    "checked",
    "scale",
    "tolerance",
    "tolerance_reason",
    "bound",
    "verdict",
    "explanation",
    "searched",
    "sources",
    "section",
)


class ClaimRow(BaseModel):
    """One row of data/claims.csv as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # A chapter's letter, a number, and a lower-case letter for a sub-claim: D7, D7a.
    id: str = Field(pattern=r"^[A-Z]\d+[a-z]?$")
    # Declared after id so that its check can compare the id's letter with the chapter's.
    argument: str
    claim: str = Field(min_length=1)
    article_fact: str = ""
    checked: str = Field(default="", pattern=r"^$|^fact:[a-z][a-z0-9_]*$|^[a-z_]+:[a-z][a-z0-9_]*$")
    # A multiplier into the article's units: a zero or negative scale would turn any figure into 0 or its opposite.
    scale: float = Field(default=1.0, gt=0.0, allow_inf_nan=False)
    # The band for "supported", a fraction of the checked figure: what the claim's precision implies
    # (above 0, as numeric_verdict needs, and at most 1).
    tolerance: float | None = Field(default=None, gt=0.0, le=1.0, allow_inf_nan=False)
    tolerance_reason: str = ""
    bound: str = ""
    verdict: str = ""
    explanation: str = Field(min_length=1)
    # For an unverifiable verdict: what was searched (queries and where) and what was found.
    searched: str = ""
    sources: str = ""
    section: str = Field(default="", pattern=r"^$|^(notebooks|book)/[a-z_]+(#[a-z0-9-]+)?$")

    @field_validator("argument")
    @classmethod
    def _known_chapter(cls, argument: str, info: ValidationInfo) -> str:
        # Read at validation time, not import time, so the sections follow runthenumbers/chapters.py.
        with unlogged():
            sections = {c.name: c for c in chapters.claim_sections()}
        if argument not in sections:
            raise ValueError(f"'{argument}' is not a chapter with claims (allowed: {', '.join(sections)})")
        letter = sections[argument].claim_prefix
        claim_id = info.data.get("id", "")
        if claim_id and not claim_id.startswith(letter):
            raise ValueError(f"claim '{claim_id}' is in chapter '{argument}', whose claim ids start with '{letter}'")
        return argument

    @field_validator("scale", "tolerance", mode="before")
    @classmethod
    def _blank_is_default(cls, value, info):
        if value == "":
            return 1.0 if info.field_name == "scale" else None
        return value

    @field_validator("verdict")
    @classmethod
    def _known_verdict(cls, verdict: str) -> str:
        if verdict and verdict not in VERDICTS:
            raise ValueError(f"'{verdict}' is not a verdict (allowed: {', '.join(VERDICTS)})")
        return verdict

    @field_validator("bound")
    @classmethod
    def _known_bound(cls, bound: str) -> str:
        if bound not in BOUNDS:
            raise ValueError(f"'{bound}' is not a bound (allowed: floor, ceiling, or empty for a point figure)")
        return bound

    @property
    def numeric(self) -> bool:
        return bool(self.article_fact and self.checked)

    @property
    def parent_id(self) -> str:
        """``D7`` for the sub-claim ``D7a``; empty for a claim that is not a sub-claim."""
        return self.id[:-1] if self.id[-1].islower() else ""


@dataclass(frozen=True)
class Claim:
    """A claim with its figures resolved (base units, as the article's fact) and its verdict.

    A claim split into sub-claims has no verdict of its own (``verdict`` is empty); ``parts`` holds
    its sub-claims' ids.
    """

    row: ClaimRow
    article_value: float | None
    checked_value: float | None
    verdict: str
    parts: tuple[str, ...] = ()

    @property
    def difference(self) -> float | None:
        return difference_of(self.article_value, self.checked_value)

    @property
    def is_split(self) -> bool:
        return bool(self.parts)


def graded(claims: list[Claim]) -> list[Claim]:
    """The claims that carry a verdict: every sub-claim and every claim that is not split."""
    return [c for c in claims if not c.is_split]


def tally(claims: list[Claim]) -> dict[str, int]:
    """Counts of the graded claims by verdict, with 'total', 'hold', 'fail', 'not_checked' and 'checkable'
    (those with a figure or fact that could be checked: neither unverifiable nor an opinion)."""
    counts = Counter(c.verdict for c in graded(claims))
    result = {v: counts[v] for v in VERDICTS}
    result.update(
        total=sum(counts.values()),
        hold=sum(counts[v] for v in HOLDS),
        fail=sum(counts[v] for v in FAILS),
        not_checked=counts["unverifiable"],
        checkable=sum(counts.values()) - counts["unverifiable"] - counts["opinion"],
    )
    return result


def _row_problems(
    row: ClaimRow, line: int, name: str, ledger: Ledger, values: dict, split: bool, provenance: dict | None = None
) -> list[Problem]:
    problems = []

    def problem(column: str, message: str) -> None:
        problems.append(Problem(name, line, column, message))

    if row.article_fact and row.article_fact not in ledger.facts:
        problem("article_fact", f"unknown fact id '{row.article_fact}' (not in facts.csv)")
    if row.checked.startswith("fact:"):
        checked_fact = row.checked[5:]
        if checked_fact not in ledger.facts:
            problem("checked", f"unknown fact id '{checked_fact}' (not in facts.csv)")
        elif message := article_check_problem(row, checked_fact, ledger):
            problem("checked", message)
    elif row.checked:
        notebook, value_name = row.checked.split(":")
        if value_name not in values.get(notebook, {}):
            problem("checked", f"'{row.checked}' is not a value published by notebooks/{notebook}.ipynb")
        elif value_name in (provenance or {}).get(notebook, {}):
            facts = list(provenance[notebook][value_name].get("facts", []))  # type: ignore[index]
            if message := published_check_problem(row, facts, ledger):
                problem("checked", message)
    if split:
        if row.numeric or row.verdict:
            problem("verdict", f"claim '{row.id}' is split into sub-claims; its figures and verdict belong to them")
    else:
        if row.numeric and row.tolerance is None:
            problem("tolerance", "a claim with both figures needs a tolerance (a fraction) for its computed verdict")
        if row.numeric and row.verdict:
            problem(
                "verdict",
                f"'{row.verdict}' typed for a claim with both figures; its verdict is computed, leave it empty",
            )
        if not row.numeric and not row.verdict:
            problem("verdict", "empty; a claim without both figures needs a verdict and a written reason")
    if row.tolerance is not None and row.tolerance > TOLERANCE_NEEDS_REASON_ABOVE and not row.tolerance_reason:
        problem(
            "tolerance_reason", f"a tolerance of {row.tolerance:.0%} is wider than the ±25% 'roughly' band; say why"
        )
    elif row.numeric and not row.tolerance_reason:
        problem("tolerance_reason", "empty; say what the claim's precision implies for its tolerance")
    if row.bound and not row.numeric:
        problem("bound", "a bound applies only to a claim with both figures")
    if row.verdict == "unverifiable" and not row.searched:
        problem(
            "searched",
            "an unverifiable verdict needs a note of what was searched (queries and where) and what was found",
        )
    for source in row.sources.split():
        if source not in ledger.sources:
            problem("sources", f"unknown source '{source}' (not in sources.csv)")
    return problems


def article_check_problem(row: ClaimRow, checked_fact: str, ledger: Ledger) -> str:
    """Why ``checked_fact`` cannot check ``row``, or '': a claim checked against the article's own figure (its
    article fact, or any other fact whose source is the article) would only repeat the article."""
    rule = "the checked figure must come from facts other than the article's"
    if checked_fact == row.article_fact:
        return f"claim '{row.id}' is checked against its own article fact '{checked_fact}'; {rule}"
    if ledger.source_of(checked_fact).kind == "article":
        return f"claim '{row.id}' is checked against '{checked_fact}', a figure of the article; {rule}"
    source = ledger.facts[checked_fact].source
    if source not in row.sources.split():
        return (
            f"claim '{row.id}' is checked against '{checked_fact}', whose source '{source}' is not among the claim's "
            "sources; the checked figure must come from a source listed for the claim"
        )
    return ""


def published_check_problem(row: ClaimRow, facts: list[str], ledger: Ledger) -> str:
    """Why the value a chapter published as ``row``'s checked figure, computed from ledger ``facts`` (its
    provenance), cannot check the claim, or '': it must rest on a fact other than the article's, from a
    source listed for the claim; a figure computed from the article's own numbers only repeats the article."""
    known = [f for f in facts if f in ledger.facts]
    independent = [f for f in known if f != row.article_fact and ledger.source_of(f).kind != "article"]
    if known and not independent:
        return (
            f"claim '{row.id}' is checked against '{row.checked}', computed only from the article's figures "
            f"({', '.join(known)}); the checked figure must come from facts other than the article's"
        )
    listed = row.sources.split()
    if independent and not any(ledger.facts[f].source in listed for f in independent):
        shown = ", ".join(sorted({ledger.facts[f].source for f in independent}))
        return (
            f"claim '{row.id}' is checked against '{row.checked}', whose facts come from {shown}, none of them among "
            "the claim's sources; the checked figure must come from a source listed for the claim"
        )
    return ""


def _structure_problems(rows: dict[str, ClaimRow], lines: dict[str, int], name: str) -> list[Problem]:
    problems = []
    for row in rows.values():
        parent = rows.get(row.parent_id) if row.parent_id else None
        if row.parent_id and parent is None:
            problems.append(
                Problem(
                    name,
                    lines[row.id],
                    "id",
                    f"sub-claim '{row.id}' has no parent claim '{row.parent_id}' in claims.csv",
                )
            )
        elif parent is not None and parent.argument != row.argument:
            problems.append(
                Problem(
                    name,
                    lines[row.id],
                    "argument",
                    f"sub-claim '{row.id}' is in '{row.argument}' but its parent '{parent.id}' is in '{parent.argument}'",
                )
            )
    return problems


def evidence_kinds(row: ClaimRow, ledger: Ledger) -> list[str]:
    """The kinds of the sources a verdict rests on: the row's sources and the checked fact's, the article aside."""
    ids = row.sources.split()
    if row.checked.startswith("fact:") and row.checked[5:] in ledger.facts:
        ids.append(ledger.facts[row.checked[5:]].source)
    return [
        ledger.sources[i].kind
        for i in dict.fromkeys(ids)
        if i in ledger.sources and ledger.sources[i].kind != "article"
    ]


def evidence_problem(row: ClaimRow, verdict: str, ledger: Ledger) -> str:
    """Why ``verdict`` on ``row`` is not backed by independent evidence, or '' if it is.

    A judged verdict needs a source besides the article, and never rests on machine summaries
    alone; 'supported' or 'roughly' needs a primary source or two secondary ones.
    """
    if verdict not in JUDGED:
        return ""
    kinds = evidence_kinds(row, ledger)
    if not kinds:
        return f"'{verdict}' rests on no source besides the article; a verdict needs independent evidence"
    if all(k == "ai-summary" for k in kinds):
        return f"'{verdict}' rests only on ai-summary sources; a machine summary never decides a verdict alone"
    secondary = [k for k in kinds if k not in PRIMARY_KINDS and k != "ai-summary"]
    if verdict in HOLDS and not any(k in PRIMARY_KINDS for k in kinds) and len(secondary) < 2:
        return f"'{verdict}' needs a primary source or two independent secondary sources that agree (has: {', '.join(kinds)})"
    return ""


def read_rows(path: Path | None = None) -> tuple[dict[str, ClaimRow], list[Problem], dict[str, int]]:
    """The rows of data/claims.csv, validated one by one, with their problems and lines."""
    rows, problems, lines = read_table(path or data.DATA_DIR / "claims.csv", CLAIM_COLUMNS, ClaimRow)
    return Table("data/claims.csv", rows), problems, lines


@query
def rows_of(argument: str) -> list[ClaimRow]:
    """The rows of data/claims.csv in chapter ``argument``, in the ledger's order: what a chapter lists of its
    own claims, and all a page that lists them depends on (a claim of another chapter stales no such page)."""
    rows, problems, _ = read_rows()
    if problems:
        raise LedgerError(problems)
    return [row for row in rows.values() if row.argument == argument]


def verdict_of(row: ClaimRow, article: float | None, checked: float | None) -> str:
    """The verdict of one claim: computed from both figures where the row has them, else as typed."""
    if row.numeric:
        return judge(article, checked, row.tolerance, row.bound)
    return row.verdict


def load_claims(
    path: Path | None = None, ledger: Ledger | None = None, reader: values.Reader | None = None
) -> list[Claim]:
    """Read and check data/claims.csv against the ledger and the chapters; raise LedgerError listing problems.

    The checked figures a chapter published are read through ``reader``: by default the claims page's,
    which reads every page; a page that shows the claims passes its own, so that what it reads stays declared.
    """
    path = path or data.DATA_DIR / "claims.csv"
    name = display_name(path)
    ledger = ledger or data.load_ledger()
    reader = reader or values.Reader("claims")
    rows, problems, lines = read_rows(path)
    notebooks = sorted(
        {r.checked.split(":")[0] for r in rows.values() if r.checked and not r.checked.startswith("fact:")}
    )
    # A known page the reader does not declare is refused by the reader, naming both pages; an unknown
    # or unexecuted page publishes nothing, and its rows are refused below, by line.
    published = {
        n: reader.values(n)
        for n in notebooks
        if (reader.declares(n) and reader.exists(n)) or (not reader.declares(n) and chapters.reads_of(n) is not None)
    }
    provenance = {n: reader.provenance(n) for n in published}
    parts: dict[str, list[str]] = {}
    for row in rows.values():
        if row.parent_id:
            parts.setdefault(row.parent_id, []).append(row.id)
    problems += _structure_problems(rows, lines, name)
    for claim_id, row in rows.items():
        problems += _row_problems(row, lines[claim_id], name, ledger, published, claim_id in parts, provenance)
    if problems:
        raise LedgerError(sorted(problems, key=lambda p: p.line))
    claims = []
    facts = ledger_figures(ledger)
    for row in rows.values():
        split = tuple(parts.get(row.id, ()))
        article, checked, _ = figures(row, facts, published)
        verdict = "" if split else verdict_of(row, article, checked)
        if message := ("" if split else evidence_problem(row, verdict, ledger)):
            problems.append(Problem(name, lines[row.id], "sources", message))
        claims.append(Claim(row=row, article_value=article, checked_value=checked, verdict=verdict, parts=split))
    if problems:
        raise LedgerError(problems)
    return claims


class Figures(NamedTuple):
    """A claim's two figures in the article's units, and how far the article's is from the checked one."""

    article: float | None
    checked: float | None
    difference: float | None


def difference_of(article: float | None, checked: float | None) -> float | None:
    """(article - checked) / checked: +0.10 means the article's figure is 10% too high; None without
    both figures, or when the checked figure is 0."""
    if article is None or not checked:
        return None
    return (article - checked) / checked


def figures(row: ClaimRow, facts: Mapping[str, float | None], values: Mapping[str, Mapping[str, object]]) -> Figures:
    """The one reading of a claim's figures, for the claims page, a chapter's :func:`publish.check` and
    ``runthenumbers diff``: the article's fact, and the checked figure (``fact:<id>`` from ``facts``, or
    ``<notebook>:<name>`` from ``values``, the notebooks' published values) times the row's ``scale``.

    ``facts`` maps fact ids to values. A figure that is missing, or published as something other than a
    number, is None.
    """
    article = facts.get(row.article_fact) if row.article_fact else None
    raw: object = None
    if row.checked.startswith("fact:"):
        raw = facts.get(row.checked[5:])
    elif row.checked:
        notebook, name = row.checked.split(":")
        raw = values.get(notebook, {}).get(name)
    numeric = isinstance(raw, (int, float)) and not isinstance(raw, bool)
    checked = float(raw) * row.scale if numeric else None
    return Figures(article, checked, difference_of(article, checked))


class _FactValues(Mapping):
    """A ledger's fact values by id, each read from the ledger when asked for."""

    def __init__(self, ledger: Ledger):
        self._facts = ledger.facts

    def __getitem__(self, fact_id: str) -> float:
        return self._facts[fact_id].value

    def __iter__(self):
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)


def ledger_figures(ledger: Ledger) -> Mapping[str, float]:
    """The ``facts`` argument of :func:`figures` for a loaded ledger. Each value is looked up when a claim
    asks for it, so a page that checks a claim depends on that claim's facts, not on every fact
    (:mod:`runthenumbers.access`)."""
    return _FactValues(ledger)


def figure_text(claim: Claim, value: float | None, ledger: Ledger, language: str = "en") -> str:
    """A claim's article or checked figure as the claims page and ``runthenumbers claims`` show it: in
    the unit of the article's fact, short style, a date at the precision its source gives."""
    if value is None:
        return ""
    if not claim.row.article_fact:
        return units.number(value)
    fact = ledger.fact(claim.row.article_fact)
    return units.quantity(value, fact.unit, style=units.SHORT, period=fact.period, note=fact.note, language=language)
