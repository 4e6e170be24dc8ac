"""Re-run the book with new inputs: validate them, execute the notebooks with papermill, compare.

A run never touches the repository: it works in a temporary folder beside ``--out`` and moves the
result into place only when every notebook has run, so a failed run leaves no ``results.json``.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
import yaml

from .. import chapters as declared
from ..data import REPO_ROOT, load_ledger
from ..errors import describe, shown
from ..parameters import REGISTRY, ParameterError, for_notebook, resolve, unknown_parameter_message
from ..values import PUBLISHED_ENV, baseline_values, glued_values
from . import interrupts, outputs, safeyaml
from .notebooks import KERNEL, KERNEL_ARGUMENTS, NOTEBOOK_DIR, paired_notebooks, read_markdown

SITE_SOURCES = ("book", "_config.yml", "_toc.yml")


class ScenarioError(RuntimeError):
    """A run that cannot start or did not finish; the message says why, for a person."""


def _reads(name: str) -> tuple[str, ...]:
    """The pages ``name`` reads, as runthenumbers/chapters.py declares them (none for an undeclared notebook)."""
    return declared.reads_of(name) or ()


@dataclass(frozen=True)
class Scenario:
    """Checked inputs of a run: the values given (by name) and the notebooks to execute.

    ``notebooks`` lists each page after the pages it reads (runthenumbers/chapters.py): the chapters
    first, then the pages that read their values.
    """

    given: dict[str, float | int]
    notebooks: tuple[str, ...]

    @property
    def chapters(self) -> tuple[str, ...]:
        """The pages that take inputs: those that read no other page."""
        return tuple(n for n in self.notebooks if not _reads(n))

    @property
    def summaries(self) -> tuple[str, ...]:
        """The pages that read others' values."""
        return tuple(n for n in self.notebooks if _reads(n))

    @property
    def waves(self) -> list[tuple[str, ...]]:
        """The notebooks in groups that run in parallel, each group after every page its pages read."""
        depth: dict[str, int] = {}
        for name in self.notebooks:
            depth[name] = 1 + max((depth[r] for r in _reads(name) if r in depth), default=-1)
        return [tuple(n for n in self.notebooks if depth[n] == d) for d in sorted(set(depth.values()))]


def _known(name: str) -> None:
    if name not in REGISTRY:
        raise ParameterError(unknown_parameter_message(name, sorted(REGISTRY)))


# A parameters file names a few dozen inputs in a few KB; anything far larger is not one (64 KiB is ten times
# the largest useful one), and reading
# it whole (/dev/zero, a disk image) would exhaust memory.
PARAMS_FILE_LIMIT = 65_536


def read_params_file(path: Path) -> str:
    """The text of a parameters file: a regular file of at most :data:`PARAMS_FILE_LIMIT` bytes, UTF-8."""
    if not path.exists():
        raise ParameterError(f"parameters file {shown(str(path))} does not exist")
    if not path.is_file():
        raise ParameterError(
            f"parameters file {shown(str(path))} is not a regular file; give a YAML file of NAME: VALUE"
        )
    with path.open("rb") as handle:
        raw = handle.read(PARAMS_FILE_LIMIT + 1)
    if len(raw) > PARAMS_FILE_LIMIT:
        raise ParameterError(
            f"parameters file {shown(str(path))} is larger than {PARAMS_FILE_LIMIT:,} bytes; a parameters file maps a few names to values"
        )
    return raw.decode("utf-8")


def collect_values(assignments: Iterable[str], params_file: Path | None) -> dict[str, float | int]:
    """Values from ``NAME=VALUE`` strings and a YAML mapping; ``--set`` wins over the file. Values are
    read as typed (:meth:`runthenumbers.parameters.Parameter.read`): ``sofr=5%``, ``csci_scheduled_delivery=2027-06-30``.

    The file is read without YAML aliases; a name set twice with ``--set`` is refused.
    """
    given: dict[str, object] = {}
    if params_file is not None:
        try:
            loaded = safeyaml.load(read_params_file(params_file)) or {}
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
            raise ParameterError(f"cannot read parameters file {shown(str(params_file))}: {describe(error)}") from None
        if not isinstance(loaded, dict):
            raise ParameterError(f"parameters file {shown(str(params_file))} must map names to values")
        for name, value in loaded.items():
            _known(str(name))
            given[str(name)] = value
    set_here: set[str] = set()
    for assignment in assignments:
        name, sep, text = assignment.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"--set {shown(assignment)} is not NAME=VALUE")
        _known(name)
        if name in set_here:
            raise ParameterError(f"--set {name} is given more than once; give each name once")
        set_here.add(name)
        given[name] = text
    # Each value as typed (a number, 5%, 2026-12-31) is read and checked by its parameter.
    return {name: REGISTRY[name].check(value) for name, value in given.items()}


