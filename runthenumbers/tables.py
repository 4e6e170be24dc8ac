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
            f'<tr><td><a href="{fact_href(f.id)}"><code>{f.id}</code></a></td>'
            f"<td>{html.escape(units.fact_text(f))}</td><td>{html.escape(f.period)}</td>"
            f'<td><a href="{source_href(s.id)}">{html.escape(s.publisher)}</a> ({s.kind})</td>'
            f"<td>{html.escape(f.locator)}</td></tr>"
            for f, s in self.rows
        ]
        table = html_table("rtn-evidence", ["Fact", "Value", "Period", "Source", "Where"], rows)
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
        cards: bool = False,
    ):
        self.frame = frame
        self.formats = formats or {}
        self.index_label = index_label
        self.missing = missing
        # On a phone, a table of a few long rows reads better as cards, each cell headed by its column.
        self.cards = cards

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
        return html_table("rtn-table rtn-cards" if self.cards else "rtn-table", headers, rows)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        plain = self.frame.to_string()
        return {"text/html": self.to_html(), "text/plain": plain}


def table(
    frame: pd.DataFrame,
    formats: dict[str, str] | None = None,
    index_label: str | None = None,
    missing: str = "–",
    cards: bool = False,
) -> Table:
    """``frame`` as a formatted reader's table (see :class:`Table`); ``cards``: shown as cards on a phone."""
    return Table(frame, formats, index_label, missing, cards)


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
                f'ledger: <a href="{fact_href(row["fact"])}">{html.escape(row["default"])}</a>'
                if row["fact"]
                else f"the book's assumption, {html.escape(row['default'])}"
            )
            value = (
                f"<strong>{html.escape(row['value'])}</strong> (changed)"
                if row["changed"]
                else html.escape(row["value"])
            )
            rows.append(f'<tr><th scope="row">{html.escape(row["label"])}</th><td>{value}</td><td>{origin}</td></tr>')
        table = html_table("rtn-inputs", ["Input", "Value used", "Default"], rows)
        changed = sum(1 for row in self.rows() if row["changed"])
        note = f", {changed} changed from the default" if changed else ""
        return (
            f'<details class="rtn-inputs"><summary>The {units.plural(len(rows), "input")} of this page{note}</summary>'
            f"{table}<p>Re-run the page with other values: <code>runthenumbers run --set NAME=VALUE</code> "
            "(<code>runthenumbers params</code> lists the names).</p></details>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        plain = "\n".join(f"{r['label']}: {r['value']}" for r in self.rows())
        return {"text/html": self.to_html(), "text/plain": plain}


def inputs(notebook: str, values: dict) -> InputsTable:
    """The table of the inputs ``notebook`` ran with (``values`` as :func:`parameters.resolve` returns them)."""
    return InputsTable(notebook, values)
