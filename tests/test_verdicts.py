"""Verdicts follow from the figures and the tolerance."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runthenumbers.verdicts import numeric_verdict, relative_difference


@pytest.mark.parametrize(
    ("claimed", "checked", "tolerance", "verdict"),
    [
        (440e6, 440.5e6, 0.02, "supported"),
        (1.43, 1.45, 0.01, "roughly"),
        (1.43, 1.45, 0.02, "supported"),
        (2e9, 1.2e9, 0.05, "roughly"),
        (2e9, 0.9e9, 0.05, "contradicted"),
        (0.5e9, 1.2e9, 0.05, "contradicted"),
        (-1.0, 1.0, 0.05, "contradicted"),
    ],
)
def test_verdict_by_hand(claimed, checked, tolerance, verdict):
    assert numeric_verdict(claimed, checked, tolerance) == verdict


def test_relative_difference_by_hand():
    assert relative_difference(110, 100) == pytest.approx(0.10)


def test_tolerance_must_be_positive():
    with pytest.raises(ValueError, match="tolerance must be a positive fraction, got 0"):
        numeric_verdict(1, 1, 0)


@given(st.floats(min_value=1e-3, max_value=1e12), st.floats(min_value=1e-4, max_value=0.5))
def test_a_figure_always_supports_itself(value, tolerance):
    assert numeric_verdict(value, value, tolerance) == "supported"