def plan(given: Mapping[str, float | int], notebooks: Iterable[str] = ()) -> Scenario:
    """Check the inputs against every notebook that will run, before any of them runs.

    Without ``notebooks`` a run executes the chapters that read one of the inputs given (every chapter
    when none is given). The pages that read their published values (runthenumbers/chapters.py's
    ``reads``) run after them, so that no page of the run's site shows a baseline value of a changed output.
    """
    pages = [p.stem for p in paired_notebooks()]
    available = [p for p in pages if not _reads(p)]
    named = [n for name in notebooks for n in name.split(",") if n]
    for name in named:
        if name not in pages:
            raise ScenarioError(f"unknown notebook '{name}'; available: {', '.join(pages)}")
    if named:
        chosen = [n for n in named if n in available]
    elif given:
        chosen = [n for n in available if set(given) & set(for_notebook(n))]
    else:
        chosen = available
    unused = sorted(set(given) - {p for n in chosen for p in for_notebook(n)})
    if unused:
        raise ParameterError(f"{', '.join(unused)} not used by the notebooks selected ({', '.join(chosen) or 'none'})")
    ledger = load_ledger()
    for name in chosen:
        resolve(name, given, ledger)
    running = {*chosen, *declared.readers_of(chosen), *(n for n in named if _reads(n))}
    return Scenario(given=dict(given), notebooks=tuple(p for p in pages if p in running))


def comparison_rows(baseline: Mapping[str, Mapping], scenario: Mapping[str, Mapping]) -> list[dict[str, object]]:
    """One row per glued value: baseline, scenario and, for numbers, the change."""
    rows = []
    for notebook, values in scenario.items():
        for name, value in values.items():
            before = baseline.get(notebook, {}).get(name)
            numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (before, value))
            change = value - before if numeric else None
            relative = change / before if numeric and before else None
            rows.append(
                {
                    "notebook": notebook,
                    "name": name,
                    "baseline": before,
                    "scenario": value,
                    "change": change,
                    "relative_change": relative,
                    "changed": before != value,
                }
            )
    return rows


def _execute(name: str, parameters: dict, workdir: str, published: str | None = None) -> tuple[str, float]:
    """Execute one notebook (in a worker process); return its name and seconds taken.

    ``published`` is the folder of executed notebooks a summary page reads the chapters' values from.
    """
    import papermill  # imported here: it is heavy, and only workers need it

    started = time.perf_counter()
    source = Path(workdir) / "source" / f"{name}.ipynb"
    source.parent.mkdir(exist_ok=True)
    jupytext.write(read_markdown(NOTEBOOK_DIR / f"{name}.md"), source)
    target = Path(workdir) / "notebooks" / f"{name}.ipynb"
    if published:
        os.environ[PUBLISHED_ENV] = published  # the kernel inherits it
    else:
        os.environ.pop(PUBLISHED_ENV, None)
    _kernel_scratch(Path(workdir) / KERNEL_SCRATCH)
    for attempt in range(1, KERNEL_STARTS + 1):
        try:
            papermill.execute_notebook(
                str(source),
                str(target),
                parameters=parameters,
                kernel_name=KERNEL,
                cwd=workdir,
                progress_bar=False,
                log_output=False,
                extra_arguments=list(KERNEL_ARGUMENTS),
            )
            break
        except papermill.PapermillExecutionError as error:
            raise ScenarioError(
                f"notebook '{name}' failed in cell {error.exec_count}: {error.ename}: {error.evalue}"
            ) from None
        except Exception as error:
            if attempt == KERNEL_STARTS or not kernel_did_not_start(error):
                raise
            # Two runs can race for a port: jupyter_client picks free ports and the kernel binds them later.
    hide_injected_parameters(target)
    return name, time.perf_counter() - started


# A folder of the run's temporary output for what kernels write outside the notebook: each kernel's
# connection file (its ports and HMAC key), IPython's profile, temporary files. The guard removes the
# temporary output however the run ends, SIGKILL included, so nothing of a kernel outlives the run in
# TMPDIR or in a home folder that cannot be written (IPython would fall back to a new /tmp folder a kernel).
KERNEL_SCRATCH = "kernels"
# Starts of a kernel tried before a run gives up: a kernel that died before answering (a port another
# run's kernel took between jupyter_client choosing it and the kernel binding it) is started again, quietly.
KERNEL_STARTS = 3
_NOT_STARTED = ("Kernel died before replying to kernel_info", "Address already in use")


def kernel_did_not_start(error: BaseException) -> bool:
    """Whether ``error`` says a kernel died while starting (worth one more start), not that a cell failed."""
    return any(text in str(error) for text in _NOT_STARTED)


