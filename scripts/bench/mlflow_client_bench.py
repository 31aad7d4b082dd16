#!/usr/bin/env python3
"""The MLflow Python client end to end against a tracking server: what a training script sees.

- log_batch: `MlflowClient().log_batch(run_id, metrics=[1,000 Metric])` repeated for SECONDS,
  each call with new steps (the Metric objects are built in the loop, as a script builds them);
  reported as points/s.
- log_metric: `mlflow.log_metric(key, value, step=i)` one call at a time in an active run
  (`mlflow.start_run`), for SECONDS; reported as calls/s.

One untimed call of each kind comes first (connection, imports). Run it against `mldeck server`
and against scripts/bench/mlflow_null_server.py (the client's ceiling) and divide: issue 14 wants
log_batch within 1.2x of the ceiling. Needs only mlflow (mlflow-skinny is enough).

  python scripts/bench/mlflow_client_bench.py http://127.0.0.1:5091 [--seconds 10] [--only log_batch|log_metric]

Progress goes to standard error; the last line of standard output is one JSON object:
{"mlflow": "3.6.0", "url": ..., "seconds": ..., "log_batch_points_per_s": ..., "log_batch_calls": ...,
 "log_metric_calls_per_s": ..., "log_metric_calls": ...}
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")   # synchronous calls: a call returns when the server answered

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric  # noqa: E402

POINTS = 1000
TIMESTAMP = 1_700_000_000_000


def batch(call):
    """1,000 points of "loss" with the steps of call number `call` (no step repeats)."""
    base = call * POINTS
    return [Metric("loss", 1.0 / (i + 1), TIMESTAMP, base + i) for i in range(POINTS)]


def bench_log_batch(client, seconds):
    run_id = client.create_run("0").info.run_id
    client.log_batch(run_id, metrics=batch(0))   # warm-up, untimed
    calls = 0
    start = time.perf_counter()
    while True:
        calls += 1
        client.log_batch(run_id, metrics=batch(calls))
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    client.set_terminated(run_id)
    return calls, elapsed


def bench_log_metric(seconds):
    with mlflow.start_run(experiment_id="0"):
        mlflow.log_metric("acc", 0.5, step=0)   # warm-up, untimed
        calls = 0
        start = time.perf_counter()
        while True:
            calls += 1
            mlflow.log_metric("acc", 0.5, step=calls)
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
    return calls, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the tracking server, e.g. http://127.0.0.1:5091")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per call kind (default 10)")
    parser.add_argument("--only", choices=["log_batch", "log_metric"], help="measure one call kind only")
    args = parser.parse_args()
    mlflow.set_tracking_uri(args.url)
    result = {"mlflow": mlflow.__version__, "url": args.url, "seconds": args.seconds}
    if args.only in (None, "log_batch"):
        calls, elapsed = bench_log_batch(MlflowClient(args.url), args.seconds)
        result["log_batch_calls"] = calls
        result["log_batch_points_per_s"] = calls * POINTS / elapsed
        print(f"log_batch: {calls} calls of {POINTS} points in {elapsed:.2f} s: "
              f"{result['log_batch_points_per_s']:.0f} points/s ({elapsed / calls * 1000:.2f} ms a call)", file=sys.stderr)
    if args.only in (None, "log_metric"):
        calls, elapsed = bench_log_metric(args.seconds)
        result["log_metric_calls"] = calls
        result["log_metric_calls_per_s"] = calls / elapsed
        print(f"log_metric: {calls} calls in {elapsed:.2f} s: {result['log_metric_calls_per_s']:.1f} calls/s "
              f"({elapsed / calls * 1000:.3f} ms a call)", file=sys.stderr)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
