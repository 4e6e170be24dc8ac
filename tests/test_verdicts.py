"""Verdicts follow from the figures and the tolerance."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runthenumbers.verdicts import ROUGHLY_BAND, judge, numeric_verdict, reading, relative_difference


@pytest.mark.parametrize(
    ("claimed", "checked", "tolerance", "verdict"),
    [
        (440e6, 440.5e6, 0.02, "supported"),
        (1.43, 1.45, 0.01, "roughly"),
        (1.43, 1.45, 0.02, "supported"),
        (2e9, 1.7e9, 0.05, "roughly"),
        # Off by two thirds, or by half, is not roughly right (the old factor-of-two band said it was).
        (2e9, 1.2e9, 0.05, "contradicted"),
        (2e9, 4e9, 0.05, "contradicted"),
        (760e6, 404.8e6, 0.05, "contradicted"),
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


def test_the_roughly_band_is_a_quarter_either_way():
    assert ROUGHLY_BAND == 0.25
    assert numeric_verdict(1.25, 1.0, 0.05) == "roughly"
    assert numeric_verdict(1.26, 1.0, 0.05) == "contradicted"
    assert numeric_verdict(0.76, 1.0, 0.05) == "roughly"
    assert numeric_verdict(0.74, 1.0, 0.05) == "contradicted"


@pytest.mark.parametrize(
    ("claimed", "checked", "bound", "verdict"),
    [
        (500, 547, "floor", "supported"),
        (500, 480, "floor", "supported"),
        (500, 450, "floor", "roughly"),
        (500, 300, "floor", "contradicted"),
        (1.9, 2.0, "ceiling", "supported"),
        (2.2, 2.0, "ceiling", "roughly"),
        (100, 104, "", "supported"),
    ],
)
def test_judge_reads_the_bound(claimed, checked, bound, verdict):
    assert judge(claimed, checked, 0.05, bound) == verdict


def test_judge_refuses_an_unknown_bound():
    with pytest.raises(ValueError, match="'about' is not a bound"):
        judge(1, 1, 0.05, "about")


@pytest.mark.parametrize(
    ("claimed", "checked", "bound", "tolerance", "words"),
    [
        (104.0, 100.0, "", 0.05, "in line"),  # +4%
        (120.0, 100.0, "", 0.05, "close"),  # +20%
        (200.0, 100.0, "", 0.05, "far off"),
        (500.0, 497.5, "floor", 0.05, "in line"),  # short of the floor by 0.5%
        (2000.0, 1884.9, "floor", 0.05, "close"),  # short by 5.8%
        (500.0, 499.0, "floor", None, "close"),  # no shortfall allowed
        (500.0, 501.0, "floor", None, "in line"),
    ],
)
def test_a_reading_says_other_words_than_a_verdict(claimed, checked, bound, tolerance, words):
    assert reading(claimed, checked, bound=bound, tolerance=tolerance) == words
    assert words not in ("supported", "roughly", "contradicted")


def test_a_reading_of_a_point_needs_a_tolerance():
    with pytest.raises(ValueError, match="a reading of a point or a ceiling needs a tolerance"):
        reading(1.0, 1.0, tolerance=None)
