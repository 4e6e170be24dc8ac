"""The command line prints the ledger in three formats and refuses a broken one without a traceback."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from runthenumbers.cli import main
from runthenumbers.data import FACT_COLUMNS, load_ledger
from runthenumbers.units import fact_text


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


def _blocks(output: str) -> list[dict[str, str]]:
    """The records of a table printed one block per record: the first line names it, then ``field  value``
    lines whose value may go on over indented lines; a blank line between records."""
    records = []
    for block in output.strip("\n").split("\n\n"):
        lines = block.split("\n")
        record, field = {"": lines[0]}, ""
        for line in lines[1:]:
            name, _, value = line.strip().partition("  ")
            if line[2:3] != " ":  # a new field, indented by two; a continuation is indented further
                field = name
                record[field] = value.strip()
            else:
                record[field] += " " + line.strip()
        records.append(record)
    return records


@pytest.mark.parametrize("width", [80, 120])
def test_facts_print_one_readable_block_per_fact_within_the_width(monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = CliRunner().invoke(main, ["facts"])
    assert result.exit_code == 0, result.output
    assert max(cell_len(line) for line in result.output.splitlines()) <= width  # a CJK character is two cells
    records = _blocks(result.output)
    ledger = load_ledger()
    assert [r[""] for r in records] == list(ledger.facts)
    longest = ledger.fact("capex_operating_cash_flow_fy2024_agg")  # the longest note, wrapped over several lines
    record = next(r for r in records if r[""] == longest.id)
    assert record["note"] == " ".join(longest.note.split()) and record["source"] == longest.source
    assert record["value"] == fact_text(longest) and record["unit"] == longest.unit
    article = next(r for r in records if r[""] == "article_revenue_fy2024")
    assert article["value"] == "$1.90B" and article["period"] == "FY2024"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--id", "debt_ddtl1_b*"],
            ["debt_ddtl1_balance_2024q4", "debt_ddtl1_balance_2025q1", "debt_ddtl1_balance_2025q2"],
        ),
        (
            ["--id", "ddtl1_balance_2025"],
            ["after_ddtl1_balance_2025q2", "debt_ddtl1_balance_2025q1", "debt_ddtl1_balance_2025q2"],
        ),
        (
            ["--id", "ddtl1_balance", "--source", "cw_s4_2025_r41"],
            ["after_ddtl1_balance_2025q2", "debt_ddtl1_balance_2024q4", "debt_ddtl1_balance_2025q2"],
        ),
    ],
)
def test_facts_are_filtered_by_id_and_source(options, expected):
    result = CliRunner().invoke(main, ["facts", *options, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(r["id"] for r in json.loads(result.output)) == expected


def test_facts_of_one_page_are_those_its_chapter_lists():
    result = CliRunner().invoke(main, ["facts", "--page", "credit", "--format", "csv"])
    ids = [r["id"] for r in csv.DictReader(io.StringIO(result.output))]
    assert len(ids) == 17 and all(i.startswith("rating_") for i in ids)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--source", "nosuch"], "error: --source 'nosuch' is not a source of data/sources.csv"),
        (["--quality", "--page", "debt"], "error: --quality reports every page; it takes no --page, --id or --source"),
        (["--page", "nosuch"], "Invalid value for '--page': 'nosuch' is not one of"),
    ],
)
def test_a_filter_that_cannot_apply_is_refused(options, message):
    result = CliRunner().invoke(main, ["facts", *options])
    assert result.exit_code == 2 and message in result.output


def test_a_filter_that_matches_nothing_says_so():
    assert CliRunner().invoke(main, ["facts", "--id", "no_such_fact"]).output == "No fact matches.\n"


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("period", ["quarter", "year"])
def test_the_schedule_prints_a_block_per_facility_in_usd_millions(monkeypatch, width, period):
    monkeypatch.setenv("COLUMNS", str(width))
    result = CliRunner().invoke(main, ["schedule", "--by", period])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(cell_len(line) for line in lines) <= min(width, 80)
    headings = [line for line in lines if line.endswith(", USD millions")]
    facilities = {
        r["facility"]
        for r in csv.DictReader(io.StringIO(CliRunner().invoke(main, ["schedule", "--format", "csv"]).output))
    }
    assert len(headings) == len(facilities) == 12 and {h.removesuffix(", USD millions") for h in headings} == facilities
    ddtl1 = lines[lines.index("DDTL 1.0, USD millions") :]
    # From the latest stack: $1,552.5M at 2025-12-31 (the filed $1,782.5M at mid-2025 less two quarters at
    # the filed $115M pace), SOFR + 9.62% (13.99% a year), $115M of principal a quarter.
    first = {
        "quarter": "2026-Q1   1,552.5       0       52.3      0         115   1,437.5",
        "year": "2026   1,552.5       0        185      0         460   1,092.5",
    }
    assert ddtl1[3].split() == first[period].split()
    assert not any(set(line.split()[1:]) == {"0"} for line in lines if line[:2] == "20")  # repaid periods left out


@pytest.mark.parametrize("command", [["claims"], ["params"], ["facts", "--page", "article"], ["schedule"]])
@pytest.mark.parametrize("width", [80, 140])
def test_tables_fit_the_terminal_and_wrap_instead_of_cutting(monkeypatch, command, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(cell_len(line) for line in lines) <= width
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


@pytest.mark.slow
@pytest.mark.parametrize("command", [["facts"], ["sweep", "--samples", "1000"]])
def test_output_into_a_closed_pipe_ends_quietly(command):
    """`runthenumbers facts | head`: once the reader is gone, no message and the status of SIGPIPE (141)."""
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "runthenumbers"), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    process.stdout.close()  # the reader is gone before the first line is written
    assert process.wait(60) == 141
    assert process.stderr.read() == b""
