"""Numbers as a reader reads them: units, dates at their precision, plurals, parameter labels."""

from __future__ import annotations

import re

import pytest

from runthenumbers import units
from runthenumbers.data import load_ledger
from runthenumbers.parameters import REGISTRY, reader_label


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
    ("value", "unit", "short", "long"),
    [
        (1_915_000_000, "USD", "$1.92B", "$1.92 billion"),
        (440_450_000, "USD", "$440.4M", "$440.4 million"),
        (1_915_000, "USD", "$1.9M", "$1.9 million"),
        (863_000_000, "USD", "$863M", "$863 million"),
        (75_000, "USD", "$75,000", "$75,000"),
        (-1.5e9, "USD", "-$1.50B", "-$1.50 billion"),
        (1e9, "GBP", "£1.00B", "£1.00 billion"),
        (0.62, "fraction", "62%", "62%"),
        (0.0437, "fraction", "4.37%", "4.37%"),
        (0.1411, "fraction", "14.11%", "14.11%"),
        (0.14115, "fraction", "14.1%", "14.1%"),
        (1.9, "USD/GPU-hour", "$1.90/GPU-hour", "$1.90 per GPU-hour"),
        (1.45, "multiple", "1.45×", "1.45×"),
        (1.5, "multiple", "1.5×", "1.5×"),
        (20280331, "date", "31 March 2028", "31 March 2028"),
        (1317, "MW", "1,317 MW", "1,317 MW"),
        (5, "years", "5 years", "5 years"),
        (1177.725, "", "1,177.72", "1,177.72"),
    ],
)
def test_the_short_and_the_long_style_write_the_same_digits(value, unit, short, long):
    assert units.quantity(value, unit, style=units.SHORT) == short
    assert units.quantity(value, unit, style=units.LONG) == long == units.quantity(value, unit)


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError, match="style 'tiny' is not one of short, long"):
        units.quantity(1.0, "USD", style="tiny")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1177.725, "1,177.72"),
        (0.0437, "0.0437"),
        (4_953_967_000.0, "4,953,967,000"),
        (1_234_567.5, "1,234,568"),
        (4.953967, "4.95397"),
        (-0.000123456789, "-0.000123457"),
        (0.0, "0"),
    ],
)
def test_a_number_without_a_unit_keeps_six_significant_digits_and_no_exponent(value, shown):
    assert units.number(value) == shown


def test_a_fact_shows_the_same_digits_in_every_table_and_sentence():
    """The clash of design review 2: SOFR printed 4.37% in the inputs table and 4.4% in the evidence table."""
    ledger = load_ledger()
    sofr = ledger.fact("debt_sofr_180d_avg_20250807")
    assert units.fact_text(sofr) == REGISTRY["sofr"].format(sofr.value, units.SHORT) == "4.37%"
    assert units.fact_text(sofr, units.LONG) == REGISTRY["sofr"].format(sofr.value) == "4.37%"
    drawn = ledger.fact(REGISTRY["ddtl2_drawn"].fact)
    assert units.fact_text(drawn) == REGISTRY["ddtl2_drawn"].format(drawn.value, units.SHORT) == "$4.95B"
    assert units.fact_text(drawn, units.LONG) == "$4.95 billion"


@pytest.mark.parametrize(
    ("value", "unit", "spec", "shown"),
    [
        (1.9154e9, "USD", "", "$1.92 billion"),
        (1.9154e9, "USD", "long", "$1.92 billion"),
        (1.9154e9, "USD", "short", "$1.92B"),
        (1.9154e9, "USD", "million,.1f", "$1,915.4 million"),
        (1.9154e9, "USD", "million", "$1,915.4 million"),
        (-7.37e8, "USD", "million,.0f", "-$737 million"),
        (2.371e9, "USD", "billion.1f", "$2.4 billion"),
        (0.77, "fraction", "", "77%"),
        (0.7654, "fraction", ".0%", "77%"),
        (1.9154e9, "USD", ",.0f", "1,915,400,000"),
    ],
)
def test_a_value_glued_with_its_unit_is_written_by_the_roles_spec(value, unit, spec, shown):
    assert units.formatted(value, unit, spec) == shown


def test_a_scale_spec_is_for_money_only():
    with pytest.raises(
        ValueError, match="the spec 'million,.1f' writes money in millions; the value's unit is 'fraction'"
    ):
        units.formatted(0.5, "fraction", "million,.1f")


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
    assert units.quantity(value, "date", period=period, note=note) == shown


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
