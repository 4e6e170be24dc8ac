"""What a notebook publishes to its page: glued scalars that the prose pastes in.

Values are glued as plain Python numbers (never numpy scalars, whose repr the page could not read
back), so ``{glue:text}`name:.1f``` formats them and the scenario runner can collect them by name.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

from myst_nb import glue

from . import data, units
from .data import Ledger, LedgerError
from .links import fact_href, value_href
from .markup import html_table
from .values import Reader

# What each glued value was computed from, in the order published: the page's provenance table.
_DERIVATIONS: dict[str, dict] = {}


def number(name: str, value, *, formula: str = "", facts: tuple[str, ...] | list[str] = ()) -> float:
    """Glue ``value`` as a float under ``name``, record how it was derived, and return it.

    ``formula`` says in words or symbols how the value follows from ``facts`` (ledger ids).
    """
    value = float(value)
    glue(name, value, display=False)
    _DERIVATIONS[name] = {"value": value, "formula": formula, "facts": list(facts)}
    return value


def fact(name: str, fact_id: str, *, scale: float = 1.0, formula: str = "", ledger: Ledger | None = None) -> float:
    """Glue ledger fact ``fact_id`` divided by ``scale`` (1e6 for USD millions) under ``name``; return it.

    The fact id is written once: it is both the value's source and its provenance. ``ledger``
    defaults to the ledger in ``data.DATA_DIR``, the one the notebook loads.
    """
    ledger = ledger or data.cached_ledger()
    return number(name, ledger.value(fact_id) / scale, formula=formula or f"ledger fact {fact_id}", facts=[fact_id])


@lru_cache(maxsize=4)
def _claim_rows(data_dir: str) -> dict:
    from .claims import read_rows

    rows, problems, _ = read_rows(Path(data_dir) / "claims.csv")
    if problems:
        raise LedgerError(problems)
    return rows


def verdict_name(claim_id: str) -> str:
    """The glue name of a claim's verdict: ``d7a_verdict`` for D7a."""
    return f"{claim_id.lower()}_verdict"


def check(claim_id: str, *, checked: float | None = None, ledger: Ledger | None = None) -> str:
    """Glue the verdict on claim ``claim_id`` (``D7a``) under ``d7a_verdict`` and return it.

    The one path from a chapter to a verdict: the claim's row in data/claims.csv names the article's
    fact, the checked figure, the tolerance and the bound, and :func:`runthenumbers.claims.verdict_of`
    judges them, as the claims page does. A checked figure of this chapter (``debt:ddtl1_rate``)
    must have been published above with :func:`number`; a page that computes the same figure under
    another name (another chapter's value) passes it as ``checked``, in the units the row names.
    A typed verdict is glued as written.
    """
    from .claims import verdict_of

    ledger = ledger or data.cached_ledger()
    row = _claim_rows(str(data.DATA_DIR))[claim_id]
    article = ledger.value(row.article_fact) if row.article_fact else None
    given, checked = checked, None
    if row.checked.startswith("fact:"):
        checked = ledger.value(row.checked[5:]) * row.scale
    elif row.checked and given is not None:
        checked = float(given) * row.scale
    elif row.checked:
        name = row.checked.split(":")[1]
        if name not in _DERIVATIONS:
            raise KeyError(
                f"claim {claim_id} is checked against '{row.checked}', which this page has not published yet"
            )
        checked = float(_DERIVATIONS[name]["value"]) * row.scale
    verdict = verdict_of(row, article, checked)
    if row.numeric:
        band = {"floor": "a floor: holds when reached", "ceiling": "a ceiling: holds when under"}.get(row.bound, "")
        # The tolerance's reason is on the claims page; the page's provenance table stays short.
        formula = f"{claim_id}: {band + '; ' if band else ''}supported within {row.tolerance:.0%}, roughly within ±25%"
        facts = [row.article_fact] + ([row.checked[5:]] if row.checked.startswith("fact:") else [])
    else:
        formula, facts = (
            f"{claim_id}: typed in data/claims.csv with its reason",
            [row.article_fact] if row.article_fact else [],
        )
    text(verdict_name(claim_id), verdict, formula=formula, facts=facts)
    return verdict


def verdict(claim_id: str, computed: str | None = None) -> str:
    """Glue the typed verdict of ``claim_id`` from data/claims.csv; if the page computes one too
    (``computed``), refuse to go on when the two differ, so the ledger and the prose cannot drift."""
    glued = check(claim_id)
    if computed is not None and computed != glued:
        raise ValueError(f"claim {claim_id}: this page computes '{computed}' but data/claims.csv says '{glued}'")
    return glued


