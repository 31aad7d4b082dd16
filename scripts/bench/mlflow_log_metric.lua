-- wrk script: POST /api/2.0/mlflow/runs/log-metric, one point per request (keep-alive), as
-- mlflow.log_metric sends it. RUN_ID comes from the environment.
local run = os.getenv("RUN_ID")
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local body = string.format('{"run_id":"%s","run_uuid":"%s","key":"acc","value":0.5,"timestamp":"1700000000000","step":"%d"}', run, run, counter)
  return wrk.format(nil, "/api/2.0/mlflow/runs/log-metric", nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("requests_per_s %.1f\n", summary.requests / (summary.duration / 1e6)))
end
