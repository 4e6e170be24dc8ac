"""The CI workflow: valid by actionlint, the same `make test` as .ci/run, artifacts kept on failure too."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from runthenumbers.data import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "ci.yml"
ACTIONLINT = Path(sys.executable).parent / "actionlint"


def _actionlint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ACTIONLINT), "-no-color", "-shellcheck=", "-pyflakes=", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )


def _workflow() -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); take it back by name.
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    document["on"] = document.pop(True)
    return document


def _steps(job: str) -> list[dict]:
    return _workflow()["jobs"][job]["steps"]


def test_actionlint_passes_on_the_workflow():
    result = _actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_would_catch_a_mistake(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "ci.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        WORKFLOW.read_text(encoding="utf-8").replace("github.event_name", "github.event_nam", 1), encoding="utf-8"
    )
    result = _actionlint(broken)
    assert result.returncode != 0
    assert "event_nam" in result.stdout


def test_workflow_and_ci_run_call_the_same_make_target():
    runs = [step.get("run", "") for step in _steps("test")]
    assert "make test" in runs
    assert re.search(r"^make test$", (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.MULTILINE)
    assert set(_workflow()["on"]) >= {"push", "pull_request"}


def test_workflow_sets_up_python_311_with_a_pip_cache_and_debian_chromium():
    job = _workflow()["jobs"]["test"]
    assert job["container"]["image"].startswith("python:3.11-")  # Debian with Python 3.11
    cache = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/cache@"))
    assert "requirements.txt" in cache["with"]["key"] and cache["with"]["path"] == job["env"]["PIP_CACHE_DIR"]
    assert any("apt-get install" in step.get("run", "") and "chromium" in step["run"] for step in job["steps"])


def test_artifacts_are_kept_on_failure_too():
    uploads = {
        step["with"]["path"]: step.get("if", "")
        for step in _steps("test")
        if step.get("uses", "").startswith("actions/upload-artifact@")
    }
    assert set(uploads) == {"_build/html", "reports/junit.xml", "reports/notebook-diffs"}
    assert all("failure()" in condition for condition in uploads.values())
    test_step = next(step for step in _steps("test") if step.get("run") == "make test")
    assert "--junitxml=reports/junit.xml" in test_step["env"]["PYTEST_ADDOPTS"]


def test_pull_requests_get_the_diff_in_the_job_summary():
    step = next(step for step in _steps("test") if "runthenumbers diff" in step.get("run", ""))
    assert step["if"] == "github.event_name == 'pull_request'"
    assert '--format markdown >> "$GITHUB_STEP_SUMMARY"' in step["run"]


def test_pages_are_deployed_from_main_only():
    workflow = _workflow()
    pages = next(step for step in _steps("test") if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert pages["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    on_main = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert pages["if"] == deploy["if"] == on_main
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][-1]["uses"].startswith("actions/deploy-pages@")


def test_actions_are_pinned_to_versions_and_no_secret_is_used():
    text = WORKFLOW.read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)", text)
    assert uses and all(re.fullmatch(r"actions/[\w-]+@v\d+\.\d+\.\d+", u) for u in uses), uses
    assert "secrets." not in text


def test_failing_notebooks_diffs_are_written_one_file_per_notebook(tmp_path):
    report = tmp_path / "junit.xml"
    report.write_text(
        """<testsuites><testsuite name="pytest">
        <testcase classname="notebooks.debt.ipynb" name="Cell 3"><failure message="Cell outputs differ">- 2.08
+ 2.71</failure></testcase>
        <testcase classname="notebooks.debt.ipynb" name="Cell 4"/>
        <testcase classname="notebooks.capex.ipynb" name="Cell 1"/>
        <testcase classname="tests.test_data" name="test_x"><failure message="not a notebook"/></testcase>
        </testsuite></testsuites>""",
        encoding="utf-8",
    )
    out = tmp_path / "diffs"
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / ".ci" / "notebook_diffs.py"), str(report), str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["debt.txt"]
    assert (out / "debt.txt").read_text(encoding="utf-8") == "Cell 3: Cell outputs differ\n- 2.08\n+ 2.71\n"
