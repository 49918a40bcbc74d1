-- wrk script for the flash-sale hot path: POST /api/v1/orders for one product, each request with the next buyer's
-- bearer token (one JWT a line in the tokens file) and a new Idempotency-Key.
--   wrk -t2 -c64 -d10s --latency -s bench/wrk/flash-sale.lua http://127.0.0.1:<port>/api/v1/orders -- <tokens file> <product id>
-- Prints the answers by status at the end (a sold-out product answers 409, which wrk counts as "Non-2xx").

local tokens = {}
local product = "bench-flash-sale"
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(tokens, line) end
  end
  if args[2] then product = args[2] end
  statuses = {}
  math.randomseed(os.time() + thread_id)
end

function request()
  counter = counter + 1
  local token = tokens[((counter * 7919 + thread_id) % #tokens) + 1]
  local key = string.format("wrk-%d-%d-%08x", thread_id, counter, math.random(0, 0x7fffffff))
  return wrk.format("POST", nil, {
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = key,
    ["Content-Type"] = "application/json",
  }, '{"items":[{"product_id":"' .. product .. '","quantity":1}]}')
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do totals[status] = (totals[status] or 0) + n end
  end
  local keys = {}
  for status in pairs(totals) do table.insert(keys, status) end
  table.sort(keys)
  for _, status in ipairs(keys) do io.write(string.format("status %d: %d\n", status, totals[status])) end
end
