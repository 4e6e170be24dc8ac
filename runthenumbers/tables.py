"""The reader's tables a page shows: a formatted frame, the facts a page rests on, the inputs it ran
with, and the HTML table every directive and chapter draws with (cards on a phone)."""

from __future__ import annotations

import html

import pandas as pd

from . import data, units
from .data import COMPANY_DOCUMENTS, Ledger
from .links import fact_href, source_href
from .markup import html_table

# A frame shown as it is on a page keeps every character of its cells: pandas' default cuts text at 50
# characters with "...", which would cut verdicts and reasons mid-word.
pd.set_option("display.max_colwidth", None)
pd.set_option("display.width", None)


class EvidenceTable:
    """The facts a page rests on: value, period, source (linked to the bibliography) and where it was read."""

    def __init__(self, ledger: Ledger, fact_ids: list[str]):
        self.rows = []
        for fact_id in fact_ids:
            fact = ledger.fact(fact_id)
            self.rows.append((fact, ledger.sources[fact.source]))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "fact": f.id,
                    "value": units.fact_text(f),
                    "period": f.period,
                    "source": f"{s.publisher} ({s.kind})",
                    "where": f.locator,
                }
                for f, s in self.rows
            ]
        ).set_index("fact")

    def to_html(self) -> str:
        rows = [
            # The source's own words, linked to the fact's row in the ledger pages (where its id is).
            f'<tr><td><a href="{fact_href(f.id)}">“{html.escape(f.quote)}”</a></td>'
            f"<td>{html.escape(units.fact_text(f))}</td><td>{html.escape(f.period)}</td>"
            f'<td><a href="{source_href(s.id)}">{html.escape(s.publisher)}</a> ({s.kind})</td>'
            f"<td>{html.escape(f.locator)}</td></tr>"
            for f, s in self.rows
        ]
        table = html_table("rtn-evidence", ["What the source says", "Value", "Period", "Source", "Where"], rows)
        from_companies = sum(1 for _, s in self.rows if s.kind in COMPANY_DOCUMENTS)
        summary = (
            f"The {units.plural(len(self.rows), 'figure')} this page rests on, each with its source and where it was read "
            f"({from_companies} from filings, press releases or transcripts)"
        )
        # Folded: the table is long, and the analysis should not start screens further down.
        return f'<details class="rtn-evidence-box"><summary>{html.escape(summary)}</summary>{table}</details>'

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/html": self.to_html(), "text/plain": self.frame().to_string()}


def facts_table(ledger: Ledger, fact_ids: list[str]) -> EvidenceTable:
    """The page's evidence table: the named facts, each linked to its ledger row and its source."""
    return EvidenceTable(ledger, fact_ids)


NUMERIC = ' class="num"'


class Table:
    """A reader's table: the frame's columns in order, each cell formatted, an empty cell said in words.

    ``formats`` maps a column to a format string (``"{:,.1f}"``); other cells print as they are. The
    index is a first column headed ``index_label`` when given, else left out.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        formats: dict[str, str] | None = None,
        index_label: str | None = None,
        missing: str = "–",
    ):
        self.frame = frame
        self.formats = formats or {}
        self.index_label = index_label
        self.missing = missing

    def _cell(self, column: str, value) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return self.missing
        pattern = self.formats.get(column)
        return pattern.format(value) if pattern else str(value)

    def to_html(self) -> str:
        headers = ([self.index_label] if self.index_label else []) + [str(c) for c in self.frame.columns]
        rows = []
        for index, row in self.frame.iterrows():
            head = f'<th scope="row">{html.escape(str(index))}</th>' if self.index_label else ""
            cells = "".join(
                f"<td{NUMERIC if c in self.formats else ''}>{html.escape(self._cell(c, row[c]))}</td>"
                for c in self.frame.columns
            )
            rows.append(f"<tr>{head}{cells}</tr>")
        return html_table("rtn-table", headers, rows)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        plain = self.frame.to_string()
        return {"text/html": self.to_html(), "text/plain": plain}


def table(
    frame: pd.DataFrame, formats: dict[str, str] | None = None, index_label: str | None = None, missing: str = "–"
) -> Table:
    """``frame`` as a formatted reader's table (see :class:`Table`)."""
    return Table(frame, formats, index_label, missing)


def _header(name) -> str:
    """A column's name as a reader's header: "closing_balance" becomes "Closing balance"."""
    text = str(name)
    if "_" in text or text.islower():
        text = text.replace("_", " ")
        text = text[:1].upper() + text[1:]
    return units.readable_dates(text)


def _number_format(values: pd.Series) -> str:
    """Thousands separators, and one decimal only where the column's figures are small or not whole."""
    finite = values.dropna()
    if finite.empty:
        return "{:,.0f}"
    whole = bool((finite.round(0) == finite).all())
    if whole or finite.abs().max() >= 100:
        return "{:,.0f}"
    return "{:,.2f}" if finite.abs().max() < 10 else "{:,.1f}"


