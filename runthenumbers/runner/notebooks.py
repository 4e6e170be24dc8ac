"""Keep each paired notebook's executed ``.ipynb`` in step with its reviewable ``.md``.

``python -m runthenumbers.runner.notebooks`` (``make execute``) rebuilds every ``notebooks/*.ipynb`` from its
``.md`` twin and executes it in place. Execution records no timings, so re-running it on unchanged
inputs rewrites byte-identical files.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from .. import chapters
from ..data import REPO_ROOT
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


def main(argv: list[str]) -> int:
    targets = [Path(a) for a in argv] or paired_notebooks()
    for markdown in targets:
        print(f"executing {markdown.name} ...", flush=True)
        print(f"  wrote {write_pair(markdown.resolve()).relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
