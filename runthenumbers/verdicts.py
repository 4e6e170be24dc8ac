"""How a figure the article states compares with the figure the report checks it against."""

from __future__ import annotations

import numpy as np

# "Right order of magnitude, off in detail": within a factor of two either way. A looser bound would
# call a figure that is three times too large "roughly right", which no reader would accept.
ROUGHLY_FACTOR = 2.0


def relative_difference(claimed, checked):
    """(claimed - checked) / checked: +0.10 means the article's figure is 10% too high."""
    claimed = np.asarray(claimed, dtype=float)
    checked = np.asarray(checked, dtype=float)
    return (claimed - checked) / checked


def numeric_verdict(claimed: float, checked: float, tolerance: float) -> str:
    """'supported' within ``tolerance`` (a fraction), 'roughly' within a factor of two, else 'contradicted'."""
    if not tolerance > 0:
        raise ValueError(f"tolerance must be a positive fraction, got {tolerance!r}")
    if checked == 0 or claimed == 0 or (claimed > 0) != (checked > 0):
        return "supported" if claimed == checked else "contradicted"
    if abs(float(relative_difference(claimed, checked))) <= tolerance:
        return "supported"
    ratio = claimed / checked
    return "roughly" if 1 / ROUGHLY_FACTOR <= ratio <= ROUGHLY_FACTOR else "contradicted"


def floor_verdict(claimed_floor: float, checked: float, tolerance: float | None = None) -> str:
    """The verdict on a "more than ``claimed_floor``" claim.

    'supported' when ``checked`` reaches the floor, or falls short by no more than ``tolerance`` (a
    fraction; None allows no shortfall); otherwise 'roughly' within a factor of two, else 'contradicted'.
    """
    if checked >= claimed_floor:
        return "supported"
    if tolerance is not None:
        return numeric_verdict(claimed_floor, checked, tolerance)
    return "roughly" if checked >= claimed_floor / ROUGHLY_FACTOR else "contradicted"


def ceiling_verdict(claimed: float, ceiling: float, tolerance: float) -> str:
    """The verdict on a figure checked against a source's upper bound ("below ``ceiling``"):
    'supported' when ``claimed`` is at or under it, otherwise :func:`numeric_verdict`."""
    if claimed <= ceiling:
        return "supported"
    return numeric_verdict(claimed, ceiling, tolerance)
