#!/usr/bin/env bash
# Measures `mldeck serve` with wrk (BENCHMARKS.md, "serve"): the churn model (wa_churn.csv, full
# preprocessing, 200 trees of depth 6), prediction logging on.
#   scripts/bench/serve_wrk.sh [MLDECK_BINARY]   (default .build/release/mldeck)
# 1. single-row JSON, 16 connections, 20 s;  2. 1,000-row batches, 4 connections, 20 s;
# 3. single rows, 16 connections, 12 s while `production` moves 4 times (zero non-2xx expected).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(realpath "${1:-$root/.build/release/mldeck}")
server=""
data=${DATA:-/work/shared/data/wa_churn.csv}
export OMP_WAIT_POLICY=passive
work=$(mktemp -d /tmp/mldeck-serve-bench.XXXXXX)
trap 'kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" init "$work" >/dev/null
cp "$data" "$work/churn.csv"
cat > "$work/mldeck.yaml" <<'YAML'
pipelines:
  churn:
    dataset: churn.csv
    steps:
      prepare:  {uses: split, with: {target: churn, id: rownames, positive: "Yes"}}
      train:    {uses: xgboost, needs: [prepare], with: {rounds: 200, max_depth: 6, eta: 0.1}}
      register: {uses: register, needs: [train], with: {model: churn-model}}
  churn-b:
    dataset: churn.csv
    steps:
      prepare:  {uses: split, with: {target: churn, id: rownames, positive: "Yes"}}
      train:    {uses: xgboost, needs: [prepare], with: {rounds: 150, max_depth: 5, eta: 0.1}}
      register: {uses: register, needs: [train], with: {model: churn-model}}
YAML
cd "$work"
"$bin" run churn --quiet >/dev/null && "$bin" run churn-b --quiet >/dev/null
"$bin" models promote churn-model 1 --alias production >/dev/null
"$bin" serve churn-model@production --port 0 > serve.out 2> serve.err &
server=$!
for _ in $(seq 1 200); do grep -q " on http://" serve.out 2>/dev/null && break; sleep 0.1; done
address=$(sed -n 's/.* on \(http:[^ ]*\).*/\1/p' serve.out)
echo "server: $address (pid $server)"

# Bodies: one row, and 1,000 rows, as dataframe_split.
python3 - "$data" <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1])))
header, data = rows[0], rows[1:]
def cell(v):
    try: return float(v)
    except ValueError: return v if v != "" else None
cols = [c for c in header if c != "churn"]
idx = [header.index(c) for c in cols]
split = lambda rs: {"dataframe_split": {"columns": cols, "data": [[cell(r[i]) for i in idx] for r in rs]}}
json.dump(split(data[:1]), open("one.json", "w"))
json.dump(split(data[:1000]), open("batch.json", "w"))
PY
for f in one batch; do
  cat > "$f.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/$f.json", "r"); wrk.body = f:read("*a"); f:close()
LUA
done
# The hot-swap run also counts the answers per X-Model-Version.
cat one.lua > swap.lua
cat >> swap.lua <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) versions = {} end
function response(status, headers, body)
  local v = headers["X-Model-Version"] or headers["x-model-version"] or "?"
  versions[v] = (versions[v] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do for v, n in pairs(t:get("versions")) do total[v] = (total[v] or 0) + n end end
  for v, n in pairs(total) do io.write(string.format("X-Model-Version %s: %d answers\n", v, n)) end
end
LUA
cpu() { awk '{print $14+$15}' /proc/$server/stat; }
hz=$(getconf CLK_TCK)

echo "== single-row JSON, 16 connections, 20 s"
c0=$(cpu); wrk -t2 -c16 -d20s --latency -s one.lua "$address/invocations" | tee single.txt; c1=$(cpu)
echo "server CPU: $(( (c1 - c0) * 100 / hz / 20 ))% of one core"
echo "== 1,000-row batches, 4 connections, 20 s"
wrk -t2 -c4 -d20s --latency -s batch.lua "$address/invocations" | tee batch.txt
echo "== hot swap: single rows, 16 connections, 12 s, production moves 4 times"
( for v in 2 1 2 1; do sleep 2.4; "$bin" models promote churn-model $v --alias production >/dev/null; done ) &
mover=$!
wrk -t2 -c16 -d12s --latency -s swap.lua "$address/invocations" | tee swap.txt
wait $mover || true
curl -s --max-time 10 "$address/metrics" | grep -E "requests_total|logged_total|dropped_total"
kill -TERM $server; status=0; wait $server || status=$?; echo "server exit: $status"; server=""
