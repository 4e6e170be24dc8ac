"""The ``runthenumbers`` command: the ledger, the claims and the inputs, scenario runs and the sweep.

A thin layer over the package: each command parses its options, calls one library function and prints
the result. Output formats are declared with :func:`format_option`, the same everywhere; errors for
people are :class:`UserError` (exit status 2) or, for a broken ledger, exit status 1, never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click
from tqdm import tqdm

from . import chapters
from .data import FACT_COLUMNS, LedgerError, load_ledger
from .errors import SafeGroup, UserError
from .markup import spreadsheet_safe_rows
from .parameters import REGISTRY, ParameterError
from .units import SHORT, fact_text, number, signed_percent

FORMATS = ("table", "json", "csv")
PARAMETER_COLUMNS = ("name", "default", "type", "min", "max", "unit", "description", "notebooks")
PARAMETER_TABLE_COLUMNS = ("name", "default", "range", "description")


def _table(rows: list[dict], columns: tuple[str, ...]) -> str:
    """A table drawn with rich at the terminal's width (80 columns when not a terminal): long cells wrap,
    none is cut, and numbers are right-aligned."""
    import shutil

    from rich import box
    from rich.console import Console
    from rich.table import Table

    width = shutil.get_terminal_size((100, 24)).columns
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for column in columns:
        numeric = bool(rows) and all(_looks_numeric(str(row[column])) for row in rows)
        # Rich narrows the widest columns first, folding their text onto more lines; the header stays whole.
        first = column == columns[0]  # names the row: kept on one line
        table.add_column(
            column.replace("_", " "),
            justify="right" if numeric else "left",
            overflow="fold",
            no_wrap=first,
            min_width=max(len(str(row[column])) for row in rows) if first and rows else None,
        )
    for row in rows:
        table.add_row(*(str(row[c]) for c in columns))
    console = Console(width=width, file=io.StringIO(), color_system=None, soft_wrap=False, emoji=False, highlight=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in console.file.getvalue().rstrip("\n").split("\n"))


def _console(width: int):
    from rich.console import Console

    return Console(width=width, file=io.StringIO(), color_system=None, soft_wrap=False, emoji=False, highlight=False)


def _printed(console) -> str:
    return "\n".join(line.rstrip() for line in console.file.getvalue().rstrip("\n").split("\n"))


def _records(rows: list[dict], columns: tuple[str, ...]) -> str:
    """One block per row for a terminal of any width: the first column's value on a line of its own, then
    each other non-empty column as ``name  value``, the value wrapped under itself; a blank line between.
    Widths are counted in terminal cells, so a line of Chinese fits too."""
    import shutil

    from rich.text import Text

    width = shutil.get_terminal_size((100, 24)).columns
    console = _console(width)
    name_width = max(len(c) for c in columns[1:])
    indent = " " * (2 + name_width + 2)
    lines: list[str] = []
    for row in rows:
        if lines:
            lines.append("")
        lines += [line.plain for line in Text(str(row[columns[0]])).wrap(console, width, overflow="fold")]
        for column in columns[1:]:
            if not str(row[column]):
                continue
            value = Text(str(row[column])).wrap(console, max(width - len(indent), 10), overflow="fold")
            first, *rest = (line.plain.rstrip() for line in value)
            lines.append(f"  {column:<{name_width}}  {first}")
            lines += [indent + line for line in rest]
    return "\n".join(lines)


def _looks_numeric(text: str) -> bool:
    return text == "" or text.lstrip("+-$").replace(",", "").replace(".", "").rstrip("%×").isdigit()


def render(rows: list[dict], columns: tuple[str, ...], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(spreadsheet_safe_rows(rows))
        return buffer.getvalue().rstrip("\n")
    return _table(rows, columns)


def format_option(*choices: str) -> Callable:
    """The ``--format`` option, the same in every command: ``choices`` (default: table, json, csv), table first."""
    choices = choices or FORMATS
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("runthenumbers")
    except PackageNotFoundError:
        return "unknown"


@click.group(cls=SafeGroup)
@click.version_option(_version(), "--version", prog_name="runthenumbers", message="%(prog)s %(version)s")
def main() -> None:
    """Run the Numbers: the report's data and models from the command line."""


