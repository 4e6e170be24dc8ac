"""Many scenarios at once: sample the uncertain inputs, run the debt and liquidity models, summarise.

Scenarios are drawn and evaluated in fixed-size chunks, each from its own child of the seed, so the
same seed gives the same numbers whatever the machine. :func:`run` returns every scenario's summary
(for the book, which draws its histogram from them); :func:`stream_summary`, which the command uses,
keeps only float32 copies of the seven figures whose quantiles it reports: 28 bytes a scenario
against about 130 for :func:`run`, so 20 million scenarios (:data:`MAX_SAMPLES`) fit in about 0.6 GB.
The distributions below are the registry of what is uncertain and why.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from .calendar import FORECAST_YEARS, N_QUARTERS, quarter_index
from .data import Ledger, load_ledger
from .debt import Terms, annual
from .errors import shown
from .liquidity import Starting, cash_paths, first_shortfall, quarter_name
from .parameters import ParameterError, resolve

CHUNK = 50_000
# The most scenarios one sweep may draw: memory grows by 28 bytes a scenario (see stream_summary),
# so this bound keeps a sweep under about 0.7 GB; 20 million scenarios take about 20 s on one core.
MAX_SAMPLES = 20_000_000
KINDS = ("uniform", "triangular", "fixed")
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


class SweepError(ValueError):
    """A sweep request that cannot run: the message says what is allowed."""


@dataclass(frozen=True)
class Uncertain:
    """One uncertain input: its distribution on [low, high] (mode for triangular) and why."""

    name: str
    kind: str
    low: float
    high: float
    unit: str
    rationale: str
    mode: float | None = None
    whole: bool = False

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
            mode = self.mode if self.mode is not None else (low + high) / 2
            split = (mode - low) / (high - low)
            values = np.where(
                u < split,
                low + np.sqrt(u * (high - low) * (mode - low)),
                high - np.sqrt((1 - u) * (high - low) * (high - mode)),
            )
        return np.floor(values) if self.whole else values


def registry(ledger: Ledger, terms: Terms) -> dict[str, Uncertain]:
    """The uncertain inputs with their default distributions, anchored on ledger figures."""
    sofr = ledger.value("debt_sofr_180d_avg_20250807")
    inputs = (
        Uncertain("sofr_level", "uniform", max(sofr - 0.02, 0.0), sofr + 0.02, "fraction",
                  "SOFR in 2025: two points either side of the 180-day average of August 2025 (debt_sofr_180d_avg_20250807)"),
        Uncertain("sofr_drift", "uniform", -0.005, 0.005, "fraction a year",
                  "how SOFR moves each year after that: up to half a point down or up"),
        Uncertain("ddtl2_drawn", "uniform", terms.ddtl2_balance, terms.ddtl2_facility_size, "USD",
                  "DDTL 2.0 drawn by mid-2025: from the 2024-12-31 balance to the whole facility (debt chapter)"),
        Uncertain("ddtl2_rate", "uniform", ledger.value("article_debt_ddtl2_rate_band_low"),
                  ledger.value("article_debt_ddtl2_rate_band_high"), "fraction",
                  "DDTL 2.0's all-in rate anywhere in the article's band"),
        Uncertain("revenue_growth", "uniform", 0.0, 1.5, "fraction a year",
                  "growth of the 2024-Q4 revenue run rate (cw_revenue_2024q4): from none to 150% a year; 2024 revenue grew eightfold"),
        Uncertain("price_decline", "uniform", 0.0, 0.3, "fraction a year",
                  "erosion of revenue per GPU as rental prices fall (capex chapter: H100-hour prices fell by more than half in a year)"),
        Uncertain("cash_margin", "uniform", 0.45, 0.65, "fraction",
                  "operating cash per dollar of revenue: below the 63-65% adjusted EBITDA margins of mid-2024, for taxes and working capital"),
        Uncertain("cost_per_mw", "uniform", ledger.value("article_capex_contracted_build_cost") / ledger.value("article_capex_contracted_mw"),
                  ledger.value("article_capex_spent_to_date") / ledger.value("article_capex_active_mw"), "USD/MW",
                  "cost to build a MW: the range NextPlatform's two estimates imply (capex chapter)"),
        Uncertain("build_quarters", "uniform", 8, 21, "quarters",
                  "quarters over which the remaining contracted capacity is built, from 2025-Q2: two to five years", whole=True),
        Uncertain("partner_slip", "uniform", 0, 7, "quarters",
                  "delay of the Core Scientific capacity beyond its scheduled operational date: none to six quarters", whole=True),
    )
    return {u.name: u for u in inputs}


# What --vary may set. Inputs that are also notebook parameters are checked by the registry, through
# parameters.resolve, with the same ranges and rules as `runthenumbers run` (chapter, parameter).
REGISTERED = {"sofr_level": ("debt", "sofr"), "ddtl2_drawn": ("debt", "ddtl2_drawn"), "cost_per_mw": ("capex", "capex_per_mw")}
# The sweep's own inputs: the widest values the model can evaluate, and why.
BOUNDS = {
    "sofr_drift": (-0.05, 0.05),  # five points a year either way already spans zero to 30% SOFR by 2030
    "ddtl2_rate": (0.0, 0.5),  # the registry's largest SOFR (0.2) plus its largest margin (0.3)
    "revenue_growth": (-0.9, 10.0),  # growth compounds through log1p, which needs more than -100%
    "price_decline": (-1.0, 0.9),  # erosion compounds through log1p(-x): x must stay below 100%
    "cash_margin": (-1.0, 1.0),  # operating cash per dollar of revenue: at most the dollar itself
    "build_quarters": (1, 24),  # spend is divided by it (zero is undefined); 24 quarters is the model's horizon
    "partner_slip": (0, 24),  # beyond 24 quarters the capacity arrives after the model's horizon
}


def _close(name: str, names) -> str:
    match = difflib.get_close_matches(name, list(names), n=1)
    return f"; did you mean '{match[0]}'?" if match else ""


def _check_value(name: str, value: float, whole: bool, ledger: Ledger) -> None:
    """``value`` is allowed for input ``name``, or a ParameterError saying what is."""
    if name in REGISTERED:
        chapter, parameter = REGISTERED[name]
        resolve(chapter, {parameter: value}, ledger)
        return
    low, high = BOUNDS[name]
    if not low <= value <= high:
        raise ParameterError(f"{name} = {value!r} is outside the allowed range {low:g} to {high:g}")
    if whole and value != int(value):
        raise ParameterError(f"{name} = {value!r} is not a whole number; allowed: whole numbers from {low:g} to {high:g}")


def override(inputs: Mapping[str, Uncertain], specs: list[str], ledger: Ledger | None = None) -> dict[str, Uncertain]:
    """Apply ``NAME=KIND:LOW:HIGH`` (or ``NAME=fixed:VALUE``) overrides, refusing anything unknown or out of range."""
    inputs = dict(inputs)
    ledger = ledger or load_ledger()
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
        try:
            values = [float(n) for n in numbers]
        except ValueError:
            raise SweepError(f"{shown(spec)}: bounds must be numbers, as in {name}=uniform:LOW:HIGH") from None
        needed = 1 if kind == "fixed" else 2
        if len(values) != needed or not all(math.isfinite(v) for v in values) or (needed == 2 and values[0] > values[1]):
            form = f"{name}=fixed:VALUE" if kind == "fixed" else f"{name}={kind}:LOW:HIGH with LOW <= HIGH"
            raise SweepError(f"{shown(spec)} is not of the form {form}")
        if kind == "triangular" and values[0] == values[1]:
            raise SweepError(f"{shown(spec)}: a triangular distribution needs LOW < HIGH; for one value use {name}=fixed:VALUE")
        for value in values:
            try:
                _check_value(name, value, inputs[name].whole, ledger)
            except ParameterError as error:
                raise SweepError(f"{shown(spec)}: {error}") from None
        low, high = (values[0], values[0]) if kind == "fixed" else values
        inputs[name] = replace(inputs[name], kind=kind, low=low, high=high, mode=None)
    return inputs


def evaluate(start: Starting, draws: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-scenario results of one batch: annual debt service (scenarios, 6), cash low point, first shortfall."""
    paths = cash_paths(start, **draws)
    return {
        "annual_debt_service": annual(paths.debt_service),
        "cash_low_point": paths.cash.min(axis=1),
        "first_shortfall": first_shortfall(paths.cash),
    }


