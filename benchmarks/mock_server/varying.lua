-- Traffic shape "varying": a random template r{i} (0 <= i < COUNT) and a random item id per request,
-- /api/r{i}/items/{random int}, so no server can answer from a per-URL cache. Every peer is configured
-- so that each template matches any integer id. Arguments after "--": COUNT [SEED].
local count = 50

function init(args)
  if args[1] then count = tonumber(args[1]) end
  math.randomseed(tonumber(args[2] or "0") + os.time())
end

function request()
  local n = math.random(0, count - 1)
  local id = math.random(1, 999999999)
  return wrk.format("GET", "/api/r" .. n .. "/items/" .. id, {["Accept"] = "application/json"})
end