def _kernel_scratch(scratch: Path) -> None:
    """Point this worker and the kernels it starts at ``scratch`` for their temporary files."""
    scratch.mkdir(exist_ok=True)
    for variable, folder in (
        ("TMPDIR", scratch),
        ("JUPYTER_RUNTIME_DIR", scratch / "runtime"),
        ("IPYTHONDIR", scratch / "ipython"),
    ):
        folder.mkdir(exist_ok=True)
        os.environ[variable] = str(folder)
    tempfile.tempdir = str(scratch)  # jupyter_client writes the connection file with tempfile.mkstemp
    # What kernels print to stderr (a kernel that lost a port race prints ZMQ's traceback) goes to a log here,
    # not into the run's messages: a cell's errors come back through the notebook, a run's own through the pool.
    if multiprocessing.parent_process() is not None:  # a pool worker: never the command's own stderr
        log = os.open(scratch / "kernels-stderr.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log, sys.stderr.fileno())
        os.close(log)


def hide_injected_parameters(path: Path) -> None:
    """Hide the cell papermill adds with the run's inputs (it does not copy the original cell's tags):
    the page shows its inputs as a labelled table instead."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags and "remove-input" not in tags:
            tags.append("remove-input")
    nbformat.write(notebook, path)


def _banner(given: Mapping[str, object], ledger) -> str:
    changes = [
        f"{REGISTRY[name].reader_label} = {REGISTRY[name].format(value)} "
        f"(baseline {REGISTRY[name].format(REGISTRY[name].default_value(ledger))})"
        for name, value in sorted(given.items())
    ]
    return "Scenario run: " + ("; ".join(changes) if changes else "no inputs changed (baseline values)")


def _build_site(workdir: Path, published: Path, banner: str) -> Path:
    """A copy of the book whose pages are this run's notebooks (``published``), with a banner naming the inputs.

    The build reads the claims' checked figures and the home page's findings from the same notebooks.
    """
    source = workdir / "site-source"
    for item in SITE_SOURCES:
        origin = REPO_ROOT / item
        (shutil.copytree if origin.is_dir() else shutil.copy2)(origin, source / item)
    shutil.copytree(published, source / "notebooks")
    config = yaml.safe_load((source / "_config.yml").read_text(encoding="utf-8"))
    # The book sets html_theme_options itself, which replaces Jupyter Book's html.announcement.
    config["sphinx"]["config"]["html_theme_options"]["announcement"] = banner
    (source / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    result = interrupts.run_group(
        [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(source),
            "--path-output",
            str(workdir / "site-build"),
            "-n",
            "--keep-going",
        ],
        env={**os.environ, PUBLISHED_ENV: str(source / "notebooks")},
    )
    html = workdir / "site-build" / "_build" / "html"
    if result.returncode != 0 or not (html / "index.html").exists():
        raise ScenarioError(f"the scenario's site did not build:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return html


def _run_all(pool, scenario: Scenario, names: tuple[str, ...], workdir: Path, published: Path | None, progress) -> None:
    jobs = [
        pool.submit(
            _execute,
            name,
            {k: v for k, v in scenario.given.items() if k in for_notebook(name)},
            str(workdir),
            str(published) if published and _reads(name) else None,
        )
        for name in names
    ]
    for job in as_completed(jobs):
        name, seconds = job.result()
        if progress:
            progress(name, seconds)


def run(
    scenario: Scenario,
    out: Path,
    *,
    site: bool = True,
    force: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> dict:
    """Execute the scenario's notebooks in parallel and write the results into ``out``.

    ``out`` is checked, locked and written through :func:`outputs.writing`: the run works in a
    temporary sibling folder that becomes ``out`` only when everything finished.
    """
    with outputs.writing(out, outputs.RUN, force=force) as workdir:
        ledger = load_ledger()
        (workdir / "notebooks").mkdir()
        # The notebooks every page of the run reads: the committed ones, each replaced by its run as it finishes.
        published = workdir / "published"
        shutil.copytree(NOTEBOOK_DIR, published, ignore=shutil.ignore_patterns("*.md", ".*"))
        pool = ProcessPoolExecutor(
            max_workers=min(len(scenario.notebooks), os.cpu_count() or 1), initializer=interrupts.worker_setup
        )
        try:
            # Each page runs after the pages it reads, and reads their run from published/.
            for wave in scenario.waves:
                _run_all(pool, scenario, wave, workdir, published, progress)
                for name in wave:
                    shutil.copy2(workdir / "notebooks" / f"{name}.ipynb", published / f"{name}.ipynb")
        except BaseException:
            # A failed notebook or an interrupt: queued notebooks never start, running kernels stop.
            interrupts.stop_pool(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(workdir / "source")
        shutil.rmtree(workdir / KERNEL_SCRATCH, ignore_errors=True)
        values = {
            name: glued_values(nbformat.read(workdir / "notebooks" / f"{name}.ipynb", as_version=4))
            for name in scenario.notebooks
        }
        rows = comparison_rows(baseline_values(scenario.notebooks, NOTEBOOK_DIR), values)
        with (workdir / "comparison.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["notebook"], lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        if site:
            html = _build_site(workdir, published, _banner(scenario.given, ledger))
            shutil.move(str(html), workdir / "site")
            shutil.rmtree(workdir / "site-source")
            shutil.rmtree(workdir / "site-build")
        shutil.rmtree(published)
        parameters = {k: v for name in scenario.chapters for k, v in resolve(name, scenario.given, ledger).items()}
        results = {"parameters": parameters, "values": values}
        # Written last: its presence means the run finished.
        (workdir / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return results
