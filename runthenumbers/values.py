"""The one reader of values across pages: what an executed notebook published, read only as declared.

A page that shows another page's numbers (the summary, the home page, the claims ledger, the
source-quality panel) reads them here, through a :class:`Reader` named after itself. The reader
refuses a page that its entry in :mod:`runthenumbers.chapters` does not list in ``reads``, as OWID's
``PathFinder`` refuses an undeclared dependency, so the declarations are the dependency graph: the
order pages run in, what a scenario re-runs and what a changed page makes stale all follow from them.

The notebooks are read from :func:`published_dir`: the committed ``notebooks/``, or a scenario run's
folder, which the runner names in the environment variable :data:`PUBLISHED_ENV` for the pages it
re-executes and the site it builds, so that every page of a run reads the run's values.

What a notebook publishes: each glued value (:data:`GLUE_MIME`, see :func:`glued_values`) and its
provenance, the formula and ledger facts behind each value (:data:`PROVENANCE_MIME`, written by
:func:`runthenumbers.publish.provenance`; see :func:`provenance_of`).
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterable
from pathlib import Path

import nbformat

from . import chapters

NOTEBOOK_DIR = chapters.REPO_ROOT / "notebooks"
PUBLISHED_ENV = "RUNTHENUMBERS_NOTEBOOKS"
GLUE_MIME = "application/papermill.record/text/plain"
PROVENANCE_MIME = "application/vnd.runthenumbers.provenance+json"


class UndeclaredRead(LookupError):
    """A page read another page's values without declaring it in runthenumbers/chapters.py."""

    def __str__(self) -> str:
        return self.args[0]


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


def provenance_of(notebook: nbformat.NotebookNode) -> dict[str, dict]:
    """``{name: {"value": ..., "formula": ..., "facts": [...]}}`` as the notebook's provenance output stored it."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if PROVENANCE_MIME in output.get("data", {}):
                payload = output["data"][PROVENANCE_MIME]
                return payload if isinstance(payload, dict) else json.loads(payload)
    return {}


def published_dir() -> Path:
    """The folder of executed notebooks whose values the pages read: the committed ``notebooks/``, or
    a scenario run's, named by the environment variable :data:`PUBLISHED_ENV`."""
    return Path(os.environ.get(PUBLISHED_ENV) or NOTEBOOK_DIR)


def baseline_values(notebooks: Iterable[str], directory: Path | None = None) -> dict[str, dict[str, object]]:
    """The glued values of the executed notebooks in ``directory`` (default :func:`published_dir`).

    The runner's and the tests' view of a folder of notebooks, with no declaration checked: a page reads
    through a :class:`Reader`.
    """
    folder = Path(directory) if directory else published_dir()
    return {name: glued_values(nbformat.read(folder / f"{name}.ipynb", as_version=4)) for name in notebooks}


class Reader:
    """The values ``reader`` (a page of :mod:`runthenumbers.chapters`) may read: those of the pages it declares.

    ``directory`` defaults to :func:`published_dir` when the reader is made. Each notebook is read once.
    """

    def __init__(self, reader: str, directory: Path | None = None):
        declared = chapters.reads_of(reader)
        if declared is None:
            raise UndeclaredRead(
                f"'{reader}' is not a page of runthenumbers/chapters.py (a Chapter or a BookPage), so it declares no reads"
            )
        self.page = reader
        self.reads: tuple[str, ...] = tuple(declared)
        self.directory = Path(directory) if directory else published_dir()
        self._notebooks: dict[str, nbformat.NotebookNode] = {}

    def declares(self, page: str) -> bool:
        return page in self.reads

    def path(self, page: str) -> Path:
        return self.directory / f"{page}.ipynb"

    def exists(self, page: str) -> bool:
        return self.path(page).is_file()

    def _notebook(self, page: str) -> nbformat.NotebookNode:
        if page not in self.reads:
            raise UndeclaredRead(
                f"{self.page} reads the values of {page}, which runthenumbers/chapters.py does not declare: "
                f"add '{page}' to the reads of '{self.page}' (it reads: {', '.join(self.reads) or 'nothing'})"
            )
        if page not in self._notebooks:
            self._notebooks[page] = nbformat.read(self.path(page), as_version=4)
        return self._notebooks[page]

    def values(self, page: str) -> dict[str, object]:
        """Every value ``page`` published, by name."""
        return glued_values(self._notebook(page))

    def provenance(self, page: str) -> dict[str, dict]:
        """How ``page`` computed each value it published: formula and ledger facts, by name."""
        return provenance_of(self._notebook(page))

    def value(self, page: str, name: str) -> object:
        """One value ``page`` published; a name it did not publish is refused with the page's name."""
        published = self.values(page)
        if name not in published:
            raise KeyError(f"notebooks/{page}.ipynb publishes no value '{name}'")
        return published[name]

    def __getitem__(self, page: str) -> dict[str, object]:
        return self.values(page)


def published(page: str, reader: str, directory: Path | None = None) -> dict[str, object]:
    """The values ``page`` published, read by page ``reader``, which must declare that it reads ``page``."""
    return Reader(reader, directory).values(page)
