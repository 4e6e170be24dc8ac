"""The parameter registry: defaults from the ledger, clear refusals, and notebooks that agree with it."""

from __future__ import annotations

import ast
import datetime
import re

import jupytext
import pytest
from cli_cases import RUN, SWEEP, Case, check, drop_fact, edit_ledger, table

from runthenumbers.data import load_ledger
from runthenumbers.parameters import (
    REGISTRY,
    ParameterError,
    for_notebook,
    parameters_cell,
    resolve,
    unknown_parameter_message,
)
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
        (
            "abc",
            "microsoft_share_2024 = 'abc' is not a number; allowed: float from 0 to 1 (fraction) or a percentage (5%)",
        ),
        (
            True,
            "microsoft_share_2024 = True is not a number; allowed: float from 0 to 1 (fraction) or a percentage (5%)",
        ),
        ("130%", "microsoft_share_2024 = 130% is outside the allowed range 0% to 100%"),
        ("-5 %", "microsoft_share_2024 = -5 % is outside the allowed range 0% to 100%"),
        (
            "five%",
            "microsoft_share_2024 = 'five%' is not a number; allowed: float from 0 to 1 (fraction) or a percentage (5%)",
        ),
        ("%", "microsoft_share_2024 = '%' is not a number; allowed: float from 0 to 1 (fraction) or a percentage (5%)"),
    ],
)
def test_bad_values_are_refused_with_the_allowed_range(value, message):
    with pytest.raises(ParameterError) as caught:
        resolve("concentration", {"microsoft_share_2024": value}, load_ledger())
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("name", "typed", "value"),
    [
        ("sofr", 0.05, 0.05),
        ("sofr", "0.05", 0.05),
        ("sofr", "5%", 0.05),
        ("sofr", " 4.37 % ", 0.0437),
        ("sofr", "4.37%", 0.0437),
        ("sofr_drift", "-1.5%", -0.015),
        ("ddtl2_drawn", "4.95e9", 4.95e9),
        ("ddtl2_last_draw_quarter", "3", 3),
        ("seed", "1e3", 1000),
        ("csci_scheduled_delivery", "2027-06-30", 20270630),
        ("csci_scheduled_delivery", "20270630", 20270630),
        ("csci_scheduled_delivery", 20270630, 20270630),
        ("csci_scheduled_delivery", datetime.date(2027, 6, 30), 20270630),
    ],
)
def test_a_value_is_read_as_a_person_types_it(name, typed, value):
    checked = REGISTRY[name].check(typed)
    assert checked == value and type(checked) is REGISTRY[name].kind


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        (
            "csci_scheduled_delivery",
            "2027-13-30",
            "csci_scheduled_delivery = 2027-13-30 is not a calendar date; allowed: a date such as 2026-12-31 (or 20261231)",
        ),
        (
            "csci_scheduled_delivery",
            "20270230",
            "csci_scheduled_delivery = 20270230 is not a calendar date; allowed: a date such as 2026-12-31 (or 20261231)",
        ),
        (
            "csci_scheduled_delivery",
            "June 2027",
            "csci_scheduled_delivery = 'June 2027' is not a date; allowed: a date such as 2026-12-31 (or 20261231)",
        ),
        (
            "csci_scheduled_delivery",
            "2027-6-30",
            "csci_scheduled_delivery = '2027-6-30' is not a date; allowed: a date such as 2026-12-31 (or 20261231)",
        ),
        (
            "csci_scheduled_delivery",
            datetime.datetime(2027, 6, 30, 12, 0),
            "csci_scheduled_delivery = datetime.datetime(2027, 6, 30, 12, 0) is not a date; "
            "allowed: a date such as 2026-12-31 (or 20261231)",
        ),
        ("sofr", "50%", "sofr = 50% is outside the allowed range 0% to 20%"),
        ("sofr", "0.5", "sofr = 0.5 is outside the allowed range 0 to 0.2 (fraction)"),
        ("ddtl2_drawn", "5%", "ddtl2_drawn = '5%' is not a number; allowed: float from 0 to 2e+10 (USD)"),
        (
            "ddtl2_last_draw_quarter",
            "2.5",
            "ddtl2_last_draw_quarter = 2.5 is not a whole number; allowed: 1 to 24 (quarter number)",
        ),
    ],
)
def test_a_bad_typed_value_is_refused_as_it_was_typed(name, typed, message):
    with pytest.raises(ParameterError) as caught:
        REGISTRY[name].check(typed)
    assert str(caught.value) == message


def test_a_date_and_a_share_are_shown_back_as_typed():
    delivery, sofr = REGISTRY["csci_scheduled_delivery"], REGISTRY["sofr"]
    assert delivery.typed(20270630) == "2027-06-30" and delivery.format(20270630) == "30 June 2027"
    assert sofr.typed(0.05) == 0.05 and sofr.format(0.05) == "5%" and sofr.range_label() == "0% to 20%"


