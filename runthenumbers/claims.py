"""The claims ledger: every claim of the article with the figure that checks it and a verdict.

``data/claims.csv`` names, for each claim, the article's figure (a ledger fact) and the checked
figure: a ledger fact (``fact:<id>``) or a value a chapter publishes (``<notebook>:<name>``, read
from the committed, executed notebook). Where both exist the verdict is computed from them with the
row's tolerance; only claims without a figure to compare carry a verdict typed in, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from . import chapters, data
from .data import Ledger, LedgerError, Problem, display_name, read_table
from .notebooks import baseline_values, published_dir
from .verdicts import numeric_verdict

VERDICTS = ("supported", "roughly", "contradicted", "garbled", "unverifiable", "opinion")
# The chapters with a claims section, in order (runthenumbers/chapters.py); the "argument" column names one.
ARGUMENTS = tuple(c.name for c in chapters.claim_sections())
CLAIM_COLUMNS = (
    "id", "argument", "claim", "article_fact", "checked", "scale", "tolerance", "verdict", "explanation", "sources", "section",
)


class ClaimRow(BaseModel):
    """One row of data/claims.csv as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Z]\d+$")
    # Declared after id so that its check can compare the id's letter with the chapter's.
    argument: str
    claim: str = Field(min_length=1)
    article_fact: str = ""
    checked: str = Field(default="", pattern=r"^$|^fact:[a-z][a-z0-9_]*$|^[a-z_]+:[a-z][a-z0-9_]*$")
    scale: float = Field(default=1.0, allow_inf_nan=False)
    # A verdict's tolerance is a fraction of the checked figure: above 0 (numeric_verdict needs it) and at most 1.
    tolerance: float | None = Field(default=None, gt=0.0, le=1.0, allow_inf_nan=False)
    verdict: str = ""
    explanation: str = Field(min_length=1)
    sources: str = ""
    section: str = Field(default="", pattern=r"^$|^(notebooks|book)/[a-z_]+(#[a-z0-9-]+)?$")

    @field_validator("argument")
    @classmethod
    def _known_chapter(cls, argument: str, info: ValidationInfo) -> str:
        # Read at validation time, not import time, so the sections follow runthenumbers/chapters.py.
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

    @property
    def numeric(self) -> bool:
        return bool(self.article_fact and self.checked)


@dataclass(frozen=True)
class Claim:
    """A claim with its figures resolved (base units, as the article's fact) and its verdict."""

    row: ClaimRow
    article_value: float | None
    checked_value: float | None
    verdict: str

    @property
    def difference(self) -> float | None:
        if self.article_value is None or not self.checked_value:
            return None
        return (self.article_value - self.checked_value) / self.checked_value


def _row_problems(row: ClaimRow, line: int, name: str, ledger: Ledger, values: dict) -> list[Problem]:
    problems = []

    def problem(column: str, message: str) -> None:
        problems.append(Problem(name, line, column, message))

    if row.article_fact and row.article_fact not in ledger.facts:
        problem("article_fact", f"unknown fact id '{row.article_fact}' (not in facts.csv)")
    if row.checked.startswith("fact:"):
        if row.checked[5:] not in ledger.facts:
            problem("checked", f"unknown fact id '{row.checked[5:]}' (not in facts.csv)")
    elif row.checked:
        notebook, value_name = row.checked.split(":")
        if value_name not in values.get(notebook, {}):
            problem("checked", f"'{row.checked}' is not a value published by notebooks/{notebook}.ipynb")
    if row.numeric and row.tolerance is None:
        problem("tolerance", "a claim with both figures needs a tolerance (a fraction) for its computed verdict")
    if row.numeric and row.verdict:
        problem("verdict", f"'{row.verdict}' typed for a claim with both figures; its verdict is computed, leave it empty")
    if not row.numeric and not row.verdict:
        problem("verdict", "empty; a claim without both figures needs a verdict and a written reason")
    for source in row.sources.split():
        if source not in ledger.sources:
            problem("sources", f"unknown source '{source}' (not in sources.csv)")
    return problems


def _checked_value(row: ClaimRow, ledger: Ledger, values: dict) -> float | None:
    if not row.checked:
        return None
    if row.checked.startswith("fact:"):
        return ledger.value(row.checked[5:]) * row.scale
    notebook, name = row.checked.split(":")
    return float(values[notebook][name]) * row.scale


def load_claims(path: Path | None = None, ledger: Ledger | None = None) -> list[Claim]:
    """Read and check data/claims.csv against the ledger and the chapters; raise LedgerError listing problems."""
    path = path or data.DATA_DIR / "claims.csv"
    ledger = ledger or data.load_ledger()
    rows, problems, lines = read_table(path, CLAIM_COLUMNS, ClaimRow)
    notebooks = sorted({r.checked.split(":")[0] for r in rows.values() if r.checked and not r.checked.startswith("fact:")})
    available = {p.stem for p in published_dir().glob("*.ipynb")}
    values = baseline_values([n for n in notebooks if n in available])
    for claim_id, row in rows.items():
        problems += _row_problems(row, lines[claim_id], display_name(path), ledger, values)
    if problems:
        raise LedgerError(sorted(problems, key=lambda p: p.line))
    claims = []
    for row in rows.values():
        article = ledger.value(row.article_fact) if row.article_fact else None
        checked = _checked_value(row, ledger, values)
        verdict = numeric_verdict(article, checked, row.tolerance) if row.numeric else row.verdict
        claims.append(Claim(row=row, article_value=article, checked_value=checked, verdict=verdict))
    return claims
