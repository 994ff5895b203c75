-- lua-lab.lua MODE PORT: lua-http 0.4 (cqueues) server and client in one process on 127.0.0.1:PORT.
-- MODE h2: HTTP/2 by prior knowledge; h1: HTTP/1.1 keep-alive; ws: WebSocket; serve: the server alone. One JSON line per call or
-- message on stdout ({"side":"client"|"server", ...}) for check.mjs. Stops by itself (deadline 20 s).
local cqueues = require "cqueues"
local http_server = require "http.server"
local http_client = require "http.client"
local http_headers = require "http.headers"
local h2_error = require "http.h2_error"
local websocket = require "http.websocket"
local cjson = require "cjson"

local mode, port = arg[1], tonumber(arg[2])
local function log(t) io.stdout:write(cjson.encode(t), "\n"); io.stdout:flush() end
local cq = cqueues.new()

-- header tables in a fixed order (pairs() order changes from run to run, and with it which HPACK
-- indexes lua-http writes: see the README on index 63)
local function sorted(t)
  local ks = {}
  for k in pairs(t or {}) do ks[#ks + 1] = k end
  table.sort(ks)
  local i = 0
  return function() i = i + 1; if ks[i] then return ks[i], t[ks[i]] end end
end

local function rep(c, n) return string.rep(c, n) end
local function big(n) -- not compressible into a repeated byte: digits of a counter
  local t, i = {}, 0
  while #t < n / 8 do i = i + 1; t[#t + 1] = string.format("%07d\n", i) end
  return table.concat(t):sub(1, n)
end

local function respond(stream, status, body, extra, trailers)
  local h = http_headers.new()
  h:append(":status", tostring(status))
  h:append("content-type", "text/plain")
  for k, v in sorted(extra) do h:append(k, v) end
  if body == nil then assert(stream:write_headers(h, true)); return end
  assert(stream:write_headers(h, false))
  if trailers then
    assert(stream:write_chunk(body, false))
    local t = http_headers.new()
    for k, v in sorted(trailers) do t:append(k, v) end
    assert(stream:write_headers(t, true))
  else
    assert(stream:write_chunk(body, true))
  end
end

local function onstream(_, stream)
  local req = assert(stream:get_headers())
  local method, path = req:get(":method"), req:get(":path")
  if req:get("upgrade") == "websocket" then
    local ws = assert(websocket.new_from_stream(stream, req))
    assert(ws:accept({ protocols = { "chat.v1" } }))
    log({ side = "server", ws = "accept", path = path })
    while true do
      local data, opcode, code = ws:receive(5)
      if data == nil then log({ side = "server", ws = "closed", code = code }); break end
      log({ side = "server", ws = "recv", opcode = opcode, size = #data })
      if data == "bye" then
        ws:close(4001, "server says bye")
        break
      end
      if opcode == "text" then
        ws:send("echo:" .. data)
      else
        ws:send(data:reverse(), "binary")
      end
    end
    return
  end
  local body = ""
  if method == "POST" or method == "PUT" then body = assert(stream:get_body_as_string(10)) end
  log({ side = "server", method = method, path = path, size = #body, version = stream.connection.version })
  if path == "/small" then
    respond(stream, 200, "hello " .. (req:get("x-n") or ""))
  elseif path == "/big" then
    respond(stream, 200, big(300000))
  elseif path == "/echo" then
    respond(stream, 200, body, { ["x-got"] = tostring(#body) })
  elseif path == "/trailers" then
    respond(stream, 200, "with trailers", nil, { ["x-checksum"] = "abc123", ["x-status"] = "done" })
  elseif path == "/missing" then
    respond(stream, 404, "no such thing")
  elseif path == "/nocontent" then
    respond(stream, 204, nil)
  elseif path == "/chunked" then
    local h = http_headers.new()
    h:append(":status", "200"); h:append("content-type", "text/plain")
    assert(stream:write_headers(h, false))
    for i = 1, 5 do assert(stream:write_chunk("part " .. i .. "\n", false)); cqueues.sleep(0.02) end
    assert(stream:write_chunk("", true))
  elseif path == "/slow" then
    local h = http_headers.new()
    h:append(":status", "200")
    assert(stream:write_headers(h, false))
    for _ = 1, 20 do
      local ok = stream:write_chunk(rep("s", 1000), false, 1)
      if not ok then break end
      cqueues.sleep(0.05)
    end
    pcall(stream.write_chunk, stream, "", true, 1)
  elseif path == "/refuse" then
    stream:rst_stream(h2_error.errors.REFUSED_STREAM:new({ stream_error = true }))
  elseif path == "/push" then
    local ph = http_headers.new()
    ph:append(":method", "GET"); ph:append(":scheme", "http")
    ph:append(":authority", req:get(":authority")); ph:append(":path", "/pushed.css")
    local pushed = assert(stream:push_promise(ph))
    respond(stream, 200, "page with a push")
    respond(pushed, 200, "body{color:red}", { ["content-type"] = "text/css" })
  else
    respond(stream, 200, "ok")
  end
end

local server = assert(http_server.listen({
  host = "127.0.0.1", port = port, tls = false, onstream = onstream,
  onerror = function(_, context, op, err) log({ side = "server", error = tostring(err), context = tostring(context), op = op }) end,
}))
assert(server:listen())
cq:wrap(function() server:loop() end)

local function hdrs(method, path, extra)
  local h = http_headers.new()
  h:append(":method", method); h:append(":scheme", "http")
  h:append(":authority", "127.0.0.1:" .. port); h:append(":path", path)
  for k, v in sorted(extra) do h:append(k, v) end
  return h
end

local function call(conn, method, path, body, extra)
  local s = assert(conn:new_stream())
  assert(s:write_headers(hdrs(method, path, extra), body == nil))
  if body then assert(s:write_chunk(body, true)) end
  local h, err = s:get_headers(5)
  if not h then
    log({ side = "client", method = method, path = path, error = tostring(err) })
    return nil
  end
  local status = h:get(":status")
  local got = ""
  if status ~= "204" then got = s:get_body_as_string(5) or "" end
  local t = s:get_headers(1) -- trailers, if any
  local trailers
  if t then trailers = {}; for k, v in t:each() do trailers[k] = v end end
  log({ side = "client", method = method, path = path, status = tonumber(status), size = #got, id = s.id, trailers = trailers })
  return s, got
end

local function h2_client()
  local conn = assert(http_client.connect({ host = "127.0.0.1", port = port, version = 2,
    h2_settings = { HEADER_TABLE_SIZE = 1024, INITIAL_WINDOW_SIZE = 32768 } }))
  call(conn, "GET", "/small", nil, { ["x-n"] = "0" })
  call(conn, "GET", "/small", nil, { ["x-n"] = "00", ["x-same"] = "repeated value for hpack" })
  call(conn, "GET", "/big", nil, { ["x-n"] = "01", ["x-same"] = "repeated value for hpack" })
  call(conn, "POST", "/echo", big(200000), { ["content-type"] = "application/octet-stream" })
  call(conn, "PUT", "/echo", '{"a":1,"b":[true,null]}', { ["content-type"] = "application/json" })
  call(conn, "GET", "/trailers")
  call(conn, "GET", "/missing")
  call(conn, "GET", "/nocontent")
  call(conn, "GET", "/chunked")
  -- request trailers (RFC 9113 §8.1): HEADERS, DATA, HEADERS with END_STREAM
  do
    local s = assert(conn:new_stream())
    assert(s:write_headers(hdrs("POST", "/echo", { te = "trailers" }), false))
    assert(s:write_chunk("body before trailers", false))
    local t = http_headers.new(); t:append("x-request-checksum", "f00d")
    assert(s:write_headers(t, true))
    local h = assert(s:get_headers(5))
    local got = s:get_body_as_string(5) or ""
    log({ side = "client", method = "POST", path = "/echo", status = tonumber(h:get(":status")), size = #got, id = s.id, sentTrailers = true })
  end
  -- the server refuses a stream
  call(conn, "GET", "/refuse")
  -- the client resets a stream mid-response
  do
    local s = assert(conn:new_stream())
    assert(s:write_headers(hdrs("GET", "/slow"), true))
    local h = s:get_headers(5)
    local first = s:get_next_chunk(5)
    s:rst_stream(h2_error.errors.CANCEL:new({ stream_error = true }))
    log({ side = "client", method = "GET", path = "/slow", status = tonumber(h:get(":status")), reset = "CANCEL", size = first and #first or 0, id = s.id })
  end
  assert(conn:ping(3))
  log({ side = "client", ping = true })
  -- server push last: lua-http's client then fails the connection (GOAWAY PROTOCOL_ERROR, see README)
  call(conn, "GET", "/push")
  cqueues.sleep(0.3)
  conn:close() -- GOAWAY NO_ERROR
  log({ side = "client", goaway = true })
  -- a second connection: six streams opened at once from six coroutines (lua-http's HPACK encoder
  -- then writes header blocks the server cannot decode: COMPRESSION_ERROR, see README)
  conn = assert(http_client.connect({ host = "127.0.0.1", port = port, version = 2 }))
  local inner = cqueues.new()
  for i = 1, 6 do
    inner:wrap(function()
      call(conn, "GET", i % 2 == 0 and "/big" or "/small", nil, { ["x-n"] = tostring(i), ["x-same"] = "repeated value for hpack" })
    end)
  end
  inner:loop(5)
  conn:close()
  -- a third connection where lua-http's encoder must write HPACK index 63 with a 6-bit prefix: it writes
  -- 0x7f without the 0x00 that ends the integer (RFC 7541 §5.1), the server answers COMPRESSION_ERROR
  conn = assert(http_client.connect({ host = "127.0.0.1", port = port, version = 2 }))
  call(conn, "GET", "/small", nil, { ["x-a"] = "1", ["x-b"] = "2" })
  call(conn, "GET", "/small", nil, { ["x-a"] = "other" })
  pcall(conn.close, conn)
end
local function h1_client()
  local conn = assert(http_client.connect({ host = "127.0.0.1", port = port, version = 1.1 }))
  local function h1call(method, path, body, extra)
    local h = http_headers.new()
    h:append(":method", method); h:append(":scheme", "http")
    h:append(":authority", "127.0.0.1:" .. port); h:append(":path", path)
    for k, v in sorted(extra) do h:append(k, v) end
    local s = assert(conn:new_stream())
    assert(s:write_headers(h, body == nil))
    if body then assert(s:write_chunk(body, true)) end
    local rh = assert(s:get_headers(5))
    local status = rh:get(":status")
    local got = ""
    if status ~= "204" and method ~= "HEAD" then got = assert(s:get_body_as_string(5)) end
    log({ side = "client", method = method, path = path, status = tonumber(status), size = #got })
    s:shutdown()
  end
  h1call("GET", "/small", nil, { ["x-n"] = "1" })
  h1call("GET", "/big")
  h1call("POST", "/echo", big(150000), { ["content-type"] = "application/octet-stream" })
  h1call("GET", "/chunked")
  h1call("GET", "/trailers", nil, { te = "trailers" })
  h1call("GET", "/missing")
  h1call("GET", "/nocontent")
  -- a streamed (chunked) request body: no content-length
  do
    local h = http_headers.new()
    h:append(":method", "POST"); h:append(":scheme", "http")
    h:append(":authority", "127.0.0.1:" .. port); h:append(":path", "/echo")
    local s = assert(conn:new_stream())
    assert(s:write_headers(h, false))
    for i = 1, 4 do assert(s:write_chunk("piece " .. i .. ";", false)) end
    assert(s:write_chunk("", true))
    local rh = assert(s:get_headers(5))
    local got = assert(s:get_body_as_string(5))
    log({ side = "client", method = "POST", path = "/echo", status = tonumber(rh:get(":status")), size = #got })
  end
  -- HEAD last: lua-http's server writes the handler's body after the response to HEAD (see README)
  h1call("HEAD", "/small")
  conn:close()
end

local function ws_client()
  local ws = websocket.new_from_uri("ws://127.0.0.1:" .. port .. "/chat?room=1", { "chat.v1", "chat.v0" })
  assert(ws:connect(5))
  log({ side = "client", ws = "open", protocol = ws.protocol })
  local function exchange(data, opcode)
    assert(ws:send(data, opcode))
    log({ side = "client", ws = "send", opcode = opcode or "text", size = #data })
    local got, op = ws:receive(5)
    log({ side = "client", ws = "recv", opcode = op, size = #got })
  end
  exchange("hello")
  exchange(rep("x", 200)) -- 126-length form
  exchange(big(70000)) -- 127-length form
  exchange("\0\1\2\255", "binary")
  exchange("héllo wörld ✓")
  -- a fragmented text message: 3 frames, continuation opcode 0
  assert(ws:send_frame({ FIN = false, MASK = true, opcode = 0x1, data = "frag-one " }))
  assert(ws:send_frame({ FIN = false, MASK = true, opcode = 0x0, data = "frag-two " }))
  -- a ping in the middle of the fragmented message (RFC 6455 §5.4)
  assert(ws:send_ping("mid"))
  assert(ws:send_frame({ FIN = true, MASK = true, opcode = 0x0, data = "frag-three" }))
  log({ side = "client", ws = "send", opcode = "text", size = #"frag-one frag-two frag-three", fragments = 3 })
  local got, op = ws:receive(5)
  log({ side = "client", ws = "recv", opcode = op, size = #got })
  assert(ws:send_ping("are you there"))
  log({ side = "client", ws = "ping" })
  -- the server closes with 4001
  assert(ws:send("bye"))
  log({ side = "client", ws = "send", opcode = "text", size = 3 })
  local d, _, code = ws:receive(5)
  log({ side = "client", ws = "closed", code = code, data = d })
  -- a second connection the client closes with 1001
  local ws2 = websocket.new_from_uri("ws://127.0.0.1:" .. port .. "/second")
  assert(ws2:connect(5))
  assert(ws2:send("one"))
  ws2:receive(5)
  ws2:close(1001, "going away")
  log({ side = "client", ws = "close", code = 1001 })
end

-- MODE serve: the server alone for 8 s (run.sh drives it with curl and nghttp)
local function serve() cqueues.sleep(8) end

cq:wrap(function()
  local ok, err = pcall(({ h2 = h2_client, h1 = h1_client, ws = ws_client, serve = serve })[mode])
  if not ok then log({ side = "client", error = tostring(err) }) end
  cqueues.sleep(0.3)
  server:close()
end)
local deadline = cqueues.monotime() + 20
while not cq:empty() and cqueues.monotime() < deadline do
  local ok, err = cq:step(0.5)
  if not ok then log({ side = "loop", error = tostring(err) }) end
end
