-- wrk's script for bench_portal_load.py: each request is a path picked at random from the file
-- named after "--" (one path a line, already in the mix's proportions); done() prints one line
-- that the bench reads: requests, duration (µs), socket errors (connect, read, write, timeout),
-- responses with status ≥ 400, and the latency's p50, p95, p99 and max (µs).

local paths = {}
local counter = 0
local threads = {}
hits = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  math.randomseed(os.time() * 1000 + id)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

-- The portal's page cache says whether it served a kept copy (X-Portal-Cache: hit).
function response(status, headers, body)
  if headers["X-Portal-Cache"] == "hit" then
    hits = hits + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local kept = 0
  for _, thread in ipairs(threads) do
    kept = kept + thread:get("hits")
  end
  io.write(string.format(
    "WRK requests=%d duration=%d connect=%d read=%d write=%d timeout=%d status=%d p50=%d p95=%d p99=%d max=%d hits=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, kept
  ))
end
