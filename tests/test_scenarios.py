"""The scenario runner: validated inputs, papermill runs that reproduce the baseline, and a clean repository."""

from __future__ import annotations

import json
import re
import subprocess
import textwrap

import nbformat
import pytest
from click.testing import CliRunner

from runthenumbers.cli import main
from runthenumbers.data import REPO_ROOT
from runthenumbers.parameters import REGISTRY
from runthenumbers.runner import scenarios
from runthenumbers.runner.notebooks import NOTEBOOK_DIR, paired_notebooks
from runthenumbers.units import SHORT, formatted, money, quantity
from runthenumbers.values import provenance_of


def _run(*args):
    return CliRunner().invoke(main, ["run", *args])


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain"], cwd=REPO_ROOT, capture_output=True, text=True).stdout


def test_params_json_lists_every_registered_parameter_with_its_resolved_default():
    result = CliRunner().invoke(main, ["params", "--format", "json"])
    assert result.exit_code == 0
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert set(rows) == set(REGISTRY)
    share = rows["microsoft_share_2024"]
    assert share["default"] == 0.62 and share["min"] == 0.0 and share["max"] == 1.0
    assert share["unit"] == "fraction" and share["notebooks"] == ["concentration"] and share["type"] == "float"
    # A date as a person types it, and any calendar day allowed (the contract term is a rule between inputs).
    delivery = rows["csci_scheduled_delivery"]
    assert (delivery["default"], delivery["type"], delivery["min"], delivery["max"]) == (
        "2026-12-31",
        "date",
        None,
        None,
    )


def test_params_table_has_the_columns():
    result = CliRunner().invoke(main, ["params"])
    assert result.output.splitlines()[0].split() == ["name", "default", "range", "description"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--set", "microsoft_shar=0.5"],
            "error: unknown parameter 'microsoft_shar'; did you mean 'microsoft_share_2024'?",
        ),
        (
            ["--set", "microsoft_share_2024=abc"],
            "error: microsoft_share_2024 = 'abc' is not a number; allowed: float from 0 to 1 (fraction)",
        ),
        (
            ["--set", "microsoft_share_2024=__import__('os')"],
            "error: microsoft_share_2024 = \"__import__('os')\" is not a number",
        ),
        (
            ["--set", "microsoft_share_2024=1.5"],
            "error: microsoft_share_2024 = 1.5 is outside the allowed range 0 to 1 (fraction)",
        ),
        (
            ["--set", "microsoft_share_2024=0.8", "--set", "top_two_share_2024=0.7"],
            "error: microsoft_share_2024 = 0.8 is above top_two_share_2024 = 0.7",
        ),
        (["--set", "microsoft_share_2024"], "error: --set 'microsoft_share_2024' is not NAME=VALUE"),
        (
            ["--notebooks", "nope"],
            f"error: unknown notebook 'nope'; available: {', '.join(p.stem for p in paired_notebooks())}",
        ),
    ],
)
def test_bad_input_is_refused_before_anything_runs(tmp_path, args, message):
    out = tmp_path / "run"
    result = _run(*args, "--out", str(out))
    assert result.exit_code == 2
    assert result.output.startswith(message) or message in result.output
    assert not out.exists()


