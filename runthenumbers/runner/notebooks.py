"""Keep each paired notebook's executed ``.ipynb`` in step with its reviewable ``.md``.

``python -m runthenumbers.runner.notebooks`` (``make execute``) rebuilds from its ``.md`` twin and
executes in place each ``notebooks/*.ipynb`` whose inputs changed since it ran (its record, see
:mod:`.freshness`, says which), in execution order, so a page that reads a re-executed page is checked
after it; with nothing changed it executes nothing and says so. ``--force`` (``make execute
FORCE=1``) executes every notebook; notebooks named as arguments are executed whatever their records
say. Execution records no timings, so re-running it on unchanged inputs rewrites byte-identical files.
"""

from __future__ import annotations

import hashlib
import logging
import signal
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from .. import chapters
from ..data import REPO_ROOT
from ..files import write_atomically
from ..values import GLUE_MIME, NOTEBOOK_DIR
from . import freshness

__all__ = ["GLUE_MIME", "NOTEBOOK_DIR", "SUMMARIES", "execute", "paired_notebooks", "read_markdown", "write_pair"]

# Pages that read other pages' values (runthenumbers/chapters.py): executed after them, with no inputs of their own.
SUMMARIES = tuple(c.name for c in chapters.reading_pages())
KERNEL = "python3"
# Kernels log only errors: ipykernel's warning that it talks over local TCP without encryption is
# about a kernel on this machine, started for one notebook, and would alarm a reader of the output.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR",)


def paired_notebooks(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The ``.md`` notebooks (those with a jupytext header) in ``directory``, in execution order: each
    after the pages it reads (:func:`runthenumbers.chapters.execution_order`), undeclared ones last by name."""
    found = [p for p in directory.glob("*.md") if "jupytext:" in p.read_text(encoding="utf-8").split("\n---", 1)[0]]
    order = [c.name for c in chapters.execution_order()]
    return sorted(found, key=lambda p: (order.index(p.stem) if p.stem in order else len(order), p.stem))


def read_markdown(markdown: Path) -> nbformat.NotebookNode:
    """The notebook a MyST ``.md`` twin describes (read as MyST whatever its header says).

    Cell ids are derived from each cell's place and source: jupytext would draw random ones, and the
    executed ``.ipynb`` must come out byte-identical from unchanged inputs.
    """
    notebook = jupytext.read(markdown, fmt="md:myst")
    for index, cell in enumerate(notebook.cells):
        digest = hashlib.sha256(f"{index}\n{cell.source}".encode()).hexdigest()[:12]
        cell["id"] = f"c{index:03d}-{digest}"
    return notebook


def execute(markdown: Path, timeout: int = 600) -> tuple[nbformat.NotebookNode, dict]:
    """The notebook of ``markdown``, executed in its own directory, and what its kernel read.

    A last cell (:data:`.freshness.REPORT_CELL`) asks the kernel for its log of reads; it is removed
    before the notebook is returned.
    """
    notebook = read_markdown(markdown)
    notebook.cells.append(nbformat.v4.new_code_cell(freshness.REPORT_CELL, id="rtn-reads"))
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=KERNEL,
        record_timing=False,
        extra_arguments=list(KERNEL_ARGUMENTS),
        resources={"metadata": {"path": str(markdown.parent)}},
    )
    # A kernel's own stderr holds nothing a cell's outputs do not (errors come back as outputs), but a
    # kernel stopped by Ctrl-C prints its ZMQ tracebacks there: they would bury make execute's one line.
    client.execute(stderr=subprocess.DEVNULL)
    reads = freshness.reads_from(notebook.cells.pop())
    return notebook, reads


def write_pair(markdown: Path) -> Path:
    """Execute ``markdown`` and write its ``.ipynb`` twin beside it, with the digests of the inputs it read."""
    target = markdown.with_suffix(".ipynb")
    executed, reads = execute(markdown)
    # make book refuses the notebook once one of them changes; make execute re-executes it.
    freshness.record(executed, markdown.stem, reads, notebook_dir=markdown.parent)
    text = jupytext.writes(executed, fmt="ipynb")
    write_atomically(target, text if text.endswith("\n") else text + "\n")  # as jupytext.write ends a file
    return target


def plan(directory: Path = NOTEBOOK_DIR, force: bool = False):
    """Yield each notebook of ``directory`` to execute, in execution order, with why (``None`` for ``force``).

    Each page is checked when its turn comes, so a page that reads a page just executed again is
    checked against that page's new record.
    """
    inputs = freshness.Inputs(directory)
    for markdown in paired_notebooks(directory):
        if force:
            yield markdown, None
            continue
        try:
            found = freshness.changes(markdown.stem, inputs)
        except freshness.Unreadable as error:
            found = [f"notebooks/{markdown.stem}.ipynb cannot be read: {error}"]
        if found:
            yield markdown, found
            inputs.forget(f"notebooks/{markdown.stem}.ipynb")


def main(argv: list[str]) -> int:
    """``make execute``: one line, not a traceback, when it is stopped or cannot write (exit 130, 143 or 2).

    A stop can surface as another error: nbclient, cleaning up a kernel that Ctrl-C took down, raises its
    own (``DeadKernelError``, then an ``AssertionError``); once a stop signal came, any error is the stop.
    """
    stopped: list[int] = []

    def stop(signum, frame):
        stopped.append(signum)
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # no "Future exception was never retrieved"
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _main(argv)
    except BaseException as error:
        if stopped or isinstance(error, KeyboardInterrupt):
            name = "Ctrl-C" if not stopped or stopped[0] == signal.SIGINT else signal.Signals(stopped[0]).name
            print(
                f"stopped by {name}: the notebooks written so far are complete and the one executing was not written",
                file=sys.stderr,
            )
            return 128 + (stopped[0] if stopped else signal.SIGINT)
        if isinstance(error, OSError):
            from ..errors import describe

            print(f"error: {describe(error)}; the notebook being written was left as it was", file=sys.stderr)
            return 2
        raise
    finally:
        for number, action in previous.items():
            signal.signal(number, action)


def _main(argv: list[str]) -> int:
    force = "--force" in argv
    named = [Path(a) for a in argv if a != "--force"]
    targets = ((m, None) for m in named) if named else plan(force=force)
    executed = 0
    for markdown, found in targets:
        why = f" ({freshness.because(found)})" if found else ""
        print(f"executing {markdown.name}{why} ...", flush=True)
        print(f"  wrote {write_pair(markdown.resolve()).relative_to(REPO_ROOT)}")
        executed += 1
    if not executed:
        print(
            "nothing to execute: every notebook's inputs are as they were when it ran (make execute FORCE=1 executes all)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
