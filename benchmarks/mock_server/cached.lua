-- Traffic shape "cached": the same COUNT URLs cycled, /api/r{i}/items/{100+i} (the flattering case:
-- any per-path cache hits every time). Arguments after "--": COUNT.
local count = 50
local i = 0

function init(args)
  if args[1] then count = tonumber(args[1]) end
end

function request()
  local n = i % count
  i = i + 1
  return wrk.format("GET", "/api/r" .. n .. "/items/" .. (100 + n), {["Accept"] = "application/json"})
end