def _chunks(samples: int, chunk: int):
    for begin in range(0, samples, chunk):
        yield begin, min(chunk, samples - begin)


def _batches(start: Starting, inputs: Mapping[str, Uncertain], samples: int, seed: int, chunk: int,
             progress: Callable[[int], None] | None):
    """(first scenario, results) of each chunk of ``samples`` scenarios drawn with ``seed``."""
    if isinstance(samples, bool) or not isinstance(samples, int) or samples <= 0:
        raise SweepError(f"samples = {samples!r} is not a positive whole number; allowed: 1 or more")
    if samples > MAX_SAMPLES:
        raise SweepError(f"samples = {samples:,} is above the limit of {MAX_SAMPLES:,}")
    children = np.random.SeedSequence(seed).spawn(math.ceil(samples / chunk))
    for (begin, size), child in zip(_chunks(samples, chunk), children):
        generator = np.random.Generator(np.random.PCG64(child))
        yield begin, evaluate(start, {name: u.draw(generator, size) for name, u in inputs.items()})
        if progress:
            progress(size)


def run(start: Starting, inputs: Mapping[str, Uncertain], samples: int, seed: int, chunk: int = CHUNK,
        progress: Callable[[int], None] | None = None) -> dict[str, np.ndarray]:
    """Draw ``samples`` scenarios with ``seed`` and evaluate them; per-scenario summaries only, never full paths."""
    parts = [batch for _, batch in _batches(start, inputs, samples, seed, chunk, progress)]
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _refuse_non_finite(results: Mapping[str, np.ndarray]) -> None:
    """A scenario whose figures are NaN or infinite would be counted as one that never runs short."""
    for key in ("annual_debt_service", "cash_low_point"):
        bad = np.count_nonzero(~np.isfinite(results[key]))
        if bad:
            raise SweepError(
                f"{bad:,} scenario value(s) of {key.replace('_', ' ')} are not finite (NaN or infinite); "
                "no summary is given: narrow the --vary ranges"
            )