def test_papermills_p_values_reach_the_notebook_as_typed():
    """`papermill -p sofr 5%` injects the text '5%', and `-p csci_scheduled_delivery 2027-06-30` the text of the
    date: papermill converts only what reads as a number. The notebook's resolve() reads both."""
    from papermill.cli import _resolve_type

    given = {name: _resolve_type(text) for name, text in (("sofr", "5%"), ("ddtl2_drawn", "4.95e9"))}
    assert given == {"sofr": "5%", "ddtl2_drawn": 4.95e9}
    assert resolve("debt", given, load_ledger())["sofr"] == 0.05
    delivery = {"csci_scheduled_delivery": _resolve_type("2027-06-30")}
    assert resolve("partner_risk", delivery, load_ledger())["csci_scheduled_delivery"] == 20270630


def test_unknown_name_suggests_the_closest_names_only():
    message = unknown_parameter_message("microsoft_shar", sorted(REGISTRY))
    assert message.startswith("unknown parameter 'microsoft_shar'; did you mean 'microsoft_share_2024'")
    assert message.endswith(f"`runthenumbers params` lists all {len(REGISTRY)}")
    assert "stress_top_two_revenue_lost" not in message


def _parameters_cell(markdown):
    notebook = jupytext.read(markdown)
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{markdown.name}: expected one cell tagged 'parameters'"
    return cells[0].source


@pytest.mark.parametrize("markdown", [p for p in paired_notebooks() if p.stem not in SUMMARIES], ids=lambda p: p.stem)
def test_each_parameters_cell_is_the_registrys(markdown):
    source = _parameters_cell(markdown)
    assert source == parameters_cell(markdown.stem), (
        f"{markdown.name}: run `make pages` to regenerate its parameters cell"
    )
    assigned = {
        node.target.id: ast.literal_eval(node.value)
        for node in ast.parse(source).body
        if isinstance(node, ast.AnnAssign)
    }
    registered = for_notebook(markdown.stem)
    assert set(assigned) == set(registered)
    for name, value in assigned.items():
        parameter = registered[name]
        expected = None if parameter.fact else parameter.default
        assert value == expected, f"{name}: the cell says {value!r}, the registry {expected!r}"


def test_papermill_reads_each_inputs_type_and_help_from_the_cell():
    from papermill.translators import PythonTranslator

    inspected = {p.name: p for p in PythonTranslator.inspect({"source": parameters_cell("partner_risk")})}
    assert set(inspected) == set(for_notebook("partner_risk"))
    delivery, late = inspected["csci_scheduled_delivery"], inspected["csci_share_late"]
    assert (delivery.inferred_type_name, delivery.default) == ("date", "None")
    assert delivery.help == (
        "Scheduled delivery, any date, as 2026-12-31 (or 20261231); None is the ledger's csci_cw_final_option_operational"
    )
    assert (late.inferred_type_name, late.default) == ("float", "0.5")
    assert late.help == "Share delivered late, 0% to 100% (typed 0.05 or 5%); the book's assumption"


def test_the_generator_rewrites_only_the_parameters_cell():
    from runthenumbers.runner.parameter_cells import rewrite

    before = "# Title\n\n```{code-cell} ipython3\n:tags: [parameters, remove-input]\n\nsofr = None\n```\n\nProse.\n"
    after = rewrite(before, "credit")
    assert after == before.replace("sofr = None", parameters_cell("credit"))
    with pytest.raises(ValueError, match="notebooks/credit.md: expected one cell tagged 'parameters', found 0"):
        rewrite("# Title\n", "credit")


def test_inputs_that_contradict_each_other_are_refused():
    with pytest.raises(ParameterError) as caught:
        resolve("concentration", {"microsoft_share_2024": 0.8, "top_two_share_2024": 0.7}, load_ledger())
    assert str(caught.value) == (
        "microsoft_share_2024 = 0.8 is above top_two_share_2024 = 0.7; "
        "allowed: microsoft_share_2024 from 0 to top_two_share_2024"
    )


@pytest.mark.parametrize("markdown", [p for p in paired_notebooks() if p.stem not in SUMMARIES], ids=lambda p: p.stem)
def test_papermill_help_notebook_shows_each_inputs_type_and_help(markdown):
    from click.testing import CliRunner
    from papermill.cli import papermill

    shown = CliRunner().invoke(papermill, ["--help-notebook", str(markdown.with_suffix(".ipynb"))]).output
    for name, parameter in for_notebook(markdown.stem).items():
        kind = "date" if parameter.is_date else parameter.kind.__name__
        default = "None" if parameter.fact else repr(parameter.default)
        # Click puts a short name's help on the same line, a long one's on the next.
        assert re.search(rf"^  {name}: {kind} \(default {re.escape(default)}\)\s+\S", shown, re.MULTILINE), name
    assert "Unknown type" not in shown
    assert f"{REGISTRY[next(iter(for_notebook(markdown.stem)))].reader_label}, " in shown


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
