"""The command line prints the ledger in three formats and refuses a broken one without a traceback."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from runthenumbers.cli import main
from runthenumbers.data import FACT_COLUMNS, load_ledger


def test_facts_as_json_lists_every_fact_with_the_ledger_columns():
    result = CliRunner().invoke(main, ["facts", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == list(load_ledger().facts)
    assert all(tuple(r) == FACT_COLUMNS for r in rows)
    assert isinstance(rows[0]["value"], float)


def test_facts_as_csv_round_trips():
    result = CliRunner().invoke(main, ["facts", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    ledger = load_ledger()
    assert {r["id"]: float(r["value"]) for r in rows} == {k: f.value for k, f in ledger.facts.items()}


def test_facts_as_table_has_a_header_and_a_row_per_fact():
    result = CliRunner().invoke(main, ["facts"])
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["id", "value", "unit"]
    assert len(lines) == 2 + len(load_ledger().facts)


def test_a_broken_ledger_gives_a_message_not_a_traceback(ledger_copy, monkeypatch):
    facts = ledger_copy / "facts.csv"
    text = facts.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(",USD,", ",dollars,", 1)
    facts.write_text("\n".join(text) + "\n", encoding="utf-8")
    monkeypatch.setattr("runthenumbers.data.DATA_DIR", ledger_copy)
    result = CliRunner().invoke(main, ["facts"])
    assert result.exit_code == 1
    assert "The ledger has 1 problem(s):\ndata/facts.csv:2: column 'unit': 'dollars' is not a known unit" in result.output
    assert "Traceback" not in result.output
