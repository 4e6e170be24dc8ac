"""Array checks shared by every model, the parameter registry and the scenario runner.

Each check takes a name, the values (a number or an array of scenarios) and what is allowed, and
either returns the values as an array or raises :class:`ParameterError` naming the first bad value
and the allowed range, in one wording everywhere: ``name = value is outside the allowed range low
to high (unit)``. Where the values are laid out by scenario and quarter, ``where`` adds the place.
Checks across two inputs (shares of one whole, dates within a term) are here too, so that a rule in
:mod:`runthenumbers.parameters` and the model it guards refuse a value with the same message. This
module imports only :mod:`runthenumbers.calendar`, so parameters and models can both use it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .calendar import MONTHS_PER_QUARTER, MONTHS_PER_YEAR, QUARTERS_PER_YEAR, add_months, date_label, is_date


class ParameterError(ValueError):
    """A parameter or model input that is unknown, of the wrong type or out of range."""


def first_where(bad, *arrays) -> tuple:
    """The values of ``arrays`` (broadcast together with ``bad``) at the first place where ``bad`` holds."""
    where, *values = np.broadcast_arrays(np.asarray(bad), *(np.asarray(a) for a in arrays))
    index = int(np.flatnonzero(where.ravel())[0])
    return tuple(a.ravel()[index].item() for a in values)


def range_text(low: float, high: float, unit: str) -> str:
    """'0 to 1 (fraction)': an allowed range as every message writes it."""
    return f"{low:g} to {high:g} ({unit})"


def require_between(
    name: str, values, low: float, high: float, unit: str, *, where: Callable[[np.ndarray], str] | None = None
) -> np.ndarray:
    """``values`` as a float array, or a :class:`ParameterError` for its first value outside [low, high]
    (NaN included). ``where(bad)`` may describe the first bad place, such as its scenario and quarter."""
    array = np.asarray(values, dtype=float)
    bad = ~((array >= low) & (array <= high))
    if np.any(bad):
        (value,) = first_where(bad, array)
        place = f" ({where(bad)})" if where else ""
        raise ParameterError(f"{name} = {value!r}{place} is outside the allowed range {range_text(low, high, unit)}")
    return array


def require_whole(name: str, values, low: int, high: int, unit: str) -> np.ndarray:
    """``values`` as an int array of whole numbers in [low, high], refused otherwise."""
    raw = np.asarray(values)
    as_float = raw.astype(float)
    fractional = ~np.isfinite(as_float) | (as_float != np.round(as_float))
    if np.any(fractional):
        (value,) = first_where(fractional, raw)
        raise ParameterError(f"{name} = {value!r} is not a whole number; allowed: {range_text(low, high, unit)}")
    outside = (as_float < low) | (as_float > high)
    if np.any(outside):
        (value,) = first_where(outside, raw)
        raise ParameterError(f"{name} = {value!r} is outside the allowed range {range_text(low, high, unit)}")
    return as_float.astype(np.int64)


# A hair of tolerance for shares that should add to one: 0.7 + 0.3 is 1.0000000000000002 in floating point.
_SHARE_TOLERANCE = 1e-12


def require_shares_of_one_whole(first: str, first_share, second: str, second_share, whole: str):
    """Two shares (fractions) of one ``whole`` as float arrays: each from 0 to 1, together no more than 1."""
    first_share = require_between(first, first_share, 0.0, 1.0, "fraction")
    second_share = require_between(second, second_share, 0.0, 1.0, "fraction")
    bad = first_share + second_share > 1.0 + _SHARE_TOLERANCE
    if np.any(bad):
        one, other = first_where(bad, first_share, second_share)
        raise ParameterError(
            f"{second} = {other!r} with {first} = {one!r} adds up to more than {whole}; "
            f"allowed: {second} from 0 to 1 - {first} = {1.0 - one:g} (fraction)"
        )
    return first_share, second_share


def require_date_in_term(name: str, dates, start: int, years: float, *, term: str, started_by: str) -> np.ndarray:
    """``dates`` (yyyymmdd) as an int array of real days within ``term`` ('the contract term'): ``years``
    from ``start``, the day ``started_by`` happened ('the first contract was signed'); refused otherwise,
    with each date written as a person types it (2026-12-31)."""
    array = np.asarray(dates).astype(np.int64)
    end = int(add_months(start, round(years * MONTHS_PER_YEAR)))
    allowed = f"allowed: {name} from {date_label(start)} to {date_label(end)}"
    not_date = ~is_date(array)
    if np.any(not_date):
        raise ParameterError(
            f"{name} = {date_label(first_where(not_date, array)[0])} is not a calendar date; {allowed}"
        )
    early = array < start
    if np.any(early):
        (value,) = first_where(early, array)
        raise ParameterError(f"{name} = {date_label(value)} is before {started_by} on {date_label(start)}; {allowed}")
    late = array > end
    if np.any(late):
        (value,) = first_where(late, array)
        raise ParameterError(
            f"{name} = {date_label(value)} is outside {term}: more than {years:g} years after "
            f"{started_by} on {date_label(start)}; {allowed}"
        )
    return array


def require_delay_in_term(
    name: str, quarters, starts, years: float, *, term: str, delayed: str, started: str
) -> np.ndarray:
    """A delay of whole ``quarters`` from 0 as an int array, refused where ``delayed`` (the event the delay
    moves, 'the late delivery') would fall after ``term``, ``years`` counted from ``starts`` (yyyymmdd, the
    dates of ``started``, 'the scheduled delivery')."""
    raw = np.asarray(quarters)
    delay = raw.astype(float)
    term_quarters = round(years * QUARTERS_PER_YEAR)
    allowed = f"allowed: {name} from 0 to {term_quarters} (quarters)"
    bad = ~np.isfinite(delay) | (delay != np.round(delay)) | (delay < 0)
    if np.any(bad):
        raise ParameterError(
            f"{name} = {first_where(bad, raw)[0]!r} is not a whole number of quarters from 0; {allowed}"
        )
    delay = delay.astype(np.int64)
    beyond = delay > term_quarters
    if np.any(beyond):
        first_delay, first_start = first_where(beyond, delay, np.asarray(starts).astype(np.int64))
        moved = int(add_months(first_start, first_delay * MONTHS_PER_QUARTER))
        end = int(add_months(first_start, round(years * MONTHS_PER_YEAR)))
        raise ParameterError(
            f"{name} = {first_delay!r} puts {delayed} on {date_label(moved)}, after {term} ends on "
            f"{date_label(end)} ({years:g} years from {started} {date_label(first_start)}); {allowed}"
        )
    return delay
