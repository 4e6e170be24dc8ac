"""One calendar: dates keep their precision, quarters have one type, and indices count the models' horizon."""

from __future__ import annotations

import pandas as pd
import pytest

from runthenumbers import calendar


def test_a_quarter_from_a_date_a_label_or_a_period_is_the_same_quarter():
    assert calendar.quarter(20261231) == calendar.quarter("2026-Q4") == calendar.quarter(pd.Period("2026-11", freq="M"))
    assert calendar.quarter_label(calendar.quarter(20260401)) == "2026-Q2"


@pytest.mark.parametrize(
    ("value", "index"), [(20250101, 0), (20280331, 12), ("2026-Q4", 7), (20241231, -1), ("2031-Q1", 24)]
)
def test_quarter_index_counts_from_2025_q1(value, index):
    assert calendar.quarter_index(value) == index
    assert calendar.index_label(index) == calendar.quarter_of_date(value) if not isinstance(value, str) else value


def test_labels_keep_the_precision_of_the_date():
    assert calendar.date_label(20261231) == "2026-12-31"
    assert calendar.month_label(20240603) == "June 2024"
    assert calendar.half_label(20261231) == "second half of 2026"
    assert calendar.quarter_of_date(20261231) == "2026-Q4"
    assert calendar.index_label_or_never(-1) == "never (by 2030)"


def test_a_bad_month_is_refused():
    with pytest.raises(ValueError, match="20251301 is not a yyyymmdd date"):
        calendar.quarter_index(20251301)


def test_month_arithmetic_clips_to_the_month_end():
    assert int(calendar.add_months(20261231, 2)) == 20270228
    assert int(calendar.days_between(20240101, 20250101)) == 366
