"""The parameter registry: defaults from the ledger, clear refusals, and notebooks that agree with it."""

from __future__ import annotations

import ast

import jupytext
import pytest
from cli_cases import RUN, SWEEP, Case, check, drop_fact, edit_ledger, table

from runthenumbers.data import load_ledger
from runthenumbers.parameters import REGISTRY, ParameterError, for_notebook, resolve, unknown_parameter_message
from runthenumbers.runner.notebooks import SUMMARIES, paired_notebooks


def test_defaults_come_from_the_ledger():
    ledger = load_ledger()
    values = resolve("concentration", {}, ledger)
    assert values["microsoft_share_2024"] == ledger.value("cw_microsoft_share_fy2024")
    assert values["top_two_share_2024"] == ledger.value("cw_top_two_share_fy2024")


def test_a_given_value_wins_over_the_default():
    assert resolve("concentration", {"microsoft_share_2024": 0.5}, load_ledger())["microsoft_share_2024"] == 0.5


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.3, "microsoft_share_2024 = 1.3 is outside the allowed range 0 to 1 (fraction)"),
        (-0.1, "microsoft_share_2024 = -0.1 is outside the allowed range 0 to 1 (fraction)"),
        (float("nan"), "microsoft_share_2024 = nan is outside the allowed range 0 to 1 (fraction)"),
        ("0.5", "microsoft_share_2024 = '0.5' is not a number; allowed: float from 0 to 1 (fraction)"),
        (True, "microsoft_share_2024 = True is not a number; allowed: float from 0 to 1 (fraction)"),
    ],
)
def test_bad_values_are_refused_with_the_allowed_range(value, message):
    with pytest.raises(ParameterError) as caught:
        resolve("concentration", {"microsoft_share_2024": value}, load_ledger())
    assert str(caught.value) == message


def test_unknown_name_suggests_the_closest_names_only():
    message = unknown_parameter_message("microsoft_shar", sorted(REGISTRY))
    assert message.startswith("unknown parameter 'microsoft_shar'; did you mean 'microsoft_share_2024'")
    assert message.endswith(f"`runthenumbers params` lists all {len(REGISTRY)}")
    assert "stress_top_two_revenue_lost" not in message


def _parameters_cell(markdown):
    notebook = jupytext.read(markdown)
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{markdown.name}: expected one cell tagged 'parameters'"
    return ast.parse(cells[0].source)


@pytest.mark.parametrize("markdown", [p for p in paired_notebooks() if p.stem not in SUMMARIES], ids=lambda p: p.stem)
def test_each_parameters_cell_matches_the_registry(markdown):
    assigned = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in _parameters_cell(markdown).body
        if isinstance(node, ast.Assign)
    }
    registered = for_notebook(markdown.stem)
    assert set(assigned) == set(registered)
    for name, value in assigned.items():
        parameter = registered[name]
        expected = None if parameter.fact else parameter.default
        assert value == expected, f"{name}: the cell says {value!r}, the registry {expected!r}"


def test_inputs_that_contradict_each_other_are_refused():
    with pytest.raises(ParameterError) as caught:
        resolve("concentration", {"microsoft_share_2024": 0.8, "top_two_share_2024": 0.7}, load_ledger())
    assert str(caught.value) == (
        "microsoft_share_2024 = 0.8 is above top_two_share_2024 = 0.7; "
        "allowed: microsoft_share_2024 from 0 to top_two_share_2024"
    )


# --- defaults the ledger cannot give, as command, exit code and message (tests/cli_cases.py) -------------

CASES = [
    # A ledger default outside its parameter's range is named, with the fact, by every command that reads it.
    *[
        Case(
            f"ledger-default-out-of-range-{args[0]}",
            args,
            2,
            "data/facts.csv: fact 'debt_sofr_180d_avg_20250807' = 0.5 is the default of sofr, whose allowed range is 0 to 0.2 (fraction)",
            setup=edit_ledger("facts.csv", "debt_sofr_180d_avg_20250807", "value", "0.5"),
        )
        for args in (
            ["params"],
            ["schedule"],
            [*SWEEP],
            ["run", "--notebooks", "debt", "--no-site", "--out", "{tmp}/o"],
        )
    ],
    Case(
        "ledger-default-out-of-range-not-needed",
        [*RUN, "--out", "{tmp}/o", "--set", "nosuch=1"],
        2,
        "unknown parameter 'nosuch'",
        setup=edit_ledger("facts.csv", "debt_sofr_180d_avg_20250807", "value", "0.5"),
    ),
    # A fact a parameter's default needs and the ledger lacks.
    *[
        Case(
            f"ledger-lacks-a-default-{args[0]}",
            args,
            2,
            "error: data/facts.csv has no fact 'debt_sofr_180d_avg_20250807', which parameter sofr needs",
            setup=drop_fact("debt_sofr_180d_avg_20250807"),
        )
        for args in (
            ["params"],
            ["schedule"],
            [*SWEEP],
            ["run", "--notebooks", "debt", "--no-site", "--out", "{tmp}/o"],
        )
    ],
]


@table(CASES)
def test_hostile_input_is_refused_with_a_message(case, tmp_path, monkeypatch):
    check(case, tmp_path, monkeypatch)
