"""The one registry of every notebook input: its default, type, range, unit and meaning.

A notebook's papermill ``parameters`` cell assigns each of its registered names either ``None``
("take the default", which for most inputs is a ledger fact) or a literal. :func:`resolve` turns
that namespace into checked values before any computation runs; the scenario runner validates its
``--set`` values with the same code, so the notebook and the runner cannot disagree.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass

from .data import Ledger


class ParameterError(ValueError):
    """A parameter value that is unknown, of the wrong type or out of range."""


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    minimum: float
    maximum: float
    notebooks: tuple[str, ...]
    fact: str | None = None
    default: float | None = None
    kind: type = float

    def __post_init__(self) -> None:
        if (self.fact is None) == (self.default is None):
            raise ValueError(f"parameter {self.name}: give exactly one of fact and default")

    def default_value(self, ledger: Ledger) -> float:
        return self.kind(ledger.value(self.fact)) if self.fact else self.kind(self.default)

    def allowed(self) -> str:
        return f"{self.minimum:g} to {self.maximum:g} ({self.unit})"

    def check(self, value: object) -> float | int:
        """The value as this parameter's type, or a :class:`ParameterError` saying what is allowed."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParameterError(
                f"{self.name} = {value!r} is not a number; allowed: {self.kind.__name__} from {self.allowed()}"
            )
        if self.kind is int and value != int(value):
            raise ParameterError(f"{self.name} = {value!r} is not a whole number; allowed: {self.allowed()}")
        if not math.isfinite(value) or not self.minimum <= value <= self.maximum:
            raise ParameterError(f"{self.name} = {value!r} is outside the allowed range {self.allowed()}")
        return self.kind(value)


REGISTRY: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter(
            name="microsoft_share_2024",
            description="Microsoft's share of CoreWeave's FY2024 revenue",
            unit="fraction",
            minimum=0.0,
            maximum=1.0,
            notebooks=("concentration",),
            fact="cw_microsoft_share_fy2024",
        ),
        Parameter(
            name="top_two_share_2024",
            description="The two largest customers' combined share of FY2024 revenue",
            unit="fraction",
            minimum=0.0,
            maximum=1.0,
            notebooks=("concentration",),
            fact="cw_top_two_share_fy2024",
        ),
        Parameter(
            name="stress_top_two_revenue_lost",
            description="Stress case: the fraction of the two largest customers' revenue that goes away",
            unit="fraction",
            minimum=0.0,
            maximum=1.0,
            notebooks=("concentration",),
            default=0.5,
        ),
    )
}


def for_notebook(notebook: str) -> dict[str, Parameter]:
    return {name: p for name, p in REGISTRY.items() if notebook in p.notebooks}


def unknown_parameter_message(name: str, valid: list[str]) -> str:
    closest = difflib.get_close_matches(name, valid, n=len(valid), cutoff=0.0)
    return f"unknown parameter '{name}'; valid names: {', '.join(closest)}"


def resolve(notebook: str, namespace: Mapping[str, object], ledger: Ledger) -> dict[str, float | int]:
    """Checked values of ``notebook``'s parameters, read from ``namespace`` (``None`` = default)."""
    parameters = for_notebook(notebook)
    if not parameters:
        raise ParameterError(f"no parameters registered for notebook '{notebook}'")
    resolved = {}
    for name, parameter in parameters.items():
        given = namespace.get(name)
        resolved[name] = parameter.check(parameter.default_value(ledger) if given is None else given)
    return resolved