def _ledger():
    try:
        return load_ledger()
    except LedgerError as error:
        _ledger_problems(error)


def _ledger_problems(error: LedgerError) -> None:
    click.echo(f"The ledger has {len(error.problems)} problem(s):\n{error}", err=True)
    sys.exit(1)


def _fail(message: str) -> None:
    raise UserError(message)


QUALITY_COLUMNS = ("page", "numbers", "primary", "secondary", "share", "article_only", "stated", "no_facts")


@main.command()
@format_option()
@click.option(
    "--quality",
    is_flag=True,
    help="Instead: the share of each page's published numbers whose facts come from primary sources.",
)
@click.option(
    "--page",
    type=click.Choice([c.fact_page for c in chapters.fact_pages()]),
    help="Only the facts listed on this fact page of the book.",
)
@click.option(
    "--id",
    "id_pattern",
    metavar="PATTERN",
    help="Only the facts whose id matches PATTERN, a glob such as 'debt_ddtl1_*' (without * or ?: ids containing it).",
)
@click.option(
    "--source", "source_id", metavar="SOURCE", help="Only the facts read from SOURCE, an id of data/sources.csv."
)
def facts(fmt: str, quality: bool, page: str | None, id_pattern: str | None, source_id: str | None) -> None:
    """Print the fact ledger (data/facts.csv), validated: as a table, one block per fact; or as JSON or CSV."""
    ledger = _ledger()
    if quality and (page or id_pattern or source_id):
        _fail("--quality reports every page; it takes no --page, --id or --source")
    if quality:
        from . import quality as source_quality

        report = source_quality.source_quality(ledger)
        click.echo(render(source_quality.rows(report), QUALITY_COLUMNS, fmt))
        if fmt == "table":
            for page in report:
                for name, weak in page.secondary.items():
                    click.echo(f"{page.page}:{name}: {', '.join(weak)}")
            for page in report:
                for name in page.no_facts:
                    click.echo(f"{page.page}:{name}: no facts, and no basis declared")
        return
    chosen = _chosen_facts(ledger, page, id_pattern, source_id)
    rows = [fact.model_dump() for fact in chosen]
    if fmt == "table":
        rows = [{**row, "value": fact_text(fact)} for row, fact in zip(rows, chosen)]
        click.echo(_records(rows, FACT_COLUMNS) if rows else "No fact matches.")
        return
    click.echo(render(rows, FACT_COLUMNS, fmt))


def _chosen_facts(ledger, page: str | None, id_pattern: str | None, source_id: str | None) -> list:
    """The ledger's facts on fact page ``page``, with an id matching ``id_pattern``, read from ``source_id``."""
    import fnmatch

    if source_id is not None and source_id not in ledger.sources:
        _fail(f"--source {source_id!r} is not a source of data/sources.csv")
    if id_pattern is not None and not any(mark in id_pattern for mark in "*?["):
        id_pattern = f"*{id_pattern}*"
    return [
        fact
        for fact in ledger.facts.values()
        if (page is None or chapters.fact_chapter(fact.id).fact_page == page)
        and (id_pattern is None or fnmatch.fnmatchcase(fact.id, id_pattern))
        and (source_id is None or fact.source == source_id)
    ]


@main.command()
@format_option("table", "json")
def params(fmt: str) -> None:
    """Print every parameter of every notebook with its default (the ledger's value), range and unit."""
    ledger = _ledger()
    try:
        defaults = {p.name: p.checked_default(ledger) for p in REGISTRY.values()}
    except ParameterError as error:
        _fail(str(error))
    rows = [
        {
            "name": p.name,
            # A date as a person types it (2026-12-31): any calendar day is allowed, so it has no min or max.
            "default": p.typed(defaults[p.name]),
            "type": p.kind_name,
            "min": None if p.is_date else p.minimum,
            "max": None if p.is_date else p.maximum,
            "unit": p.unit,
            "description": p.description,
            "notebooks": list(p.notebooks),
        }
        for p in sorted(REGISTRY.values(), key=lambda p: (p.notebooks, p.name))
    ]
    if fmt == "table":
        rows = [
            {
                "name": r["name"],
                "default": REGISTRY[r["name"]].format(defaults[r["name"]], SHORT),
                "range": _range(REGISTRY[r["name"]]),
                "description": f"{REGISTRY[r['name']].reader_label}: {r['description']} (used by {', '.join(r['notebooks'])})",
            }
            for r in rows
        ]
        click.echo(render(rows, PARAMETER_TABLE_COLUMNS, fmt))
        return
    click.echo(render(rows, PARAMETER_COLUMNS, fmt))


