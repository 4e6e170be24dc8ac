"""The command line prints the ledger in three formats and refuses a broken one without a traceback."""

from __future__ import annotations

import csv
import io
import json

import pytest
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


def test_facts_as_table_has_a_header_and_a_row_per_fact(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(main, ["facts"])
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["id", "value", "unit"]
    # Long cells wrap onto continuation lines, which start with blanks; each fact starts one line.
    assert sum(1 for line in lines[2:] if line[:1].strip()) == len(load_ledger().facts)


@pytest.mark.parametrize("command", [["claims"], ["params"]])
@pytest.mark.parametrize("width", [80, 140])
def test_tables_fit_the_terminal_and_wrap_instead_of_cutting(monkeypatch, command, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= width
    assert not any("…" in line for line in lines)  # rich's mark of a cut cell


def test_claims_table_prints_dates_at_their_precision_and_counts_as_numbers(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    output = CliRunner().invoke(main, ["claims"]).output
    rows = {line.split()[0]: line for line in output.splitlines()[2:] if line[:1].strip()}
    assert "January 2024" in rows["P1c"] and "20,240,101" not in output
    assert "2022" in rows["P1a"] and "1 January 2022" not in rows["P1a"]
    assert "second half of 2026" in rows["P3a"]
    assert "166,000 " in rows["P4"] and "166,000.0" not in rows["P4"]
    assert "-0.0%" not in output


def test_params_table_shows_labels_and_formatted_values(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    output = CliRunner().invoke(main, ["params"]).output
    row = next(line for line in output.splitlines() if line.startswith("csci_scheduled_delivery"))
    assert "31 December 2026" in row and "20261231" not in row
    sofr = next(line for line in output.splitlines() if line.startswith("sofr "))
    assert "SOFR" in sofr and "4.37%" in sofr


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("runthenumbers ")


def test_a_broken_ledger_gives_a_message_not_a_traceback(ledger_copy, monkeypatch):
    facts = ledger_copy / "facts.csv"
    text = facts.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(",USD,", ",dollars,", 1)
    facts.write_text("\n".join(text) + "\n", encoding="utf-8")
    monkeypatch.setattr("runthenumbers.data.DATA_DIR", ledger_copy)
    result = CliRunner().invoke(main, ["facts"])
    assert result.exit_code == 1
    assert (
        "The ledger has 1 problem(s):\ndata/facts.csv:2: column 'unit': 'dollars' is not a known unit" in result.output
    )
    assert "Traceback" not in result.output
