"""What a notebook publishes to its page: glued scalars that the prose pastes in.

Values are glued as plain Python numbers (never numpy scalars, whose repr the page could not read
back), so ``{glue:text}`name:.1f``` formats them and the scenario runner can collect them by name.
A value glued in base units with its unit (``number(..., unit="USD")``) is written by that unit on the
page (:func:`runthenumbers.units.formatted`); a claim's verdict and difference come from :func:`check`.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache
from pathlib import Path

from IPython.core.formatters import format_display_data
from IPython.display import display
from myst_nb import glue
from myst_nb.ext.glue import GLUE_PREFIX

from . import data, units
from .data import Ledger, LedgerError
from .links import fact_href, value_href
from .markup import html_table
from .values import Reader

# What each glued value was computed from, in the order published: the page's provenance table.
_DERIVATIONS: dict[str, dict] = {}


# Why a published value rests on no ledger fact (publish.number's ``basis``): the book's own assumption, a
# count of its own verdicts or figures, or a setting of a model run.
BASES = ("assumption", "count", "model")

# The scale of a glue name's unit suffix, from before values were published in base units.
FORMER_SCALES = {"_m": 1e6, "_bn": 1e9}


def _glue(name: str, value, unit: str = "") -> None:
    """myst-nb's ``glue(name, value, display=False)``, with ``unit`` in the output's metadata for the
    site's ``{glue:text}`` role (:class:`runthenumbers.site.LinkedNumberRole`) to format the value by."""
    if not unit:
        glue(name, value, display=False)
        return
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    metadata[units.UNIT_METADATA] = {"unit": unit}
    display({GLUE_PREFIX + mime: data for mime, data in bundle.items()}, raw=True, metadata=metadata)


class NotFinite(ValueError):
    """A page was about to publish NaN or an infinity: no reader can use it, so the page stops instead."""


def finite(name: str, value) -> float:
    """``value`` as a float, if it is a finite number; negative zero is published as 0 (never '-0%').

    A NaN or an infinity stops the page with a message naming the value: a figure that is truly
    undefined (a payback that never comes) is said in words with :func:`text`, never published as inf.
    """
    value = float(value)
    if not math.isfinite(value):
        raise NotFinite(
            f"{name} = {value} is not a finite number, so it is not published; an input at the end of its range "
            "may leave it undefined (runthenumbers params lists the ranges)"
        )
    return value + 0.0


def number(
    name: str,
    value,
    *,
    unit: str = "",
    formula: str = "",
    facts: tuple[str, ...] | list[str] = (),
    formerly: str = "",
    basis: str = "",
) -> float:
    """Glue ``value`` as a float under ``name``, record how it was derived, and return it.

    ``unit`` is the value's unit, a ledger unit in base units ("USD", "fraction", "count"): it is
    recorded in the provenance, and the page's ``{glue:text}`name``` then writes the value as a reader
    would ("$4.95 billion", "4.37%"; see :func:`runthenumbers.units.formatted`). ``formula`` says in
    words or symbols how the value follows from ``facts`` (ledger ids). ``formerly`` keeps an old name
    of the value working: a name ending ``_m`` or ``_bn`` is glued too, in USD millions or billions as
    it was before the value was published in base units.

    ``basis`` says why a value rests on no ledger fact, when it rests on none: ``"assumption"`` (a
    setting the book chooses, such as a stress case), ``"count"`` (a count of the book's own verdicts
    or figures) or ``"model"`` (a setting of a model run: samples, a seed). A value with facts has no
    basis; one with neither is counted as a number with no facts (:mod:`runthenumbers.quality`).
    """
    if basis and basis not in BASES:
        raise ValueError(f"{name}: basis {basis!r} is not one of {', '.join(BASES)}")
    if basis and facts:
        raise ValueError(f"{name}: a value with ledger facts has no basis (basis {basis!r})")
    value = finite(name, value)
    _glue(name, value, unit)
    _DERIVATIONS[name] = {
        "value": value,
        "formula": formula,
        "facts": list(facts),
        **({"unit": unit} if unit else {}),
        **({"basis": basis} if basis else {}),
    }
    if formerly:
        scale = next((s for suffix, s in FORMER_SCALES.items() if formerly.endswith(suffix)), None)
        if unit not in units.CURRENCIES or scale is None:
            raise ValueError(f"{formerly}: a former name ends _m or _bn and is of a value in money, not {unit!r}")
        glue(formerly, value / scale, display=False)
        _DERIVATIONS[formerly] = {
            "value": value / scale,
            "formula": f"{name} in {unit} {'millions' if scale == 1e6 else 'billions'} (its former name)",
            "facts": list(facts),
            "same_as": name,
        }
    return value


