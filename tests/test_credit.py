"""The all-debt schedule against the filed maturity table, legal maturities, hand-worked interest and
the filed interest expense; impossible terms refused with the facility and field named."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runthenumbers import credit, reported
from runthenumbers.calendar import Horizon
from runthenumbers.credit import FILING_2025_06_30 as FILING
from runthenumbers.credit import CreditError, facility_schedules


@pytest.fixture(scope="module")
def schedules(ledger):
    return facility_schedules(FILING, ledger)


def _by_key(schedules):
    return {s.key: s for s in schedules}


def test_yearly_principal_reconciles_with_the_filed_table_within_five_percent(ledger, schedules):
    table = credit.reconciliation(FILING, ledger, schedules)
    assert list(table.index) == ["2025", "2026", "2027", "2028", "2029", "later"]
    assert (table["difference"].abs() <= 0.05).all(), table


def test_every_filed_facility_is_repaid_in_full_and_never_after_its_legal_maturity(ledger, schedules):
    for facility in FILING.facilities:
        schedule = _by_key(schedules)[facility.key]
        assert schedule.principal.sum() == pytest.approx(ledger.value(facility.balance), rel=1e-9)
        maturity = FILING.horizon.index(ledger.value(facility.maturity))
        assert not schedule.principal[maturity + 1 :].any(), facility.key
        assert schedule.closing[maturity] == pytest.approx(0.0, abs=1.0), facility.key


def test_the_residual_ddtl2_schedule_is_what_the_table_leaves_after_the_known_terms(ledger, schedules):
    by_key = _by_key(schedules)
    in_2026 = FILING.horizon.years == 2026
    others = sum(s.principal for k, s in by_key.items() if k != "ddtl2" and s.filed)
    expected = ledger.value("debt_maturity_2026") - others[in_2026].sum()
    assert by_key["ddtl2"].principal[in_2026].sum() == pytest.approx(expected, rel=0.01)
    # Hand-worked from the 2025-06-30 filing: DDTL 1.0 at $115M a quarter, the OEM financing in twelve
    # equal instalments, the Magnetar loan in fifteen: 4,218.5 - 460 - 576.1 - 68.4 = 3,114M in 2026.
    assert by_key["ddtl2"].principal[in_2026].sum() / 1e6 == pytest.approx(3114, abs=2)


def test_ddtl1_keeps_its_filed_pace_and_repays_the_rest_at_maturity(ledger, schedules):
    ddtl1 = _by_key(schedules)["ddtl1"]
    quarters = FILING.horizon.quarters
    pace = (ledger.value("debt_ddtl1_balance_2024q4") - ledger.value("debt_ddtl1_balance_2025q2")) / 2
    assert ddtl1.principal[0] == pytest.approx(pace)
    balloon_quarter = quarters.index("2028-Q1")
    assert ddtl1.principal[balloon_quarter] == pytest.approx(
        ledger.value("debt_ddtl1_balance_2025q2") - pace * balloon_quarter
    )


def test_interest_is_the_effective_rate_on_the_average_balance(ledger, schedules):
    notes = _by_key(schedules)["notes_2030"]
    # $2B at 10% a year: $50M a quarter while outstanding, half of that in the repayment quarter.
    assert notes.interest[0, 0] == pytest.approx(50e6)
    repaid = FILING.horizon.index("2030-Q2")
    assert notes.interest[0, repaid] == pytest.approx(25e6)


def test_first_modelled_quarter_of_interest_is_close_to_the_filed_interest_expense(ledger, schedules):
    # Q3 2025's filed interest expense also carries the 2031 notes issued in late July and any new
    # draws; the model, which knows only the notes, must come within 15% of it.
    modelled = sum(s.interest[0, 0] for s in schedules)
    filed = ledger.value("debt_interest_expense_net_2025q3")
    assert modelled == pytest.approx(filed, rel=0.15)


def test_a_sofr_change_moves_only_floating_facilities_one_for_one(ledger):
    shifted = _by_key(facility_schedules(FILING, ledger, [0.0, 0.01]))
    for facility in FILING.facilities:
        s = shifted[facility.key]
        average = (s.opening + s.closing) / 2
        expected = 0.01 / 4 * average if facility.floating else 0 * average
        np.testing.assert_allclose(s.interest[1] - s.interest[0], expected, atol=1e-3)


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=-0.04, max_value=0.1))
def test_balances_never_go_negative_and_flows_add_up(ledger, change):
    for s in facility_schedules(FILING, ledger, change):
        assert (s.closing >= 0).all()
        np.testing.assert_allclose(s.closing, s.opening + s.draws - s.principal, atol=1e-3)
        assert (s.interest >= 0).all()


def _with_fact(ledger, fact_id, value):
    facts = dict(ledger.facts)
    facts[fact_id] = facts[fact_id].model_copy(update={"value": value})
    return dataclasses.replace(ledger, facts=facts)


@pytest.mark.parametrize(
    "fact_id, value, message",
    [
        ("debt_revolver_effective_rate", -0.01, "revolver: rate = -0.01 is below zero or not a number"),
        ("debt_oem_balance_2025q2", float("nan"), "oem: balance = nan must be a non-negative amount (USD)"),
        ("debt_maturity_2026", 1e9, "ddtl2: the other facilities repay"),
        ("debt_maturity_2027", 9e9, "ddtl2: the filed table leaves"),
        ("debt_ddtl1_balance_2024q4", 1e9, "ddtl1: balance grew from"),
    ],
)
def test_impossible_terms_are_refused_naming_the_facility(ledger, fact_id, value, message):
    with pytest.raises(CreditError, match=message.replace("(", r"\(").replace(")", r"\)")):
        facility_schedules(FILING, _with_fact(ledger, fact_id, value))


def test_a_maturity_before_the_first_draw_is_refused(ledger):
    with pytest.raises(CreditError, match="notes_2031: maturity falls before its first draw"):
        facility_schedules(FILING, _with_fact(ledger, "debt_2031_notes_maturity", 20250701.0 - 10000))


def test_schedule_rows_carry_every_field_in_usd(ledger, schedules):
    frame = credit.schedule_frame(schedules, FILING.horizon)
    assert list(frame.columns) == [
        "facility",
        "quarter",
        "opening",
        "draws",
        "interest",
        "fees",
        "principal",
        "closing",
    ]
    assert frame["quarter"].iloc[0] == "2025-Q3"
    yearly = credit.by_year(frame)
    total_2026 = yearly.loc[yearly["year"] == 2026, "principal"].sum()
    notes_issued_later = 0.0  # the 2031 notes and converts repay in 2031
    assert total_2026 == pytest.approx(ledger.value("debt_maturity_2026") + notes_issued_later)


def test_the_march_filing_reconciles_and_agrees_with_the_june_one_on_ddtl2(ledger):
    """Two filings a quarter apart, each calibrated alone, put the bulk of DDTL 2.0's repayment in
    2026-2027: the split is the tables' doing, not the model's choice of one date."""
    shares = {}
    for filing in (credit.FILING_2025_03_31, FILING):
        principal = credit.principal_by_facility(filing, ledger)
        years = filing.horizon.years
        assert sum(principal.values()).sum() == pytest.approx(ledger.value(filing.total_principal), rel=0.01)
        ddtl2 = principal["ddtl2"]
        shares[filing.as_of] = ddtl2[(years >= 2026) & (years <= 2027)].sum() / ddtl2.sum()
    assert all(share > 0.8 for share in shares.values()), shares
    assert abs(shares["2025-03-31"] - shares["2025-06-30"]) < 0.05, shares


def test_ddtl2_repays_nothing_before_its_filed_first_instalment(ledger):
    principal = credit.principal_by_facility(credit.FILING_2025_03_31, ledger)["ddtl2"]
    quarters = credit.FILING_2025_03_31.horizon.quarters
    assert not principal[: quarters.index("2025-Q4")].any()
    assert principal[quarters.index("2025-Q4")] > 0


def test_a_filing_without_rates_gives_principal_but_refuses_interest(ledger):
    with pytest.raises(CreditError, match="the 2025-03-31 filing has no rate for ddtl1, ddtl2"):
        facility_schedules(credit.FILING_2025_03_31, ledger)


def test_schedule_command_json_starts_from_the_latest_stack(ledger):
    import json

    from click.testing import CliRunner

    from runthenumbers.cli import main

    result = CliRunner().invoke(main, ["schedule", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert set(rows[0]) == {"facility", "quarter", "opening", "draws", "interest", "fees", "principal", "closing"}
    assert rows[0]["quarter"] == "2026-Q1"
    facilities = {r["facility"] for r in rows}
    assert len(facilities) >= 10
    assert {"DDTL 3.0", "DDTL 4.0", "2031 convertible notes"} <= facilities
    opening = sum(r["opening"] for r in rows if r["quarter"] == "2026-Q1")
    assert opening == pytest.approx(credit.stack_at(ledger, "2025-12-31").principal)
    # The June 2025 facilities still repay what the filed table leaves them from 2026 on.
    june = credit.principal_by_facility(FILING, ledger)
    years = FILING.horizon.years
    for key, label in (("ddtl1", "DDTL 1.0"), ("ddtl2", "DDTL 2.0")):
        for year in (2026, 2027, 2028):
            total = sum(r["principal"] for r in rows if r["facility"] == label and r["quarter"].startswith(str(year)))
            assert total == pytest.approx(june[key][years == year].sum()), (label, year)


def test_schedule_command_by_year_moves_interest_with_sofr_and_refuses_bad_input():
    import json

    from click.testing import CliRunner

    from runthenumbers.cli import main

    runner = CliRunner()
    low = json.loads(runner.invoke(main, ["schedule", "--by", "year", "--format", "json", "--set", "sofr=0.02"]).output)
    high = json.loads(
        runner.invoke(main, ["schedule", "--by", "year", "--format", "json", "--set", "sofr=0.06"]).output
    )
    ddtl2_2026 = [
        (lo["interest"], hi["interest"])
        for lo, hi in zip(low, high)
        if lo["facility"] == "DDTL 2.0" and lo["year"] == 2026
    ]
    assert ddtl2_2026 and ddtl2_2026[0][1] > ddtl2_2026[0][0]
    notes = [(lo["interest"], hi["interest"]) for lo, hi in zip(low, high) if lo["facility"] == "2030 senior notes"]
    assert all(a == b for a, b in notes)
    bad = runner.invoke(main, ["schedule", "--set", "sofr=2"])
    assert bad.exit_code == 2
    assert "sofr = 2.0 is outside the allowed range 0 to 0.2 (fraction)" in bad.output
    unused = runner.invoke(main, ["schedule", "--set", "stress_top_two_revenue_lost=0.5"])
    assert (
        unused.exit_code == 2
        and "stress_top_two_revenue_lost does not change the schedule; it takes sofr" in unused.output
    )


def test_ratings_load_with_their_sources_and_refuse_a_bad_row(ledger, tmp_path):
    import shutil

    from runthenumbers.data import LedgerError, load_ratings

    ratings = load_ratings(ledger)
    assert {r.agency for r in ratings.values()} == {"Moody's", "S&P", "Fitch"}
    assert ratings["fitch_issuer_2025_05_19"].rating == "BB-"
    data = tmp_path / "data"
    shutil.copytree(credit.__file__.rsplit("/runthenumbers/", 1)[0] + "/data", data)
    text = (data / "ratings.csv").read_text(encoding="utf-8").replace("fitch_crwv_20250519_crm", "no_such_source", 1)
    (data / "ratings.csv").write_text(text, encoding="utf-8")
    with pytest.raises(LedgerError, match="ratings.csv:2: column 'source': unknown source 'no_such_source'"):
        load_ratings(ledger, data)


def test_the_books_2024_leverage_reconciles_with_fitchs(ledger):
    """Debt at 2024-12-31 over 2024's four reported quarters of adjusted EBITDA, against Fitch's 6.6x."""
    quarters = tuple(f"2024-Q{q}" for q in range(1, 5))
    measures, _ = reported.reported_measures(ledger, quarters)
    leverage = reported.coverage_and_leverage(measures).loc["2024-Q4", "ttm_leverage"]
    assert leverage == pytest.approx(ledger.value("rating_fitch_gross_leverage_fy2024_20250519"), abs=0.05)


def test_reported_measures_prefer_the_filed_figure(ledger):
    _, ids = reported.reported_measures(ledger, ("2025-Q1",))
    assert ledger.source_of(ids.loc["2025-Q1", "revenue"]).kind in ("filing", "press-release")
    assert reported.best_fact(ledger, ["no_such_fact"]) is None


def test_break_even_haircut_is_the_share_of_earnings_that_can_go():
    assert credit.break_even_haircut(100.0, 80.0) == pytest.approx(0.2)
    assert credit.break_even_haircut(100.0, 125.0) == pytest.approx(-0.25)
    assert np.isnan(credit.break_even_haircut(0.0, 10.0))


def test_publish_table_formats_numbers_and_names_missing_cells():
    import pandas as pd

    from runthenumbers import tables

    frame = pd.DataFrame({"Facility": ["A & B"], "USD m": [1234.5], "Rate": [float("nan")]}, index=["2025-Q1"])
    out = tables.table(frame, formats={"USD m": "{:,.1f}"}, index_label="Quarter", missing="not read").to_html()
    assert '<th scope="row">2025-Q1</th>' in out
    assert 'class="num">1,234.5</td>' in out and ">A &amp; B</td>" in out and "<td>not read</td>" in out


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=-0.04, max_value=0.1), min_size=1, max_size=5))
def test_the_service_surface_is_the_full_model_for_any_sofr_change(ledger, changes):
    surface = credit.service_surface(FILING, ledger)
    full = sum(s.debt_service for s in facility_schedules(FILING, ledger, changes))
    np.testing.assert_allclose(surface.service(changes), full, rtol=1e-12, atol=1e-3)


def test_the_surface_sums_quarters_to_calendar_years(ledger):
    surface = credit.service_surface(FILING, ledger)
    yearly = credit.service_by_year(facility_schedules(FILING, ledger), FILING.horizon)
    annual = surface.annual([0.0, 0.01], chunk=1)
    np.testing.assert_allclose(annual[0], yearly["service"].to_numpy(), rtol=1e-12)
    # A point more SOFR never lowers a year's service, and raises 2026's (floating DDTLs are owed then).
    assert (annual[1] >= annual[0] - 1e-6).all()
    assert annual[1][2026 - 2025] > annual[0][2026 - 2025]


def test_the_horizon_runs_from_the_quarter_after_the_filing_date_to_the_end_of_2031():
    # Another balance-sheet date moves the start, not the end: the schedule is read off the filing's date.
    assert FILING.horizon == Horizon("2025-Q3", "2031-Q4") and len(FILING.horizon) == 26
    assert credit.FILING_2025_03_31.horizon.first == "2025-Q2"
    assert dataclasses.replace(FILING, as_of="2025-12-31").horizon == Horizon("2026-Q1", "2031-Q4")


def test_the_surface_carries_the_proceeds_of_the_debt_issued_after_the_filing(ledger):
    surface = credit.service_surface(FILING, ledger)
    issued = sum(ledger.value(issue.principal) for issue in FILING.later_issues)
    assert surface.proceeds.sum() == pytest.approx(issued)
    assert surface.horizon == FILING.horizon and surface.base.shape == surface.per_sofr.shape == (26,)


# ---------------------------------------------------------------------------------------------
# The latest stack


def test_the_stack_reconciles_with_the_filed_total_and_the_year_end_bound(ledger):
    september, december, march = (credit.stack_at(ledger, d) for d in credit.STACK_DATES)
    assert september.principal == pytest.approx(ledger.value("debt_total_principal_2025q3"))
    # "nearly $700 million" of annual saving on a 300 bp lower rate: at most $23.3B at the year end.
    assert december.total == pytest.approx(0.7e9 / 0.03)
    assert december.principal == pytest.approx(december.total)
    assert december.total_low < december.total
    for stack in (september, december, march):
        for p in stack.positions:
            assert p.low - 1 <= p.balance <= p.high + 1, (stack.as_of, p.key)
    # The Magnetar loan accretes at its filed 12% from its filed September balance; it is not repaid.
    assert december["magnetar"].balance == pytest.approx(264_666_000 * 1.12**0.25)
    assert march["magnetar"].balance > december["magnetar"].balance
    assert march["ddtl4"].balance == 0 and march["ddtl4"].high == ledger.value("debt_ddtl4_commitment")
    # The convertibles: base plus the option, the call's "approximately $2.6 billion".
    assert december["convert_2031"].balance == pytest.approx(2_587_500_000)
    scheduled = {s.key for s in credit.latest_schedules(ledger)}
    assert len(scheduled) >= 10 and {"ddtl3", "ddtl4", "convert_2031"} <= scheduled


def test_2026_interest_is_consistent_with_the_reported_first_quarter_and_the_second_quarter_guide(ledger):
    """The schedule's modelled interest expense for 2026-Q1 is within 10% of the $536M reported; its
    2026-Q2, which borrows nothing new, is below the $650-730M guide, and a quarter's interest on the
    debt raised since March (at the stack's own average rate) brings it into the guided range within 5%."""
    schedules = credit.latest_schedules(ledger)
    expense = credit.interest_expense(schedules)
    reported_q1 = ledger.value("cw_interest_expense_2026q1")
    assert expense[0] == pytest.approx(reported_q1, rel=0.10)
    low, high = ledger.value("cw_interest_guide_2026q2_low"), ledger.value("cw_interest_guide_2026q2_high")
    assert expense[1] < low
    december, march = credit.stack_at(ledger, "2025-12-31"), credit.stack_at(ledger, "2026-03-31")
    rate = expense[0] * 4 / ((december.principal + march.principal) / 2)
    raised = ledger.value("debt_capital_raised_2026q2_to_date") - ledger.value("cw_jane_street_equity_2026q2")
    assert 0.95 * low <= expense[1] + raised * rate / 4 <= high
    # The whole year's interest is at least the first quarter reported plus three quarters of the floor.
    yearly = credit.service_by_year(schedules, credit.latest_horizon())
    assert yearly.loc[2026, "interest"] > expense[1] * 3


def test_a_cash_coupon_not_the_effective_rate_prices_the_notes(ledger):
    notes = {s.key: s for s in credit.latest_schedules(ledger)}["notes_2030"]
    # $2,000M at the 9.25% coupon (not the filed 10% effective rate): $46.25M a quarter.
    assert notes.interest[0, 0] == pytest.approx(2e9 * 0.0925 / 4)


@pytest.mark.parametrize(
    "fact_id, value, message",
    [
        ("debt_total_principal_2025q3", 5e9, "stack at 2025-09-30: the instruments with known balances come to"),
        ("debt_total_principal_2025q3", 40e9, "the stack does not reconcile within 2%"),
        ("debt_ddtl3_margin", -0.2, "ddtl3: debt_ddtl3_margin = -0.2 gives a rate of -15.63%, below zero"),
        ("debt_2031_convert_maturity", 20251201.0, "convert_2031: maturity = 20251201 falls before its first draw"),
        (
            "debt_2031_convert_option",
            2e9,
            "convert_2031: principal = 4,250,000,000 (base plus option) is not within 2%",
        ),
    ],
)
def test_a_bad_stack_is_refused_naming_the_instrument_the_field_and_the_value(ledger, fact_id, value, message):
    with pytest.raises(CreditError, match=message.replace("(", r"\(").replace(")", r"\)")):
        credit.latest_schedules(_with_fact(ledger, fact_id, value))


def test_an_amortization_that_repays_more_than_was_drawn_is_refused():
    with pytest.raises(CreditError, match="ddtl3: principal = 3,000,000,000 repays more than the 2,000,000,000 drawn"):
        credit._flows("ddtl3", "DDTL 3.0", 2e9, np.zeros(4), np.full(4, 0.75e9), 0.08, [0.0], True, True)


def test_a_missing_fact_stops_the_stack_with_its_id(ledger):
    from runthenumbers.data import MissingFact

    facts = {k: v for k, v in ledger.facts.items() if k != "debt_ddtl3_commitment"}
    with pytest.raises(MissingFact, match="debt_ddtl3_commitment"):
        credit.stack_at(dataclasses.replace(ledger, facts=facts), "2025-12-31")


def test_a_ratio_of_two_periods_is_refused_naming_the_ratio_and_the_periods():
    a, b = credit.Measure(1.2e9, "2026-Q1"), credit.Measure(1.1e9, "FY2026")
    with pytest.raises(
        CreditError, match="interest_cover: numerator period = '2026-Q1' and denominator period = 'FY2026' differ"
    ):
        credit.ratio("interest_cover", a, b)
    with pytest.raises(
        CreditError, match="leverage: numerator period = '2025-06-30' and denominator period = 'FY2026' differ"
    ):
        credit.ratio("leverage", credit.Measure(11e9, "2025-06-30"), b, stock_over_flow=True)
    with pytest.raises(CreditError, match="cover: denominator = 0.0 must be a positive amount"):
        credit.ratio("cover", a, credit.Measure(0.0, "2026-Q1"))
    matched = credit.ratio("interest_cover", a, credit.Measure(0.5e9, "2026-Q1"))
    assert matched.value == pytest.approx(2.4)
    assert credit.periods_of(matched.formula("EBITDA / interest")) == ("2026-Q1", "2026-Q1")


@settings(max_examples=30)
@given(st.floats(min_value=0.0, max_value=0.08))
def test_service_of_the_latest_stack_is_linear_in_sofr(ledger, change):
    surface = credit.latest_service_surface(ledger)
    full = sum(s.debt_service for s in credit.latest_schedules(ledger, [change]))
    np.testing.assert_allclose(surface.service(change)[0], full[0], rtol=1e-9, atol=1e-3)


def test_the_parent_wall_tests_the_no_maturities_before_2029_statement(ledger):
    march = credit.stack_at(ledger, "2026-03-31")
    exceptions = credit.before_2029_exceptions(ledger, march)
    # Only the revolver (June 2027, as last filed) falls due before 2029 among the parent's bullets.
    assert list(exceptions["key"]) == ["revolver"]
    wall = credit.parent_wall(ledger, march)
    assert wall.loc[wall["year"] == 2031, "principal"].sum() == pytest.approx(1.75e9 + 2.5875e9 + 1.25e9)


HEADLINES = {
    # page: the ratio names it shows from the credit chapter (as the page publishes them)
    "intro": ("coverage_2026", "interest_cover_2026", "leverage_ttm_2025"),
    "summary": ("service_cover_2026", "interest_cover_2026", "leverage_2024", "leverage_2025"),
    "after": (
        "service_cover_2026",
        "leverage_2024",
        "leverage_2025",
        "ebitda_interest_2024q3",
        "ebitda_interest_latest",
        "ebit_interest_2025q3",
    ),
}


@pytest.mark.parametrize("page", list(HEADLINES))
def test_every_headline_ratio_is_on_matched_periods(page):
    """Each ratio the home page, the summary and the after page show carries, in its provenance, the
    periods of its numerator and denominator, and they are the same."""
    import nbformat

    from runthenumbers import values

    if page == "intro":
        provenance = values.Reader("intro").provenance("credit")
    else:
        provenance = values.provenance_of(nbformat.read(values.NOTEBOOK_DIR / f"{page}.ipynb", as_version=4))
    for name in HEADLINES[page]:
        periods = credit.periods_of(provenance[name]["formula"])
        assert periods is not None, (page, name, provenance[name]["formula"])
        assert periods[0] == periods[1], (page, name, periods)
