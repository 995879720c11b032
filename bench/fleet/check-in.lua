-- wrk: POST /v1/devices/me/check-in as every device in turn. The argument is a file of
-- "CREDENTIAL SERVICE_PACK LANGUAGE" lines; each thread starts at its own offset.
local devices = {}
local next_device = 0
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  for line in io.lines(args[1]) do
    local credential, service_pack, language = line:match("^(%S+) (%S+) (%S+)$")
    devices[#devices + 1] = {
      headers = { ["Authorization"] = "Bearer " .. credential, ["Content-Type"] = "application/json" },
      body = string.format('{"service_pack":"%s","language":"%s"}', service_pack, language),
    }
  end
  next_device = (thread_index or 0) * math.floor(#devices / 2)
end

function request()
  next_device = next_device + 1
  local device = devices[next_device % #devices + 1]
  return wrk.format("POST", nil, device.headers, device.body)
end
