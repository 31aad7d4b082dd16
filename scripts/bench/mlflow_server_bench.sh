#!/bin/sh
# Server-side throughput of an MLflow tracking server (mldeck server or mlflow server) for the
# MLflow client's own request bodies, replayed with wrk from this machine:
#   runs/log-batch with 1,000 points per request, and runs/log-metric one point per request;
# then, when the server has an experiment named "bench" (the 10,000-run store of
# make_mlflow_import_db.py: `mldeck import mlflow sqlite:///…` into the workspace first, or
# `mlflow server --backend-store-uri sqlite:///…` on the store itself), runs/search with a metric
# filter and order, first page of 1,000, as the HTTP round trip (curl -w %{time_total}), median of
# SEARCHES (default 11) after one warm-up request.
# Usage: scripts/bench/mlflow_server_bench.sh URL [SECONDS] [CONNECTIONS]
#        SEARCH_ONLY=1 scripts/bench/mlflow_server_bench.sh URL   (the search figure alone)
# Prints one line per figure; repeat and take the median (BENCHMARKS.md says how it was run).
# `mldeck bench server` runs the same loads as a suite (16 connections, medians, the store imported
# and the MLflow client end to end beside scripts/bench/mlflow_null_server.py).
set -eu
url=${1:?usage: mlflow_server_bench.sh URL [SECONDS] [CONNECTIONS]}
seconds=${2:-10}
connections=${3:-4}
here=$(cd "$(dirname "$0")" && pwd)
new_run() {
  curl -sf -X POST -H 'Content-Type: application/json' -d '{"experiment_id":"0","start_time":"1700000000000"}' \
    "$url/api/2.0/mlflow/runs/create" | tr -d '\n ' | sed 's/.*"run_id":"\([0-9a-f]*\)".*/\1/'
}
search() {
  experiment=$(curl -sf "$url/api/2.0/mlflow/experiments/get-by-name?experiment_name=bench" | tr -d '\n ' |
    sed -n 's/.*"experiment_id":"\([^"]*\)".*/\1/p')
  if [ -z "$experiment" ]; then echo "search_10k_first_page_ms skipped: no experiment named bench on $url"; return; fi
  body='{"experiment_ids":["'"$experiment"'"],"filter":"metrics.m1 > 0.5","order_by":["metrics.m2 DESC"],"max_results":1000}'
  post() { curl -sf -o "$1" -w '%{time_total}\n' -X POST -H 'Content-Type: application/json' -d "$body" "$url/api/2.0/mlflow/runs/search"; }
  post /tmp/search.$$ > /dev/null
  n=0; : > /tmp/search-times.$$
  while [ "$n" -lt "${SEARCHES:-11}" ]; do post /tmp/search.$$ >> /tmp/search-times.$$; n=$((n + 1)); done
  runs=$(grep -o '"run_id"' /tmp/search.$$ | wc -l)
  sort -n /tmp/search-times.$$ | awk -v runs="$runs" '{ t[NR] = $1 } END {
    printf "search_10k_first_page_ms %.1f (median of %d; min %.1f, max %.1f; %d runs in the page)\n", t[int((NR + 1) / 2)] * 1000, NR, t[1] * 1000, t[NR] * 1000, runs }'
  rm -f /tmp/search.$$ /tmp/search-times.$$
}
if [ -n "${SEARCH_ONLY:-}" ]; then search; exit 0; fi
RUN_ID=$(new_run) wrk -t2 -c"$connections" --timeout 30s -d"${seconds}s" -s "$here/mlflow_log_batch.lua" "$url" > /tmp/wrk-batch.$$
batch=$(awk '/Requests\/sec/ {print $2}' /tmp/wrk-batch.$$)
echo "log_batch_points_per_s $(awk -v r="$batch" 'BEGIN {printf "%.0f", r * 1000}') (requests/s $batch, $connections connections, ${seconds}s)"
grep -E "Latency|Non-2xx|Socket errors" /tmp/wrk-batch.$$ || true
RUN_ID=$(new_run) wrk -t2 -c"$connections" --timeout 30s -d"${seconds}s" -s "$here/mlflow_log_metric.lua" "$url" > /tmp/wrk-metric.$$
echo "log_metric_requests_per_s $(awk '/Requests\/sec/ {print $2}' /tmp/wrk-metric.$$) ($connections connections, ${seconds}s)"
grep -E "Latency|Non-2xx|Socket errors" /tmp/wrk-metric.$$ || true
rm -f /tmp/wrk-batch.$$ /tmp/wrk-metric.$$
search
