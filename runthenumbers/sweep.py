"""Many scenarios at once: sample the uncertain inputs, run the funding model, summarise.

Scenarios are drawn and evaluated in fixed-size chunks, each from its own child of the seed, so the
same seed gives the same numbers whatever the machine. :func:`run` returns every scenario's summary
(for the book, which draws its histograms from them); :func:`stream_summary`, which the command uses,
keeps only float32 copies of the figures whose quantiles it reports (:data:`KEPT`, 4 bytes each a
scenario), so 20 million scenarios (:data:`MAX_SAMPLES`) fit in about 1 GB.

:func:`registry` is the list of what is uncertain, each input with its range and the reason and
source for it. Input names are the parameter registry's (:mod:`runthenumbers.parameters`), and every
bound, given here or with ``--vary``, is checked against that registry before anything is sampled.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from .data import Ledger
from .errors import shown
from .liquidity import (
    CREDIT_MEASURES,
    CREDIT_YEARS,
    HORIZON,
    UNLIMITED,
    FundingStart,
    credit_path,
    first_shortfall,
    funding_paths,
)
from .parameters import REGISTRY, ParameterError
from .reported import capex_per_mw_bounds, reported_unit_economics

CHUNK = 20_000
# The most scenarios one sweep may draw: memory grows by 4 bytes a kept figure a scenario (see
# stream_summary), so this bound keeps a sweep near 1 GB.
MAX_SAMPLES = 20_000_000
KINDS = ("uniform", "triangular", "fixed")
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
DEADLINE = "2026-Q4"
RATIO_YEAR = 2026

# Which notebook's registry entry checks each sweep input (the input's name is the parameter's).
REGISTERED = {
    "sofr": "debt",
    "sofr_drift": "uncertainty",
    "revenue_per_mw_year": "uncertainty",
    "ebitda_margin": "uncertainty",
    "price_decline": "uncertainty",
    "capex_per_mw": "capex",
    "build_pace_mw": "uncertainty",
    "backlog_conversion": "uncertainty",
    "partner_slip": "uncertainty",
    "new_debt_rate": "uncertainty",
    "contracted_share": "uncertainty",
    "contract_tenor_years": "uncertainty",
    "useful_life_years": "uncertainty",
    "lending_capacity": "uncertainty",
    "markets_close_quarter": "uncertainty",
}


class SweepError(ValueError):
    """A sweep request that cannot run: the message says what is allowed."""


@dataclass(frozen=True)
class Uncertain:
    """One uncertain input: its distribution on [low, high] (with ``mode`` for triangular), why, and from which facts."""

    name: str
    kind: str
    low: float
    high: float
    unit: str
    rationale: str
    mode: float | None = None
    whole: bool = False
    facts: tuple[str, ...] = ()

    def draw(self, generator: np.random.Generator, size: int) -> np.ndarray:
        return self.from_unit(generator.random(size))

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map uniform [0, 1) draws to this distribution (inverse CDF), so Sobol designs can use it too."""
        low, high = self.low, self.high
        if self.kind == "fixed":
            values = np.full_like(u, low)
        elif self.kind == "uniform":
            values = low + u * (high - low)
        else:
            mode = self.mode
            split = (mode - low) / (high - low)
            values = np.where(
                u < split,
                low + np.sqrt(u * (high - low) * (mode - low)),
                high - np.sqrt((1 - u) * (high - low) * (high - mode)),
            )
        return np.floor(values) if self.whole else values

    def check(self) -> "Uncertain":
        """This input, or a :class:`SweepError` naming it: a known kind, finite bounds with low <= high, a
        mode inside (low, high) for a triangular one, and every bound allowed by the parameter registry."""
        where = f"sweep input {self.name}"
        if self.kind not in KINDS:
            raise SweepError(f"{where}: unknown distribution {shown(self.kind)}; distributions: {', '.join(KINDS)}")
        bounds = [self.low, self.high] + ([self.mode] if self.mode is not None else [])
        if not all(isinstance(b, (int, float)) and math.isfinite(b) for b in bounds):
            raise SweepError(f"{where}: bounds must be finite numbers; got {shown(bounds)}")
        if self.low > self.high:
            raise SweepError(f"{where}: low {self.low:g} is above high {self.high:g}")
        if self.kind == "triangular":
            if self.mode is None:
                raise SweepError(
                    f"{where}: a triangular distribution needs a mode, as in {self.name}=triangular:LOW:MODE:HIGH"
                )
            if not self.low < self.high:
                raise SweepError(
                    f"{where}: a triangular distribution needs LOW < HIGH; for one value use {self.name}=fixed:VALUE"
                )
            if not self.low <= self.mode <= self.high:
                raise SweepError(f"{where}: the mode {self.mode:g} is outside {self.low:g} to {self.high:g}")
        for value in bounds:
            check_value(self.name, value)
        return self


