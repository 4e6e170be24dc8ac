"""Capex: what CoreWeave's build-out costs, how it is funded, and what one GPU earns.

Two models, both vectorized over a leading scenario axis: every function takes numbers or numpy
arrays, broadcasts them, and returns an array of the broadcast shape, so one call evaluates one
scenario or a grid of them (shape ``(scenarios,)`` or any shape that broadcasts).

Units, stated once: money in USD, power in MW (build-out) or kW (per GPU), prices in USD per
GPU-hour, rates as annual fractions (0.11 is 11% a year), lives and payback periods in years, and
utilization as the fraction of a year's hours for which a GPU is rented.

The build-out model is plain proportion: cost per MW = spending / megawatts it bought; cost of a
capacity = megawatts x cost per MW; funding gap = cost - what is on hand.

The GPU model treats one installed GPU as a loan to itself. It costs ``capex_per_gpu`` up front,
financed at ``financing_rate``; each year it earns its operating cash, ``(rental_price x
utilization - power cost per hour) x 8,760``, and that cash pays the interest on what is still
unpaid and then the principal. With interest compounded continuously (a close stand-in for monthly
payments) the unpaid balance ``B`` obeys ``dB/dt = r B - m``, which gives closed forms for

- the payback period ``T = -ln(1 - r C / m) / r`` (``C / m`` when ``r = 0``), infinite when the
  operating cash ``m`` cannot even cover the interest ``r C``;
- the capital charge, the level yearly payment that repays ``C`` with interest over the useful life
  ``L``: ``r C / (1 - exp(-r L))`` (``C / L`` when ``r = 0``); it is depreciation ``C / L`` plus
  financing;
- the break-even rental price, at which the margin after power and the capital charge is zero and
  the payback period equals the useful life: below it a GPU wears out before it pays for itself.

Power is paid for every hour, rented or not: data-center power is contracted by capacity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .checks import require_between
from .data import Ledger
from .parameters.capex import PARAMETERS

HOURS_PER_YEAR = 24 * 365
KW_PER_MW = 1_000.0
# Below this, x / (1 - exp(-x)) and -ln(1 - y) / y are taken from their series 1 + x/2: the
# neglected x^2/12 term is then under 1e-17, below double precision.
_SERIES_BELOW = 1e-8

# The notebook's inputs as declared, (low, high, unit) each: the model functions enforce their ranges with the
# notebook's messages.
_INPUT_RANGES: dict[str, tuple[float, float, str]] = {p.name: (p.minimum, p.maximum, p.unit) for p in PARAMETERS}


def _checked(name: str, value) -> np.ndarray:
    """``value`` of notebook input ``name`` as a float array, or the :class:`ParameterError` of its first value
    outside the input's declared range."""
    return require_between(name, value, *_INPUT_RANGES[name])


def _hourly_cost(name: str, value) -> np.ndarray:
    """A running cost per GPU-hour (power, a data hall), which is not a notebook input: from 0 to the highest
    rental price an input may take."""
    return require_between(name, value, 0.0, _INPUT_RANGES["rental_price"][1], "USD/GPU-hour")


# ---------------------------------------------------------------------------------------------
# The build-out


def cost_per_mw(spent, megawatts) -> np.ndarray:
    """USD per MW: what ``spent`` (USD) bought, spread over the ``megawatts`` (MW) it brought into service."""
    megawatts = require_between("megawatts", megawatts, 0.0, np.inf, "MW")
    if np.any(megawatts == 0):
        raise ValueError("megawatts = 0 cannot carry a cost per MW; allowed: megawatts above 0 (MW)")
    return require_between("spent", spent, 0.0, np.inf, "USD") / megawatts


def build_cost(megawatts, capex_per_mw) -> np.ndarray:
    """USD to bring ``megawatts`` (MW) into service at ``capex_per_mw`` (USD/MW)."""
    return require_between("megawatts", megawatts, 0.0, np.inf, "MW") * _checked("capex_per_mw", capex_per_mw)