def test_set_and_a_params_file_take_values_as_a_person_types_them(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("sofr: 5%\ncsci_scheduled_delivery: 2027-06-30\nddtl2_margin: '6.25%'\n", encoding="utf-8")
    given = scenarios.collect_values(["csci_share_late=40%", "stress_top_two_revenue_lost=0.8"], params)
    assert given == {
        "sofr": 0.05,
        "csci_scheduled_delivery": 20270630,
        "ddtl2_margin": 0.0625,
        "csci_share_late": 0.4,
        "stress_top_two_revenue_lost": 0.8,
    }
    assert scenarios.collect_values(["csci_scheduled_delivery=2027-06-30"], None) == {
        "csci_scheduled_delivery": 20270630
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "sofr=50%"], "error: sofr = 50% is outside the allowed range 0% to 20%\n"),
        (
            ["--set", "csci_scheduled_delivery=2027-02-30"],
            "error: csci_scheduled_delivery = 2027-02-30 is not a calendar date; "
            "allowed: a date such as 2026-12-31 (or 20261231)\n",
        ),
        (
            ["--set", "csci_scheduled_delivery=30/06/2027"],
            "error: csci_scheduled_delivery = '30/06/2027' is not a date; allowed: a date such as 2026-12-31 (or 20261231)\n",
        ),
        (
            ["--set", "csci_scheduled_delivery=2040-01-01"],
            "error: csci_scheduled_delivery = 2040-01-01 is outside the contract term: more than 12 years after the "
            "first contract was signed on 2024-06-03; allowed: csci_scheduled_delivery from 2024-06-03 to 2036-06-03\n",
        ),
    ],
)
def test_a_typed_value_is_refused_as_it_was_typed(tmp_path, args, message):
    result = _run(*args, "--no-site", "--out", str(tmp_path / "run"))
    assert (result.exit_code, result.output) == (2, message)