def check_value(name: str, value: float) -> None:
    """``value`` is allowed for sweep input ``name`` by the parameter registry, or a SweepError saying what is."""
    if name not in REGISTERED:
        raise SweepError(f"unknown input {shown(name)}; inputs: {', '.join(REGISTERED)}{_close(name, REGISTERED)}")
    parameter = REGISTRY[name]
    try:
        parameter.check(int(value) if parameter.kind is int and float(value).is_integer() else value)
    except ParameterError as error:
        raise SweepError(str(error)) from None


def registry(ledger: Ledger) -> dict[str, Uncertain]:
    """The uncertain inputs with their default distributions, each anchored on ledger figures and checked."""
    value = ledger.value
    sofr = value("debt_sofr_180d_avg_20250807")
    reported = reported_unit_economics(ledger)
    per_mw = reported["revenue_per_mw_year"]
    margins = reported["ebitda_margin"]
    added = reported["mw_added"]
    capex_low, capex_high = capex_per_mw_bounds(ledger)
    repricing = (
        1 - value("capex_h100_price_2024_latentspace") / value("capex_h100_price_2023_peak_latentspace")
    ) / value("cw_avg_contract_years_2025q4")
    rates = {
        "DDTL 4.0": value("debt_ddtl4_implied_cost_max"),
        "2030 notes": value("after_notes_2030_coupon"),
        "2031 notes": value("debt_2031_notes_coupon"),
    }
    quarters = f"{reported.index[0]} to {reported.index[-1]}"
    # Quarters from the one after the last reported (2026-Q2) to the end of the one management expects the
    # contracted power of 2025 to be online by (2027-Q4).
    plan_quarters = HORIZON.index(value("cw_contracted_online_by")) - HORIZON.index(LAST_REPORTED)
    inputs = (
        Uncertain(
            "sofr",
            "uniform",
            max(sofr - 0.02, 0.0),
            sofr + 0.02,
            "fraction",
            "SOFR from mid-2025: two points either side of its 180-day average of August 2025",
            facts=("debt_sofr_180d_avg_20250807",),
        ),
        Uncertain(
            "sofr_drift",
            "uniform",
            -0.005,
            0.005,
            "fraction a year",
            "how SOFR moves each year after that: up to half a point down or up (an assumption)",
        ),
        Uncertain(
            "revenue_per_mw_year",
            "uniform",
            float(per_mw.min()),
            float(per_mw.max()),
            "USD per MW-year",
            f"revenue x 4 over average active power, lowest to highest of the quarters {quarters}",
            facts=tuple(reported.attrs["facts"]),
        ),
        Uncertain(
            "ebitda_margin",
            "uniform",
            float(margins.min()),
            float(margins.max()),
            "fraction",
            f"adjusted EBITDA / revenue, lowest to highest of the quarters {quarters}; no cash taxes (losses)",
            facts=tuple(reported.attrs["facts"]),
        ),
        Uncertain(
            "price_decline",
            "uniform",
            0.0,
            repricing,
            "fraction a year",
            "the yearly fall of the price of power whose contract has ended, and of on-demand power: none (the "
            "Q1 2026 call reports contract prices of older GPUs rising), to the H100's spot fall from $8 to $2 "
            "an hour spread over a contract of about five years, (1 - 2/8) / 5 a year; contracted revenue keeps its price",
            facts=(
                "capex_h100_price_2024_latentspace",
                "capex_h100_price_2023_peak_latentspace",
                "cw_avg_contract_years_2025q4",
            ),
        ),
        Uncertain(
            "capex_per_mw",
            "uniform",
            capex_low,
            capex_high,
            "USD/MW",
            "FY2025 capex over the MW added in 2025, to the top of the 2026 capex guidance over the MW planned for 2026",
            facts=(
                "cw_capex_company_fy2025",
                "cw_active_power_2025q4",
                "article_capex_active_mw",
                "cw_capex_guide_fy2026_high",
                "cw_active_power_target_ye2026",
            ),
        ),
        Uncertain(
            "build_pace_mw",
            "uniform",
            float(added.loc[added.index > "2025-Q2"].min()),
            (value("cw_contracted_power_2025q4") - value("cw_active_power_2026q1")) / plan_quarters,
            "MW a quarter",
            "MW brought into service a quarter from Q2 2026: the slowest quarter reported since the start, to the pace "
            "that brings all of the 3.1 GW contracted at the end of 2025 online by the end of 2027, as management expects",
            facts=(
                "cw_active_power_2025q2",
                "cw_active_power_2025q3",
                "cw_active_power_2025q4",
                "cw_active_power_2026q1",
                "cw_contracted_power_2025q4",
                "cw_contracted_online_by",
            ),
        ),
        Uncertain(
            "backlog_conversion",
            "uniform",
            1 - value("cw_non_ig_ai_backlog_share_max_2026q1"),
            1.0,
            "fraction",
            "share of the power contracted but not yet active at 31 March 2026 that is built: all of it (management "
            "expects virtually all of the 3.1 GW of 2025 online by the end of 2027), down to all but the part of the "
            "backlog owed by customers below investment grade (under 30% at the Q1 2026 call)",
            facts=("cw_non_ig_ai_backlog_share_max_2026q1", "cw_contracted_online_by", "cw_contracted_power_2026q1"),
        ),
        Uncertain(
            "partner_slip",
            "uniform",
            0,
            7,
            "quarters",
            "Core Scientific's sites late by none to six quarters; the November 2025 guidance cut was blamed on a "
            "developer's delay, by how much was not said (an assumption)",
            whole=True,
            facts=("csci_cw_final_option_operational",),
        ),
        Uncertain(
            "new_debt_rate",
            "uniform",
            min(rates.values()),
            max(rates.values()),
            "fraction",
            "yearly rate on new money, from the cheapest to the dearest of the 2025-2026 issues ("
            + ", ".join(rates)
            + "); the 1.75% converts are left out, their price is mostly the conversion option",
            facts=("debt_ddtl4_implied_cost_max", "after_notes_2030_coupon", "debt_2031_notes_coupon"),
        ),
        Uncertain(
            "contracted_share",
            "uniform",
            value("cw_committed_revenue_share_2024q1"),
            value("cw_committed_revenue_share_2025q1"),
            "fraction",
            "share of revenue from take-or-pay committed contracts: 94% in Q1 2024 to over 98% in Q1 2025 (10-Q)",
            facts=("cw_committed_revenue_share_2024q1", "cw_committed_revenue_share_2025q1"),
        ),
        Uncertain(
            "contract_tenor_years",
            "uniform",
            value("cw_avg_contract_years_prior_2025q4"),
            value("cw_avg_contract_years_2025q4"),
            "years",
            "weighted average contract length, roughly four years before 2025 to roughly five after (Q4 2025 call)",
            facts=("cw_avg_contract_years_prior_2025q4", "cw_avg_contract_years_2025q4"),
        ),
        Uncertain(
            "useful_life_years",
            "fixed",
            value("capex_useful_life_tech_equipment_fool"),
            value("capex_useful_life_tech_equipment_fool"),
            "years",
            "the six-year depreciation life of CoreWeave's technology equipment; four and five years are shown as "
            "alternatives",
            facts=("capex_useful_life_tech_equipment_fool",),
        ),
        Uncertain(
            "lending_capacity",
            "fixed",
            UNLIMITED,
            UNLIMITED,
            "USD",
            "no limit on new lending a quarter, as in every scenario unless markets close",
        ),
        Uncertain(
            "markets_close_quarter",
            "fixed",
            len(HORIZON),
            len(HORIZON),
            "quarters",
            "lenders keep lending to the end of the horizon; the markets-closed case sets a quarter",
            whole=True,
        ),
    )
    return {u.name: u.check() for u in inputs}