def remaining_build_cost(contracted_mw, active_mw, capex_per_mw) -> np.ndarray:
    """USD to bring the contracted but not yet active megawatts into service."""
    contracted_mw = _checked("contracted_mw", contracted_mw)
    active_mw = _checked("active_mw", active_mw)
    if np.any(active_mw > contracted_mw):
        raise ValueError("active_mw is above contracted_mw; allowed: active_mw from 1 to contracted_mw (MW)")
    return build_cost(contracted_mw - active_mw, capex_per_mw)


def funding_gap(cost, *funding) -> np.ndarray:
    """USD still to find: ``cost`` less every source of ``funding`` (each USD); negative means a surplus."""
    return np.asarray(cost, dtype=float) - sum(np.asarray(f, dtype=float) for f in funding)


def spending_bases(ledger: Ledger, active_mw: float, contracted_mw: float) -> pd.DataFrame:
    """Every way the sources let one put a cost on a megawatt, one row each.

    Columns: ``basis``, ``spent`` (USD), ``megawatts`` (MW), ``cost_per_mw`` (USD/MW), ``kind`` (what
    kind of source the spending comes from) and ``facts`` (ledger ids). The cash-flow rows and the filed
    property and equipment at cost divide spending to 2024-12-31 by the active megawatts; NextPlatform's
    two estimates each by their own.
    """
    cash = sum(ledger.value(f"capex_purchases_ppe_fy{year}_agg") for year in (2022, 2023, 2024))
    vendor_financed = ledger.value("debt_oem_balance_2024q4")
    rows = [
        (
            "Cash capex 2022-2024",
            cash,
            active_mw,
            "data service built from the filings",
            [
                "capex_purchases_ppe_fy2022_agg",
                "capex_purchases_ppe_fy2023_agg",
                "capex_purchases_ppe_fy2024_agg",
                "article_capex_active_mw",
            ],
        ),
        (
            "Cash capex plus vendor-financed equipment",
            cash + vendor_financed,
            active_mw,
            "data service plus filing (S-4 debt note)",
            [
                "capex_purchases_ppe_fy2022_agg",
                "capex_purchases_ppe_fy2023_agg",
                "capex_purchases_ppe_fy2024_agg",
                "debt_oem_balance_2024q4",
                "article_capex_active_mw",
            ],
        ),
        (
            "Property and equipment at cost, 2024-12-31",
            ledger.value("cw_ppe_gross_2024q4"),
            active_mw,
            "filing (10-Q, property and equipment note)",
            ["cw_ppe_gross_2024q4", "article_capex_active_mw"],
        ),
        (
            "NextPlatform: spent so far",
            ledger.value("article_capex_spent_to_date"),
            active_mw,
            "estimate (NextPlatform, via the article)",
            ["article_capex_spent_to_date", "article_capex_active_mw"],
        ),
        (
            "NextPlatform: contracted build-out",
            ledger.value("article_capex_contracted_build_cost"),
            contracted_mw,
            "estimate (NextPlatform, via the article)",
            ["article_capex_contracted_build_cost", "article_capex_contracted_mw"],
        ),
    ]
    frame = pd.DataFrame(rows, columns=["basis", "spent", "megawatts", "kind", "facts"])
    frame["cost_per_mw"] = cost_per_mw(frame["spent"].to_numpy(), frame["megawatts"].to_numpy())
    return frame[["basis", "spent", "megawatts", "cost_per_mw", "kind", "facts"]]


# The bases that price the contracted capacity: the filed balance of property and equipment and NextPlatform's
# two estimates. The cash-capex rows, rebuilt by a data service from the filings, are shown beside them only.
SECONDARY_BASES = ("Cash capex 2022-2024", "Cash capex plus vendor-financed equipment")


