"""The scenario runner: validated inputs, papermill runs that reproduce the baseline, and a clean repository."""

from __future__ import annotations

import json
import subprocess
import textwrap

import pytest
from click.testing import CliRunner

from runthenumbers import scenarios
from runthenumbers.cli import main
from runthenumbers.data import REPO_ROOT
from runthenumbers.notebooks import SUMMARIES, paired_notebooks
from runthenumbers.parameters import REGISTRY


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


def test_params_table_has_the_columns():
    result = CliRunner().invoke(main, ["params"])
    assert result.output.splitlines()[0].split() == ["name", "default", "range", "description"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "microsoft_shar=0.5"], "error: unknown parameter 'microsoft_shar'; did you mean 'microsoft_share_2024'?"),
        (["--set", "microsoft_share_2024=abc"], "error: microsoft_share_2024 = 'abc' is not a number; allowed: float from 0 to 1 (fraction)"),
        (["--set", "microsoft_share_2024=__import__('os')"], "error: microsoft_share_2024 = \"__import__('os')\" is not a number"),
        (["--set", "microsoft_share_2024=1.5"], "error: microsoft_share_2024 = 1.5 is outside the allowed range 0 to 1 (fraction)"),
        (["--set", "microsoft_share_2024=0.8", "--set", "top_two_share_2024=0.7"], "error: microsoft_share_2024 = 0.8 is above top_two_share_2024 = 0.7"),
        (["--set", "microsoft_share_2024"], "error: --set 'microsoft_share_2024' is not NAME=VALUE"),
        (["--notebooks", "nope"], f"error: unknown notebook 'nope'; available: {', '.join(p.stem for p in paired_notebooks() if p.stem not in SUMMARIES)}"),
    ],
)
def test_bad_input_is_refused_before_anything_runs(tmp_path, args, message):
    out = tmp_path / "run"
    result = _run(*args, "--out", str(out))
    assert result.exit_code == 2
    assert result.output.startswith(message) or message in result.output
    assert not out.exists()


def test_a_params_file_is_read_as_data(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("stress_top_two_revenue_lost: yes\n", encoding="utf-8")
    result = _run("--params", str(params), "--out", str(tmp_path / "run"))
    assert result.exit_code == 2
    assert "stress_top_two_revenue_lost = True is not a number" in result.output


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
    assert "exists and is not a previous run (it has no results.json); refusing to replace it, even with --force" in result.output
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


@pytest.mark.slow
def test_a_harsher_stress_lowers_revenue_and_the_site_names_the_change(tmp_path):
    out = tmp_path / "stress"
    result = _run("--set", "stress_top_two_revenue_lost=0.9", "--out", str(out))
    assert result.exit_code == 0, result.output
    values = json.loads((out / "results.json").read_text(encoding="utf-8"))["values"]["concentration"]
    baseline = scenarios.baseline_values(["concentration"])["concentration"]
    assert values["stressed_revenue_m"] < baseline["stressed_revenue_m"]
    assert values["revenue_2024_m"] == baseline["revenue_2024_m"]
    comparison = (out / "comparison.csv").read_text(encoding="utf-8")
    assert "concentration,stressed_revenue_m," in comparison
    page = (out / "site" / "notebooks" / "concentration.html").read_text(encoding="utf-8")
    assert "Scenario run: stress_top_two_revenue_lost = 0.9 (baseline 0.5)" in page


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
    with pytest.raises(scenarios.ScenarioError, match=r"notebook 'failing' failed in cell 2: ValueError: the model broke"):
        scenarios.run(scenarios.Scenario(given={}, notebooks=("failing",)), out, site=False)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["nbs"]
