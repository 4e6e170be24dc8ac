"""The ledger loads, and each kind of bad row is refused with a message naming file, line and column."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from cli_cases import RUN, SWEEP, Case, check, drop_fact, edit_ledger, rewrite_ledger, table

from runthenumbers.data import FACT_COLUMNS, REPO_ROOT, UNITS, LedgerError, load_ledger


def _rewrite_facts(data_dir: Path, edit) -> str:
    """Apply ``edit`` to the first fact row of the copy; return that row's id."""
    path = data_dir / "facts.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    first_id = rows[0]["id"]
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FACT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return first_id


def _problems(data_dir: Path) -> list[str]:
    with pytest.raises(LedgerError) as caught:
        load_ledger(data_dir)
    return [str(p) for p in caught.value.problems]


def test_the_committed_ledger_is_valid():
    ledger = load_ledger()
    assert len(ledger.facts) >= 20
    assert {f.source for f in ledger.facts.values()} <= set(ledger.sources)
    assert any(s.kind == "article" for s in ledger.sources.values())


NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(thir|four|fif|six|seven|eigh|nine)teen"
    r"|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b",
    re.IGNORECASE,
)


def test_every_fact_of_a_primary_source_carries_its_figure_in_the_quote():
    ledger = load_ledger()
    for fact in ledger.facts.values():
        if ledger.sources[fact.source].kind in {"filing", "press-release"} and fact.unit != "date":
            assert NUMBER.search(fact.quote), fact.id


def test_every_quote_of_the_article_is_in_the_translation():
    seed = REPO_ROOT.parent / "shared" / "seed" / "coreweave-time-bomb.zh.txt"
    if not seed.exists():
        pytest.skip("../shared/seed is not beside this checkout")
    text = seed.read_text(encoding="utf-8")
    ledger = load_ledger()
    quotes = [f for f in ledger.facts.values() if ledger.sources[f.source].kind == "article"]
    assert quotes
    assert [f.id for f in quotes if f.quote not in text] == []


def test_duplicate_id(ledger_copy):
    first = _rewrite_facts(ledger_copy, lambda rows: rows.append(dict(rows[0])))
    rows = (ledger_copy / "facts.csv").read_text(encoding="utf-8").count("\n")
    assert _problems(ledger_copy) == [f"data/facts.csv:{rows}: column 'id': duplicate id '{first}' (first on line 2)"]


def test_unknown_source(ledger_copy):
    first = _rewrite_facts(ledger_copy, lambda rows: rows[0].update(source="no_such_source"))
    assert _problems(ledger_copy) == [
        f"data/facts.csv:2: column 'source': fact '{first}' cites unknown source 'no_such_source' (not in sources.csv)"
    ]


def test_unit_outside_the_vocabulary(ledger_copy):
    first = _rewrite_facts(ledger_copy, lambda rows: rows[0].update(unit="MWh"))
    assert _problems(ledger_copy) == [
        f"data/facts.csv:2: column 'unit': fact '{first}': 'MWh' is not a known unit (allowed: {', '.join(UNITS)})"
    ]


def test_a_fact_without_a_source_is_refused_naming_the_fact(ledger_copy):
    first = _rewrite_facts(ledger_copy, lambda rows: rows[0].update(source=""))
    assert _problems(ledger_copy) == [
        f"data/facts.csv:2: column 'source': fact '{first}' has no source; name the id of the document it was "
        "read in (a row of sources.csv)"
    ]


def test_non_numeric_value(ledger_copy):
    _rewrite_facts(ledger_copy, lambda rows: rows[0].update(value="$1.9B"))
    assert _problems(ledger_copy) == [
        "data/facts.csv:2: column 'value': '$1.9B': Input should be a valid number, unable to parse string as a number"
    ]


def test_missing_quote_for_a_filing(ledger_copy):
    ledger = load_ledger(ledger_copy)
    filing_row = next(i for i, f in enumerate(ledger.facts.values()) if ledger.sources[f.source].kind == "filing")
    _rewrite_facts(ledger_copy, lambda rows: rows[filing_row].update(quote=""))
    assert _problems(ledger_copy) == [
        f"data/facts.csv:{filing_row + 2}: column 'quote': quote is empty; every fact needs a short exact quote from its source"
    ]


def test_every_problem_is_reported_at_once(ledger_copy):
    def break_two(rows):
        rows[0].update(unit="MWh")
        rows[1].update(value="lots")

    _rewrite_facts(ledger_copy, break_two)
    problems = _problems(ledger_copy)
    assert [p.split(": column")[0] for p in problems] == ["data/facts.csv:2", "data/facts.csv:3"]