def middle(inputs: Mapping[str, Uncertain]) -> dict[str, float]:
    """The middle of every input's range (the mode of a triangular one): one central scenario."""
    centre = {}
    for name, u in inputs.items():
        value = u.mode if u.kind == "triangular" else (u.low + u.high) / 2
        centre[name] = float(math.floor(value) if u.whole else value)
    return centre


# Names the sweep used before its inputs took the parameter registry's names.
RENAMED = {"sofr_level": "sofr", "cost_per_mw": "capex_per_mw", "cash_margin": "ebitda_margin"}


def _close(name: str, names) -> str:
    if name in RENAMED:
        return f"; did you mean '{RENAMED[name]}'? (renamed to the parameter registry's name)"
    match = difflib.get_close_matches(name, list(names), n=1)
    return f"; did you mean '{match[0]}'?" if match else ""


def override(inputs: Mapping[str, Uncertain], specs: list[str], ledger: Ledger | None = None) -> dict[str, Uncertain]:
    """Apply ``NAME=uniform:LOW:HIGH``, ``NAME=triangular:LOW:MODE:HIGH`` or ``NAME=fixed:VALUE`` overrides,
    refusing anything unknown or out of range before any scenario is drawn."""
    inputs = dict(inputs)
    seen = set()
    for spec in specs:
        name, _, rest = spec.partition("=")
        if name not in inputs:
            raise SweepError(f"unknown input {shown(name)}; inputs: {', '.join(inputs)}{_close(name, inputs)}")
        if name in seen:
            raise SweepError(f"--vary {name} is given twice; give each input once")
        seen.add(name)
        kind, *numbers = rest.split(":")
        if kind not in KINDS:
            raise SweepError(f"unknown distribution {shown(kind)} for {name}; distributions: {', '.join(KINDS)}")
        try:  # each bound read as typed, a share also as a percentage (sofr=uniform:3%:6%)
            values = [float(REGISTRY[name].read(n)[0]) for n in numbers]
        except ParameterError:
            raise SweepError(f"{shown(spec)}: bounds must be numbers, as in {name}=uniform:LOW:HIGH") from None
        forms = {
            "fixed": f"{name}=fixed:VALUE",
            "uniform": f"{name}=uniform:LOW:HIGH with LOW <= HIGH",
            "triangular": f"{name}=triangular:LOW:MODE:HIGH with LOW <= MODE <= HIGH",
        }
        needed = {"fixed": 1, "uniform": 2, "triangular": 3}[kind]
        if kind == "triangular" and len(values) == 2:
            raise SweepError(f"{shown(spec)}: a triangular distribution needs a mode, as in {forms[kind]}")
        if len(values) != needed or not all(math.isfinite(x) for x in values) or values != sorted(values):
            raise SweepError(f"{shown(spec)} is not of the form {forms[kind]}")
        low, mode, high = (
            (values[0], None, values[0])
            if kind == "fixed"
            else ((values[0], None, values[1]) if kind == "uniform" else tuple(values))
        )
        if inputs[name].whole and not all(float(x).is_integer() for x in (low, high)):
            raise SweepError(
                f"{shown(spec)}: {name} = {low if not float(low).is_integer() else high!r} is not a whole number"
            )
        try:
            inputs[name] = replace(inputs[name], kind=kind, low=low, high=high, mode=mode).check()
        except SweepError as error:
            raise SweepError(f"{shown(spec)}: {_as_typed(name, numbers) or error}") from None
    return inputs


