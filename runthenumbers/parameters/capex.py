"""Inputs of the capex chapter: the build-out (megawatts and cost per megawatt) and one GPU's economics.

The model functions in :mod:`runthenumbers.capex` check their arguments against these same
definitions, so a bad value gets the same message whether it comes from a notebook, the scenario
runner or a direct call.
"""

from collections.abc import Mapping

from .core import Parameter, ParameterError, Rule

NOTEBOOKS = ("capex",)

PARAMETERS = (
    Parameter(
        name="active_mw",
        label="Active power",
        description="Active power at 2024-12-31 (the S-1's 'more than 360' MW as the article quotes it; the S-1 passage was not readable)",
        unit="MW",
        minimum=1.0,
        maximum=100_000.0,
        notebooks=NOTEBOOKS,
        fact="article_capex_active_mw",
    ),
    Parameter(
        name="contracted_mw",
        label="Contracted power",
        description="Total contracted power at 2024-12-31 (the S-1's 'about 1.3 GW' as the article quotes it)",
        unit="MW",
        minimum=1.0,
        maximum=100_000.0,
        notebooks=NOTEBOOKS,
        fact="article_capex_contracted_mw",
    ),
    Parameter(
        name="capex_per_mw",
        label="Build cost per MW",
        description=(
            "Capex to bring one more megawatt into service; default: NextPlatform's '>$39B for ~1.3 GW' as the "
            "article reports it, 39,000 / 1,300 = 30.0 USD millions per MW (article_capex_contracted_build_cost / "
            "article_capex_contracted_mw), the lowest of the figures the sources imply, so the funding gap is a floor. "
            "At least 1: the chapter gives funding on hand as a share of the cost still to build, which a cost of 0 "
            "leaves undefined"
        ),
        unit="USD/MW",
        minimum=1.0,
        maximum=1e9,
        notebooks=NOTEBOOKS,
        default=30e6,
    ),
    Parameter(
        name="rental_price",
        label="GPU rental price",
        description="What a customer pays for one H100 for one hour; default: Latent Space's 'below $2' of October 2024",
        unit="USD/GPU-hour",
        minimum=0.0,
        maximum=100.0,
        notebooks=NOTEBOOKS,
        fact="capex_h100_price_2024_latentspace",
    ),
    Parameter(
        name="utilization",
        label="GPU utilization",
        description=(
            "Share of the hours in a year for which a GPU is rented out; default 0.8, an assumption (no source "
            "gives CoreWeave's): capacity on take-or-pay contracts is paid for in full, capacity sold by the hour idles"
        ),
        unit="fraction",
        minimum=0.01,
        maximum=1.0,
        notebooks=NOTEBOOKS,
        default=0.8,
    ),
    Parameter(
        name="useful_life",
        label="GPU useful life",
        description="Years over which a GPU is depreciated and must pay for itself (six in the S-1, per reports of it)",
        unit="years",
        minimum=1.0,
        maximum=10.0,
        notebooks=NOTEBOOKS,
        fact="capex_useful_life_tech_equipment_bizety",
    ),
    Parameter(
        name="capex_per_gpu",
        label="Capital cost per GPU",
        description=(
            "All-in capex per GPU (server, network, storage, data-center fit-out); default: cash capex 2022-2024 over "
            "the more than 250,000 GPUs, 11,717.4 / 0.25 = 46,869.6 USD (capex_purchases_ppe_fy2022_agg to _fy2024_agg / "
            "cw_gpus_2024); NextPlatform's spending gives 60,000"
        ),
        unit="USD",
        minimum=0.0,
        maximum=1e6,
        notebooks=NOTEBOOKS,
        default=46_869.6,
    ),
    Parameter(
        name="colocation_fee_per_mw_year",
        label="colocation fee per MW-year",
        description=(
            "What the data hall costs a year per MW of GPUs, paid whether they are rented or not; default: Core "
            "Scientific's contract, 8,700 / 12 years / 500 MW = 1.45 USD millions (csci_cw_contract_value_total_2024, "
            "csci_cw_contract_term, csci_cw_contracted_mw_total_2024)"
        ),
        unit="USD per MW-year",
        minimum=0.0,
        maximum=1e8,
        notebooks=NOTEBOOKS,
        default=1.45e6,
    ),
    Parameter(
        name="power_kw_per_gpu",
        label="Power per GPU",
        description=(
            "Power drawn per installed GPU, facility included; default: 360 MW over 250,000 GPUs = 1.44 kW "
            "(article_capex_active_mw / cw_gpus_2024)"
        ),
        unit="kW",
        minimum=0.0,
        maximum=10.0,
        notebooks=NOTEBOOKS,
        default=1.44,
    ),
    Parameter(
        name="electricity_price",
        label="Electricity price",
        description="Price of electricity; default: the US industrial average of 2023 (EIA via Statista)",
        unit="USD/kWh",
        minimum=0.0,
        maximum=1.0,
        notebooks=NOTEBOOKS,
        fact="capex_us_industrial_electricity_price_2023",
    ),
    Parameter(
        name="financing_rate",
        label="Financing rate",
        description="Annual interest on the money that buys a GPU; default: DDTL 2.0's effective rate in the S-4 debt table",
        unit="fraction",
        minimum=0.0,
        maximum=0.5,
        notebooks=NOTEBOOKS,
        fact="debt_ddtl2_effective_rate_table",
    ),
)


