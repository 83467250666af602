"""wrk runs for bench/load.py: the Lua scripts of each scenario and the parsing of their results.

Every script ends with the same `done` hook, which prints one `JSON {...}` line: requests,
duration, errors by kind, latency percentiles, and `marks` (what the script counted itself,
such as completed checkouts). `delay` paces each connection for the runs at a fixed rate.
"""

import json, os, subprocess

DONE = r"""
threads = {}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
DELAY
function done(summary, latency, requests)
  local marks = 0
  for _, t in ipairs(threads) do marks = marks + (t:get("marks") or 0) end
  local e = summary.errors
  io.write(string.format('JSON {"requests":%d,"duration_us":%d,"non2xx":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"marks":%d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, marks))
end
marks = 0
"""

JSON_HEADERS = '{["content-type"] = "application/json"}'


def lua_list(name, values):
    return f"{name} = {{" + ",".join(json.dumps(v) for v in values) + "}\n"


def rotating_get(paths):
    """GET each path in turn, each thread starting at its own place."""
    return lua_list("paths", paths) + r"""
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", paths[((i + id * 7919) % #paths) + 1])
end
"""


def add_to_cart(carts, variants):
    return lua_list("carts", carts) + lua_list("variants", variants) + r"""
local i = 0
function request()
  i = i + 1
  local cart = carts[((i + id * 7919) % #carts) + 1]
  local variant = variants[((i * 31 + id) % #variants) + 1]
  return wrk.format("POST", "/v1/carts/" .. cart .. "/items", """ + JSON_HEADERS + r""",
    '{"variant_id":"' .. variant .. '","quantity":1}')
end
"""


# The address the bench carts were given (California: sales tax added, shipped by Express).
CHECKOUT_BODY = ('{"email":"bench@example.com","shipping_address":{"name":"Bench Shopper","line1":"1 Main St",'
                 '"city":"San Francisco","postal_code":"94105","country":"US","province":"CA"},'
                 '"payment":{"provider":"test","payment_method":"pm_card_visa"}}')


def checkout_carts(carts, threads):
    """One checkout POST per prepared cart; each thread takes every `threads`-th cart and stops
    when its share is used up, so no cart is checked out twice."""
    return lua_list("carts", carts) + f"nthreads = {threads}\nbody = {json.dumps(CHECKOUT_BODY)}\n" + r"""
local i = 0
function request()
  local n = id + i * nthreads + 1
  i = i + 1
  if n > #carts then
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  -- Each cart is a different shopper, as in a shop: no two checkouts share a customer's rows.
  local shopper = string.gsub(body, "bench@", carts[n] .. "@")
  return wrk.format("POST", "/v1/carts/" .. carts[n] .. "/checkout", """ + JSON_HEADERS + r""", shopper)
end
function response(status, headers, body)
  if status == 201 then marks = marks + 1 end
end
"""


def checkout_flow(variants):
    """The whole guest checkout, one step per request: new cart, one item, pay. Needs one
    connection per thread, since wrk's callbacks belong to the thread."""
    return lua_list("variants", variants) + f"body = {json.dumps(CHECKOUT_BODY)}\n" + r"""
local step, cart, i = 1, nil, 0
function request()
  if step == 1 or cart == nil then
    return wrk.format("POST", "/v1/carts")
  elseif step == 2 then
    i = i + 1
    local variant = variants[((i * 31 + id) % #variants) + 1]
    return wrk.format("POST", "/v1/carts/" .. cart .. "/items", """ + JSON_HEADERS + r""",
      '{"variant_id":"' .. variant .. '","quantity":1}')
  end
  return wrk.format("POST", "/v1/carts/" .. cart .. "/checkout", """ + JSON_HEADERS + r""", body)
end
function response(status, headers, body)
  if step == 1 then
    cart = string.match(body, '"id":"(cart_[%w]+)"')
    step = 2
  elseif step == 2 then
    step = (status == 200) and 3 or 1
  else
    if status == 201 then marks = marks + 1 end
    step = 1
  end
end
"""


def mixed(lists, details, searches, carts, variants, checkout_carts_list, threads):
    """Shoppers in aggregate: 35% list pages, 30% product pages, 15% searches, 15% add to
    cart, 5% checkouts of prepared carts (add to cart instead once those run out)."""
    return (lua_list("lists", lists) + lua_list("details", details) + lua_list("searches", searches)
            + lua_list("carts", carts) + lua_list("variants", variants) + lua_list("ready", checkout_carts_list)
            + f"nthreads = {threads}\nbody = {json.dumps(CHECKOUT_BODY)}\n" + r"""
local i, paid = 0, 0
function request()
  i = i + 1
  local roll = (i * 7 + id * 13) % 100
  local pick = function(t) return t[((i + id * 7919) % #t) + 1] end
  if roll < 35 then return wrk.format("GET", pick(lists)) end
  if roll < 65 then return wrk.format("GET", pick(details)) end
  if roll < 80 then return wrk.format("GET", pick(searches)) end
  if roll >= 95 then
    local n = id + paid * nthreads + 1
    if n <= #ready then
      paid = paid + 1
      return wrk.format("POST", "/v1/carts/" .. ready[n] .. "/checkout", """ + JSON_HEADERS + r""", body)
    end
  end
  return wrk.format("POST", "/v1/carts/" .. pick(carts) .. "/items", """ + JSON_HEADERS + r""",
    '{"variant_id":"' .. pick(variants) .. '","quantity":1}')
end
function response(status, headers, body)
  if status == 201 then marks = marks + 1 end
end
""")


def run(script, url, workdir, seconds, connections, threads, rate=None):
    """Runs wrk once; returns its JSON summary with req/s and ms figures added. With `rate`,
    each connection waits between requests so that all together make about `rate` per second."""
    delay_ms = 0 if not rate else max(1, int(connections * 1000 / rate))
    path = os.path.join(workdir, "scenario.lua")
    with open(path, "w") as f:
        pacing = f"function delay() return {delay_ms} end" if delay_ms else ""
        f.write(script + DONE.replace("DELAY", pacing))
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
           "-s", path, url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("JSON "))
    result = json.loads(line[5:])
    secs = result["duration_us"] / 1e6
    result.update(
        rps=result["requests"] / secs,
        marks_per_s=result["marks"] / secs,
        errors=result["non2xx"] + result["connect"] + result["read"] + result["write"] + result["timeout"],
        p50_ms=result["p50_us"] / 1000, p99_ms=result["p99_us"] / 1000,
        connections=connections, paced_at=rate,
    )
    return result
