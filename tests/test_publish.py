"""How ledger values are written for readers."""

from __future__ import annotations

import pytest

from runthenumbers.publish import format_value


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (1_915_000_000, "USD", "$1.92B"),
        (440_450_000, "USD", "$440.4M"),
        (75_000, "USD", "$75,000"),
        (1e9, "GBP", "£1.00B"),
        (0.62, "fraction", "62%"),
        (0.1411, "fraction", "14.1%"),
        (1.9, "USD/GPU-hour", "$1.90/GPU-hour"),
        (1.45, "multiple", "1.45×"),
        (20280331, "date", "2028-03-31"),
        (1317, "MW", "1,317 MW"),
        (5, "years", "5 years"),
    ],
)
def test_format_value(value, unit, shown):
    assert format_value(value, unit) == shown
