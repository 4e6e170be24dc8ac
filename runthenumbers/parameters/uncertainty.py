"""Inputs of the uncertainty page: the sweep's size and seed, and the central case of the funding model.

The funding model's inputs below are also the sweep's inputs, under the same names: ``--vary`` checks a
value against these ranges, which are the widest the model can evaluate, not the plausible ones. The
plausible ranges the sweep draws from are built from the ledger in :func:`runthenumbers.sweep.registry`,
each with its reason; a default here is the middle of that range (a test keeps it inside).
"""

from .core import Parameter

NOTEBOOKS = ("uncertainty",)
# The funding model's horizon, 2026-Q1 to 2031-Q4 (runthenumbers.liquidity.HORIZON; a test keeps them equal):
# a contract tenor longer than it, or a closing quarter outside it, is refused.
HORIZON_QUARTERS = 24

PARAMETERS = (
    Parameter(
        name="samples",
        label="Scenarios drawn",
        description="Scenarios drawn for the distributions (the sweep's cost grows linearly with it)",
        unit="count",
        minimum=1_000,
        maximum=2_000_000,
        notebooks=NOTEBOOKS,
        default=200_000,
        kind=int,
    ),
    Parameter(
        name="sobol_samples",
        label="Scenarios for the Sobol indices",
        description="Base samples of the Sobol design; the model runs (inputs + 2) times as often",
        unit="count",
        minimum=500,
        maximum=200_000,
        notebooks=NOTEBOOKS,
        default=20_000,
        kind=int,
    ),
    Parameter(
        name="seed",
        label="Random seed",
        description="Seed of the random draws: the same seed gives the same page",
        unit="count",
        minimum=0,
        maximum=2**32 - 1,
        notebooks=NOTEBOOKS,
        default=2025,
        kind=int,
    ),
    Parameter(
        name="sofr_drift",
        label="yearly drift of SOFR",
        description="How SOFR moves each year after the start of 2026; default: no move",
        unit="fraction a year",
        minimum=-0.05,
        maximum=0.05,
        notebooks=NOTEBOOKS,
        default=0.0,
    ),
    Parameter(
        name="revenue_per_mw_year",
        label="revenue per MW-year",
        description=(
            "Revenue a year from one MW in service; default 9.8 USD millions, the middle of the range CoreWeave's "
            "quarters 2025-Q1 to 2026-Q1 show (revenue x 4 / average active power). At least $1: with no revenue at "
            "all the central scenario's need has no peak to report"
        ),
        unit="USD per MW-year",
        minimum=1.0,
        maximum=1e9,
        notebooks=NOTEBOOKS,
        default=9.8e6,
    ),
    Parameter(
        name="ebitda_margin",
        label="EBITDA margin",
        description=(
            "Operating cash per dollar of revenue, after hosting; default 0.6, the middle of the adjusted EBITDA "
            "margins CoreWeave reported for 2025-Q1 to 2026-Q1"
        ),
        unit="fraction",
        minimum=-1.0,
        maximum=1.0,
        notebooks=NOTEBOOKS,
        default=0.6,
    ),
    Parameter(
        name="price_decline",
        label="GPU price erosion",
        description="Yearly fall in revenue per MW as contracts reprice; default 0.075, the middle of the sweep's range",
        unit="fraction a year",
        minimum=0.0,
        maximum=0.9,
        notebooks=NOTEBOOKS,
        default=0.075,
    ),
    Parameter(
        name="build_pace_mw",
        label="build pace",
        description=(
            "MW CoreWeave brings into service each quarter on its own sites after 2026-Q1; default 210, the middle "
            "of the sweep's range (the slowest quarter reported since mid-2025 to management's pace for 2027)"
        ),
        unit="MW a quarter",
        minimum=1.0,
        maximum=10_000.0,
        notebooks=NOTEBOOKS,
        default=210.0,
    ),
    Parameter(
        name="backlog_conversion",
        label="backlog conversion",
        description=(
            "Share of the power contracted but not active at 2026-03-31 that is built and earns revenue; "
            "default 0.85, the middle of the sweep's range"
        ),
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
        notebooks=NOTEBOOKS,
        default=0.85,
    ),
    Parameter(
        name="partner_slip",
        label="Core Scientific's delivery slip",
        description="Quarters by which Core Scientific's sites arrive late; default 3, the middle of the sweep's range",
        unit="quarters",
        minimum=0,
        maximum=26,
        notebooks=NOTEBOOKS,
        default=3,
        kind=int,
    ),
    Parameter(
        name="new_debt_rate",
        label="rate on new debt",
        description=(
            "Yearly rate on money borrowed beyond the committed facilities; default 0.076, the middle of what "
            "CoreWeave's 2025-2026 debt cost (DDTL 4.0 at under 6% to the 9.25% notes)"
        ),
        unit="fraction",
        minimum=0.0,
        maximum=0.5,
        notebooks=NOTEBOOKS,
        default=0.07625,
    ),
    Parameter(
        name="contracted_share",
        label="contracted share of revenue",
        description=(
            "Share of each MW's revenue under take-or-pay contracts at the contract price for the contract's term; "
            "default 0.96, between the 94% (2024-Q1) and over 98% (2025-Q1) the 10-Q reports"
        ),
        unit="fraction",
        minimum=0.0,
        maximum=1.0,
        notebooks=NOTEBOOKS,
        default=0.96,
    ),
    Parameter(
        name="contract_tenor_years",
        label="contract length",
        description=(
            "Years a MW's contract holds its price from the quarter it comes into service; default 4.5, between "
            "the roughly four and roughly five years of the weighted average the company gave"
        ),
        unit="years",
        minimum=0.25,
        maximum=HORIZON_QUARTERS / 4,
        notebooks=NOTEBOOKS,
        default=4.5,
    ),
    Parameter(
        name="useful_life_years",
        label="GPU useful life",
        description=(
            "Years before a MW's GPUs are replaced at the capex of a new MW; default 6, the depreciation life "
            "CoreWeave uses for technology equipment"
        ),
        unit="years",
        minimum=1.0,
        maximum=30.0,
        notebooks=NOTEBOOKS,
        default=6.0,
    ),
    Parameter(
        name="lending_capacity",
        label="new lending a quarter",
        description=(
            "Most new uncommitted debt CoreWeave can raise in a quarter; default $1,000 billion, which no "
            "scenario reaches (no limit)"
        ),
        unit="USD",
        minimum=0.0,
        maximum=1e12,
        notebooks=NOTEBOOKS,
        default=1e12,
    ),
    Parameter(
        name="markets_close_quarter",
        label="quarter lending stops",
        description=(
            "Quarters after 2025-12-31 from which no new uncommitted debt can be raised (0: from 2026-Q1); "
            f"default {HORIZON_QUARTERS}, the end of the horizon (never)"
        ),
        unit="quarters",
        minimum=0,
        maximum=HORIZON_QUARTERS,
        notebooks=NOTEBOOKS,
        default=HORIZON_QUARTERS,
        kind=int,
    ),
)
