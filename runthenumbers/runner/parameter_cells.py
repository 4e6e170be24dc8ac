"""``python -m runthenumbers.runner.parameter_cells`` (run by ``make pages``): rewrite each notebook's papermill
parameters cell from the registry (:func:`runthenumbers.parameters.parameters_cell`), so that
``papermill --help-notebook`` shows every input's type, range and default as the registry declares them."""

from __future__ import annotations

import re
import sys

from ..files import write_atomically
from ..parameters import for_notebook, parameters_cell
from .notebooks import NOTEBOOK_DIR

# A MyST code cell tagged as papermill's parameters cell: its fence and tags line, its source, its closing fence.
CELL = re.compile(r"(```\{code-cell\}[^\n]*\n:tags: \[parameters[^\n]*\]\n\n)(.*?)(\n```)", re.DOTALL)


def rewrite(text: str, notebook: str) -> str:
    """``text`` (a notebook's MyST source) with its parameters cell generated from the registry."""
    found = CELL.findall(text)
    if len(found) != 1:
        raise ValueError(f"notebooks/{notebook}.md: expected one cell tagged 'parameters', found {len(found)}")
    return CELL.sub(lambda m: m[1] + parameters_cell(notebook) + m[3], text)


def main() -> int:
    for markdown in sorted(NOTEBOOK_DIR.glob("*.md")):
        if not for_notebook(markdown.stem):
            continue
        text = markdown.read_text(encoding="utf-8")
        written = rewrite(text, markdown.stem)
        if written != text:
            write_atomically(markdown, written)
            print(f"rewrote the parameters cell of notebooks/{markdown.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
