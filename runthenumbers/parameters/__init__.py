"""The one registry of every notebook input: its default, type, range, unit and meaning.

A notebook's papermill ``parameters`` cell assigns each of its registered names either ``None``
("take the default", which for most inputs is a ledger fact) or a literal. :func:`resolve` turns
that namespace into checked values before any computation runs; the scenario runner validates its
``--set`` values with the same code, so the notebook and the runner cannot disagree.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from ..data import Ledger
from ..errors import shown
from . import capex, concentration, debt, partner_risk, uncertainty
from .core import Parameter, ParameterError

# Each chapter declares its inputs in a submodule named after its notebook, as PARAMETERS, and may
# define check(values) for rules that tie several inputs together (a draw within its facility).
CHAPTERS = (concentration, debt, capex, partner_risk, uncertainty)


REGISTRY: dict[str, Parameter] = {p.name: p for chapter in CHAPTERS for p in chapter.PARAMETERS}


def for_notebook(notebook: str) -> dict[str, Parameter]:
    return {name: p for name, p in REGISTRY.items() if notebook in p.notebooks}


def unknown_parameter_message(name: str, valid: list[str]) -> str:
    """Name the closest valid names, if any are close; `runthenumbers params` lists them all."""
    closest = difflib.get_close_matches(name, valid, n=3)
    hint = f"did you mean {' or '.join(repr(c) for c in closest)}?" if closest else "no parameter has a similar name;"
    return f"unknown parameter {shown(name)}; {hint} `runthenumbers params` lists all {len(valid)}"


def resolve(notebook: str, namespace: Mapping[str, object], ledger: Ledger) -> dict[str, float | int]:
    """Checked values of ``notebook``'s parameters, read from ``namespace`` (``None`` = default)."""
    parameters = for_notebook(notebook)
    if not parameters:
        raise ParameterError(f"no parameters registered for notebook '{notebook}'")
    resolved = {}
    for name, parameter in parameters.items():
        given = namespace.get(name)
        resolved[name] = parameter.check(parameter.default_value(ledger) if given is None else given)
    for chapter in CHAPTERS:
        if chapter.__name__.rsplit(".", 1)[-1] == notebook and hasattr(chapter, "check"):
            chapter.check(resolved, ledger)
    return resolved
