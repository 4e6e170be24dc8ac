"""The value rules of the ledger (`runthenumbers/ledger_rules.py`): a date is a day of the calendar, a
fraction is from 0 to 1, a quantity that cannot be negative is not, a count is whole, and every fact id
starts with a ledger group; each refusal as command, exit code and message, then the exceptions."""

from __future__ import annotations

from cli_cases import Case, both, check, edit_ledger, table

from runthenumbers.ledger_rules import FRACTION_EXCEPTIONS, NON_NEGATIVE_UNITS, SIGN_EXCEPTIONS

CASES = [
    # A date is a day of the calendar, written yyyymmdd.
    Case(
        "fact-date",
        ["facts"],
        1,
        "column 'value': 20251399 is not a calendar date",
        setup=edit_ledger("facts.csv", "cw_ipo_first_trade_date", "value", "20251399"),
    ),
    Case(
        "fact-date-feb",
        ["facts"],
        1,
        "20250229 is not a calendar date",
        setup=edit_ledger("facts.csv", "cw_ipo_first_trade_date", "value", "20250229"),
    ),
    Case(
        "fact-date-half-day",
        ["facts"],
        1,
        "column 'value': 20250328.5 is not a calendar date",
        setup=edit_ledger("facts.csv", "cw_ipo_first_trade_date", "value", "20250328.5"),
    ),
    # A fraction is from 0 to 1; an id starts with a ledger group.
    Case(
        "fact-fraction-7",
        ["facts"],
        1,
        "column 'value': 7 is not a fraction from 0 to 1",
        setup=edit_ledger("facts.csv", "article_microsoft_share_fy2024", "value", "7"),
    ),
    Case(
        "fact-fraction-negative",
        ["facts"],
        1,
        "-0.62 is not a fraction from 0 to 1",
        setup=edit_ledger("facts.csv", "article_microsoft_share_fy2024", "value", "-0.62"),
    ),
    Case(
        "fact-unknown-prefix",
        ["facts"],
        1,
        "column 'id': id 'zz_new_fact' starts with 'zz', which is not a ledger group",
        setup=edit_ledger("facts.csv", "cw_revenue_fy2024", "id", "zz_new_fact"),
    ),
    # Units that cannot be negative, and whole counts; money may be negative.
    Case(
        "fact-mw-negative",
        ["facts"],
        1,
        "column 'value': -500 is negative, which a value in MW cannot be",
        setup=edit_ledger("facts.csv", "capex_site_jv_initial_capacity_va", "value", "-500"),
    ),
    Case(
        "fact-count-fraction",
        ["facts"],
        1,
        "column 'value': 2.5 is not a whole number; a count counts things",
        setup=edit_ledger("facts.csv", "cw_nvda_shares_2026", "value", "2.5"),
    ),
    Case(
        "fact-count-negative",
        ["facts"],
        1,
        "-3 is negative, which a value in count cannot be",
        setup=edit_ledger("facts.csv", "cw_nvda_shares_2026", "value", "-3"),
    ),
    Case(
        "fact-years-negative",
        ["facts"],
        1,
        "-5 is negative, which a value in years cannot be",
        setup=edit_ledger("facts.csv", "cw_openai_contract_term", "value", "-5"),
    ),
    Case(
        "fact-months-negative",
        ["facts"],
        1,
        "-3 is negative, which a value in months cannot be",
        setup=edit_ledger("facts.csv", "article_debt_ddtl2_extension_months", "value", "-3"),
    ),
    Case(
        "fact-quarters-negative",
        ["facts"],
        1,
        "-13 is negative, which a value in quarters cannot be",
        setup=edit_ledger("facts.csv", "article_debt_ddtl1_quarters_left", "value", "-13"),
    ),
    Case(
        "fact-multiple-negative",
        ["facts"],
        1,
        "-1 is negative, which a value in multiple cannot be",
        setup=edit_ledger("facts.csv", "article_spend_per_revenue_dollar_fy2024", "value", "-1"),
    ),
    Case(
        "fact-gpu-hour-negative",
        ["facts"],
        1,
        "-4.7 is negative, which a value in USD/GPU-hour cannot be",
        setup=edit_ledger("facts.csv", "debt_h100_price_initial", "value", "-4.7"),
    ),
    Case(
        "fact-kwh-negative",
        ["facts"],
        1,
        "-0.08 is negative, which a value in USD/kWh cannot be",
        setup=edit_ledger("facts.csv", "capex_us_industrial_electricity_price_2023", "value", "-0.08"),
    ),
    Case(
        "fact-usd-per-mw-negative",
        ["facts"],
        1,
        "-1 is negative, which a value in USD/MW cannot be",
        setup=both(
            edit_ledger("facts.csv", "capex_us_industrial_electricity_price_2023", "unit", "USD/MW"),
            edit_ledger("facts.csv", "capex_us_industrial_electricity_price_2023", "value", "-1"),
        ),
    ),
    Case(
        "fact-usd-negative-is-allowed",
        ["facts", "--format", "json"],
        0,
        '"value": -5.0',
        setup=edit_ledger("facts.csv", "article_revenue_fy2024", "value", "-5"),
    ),
]


@table(CASES)
def test_hostile_input_is_refused_with_a_message(case, tmp_path, monkeypatch):
    check(case, tmp_path, monkeypatch)


def test_every_fraction_exception_is_a_fraction_fact_outside_0_1():
    from runthenumbers.data import load_ledger

    ledger = load_ledger()
    for fact_id, reason in FRACTION_EXCEPTIONS.items():
        fact = ledger.fact(fact_id)
        assert fact.unit == "fraction" and not 0 <= fact.value <= 1 and reason


def test_every_sign_exception_is_a_negative_fact_of_a_unit_with_a_sign_rule():
    from runthenumbers.data import load_ledger

    ledger = load_ledger()
    for fact_id, reason in SIGN_EXCEPTIONS.items():
        fact = ledger.fact(fact_id)
        assert fact.unit in NON_NEGATIVE_UNITS and fact.value < 0 and reason
    # Money has no sign rule because the ledger holds losses and outflows; say which, so the rule stays reasoned.
    negative = sorted(f.id for f in ledger.facts.values() if f.value < 0)
    assert negative and all(
        ledger.fact(f).unit in ("USD", "GBP", "EUR", "fraction") or f in SIGN_EXCEPTIONS for f in negative
    )