def test_every_fact_belongs_to_a_ledger_page():
    from runthenumbers.chapters import fact_page

    assert all(fact_page(fact_id).startswith("book/facts-") for fact_id in load_ledger().facts)


def _rewrite(path: Path, edit) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_source_without_a_date_needs_a_note_saying_why(ledger_copy):
    ledger = load_ledger(ledger_copy)
    index, source = next((i, s) for i, s in enumerate(ledger.sources.values()) if s.kind == "news" and s.date)
    _rewrite(ledger_copy / "sources.csv", lambda rows: rows[index].update(date=""))
    assert _problems(ledger_copy) == [
        f"data/sources.csv:{index + 2}: column 'date': '{source.id}' needs its date (yyyy, yyyy-mm or yyyy-mm-dd), "
        "or a date_note in source_notes.csv saying why it has none"
    ]


def test_a_source_without_a_reading_date_needs_a_note(ledger_copy):
    ledger = load_ledger(ledger_copy)
    index, source = next((i, s) for i, s in enumerate(ledger.sources.values()) if not s.accessed)
    _rewrite(
        ledger_copy / "source_notes.csv",
        lambda rows: [r.update(accessed_note="") for r in rows if r["id"] == source.id],
    )
    assert _problems(ledger_copy) == [
        f"data/sources.csv:{index + 2}: column 'accessed': '{source.id}' has no reading date and no accessed_note "
        "in source_notes.csv saying why"
    ]


def test_a_note_on_an_unknown_source_is_refused(ledger_copy):
    _rewrite(ledger_copy / "source_notes.csv", lambda rows: rows[0].update(id="no_such_source"))
    problems = _problems(ledger_copy)
    assert "data/source_notes.csv:2: column 'id': unknown source 'no_such_source' (not in sources.csv)" in problems


def test_the_audited_kinds_keep_machine_summaries_apart():
    """The sources the audits found machine-written are filed as ai-summary, and no id names a document twice.

    A document is its original address and the copy read: several transcripts share the company's investor
    relations site as their original (the transcript's own address was not found), each read in its own copy.
    """
    ledger = load_ledger()
    machine_written = {
        "csci_q4_2024_call_reportify",
        "cw_merger_8k_stocktitan",
        "csci_q3_2025_pr_summary",
        # Truth audit 2, 2026-12-02: a templated page, PortAI summaries on Longbridge, an AI-assisted newsletter.
        "bakshi_crwv_2026",
        "wallstreetcn_q1_2025",
        "longbridge_q3_2025_call",
        "wallstreetcn_ipo_pricing",
        "wallstreetcn_nvidia_osprey",
        "davefriedman_ddtl_2026",
    }
    assert machine_written <= {s.id for s in ledger.sources.values() if s.kind == "ai-summary"}
    documents = [(s.url, s.read_at) for s in ledger.sources.values()]
    assert sorted(d for d in set(documents) if documents.count(d) > 1) == []
    # A copy is named once: two ids read in the same copy would be one document.
    copies = [s.read_at for s in ledger.sources.values() if s.read_at]
    assert sorted(c for c in set(copies) if copies.count(c) > 1) == []


def test_source_kinds_are_one_ordered_list_with_two_declared_subsets():
    from runthenumbers import data

    # The primary kinds are the head of the one list, cut before the first secondary kind.
    assert data.PRIMARY_KINDS == ("filing", "press-release", "court-filing", "rating-action", "transcript")
    assert data.SOURCE_KINDS[: len(data.PRIMARY_KINDS)] == data.PRIMARY_KINDS
    # The companies' own documents are primary kinds, in the list's order, without a court's or an agency's.
    assert data.COMPANY_DOCUMENTS == tuple(k for k in data.PRIMARY_KINDS if k not in ("court-filing", "rating-action"))


def test_company_document_counts_leave_out_the_essay_and_count_only_its_three_kinds(ledger):
    from collections import Counter

    from runthenumbers.data import company_document_counts

    kinds = Counter(ledger.sources[f.source].kind for f in ledger.facts.values())
    from_companies, evidence = company_document_counts(ledger)
    assert evidence == sum(kinds.values()) - kinds["article"]
    assert from_companies == kinds["filing"] + kinds["press-release"] + kinds["transcript"]


# --- hostile ledgers, as command, exit code and message (tests/cli_cases.py) ----------------------------


def _missing_facts(tmp, monkeypatch):
    edit_ledger("facts.csv", "-", "id", "-")(tmp, monkeypatch)
    (tmp / "data" / "facts.csv").unlink()
    # Relative to the case's working folder, so the message is not cut however long the temporary path is.
    monkeypatch.setattr("runthenumbers.data.DATA_DIR", Path("..") / "data")