@main.command("run")
@click.option("--set", "assignments", multiple=True, metavar="NAME=VALUE", help="Set a parameter; repeat for more.")
@click.option(
    "--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), help="YAML file of NAME: VALUE."
)
@click.option(
    "--notebooks",
    "notebooks",
    multiple=True,
    metavar="NAME",
    help="Run only these notebooks (repeat or comma-separate).",
)
@click.option("--no-site", is_flag=True, help="Skip building the scenario's site.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace an earlier run in --out (a folder holding only what a run wrote); nothing else is ever replaced.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for the run's results (outside the repository, or under runs/).",
)
def run_command(assignments, params_file, notebooks, no_site, force, out) -> None:
    """Re-execute the notebooks with new inputs and compare every published value with the baseline."""
    from .runner import interrupts, outputs, scenarios

    try:
        scenario = scenarios.plan(scenarios.collect_values(assignments, params_file), notebooks)
    except (ParameterError, scenarios.ScenarioError) as error:
        _fail(str(error))
    except LedgerError as error:
        _ledger_problems(error)
    outputs.check(out, outputs.RUN, force)
    interactive = sys.stderr.isatty()
    started = time.perf_counter()
    with tqdm(
        total=len(scenario.notebooks), desc="notebooks", unit="nb", disable=not interactive, file=sys.stderr
    ) as bar:

        def progress(name: str, seconds: float) -> None:
            if interactive:
                bar.write(f"  {name}: done in {seconds:.1f} s", file=sys.stderr)
            bar.update()

        try:
            with interrupts.signals_raise():
                results = scenarios.run(scenario, out, site=not no_site, force=force, progress=progress)
        except scenarios.ScenarioError as error:
            _fail(str(error))
        except interrupts.Interrupted as stop:
            _stopped(stop)
    baseline = scenarios.baseline_values(results["values"], scenarios.NOTEBOOK_DIR)
    changed = sum(
        1 for name, values in results["values"].items() for key in values if values[key] != baseline[name].get(key)
    )
    click.echo(
        f"Ran {len(scenario.notebooks)} notebook(s) in {time.perf_counter() - started:.1f} s; "
        f"{changed} published value(s) differ from the baseline. Results in {out}/results.json"
        + ("" if no_site else f"; site in {out}/site/index.html")
    )


# The one input the all-debt schedule reads; the credit chapter's other input (ebitda_haircut) is a
# stress on the cover ratios, not on the balances, so the schedule refuses it rather than ignore it.
SCHEDULE_INPUTS = ("sofr",)
SCHEDULE_COLUMNS = ("facility", "quarter", "opening", "draws", "interest", "fees", "principal", "closing")


@main.command("schedule")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set an input of the credit chapter (sofr); repeat for more.",
)
@click.option(
    "--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), help="YAML file of NAME: VALUE."
)
@click.option(
    "--by",
    "period",
    type=click.Choice(["quarter", "year"]),
    default="quarter",
    show_default=True,
    help="One row per facility and quarter, or summed by calendar year.",
)
@format_option()
def schedule_command(assignments, params_file, period, fmt) -> None:
    """Print the all-debt schedule of the latest stack (31 December 2025, from 2026-Q1): every instrument's
    opening balance, draws, interest, fees, principal and closing balance, USD."""
    from . import credit
    from .parameters import resolve
    from .runner import scenarios

    try:
        given = scenarios.collect_values(assignments, params_file)
        unused = sorted(set(given) - set(SCHEDULE_INPUTS))
        if unused:
            verb = "does" if len(unused) == 1 else "do"
            raise ParameterError(
                f"{', '.join(unused)} {verb} not change the schedule; it takes {', '.join(SCHEDULE_INPUTS)}"
            )
        ledger = _ledger()
        inputs = resolve("credit", given, ledger)
        schedules = credit.latest_schedules(ledger, credit.sofr_change(inputs["sofr"], ledger))
    except (ParameterError, credit.CreditError) as error:
        _fail(str(error))
    frame = credit.schedule_frame(schedules, credit.latest_horizon())
    columns = SCHEDULE_COLUMNS
    if period == "year":
        frame = credit.by_year(frame)
        columns = ("facility", "year", *SCHEDULE_COLUMNS[2:])
    rows = [
        {c: (round(r[c], 2) if isinstance(r[c], float) else r[c]) for c in columns} for r in frame.to_dict("records")
    ]
    click.echo(_facility_blocks(rows, columns) if fmt == "table" else render(rows, columns, fmt))


