#!/usr/bin/env bash
# The `mlflow models serve` reference of BENCHMARKS.md ("serve"), measured as `mldeck bench serve`
# measures MLDeck: the same data and request bodies (from a workspace kept by
# `mldeck bench serve --keep DIR`), wrk -t2 -c16 --latency, median of REPEATS runs of SECONDS s.
#   scripts/bench/mlflow_serve.sh KEPT_DIR [xgboost|logistic]
# Needs the test venv (make venv: mlflow-skinny, scikit-learn, xgboost-cpu, uvicorn; pinned in
# scripts/requirements-test.txt). MLflow serves with uvicorn, 2 workers (`-w 2`), --env-manager local.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
kept=$(realpath "$1"); kind=${2:-xgboost}
base=${MLDECK_PYTHON:-$root/.build/venv/bin/python}
# mlflow-skinny 3.6.0's scoring server uses Starlette's `app.route`, which Starlette 1.x (pinned in
# scripts/requirements-test.txt for the MLflow client tests) no longer has: serve from a venv that
# layers FastAPI 0.115.12 / Starlette 0.46.2 over the test venv's packages.
overlay=$root/.build/venv-mlflow-serve
if [ ! -x "$overlay/bin/python" ]; then
  python3 -m venv "$overlay"
  "$base" -c "import site; print(site.getsitepackages()[0])" > "$("$overlay/bin/python" -c "import site; print(site.getsitepackages()[0])")/base-venv.pth"
  "$overlay/bin/pip" install -q --no-deps fastapi==0.115.12 starlette==0.46.2
fi
printf '#!/bin/sh\nexec "%s" -m uvicorn "$@"\n' "$overlay/bin/python" > "$overlay/bin/uvicorn"; chmod +x "$overlay/bin/uvicorn"
python=$overlay/bin/python
seconds=${SECONDS_PER_RUN:-20}; repeats=${REPEATS:-3}; port=${PORT:-5123}
ws="$kept/serve/workspace"
work=$(mktemp -d /tmp/mlflow-serve-bench.XXXXXX)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=passive MLFLOW_TRACKING_URI="file://$work/mlruns" PATH="$(dirname "$python"):$PATH"  # uvicorn
"$python" "$root/scripts/bench/mlflow_serve_model.py" "$ws/churn.csv" "$work/model" "$kind"
"$python" -m mlflow models serve -m "$work/model" --env-manager local -w 2 -h 127.0.0.1 -p "$port" > "$work/serve.log" 2>&1 &
server=$!
# Its workers import mlflow, pandas and sklearn first: minutes on a loaded machine.
up=0; for _ in $(seq 1 3000); do curl -sf "http://127.0.0.1:$port/ping" >/dev/null 2>&1 && { up=1; break; }; sleep 0.2; done
[ "$up" = 1 ] || { echo "mlflow models serve did not answer /ping within 10 minutes:"; tail -20 "$work/serve.log"; exit 1; }
curl -s -X POST -H 'Content-Type: application/json' --data-binary @<(sed -n 's/^wrk.body = \[==\[\(.*\)\]==\]$/\1/p' "$ws/post-1.lua") \
  "http://127.0.0.1:$port/invocations"; echo
for f in post-1 post-100; do
  for k in $(seq 1 "$repeats"); do
    echo "== mlflow models serve ($kind), $f, run $k of $repeats"
    wrk -t2 -c16 -d"${seconds}s" --latency -s "$ws/$f.lua" "http://127.0.0.1:$port/invocations" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors|requests in"
  done
done
