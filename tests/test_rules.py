"""Parameters declare and one checker validates: rules run for every notebook whose inputs they read."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from runthenumbers import checks, parameters
from runthenumbers.parameters import REGISTRY, ParameterError, check_rules, resolve

PARAMETERS_DIR = Path(parameters.__file__).parent
# The ledger (data) and the leaf modules; never a model.
ALLOWED = {"core", "checks", "calendar", "data", "errors", "units"}  # units: a leaf, formats values for readers


@pytest.mark.parametrize("module", sorted(p.stem for p in PARAMETERS_DIR.glob("*.py") if p.stem != "__init__"))
def test_parameter_modules_import_no_model(module):
    tree = ast.parse((PARAMETERS_DIR / f"{module}.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            imported.add((node.module or "").split(".")[0])
    assert imported <= ALLOWED, f"parameters/{module}.py imports {sorted(imported - ALLOWED)}"


def test_a_rule_runs_for_any_notebook_that_shares_its_input(monkeypatch, ledger):
    # A new chapter "credit" reads the debt chapter's ddtl2_drawn: the facility rule must refuse a bad value.
    shared = dataclasses.replace(REGISTRY["ddtl2_drawn"], notebooks=("debt", "credit"))
    monkeypatch.setitem(parameters.DECLARED, "ddtl2_drawn", shared)
    with pytest.raises(ParameterError, match=r"^ddtl2_drawn = 15000000000.0 is above the facility size"):
        resolve("credit", {"ddtl2_drawn": 1.5e10}, ledger)
    assert resolve("credit", {}, ledger)["ddtl2_drawn"] == ledger.value("debt_ddtl2_balance_2025q2")


def test_rules_whose_inputs_are_missing_do_not_run(ledger):
    check_rules({"sofr": 0.04}, ledger)


def test_require_between_names_the_first_bad_value_and_place():
    with pytest.raises(
        checks.ParameterError, match=r"^rate = -0.5 \(scenario 1\) is outside the allowed range 0 to 1 \(fraction\)$"
    ):
        checks.require_between(
            "rate", np.array([0.1, -0.5, 2.0]), 0, 1, "fraction", where=lambda bad: f"scenario {int(np.argmax(bad))}"
        )
    with pytest.raises(checks.ParameterError, match=r"^share = nan is outside"):
        checks.require_between("share", float("nan"), 0, 1, "fraction")
    assert checks.require_between("share", [0.0, 1.0], 0, 1, "fraction").tolist() == [0.0, 1.0]


def test_require_whole_refuses_fractions_and_out_of_range():
    with pytest.raises(
        checks.ParameterError, match=r"^quarters = 1.5 is not a whole number; allowed: 0 to 4 \(quarters\)$"
    ):
        checks.require_whole("quarters", [1, 1.5], 0, 4, "quarters")
    with pytest.raises(checks.ParameterError, match=r"^quarters = 5 is outside the allowed range 0 to 4 \(quarters\)$"):
        checks.require_whole("quarters", [5], 0, 4, "quarters")
