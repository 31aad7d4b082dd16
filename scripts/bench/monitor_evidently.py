#!/usr/bin/env python3
"""Times Evidently 0.7's DataDriftPreset on the very data `mldeck bench monitor` uses: 20 numeric
columns (sum of 4 uniforms from the bench's SplitMix64 generator, 4 decimals), N reference vs N
current rows, every fourth column shifted by 0.3 — the same doubles as MonitorBenchData.column.
Run it in its own environment with the pinned versions (scripts/bench/monitor_evidently.sh does):
  .build/evidently-venv/bin/python scripts/bench/monitor_evidently.py 100000 [1000000]
Prints one line per size: rows, seconds for Report.run (data already in memory), the drifted
columns Evidently found, and the seconds of SciPy's ks_2samp alone over the 20 columns.
"""
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from evidently import Report
from evidently.presets import DataDriftPreset

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
C1, C2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def column(rows, seed, shift):
    """MonitorBenchData.column: the same SplitMix64 stream and arithmetic, vectorised."""
    with np.errstate(over="ignore"):
        start = np.uint64(seed) * GOLDEN
        steps = np.arange(1, 4 * rows + 1, dtype=np.uint64) * GOLDEN
        z = start + steps
        z = (z ^ (z >> np.uint64(30))) * C1
        z = (z ^ (z >> np.uint64(27))) * C2
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    total = u[0::4] + u[1::4] + u[2::4] + u[3::4]
    x = ((total - 2) + shift) * 10_000
    rounded = np.sign(x) * np.floor(np.abs(x) + 0.5)  # Swift's .rounded(): half away from zero
    return rounded / 10_000


def frames(n):
    ref = pd.DataFrame({f"x{k}": column(n, k + 1, 0.0) for k in range(20)})
    cur = pd.DataFrame({f"x{k}": column(n, k + 101, 0.3 if k % 4 == 0 else 0.0) for k in range(20)})
    return ref, cur


def main():
    warnings.simplefilter("ignore")
    for n in [int(a) for a in sys.argv[1:]] or [100_000]:
        ref, cur = frames(n)
        start = time.perf_counter()
        snapshot = Report([DataDriftPreset()]).run(current_data=cur, reference_data=ref)
        evidently_s = time.perf_counter() - start
        drifted = snapshot.dict()["metrics"][0]["value"]["count"]
        start = time.perf_counter()
        for c in ref.columns:
            stats.ks_2samp(ref[c].values, cur[c].values)
        ks_s = time.perf_counter() - start
        print(f"rows={n} evidently_datadriftpreset_s={evidently_s:.2f} drifted={drifted:.0f} scipy_ks_2samp_20_columns_s={ks_s:.2f}", flush=True)


if __name__ == "__main__":
    main()
