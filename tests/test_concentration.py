"""The concentration arithmetic against hand-worked numbers and general properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from runthenumbers.concentration import (
    concentration_history,
    customer_groups,
    growth_multiple,
    revenue_without,
    spend_per_revenue_dollar,
    stressed_revenue,
)
from runthenumbers.data import load_ledger

revenues = st.floats(min_value=1e3, max_value=1e12)
fractions = st.floats(min_value=0.0, max_value=1.0)


def test_revenue_without_the_top_two_by_hand():
    # $1,915.4M of revenue, 77% from two customers: 0.23 x 1,915.4 = 440.542.
    assert revenue_without(1_915.4e6, 0.77) == pytest.approx(440.542e6)


def test_spend_per_revenue_dollar_by_hand():
    # Revenue 200, net loss 86: costs are 286, so 1.43 per dollar.
    assert spend_per_revenue_dollar(200.0, 86.0) == pytest.approx(1.43)


def test_stressed_revenue_by_hand():
    # Losing half of the 77% the top two pay on revenue 100 leaves 100 - 38.5.
    assert stressed_revenue(100.0, 0.77, 0.5) == pytest.approx(61.5)


def test_growth_multiple_by_hand():
    assert growth_multiple(228.9, 1_915.4) == pytest.approx(8.3678, rel=1e-4)


def test_functions_broadcast_over_scenarios():
    losses = np.linspace(0, 1, 5)
    result = stressed_revenue(100.0, 0.77, losses)
    assert result.shape == (5,)
    assert result[0] == 100.0 and result[-1] == pytest.approx(23.0)


@given(revenues, fractions, fractions)
def test_stress_stays_between_untouched_and_total_loss(revenue, share, lost):
    stressed = stressed_revenue(revenue, share, lost)
    assert revenue_without(revenue, share) - 1e-6 * revenue <= stressed <= revenue * (1 + 1e-12)


@given(revenues, fractions, fractions, fractions)
def test_losing_more_never_leaves_more(revenue, share, lost_a, lost_b):
    low, high = sorted((lost_a, lost_b))
    assert stressed_revenue(revenue, share, high) <= stressed_revenue(revenue, share, low) + 1e-6


@given(revenues, st.floats(min_value=0, max_value=1e12))
def test_a_loss_means_more_than_a_dollar_spent_per_dollar(revenue, loss):
    assert spend_per_revenue_dollar(revenue, loss) >= 1.0


def test_customer_groups_add_up_to_each_years_revenue():
    ledger = load_ledger()
    groups = customer_groups(ledger, 0.62, 0.77)
    for year, frame in groups.groupby("year"):
        assert frame["share"].sum() == pytest.approx(1.0)
        assert frame["revenue_usd"].sum() == pytest.approx(ledger.value(f"cw_revenue_fy{year}"))
    assert (groups["share"] >= 0).all()


def test_customer_groups_by_hand_for_2024():
    groups = customer_groups(load_ledger(), 0.62, 0.77).set_index(["year", "group"])["share"]
    assert groups[("2024", "Microsoft")] == 0.62
    assert groups[("2024", "Other largest customers")] == pytest.approx(0.15)
    assert groups[("2024", "All other customers")] == pytest.approx(0.23)
    assert ("2022", "Microsoft") not in groups.index


def test_history_marks_the_figure_only_the_article_gives():
    history = concentration_history(load_ledger(), 0.62, 0.77)
    article_only = history[history["reported_by"] == "the article only"]
    assert list(article_only["year"]) == ["2022"] and list(article_only["share"]) == [0.16]