CASES = [
    # Values the CSV schema refuses: numbers that are not finite, tolerances and scales out of range.
    Case(
        "fact-nan",
        ["facts"],
        1,
        "data/facts.csv:",
        setup=edit_ledger("facts.csv", "article_revenue_fy2024", "value", "nan"),
    ),
    Case(
        "fact-nan-message",
        ["facts", "--format", "json"],
        1,
        "column 'value': 'nan': Input should be a finite number",
        setup=edit_ledger("facts.csv", "article_revenue_fy2024", "value", "nan"),
    ),
    Case(
        "fact-inf",
        ["facts"],
        1,
        "column 'value': 'inf': Input should be a finite number",
        setup=edit_ledger("facts.csv", "article_net_loss_fy2024", "value", "inf"),
    ),
    Case(
        "fact-share-nan-claims",
        ["claims"],
        1,
        "Input should be a finite number",
        setup=edit_ledger("facts.csv", "article_microsoft_share_fy2024", "value", "nan"),
    ),
    Case(
        "claim-tolerance-inf",
        ["claims"],
        1,
        "column 'tolerance': 'inf': Input should be a finite number",
        setup=edit_ledger("claims.csv", "K9", "tolerance", "inf"),
    ),
    Case(
        "claim-tolerance-huge",
        ["claims"],
        1,
        "column 'tolerance': '1e9': Input should be less than or equal to 1",
        setup=edit_ledger("claims.csv", "K9", "tolerance", "1e9"),
    ),
    Case(
        "claim-tolerance-negative",
        ["claims"],
        1,
        "column 'tolerance': '-0.1': Input should be greater than 0",
        setup=edit_ledger("claims.csv", "K9", "tolerance", "-0.1"),
    ),
    Case(
        "claim-tolerance-nan",
        ["claims"],
        1,
        "column 'tolerance': 'nan': Input should be a finite number",
        setup=edit_ledger("claims.csv", "K9", "tolerance", "nan"),
    ),
    Case(
        "claim-scale-zero",
        ["claims"],
        1,
        "column 'scale': '0': Input should be greater than 0",
        setup=edit_ledger("claims.csv", "K9", "scale", "0"),
    ),
    Case(
        "claim-scale-negative",
        ["claims"],
        1,
        "column 'scale': '-1000000000': Input should be greater than 0",
        setup=edit_ledger("claims.csv", "K9", "scale", "-1000000000"),
    ),
    Case(
        "claim-scale-inf",
        ["claims"],
        1,
        "column 'scale': 'inf': Input should be a finite number",
        setup=edit_ledger("claims.csv", "K9", "scale", "inf"),
    ),
    # Files that cannot be read: missing, not UTF-8, with a byte-order mark, a field over the csv limit.
    Case("ledger-missing", ["facts"], 2, "error: ../data/facts.csv: No such file or directory", setup=_missing_facts),
    Case(
        "ledger-not-utf8",
        ["facts"],
        1,
        "data/facts.csv:1: column 'file': is not UTF-8 text (byte b'\\xff' at offset 0)",
        setup=rewrite_ledger("facts.csv", lambda b: b"\xff\xfe" + b),
    ),
    Case(
        "ledger-not-utf8-later-line",
        ["facts"],
        1,
        "data/facts.csv:3: column 'file': is not UTF-8 text",
        setup=rewrite_ledger("facts.csv", lambda b: b.replace(b"\n", b"\n\xe9", 2).replace(b"\n\xe9", b"\n", 1)),
    ),
    Case(
        "ledger-bom",
        ["facts"],
        1,
        "data/facts.csv:1: column 'header': the file starts with a byte-order mark (U+FEFF)",
        setup=rewrite_ledger("facts.csv", lambda b: b"\xef\xbb\xbf" + b),
    ),
    Case(
        "ledger-field-too-long",
        ["facts"],
        1,
        "data/facts.csv:2: column 'row': cannot be read as CSV: field larger than field limit",
        setup=edit_ledger("facts.csv", "article_revenue_fy2024", "note", "x" * 200_000),
    ),
    Case(
        "claims-field-too-long",
        ["claims"],
        1,
        "column 'row': cannot be read as CSV: field larger than field limit",
        setup=edit_ledger("claims.csv", "C1", "explanation", "x" * 200_000),
    ),
    # A broken ledger, or one without a fact the code needs, stops the command that reads it.
    Case(
        "run-with-a-broken-ledger",
        [*RUN, "--out", "{tmp}/o"],
        1,
        "data/facts.csv:",
        setup=edit_ledger("facts.csv", "cw_nvda_shares_2026", "value", "2.5"),
        absent=["o"],
    ),
    Case(
        "ledger-lacks-a-model-fact-schedule",
        ["schedule"],
        2,
        "error: data/facts.csv has no fact 'debt_ddtl1_balance_2024q4', which `runthenumbers schedule` needs",
        setup=drop_fact("debt_ddtl1_balance_2024q4"),
    ),
    Case(
        "ledger-lacks-a-model-fact",
        [*SWEEP],
        2,
        "error: data/facts.csv has no fact 'debt_ddtl3_commitment', which `runthenumbers sweep` needs",
        setup=drop_fact("debt_ddtl3_commitment"),
    ),
]


