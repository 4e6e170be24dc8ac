"""The one registry of every notebook input: its default, type, range, unit and meaning.

A notebook's papermill ``parameters`` cell assigns each of its registered names either ``None``
("take the default", which for most inputs is a ledger fact) or a literal. :func:`resolve` turns
that namespace into checked values before any computation runs; the scenario runner validates its
``--set`` values with the same code, so the notebook and the runner cannot disagree.

The contract of this package: each chapter with a notebook (see :mod:`runthenumbers.chapters`) has a
submodule named after it that *declares* its inputs and imports nothing from the models, only
:mod:`.core` and the leaf modules :mod:`runthenumbers.checks` and :mod:`runthenumbers.calendar`:

- ``PARAMETERS``: a tuple of :class:`~.core.Parameter`, each with its range;
- ``RULES`` (optional): a tuple of :class:`~.core.Rule`, checks that tie several inputs together or
  read the ledger (a draw within its facility). A rule runs whenever all of its inputs are resolved,
  whichever notebook asks, so an input shared with a new chapter keeps its checks.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Mapping

from .. import chapters
from ..access import Table, query, unlogged
from ..data import Ledger
from ..errors import shown
from .core import Parameter, ParameterError, Rule

__all__ = [
    "REGISTRY",
    "RULES",
    "Parameter",
    "ParameterError",
    "Rule",
    "for_notebook",
    "parameters_cell",
    "reader_label",
    "resolve",
]

# Every module is loaded, whichever page asks: a page depends on the declarations it looks up (REGISTRY,
# for_notebook), which runthenumbers.access notes, not on the list of chapters.
with unlogged():
    CHAPTER_MODULES = tuple(importlib.import_module(f"{__name__}.{c.name}") for c in chapters.with_inputs())

DECLARED: dict[str, Parameter] = {p.name: p for module in CHAPTER_MODULES for p in module.PARAMETERS}
# Each lookup noted (runthenumbers.access): a page depends on the parameters it looked up.
REGISTRY: Table[Parameter] = Table("parameters", DECLARED)
RULES: tuple[Rule, ...] = tuple(rule for module in CHAPTER_MODULES for rule in getattr(module, "RULES", ()))


# Reader labels of the uncertainty sweep's own inputs (those not in the registry; see runthenumbers.sweep).


def reader_label(name: str) -> str:
    """What a page shows for input ``name``: its registry label, or the name in words."""
    return REGISTRY[name].reader_label if name in REGISTRY else name.replace("_", " ")


@query
def for_notebook(notebook: str) -> dict[str, Parameter]:
    """The parameters of ``notebook``, in the registry's order."""
    return {name: p for name, p in DECLARED.items() if notebook in p.notebooks}


CELL_HEADER = (
    "# Inputs for papermill (`papermill --help-notebook` lists them): a value, or None for the default.\n"
    "# Generated from the parameter registry by `make pages`; `runthenumbers params` explains each.\n"
)


def parameters_cell(notebook: str) -> str:
    """The source of ``notebook``'s papermill parameters cell, one typed, commented line per registered input."""
    return CELL_HEADER + "\n".join(p.cell_line() for p in for_notebook(notebook).values())


def unknown_parameter_message(name: str, valid: list[str]) -> str:
    """Name the closest valid names, if any are close; `runthenumbers params` lists them all."""
    closest = difflib.get_close_matches(name, valid, n=3)
    hint = f"did you mean {' or '.join(repr(c) for c in closest)}?" if closest else "no parameter has a similar name;"
    return f"unknown parameter {shown(name)}; {hint} `runthenumbers params` lists all {len(valid)}"


def check_rules(values: Mapping[str, object], ledger: Ledger, rules: tuple[Rule, ...] | None = None) -> None:
    """Run every rule whose inputs are all among ``values``; the first broken one raises ParameterError."""
    for rule in RULES if rules is None else rules:
        if all(name in values for name in rule.inputs):
            rule.check(values, ledger)


def resolve(notebook: str, namespace: Mapping[str, object], ledger: Ledger) -> dict[str, float | int]:
    """Checked values of ``notebook``'s parameters, read from ``namespace`` (``None`` = default)."""
    parameters = for_notebook(notebook)
    if not parameters:
        raise ParameterError(f"no parameters registered for notebook '{notebook}'")
    resolved = {}
    for name, parameter in parameters.items():
        given = namespace.get(name)
        resolved[name] = parameter.checked_default(ledger) if given is None else parameter.check(given)
    check_rules(resolved, ledger)
    return resolved