def text(name: str, value: str, *, formula: str = "", facts: tuple[str, ...] | list[str] = ()) -> str:
    """Glue a word or phrase (a verdict, a label) under ``name``."""
    glue(name, str(value), display=False)
    _DERIVATIONS[name] = {"value": str(value), "formula": formula, "facts": list(facts)}
    return value


def reuse(reader: Reader, page: str, name: str, *, as_name: str = ""):
    """Glue the value ``page`` published as ``name`` again on this page, under ``as_name`` (default ``name``),
    with its provenance: ``page``'s formula, marked with where it came from, and all of its ledger facts.

    ``reader`` is this page's :class:`runthenumbers.values.Reader`, which refuses a page it does not
    declare. A republished value is never retyped, nor is the list of facts behind it.
    """
    value = reader.value(page, name)
    how = reader.provenance(page).get(name, {})
    as_name = as_name or name
    if isinstance(value, str):
        glue(as_name, value, display=False)
    else:
        value = float(value)
        glue(as_name, value, display=False)
    _DERIVATIONS[as_name] = {
        "value": value,
        "formula": f"{page} page: {how.get('formula', '')}".rstrip(": "),
        "facts": list(how.get("facts", [])),
        "from": f"{page}:{name}",
    }
    return value


class Provenance:
    """The table that every glued number of the page links to: value, formula and ledger facts."""

    def __init__(self, derivations: dict[str, dict]):
        self.derivations = dict(derivations)

    def to_html(self) -> str:
        rows = []
        # Model outputs share long fact lists; list each distinct set once and point back to it.
        first_with: dict[tuple[str, ...], str] = {}
        for name, how in self.derivations.items():
            value = how["value"]
            shown = f"{value:,.6g}" if isinstance(value, float) else value
            key = tuple(how["facts"])
            if len(key) > 2 and key in first_with:
                facts = f'as for <a href="#num-{first_with[key]}">{first_with[key]}</a>'
            else:
                first_with.setdefault(key, name)
                facts = ", ".join(f'<a href="{fact_href(f)}">{f}</a>' for f in key)
            if "from" in how:
                # A republished value links to its row on the page that computed it.
                page, _, original = how["from"].partition(":")
                origin = f'<a href="{value_href(page, original)}">{html.escape(how["from"])}</a>'
                facts = f"{origin}: {facts}" if facts else origin
            rows.append(
                f'<tr id="num-{name}"><td><code>{name}</code></td><td>{html.escape(shown)}</td>'
                f"<td>{html.escape(how['formula'])}</td><td>{facts}</td></tr>"
            )
        table = html_table("rtn-derivations", ["Name", "Value", "Formula", "Ledger facts"], rows)
        return f'<details class="rtn-provenance"><summary>How each number on this page was computed</summary>{table}</details>'

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        # The JSON copy lets other pages read how each number was computed (runthenumbers.values): the
        # source-quality panel its facts, publish.reuse its formula and facts.
        facts = {name: dict(how) for name, how in self.derivations.items()}
        return {
            "text/html": self.to_html(),
            "text/plain": f"Provenance of {len(self.derivations)} published values",
            "application/vnd.runthenumbers.provenance+json": facts,
        }


def provenance() -> Provenance:
    """Every value published so far with its derivation; display it once, at the end of the page."""
    return Provenance(_DERIVATIONS)


def format_value(value: float, unit: str, *, period: str = "", note: str = "") -> str:
    """A ledger value as a reader would write it: $1,915.0M, 62%, 1,317 MW, 5 years, 166,000.

    A date prints as 2028-03-31 unless the fact's ``period`` or ``note`` is given: it then prints at
    the precision its source gives ('January 2024', 'second half of 2026', see :func:`units.date_text`).
    """
    if unit in units.CURRENCIES:
        symbol = units.CURRENCIES[unit]
        if abs(value) >= 1e9:
            return f"{symbol}{value / 1e9:,.2f}B"
        if abs(value) >= 1e6:
            return f"{symbol}{value / 1e6:,.1f}M"
        return f"{symbol}{value:,.0f}"
    if unit == "fraction":
        whole_percent = abs(value * 100 - round(value * 100)) < 1e-9
        return f"{value:.0%}" if whole_percent else f"{value:.1%}"
    if unit == "USD/GPU-hour":
        return f"${value:,.2f}/GPU-hour"
    if unit == "date":
        if period or note:
            return units.date_text(value, period, note)
        digits = f"{int(value):08d}"
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    if unit == "multiple":
        return f"{value:,.2f}×"
    return units.quantity(value, unit)


def format_fact(fact) -> str:
    """A ledger fact's value at the precision its source gives."""
    return format_value(fact.value, fact.unit, period=fact.period, note=fact.note)
