#!/bin/sh
# Server-side throughput of an MLflow tracking server (mldeck server or mlflow server) for the
# MLflow client's own request bodies, replayed with wrk from this machine:
#   runs/log-batch with 1,000 points per request, and runs/log-metric one point per request.
# Usage: scripts/bench/mlflow_server_bench.sh URL [SECONDS] [CONNECTIONS]
# Prints one line per figure; repeat and take the median (BENCHMARKS.md says how it was run).
set -eu
url=${1:?usage: mlflow_server_bench.sh URL [SECONDS] [CONNECTIONS]}
seconds=${2:-10}
connections=${3:-4}
here=$(cd "$(dirname "$0")" && pwd)
new_run() {
  curl -sf -X POST -H 'Content-Type: application/json' -d '{"experiment_id":"0","start_time":"1700000000000"}' \
    "$url/api/2.0/mlflow/runs/create" | tr -d '\n ' | sed 's/.*"run_id":"\([0-9a-f]*\)".*/\1/'
}
RUN_ID=$(new_run) wrk -t2 -c"$connections" --timeout 30s -d"${seconds}s" -s "$here/mlflow_log_batch.lua" "$url" > /tmp/wrk-batch.$$
batch=$(awk '/Requests\/sec/ {print $2}' /tmp/wrk-batch.$$)
echo "log_batch_points_per_s $(awk -v r="$batch" 'BEGIN {printf "%.0f", r * 1000}') (requests/s $batch, $connections connections, ${seconds}s)"
grep -E "Latency|Non-2xx|Socket errors" /tmp/wrk-batch.$$ || true
RUN_ID=$(new_run) wrk -t2 -c"$connections" --timeout 30s -d"${seconds}s" -s "$here/mlflow_log_metric.lua" "$url" > /tmp/wrk-metric.$$
echo "log_metric_requests_per_s $(awk '/Requests\/sec/ {print $2}' /tmp/wrk-metric.$$) ($connections connections, ${seconds}s)"
grep -E "Latency|Non-2xx|Socket errors" /tmp/wrk-metric.$$ || true
rm -f /tmp/wrk-batch.$$ /tmp/wrk-metric.$$
