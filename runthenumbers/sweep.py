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
from .liquidity import CREDIT_MEASURES, CREDIT_YEARS, HORIZON, FundingStart, credit_path, first_shortfall, funding_paths
from .parameters import REGISTRY, ParameterError
from .reported import capex_per_mw_bounds, reported_unit_economics

CHUNK = 50_000
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
        "DDTL 4.0": sofr + value("after_ddtl4_margin"),
        "DDTL 5.0": sofr + value("after_ddtl5_margin"),
        "2030 notes": value("after_notes_2030_coupon"),
        "2031 notes": value("debt_2031_notes_coupon"),
    }
    quarters = f"{reported.index[0]} to {reported.index[-1]}"
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
            "none, to a fall of revenue per MW as fast as contracts of about five years reprice into the H100's "
            "fall from $8 to $2 an hour: (1 - 2/8) / 5 a year",
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
            float(added.min()),
            float(added.max()),
            "MW a quarter",
            f"MW of active power added a quarter, slowest to fastest of the quarters {quarters}",
            facts=tuple(f for f in reported.attrs["facts"] if "power" in f or "active" in f),
        ),
        Uncertain(
            "backlog_conversion",
            "uniform",
            1 - value("cw_capex_guide_fy2025_cut_fraction"),
            1.0,
            "fraction",
            "share of the contracted power ever built: all of it, down to the 40% by which the 2025 capex guidance was cut",
            facts=("cw_capex_guide_fy2025_cut_fraction",),
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
            facts=(
                "after_ddtl4_margin",
                "after_ddtl5_margin",
                "after_notes_2030_coupon",
                "debt_2031_notes_coupon",
                "debt_sofr_180d_avg_20250807",
            ),
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
)


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
    return {
        "annual_debt_service": service,
        "credit_path": np.hstack([path[m] for m in CREDIT_MEASURES]),
        "service_to_revenue": service[:, year] / revenue,
        "service_to_operating_cash": service[:, year] / operating,
        "peak_need": peak,
        "committed_share": share,
        "peak_quarter": np.where(peak > 0, peak_quarter, -1),
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


def _summary(kept: np.ndarray, peak_counts: np.ndarray, short_counts: np.ndarray, samples: int, deadline: str) -> dict:
    rows = dict(zip(KEPT, kept))
    cutoff = HORIZON.quarters.index(deadline)

    def shares(counts):  # counts[0] is "never"; counts[i + 1] is quarter i
        return {HORIZON.label(i - 1): round(float(c) / samples, 6) for i, c in enumerate(counts) if c}

    peak_share = shares(peak_counts)
    return {
        "quantiles": [f"p{round(q * 100)}" for q in QUANTILES],
        "annual_debt_service_usd": {str(y): _quantiles(rows[f"debt_service_{y}"], 0) for y in HORIZON.calendar_years},
        "ratio_year": RATIO_YEAR,
        "service_to_revenue": _quantiles(rows["service_to_revenue"], 4),
        "service_above_revenue_share": round(float(np.mean(rows["service_to_revenue"] > 1)), 6),
        "service_to_operating_cash": _quantiles(rows["service_to_operating_cash"], 4),
        "peak_need_usd": _quantiles(rows["peak_need"], 0),
        "committed_share_of_peak": _quantiles(rows["committed_share"], 4),
        # Year by year, 2026-2028: leverage, interest cover (multiples) and free cash flow (USD).
        "credit_path": {
            m: {str(y): _quantiles(rows[f"{m}_{y}"], 0 if m == "free_cash_flow" else 4) for y in CREDIT_YEARS}
            for m in CREDIT_MEASURES
        },
        "peak_quarter_share": peak_share,
        # The quarter by which half of the scenarios have reached their peak, and the share whose need
        # is still at its highest in the last quarter of the horizon (the 2031 notes and converts fall due then).
        "peak_quarter_median": HORIZON.label(int(np.searchsorted(np.cumsum(peak_counts[1:]), 0.5 * samples))),
        "peak_at_horizon_end_share": round(float(peak_counts[-1]) / samples, 6),
        "deadline": deadline,
        # True by construction: the build-out costs more than the cash on hand. Never a headline.
        "short_without_financing_by_deadline": round(int(short_counts[1 : cutoff + 2].sum()) / samples, 6),
    }


def summarise(results: Mapping[str, np.ndarray], deadline: str = DEADLINE) -> dict:
    """Quantiles of the kept figures, the distribution of the peak's quarter, and the no-financing case."""
    _refuse_non_finite(results)
    samples = len(results["peak_need"])
    kept = _kept_columns(results).astype(np.float32)
    peak_counts = np.bincount(results["peak_quarter"] + 1, minlength=len(HORIZON) + 1)
    short_counts = np.bincount(results["short_without_financing"] + 1, minlength=len(HORIZON) + 1)
    return _summary(kept, peak_counts, short_counts, samples, deadline)


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

    The quarter counts are summed chunk by chunk. The quantiles are exact order statistics of
    float32 copies of the kept figures, in one array of len(KEPT) x ``samples``: a bounded-memory
    sketch would give approximate quantiles, and a second pass to make them exact would double the
    run time. float32 keeps 24 bits, a relative error below 6e-8: under 3,000 USD on a need of tens of
    billions, which the command reports in billions.
    """
    kept = np.empty((len(KEPT), samples), dtype=np.float32)
    peak_counts = np.zeros(len(HORIZON) + 1, dtype=np.int64)
    short_counts = np.zeros(len(HORIZON) + 1, dtype=np.int64)
    for begin, batch in _batches(start, inputs, samples, seed, chunk, progress):
        _refuse_non_finite(batch)
        end = begin + len(batch["peak_need"])
        kept[:, begin:end] = _kept_columns(batch)
        peak_counts += np.bincount(batch["peak_quarter"] + 1, minlength=len(HORIZON) + 1)
        short_counts += np.bincount(batch["short_without_financing"] + 1, minlength=len(HORIZON) + 1)
    return _summary(kept, peak_counts, short_counts, samples, deadline)


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