def test_a_params_file_is_read_as_data(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("stress_top_two_revenue_lost: yes\n", encoding="utf-8")
    result = _run("--params", str(params), "--out", str(tmp_path / "run"))
    assert result.exit_code == 2
    assert "stress_top_two_revenue_lost = 'yes' is not a number" in result.output  # YAML 1.2: yes is a word


@pytest.mark.parametrize("inside", ["notebooks", "data", "_build"])
def test_it_never_writes_into_the_repository(inside):
    result = _run("--out", str(REPO_ROOT / inside / "scenario"))
    assert result.exit_code == 2
    assert f"is inside the repository's {inside}/" in result.output


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_non_empty_folder_that_is_not_a_run_is_never_replaced(tmp_path, force):
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    result = _run("--out", str(tmp_path), *force)
    assert result.exit_code == 2
    assert (
        "exists and is not a previous run (it has no results.json); refusing to replace it, even with --force"
        in result.output
    )
    assert (tmp_path / "keep.txt").exists()


@pytest.mark.slow
def test_baseline_run_reproduces_the_committed_values_exactly(tmp_path):
    before = _git_status()
    result = _run("--no-site", "--out", str(tmp_path / "base"))
    assert result.exit_code == 0, result.output
    results = json.loads((tmp_path / "base" / "results.json").read_text(encoding="utf-8"))
    assert results["values"] == scenarios.baseline_values(results["values"])
    assert results["parameters"]["microsoft_share_2024"] == 0.62
    assert (tmp_path / "base" / "notebooks" / "concentration.ipynb").exists()
    assert _git_status() == before


GLUED = re.compile(r'<a class="rtn-num[^"]*" href="#num-(\w+)"><span class="pasted-text">(.*?)</span></a>')
GLUE_ROLE = re.compile(r"\{glue:text\}`(\w+)(?::([^`]*))?`")


def _glue_formats(notebook: str) -> dict[str, set[str]]:
    text = (NOTEBOOK_DIR / f"{notebook}.md").read_text(encoding="utf-8")
    formats: dict[str, set[str]] = {}
    for name, fmt in GLUE_ROLE.findall(text):
        formats.setdefault(name, set()).add(fmt or "")
    return formats


@pytest.mark.slow
def test_a_scenario_site_agrees_with_itself(tmp_path):
    """A higher SOFR re-runs the chapters that read it and the summary pages; every page of the run's
    site, the claims and the home page included, shows the run's values and none of the baseline's."""
    out = tmp_path / "sofr"
    result = _run("--set", "sofr=0.08", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "eavesdropping" not in result.output
    values = json.loads((out / "results.json").read_text(encoding="utf-8"))["values"]
    assert set(values) == {"credit", "debt", "after", "summary"}  # the chapters that read SOFR, then the summaries
    baseline = scenarios.baseline_values(values, NOTEBOOK_DIR)
    changed = {(n, k) for n, v in values.items() for k in v if v[k] != baseline[n].get(k)}
    assert ("summary", "all_service_2026_bn") in changed and ("credit", "service_2026_bn") in changed
    site = out / "site"
    for notebook, published in values.items():
        page = (site / "notebooks" / f"{notebook}.html").read_text(encoding="utf-8")
        assert "Scenario run: SOFR = 8% (baseline 4.37%)" in page
        assert "sofr = 0.08" not in page  # papermill's injected cell is hidden
        formats = _glue_formats(notebook)
        # A value glued with its unit is written by it (units.formatted); the others by the role's Python spec.
        glued_units = {
            k: v.get("unit")
            for k, v in provenance_of(nbformat.read(out / "notebooks" / f"{notebook}.ipynb", 4)).items()
        }
        shown = GLUED.findall(page)
        assert shown, notebook
        for name, text in shown:
            unit = glued_units.get(name)
            written = {
                formatted(published[name], unit, f) if unit else format(published[name], f)
                for f in formats.get(name, {""})
            }
            assert text in written, (notebook, name, text)
    # The home page and the claims page are built from the run's notebooks too.
    home = (site / "book" / "intro.html").read_text(encoding="utf-8")
    service = money(values["credit"]["service_2026_bn"] * 1e9)
    shown = re.search(r'href="\.\./notebooks/credit\.html#num-service_2026_bn" title="[^"]*">([^<]*)</a>', home)
    assert shown and shown[1] == service
    assert money(baseline["credit"]["service_2026_bn"] * 1e9) not in home
    claims = (site / "book" / "claims.html").read_text(encoding="utf-8")
    run_claims = [row for row in _claims_checked_by(values) if (row[0], row[1]) in changed]
    assert run_claims, "no claim reads a changed value"
    for notebook, name, claim_id in run_claims:
        row = claims[claims.index(f'id="claim-{claim_id}"') :]
        row = row[: row.index("</tr>")]
        assert quantity(values[notebook][name] * _scale(claim_id), _unit(claim_id), style=SHORT) in row, claim_id
        assert quantity(baseline[notebook][name] * _scale(claim_id), _unit(claim_id), style=SHORT) not in row, claim_id


def _claims_rows():
    import csv

    with (REPO_ROOT / "data" / "claims.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _claims_checked_by(values):
    for row in _claims_rows():
        notebook, _, name = row["checked"].partition(":")
        if notebook in values and name:
            yield notebook, name, row["id"]


def _scale(claim_id):
    row = next(r for r in _claims_rows() if r["id"] == claim_id)
    return float(row["scale"] or 1)


def _unit(claim_id):
    from runthenumbers.data import load_ledger

    row = next(r for r in _claims_rows() if r["id"] == claim_id)
    return load_ledger().fact(row["article_fact"]).unit


@pytest.mark.slow
def test_a_notebook_that_fails_names_itself_and_leaves_no_results(tmp_path, monkeypatch):
    folder = tmp_path / "nbs"
    folder.mkdir()
    (folder / "failing.md").write_text(
        textwrap.dedent(
            """\
            ---
            jupytext:
              text_representation:
                format_name: myst
            kernelspec:
              display_name: Python 3
              language: python
              name: python3
            ---

            ```{code-cell} ipython3
            x = 1
            ```

            ```{code-cell} ipython3
            raise ValueError("the model broke")
            ```
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(scenarios, "NOTEBOOK_DIR", folder)
    out = tmp_path / "out"
    with pytest.raises(
        scenarios.ScenarioError, match=r"notebook 'failing' failed in cell 2: ValueError: the model broke"
    ):
        scenarios.run(scenarios.Scenario(given={}, notebooks=("failing",)), out, site=False)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["nbs"]