@table(CASES)
def test_hostile_input_is_refused_with_a_message(case, tmp_path, monkeypatch):
    check(case, tmp_path, monkeypatch)


def test_a_copy_read_is_named_by_an_http_address(ledger_copy):
    ledger = load_ledger(ledger_copy)
    index, source = next((i, s) for i, s in enumerate(ledger.sources.values()) if s.kind == "filing")
    _rewrite(ledger_copy / "sources.csv", lambda rows: rows[index].update(read_at="a GitHub copy"))
    # The refused row's facts and note then cite an unknown source too; the sources file has the one problem.
    assert [p for p in _problems(ledger_copy) if p.startswith("data/sources.csv")] == [
        f"data/sources.csv:{index + 2}: column 'read_at': 'a GitHub copy' is not an http(s) address; name the copy "
        "that was read by its URL, or leave it empty"
    ]


def test_the_bibliography_links_the_original_and_names_the_copy_read():
    from runthenumbers.data import Source
    from runthenumbers.site.ledger_pages import source_title_cell

    fields = dict(id="q", title="Form 10-Q", publisher="SEC", date="2025-05-15", kind="filing")
    original = Source(**fields, url="https://www.sec.gov/10q.htm")
    assert source_title_cell(original) == (
        '<a href="https://www.sec.gov/10q.htm">Form 10-Q</a> <code class="rtn-id">q</code>'
    )
    copy = Source(**fields, url="https://www.sec.gov/10q.htm", read_at="https://github.com/o/r/blob/abc/10q.txt")
    assert source_title_cell(copy) == (
        '<a href="https://www.sec.gov/10q.htm">Form 10-Q</a> <code class="rtn-id">q</code><span class="rtn-read-at">'
        'read at: <a href="https://github.com/o/r/blob/abc/10q.txt">github.com</a></span>'
    )


def test_a_source_kind_outside_the_list_is_refused_by_name(ledger_copy):
    from runthenumbers.data import SOURCE_KINDS

    ledger = load_ledger(ledger_copy)
    index, source = next((i, s) for i, s in enumerate(ledger.sources.values()) if s.kind == "news")
    _rewrite(ledger_copy / "sources.csv", lambda rows: rows[index].update(kind="blog"))
    # The refused row's facts then cite an unknown source too; the sources file has the one problem.
    assert [p for p in _problems(ledger_copy) if p.startswith("data/sources.csv")] == [
        f"data/sources.csv:{index + 2}: column 'kind': source '{source.id}': kind 'blog' is not a source kind "
        f"(allowed: {', '.join(SOURCE_KINDS)})"
    ]


def _fact_index(data_dir: Path, fact_id: str) -> int:
    return [f.id for f in load_ledger(data_dir).facts.values()].index(fact_id)


def test_a_quote_missing_from_the_stored_copy_of_its_source_is_refused(ledger_copy):
    # cw_cash_2025q1 quotes the 10-Q, whose text is stored as data/copies/gh_cw_10q_2025q1.txt.
    index = _fact_index(ledger_copy, "cw_cash_2025q1")
    _rewrite_facts(ledger_copy, lambda rows: rows[index].update(quote="Cash and cash equivalents $ 1,276,465"))
    assert _problems(ledger_copy) == [
        f"data/facts.csv:{index + 2}: column 'quote': fact 'cw_cash_2025q1': quote 'Cash and cash equivalents "
        "$ 1,276,465' is not in copies/gh_cw_10q_2025q1.txt, the stored copy of its source (compared ignoring "
        "case, spacing, dashes and quote marks; '...' joins parts in order)"
    ]