def _facility_blocks(rows: list[dict], columns: tuple[str, ...]) -> str:
    """The schedule for a terminal: one block per facility, headed by its name, one line per period with
    the amounts in USD millions; under 80 columns wide. A period with no balance and no payment is left out."""
    import shutil

    from rich import box
    from rich.table import Table

    from .units import plain

    console = _console(shutil.get_terminal_size((100, 24)).columns)
    facilities = list(dict.fromkeys(row["facility"] for row in rows))
    for position, facility in enumerate(facilities):
        if position:
            console.print()
        console.print(f"{facility}, USD millions", overflow="fold")
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
        for column in columns[1:]:
            table.add_column(column, justify="left" if column == columns[1] else "right", no_wrap=True)
        for row in rows:
            if row["facility"] == facility and any(row[c] for c in columns[2:]):
                table.add_row(str(row[columns[1]]), *(plain(row[c] / 1e6, 1) for c in columns[2:]))
        console.print(table)
    console.print(f"\nA {columns[1]} without balance or payment is not shown; --format csv shows every one.")
    return _printed(console)


CLAIM_OUTPUT_COLUMNS = (
    "id",
    "argument",
    "claim",
    "article_value",
    "checked_value",
    "difference",
    "verdict",
    "explanation",
    "sources",
)


@main.command()
@format_option()
def claims(fmt: str) -> None:
    """Print the claims ledger (data/claims.csv) with the checked figures resolved and verdicts computed."""
    from .claims import figure_text, load_claims

    try:
        resolved = load_claims(ledger=_ledger())
    except LedgerError as error:
        click.echo(f"The claims ledger has {len(error.problems)} problem(s):\n{error}", err=True)
        sys.exit(1)
    rows = [
        {
            "id": c.row.id,
            "argument": c.row.argument,
            "claim": c.row.claim,
            "article_value": c.article_value,
            "checked_value": c.checked_value,
            "difference": c.difference,
            "verdict": c.verdict,
            "explanation": c.row.explanation,
            "sources": c.row.sources.split(),
        }
        for c in resolved
    ]
    if fmt == "csv":
        rows = [
            {
                **r,
                "article_value": _number(r["article_value"]),
                "checked_value": _number(r["checked_value"]),
                "difference": "" if r["difference"] is None else signed_percent(r["difference"]),
                "sources": " ".join(r["sources"]),
            }
            for r in rows
        ]
    if fmt == "table":
        ledger = _ledger()
        rows = [
            {
                **r,
                "article_value": figure_text(c, c.article_value, ledger),
                "checked_value": figure_text(c, c.checked_value, ledger),
                "difference": "" if r["difference"] is None else signed_percent(r["difference"]),
                "sources": " ".join(r["sources"]),
            }
            for r, c in zip(rows, resolved)
        ]
        click.echo(render(rows, CLAIM_TABLE_COLUMNS, fmt))
        return
    click.echo(render(rows, CLAIM_OUTPUT_COLUMNS, fmt))


CLAIM_TABLE_COLUMNS = ("id", "claim", "article_value", "checked_value", "difference", "verdict", "explanation")


def _range(parameter) -> str:
    return parameter.range_label(SHORT)


def _number(value) -> str:
    return "" if value is None else number(value)


