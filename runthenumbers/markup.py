"""The HTML table every page draws with: a header row, given rows, and on a phone cards whose cells name
their column. A leaf: it imports nothing from the project."""

from __future__ import annotations

import html
import re

_CELL = re.compile(r"<(td|th)(?=[ >])(?![^>]*colspan)")


def _label_cells(row: str, headers: list[str]) -> str:
    """Give each cell of ``row`` a ``data-label`` naming its column: a phone shows the table as cards,
    one row a card, and writes each cell's column before it. Cells spanning columns are left alone."""
    count = iter(range(len(headers) * 4))

    def label(match: re.Match) -> str:
        index = next(count)
        if index >= len(headers) or match.group(1) == "th":  # a row's heading names itself
            return match.group(0)
        return f'<{match.group(1)} data-label="{html.escape(headers[index])}"'

    return _CELL.sub(label, row)


# Tables a phone shows as cards whose cells carry their column's name (see runthenumbers.css); the
# chapters' evidence tables are cards too, labelled by the stylesheet to keep the pages light.
CARDS = ("rtn-claims", "rtn-facts", "rtn-sources", "rtn-manifest")


def html_table(css_class: str, headers: list[str], rows: list[str]) -> str:
    """A table with a header row of ``headers`` and the given ``<tr>`` rows (already HTML).

    In a table a phone shows as cards (:data:`CARDS`), each cell gets a ``data-label`` with its column's header.
    """
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = "".join(_label_cells(row, headers) if css_class in CARDS else row for row in rows)
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# A spreadsheet reads a cell that starts with one of these as a formula (=HYPERLINK(...) runs when the
# file is opened); OWASP's "CSV injection" advice is to start such a cell with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """``value`` as a CSV cell a spreadsheet shows as text: a string starting with ``= + - @``, a tab or a
    carriage return gets a leading ``'`` unless it is a plain number (``-0.5``), which stays a number."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def spreadsheet_safe_rows(rows: list[dict]) -> list[dict]:
    """Every cell of ``rows`` through :func:`spreadsheet_safe`."""
    return [{key: spreadsheet_safe(cell) for key, cell in row.items()} for row in rows]
