"""What a parameter is: its meaning, unit, range, default, and how a value is read and checked.

A value is read as a person types it, wherever it comes from (``--set``, a ``--params`` YAML file,
``sweep --vary``, papermill's ``-p`` or a notebook's parameters cell): a number (``0.05``, ``1e9``),
a share as a percentage (``5%``), a date as ``2026-12-31`` (or a YAML date, or ``20261231`` as the
ledger stores it). A refusal echoes the value as it was typed, and gives the range in the same form: a
share typed as a percentage gets its range in percent.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..calendar import date_label, is_date
from ..checks import ParameterError, range_text
from ..data import Ledger, MissingFact
from ..errors import shown
from ..units import LONG, SHORT, quantity

__all__ = ["Parameter", "ParameterError", "Rule"]

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_LEDGER_DATE = re.compile(r"^\d{8}$")
_PERCENT = re.compile(r"^(?P<number>[^%]*?)\s*%$")


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

    @property
    def is_date(self) -> bool:
        return self.unit.startswith("date")

    @property
    def is_share(self) -> bool:
        return self.unit.startswith("fraction")

    def allowed(self, as_percent: bool = False) -> str:
        """The allowed values as a message gives them; ``as_percent`` for a share typed as a percentage."""
        if self.is_date:
            return "a date such as 2026-12-31 (or 20261231)"
        if as_percent and self.is_share:
            return f"{quantity(self.minimum, self.unit)} to {quantity(self.maximum, self.unit)}"
        return range_text(self.minimum, self.maximum, self.unit)

    @property
    def reader_label(self) -> str:
        """The label a page shows for this input (its name only if it has none)."""
        return self.label or self.name

    def format(self, value, style: str = LONG) -> str:
        """``value`` as a reader reads it, in the long (prose) or short (table) style of
        :func:`runthenumbers.units.quantity`: '4.37%', '$4.95 billion' or '$4.95B', '2025-Q2', '31 December 2026'."""
        if self.name == "seed":
            return str(int(value))
        return quantity(value, self.unit, style=style)

    def range_label(self, style: str = LONG) -> str:
        """The allowed range as a reader reads it: '0% to 20%', '$0 to $2.30B', 'any date'."""
        if self.is_date:
            return "any date, as 2026-12-31"
        return f"{self.format(self.minimum, style)} to {self.format(self.maximum, style)}"

    def cell_line(self) -> str:
        """This parameter's line in a notebook's papermill parameters cell: name, type, default and a help
        comment, which ``papermill --help-notebook`` shows (the comment holds no '=', which papermill
        would read as a second assignment)."""
        kind = '"date"' if self.is_date else self.kind.__name__
        default = "None" if self.fact else repr(self.default)
        typed = " (typed 0.05 or 5%)" if self.is_share else (" (or 20261231)" if self.is_date else "")
        origin = f"None is the ledger's {self.fact}" if self.fact else "the book's assumption"
        return f"{self.name}: {kind} = {default}  # {self.reader_label}, {self.range_label(SHORT)}{typed}; {origin}"

    def read(self, given: object) -> tuple[float | int, str, bool]:
        """``given`` as typed (see the module docstring) read into a number: ``(number, echo, as_percent)``,
        where ``echo`` is how a message shows the value and ``as_percent`` whether it was a percentage.

        Text that is no form of this parameter's values is a :class:`ParameterError`; the range is not
        checked here (:meth:`check` does).
        """
        if isinstance(given, bool):
            raise self._not_a_value(given)
        if isinstance(given, (int, float)):
            return given, shown(given), False
        if self.is_date and isinstance(given, datetime.date) and not isinstance(given, datetime.datetime):
            return given.year * 10_000 + given.month * 100 + given.day, given.isoformat(), False
        if not isinstance(given, str):
            raise self._not_a_value(given)
        text = given.strip()
        if self.is_date:
            return self._read_date(given, text), text, False
        percentage = _PERCENT.match(text) if self.is_share else None
        if percentage:
            try:
                share = float(Decimal(percentage["number"].strip()) / 100)
            except InvalidOperation:
                raise self._not_a_value(given) from None
            return share, text, True
        for convert in (int, float) if self.kind is int else (float,):
            try:
                number = convert(text)
            except ValueError:
                continue
            return number, shown(number), False
        raise self._not_a_value(given)

    def _read_date(self, given: str, text: str) -> int:
        iso = _ISO_DATE.match(text)
        if iso:
            date = int("".join(iso.groups()))
        elif _LEDGER_DATE.match(text):
            date = int(text)
        else:
            raise self._not_a_value(given)
        if not bool(is_date(date)):
            raise ParameterError(f"{self.name} = {text} is not a calendar date; allowed: {self.allowed()}")
        return date

    def _not_a_value(self, given: object) -> ParameterError:
        what = "a date" if self.is_date else "a number"
        shares = " or a percentage (5%)" if self.is_share else ""
        return ParameterError(
            f"{self.name} = {shown(given)} is not {what}; allowed: {self.kind_name} from {self.allowed()}{shares}"
            if not self.is_date
            else f"{self.name} = {shown(given)} is not {what}; allowed: {self.allowed()}"
        )

    @property
    def kind_name(self) -> str:
        """The type a person gives: 'float', 'int', or 'date' for a date (held as a yyyymmdd int)."""
        return "date" if self.is_date else self.kind.__name__

    def typed(self, value) -> object:
        """``value`` as a person would type it back: a date as '2026-12-31', anything else as it is."""
        return date_label(value) if self.is_date else value

    def check(self, value: object) -> float | int:
        """The value as this parameter's type, or a :class:`ParameterError` saying what is allowed.

        ``value`` may be given in any form :meth:`read` reads. The range is compared before any
        conversion, so NaN, infinities and integers too large for a float are refused with a message
        rather than an OverflowError; a value is echoed as typed, at most 80 characters long.
        """
        value, echo, as_percent = self.read(value)
        if (isinstance(value, float) and not math.isfinite(value)) or not self.minimum <= value <= self.maximum:
            raise ParameterError(f"{self.name} = {echo} is outside the allowed range {self.allowed(as_percent)}")
        if self.kind is int and value != int(value):
            raise ParameterError(f"{self.name} = {echo} is not a whole number; allowed: {self.allowed(as_percent)}")
        checked = self.kind(value)
        # -0 is 0: a banner or a page never shows '-0%'.
        return checked + 0.0 if isinstance(checked, float) else checked


@dataclass(frozen=True)
class Rule:
    """A check across inputs, or against the ledger, that a single range cannot express.

    ``check(values, ledger)`` raises :class:`ParameterError` saying what is allowed; it runs whenever
    every name in ``inputs`` is being resolved, whichever notebook the inputs are for.
    """

    inputs: tuple[str, ...]
    check: Callable[[Mapping[str, object], Ledger], None]