def pricing_bases(bases: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`spending_bases` that set the range of costs per megawatt: all but the cash-capex rows."""
    return bases[~bases["basis"].isin(SECONDARY_BASES)]


def build_out_ladder(
    spent_low: float,
    spent_high: float,
    active_mw,
    contracted_mw,
    cost_per_mw_low: float,
    cost_per_mw_high: float,
    capex_per_mw,
) -> pd.DataFrame:
    """The ladder from what was spent to what the contracted capacity costs, each step as a range (USD).

    Rows: spent so far (on the active MW), still to build (contracted less active MW) and the whole
    contracted capacity, with ``low``, ``high`` and this run's value at ``capex_per_mw`` (spent so
    far has no run value of its own: it is what the sources report).
    """
    remaining_mw = _checked("contracted_mw", contracted_mw) - _checked("active_mw", active_mw)
    lows = np.array([spent_low, remaining_mw * cost_per_mw_low, spent_low + remaining_mw * cost_per_mw_low])
    highs = np.array([spent_high, remaining_mw * cost_per_mw_high, spent_high + remaining_mw * cost_per_mw_high])
    run = build_cost(remaining_mw, capex_per_mw)
    return pd.DataFrame(
        {
            "step": ["Spent so far", "Still to build", "All contracted capacity"],
            "megawatts": [float(active_mw), float(remaining_mw), float(contracted_mw)],
            "low": lows,
            "high": highs,
            "this_run": [np.nan, float(run), float(spent_low + run)],
        }
    )


# ---------------------------------------------------------------------------------------------
# One GPU


def power_cost_per_hour(power_kw_per_gpu, electricity_price) -> np.ndarray:
    """USD per installed GPU-hour for power: kW drawn per GPU x USD per kWh."""
    return _checked("power_kw_per_gpu", power_kw_per_gpu) * _checked("electricity_price", electricity_price)


def capital_charge(capex_per_gpu, useful_life, financing_rate) -> np.ndarray:
    """USD per year that repays ``capex_per_gpu`` with interest at ``financing_rate`` over ``useful_life`` years.

    The continuous annuity ``r C / (1 - exp(-r L))``; ``C / L`` (straight-line depreciation) when r = 0.
    """
    capex = _checked("capex_per_gpu", capex_per_gpu)
    life = _checked("useful_life", useful_life)
    rate = _checked("financing_rate", financing_rate)
    # Written as straight-line depreciation times x / (1 - exp(-x)), x = r L, which tends to 1 + x/2:
    # the series keeps tiny rates (down to subnormal ones) exact where the division would not be.
    x = rate * life
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        factor = np.where(x > _SERIES_BELOW, x / -np.expm1(-x), 1.0 + x / 2.0)
    return capex / life * factor


def depreciation_per_hour(capex_per_gpu, useful_life) -> np.ndarray:
    """USD per installed GPU-hour of straight-line depreciation: capex / (life x 8,760)."""
    return _checked("capex_per_gpu", capex_per_gpu) / (_checked("useful_life", useful_life) * HOURS_PER_YEAR)


def financing_per_hour(capex_per_gpu, useful_life, financing_rate) -> np.ndarray:
    """USD per installed GPU-hour of interest: the capital charge less depreciation, spread over the hours."""
    return capital_charge(capex_per_gpu, useful_life, financing_rate) / HOURS_PER_YEAR - depreciation_per_hour(
        capex_per_gpu, useful_life
    )


def operating_cash_per_year(rental_price, utilization, power_cost) -> np.ndarray:
    """USD a GPU earns in a year before paying for itself: (price x utilization - power per hour) x 8,760."""
    return (
        _checked("rental_price", rental_price) * _checked("utilization", utilization)
        - _hourly_cost("power_cost", power_cost)
    ) * HOURS_PER_YEAR


def margin_per_hour(rental_price, utilization, capex_per_gpu, useful_life, financing_rate, power_cost) -> np.ndarray:
    """USD per installed GPU-hour left after power, depreciation and financing (the capital charge)."""
    return (
        operating_cash_per_year(rental_price, utilization, power_cost)
        - capital_charge(capex_per_gpu, useful_life, financing_rate)
    ) / HOURS_PER_YEAR


def payback_years(rental_price, utilization, capex_per_gpu, financing_rate, power_cost) -> np.ndarray:
    """Years until a GPU's operating cash has repaid its capex and the interest on the unpaid part.

    ``-ln(1 - r C / m) / r`` with ``m`` the operating cash per year; ``C / m`` when r = 0; ``inf``
    when the operating cash does not exceed the interest on the capex (the GPU never pays back).
    """
    cash = operating_cash_per_year(rental_price, utilization, power_cost)
    capex = _checked("capex_per_gpu", capex_per_gpu)
    rate = _checked("financing_rate", financing_rate)
    cash, capex, rate = np.broadcast_arrays(cash, capex, rate)
    paying = cash > 0
    simple = np.divide(capex, cash, out=np.full(cash.shape, np.inf), where=paying)
    # The interest share y = r C / m; T = (C / m) x -ln(1 - y) / y, whose factor tends to 1 + y/2.
    with np.errstate(under="ignore"):
        share = rate * np.where(paying, simple, 0.0)
    years = np.full(cash.shape, np.inf)
    pays_back = paying & (share < 1)
    y = share[pays_back]
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(y > _SERIES_BELOW, -np.log1p(-y) / y, 1.0 + y / 2.0)
    years[pays_back] = simple[pays_back] * factor
    return years


def break_even_price(utilization, capex_per_gpu, useful_life, financing_rate, power_cost) -> np.ndarray:
    """USD per rented GPU-hour at which a GPU exactly pays for itself over its useful life.

    (capital charge / 8,760 + power per hour) / utilization: the margin is zero and the payback
    period equals the useful life. Below it, the GPU is worn out before it has paid back.
    """
    per_installed_hour = capital_charge(capex_per_gpu, useful_life, financing_rate) / HOURS_PER_YEAR + _hourly_cost(
        "power_cost", power_cost
    )
    return per_installed_hour / _checked("utilization", utilization)


def payback_words(years: float) -> str:
    """A payback period as a sentence says it: 'in 3.9 years', or 'never' for one that never comes (inf),
    so that a page says "never" in words and publishes no infinity."""
    years = float(years)
    if not np.isfinite(years):
        return "never"
    return f"in {years:,.1f} year{'' if f'{years:,.1f}' == '1.0' else 's'}"


def never_pays_back_price(utilization, capex_per_gpu, financing_rate, power_cost) -> np.ndarray:
    """USD per rented GPU-hour at or below which a GPU never pays back, however long it lasts.

    The operating cash only covers the interest on the capex: (r x capex / 8,760 + power) / utilization.
    """
    interest = _checked("financing_rate", financing_rate) * _checked("capex_per_gpu", capex_per_gpu) / HOURS_PER_YEAR
    return (interest + _hourly_cost("power_cost", power_cost)) / _checked("utilization", utilization)


def payback_curve(prices, utilization, capex_per_gpu, financing_rate, power_cost, max_years: float) -> pd.DataFrame:
    """Payback period (years) against rental price (USD/GPU-hour), one row per price; prices whose
    payback is longer than ``max_years`` (or never comes) are left out so that a chart stays readable."""
    prices = np.asarray(prices, dtype=float)
    years = payback_years(prices, utilization, capex_per_gpu, financing_rate, power_cost)
    keep = years <= max_years
    return pd.DataFrame({"rental_price": prices[keep], "payback_years": years[keep]})


def gpu_cost_stack(
    capex_per_gpu, useful_life, financing_rate, power_cost, utilization, colocation_cost=0.0
) -> pd.DataFrame:
    """What one rented GPU-hour has to cover, by component (USD per rented GPU-hour), for the scalar inputs.

    Rows: depreciation, financing, power and the data hall (colocation); they add up to the break-even
    price when ``power_cost`` passed to :func:`break_even_price` is power plus colocation.
    """
    per_installed = {
        "Depreciation": depreciation_per_hour(capex_per_gpu, useful_life),
        "Financing": financing_per_hour(capex_per_gpu, useful_life, financing_rate),
        "Power": _hourly_cost("power_cost", power_cost),
        "Data hall": _hourly_cost("colocation_cost", colocation_cost),
    }
    utilization = _checked("utilization", utilization)
    return pd.DataFrame(
        {
            "component": list(per_installed),
            "usd_per_rented_hour": [float(v / utilization) for v in per_installed.values()],
        }
    )


# ---------------------------------------------------------------------------------------------
# H100 rental prices


# Where each dated price point sits on the chart's time axis, earliest first; points known only to
# the year are placed by what the source says of their order.
PRICE_POINTS = (
    # label, fact, reported by, what the figure is
    (
        "2023-03 (launch)",
        "capex_h100_price_2023_initial_latentspace",
        "Sources",
        "initial rental price at the H100's launch",
    ),
    (
        "2023 (peak, month not given)",
        "capex_h100_price_2023_peak_latentspace",
        "Sources",
        "'over $8': a lower bound of the peak",
    ),
    ("2023-12", "article_capex_h100_price_late_2023", "The article", "dated 'end of 2023' by the article"),
    ("2024-10", "capex_h100_price_2024_latentspace", "Sources", "'below $2': an upper bound, resale market"),
    ("2025-03", "article_capex_h100_price_now", "The article", "'at the time of writing'"),
    ("2025-10", "capex_h100_price_2025_trough_semianalysis", "Sources", "one-year reserved, the trough (SemiAnalysis)"),
    ("2026-03", "capex_h100_price_2026_reserved_semianalysis", "Sources", "one-year reserved (SemiAnalysis)"),
)
ARTICLE_PEAK = ("2023 (peak, month not given)", "article_capex_h100_price_8", "The article", "no date given")


def price_history(ledger: Ledger) -> pd.DataFrame:
    """The H100-hour price points with when, who reported them and what they are (USD/GPU-hour)."""
    points = list(PRICE_POINTS)
    points.insert(2, ARTICLE_PEAK)
    order = [label for label, *_ in PRICE_POINTS]
    rows = []
    for label, fact_id, reported_by, what in points:
        source = ledger.source_of(fact_id)
        rows.append(
            {
                "when": label,
                "order": order.index(label),
                "price": ledger.value(fact_id),
                "reported_by": reported_by,
                "source": source.publisher,
                "what": what,
                "fact": fact_id,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# The payback grid: capex per GPU x useful life x price, with the hall's lease


def colocation_cost_per_hour(fee_per_mw_year, power_kw_per_gpu) -> np.ndarray:
    """USD per installed GPU-hour for the data hall: a colocation fee per MW-year (USD) spread over the
    GPUs one MW holds (1,000 / kW per GPU) and the hours of a year."""
    fee = require_between("fee_per_mw_year", fee_per_mw_year, 0.0, 1e9, "USD per MW-year")
    return fee * _checked("power_kw_per_gpu", power_kw_per_gpu) / KW_PER_MW / HOURS_PER_YEAR


def revenue_per_installed_gpu_hour(quarterly_revenue, gpus) -> np.ndarray:
    """USD a quarter's revenue comes to per GPU installed and per hour of the quarter (a quarter of 8,760 h)."""
    gpus = require_between("gpus", gpus, 1.0, 1e9, "count")
    return np.asarray(quarterly_revenue, dtype=float) / (gpus * HOURS_PER_YEAR / 4)


def payback_grid(capex_values, lives, prices, utilization, financing_rate, running_cost) -> pd.DataFrame:
    """Every combination of capex per GPU (USD), useful life (years) and rental price (USD per rented
    GPU-hour): the payback period (years; inf if never), whether it comes within the life, and the
    break-even price of that capex and life. ``running_cost`` is USD per installed GPU-hour (power plus
    the hall's lease), paid whether the GPU is rented or not."""
    capex_values, lives, prices = (np.asarray(x, dtype=float) for x in (capex_values, lives, prices))
    c, life, price = np.meshgrid(capex_values, lives, prices, indexing="ij")
    years = payback_years(price, utilization, c, financing_rate, running_cost)
    break_even = break_even_price(utilization, c, life, financing_rate, running_cost)
    return pd.DataFrame(
        {
            "capex_per_gpu": c.ravel(),
            "useful_life": life.ravel(),
            "rental_price": price.ravel(),
            "payback_years": years.ravel(),
            "pays_back": (years <= life).ravel(),
            "break_even": break_even.ravel(),
        }
    )
