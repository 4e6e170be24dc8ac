"""Inputs of the debt chapter.

Quarter inputs count quarter numbers from 2025-Q1 = 1 (so 2025-Q4 = 4); the model converts them to
0-based indices. The loans' balances at 2024-12-31, DDTL 1.0's maturity, DDTL 2.0's facility size and
draw deadline are not inputs: they are read from the ledger (see :class:`runthenumbers.debt.Terms`).
"""

from collections.abc import Mapping

from ..calendar import ARTICLE_HORIZON, MONTHS_PER_QUARTER, extended_quarter, month_label
from .core import Parameter, ParameterError, Rule

NOTEBOOKS = ("debt",)

PARAMETERS = (
    Parameter(
        name="sofr",
        label="SOFR",
        description=(
            "SOFR level for 2025-2030, the base rate of every floating-rate loan "
            "(180-day average, August 2025; the March 2025 value was not readable)"
        ),
        unit="fraction",
        minimum=0.0,
        maximum=0.2,
        notebooks=("debt", "credit"),
        fact="debt_sofr_180d_avg_20250807",
    ),
    Parameter(
        name="ddtl1_margin",
        label="DDTL 1.0 margin over SOFR",
        description="DDTL 1.0 margin over SOFR (the article's figure; the S-1 credit terms were not readable)",
        unit="fraction",
        minimum=0.0,
        maximum=0.3,
        notebooks=NOTEBOOKS,
        fact="article_debt_ddtl1_sofr_spread",
    ),
    Parameter(
        name="ddtl1_principal_per_quarter",
        label="DDTL 1.0 principal a quarter",
        description=(
            "DDTL 1.0 scheduled principal per quarter from 2025-Q1, the rest repaid as a balloon at maturity; "
            "default: the pace of the first half of 2025, (2,012.5 - 1,782.5) / 2 = 115.0 USD millions a "
            "quarter from the balances in S-4 R41 (debt_ddtl1_balance_2024q4, debt_ddtl1_balance_2025q2)"
        ),
        unit="USD",
        minimum=0.0,
        maximum=2.3e9,
        notebooks=NOTEBOOKS,
        default=115e6,
    ),
    Parameter(
        name="ddtl1_extra_principal_per_quarter",
        label="DDTL 1.0 extra principal a quarter",
        description=(
            "Extra DDTL 1.0 principal per quarter from 2025-Q1, as a collateral test would demand when the "
            "GPUs securing the loan lose value; default none, since no such payment is disclosed"
        ),
        unit="USD",
        minimum=0.0,
        maximum=2.3e9,
        notebooks=NOTEBOOKS,
        default=0.0,
    ),
    Parameter(
        name="ddtl2_drawn",
        label="DDTL 2.0 drawn",
        description=(
            "Total DDTL 2.0 drawn by the last draw quarter; default: the balance at 2025-06-30 (S-4 R41), "
            "assuming nothing was repaid before the first repayment quarter"
        ),
        unit="USD",
        minimum=0.0,
        maximum=2e10,
        notebooks=NOTEBOOKS,
        fact="debt_ddtl2_balance_2025q2",
    ),
    Parameter(
        name="ddtl2_margin",
        label="DDTL 2.0 margin over SOFR",
        description=(
            "DDTL 2.0 margin over three-month term SOFR; default: the middle of the 6.00-6.50% band for "
            "investment-grade loans in the Fifth Amendment 8-K (debt_ddtl2_margin_ig_low, debt_ddtl2_margin_ig_high); "
            "non-investment-grade loans pay 13.00%"
        ),
        unit="fraction",
        minimum=0.0,
        maximum=0.3,
        notebooks=NOTEBOOKS,
        default=0.0625,
    ),
    Parameter(
        name="ddtl2_undrawn_fee",
        label="DDTL 2.0 fee on undrawn amounts",
        description="Annual fee on DDTL 2.0's undrawn commitment until the draw deadline (the article's figure; not readable in a filing)",
        unit="fraction",
        minimum=0.0,
        maximum=0.05,
        notebooks=NOTEBOOKS,
        fact="article_debt_ddtl2_undrawn_fee_rate",
    ),
    Parameter(
        name="ddtl2_last_draw_quarter",
        label="DDTL 2.0 last draw",
        description=(
            "Quarter number (1 = 2025-Q1) of the last DDTL 2.0 draw; draws are spread evenly from 2025-Q1 to it; "
            "default 2 (2025-Q2), the article's June 2025 deadline"
        ),
        unit="quarter number",
        minimum=1,
        maximum=24,
        notebooks=NOTEBOOKS,
        default=2,
        kind=int,
    ),
    Parameter(
        name="ddtl2_first_repayment_quarter",
        label="DDTL 2.0 first repayment",
        description="Quarter number (1 = 2025-Q1) of DDTL 2.0's first repayment; default 4 (2025-Q4), the article's October 2025",
        unit="quarter number",
        minimum=1,
        maximum=24,
        notebooks=NOTEBOOKS,
        default=4,
        kind=int,
    ),
    Parameter(
        name="ddtl2_amortization_months",
        label="DDTL 2.0 repayment period",
        description=(
            "How DDTL 2.0 is repaid: 0 (the default) as the filed maturity table implies (the credit chapter's "
            "calibrated schedule); otherwise each draw in equal quarterly parts over this many months (the article's reading: 60)"
        ),
        unit="months",
        minimum=0,
        maximum=120,
        notebooks=NOTEBOOKS,
        default=0,
        kind=int,
    ),
)


