"""How fast the all-debt schedule runs for many scenarios of SOFR, measured in one run.

It times :meth:`runthenumbers.credit.ServiceSurface.annual` (the exact linear form of the full
schedule, checked against it in tests/test_credit.py) for 10^4 to 10^6 scenarios, best of three, for
the latest stack (31 December 2025, :func:`runthenumbers.credit.latest_service_surface`) and for the
30 June 2025 filing the funding model starts from, and reads the peak memory of the process.
Measurements, not tests: nothing here asserts a time (the issue's budget: 10^6 in under 2 s).
"""

from __future__ import annotations

import resource
import time

import numpy as np

from runthenumbers import credit
from runthenumbers.data import load_ledger


def main() -> None:
    ledger = load_ledger()
    stacks = {
        "latest stack, 2025-12-31": lambda: credit.latest_service_surface(ledger),
        "filing of 2025-06-30": lambda: credit.service_surface(credit.FILING_2025_06_30, ledger),
    }
    for name, build in stacks.items():
        started = time.perf_counter()
        surface = build()
        print(f"{name}: surface read off the full model in {time.perf_counter() - started:.3f} s")
        generator = np.random.default_rng(2025)
        print(f"{'N':>10}  {'compute (s)':>11}  {'scenarios/s':>12}  {'peak memory (MB)':>16}")
        for n in (10_000, 100_000, 1_000_000):
            changes = generator.uniform(-0.02, 0.02, n)
            best = min(_timed(surface, changes) for _ in range(3))
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{n:>10,}  {best:>11.3f}  {n / best:>12,.0f}  {peak:>16.0f}")


def _timed(surface, changes) -> float:
    started = time.perf_counter()
    surface.annual(changes)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