def active_within_contracted(values: Mapping, ledger) -> None:
    """Active power is part of contracted power, so it cannot exceed it; and the chapter prices the power
    still to build, so some must remain (funding on hand is given as a share of its cost)."""
    if values["active_mw"] > values["contracted_mw"]:
        raise ParameterError(
            f"active_mw = {values['active_mw']!r} is above contracted_mw = {values['contracted_mw']!r}; "
            f"allowed: active_mw from 1 to contracted_mw (MW)"
        )
    if values["active_mw"] == values["contracted_mw"]:
        raise ParameterError(
            f"active_mw = {values['active_mw']!r} equals contracted_mw; the chapter compares funding with the cost of the "
            "power still to build, so active_mw must be below contracted_mw (MW)"
        )


# The ledger's spending that the chapter spreads over megawatts, by the megawatts it is spread over: the same
# bases as runthenumbers.capex.spending_bases (a test keeps the two in step; this module imports no model).
SPENT_OVER_ACTIVE = (
    (
        "capex_purchases_ppe_fy2022_agg",
        "capex_purchases_ppe_fy2023_agg",
        "capex_purchases_ppe_fy2024_agg",
        "debt_oem_balance_2024q4",
    ),
    ("article_capex_spent_to_date",),
)
SPENT_OVER_CONTRACTED = (("article_capex_contracted_build_cost",),)


def cost_per_mw_within_range(values: Mapping, ledger) -> None:
    """The chapter prices the power still to build at the costs per MW that the spending so far implies
    (spending over active_mw, NextPlatform's build-out over contracted_mw), which must lie within
    capex_per_mw's own range; a tiny active_mw would make them far larger, so it is refused here, before
    the run, naming the input that did it, rather than in the middle of the chapter."""
    highest = next(p.maximum for p in PARAMETERS if p.name == "capex_per_mw")
    for name, bases in (("active_mw", SPENT_OVER_ACTIVE), ("contracted_mw", SPENT_OVER_CONTRACTED)):
        spent = max(sum(ledger.value(fact) for fact in basis) for basis in bases)
        if spent / values[name] > highest:
            raise ParameterError(
                f"{name} = {values[name]!r} puts the cost per MW that the spending implies at "
                f"{spent / values[name]:,.0f} USD per MW, above capex_per_mw's limit of {highest:,.0f}; "
                f"allowed: {name} from {spent / highest:,.0f} MW"
            )


RULES = (
    Rule(("active_mw", "contracted_mw"), active_within_contracted),
    Rule(("active_mw", "contracted_mw"), cost_per_mw_within_range),
)
