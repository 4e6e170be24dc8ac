"""How a figure the article states compares with the figure the report checks it against.

Three verdicts come from figures: *supported* within the claim's own tolerance (what its precision
implies, written in data/claims.csv with a reason), *roughly* within ±25% (:data:`ROUGHLY_BAND`), and
*contradicted* beyond. A rate, a share or a payment that is off by more than a quarter is not
"roughly right"; the earlier factor-of-two band called a figure 88% too high roughly right.
"""

from __future__ import annotations

import numpy as np

# "Right in size, off in detail": within 25% either way.
ROUGHLY_BAND = 0.25
# A tolerance wider than the roughly band would make "supported" looser than "roughly": it needs a reason.
TOLERANCE_NEEDS_REASON_ABOVE = ROUGHLY_BAND
# How the article states its figure: a point ("about X"), a floor ("more than X") or a ceiling ("below X").
BOUNDS = ("", "floor", "ceiling")


def relative_difference(claimed, checked):
    """(claimed - checked) / checked: +0.10 means the article's figure is 10% too high."""
    claimed = np.asarray(claimed, dtype=float)
    checked = np.asarray(checked, dtype=float)
    return (claimed - checked) / checked


def numeric_verdict(claimed: float, checked: float, tolerance: float) -> str:
    """'supported' within ``tolerance`` (a fraction), 'roughly' within ±25%, else 'contradicted'."""
    if not tolerance > 0:
        raise ValueError(f"tolerance must be a positive fraction, got {tolerance!r}")
    if checked == 0 or claimed == 0 or (claimed > 0) != (checked > 0):
        return "supported" if claimed == checked else "contradicted"
    difference = abs(float(relative_difference(claimed, checked)))
    if difference <= tolerance:
        return "supported"
    return "roughly" if difference <= max(ROUGHLY_BAND, tolerance) else "contradicted"


def floor_verdict(claimed_floor: float, checked: float, tolerance: float | None = None) -> str:
    """The verdict on a "more than ``claimed_floor``" claim.

    'supported' when ``checked`` reaches the floor, or falls short by no more than ``tolerance`` (a
    fraction; None allows no shortfall); otherwise 'roughly' within ±25%, else 'contradicted'.
    """
    if checked >= claimed_floor:
        return "supported"
    return numeric_verdict(claimed_floor, checked, tolerance if tolerance is not None else 1e-12)


def ceiling_verdict(claimed: float, ceiling: float, tolerance: float) -> str:
    """The verdict on a figure checked against a source's upper bound ("below ``ceiling``"):
    'supported' when ``claimed`` is at or under it, otherwise :func:`numeric_verdict`."""
    if claimed <= ceiling:
        return "supported"
    return numeric_verdict(claimed, ceiling, tolerance)


def judge(claimed: float, checked: float, tolerance: float, bound: str = "") -> str:
    """The verdict for a claim of the claims ledger: ``bound`` says how the article states its figure."""
    if bound == "floor":
        return floor_verdict(claimed, checked, tolerance)
    if bound == "ceiling":
        return ceiling_verdict(claimed, checked, tolerance)
    if bound:
        raise ValueError(f"'{bound}' is not a bound (allowed: floor, ceiling, or empty)")
    return numeric_verdict(claimed, checked, tolerance)


# A reading compares two figures of a page that are not a claim of data/claims.csv (the article's figure
# against another case, the article's own arithmetic), so it says something other than a verdict:
# "supported" means a claim's verdict and nothing else.
READINGS = {"supported": "in line", "roughly": "close", "contradicted": "far off"}
# Within 5% reads "in line": the precision of the figures the readings compare, rounded to a few digits.
READING_TOLERANCE = 0.05


def reading(claimed: float, checked: float, *, bound: str = "", tolerance: float | None = READING_TOLERANCE) -> str:
    """How a figure reads against another that is not its claim's check: 'in line' within ``tolerance``
    (a fraction; for a floor, ``None`` allows no shortfall), 'close' within ±25%, else 'far off'; ``bound``
    as in :func:`judge`."""
    if bound == "floor":
        return READINGS[floor_verdict(claimed, checked, tolerance)]
    if tolerance is None:
        raise ValueError("a reading of a point or a ceiling needs a tolerance")
    return READINGS[judge(claimed, checked, tolerance, bound)]
