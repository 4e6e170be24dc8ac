"""What a parameter is: its meaning, unit, range, default and how a value is checked."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..checks import ParameterError, range_text
from ..data import Ledger, MissingFact
from ..errors import shown
from ..units import quantity

__all__ = ["Parameter", "ParameterError", "Rule"]


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
    # What a reader sees instead of the name: "SOFR", "DDTL 2.0 drawn".
    label: str = ""

    def __post_init__(self) -> None:
        if (self.fact is None) == (self.default is None):
            raise ValueError(f"parameter {self.name}: give exactly one of fact and default")

    def default_value(self, ledger: Ledger) -> float:
        return self.kind(self._raw_default(ledger))

    def _raw_default(self, ledger: Ledger) -> float:
        if self.fact is None:
            assert self.default is not None  # __post_init__ allows exactly one of the two
            return self.default
        try:
            return ledger.value(self.fact)
        except MissingFact as missing:
            raise ParameterError(str(MissingFact(missing.file, missing.fact_id, f"parameter {self.name}"))) from None

    def checked_default(self, ledger: Ledger) -> float | int:
        """The default, checked like a given value; a ledger fact outside the range is named with it."""
        value = self._raw_default(ledger)
        try:
            return self.check(value)
        except ParameterError:
            if self.fact is None:
                raise
            raise ParameterError(
                f"{ledger.facts_file}: fact '{self.fact}' = {shown(value)} is the default of {self.name}, whose allowed range "
                f"is {self.allowed()}; correct the fact (or give {self.name} a value in range)"
            ) from None

    def allowed(self) -> str:
        if self.unit.startswith("date"):
            return "a date written yyyymmdd, such as 20261231"
        return range_text(self.minimum, self.maximum, self.unit)

    @property
    def reader_label(self) -> str:
        """The label a page shows for this input (its name only if it has none)."""
        return self.label or self.name

    def format(self, value) -> str:
        """``value`` as a reader reads it: '4.37%', '$4.95 billion', '2025-Q2', 'December 2026'."""
        if self.name == "seed":
            return str(int(value))
        return quantity(value, self.unit)

    def check(self, value: object) -> float | int:
        """The value as this parameter's type, or a :class:`ParameterError` saying what is allowed.

        The range is compared before any conversion, so NaN, infinities and integers too large for a
        float are refused with a message rather than an OverflowError; a value is echoed at most
        80 characters long.
        """
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParameterError(
                f"{self.name} = {shown(value)} is not a number; allowed: {self.kind.__name__} from {self.allowed()}"
            )
        if (isinstance(value, float) and not math.isfinite(value)) or not self.minimum <= value <= self.maximum:
            raise ParameterError(f"{self.name} = {shown(value)} is outside the allowed range {self.allowed()}")
        if self.kind is int and value != int(value):
            raise ParameterError(f"{self.name} = {shown(value)} is not a whole number; allowed: {self.allowed()}")
        return self.kind(value)


@dataclass(frozen=True)
class Rule:
    """A check across inputs, or against the ledger, that a single range cannot express.

    ``check(values, ledger)`` raises :class:`ParameterError` saying what is allowed; it runs whenever
    every name in ``inputs`` is being resolved, whichever notebook the inputs are for.
    """

    inputs: tuple[str, ...]
    check: Callable[[Mapping[str, object], Ledger], None]
