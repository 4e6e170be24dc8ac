"""A folder of executed notebooks written by hand, for tests of what pages read from each other."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from runthenumbers.values import GLUE_MIME, PROVENANCE_MIME


def write_page(folder: Path, page: str, derivations: dict[str, dict]) -> Path:
    """``folder/<page>.ipynb`` publishing each value of ``derivations`` (name -> value, formula, facts)
    as ``publish`` glues it, with the provenance output ``publish.provenance()`` displays."""
    outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={GLUE_MIME: repr(how["value"])},
            metadata={"scrapbook": {"name": name, "data": True, "display": False}},
        )
        for name, how in derivations.items()
    ]
    outputs.append(nbformat.v4.new_output("display_data", data={PROVENANCE_MIME: json.dumps(derivations)}))
    cell = nbformat.v4.new_code_cell("publish.provenance()", outputs=outputs, execution_count=1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{page}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path