def _as_typed(name: str, typed: list[str]) -> str:
    """The refusal of the first bound of ``name`` the registry refuses, echoing it as it was typed (``50%``)."""
    for text in typed:
        try:
            REGISTRY[name].check(text)
        except ParameterError as error:
            return str(error)
    return ""


# The forward credit path's figures, one per measure and year: leverage_2026, free_cash_flow_2028, ...
CREDIT_KEPT = tuple(f"{m}_{y}" for m in CREDIT_MEASURES for y in CREDIT_YEARS)
# The figures kept per scenario for quantiles: debt service in each year, the ratios of the ratio
# year, the peak funding need and the share of it the committed facilities cover, and the credit path.
KEPT = (
    *(f"debt_service_{y}" for y in HORIZON.calendar_years),
    "service_to_revenue",
    "service_to_operating_cash",
    "peak_need",
    "committed_share",
    *CREDIT_KEPT,
    "runway_quarters",
    "revenue_2026",
    "capex_2026",
    "service_above_revenue",
    "floor_by_2027",
    "unfunded_by_2027",
    "unbuilt_mw_2027",
    "revenue_lost_2026_2027",
)
# The date of the last active power the funding model follows (liquidity.REPORTED_POWER).
LAST_REPORTED = 20260331
# The quarter by which the markets-closed case is judged.
CLOSED_BY = "2027-Q4"