def test_a_quote_is_found_across_spacing_case_quote_marks_and_elisions():
    from runthenumbers.data import normalised_text, quote_in_copy

    copy = normalised_text("Revenue\n$\n1,364,676\n\nNet loss  $ (110,124 )\nthe Company\u2019s \u201cbacklog\u201d")
    assert quote_in_copy("revenue $ 1,364,676", copy)
    assert quote_in_copy("Revenue $ 1,364,676 ... Net loss $ (110,124 )", copy)
    assert quote_in_copy('the Company\'s "backlog"', copy)
    # The parts of an elided quote must stand in the copy's order, and every figure must match.
    assert not quote_in_copy("Net loss $ (110,124 ) ... Revenue", copy)
    assert not quote_in_copy("Revenue $ 1,364,677", copy)


def test_a_stored_copy_of_an_unknown_source_is_refused(ledger_copy):
    (ledger_copy / "copies" / "no_such_source.txt").write_text("text", encoding="utf-8")
    assert _problems(ledger_copy) == [
        "copies/no_such_source.txt:1: column 'file': a stored copy of unknown source 'no_such_source' (not in sources.csv)"
    ]


def test_only_filings_and_company_releases_are_stored(ledger):
    stored = sorted(p.stem for p in (REPO_ROOT / "data" / "copies").glob("*.txt"))
    assert len(stored) >= 10
    assert {ledger.sources[s].kind for s in stored} <= {"filing", "press-release"}


def _twin(data_dir: Path, of: str, twin_id: str, **changes) -> int:
    """Append a copy of fact ``of`` under ``twin_id`` with ``changes``; return the new row's line."""

    def append(rows):
        rows.append({**next(r for r in rows if r["id"] == of), "id": twin_id, **changes})

    _rewrite_facts(data_dir, append)
    return (data_dir / "facts.csv").read_text(encoding="utf-8").count("\n")


def test_two_values_for_one_metric_and_period_are_refused(ledger_copy):
    # cw_cash_2025q1 is $1,276,456,000 at 2025-03-31; a twin of the same metric may not say $1.3B.
    first = _fact_index(ledger_copy, "cw_cash_2025q1") + 2
    line = _twin(ledger_copy, "cw_cash_2025q1", "cw_cash_rounded_2025q1", value="1300000000", metric="cw_cash_2025q1")
    assert _problems(ledger_copy) == [
        f"data/facts.csv:{line}: column 'value': fact 'cw_cash_rounded_2025q1' gives 1300000000 for metric "
        f"'cw_cash_2025q1' in 2025-03-31, but fact 'cw_cash_2025q1' (line {first}) gives 1276456000; one value per "
        "metric and period"
    ]


def test_twins_of_one_metric_agree_and_other_periods_may_differ(ledger_copy):
    _twin(ledger_copy, "cw_cash_2025q1", "cw_cash_twin_2025q1", metric="cw_cash_2025q1")
    _twin(ledger_copy, "cw_cash_2025q1", "cw_cash_later", period="2025-06-30", value="1", metric="cw_cash_2025q1")
    ledger = load_ledger(ledger_copy)
    assert ledger.value("cw_cash_twin_2025q1") == ledger.value("cw_cash_2025q1") == 1_276_456_000


def test_a_metric_has_one_unit(ledger_copy):
    first = _fact_index(ledger_copy, "cw_cash_2025q1") + 2
    line = _twin(ledger_copy, "cw_cash_2025q1", "cw_cash_eur_2025q1", unit="EUR", metric="cw_cash_2025q1")
    assert _problems(ledger_copy) == [
        f"data/facts.csv:{line}: column 'unit': fact 'cw_cash_eur_2025q1' is in EUR, but metric 'cw_cash_2025q1' "
        f"is in USD (fact 'cw_cash_2025q1', line {first}); a metric has one unit"
    ]


def test_a_metric_named_after_a_fact_is_that_facts_metric(ledger_copy):
    # after_revenue_2024q2 is a twin of the metric cw_revenue_2024q2: naming a metric after it splits the group.
    line = _twin(ledger_copy, "after_revenue_2024q2", "after_revenue_twin_2024q2", metric="after_revenue_2024q2")
    assert _problems(ledger_copy) == [
        f"data/facts.csv:{line}: column 'metric': fact 'after_revenue_twin_2024q2': metric 'after_revenue_2024q2' "
        "names fact 'after_revenue_2024q2', whose metric is 'cw_revenue_2024q2'; name the metric its facts share"
    ]


def test_every_declared_metric_groups_twins_of_one_unit(ledger):
    from collections import defaultdict

    groups = defaultdict(list)
    for fact in ledger.facts.values():
        if fact.metric:
            groups[fact.metric].append(fact)
    assert len(groups) >= 100
    for metric, members in groups.items():
        assert metric in ledger.facts and len(members) >= 2, metric
        assert len({f.unit for f in members}) == 1, metric
