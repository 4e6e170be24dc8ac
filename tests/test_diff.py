"""`runthenumbers diff` reports exactly what a change does to published values, verdicts and the ledger.

Each test builds a throwaway git repository with tiny hand-made notebooks (glued outputs and a
provenance table, as publish.py writes them) and ledgers; nothing is executed.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from cli_cases import Case, check, table
from click.testing import CliRunner

from runthenumbers.claims import CLAIM_COLUMNS
from runthenumbers.cli import main
from runthenumbers.data import FACT_COLUMNS, REPO_ROOT, SOURCE_COLUMNS
from runthenumbers.runner.notebooks import GLUE_MIME, NOTEBOOK_DIR

SOURCE = {
    "id": "filing",
    "title": "Annual report",
    "publisher": "Example Co",
    "date": "2025-03-03",
    "url": "https://example.org/10-k",
    "kind": "filing",
}


def _fact(fact_id: str, value: float, unit: str = "USD") -> dict:
    return {
        "id": fact_id,
        "value": value,
        "unit": unit,
        "period": "FY2024",
        "source": "filing",
        "locator": "page 1",
        "quote": "a short quote",
        "note": "",
    }


FACTS = [_fact("article_service", 2e9), _fact("article_revenue", 1.9e9), _fact("cw_revenue", 1.915e9)]
CLAIMS = [
    # Checked against a value the debt notebook publishes, in USD billions.
    {
        "id": "D19",
        "argument": "debt",
        "claim": "Debt service tops $2B a year.",
        "article_fact": "article_service",
        "checked": "debt:service_bn",
        "scale": 1e9,
        "tolerance": 0.05,
        "verdict": "",
        "explanation": "Modelled.",
        "sources": "filing",
        "section": "",
    },
    # Checked against a ledger fact.
    {
        "id": "G1",
        "argument": "context",
        "claim": "Revenue was $1.9B.",
        "article_fact": "article_revenue",
        "checked": "fact:cw_revenue",
        "scale": "",
        "tolerance": 0.05,
        "verdict": "",
        "explanation": "Filed.",
        "sources": "filing",
        "section": "",
    },
    # A verdict typed in, with no figure to compare.
    {
        "id": "C6",
        "argument": "concentration",
        "claim": "Customers will leave.",
        "article_fact": "",
        "checked": "",
        "scale": "",
        "tolerance": "",
        "verdict": "opinion",
        "explanation": "A forecast.",
        "sources": "",
        "section": "",
    },
]


def _csv(columns, rows) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _notebook(values: dict[str, object], labels: dict[str, str]) -> str:
    """A notebook as `make execute` leaves one: a glued output per value, then the provenance table."""
    cell = nbformat.v4.new_code_cell("publish the numbers")
    for name, value in values.items():
        cell.outputs.append(
            nbformat.v4.new_output(
                "display_data",
                data={GLUE_MIME: repr(value)},
                metadata={"scrapbook": {"mime_prefix": "application/papermill.record/", "name": name}},
            )
        )
    rows = "".join(
        f'<tr id="num-{n}"><td><code>{n}</code></td><td>{v}</td><td>{labels.get(n, "")}</td><td></td></tr>'
        for n, v in values.items()
    )
    cell.outputs.append(
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/html": f'<details class="rtn-provenance"><table class="rtn-derivations">{rows}</table></details>'
            },
        )
    )
    return nbformat.writes(nbformat.v4.new_notebook(cells=[cell]))


LABELS = {
    "service_bn": "debt service of both loans in 2026, USD billions",
    "years": "term of the loan, years",
    "word": "the chapter's verdict",
}


def _write(repo: Path, *, facts=FACTS, claims=CLAIMS, debt=None, sources=(SOURCE,), extra=None) -> None:
    (repo / "data").mkdir(exist_ok=True)
    (repo / "notebooks").mkdir(exist_ok=True)
    (repo / "data" / "facts.csv").write_text(_csv(FACT_COLUMNS, facts), encoding="utf-8")
    (repo / "data" / "sources.csv").write_text(_csv(SOURCE_COLUMNS, sources), encoding="utf-8")
    (repo / "data" / "claims.csv").write_text(_csv(CLAIM_COLUMNS, claims), encoding="utf-8")
    debt = debt or {"service_bn": 2.08, "years": 5.0, "word": "holds"}
    (repo / "notebooks" / "debt.ipynb").write_text(_notebook(debt, LABELS), encoding="utf-8")
    for path, text in (extra or {}).items():
        (repo / path).write_text(text, encoding="utf-8")


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def _commit(repo: Path, message: str) -> str:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository on main whose second commit changes one fact and re-executes the debt notebook."""
    _git(tmp_path, "init", "-q", "-b", "main")
    _write(tmp_path)
    _commit(tmp_path, "first")
    facts = [*FACTS[:2], _fact("cw_revenue", 1.92e9)]
    _write(tmp_path, facts=facts, debt={"service_bn": 2.4, "years": 5.0, "word": "holds"})
    _commit(tmp_path, "second: revenue restated, debt notebook re-executed")
    return tmp_path


