-- wrk script: cycles through the request paths of the file named by env URLS (one per line),
-- and counts non-2xx responses (wrk's own error count covers only socket errors).
local paths = {}
local index = 0
local bad = 0

local f = assert(io.open(os.getenv("URLS"), "r"))
for line in f:lines() do
  if #line > 0 then paths[#paths + 1] = line end
end
f:close()

request = function()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

response = function(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status, e.connect, e.read, e.write, e.timeout))
end
