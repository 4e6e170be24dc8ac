"""Inputs typed on the command line or given in a file: `--set`, `--params FILE`, `sweep --vary`,
`--samples` and `--seed` are checked (name, type, range, the rules between inputs) before anything
runs, and every refusal is one line (`runthenumbers/errors.py`, `runner/scenarios.py`,
`runner/safeyaml.py`, `sweep.REGISTERED`): as command, exit code and message, then the rest."""

from __future__ import annotations

import importlib
import os

from cli_cases import RUN, SWEEP, TABLES, Case, check, table, write_file
from click.testing import CliRunner

from runthenumbers.cli import main
from runthenumbers.errors import ECHO_LIMIT

BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n" for a, b in zip("abcdefg", "bcdefgh")
    )
    + "samples: [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
)

CASES = [
    # sweep --samples and --seed.
    Case("sweep-samples-huge", ["sweep", "--samples", "1000000000000"], 2, "is above the limit of 20,000,000"),
    Case("sweep-samples-zero", ["sweep", "--samples", "0"], 2, "is not a positive whole number"),
    Case("sweep-seed-negative", [*SWEEP, "--seed", "-1"], 2, "-1 is not in the range x>=0"),
    # sweep --vary: every bound is checked against the registry's range, by the registry's names.
    Case(
        "vary-pace-zero",
        [*SWEEP, "--vary", "build_pace_mw=fixed:0"],
        2,
        "build_pace_mw = 0.0 is outside the allowed range 1 to 10000",
    ),
    Case(
        "vary-pace-negative",
        [*SWEEP, "--vary", "build_pace_mw=uniform:-5:-1"],
        2,
        "is outside the allowed range 1 to 10000",
    ),
    Case("vary-slip-fraction", [*SWEEP, "--vary", "partner_slip=fixed:2.5"], 2, "is not a whole number"),
    Case(
        "vary-capex-huge",
        [*SWEEP, "--vary", "capex_per_mw=fixed:1e30"],
        2,
        "capex_per_mw = 1e+30 is outside the allowed range 1 to 1e+09 (USD/MW)",
    ),
    Case(
        "vary-price-negative",
        [*SWEEP, "--vary", "revenue_per_mw_year=uniform:-1:5"],
        2,
        "revenue_per_mw_year = -1.0 is outside the allowed range",
    ),
    Case(
        "vary-share-above-one",
        [*SWEEP, "--vary", "backlog_conversion=uniform:0.5:1.5"],
        2,
        "backlog_conversion = 1.5 is outside the allowed range 0 to 1",
    ),
    Case(
        "vary-sofr-negative",
        [*SWEEP, "--vary", "sofr=uniform:-5:-4"],
        2,
        "sofr = -5.0 is outside the allowed range 0 to 0.2",
    ),
    Case(
        "vary-margin",
        [*SWEEP, "--vary", "ebitda_margin=uniform:-100:100"],
        2,
        "ebitda_margin = -100.0 is outside the allowed range -1 to 1",
    ),
    Case("vary-slip", [*SWEEP, "--vary", "partner_slip=fixed:1e9"], 2, "is outside the allowed range 0 to 26"),
    Case(
        "vary-low-above-high",
        [*SWEEP, "--vary", "new_debt_rate=uniform:0.09:0.07"],
        2,
        "is not of the form new_debt_rate=uniform:LOW:HIGH",
    ),
    Case(
        "vary-triangular-flat",
        [*SWEEP, "--vary", "sofr=triangular:0.03:0.03:0.03"],
        2,
        "a triangular distribution needs LOW < HIGH",
    ),
    Case(
        "vary-triangular-no-mode",
        [*SWEEP, "--vary", "sofr=triangular:0.03:0.05"],
        2,
        "a triangular distribution needs a mode",
    ),
    Case("vary-twice", [*SWEEP, "--vary", "sofr=fixed:0.03", "--vary", "sofr=fixed:0.04"], 2, "is given twice"),
    Case("vary-did-you-mean", [*SWEEP, "--vary", "sofr_drfit=fixed:0.03"], 2, "did you mean 'sofr_drift'?"),
    Case("vary-old-name", [*SWEEP, "--vary", "cost_per_mw=fixed:0"], 2, "did you mean 'capex_per_mw'? (renamed"),
    Case("vary-old-sofr", [*SWEEP, "--vary", "sofr_level=fixed:0.03"], 2, "did you mean 'sofr'? (renamed"),
    # --params FILE is read as data: UTF-8, no aliases, no repeated keys, no Python objects, finite numbers.
    Case(
        "params-binary",
        [*RUN, "--params", "{tmp}/binary.yaml", "--out", "{tmp}/o"],
        2,
        "is not UTF-8 text",
        setup=write_file("binary.yaml", b"\xff\xfe\x00s\x00o"),
        absent=["o"],
    ),
    Case(
        "params-samples-inf",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "samples = inf is outside the allowed range",
        setup=write_file("p.yaml", "samples: .inf\n"),
    ),
    Case(
        "params-samples-nan",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "samples = nan is outside the allowed range",
        setup=write_file("p.yaml", "samples: .nan\n"),
    ),
    Case(
        "params-samples-huge-int",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "samples = <whole number of about 401 digits> is outside the allowed range",
        setup=write_file("p.yaml", "samples: 1" + "0" * 401 + "\n"),
    ),
    Case(
        "params-sofr-huge-int",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "is outside the allowed range 0 to 0.2",
        setup=write_file("p.yaml", "sofr: 1" + "0" * 401 + "\n"),
    ),
    Case(
        "params-alias-bomb",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "a list is given as a value",
        setup=write_file("p.yaml", BOMB),
    ),
    Case(
        "params-key-twice",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "'sofr' is given twice",
        setup=write_file("p.yaml", "sofr: 0.03\nsofr: 0.04\n"),
    ),
    Case(
        "params-malformed",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "not valid YAML",
        setup=write_file("p.yaml", "sofr: [0.03\n"),
    ),
    Case(
        "params-python-object",
        ["run", "--params", "{tmp}/p.yaml", "--out", "{tmp}/o"],
        2,
        "not valid YAML",
        setup=write_file("p.yaml", "sofr: !!python/object/apply:os.system ['true']\n"),
    ),
    # --params FILE: nested too deeply, not a regular file, too large, missing.
    *[
        Case(
            f"params-deep-{args[0]}",
            [*args, "--params", "{tmp}/deep.yaml"],
            2,
            "a list is given as a value; a parameters file maps each name to one value",
            setup=write_file("deep.yaml", "sofr: " + "[" * 2000 + "]" * 2000 + "\n"),
        )
        for args in (["schedule"], ["run", "--out", "{tmp}/o"])
    ],
    *[
        Case(
            f"params-dev-zero-{args[0]}",
            [*args, "--params", "/dev/zero"],
            2,
            "parameters file '/dev/zero' is not a regular file",
        )
        for args in (["schedule"], ["run", "--out", "{tmp}/o"])
    ],
    Case(
        "params-huge-file",
        ["schedule", "--params", "{tmp}/big.yaml"],
        2,
        "is larger than 65,536 bytes",
        setup=write_file("big.yaml", "# " + "x" * 1_100_000 + "\nsofr: 0.04\n"),
    ),
    Case(
        "params-fifo",
        ["schedule", "--params", "{tmp}/fifo.yaml"],
        2,
        "is not a regular file",
        setup=lambda tmp, mp: os.mkfifo(tmp / "fifo.yaml"),
    ),
    Case(
        "params-missing",
        ["schedule", "--params", "../none.yaml"],
        2,
        "parameters file '../none.yaml' does not exist",
    ),
    # --set: numbers, whole numbers, a name given twice, an unknown name with a "did you mean".
    Case(
        "set-samples-1e4-accepted",
        ["run", "--set", "samples=1e4", "--set", "seed=-1", "--out", "{tmp}/o"],
        2,
        "error: seed = -1 is outside",
    ),
    Case(
        "set-whole",
        ["run", "--set", "ddtl2_last_draw_quarter=2.5", "--out", "{tmp}/o"],
        2,
        "ddtl2_last_draw_quarter = 2.5 is not a whole number",
    ),
    Case(
        "set-many-digits",
        ["run", "--set", "samples=" + "9" * 5000, "--out", "{tmp}/o"],
        2,
        "is outside the allowed range",
    ),
    Case(
        "set-twice",
        [
            "run",
            "--set",
            "stress_top_two_revenue_lost=0.1",
            "--set",
            "stress_top_two_revenue_lost=0.9",
            "--out",
            "{tmp}/o",
        ],
        2,
        "--set stress_top_two_revenue_lost is given more than once",
    ),
    Case(
        "set-did-you-mean",
        ["run", "--set", "sofrr=0.05", "--out", "{tmp}/o"],
        2,
        "unknown parameter 'sofrr'; did you mean 'sofr'",
    ),
    Case(
        "set-did-you-mean-share",
        ["run", "--set", "microsoft_share=0.5", "--out", "{tmp}/o"],
        2,
        "did you mean 'microsoft_share_2024'",
    ),
    # An input the command does not read is refused, not ignored.
    Case(
        "schedule-ebitda-haircut",
        ["schedule", "--set", "ebitda_haircut=0.9"],
        2,
        "error: ebitda_haircut does not change the schedule; it takes sofr",
    ),
    # Inputs inside their range must not crash the chapter: the range and the rules say what it can take.
    Case(
        "capex-per-mw-zero",
        ["run", "--set", "capex_per_mw=0", "--notebooks", "capex", "--no-site", "--out", "{tmp}/o"],
        2,
        "capex_per_mw = 0.0 is outside the allowed range 1 to 1e+09 (USD/MW)",
        absent=["o"],
    ),
    Case(
        "capex-nothing-left-to-build",
        [
            "run",
            "--set",
            "active_mw=1300",
            "--set",
            "contracted_mw=1300",
            "--notebooks",
            "capex",
            "--no-site",
            "--out",
            "{tmp}/o",
        ],
        2,
        "active_mw must be below contracted_mw",
        absent=["o"],
    ),
]


@table(CASES)
def test_hostile_input_is_refused_with_a_message(case, tmp_path, monkeypatch):
    check(case, tmp_path, monkeypatch)


def test_the_tables_keep_every_case_once():
    """The hostile cases live beside the module each tests (cli_cases.TABLES); none is lost or repeated."""
    ids = [case.id for name in TABLES for case in importlib.import_module(name).CASES]
    assert len(ids) >= 136
    assert len(set(ids)) == len(ids)


def test_echoed_values_are_cut():
    result = CliRunner().invoke(main, ["run", "--set", "sofr=" + "x" * 5000, "--out", "/tmp/unused"])
    line = result.output.strip()
    assert result.exit_code == 2 and "is not a number" in line and len(line) < 2 * ECHO_LIMIT + 120


def test_a_whole_number_parameter_takes_a_float_spelling():
    from runthenumbers.runner.scenarios import collect_values

    assert collect_values(["samples=1e4"], None) == {"samples": 10000}