def _shortfall_summary(counts: np.ndarray, samples: int, deadline: str) -> dict:
    cutoff = quarter_index(deadline)
    return {
        "first_shortfall_share": {quarter_name(i - 1): round(float(c) / samples, 6) for i, c in enumerate(counts) if c},
        "deadline": deadline,
        # counts[0] is "never"; counts[i + 1] is quarter i.
        "probability_short_by_deadline": round(int(counts[1:cutoff + 2].sum()) / samples, 6),
    }


def summarise(results: Mapping[str, np.ndarray], deadline: str = "2026-Q4") -> dict:
    """Quantiles, the distribution of the first shortfall, and the chance of running out by ``deadline``."""
    _refuse_non_finite(results)
    service = results["annual_debt_service"]
    shortfall = results["first_shortfall"]
    counts = np.bincount(shortfall + 1, minlength=N_QUARTERS + 1)
    return {
        "quantiles": [f"p{round(q * 100)}" for q in QUANTILES],
        "annual_debt_service_usd": {
            str(year): [round(float(v), 0) for v in np.quantile(service[:, i], QUANTILES)] for i, year in enumerate(FORECAST_YEARS)
        },
        "cash_low_point_usd": [round(float(v), 0) for v in np.quantile(results["cash_low_point"], QUANTILES)],
        **_shortfall_summary(counts, len(shortfall), deadline),
    }


