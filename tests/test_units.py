"""Numbers as a reader reads them: units, dates at their precision, plurals, parameter labels."""

from __future__ import annotations

import re

import pytest

from runthenumbers import units
from runthenumbers.parameters import REGISTRY, reader_label
from runthenumbers.publish import format_value


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (0.0437, "fraction", "4.37%"),
        (0.62, "fraction", "62%"),
        (4_953_967_000, "USD", "$4.95 billion"),
        (115e6, "USD", "$115 million"),
        (60_000, "USD", "$60,000"),
        (30e6, "USD/MW", "$30 million per MW"),
        (170_833.3333, "count", "170,833"),
        (2, "quarter number", "2025-Q2"),
        (1, "years", "1 year"),
        (4, "quarters", "4 quarters"),
        (1317, "MW", "1,317 MW"),
    ],
)
def test_quantity(value, unit, shown):
    assert units.quantity(value, unit) == shown


@pytest.mark.parametrize(
    ("value", "period", "note", "shown"),
    [
        (20240101, "2024-01", "", "January 2024"),
        (20261231, "2026-H2", "", "second half of 2026"),
        (20280331, "term", "Source gives the month only ('March 2028')", "March 2028"),
        (20250226, "2025-02", "", "26 February 2025"),
    ],
)
def test_dates_print_at_the_precision_their_source_gives(value, period, note, shown):
    assert format_value(value, "date", period=period, note=note) == shown


def test_a_difference_that_rounds_to_nothing_has_no_sign():
    assert units.signed_percent(-0.00001) == "0.0%"
    assert units.signed_percent(0.025) == "+2.5%"


def test_plurals():
    assert units.plural(1, "is an opinion", "are opinions") == "1 is an opinion"
    assert units.plural(3, "is an opinion", "are opinions") == "3 are opinions"
    assert units.plural(2, "claim") == "2 claims"


def test_every_parameter_has_a_reader_label_that_is_not_a_code_name():
    for name, parameter in REGISTRY.items():
        assert parameter.label, f"{name} has no label"
        assert not re.search(r"\b[a-z]+_[a-z0-9_]+\b", parameter.label), parameter.label
    assert reader_label("revenue_growth") == "revenue growth"
    assert REGISTRY["sofr"].format(0.0437) == "4.37%"