# What a sweep holds a scenario, measured: 1.11 GB peak at 20,000,000 scenarios (README), 0.28 GB at 1,000,000.
SWEEP_BYTES_PER_SAMPLE = 56
SWEEP_BASE_BYTES = 230_000_000


def _not_enough_memory(samples: int) -> str:
    """One line for a sweep that ran out of memory, with how many samples would fit in what is allowed."""
    import resource

    import psutil

    allowed = psutil.virtual_memory().available + psutil.Process().memory_info().rss
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        allowed = min(allowed, soft)
    fit = max(0, (allowed - SWEEP_BASE_BYTES) // SWEEP_BYTES_PER_SAMPLE)
    fit = int(float(f"{fit:.2g}")) if fit else 0
    return (
        f"not enough memory for {samples:,} samples (about {(SWEEP_BASE_BYTES + samples * SWEEP_BYTES_PER_SAMPLE) / 1e9:.1f} GB); "
        f"about {fit:,} samples fit in the memory this command may use: give fewer --samples"
    )


def _stopped(stop) -> None:
    click.echo(f"stopped by {stop}: every process this command started was stopped and no output was written", err=True)
    sys.exit(stop.exit_code)


@main.command("sweep")
@click.option("--samples", type=int, required=True, help="Number of scenarios to draw (1 to 20,000,000).")
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed (0 or more): the same seed gives the same results.",
)
@click.option(
    "--vary",
    "overrides",
    multiple=True,
    metavar="NAME=KIND:LOW:HIGH",
    help="Replace an input's distribution (kinds: uniform, triangular, fixed); repeat for more.",
)
@click.option(
    "--deadline",
    default="2026-Q4",
    show_default=True,
    help="Quarter by which the no-borrowing case is reported (short by construction).",
)
@format_option("table", "json")
@click.option("--out", type=click.Path(path_type=Path), help="Also write the results (no timing) as JSON.")
@click.option("--force", is_flag=True, help="Replace an earlier sweep's --out file; nothing else is ever replaced.")
def sweep_command(samples, seed, overrides, deadline, fmt, out, force) -> None:
    """Draw many scenarios of the uncertain inputs and summarise the funding need and debt service."""
    from . import sweep
    from .liquidity import HORIZON, FundingStart
    from .runner import interrupts, outputs

    if samples <= 0:
        _fail(f"--samples = {samples} is not a positive whole number; allowed: 1 or more")
    if samples > sweep.MAX_SAMPLES:
        _fail(
            f"--samples = {samples:,} is above the limit of {sweep.MAX_SAMPLES:,}; allowed: 1 to {sweep.MAX_SAMPLES:,}"
        )
    if deadline not in HORIZON.quarters:
        _fail(f"--deadline = {deadline!r} is not a quarter from {HORIZON.first} to {HORIZON.last}")
    ledger = _ledger()
    try:
        for name in sweep.REGISTERED:  # a ledger default outside its range is named before anything is drawn
            REGISTRY[name].checked_default(ledger)
        inputs = sweep.override(sweep.registry(ledger), list(overrides), ledger)
        start = FundingStart.from_ledger(ledger)
    except (sweep.SweepError, ParameterError) as error:
        _fail(str(error))
    started = time.perf_counter()
    try:
        with interrupts.signals_raise(), contextlib.ExitStack() as stack:
            temporary = stack.enter_context(outputs.writing(out, outputs.SWEEP, force)) if out else None
            with tqdm(
                total=samples, unit="scenario", unit_scale=True, disable=not sys.stderr.isatty(), file=sys.stderr
            ) as bar:
                results = sweep.stream_summary(start, inputs, samples, seed, deadline, progress=bar.update)
            seconds = time.perf_counter() - started
            record = {"samples": samples, "seed": seed, "results": results}
            if temporary:
                temporary.write_text(
                    json.dumps(record, indent=2, sort_keys=True, allow_nan=False) + "\n", encoding="utf-8"
                )
    except sweep.SweepError as error:
        _fail(str(error))
    except interrupts.Interrupted as stop:
        _stopped(stop)
    except MemoryError:
        _fail(_not_enough_memory(samples))
    if fmt == "json":
        click.echo(
            json.dumps({"samples": samples, "seed": seed, "seconds": round(seconds, 3), "results": results}, indent=2)
        )
        return
    q = results["quantiles"]
    click.echo(f"{samples:,} scenarios, seed {seed}, {seconds:.2f} s; quantiles " + ", ".join(q))
    click.echo(
        "Peak external funding need, USD billions: " + "  ".join(f"{v / 1e9:.1f}" for v in results["peak_need_usd"])
    )
    click.echo(
        "  share of it the committed facilities cover: "
        + "  ".join(f"{v:.0%}" for v in results["committed_share_of_peak"])
    )
    click.echo(
        f"  half of the scenarios peak by {results['peak_quarter_median']}; "
        f"{results['peak_at_horizon_end_share']:.0%} are still at their peak in {HORIZON.last}"
    )
    click.echo("Annual debt service of all debt, USD billions:")
    for year, values in results["annual_debt_service_usd"].items():
        click.echo(f"  {year}: " + "  ".join(f"{v / 1e9:6.2f}" for v in values))
    year = results["ratio_year"]
    click.echo(
        f"{year} debt service / {year} operating cash: "
        + "  ".join(f"{v:.2f}" for v in results["service_to_operating_cash"])
    )
    click.echo(f"{year} debt service / {year} revenue: " + "  ".join(f"{v:.2f}" for v in results["service_to_revenue"]))
    runway = results["runway_committed_quarters"]
    click.echo("Quarters from the start that committed money lasts: " + "  ".join(str(round(v)) for v in runway))
    click.echo(
        f"{year} revenue and capex, USD billions: "
        + "  ".join(f"{v / 1e9:.1f}" for v in results["revenue_2026_usd"])
        + " | "
        + "  ".join(f"{v / 1e9:.1f}" for v in results["capex_2026_usd"])
    )
    for measure in ("leverage", "interest_cover"):
        click.echo(
            f"{measure.replace('_', ' ').capitalize()} by year-end: "
            + "; ".join(
                f"{y} " + " ".join("-" if v is None else f"{v:.2f}" for v in values)
                for y, values in results["credit_path"][measure].items()
            )
        )
    if results["floor_share"]:
        click.echo(
            f"Lending limited: {results['floor_share']:.0%} at their cash floor with no more lending by "
            f"{results['closed_by']}, {results['unfunded_share']:.0%} short of cash even with no capex; "
            f"MW not built by then (median) {results['unbuilt_mw_2027'][2]:,.0f}"
        )
    click.echo(
        f"Short of cash by {deadline} with no borrowing at all (true by construction): "
        f"{results['short_without_financing_by_deadline']:.1%}"
    )


