"""One calendar: dates keep their precision, quarters have one type, and indices count a model's horizon."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from runthenumbers import calendar


def test_a_quarter_from_a_date_a_label_or_a_period_is_the_same_quarter():
    assert calendar.quarter(20261231) == calendar.quarter("2026-Q4") == calendar.quarter(pd.Period("2026-11", freq="M"))
    assert calendar.quarter_label(calendar.quarter(20260401)) == "2026-Q2"


@pytest.mark.parametrize(
    ("value", "index"), [(20250101, 0), (20280331, 12), ("2026-Q4", 7), (20240930, -2), ("2031-Q1", 24)]
)
def test_the_articles_horizon_counts_from_2025_q1(value, index):
    horizon = calendar.ARTICLE_HORIZON
    assert horizon.index(value) == index
    assert horizon.label(index) == (value if isinstance(value, str) else calendar.quarter_of_date(value))


def test_a_horizon_starts_the_quarter_after_its_balance_sheet():
    horizon = calendar.Horizon.after(20250630, 2031)
    assert horizon == calendar.Horizon("2025-Q3", "2031-Q4")
    assert len(horizon) == 26 and horizon.quarters[:3] == ("2025-Q3", "2025-Q4", "2026-Q1")
    assert horizon.label(-1) == "never" and horizon.label(25) == "2031-Q4"
    assert horizon.years.tolist()[:3] == [2025, 2025, 2026]
    assert horizon.calendar_years == (2025, 2026, 2027, 2028, 2029, 2030, 2031)
    assert horizon.in_year(2026) == slice(2, 6) and horizon.in_year(2024) == slice(0, 0)
    assert horizon.index(20260101) == 2 and horizon.index("2025-Q2") == -1


def test_by_year_adds_a_part_year_and_whole_years_along_the_last_axis():
    horizon = calendar.Horizon("2025-Q3", "2026-Q4")
    quarterly = np.arange(12.0).reshape(2, 6)
    # 2025 is the first two quarters: 0 + 1 = 1 and 6 + 7 = 13; 2026 the other four.
    assert horizon.by_year(quarterly).tolist() == [[1.0, 14.0], [13.0, 38.0]]
    # A (scenarios, quarters) view of a (quarters, scenarios) array gives the same sums.
    assert horizon.by_year(np.ascontiguousarray(quarterly.T).T).tolist() == [[1.0, 14.0], [13.0, 38.0]]
    with pytest.raises(ValueError, match=r"^by_year needs 6 quarters on the last axis; got shape \(2, 5\)$"):
        horizon.by_year(np.zeros((2, 5)))


def test_a_place_in_a_horizon_names_the_scenario_and_the_quarter():
    bad = np.zeros((3, 6), dtype=bool)
    bad[2, 4] = True
    assert calendar.Horizon("2025-Q3", "2026-Q4").place(bad) == "scenario 2, 2026-Q3"


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2025Q3", "2026-Q4", "horizon end = '2025Q3' is not a quarter label; allowed: a label such as '2025-Q3'"),
        ("2026-Q1", "2025-Q4", "horizon 2026-Q1 to 2025-Q4 ends before it starts"),
    ],
)
def test_a_horizon_is_refused_unless_it_runs_forward_between_two_labels(first, last, message):
    with pytest.raises(ValueError) as caught:
        calendar.Horizon(first, last)
    assert str(caught.value) == message


def test_an_extension_moves_a_deadline_by_whole_quarters():
    assert calendar.extended_quarter(20250630, 3) == pd.Period("2025Q3", freq="Q")
    assert calendar.extended_quarter(20250630, 2) == pd.Period("2025Q2", freq="Q")
    assert calendar.extended_quarter(20250630, 7) == pd.Period("2025Q4", freq="Q")


def test_labels_keep_the_precision_of_the_date():
    assert calendar.date_label(20261231) == "2026-12-31"
    assert calendar.month_label(20240603) == "June 2024"
    assert calendar.half_label(20261231) == "second half of 2026"
    assert calendar.quarter_of_date(20261231) == "2026-Q4"


def test_a_bad_month_is_refused():
    with pytest.raises(ValueError, match="20251301 is not a yyyymmdd date"):
        calendar.ARTICLE_HORIZON.index(20251301)


def test_month_arithmetic_clips_to_the_month_end():
    assert int(calendar.add_months(20261231, 2)) == 20270228
    assert int(calendar.days_between(20240101, 20250101)) == 366