def evaluate(start: FundingStart, draws: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-scenario results of one batch (see :data:`KEPT`), the quarter of the peak need and the
    quarter cash would first fall below its floor with no new financing (true by construction)."""
    paths = funding_paths(start, **draws)
    service = HORIZON.by_year(paths.debt_service)
    year = HORIZON.calendar_years.index(RATIO_YEAR)
    in_year = HORIZON.in_year(RATIO_YEAR)
    revenue, operating = paths.revenue.T[in_year].sum(axis=0), paths.operating_cash.T[in_year].sum(axis=0)
    borrowed = paths.borrowed.T  # (N, S), contiguous
    peak_quarter = borrowed.argmax(axis=0)
    peak = borrowed.max(axis=0)
    committed = np.minimum(peak, start.committed_amount)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(peak > 0, committed / peak, 1.0)
    path = credit_path(paths, start)
    by = HORIZON.quarters.index(CLOSED_BY)
    years = (HORIZON.in_year(2026).start, HORIZON.in_year(2027).stop)
    return {
        "annual_debt_service": service,
        "credit_path": np.hstack([path[m] for m in CREDIT_MEASURES]),
        "service_to_revenue": service[:, year] / revenue,
        "service_to_operating_cash": service[:, year] / operating,
        "peak_need": peak,
        "committed_share": share,
        "peak_quarter": np.where(peak > 0, peak_quarter, -1),
        "runway_quarters": paths.runway_quarters,
        "revenue_2026": revenue,
        "capex_2026": paths.capex.T[in_year].sum(axis=0),
        "service_above_revenue": (service[:, year] > revenue).astype(float),
        "floor_by_2027": ((paths.floor_quarter >= 0) & (paths.floor_quarter <= by)).astype(float),
        "unfunded_by_2027": ((paths.unfunded_quarter >= 0) & (paths.unfunded_quarter <= by)).astype(float),
        "unbuilt_mw_2027": paths.unbuilt_mw[:, by],
        "revenue_lost_2026_2027": paths.revenue_lost[:, years[0] : years[1]].sum(axis=1),
        # True by construction while the build-out runs: never a headline.
        "short_without_financing": first_shortfall(
            np.cumsum(paths.before_financing.T, axis=0).T, start.minimum_cash - start.cash
        ),
    }


def _kept_columns(batch: Mapping[str, np.ndarray]) -> np.ndarray:
    return np.vstack(
        [
            batch["annual_debt_service"].T,
            batch["service_to_revenue"],
            batch["service_to_operating_cash"],
            batch["peak_need"],
            batch["committed_share"],
            batch["credit_path"].T,
            *(batch[k] for k in KEPT[KEPT.index("runway_quarters") :]),
        ]
    )


def _chunks(samples: int, chunk: int):
    for begin in range(0, samples, chunk):
        yield begin, min(chunk, samples - begin)


def _batches(
    start: FundingStart,
    inputs: Mapping[str, Uncertain],
    samples: int,
    seed: int,
    chunk: int,
    progress: Callable[[int], None] | None,
):
    """(first scenario, results) of each chunk of ``samples`` scenarios drawn with ``seed``."""
    if isinstance(samples, bool) or not isinstance(samples, int) or samples <= 0:
        raise SweepError(f"samples = {samples!r} is not a positive whole number; allowed: 1 or more")
    if samples > MAX_SAMPLES:
        raise SweepError(f"samples = {samples:,} is above the limit of {MAX_SAMPLES:,}")
    for u in inputs.values():
        u.check()
    children = np.random.SeedSequence(seed).spawn(math.ceil(samples / chunk))
    for (begin, size), child in zip(_chunks(samples, chunk), children):
        generator = np.random.Generator(np.random.PCG64(child))
        yield begin, evaluate(start, {name: u.draw(generator, size) for name, u in inputs.items()})
        if progress:
            progress(size)


def run(
    start: FundingStart,
    inputs: Mapping[str, Uncertain],
    samples: int,
    seed: int,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Draw ``samples`` scenarios with ``seed`` and evaluate them; per-scenario summaries only, never full paths."""
    parts = [batch for _, batch in _batches(start, inputs, samples, seed, chunk, progress)]
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _refuse_non_finite(results: Mapping[str, np.ndarray]) -> None:
    """A scenario whose figures are NaN or infinite would be summarised as if it were a number."""
    for key in ("annual_debt_service", "peak_need", "service_to_operating_cash", "service_to_revenue"):
        bad = np.count_nonzero(~np.isfinite(results[key]))
        if bad:
            raise SweepError(
                f"{bad:,} scenario value(s) of {key.replace('_', ' ')} are not finite (NaN or infinite); "
                "no summary is given: narrow the --vary ranges"
            )


def _quantiles(column: np.ndarray, digits: int) -> list[float]:
    return [round(float(x), digits) for x in np.quantile(column, QUANTILES, method="linear").astype(np.float64)]


def _median_peak_quarter(peak_counts: np.ndarray, samples: int) -> str:
    """The quarter by which half of the scenarios have reached their peak need; 'never' when fewer than half
    ever need outside money (peak_counts[0] counts those that never do), not a quarter past the horizon."""
    reached = np.cumsum(peak_counts[1:])
    if reached[-1] < 0.5 * samples:
        return "never"
    return HORIZON.label(int(np.searchsorted(reached, 0.5 * samples)))


class _Exact:
    """Quantiles and means of every scenario's kept figures (the rows of :func:`_kept_columns`)."""

    def __init__(self, kept: np.ndarray):
        self.rows = dict(zip(KEPT, kept))

    def quantiles(self, name: str, digits: int) -> list[float]:
        return _quantiles(self.rows[name], digits)

    def mean(self, name: str) -> float:
        return float(np.mean(self.rows[name], dtype=np.float64))


# Bins of the streaming sketch, per kept figure: its error is at most a bin's width.
SKETCH_BINS = 1 << 14


class _Sketch:
    """Quantiles of the kept figures in memory that does not grow with the number of scenarios.

    Each figure gets :data:`SKETCH_BINS` equal bins over the range of the first chunk, widened on each side
    by the larger of that range and the figure's size; values outside (rare, and every infinite one) are
    kept exactly. A quantile is the linear interpolation of the order statistics, as ``np.quantile``'s
    "linear" method, with an order statistic inside a bin placed evenly within it: the error is below one
    bin's width, about 1e-4 of the figure's size, under $10 million on a need of tens of billions.
    Means are exact sums.
    """

    def __init__(self, first: np.ndarray):
        finite = np.where(np.isfinite(first), first, np.nan)
        low, high = np.nanmin(finite, axis=1), np.nanmax(finite, axis=1)
        low, high = np.nan_to_num(low), np.nan_to_num(high)
        margin = np.maximum.reduce([high - low, np.abs(low), np.abs(high), np.ones_like(low)])
        self.low, self.high = low - margin, high + margin
        self.scale = SKETCH_BINS / (self.high - self.low)
        self.counts = np.zeros((len(KEPT), SKETCH_BINS), dtype=np.int64)
        self.outside: list[list[np.ndarray]] = [[] for _ in KEPT]
        self.sums = np.zeros(len(KEPT))
        self.n = 0

    def add(self, kept: np.ndarray) -> None:
        self.n += kept.shape[1]
        z = kept - self.low.reshape(-1, 1)
        z *= self.scale.reshape(-1, 1)
        with np.errstate(invalid="ignore"):
            outside = ~((z >= 0) & (z < SKETCH_BINS))
        if outside.any():
            for i in np.flatnonzero(outside.any(axis=1)):
                self.outside[i].append(kept[i, outside[i]])
            z[outside] = SKETCH_BINS  # counted in a spare bin, dropped below
        bins = z.astype(np.int64)
        bins += (np.arange(len(KEPT)) * (SKETCH_BINS + 1)).reshape(-1, 1)
        counts = np.bincount(bins.ravel(), minlength=len(KEPT) * (SKETCH_BINS + 1))
        self.counts += counts.reshape(len(KEPT), SKETCH_BINS + 1)[:, :SKETCH_BINS]
        with np.errstate(invalid="ignore"):
            self.sums += kept.sum(axis=1)

    def _order_statistic(
        self, i: int, rank: int, below: np.ndarray, above: np.ndarray, cumulative: np.ndarray
    ) -> float:
        if rank < len(below):
            return float(below[rank])
        rank -= len(below)
        if rank >= cumulative[-1]:
            return float(above[rank - cumulative[-1]])
        b = int(np.searchsorted(cumulative, rank, side="right"))
        before = cumulative[b - 1] if b else 0
        width = 1 / self.scale[i]
        return float(self.low[i] + (b + (rank - before + 0.5) / self.counts[i, b]) * width)

    def quantiles(self, name: str, digits: int) -> list[float]:
        i = KEPT.index(name)
        outside = np.sort(np.concatenate(self.outside[i])) if self.outside[i] else np.empty(0)
        below, above = outside[outside < self.low[i]], outside[outside >= self.low[i]]
        cumulative = np.cumsum(self.counts[i])
        out = []
        for q in QUANTILES:
            h = (self.n - 1) * q
            k = int(np.floor(h))
            x = self._order_statistic(i, k, below, above, cumulative)
            if h > k:
                y = self._order_statistic(i, k + 1, below, above, cumulative)
                x = x + (h - k) * (y - x) if np.isfinite(x) and np.isfinite(y) else (y if h - k >= 0.5 else x)
            out.append(round(float(x), digits))
        return out

    def mean(self, name: str) -> float:
        return float(self.sums[KEPT.index(name)] / self.n)


def _summary(
    stats: "_Exact | _Sketch", peak_counts: np.ndarray, short_counts: np.ndarray, samples: int, deadline: str
) -> dict:
    cutoff = HORIZON.quarters.index(deadline)

    def shares(counts):  # counts[0] is "never"; counts[i + 1] is quarter i
        return {HORIZON.label(i - 1): round(float(c) / samples, 6) for i, c in enumerate(counts) if c}

    peak_share = shares(peak_counts)
    return {
        "quantiles": [f"p{round(q * 100)}" for q in QUANTILES],
        "annual_debt_service_usd": {str(y): stats.quantiles(f"debt_service_{y}", 0) for y in HORIZON.calendar_years},
        "ratio_year": RATIO_YEAR,
        "service_to_revenue": stats.quantiles("service_to_revenue", 4),
        "service_above_revenue_share": round(stats.mean("service_above_revenue"), 6),
        "service_to_operating_cash": stats.quantiles("service_to_operating_cash", 4),
        "peak_need_usd": stats.quantiles("peak_need", 0),
        "committed_share_of_peak": stats.quantiles("committed_share", 4),
        # Year by year, 2026-2028: leverage, interest cover (multiples) and free cash flow (USD).
        # A ratio over EBITDA that is zero or negative has no value (None).
        "credit_path": {
            m: {
                str(y): [
                    v if math.isfinite(v) else None
                    for v in stats.quantiles(f"{m}_{y}", 0 if m == "free_cash_flow" else 4)
                ]
                for y in CREDIT_YEARS
            }
            for m in CREDIT_MEASURES
        },
        "peak_quarter_share": peak_share,
        # Quarters from the start that committed money lasts (the index of the first quarter that needs new
        # uncommitted debt), and its quarter; 2026 revenue and capex against guidance.
        "runway_committed_quarters": stats.quantiles("runway_quarters", 2),
        "revenue_2026_usd": stats.quantiles("revenue_2026", 0),
        "capex_2026_usd": stats.quantiles("capex_2026", 0),
        # Where lending is limited: the share of scenarios at their cash floor with no more lending by
        # CLOSED_BY, the share whose cash falls below it even with no capex, the MW not built and the revenue lost.
        "closed_by": CLOSED_BY,
        "floor_share": round(stats.mean("floor_by_2027"), 6),
        "unfunded_share": round(stats.mean("unfunded_by_2027"), 6),
        "unbuilt_mw_2027": stats.quantiles("unbuilt_mw_2027", 1),
        "revenue_lost_2026_2027_usd": stats.quantiles("revenue_lost_2026_2027", 0),
        # The quarter by which half of the scenarios have reached their peak, and the share whose need
        # is still at its highest in the last quarter of the horizon (the 2031 notes and converts fall due then).
        "peak_quarter_median": _median_peak_quarter(peak_counts, samples),
        "peak_at_horizon_end_share": round(float(peak_counts[-1]) / samples, 6),
        "deadline": deadline,
        # True by construction: the build-out costs more than the cash on hand. Never a headline.
        "short_without_financing_by_deadline": round(int(short_counts[1 : cutoff + 2].sum()) / samples, 6),
    }


def summarise(results: Mapping[str, np.ndarray], deadline: str = DEADLINE) -> dict:
    """Quantiles of the kept figures, the distribution of the peak's quarter, and the no-financing case."""
    _refuse_non_finite(results)
    samples = len(results["peak_need"])
    kept = _kept_columns(results)
    peak_counts = np.bincount(results["peak_quarter"] + 1, minlength=len(HORIZON) + 1)
    short_counts = np.bincount(results["short_without_financing"] + 1, minlength=len(HORIZON) + 1)
    return _summary(_Exact(kept), peak_counts, short_counts, samples, deadline)


def stream_summary(
    start: FundingStart,
    inputs: Mapping[str, Uncertain],
    samples: int,
    seed: int,
    deadline: str = DEADLINE,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """:func:`summarise` of :func:`run` without holding every scenario's results.

    The quarter counts and the means are summed chunk by chunk, and the quantiles come from a sketch of
    fixed size (:class:`_Sketch`), so memory does not grow with ``samples``: they agree with the exact
    ones to within about 1e-4 of each figure's size (a test checks it), far inside the rounding of what
    the command and the book report.
    """
    sketch: _Sketch | None = None
    peak_counts = np.zeros(len(HORIZON) + 1, dtype=np.int64)
    short_counts = np.zeros(len(HORIZON) + 1, dtype=np.int64)
    for _, batch in _batches(start, inputs, samples, seed, chunk, progress):
        _refuse_non_finite(batch)
        kept = _kept_columns(batch)
        if sketch is None:
            sketch = _Sketch(kept)
        sketch.add(kept)
        peak_counts += np.bincount(batch["peak_quarter"] + 1, minlength=len(HORIZON) + 1)
        short_counts += np.bincount(batch["short_without_financing"] + 1, minlength=len(HORIZON) + 1)
    assert sketch is not None  # _batches yields at least one chunk
    return _summary(sketch, peak_counts, short_counts, samples, deadline)


# ---------------------------------------------------------------------------------------------
# Sobol indices


def sobol_estimates(
    model: Callable[[np.ndarray], np.ndarray], dimensions: int, base_samples: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total Sobol indices of ``model`` on the unit hypercube, one of each per dimension.

    Two independent matrices A and B of ``base_samples`` rows, and for each input i a matrix A_B(i),
    A with column i from B: (dimensions + 2) x base_samples model runs. First order: Saltelli (2010),
    mean(f_B (f_AB - f_A)) / V; total: Jansen (1999), mean((f_A - f_AB)^2) / 2V. Outputs are centred
    first, since the first-order estimator multiplies them and a large mean swamps it in noise.
    ``model`` maps an (n, dimensions) array of [0, 1) draws to n outputs.
    """
    generator = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    a, b = generator.random((base_samples, dimensions)), generator.random((base_samples, dimensions))
    f_a, f_b = model(a), model(b)
    centre = np.mean(np.concatenate([f_a, f_b]))
    f_a, f_b = f_a - centre, f_b - centre
    variance = np.var(np.concatenate([f_a, f_b]))
    first, total = np.zeros(dimensions), np.zeros(dimensions)
    for i in range(dimensions):
        mixed = a.copy()
        mixed[:, i] = b[:, i]
        f_ab = model(mixed) - centre
        if variance:
            first[i] = np.mean(f_b * (f_ab - f_a)) / variance
            total[i] = 0.5 * np.mean((f_a - f_ab) ** 2) / variance
    return first, total


def sobol_indices(
    start: FundingStart, inputs: Mapping[str, Uncertain], base_samples: int, seed: int, output: str = "peak_need"
) -> dict[str, dict[str, float]]:
    """First-order and total Sobol indices of ``output`` for every input that is not fixed."""
    names = [n for n, u in inputs.items() if u.kind != "fixed"]

    def model(unit: np.ndarray) -> np.ndarray:
        columns = {n: inputs[n].from_unit(unit[:, i]) for i, n in enumerate(names)}
        fixed = {n: np.full(len(unit), u.low) for n, u in inputs.items() if u.kind == "fixed"}
        draws = {**columns, **fixed}
        out = [
            evaluate(start, {k: v[s : s + CHUNK] for k, v in draws.items()})[output] for s in range(0, len(unit), CHUNK)
        ]
        return np.concatenate(out).astype(float)

    first, total = sobol_estimates(model, len(names), base_samples, seed)
    return {n: {"first_order": round(float(f), 4), "total": round(float(t), 4)} for n, f, t in zip(names, first, total)}


# ---------------------------------------------------------------------------------------------
# One input at a time


# The levels of each input a one-at-a-time table sets: its 10th and 90th percentiles, the rest at the median.
LOW_LEVEL, HIGH_LEVEL = 0.1, 0.9


def _level(u: Uncertain, q: float) -> float:
    return float(u.from_unit(np.array([q]))[0])


def one_at_a_time(
    start: FundingStart, inputs: Mapping[str, Uncertain], figures: Mapping[str, Callable[[dict], np.ndarray]]
) -> list[dict]:
    """Each figure with every input at the median of its range, then with one input at a time at its
    10th and 90th percentile: one row per varied input, ``{"input", "low", "high", figure: (at low, at high)}``,
    after a first row ``{"input": None, figure: (median, median)}``. ``figures`` map a name to a function of
    :func:`evaluate`'s results (one value per scenario)."""
    varied = [n for n, u in inputs.items() if u.kind != "fixed"]
    centre = {n: _level(u, 0.5) if u.kind != "fixed" else u.low for n, u in inputs.items()}
    cases = [dict(centre)]
    for n in varied:
        for q in (LOW_LEVEL, HIGH_LEVEL):
            cases.append({**centre, n: _level(inputs[n], q)})
    results = evaluate(start, {n: np.array([c[n] for c in cases]) for n in inputs})
    values = {name: np.asarray(f(results), dtype=float) for name, f in figures.items()}
    rows = [{"input": None, **{name: (float(v[0]), float(v[0])) for name, v in values.items()}}]
    for i, n in enumerate(varied):
        low, high = 1 + 2 * i, 2 + 2 * i
        rows.append(
            {
                "input": n,
                "low": cases[low][n],
                "high": cases[high][n],
                **{name: (float(v[low]), float(v[high])) for name, v in values.items()},
            }
        )
    return rows


def share_by_input(
    start: FundingStart,
    inputs: Mapping[str, Uncertain],
    share: Callable[[dict], np.ndarray],
    samples: int,
    seed: int,
) -> dict[str, tuple[float, float]]:
    """For each input that varies, the share of ``samples`` scenarios for which ``share`` (a function of
    :func:`evaluate`'s results giving one boolean a scenario) holds, with that input fixed at its 10th and
    then its 90th percentile and the others drawn from their ranges: what a headline share becomes at
    either end of one input's range."""
    out = {}
    for name, u in inputs.items():
        if u.kind == "fixed":
            continue
        pair = []
        for q in (LOW_LEVEL, HIGH_LEVEL):
            level = _level(u, q)
            fixed = {**inputs, name: replace(u, kind="fixed", low=level, high=level, mode=None)}
            results = run(start, fixed, samples, seed)
            pair.append(float(np.mean(share(results))))
        out[name] = (pair[0], pair[1])
    return out