@main.command("diff")
@click.argument("base", required=False)
@click.argument("head", required=False)
@format_option("table", "json", "markdown")
@click.option(
    "--repo",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Repository to read (default: the current one).",
)
def diff_command(base, head, fmt, repo) -> None:
    """What a change does to the book: published values, verdicts and ledger rows, BASE against HEAD.

    BASE defaults to the merge-base with main, HEAD to the working tree. Nothing is executed: the
    committed notebooks' outputs and the ledgers are read from git.
    """
    from . import diff

    report = diff.diff(base, head, repo)
    if head is None:
        _warn_if_stale(diff.repository_root(repo or Path.cwd()))
    click.echo(diff.render(report, fmt))


def _warn_if_stale(root: Path) -> None:
    """Warn when the working tree's notebooks were executed with other inputs than it now holds: the diff
    reads their outputs as committed, so a changed fact would seem to move no published value (G7)."""
    from .data import REPO_ROOT
    from .runner import freshness

    if root.resolve() != REPO_ROOT.resolve():
        return  # another checkout: its code, not this one's, says what its notebooks read
    stale, unreadable = freshness.reasons()
    pages = [*stale, *unreadable]
    if pages:
        click.echo(
            f"warning: {len(pages)} notebook(s) of the working tree were executed with other inputs than it now holds "
            f"({', '.join(pages)}): their published values below are the old ones; run `make execute` first",
            err=True,
        )