def fact(
    name: str,
    fact_id: str,
    *,
    scale: float = 1.0,
    formula: str = "",
    ledger: Ledger | None = None,
    formerly: str = "",
) -> float:
    """Glue ledger fact ``fact_id`` under ``name`` and return it; divided by ``scale`` (1e6 for USD
    millions) in a page not yet moved to base units.

    The fact id is written once: it is both the value's source and its provenance. Unscaled, the value
    is glued with the fact's unit, and ``formerly`` keeps an old scaled name working (see :func:`number`).
    ``ledger`` defaults to the ledger in ``data.DATA_DIR``, the one the notebook loads.
    """
    ledger = ledger or data.cached_ledger()
    unit = ledger.fact(fact_id).unit if scale == 1.0 else ""
    value = ledger.value(fact_id) / scale
    return number(
        name, value, unit=unit, formula=formula or f"ledger fact {fact_id}", facts=[fact_id], formerly=formerly
    )


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


def difference_name(claim_id: str) -> str:
    """The glue name of a claim's relative difference: ``d7a_difference`` for D7a."""
    return f"{claim_id.lower()}_difference"


def check(
    claim_id: str,
    *,
    checked: float | None = None,
    checked_facts: tuple[str, ...] | list[str] = (),
    ledger: Ledger | None = None,
) -> str:
    """Glue the verdict on claim ``claim_id`` (``D7a``) under ``d7a_verdict`` and return it; a claim with
    both figures also gets its difference glued, (article − checked) / checked, under ``d7a_difference``.

    The one path from a chapter to a verdict: the claim's row in data/claims.csv names the article's
    fact, the checked figure, the tolerance and the bound; :func:`runthenumbers.claims.figures` reads the
    figures and :func:`runthenumbers.claims.verdict_of` judges them, as the claims page does. A checked
    figure of this chapter (``debt:ddtl1_rate``) must have been published above with :func:`number`; a
    page that computes the same figure under another name (another chapter's value) passes it as
    ``checked``, in the units the row names, with the ledger facts it rests on as ``checked_facts``.
    A typed verdict is glued as written.
    """
    from .claims import figures, ledger_figures, verdict_of

    ledger = ledger or data.cached_ledger()
    row = _claim_rows(str(data.DATA_DIR))[claim_id]
    published: dict[str, dict[str, object]] = {}
    if row.checked and not row.checked.startswith("fact:"):
        notebook, name = row.checked.split(":")
        if checked is not None:
            published = {notebook: {name: float(checked)}}
        elif name in _DERIVATIONS:
            published = {notebook: {name: _DERIVATIONS[name]["value"]}}
        else:
            raise KeyError(
                f"claim {claim_id} is checked against '{row.checked}', which this page has not published yet"
            )
    article, checked_value, difference = figures(row, ledger_figures(ledger), published)
    verdict = verdict_of(row, article, checked_value)
    if row.numeric:
        band = {"floor": "a floor: holds when reached", "ceiling": "a ceiling: holds when under"}.get(row.bound, "")
        # The tolerance's reason is on the claims page; the page's provenance table stays short.
        formula = f"{claim_id}: {band + '; ' if band else ''}supported within {row.tolerance:.0%}, roughly within ±25%"
        facts = [row.article_fact] + ([row.checked[5:]] if row.checked.startswith("fact:") else [])
        if difference is not None:
            named = row.checked.split(":")[1] if published and checked is None else ""
            behind = list(checked_facts) + _DERIVATIONS.get(named, {}).get("facts", [])
            number(
                difference_name(claim_id),
                difference,
                unit="fraction",
                formula=f"{claim_id}: (article − checked) / checked",
                facts=list(dict.fromkeys(facts + behind)),
            )
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


def tally() -> dict[str, int]:
    """Count the verdicts this page has glued so far (:func:`check`, :func:`verdict`) and glue the counts a
    chapter's answer opens with: ``page_graded`` claims and sub-claims, of which ``page_hold`` hold
    (supported or roughly), ``page_fail`` fail (contradicted or garbled), ``page_unchecked`` could not be
    checked and ``page_opinion`` are opinions. Returns the counts by those names."""
    verdicts = [how["value"] for name, how in _DERIVATIONS.items() if name.endswith("_verdict")]
    groups = {
        "page_hold": ("supported", "roughly"),
        "page_fail": ("contradicted", "garbled"),
        "page_unchecked": ("unverifiable",),
        "page_opinion": ("opinion",),
    }
    counts = {"page_graded": len(verdicts)} | {
        name: sum(1 for v in verdicts if v in kinds) for name, kinds in groups.items()
    }
    words = {
        "page_graded": "claims and sub-claims graded on this page",
        "page_hold": "of them supported or roughly right",
        "page_fail": "of them contradicted or garbled",
        "page_unchecked": "of them that could not be checked",
        "page_opinion": "of them opinions",
    }
    for name, count in counts.items():
        number(name, count, unit="count", formula=words[name])
    return counts


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
    unit = how.get("unit", "")
    if isinstance(value, str):
        glue(as_name, value, display=False)
    else:
        value = float(value)  # type: ignore[arg-type]  # a published number: the reader returns it as read
        _glue(as_name, value, unit)  # with its unit, if it has one, so {glue:text} writes it the same way
    _DERIVATIONS[as_name] = {
        "value": value,
        "formula": f"{page} page: {how.get('formula', '')}".rstrip(": "),
        "facts": list(how.get("facts", [])),
        **({"unit": unit} if unit else {}),
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
            shown = units.quantity(value, how.get("unit", ""), style=units.SHORT) if isinstance(value, float) else value
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
