#!/bin/sh
# `mldeck import mlflow sqlite:///…` of an MLflow store of N runs (default 10,000) with 10 params
# and 5 metrics each, into a fresh workspace; prints the wall time of the whole process, then
# the wall time of a second import (which adds nothing).
# Usage: scripts/bench/mlflow_import_bench.sh [MLDECK_BINARY] [RUNS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mldeck=${1:-$here/../../.build/debug/mldeck}
runs=${2:-10000}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 "$here/make_mlflow_import_db.py" "$scratch/store/mlflow.db" "$runs"
"$mldeck" init "$scratch/ws" > /dev/null
cd "$scratch/ws"
start=$(date +%s.%N)
"$mldeck" import mlflow "sqlite:///$scratch/store/mlflow.db" > "$scratch/first.txt"
end=$(date +%s.%N)
echo "import_mlflow_sqlite_${runs}_runs_s $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')"
start=$(date +%s.%N)
"$mldeck" import mlflow "sqlite:///$scratch/store/mlflow.db" > "$scratch/second.txt"
end=$(date +%s.%N)
echo "reimport_mlflow_sqlite_${runs}_runs_s $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}') (adds nothing)"
grep -E "runs " "$scratch/first.txt" "$scratch/second.txt"
