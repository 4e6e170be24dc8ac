"""Run a chapter's model code in this process, with given inputs: every code cell of its notebook's MyST
source in order, the inputs assigned after the parameters cell as papermill would, and nothing shown.

What the page would publish is read back from :mod:`runthenumbers.publish`'s record of glued values, so
a test can ask of any input whether every chapter completes and every published value is finite, in a
fraction of the time a kernel takes (the property test in ``test_finite_book.py``).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import warnings
from collections.abc import Mapping
from pathlib import Path

import jupytext

from runthenumbers import publish
from runthenumbers.runner.notebooks import NOTEBOOK_DIR


def code_cells(notebook: str) -> list[tuple[bool, str]]:
    """``(is_parameters_cell, source)`` of each code cell of ``notebooks/<notebook>.md``."""
    parsed = jupytext.read(NOTEBOOK_DIR / f"{notebook}.md")
    return [
        ("parameters" in cell.metadata.get("tags", []), cell.source)
        for cell in parsed.cells
        if cell.cell_type == "code"
    ]


def run_chapter(notebook: str, inputs: Mapping[str, object]) -> dict[str, object]:
    """Execute ``notebook``'s code with ``inputs``; return every value it published (name: value)."""
    publish._DERIVATIONS.clear()
    namespace: dict[str, object] = {"__name__": "__main__"}
    here = Path.cwd()
    os.chdir(NOTEBOOK_DIR)
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for index, (is_parameters, source) in enumerate(code_cells(notebook)):
                # IPython's magics (%matplotlib) and shell escapes are not Python; no chapter relies on them.
                lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
                code = compile("\n".join(lines), f"<{notebook} cell {index}>", "exec")
                exec(code, namespace)  # noqa: S102 - the project's own notebooks
                if is_parameters:
                    namespace.update(inputs)
    finally:
        os.chdir(here)
    return {name: how["value"] for name, how in publish._DERIVATIONS.items()}


def not_finite(published: Mapping[str, object]) -> dict[str, object]:
    """The published numbers that are NaN or infinite (none may be)."""
    return {name: value for name, value in published.items() if isinstance(value, float) and not math.isfinite(value)}