def _facility(ledger) -> tuple[float, float]:
    """DDTL 2.0's balance at 2024-12-31 and its facility size, USD."""
    return ledger.value("debt_ddtl2_balance_2024q4"), ledger.value("article_debt_ddtl2_facility_size")


def drawn_within_facility(values: Mapping, ledger) -> None:
    """DDTL 2.0 drawn is no less than already drawn and no more than the facility."""
    balance, size = _facility(ledger)
    drawn = values["ddtl2_drawn"]
    if drawn > size:
        raise ParameterError(
            f"ddtl2_drawn = {drawn!r} is above the facility size {size!r}; allowed: ddtl2_drawn "
            f"from {balance!r} to {size!r} (USD)"
        )
    if drawn < balance:
        raise ParameterError(
            f"ddtl2_drawn = {drawn!r} is below the balance already drawn at 2024-12-31 {balance!r}; "
            f"allowed: ddtl2_drawn from {balance!r} to {size!r} (USD)"
        )


def last_draw_by_deadline(values: Mapping, ledger) -> None:
    """The last DDTL 2.0 draw falls no later than the draw deadline plus its extension."""
    last = values["ddtl2_last_draw_quarter"]
    extended = extended_quarter(
        ledger.value("article_debt_ddtl2_draw_deadline"), ledger.value("article_debt_ddtl2_extension_months")
    )
    deadline = ARTICLE_HORIZON.index(extended) + 1
    if last > deadline:
        raise ParameterError(
            f"ddtl2_last_draw_quarter = {last!r} ({ARTICLE_HORIZON.label(last - 1)}) is after the draw deadline "
            f"{ARTICLE_HORIZON.label(deadline - 1)} ({month_label(ledger.value('article_debt_ddtl2_draw_deadline'))} plus the "
            f"{ledger.value('article_debt_ddtl2_extension_months'):g}-month extension); allowed: "
            f"ddtl2_last_draw_quarter from 1 to {deadline} (quarter number, 1 = 2025-Q1)"
        )


def amortization_in_whole_quarters(values: Mapping, ledger) -> None:
    """DDTL 2.0 is repaid in equal quarterly parts, so its amortization is a whole number of quarters."""
    months = values["ddtl2_amortization_months"]
    if months % MONTHS_PER_QUARTER:
        raise ParameterError(
            f"ddtl2_amortization_months = {months!r} is not a whole number of quarters; allowed: "
            f"ddtl2_amortization_months 0 (as filed) or 3 to 120 in steps of {MONTHS_PER_QUARTER} (months)"
        )


RULES = (
    Rule(("ddtl2_drawn",), drawn_within_facility),
    Rule(("ddtl2_last_draw_quarter",), last_draw_by_deadline),
    Rule(("ddtl2_amortization_months",), amortization_in_whole_quarters),
)
