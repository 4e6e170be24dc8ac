"""Keep each paired notebook's executed ``.ipynb`` in step with its reviewable ``.md``.

``python -m runthenumbers.runner.notebooks`` (``make execute``) rebuilds every ``notebooks/*.ipynb`` from its
``.md`` twin and executes it in place. Execution records no timings, so re-running it on unchanged
inputs rewrites byte-identical files.
"""

from __future__ import annotations

import ast
import hashlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from ..data import REPO_ROOT
from . import freshness

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
GLUE_MIME = "application/papermill.record/text/plain"
# Pages that summarise the chapters' committed outputs: executed after them, never re-run with new inputs.
SUMMARIES = ("after", "summary")
KERNEL = "python3"
PUBLISHED_ENV = "RUNTHENUMBERS_NOTEBOOKS"
# Kernels log only errors: ipykernel's warning that it talks over local TCP without encryption is
# about a kernel on this machine, started for one notebook, and would alarm a reader of the output.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR",)


def paired_notebooks(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The ``.md`` notebooks (those with a jupytext header) in ``directory``: chapters by name, then summaries."""
    found = [p for p in directory.glob("*.md") if "jupytext:" in p.read_text(encoding="utf-8").split("\n---", 1)[0]]
    return sorted(found, key=lambda p: (p.stem in SUMMARIES, p.stem))


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


def execute(markdown: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """The notebook of ``markdown``, executed in its own directory."""
    notebook = read_markdown(markdown)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=KERNEL,
        record_timing=False,
        extra_arguments=list(KERNEL_ARGUMENTS),
        resources={"metadata": {"path": str(markdown.parent)}},
    )
    client.execute()
    return notebook


def write_pair(markdown: Path) -> Path:
    """Execute ``markdown`` and write its ``.ipynb`` twin beside it, with the digest of the ledger it read."""
    target = markdown.with_suffix(".ipynb")
    executed = execute(markdown)
    freshness.record(executed)  # make book refuses the notebook once data/ changes
    jupytext.write(executed, target)
    return target


def glued_values(notebook: nbformat.NotebookNode) -> dict[str, object]:
    """Every scalar the notebook glued, by name, read back as a Python value."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and GLUE_MIME in output.get("data", {}):
                text = output["data"][GLUE_MIME]
                try:
                    values[name] = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    values[name] = text
    return values


def published_dir() -> Path:
    """The folder of executed notebooks whose values the pages read: the committed ``notebooks/``, or
    a scenario run's, named by the environment variable :data:`PUBLISHED_ENV` (set by the runner for the
    summary pages it re-executes and for the site it builds)."""
    return Path(os.environ.get(PUBLISHED_ENV) or NOTEBOOK_DIR)


def baseline_values(notebooks: Iterable[str], directory: Path | None = None) -> dict[str, dict[str, object]]:
    """The glued values of the executed notebooks in ``directory`` (default :func:`published_dir`)."""
    folder = Path(directory) if directory else published_dir()
    return {name: glued_values(nbformat.read(folder / f"{name}.ipynb", as_version=4)) for name in notebooks}


def main(argv: list[str]) -> int:
    targets = [Path(a) for a in argv] or paired_notebooks()
    for markdown in targets:
        print(f"executing {markdown.name} ...", flush=True)
        print(f"  wrote {write_pair(markdown.resolve()).relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
