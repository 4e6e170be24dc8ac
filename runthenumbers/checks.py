"""Array checks shared by every model, the parameter registry and the scenario runner.

Each check takes a name, the values (a number or an array of scenarios) and what is allowed, and
either returns the values as an array or raises :class:`ParameterError` naming the first bad value
and the allowed range, in one wording everywhere: ``name = value is outside the allowed range low
to high (unit)``. Where the values are laid out by scenario and quarter, ``where`` adds the place.
This module imports nothing from the project, so parameters and models can both use it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


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


def require_at_least(name: str, values, low: float, unit: str, **kwargs) -> np.ndarray:
    """``values`` as a float array, refused below ``low`` (or NaN)."""
    return require_between(name, values, low, np.inf, unit, **kwargs)


def require_whole(name: str, values, low: int, high: int, unit: str) -> np.ndarray:
    """``values`` as an int array of whole numbers in [low, high], refused otherwise."""
    raw = np.asarray(values)
    as_float = raw.astype(float)
    fractional = ~np.isfinite(as_float) | (as_float != np.round(as_float))
    if np.any(fractional):
        (value,) = first_where(fractional, raw)
        raise ParameterError(f"{name} = {value!r} is not a whole number; allowed: {range_text(low, high, unit)}")
    require_between(name, as_float, low, high, unit)
    return as_float.astype(np.int64)