class FrameTable(Table):
    """A frame as a reader reads it (:func:`frame`)."""

    def __init__(self, frame: pd.DataFrame, *, fold: int | None, fold_label: str, **kwargs):
        super().__init__(frame, **kwargs)
        self.fold = fold
        self.fold_label = fold_label

    def to_html(self) -> str:
        full = super().to_html()
        if self.fold is None or len(self.frame) <= self.fold:
            return full
        first = Table(self.frame.head(self.fold), self.formats, self.index_label, self.missing).to_html()
        label = html.escape(self.fold_label.format(count=len(self.frame)))
        return f'{first}<details class="rtn-more"><summary>{label}</summary>{full}</details>'


def frame(
    data: pd.DataFrame,
    *,
    index_label: str | None = None,
    formats: dict[str, str] | None = None,
    drop_zero_rows: bool = True,
    fold: int | None = None,
    fold_label: str = "Show all {count} rows",
) -> FrameTable:
    """``data`` as a reader's table, never as pandas draws it: headers in words ("Closing balance"), no row
    for the index's name, figures with thousands separators and no more decimals than they need, quarter
    codes and ISO dates written "Q1 2026" and "30 June 2025", rows whose figures are all zero left out, and,
    with ``fold``, only the first ``fold`` rows shown with the rest behind ``fold_label`` ("Show all quarters").

    A named index becomes the first column, headed ``index_label`` or its name in words; an unnamed
    default index is left out. ``formats`` overrides a column's format (``"{:.1%}"``).
    """
    shown = data.copy()
    numeric = [
        c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])
    ]
    if drop_zero_rows and numeric:
        zero = shown[numeric].fillna(0).eq(0).all(axis=1)
        shown = shown[~zero]
    has_index = not isinstance(shown.index, pd.RangeIndex) or shown.index.name is not None
    label = index_label or (_header(shown.index.name) if shown.index.name else ("" if has_index else None))
    shown.index = [units.readable_dates(v) for v in shown.index]
    for column in shown.columns:
        if column not in numeric:
            shown[column] = shown[column].map(
                lambda v: v if v is None or (isinstance(v, float) and pd.isna(v)) else units.readable_dates(v)
            )
    chosen = {c: (formats or {}).get(c) or _number_format(shown[c]) for c in numeric}
    shown.columns = [_header(c) for c in shown.columns]
    chosen = {_header(c): f for c, f in chosen.items()}
    return FrameTable(shown, fold=fold, fold_label=fold_label, formats=chosen, index_label=label if has_index else None)


class InputsTable:
    """The inputs a page ran with, labelled and formatted, each beside its default and where that comes from.

    It replaces the papermill parameters cell (hidden on the site): a reader sees "SOFR 4.37%", not
    ``sofr = None``.
    """

    def __init__(self, notebook: str, values: dict, ledger: Ledger | None = None):
        from .parameters import for_notebook

        self.ledger = ledger or data.cached_ledger()
        self.parameters = for_notebook(notebook)
        self.values = {name: values[name] for name in self.parameters if name in values}

    def rows(self) -> list[dict[str, str]]:
        rows = []
        for name, parameter in self.parameters.items():
            if name not in self.values:
                continue
            default = parameter.default_value(self.ledger)
            value = self.values[name]
            rows.append(
                {
                    "name": name,
                    "label": parameter.reader_label,
                    "value": parameter.format(value, units.SHORT),
                    "default": parameter.format(default, units.SHORT),
                    "changed": value != default,
                    "fact": parameter.fact or "",
                }
            )
        return rows

    def to_html(self) -> str:
        rows = []
        for row in self.rows():
            origin = (
                f'<a href="{fact_href(row["fact"])}">{html.escape(row["default"])}</a>, from the sources'
                if row["fact"]
                else f"{html.escape(row['default'])}, the book's assumption"
            )
            value = (
                f"<strong>{html.escape(row['value'])}</strong> (changed)"
                if row["changed"]
                else html.escape(row["value"])
            )
            rows.append(f'<tr><th scope="row">{html.escape(row["label"])}</th><td>{value}</td><td>{origin}</td></tr>')
        table = html_table("rtn-inputs", ["Assumption", "Value used", "Default"], rows)
        changed = sum(1 for row in self.rows() if row["changed"])
        note = f", {changed} changed from the default" if changed else ""
        # For readers: what the page assumed and where each default comes from. How to re-run the page
        # with other values is the developers' business (the command-line reference).
        return (
            f'<details class="rtn-inputs"><summary>Assumptions you can change ({len(rows)}{note})</summary>'
            f"{table}<p>Each default is the sources' figure or the book's own assumption; "
            '<a href="../book/cli.html">the developers\' pages</a> say how to re-run the page with others.</p></details>'
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        plain = "\n".join(f"{r['label']}: {r['value']}" for r in self.rows())
        return {"text/html": self.to_html(), "text/plain": plain}


def inputs(notebook: str, values: dict) -> InputsTable:
    """The table of the inputs ``notebook`` ran with (``values`` as :func:`parameters.resolve` returns them)."""
    return InputsTable(notebook, values)
