"""How fast the sweep runs, against one papermill run of the debt notebook, measured in one run.

For N = 10^4 to 10^7 it reports the compute time of the sweep of the funding model (capacity-driven
revenue in a contracted and a re-priced part, GPU replacement, financing, the all-debt schedule, the
forward credit path) as the command runs it (``sweep.stream_summary``, best of
three, as wall time and as the process's CPU time, which other jobs on a shared machine do not
inflate), scenarios per second, and the peak memory of a fresh process running it (flat in N: the
quantiles come from a fixed-size sketch); the target is under 2 s of CPU for 10^6; then the wall time
of the whole `runthenumbers sweep` command at 10^6 and of one papermill execution of notebooks/debt.ipynb.
Measurements, not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

MEASURE = """
import json, resource, sys, time
from runthenumbers import sweep
from runthenumbers.data import load_ledger
from runthenumbers.liquidity import FundingStart
n = int(sys.argv[1])
ledger = load_ledger()
start = FundingStart.from_ledger(ledger)
inputs = sweep.registry(ledger)
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
runs = []
for _ in range(3):
    wall, cpu = time.perf_counter(), time.process_time()
    sweep.stream_summary(start, inputs, n, seed=1)
    runs.append((time.perf_counter() - wall, time.process_time() - cpu))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": min(r[0] for r in runs), "cpu_seconds": min(r[1] for r in runs), "peak_mb": peak / 1024,
                  "model_mb": (peak - baseline) / 1024}))
"""


def measure(n: int) -> dict:
    out = subprocess.run([sys.executable, "-c", MEASURE, str(n)], capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout)


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True, cwd=REPO)
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6, 10**7])
    args = parser.parse_args(argv)
    print(
        f"{'N':>10} {'compute s':>10} {'CPU s':>7} {'scenarios/s':>14} {'s per 10^6':>11} {'peak MB':>8} {'model MB':>9}"
    )
    for n in args.sizes:
        row = measure(n)
        print(
            f"{n:>10,} {row['seconds']:>10.3f} {row['cpu_seconds']:>7.3f} {n / row['seconds']:>14,.0f} {row['seconds'] / n * 1e6:>11.3f} "
            f"{row['peak_mb']:>8.0f} {row['model_mb']:>9.0f}"
        )
    whole = 10**6
    sweep_wall = wall([str(BIN / "runthenumbers"), "sweep", "--samples", str(whole), "--seed", "1", "--format", "json"])
    with tempfile.TemporaryDirectory() as folder:
        papermill_wall = wall(
            [
                str(BIN / "papermill"),
                "--no-progress-bar",
                str(REPO / "notebooks" / "debt.ipynb"),
                str(Path(folder) / "debt.ipynb"),
            ]
        )
    print(f"\nwhole `runthenumbers sweep --samples {whole:,}` process: {sweep_wall:.2f} s")
    print(f"one papermill run of notebooks/debt.ipynb:            {papermill_wall:.2f} s")
    print(f"ratio (sweep / papermill): {sweep_wall / papermill_wall:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
