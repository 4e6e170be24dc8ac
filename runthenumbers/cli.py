"""The ``runthenumbers`` command: print the ledger (and, as the book grows, run scenarios)."""

from __future__ import annotations

import csv
import io
import json
import sys

import click

from .data import FACT_COLUMNS, LedgerError, load_ledger

FORMATS = click.Choice(["table", "json", "csv"])


def _table(rows: list[dict], columns: tuple[str, ...]) -> str:
    cells = [[str(row[c]) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def render(rows: list[dict], columns: tuple[str, ...], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    return _table(rows, columns)


@click.group()
def main() -> None:
    """Run the Numbers: the report's data and models from the command line."""


@main.command()
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help="Output format.")
def facts(fmt: str) -> None:
    """Print the fact ledger (data/facts.csv), validated."""
    try:
        ledger = load_ledger()
    except LedgerError as error:
        click.echo(f"The ledger has {len(error.problems)} problem(s):\n{error}", err=True)
        sys.exit(1)
    rows = [fact.model_dump() for fact in ledger.facts.values()]
    if fmt == "table":
        rows = [{**row, "value": f"{row['value']:,.10g}", "quote": row["quote"][:60], "note": row["note"][:40]} for row in rows]
    click.echo(render(rows, FACT_COLUMNS, fmt))
