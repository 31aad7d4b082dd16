-- wrk script: POST /api/2.0/mlflow/runs/log-batch with 1,000 metric points per request, as the
-- MLflow Python client sends them (protobuf JSON: int64 as strings). Each request carries new
-- steps (counter * 1000 + i), so no point repeats (MLflow's SQL store treats repeats specially).
-- RUN_ID comes from the environment (scripts/bench/mlflow_server_bench.sh sets it).
local run = os.getenv("RUN_ID")
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local parts = {}
  local base = counter * 1000
  for i = 0, 999 do
    parts[#parts + 1] = string.format('{"key":"loss","value":%.6f,"timestamp":"1700000000000","step":"%d"}', 1.0 / (i + 1), base + i)
  end
  local body = '{"run_id":"' .. run .. '","metrics":[' .. table.concat(parts, ",") .. '],"params":[],"tags":[]}'
  return wrk.format(nil, "/api/2.0/mlflow/runs/log-batch", nil, body)
end
