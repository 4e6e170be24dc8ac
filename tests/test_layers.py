"""The package's layers: a module imports only from its own layer or the layers below it.

The layers are the README's table ("The package, from the bottom layer up"); this test reads that
table, so the README and the code cannot drift apart, and fails on any import that climbs it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from runthenumbers.data import REPO_ROOT

PACKAGE = REPO_ROOT / "runthenumbers"


def readme_layers() -> dict[str, int]:
    """Each module or subpackage of the README's layer table with its layer's rank (0 is the bottom)."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("The package, from the bottom layer up", 1)[1].split("\n\n", 2)[1]
    layers = {}
    for rank, row in enumerate(line for line in table.splitlines()[2:] if line.startswith("|")):
        modules = row.split("|")[2]
        for name in re.findall(r"`([a-z_]+)/?`", modules):
            layers[name] = rank
    return layers


def top_module(path: Path) -> str:
    """The first part of ``path`` inside the package: ``credit`` for credit.py, ``site`` for site/home.py."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported_modules(source: str, depth: int) -> list[tuple[int, str]]:
    """(line, top module) of every import of the package in ``source``, relative or absolute, for a module
    ``depth`` folders below the package's top (0 for credit.py, 1 for site/home.py)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level == depth + 1:  # from the package's top: `from .x import` in credit.py
                names = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
            elif node.level == 0 and (node.module or "").startswith("runthenumbers."):
                names = [node.module.split(".")[1]]
            else:
                continue
            found += [(node.lineno, name) for name in names]
    return sorted(found)


# Imports that climb today, each with the work that removes it; the list only shrinks.
KNOWN_CLIMBS: dict[str, str] = {}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if top_module(p) not in ("__init__", "__main__"))


def test_every_module_is_in_a_layer_of_the_readme():
    layers = readme_layers()
    missing = sorted({top_module(p) for p in MODULES} - set(layers))
    assert not missing, f"add these to the README's layer table: {missing}"
    assert not set(layers) - {top_module(p) for p in MODULES}, "the README's table names a module that is gone"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_from_a_layer_above_it(path):
    if str(path.relative_to(PACKAGE)) in KNOWN_CLIMBS:
        pytest.xfail(KNOWN_CLIMBS[str(path.relative_to(PACKAGE))])
    layers = readme_layers()
    me = top_module(path)
    climbing = [
        f"{path.relative_to(REPO_ROOT)}:{line} imports {them} (layer {layers[them]} above {layers[me]})"
        for line, them in imported_modules(path.read_text(encoding="utf-8"), len(path.relative_to(PACKAGE).parts) - 1)
        if them in layers and layers[them] > layers[me]
    ]
    assert not climbing, "\n".join(climbing)


def test_the_walk_finds_imports_at_any_depth_and_in_functions():
    source = (
        "from .runner.notebooks import glued_values\n"
        "from . import data, units\n"
        "def f():\n    from runthenumbers.site import assets\n"
        "from .. import chapters\n"
        "import numpy\n"
    )
    assert imported_modules(source, 0) == [(1, "runner"), (2, "data"), (2, "units"), (4, "site")]
    assert imported_modules(source, 1) == [(4, "site"), (5, "chapters")]
    layers = readme_layers()
    assert layers["runner"] > layers["credit"] > layers["data"] > layers["chapters"]
