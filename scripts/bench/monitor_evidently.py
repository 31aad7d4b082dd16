#!/usr/bin/env python3
"""Times Evidently 0.7's DataDriftPreset on the shape of data `mldeck bench monitor` uses:
20 numeric columns (sum of 4 uniforms, 4 decimals), N reference vs N current rows, 5 columns shifted.
Run in the fixture environment (scripts/fixtures/requirements-drift-fixtures.txt):
  /tmp/drift-venv/bin/python scripts/bench/monitor_evidently.py 100000 [1000000]
Prints one line per size: rows, seconds for Report.run (data already in memory), and the same for
SciPy's ks_2samp alone over the 20 columns.
"""
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from evidently import Report
from evidently.presets import DataDriftPreset


def frame(rng, n, shifted):
    cols = {}
    for k in range(20):
        shift = 0.3 if (shifted and k % 4 == 0) else 0.0
        cols[f"x{k}"] = np.round(rng.random((4, n)).sum(axis=0) - 2 + shift, 4)
    return pd.DataFrame(cols)


def main():
    warnings.simplefilter("ignore")
    for n in [int(a) for a in sys.argv[1:]] or [100_000]:
        rng = np.random.default_rng(1)
        ref, cur = frame(rng, n, False), frame(rng, n, True)
        start = time.perf_counter()
        snapshot = Report([DataDriftPreset()]).run(current_data=cur, reference_data=ref)
        drifted = snapshot.dict()["metrics"][0]["value"]["count"]
        evidently_s = time.perf_counter() - start
        start = time.perf_counter()
        for c in ref.columns:
            stats.ks_2samp(ref[c].values, cur[c].values)
        ks_s = time.perf_counter() - start
        print(f"rows={n} evidently_datadriftpreset_s={evidently_s:.2f} drifted={drifted:.0f} scipy_ks_2samp_20_columns_s={ks_s:.2f}", flush=True)


if __name__ == "__main__":
    main()