def stream_summary(start: Starting, inputs: Mapping[str, Uncertain], samples: int, seed: int, deadline: str = "2026-Q4",
                   chunk: int = CHUNK, progress: Callable[[int], None] | None = None) -> dict:
    """:func:`summarise` of :func:`run` without holding every scenario's results.

    The shortfall counts are summed chunk by chunk. The quantiles are exact order statistics of
    float32 copies of the seven figures (debt service in six years and the cash low point), kept in
    one array of 7 x ``samples``: a bounded-memory sketch would give approximate quantiles, and a
    second pass to make them exact would double the run time. float32 keeps 24 bits, a relative
    error below 6e-8: under 2,000 USD on a cash low point of tens of billions, which the command
    reports in billions. Memory: 28 bytes a scenario plus one chunk's working arrays.
    """
    columns = np.empty((len(FORECAST_YEARS) + 1, samples), dtype=np.float32)
    counts = np.zeros(N_QUARTERS + 1, dtype=np.int64)
    for begin, batch in _batches(start, inputs, samples, seed, chunk, progress):
        _refuse_non_finite(batch)
        end = begin + len(batch["cash_low_point"])
        columns[: len(FORECAST_YEARS), begin:end] = batch["annual_debt_service"].T
        columns[len(FORECAST_YEARS), begin:end] = batch["cash_low_point"]
        counts += np.bincount(batch["first_shortfall"] + 1, minlength=N_QUARTERS + 1)

    def quantiles(column: np.ndarray) -> list[float]:
        return [round(float(v), 0) for v in np.quantile(column, QUANTILES, method="linear").astype(np.float64)]

    return {
        "quantiles": [f"p{round(q * 100)}" for q in QUANTILES],
        "annual_debt_service_usd": {str(year): quantiles(columns[i]) for i, year in enumerate(FORECAST_YEARS)},
        "cash_low_point_usd": quantiles(columns[len(FORECAST_YEARS)]),
        **_shortfall_summary(counts, samples, deadline),
    }


def sobol_indices(start: Starting, inputs: Mapping[str, Uncertain], base_samples: int, seed: int,
                  output: str = "cash_low_point") -> dict[str, dict[str, float]]:
    """First-order and total Sobol indices of ``output`` (Saltelli sampling, Jansen's estimators).

    Two independent matrices A and B of ``base_samples`` rows, and for each input a matrix A with
    that input's column taken from B: (inputs + 2) × base_samples model runs in all.
    """
    names = [n for n, u in inputs.items() if u.kind != "fixed"]
    generator = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    a, b = generator.random((base_samples, len(names))), generator.random((base_samples, len(names)))

    def model(unit: np.ndarray) -> np.ndarray:
        columns = {n: inputs[n].from_unit(unit[:, i]) for i, n in enumerate(names)}
        fixed = {n: np.full(len(unit), u.low) for n, u in inputs.items() if u.kind == "fixed"}
        out = [evaluate(start, {k: v[s:s + CHUNK] for k, v in {**columns, **fixed}.items()})[output]
               for s in range(0, len(unit), CHUNK)]
        return np.concatenate(out).astype(float)

    f_a, f_b = model(a), model(b)
    # Centred outputs: the first-order estimator multiplies outputs, and a large mean swamps it in noise.
    centre = np.mean(np.concatenate([f_a, f_b]))
    f_a, f_b = f_a - centre, f_b - centre
    variance = np.var(np.concatenate([f_a, f_b]))
    indices = {}
    for i, name in enumerate(names):
        mixed = a.copy()
        mixed[:, i] = b[:, i]
        f_ab = model(mixed) - centre
        first = np.mean(f_b * (f_ab - f_a)) / variance if variance else 0.0
        total = 0.5 * np.mean((f_a - f_ab) ** 2) / variance if variance else 0.0
        indices[name] = {"first_order": round(float(first), 4), "total": round(float(total), 4)}
    return indices