def _run(repo: Path, *args: str):
    return CliRunner().invoke(main, ["diff", "--repo", str(repo), *args])


def test_json_reports_exactly_the_changed_values_verdicts_and_facts(repo):
    result = _run(repo, "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["changed"] is True
    [value] = report["values"]
    assert {k: value[k] for k in ("page", "name", "label", "before", "after")} == {
        "page": "debt",
        "name": "service_bn",
        "label": LABELS["service_bn"],
        "before": 2.08,
        "after": 2.4,
    }
    assert value["change"] == pytest.approx(0.32)
    # D19's figure crossed its 5% tolerance; G1's moved within it; C6 did not move at all.
    claims = {c["id"]: c for c in report["claims"]}
    assert set(claims) == {"D19", "G1"}
    assert [c["id"] for c in report["claims"] if c["verdict_changed"]] == ["D19"]
    assert (claims["D19"]["verdict_before"], claims["D19"]["verdict_after"]) == ("supported", "roughly")
    assert claims["D19"]["checked_after"] == pytest.approx(2.4e9)
    assert claims["G1"]["verdict_before"] == claims["G1"]["verdict_after"] == "supported"
    assert report["ledgers"]["facts"] == {
        "added": [],
        "removed": [],
        "changed": [{"id": "cw_revenue", "changes": {"value": {"before": "1915000000.0", "after": "1920000000.0"}}}],
    }
    assert all(not any(report["ledgers"][kind].values()) for kind in ("sources", "claims"))
    assert report["unreadable"] == []


def test_markdown_gives_each_claim_in_a_line_a_reviewer_can_read(repo):
    result = _run(repo, "HEAD~1", "HEAD", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "- D19 (debt:service_bn): $2.08B -> $2.40B, verdict supported -> roughly" in result.output
    assert "- G1 (fact:cw_revenue): 1,915,000,000 -> 1,920,000,000, verdict unchanged (supported)" in result.output
    assert f"| debt | `service_bn` | {LABELS['service_bn']} | 2.08 | 2.4 | +0.32 |" in result.output
    assert "- Fact changed: `cw_revenue`: value '1915000000.0' -> '1920000000.0'" in result.output


def test_table_is_the_default_format(repo):
    result = _run(repo, "HEAD~1", "HEAD")
    assert result.exit_code == 0
    assert result.output.startswith("HEAD~1 (")
    assert "1 published value(s) changed; 1 verdict(s) changed; facts: 1 changed" in result.output
    assert "  D19 (debt:service_bn): $2.08B -> $2.40B, verdict supported -> roughly" in result.output


def test_no_change_is_said_in_one_line(repo):
    shown = f"HEAD ({_git(repo, 'rev-parse', 'HEAD')[:7]})"
    for fmt in ("table", "markdown"):
        result = _run(repo, "HEAD", "HEAD", "--format", fmt)
        assert result.exit_code == 0
        assert result.output.splitlines() == [
            f"No published value, verdict or ledger row changed between {shown} and {shown}."
        ]


def test_defaults_compare_the_merge_base_with_main_against_the_working_tree(repo):
    _git(repo, "checkout", "-q", "-b", "feature")
    _write(
        repo,
        facts=[*FACTS[:2], _fact("cw_revenue", 1.92e9)],
        debt={"service_bn": 2.4, "years": 6.0, "word": "fails"},
        sources=(SOURCE, {**SOURCE, "id": "news", "kind": "news", "date": ""}),
    )
    report = json.loads(_run(repo, "--format", "json").output)
    assert report["base"]["revision"] == "merge-base with main"
    assert report["head"] == {"revision": "working tree", "commit": None}
    assert [(v["name"], v["before"], v["after"], v["change"]) for v in report["values"]] == [
        ("years", 5.0, 6.0, 1.0),
        ("word", "holds", "fails", None),
    ]
    assert report["claims"] == []
    assert [row["id"] for row in report["ledgers"]["sources"]["added"]] == ["news"]


def test_added_and_removed_values_and_claims_are_reported(repo):
    _write(
        repo,
        claims=CLAIMS[1:],
        debt={"service_bn": 2.4, "years": 5.0, "word": "holds", "new_bn": 1.5},
        facts=[*FACTS[:2], _fact("cw_revenue", 1.92e9)],
    )
    report = json.loads(_run(repo, "HEAD", "--format", "json").output)
    assert [(v["name"], v["before"], v["after"]) for v in report["values"]] == [("new_bn", None, 1.5)]
    [claim] = report["claims"]
    assert (claim["id"], claim["verdict_before"], claim["verdict_after"], claim["verdict_changed"]) == (
        "D19",
        "roughly",
        None,
        True,
    )
    assert [row["id"] for row in report["ledgers"]["claims"]["removed"]] == ["D19"]


@pytest.mark.parametrize("revision", ["no-such-branch", "HEAD~7"])
def test_an_unknown_revision_is_one_line_naming_it(repo, revision):
    result = _run(repo, revision, "HEAD")
    assert result.exit_code == 2
    assert result.output == f"Error: unknown revision '{revision}'\n"


def test_a_revision_before_the_ledger_format_is_refused_by_name(repo):
    (repo / "data" / "claims.csv").unlink()
    old = _commit(repo, "a time before the claims ledger")
    result = _run(repo, old, "HEAD~1")
    assert result.exit_code == 2
    assert result.output == f"Error: revision '{old}' predates the ledger format: it has no data/claims.csv\n"


def test_a_ledger_with_other_columns_is_refused_by_name(repo):
    (repo / "data" / "facts.csv").write_text("id,value\nx,1\n", encoding="utf-8")
    result = _run(repo, "HEAD")
    assert result.exit_code == 2
    assert result.output.startswith(
        "Error: revision 'working tree' predates the ledger format: data/facts.csv has columns id, value;"
    )
    assert len(result.output.splitlines()) == 1


def test_an_unreadable_notebook_is_named_not_a_traceback(repo):
    (repo / "notebooks" / "debt.ipynb").write_text("{ not json", encoding="utf-8")
    (repo / "notebooks" / "capex.ipynb").write_text(_notebook({"years": 5.0}, LABELS), encoding="utf-8")
    result = _run(repo, "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [(u["file"], u["revision"]) for u in report["unreadable"]] == [("notebooks/debt.ipynb", "working tree")]
    # The unreadable page is not compared (it would look as if every value had gone); the new one is.
    assert [(v["page"], v["name"]) for v in report["values"]] == [("capex", "years")]
    markdown = _run(repo, "HEAD", "--format", "markdown").output
    assert "- `notebooks/debt.ipynb` at working tree:" in markdown
    assert "Traceback" not in markdown


def test_the_json_is_the_same_from_the_package_and_the_command(repo):
    from runthenumbers import diff

    assert diff.diff("HEAD~1", "HEAD", repo) == json.loads(_run(repo, "HEAD~1", "HEAD", "--format", "json").output)


# --- the committed ledgers made hostile, as command, exit code and message (tests/cli_cases.py) ---------


def _set_glued(notebook: Path, values: dict[str, str]) -> None:
    document = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in document["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name in values:
                output["data"][GLUE_MIME] = values[name]
    notebook.write_text(json.dumps(document), encoding="utf-8")


def _diff_repo(change, before=None):
    """A set-up: tmp/repo, a git repository holding the ledgers and the debt notebook, committed twice:
    once as they are (after ``before(repo)``, if given) and once after ``change(repo)``."""

    def setup(tmp: Path, monkeypatch) -> None:

        repo = tmp / "repo"
        (repo / "data").mkdir(parents=True)
        (repo / "notebooks").mkdir()
        for name in ("facts.csv", "sources.csv", "claims.csv"):
            shutil.copy(REPO_ROOT / "data" / name, repo / "data" / name)
        shutil.copy(NOTEBOOK_DIR / "debt.ipynb", repo / "notebooks" / "debt.ipynb")
        _git(repo, "init", "-q", "-b", "main")
        for step in (before, change):
            if step:
                step(repo)
            _git(repo, "add", "-A")
            _git(repo, "commit", "-q", "--allow-empty", "-m", "step")

    return setup


def _fact_value(fact_id: str, value: str):
    def change(repo: Path) -> None:
        path = repo / "data" / "facts.csv"
        lines = path.read_text(encoding="utf-8").split("\n")
        lines = [
            f"{fact_id},{value}," + line.split(",", 2)[2] if line.startswith(f"{fact_id},") else line for line in lines
        ]
        path.write_text("\n".join(lines), encoding="utf-8")

    return change


def _without_accessed(repo: Path) -> None:
    path = repo / "data" / "sources.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [row[:6] for row in csv.reader(handle)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _restore_sources(repo: Path) -> None:

    shutil.copy(REPO_ROOT / "data" / "sources.csv", repo / "data" / "sources.csv")


CASES = [
    # diff reads older ledgers, and refuses non-finite values instead of publishing them.
    Case(
        "diff-older-sources-without-accessed",
        ["diff", "--repo", "{tmp}/repo", "HEAD~1", "HEAD"],
        0,
        "accessed '' -> '",
        setup=_diff_repo(_restore_sources, before=_without_accessed),
    ),
    *[
        Case(
            f"diff-nan-fact-{fmt}",
            ["diff", "--repo", "{tmp}/repo", "HEAD~1", "HEAD", "--format", fmt],
            2,
            "Error: revision 'HEAD': data/facts.csv gives fact 'article_microsoft_share_fy2024' the value 'nan', "
            "which is not a finite number",
            setup=_diff_repo(_fact_value("article_microsoft_share_fy2024", "nan")),
        )
        for fmt in ("table", "json", "markdown")
    ],
    Case(
        "diff-inf-fact",
        ["diff", "--repo", "{tmp}/repo", "HEAD~1", "HEAD"],
        2,
        "gives fact 'article_revenue_fy2024' the value '1e400'",
        setup=_diff_repo(_fact_value("article_revenue_fy2024", "1e400")),
    ),
    *[
        Case(
            f"diff-inf-glued-{fmt}",
            ["diff", "--repo", "{tmp}/repo", "HEAD~1", "HEAD", "--format", fmt],
            2,
            "Error: revision 'HEAD': notebooks/debt.ipynb publishes total_principal_bn = inf, which is not a finite number",
            setup=_diff_repo(
                lambda repo: _set_glued(
                    repo / "notebooks" / "debt.ipynb", {"total_principal_bn": "1e999", "ddtl1_rate": "-1e999"}
                )
            ),
        )
        for fmt in ("table", "json", "markdown")
    ],
    Case(
        "diff-field-too-long",
        ["diff", "--repo", "{tmp}/repo", "HEAD~1", "HEAD"],
        2,
        "Error: revision 'HEAD': data/facts.csv:2 cannot be read as CSV: field larger than field limit",
        setup=_diff_repo(_fact_value("article_revenue_fy2024", "1" + "0" * 200_000)),
    ),
]


@table(CASES)
def test_hostile_input_is_refused_with_a_message(case, tmp_path, monkeypatch):
    check(case, tmp_path, monkeypatch)


def test_a_revision_without_read_at_or_metric_is_read_and_a_copy_added_since_is_one_change(repo):
    """The read_at (sources) and metric (facts) columns came later: a revision without them reads them as
    empty, so adding the columns changes nothing, and naming the copy read is one edit of one source."""
    old_sources = [c for c in SOURCE_COLUMNS if c != "read_at"]
    old_facts = [c for c in FACT_COLUMNS if c != "metric"]
    (repo / "data" / "sources.csv").write_text(_csv(old_sources, [SOURCE]), encoding="utf-8")
    (repo / "data" / "facts.csv").write_text(_csv(old_facts, FACTS), encoding="utf-8")
    old = _commit(repo, "the ledger before read_at and metric")
    _write(repo, sources=({**SOURCE, "read_at": "https://mirror.example.net/10-k.txt"},))
    report = json.loads(_run(repo, old, "--format", "json").output)
    assert report["ledgers"]["facts"] == {"added": [], "removed": [], "changed": []}
    assert report["ledgers"]["sources"] == {
        "added": [],
        "removed": [],
        "changed": [
            {"id": "filing", "changes": {"read_at": {"before": "", "after": "https://mirror.example.net/10-k.txt"}}}
        ],
    }
