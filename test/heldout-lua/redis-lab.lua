-- redis-lab.lua PORT: Debian's lua-redis (redis-lua 2.0.5-dev, over luasocket) against redis-server on
-- 127.0.0.1:PORT: plain commands, a pipeline, MULTI/EXEC through its transaction helper, WATCH with
-- the key changed from a second connection, an error reply, a binary value, HGETALL, ZRANGE
-- WITHSCORES, SCAN, and SUBSCRIBE/PSUBSCRIBE with messages published from the second connection.
-- One JSON line per command or message (check.mjs).
local redis = require "redis"
local cjson = require "cjson"
local port = tonumber(arg[1])
local function log(t) io.stdout:write(cjson.encode(t), "\n"); io.stdout:flush() end

local c = redis.connect("127.0.0.1", port)
local other = redis.connect("127.0.0.1", port)
local n = 0
local function did(cmd, v) n = n + 1; log({ cmd = cmd, value = v }) end

did("PING", c:ping())
did("FLUSHDB", c:flushdb())
did("SET", c:set("lua:k", "value one"))
did("GET", c:get("lua:k"))
did("GET", c:get("lua:missing") or cjson.null)
did("INCR", c:incr("lua:n"))
did("INCRBY", c:incrby("lua:n", 41))
did("SET", c:set("lua:bin", "\0\1\2\255\254 bytes"))
did("GET", #c:get("lua:bin"))
did("DEL", c:del("lua:k", "lua:bin"))
did("HMSET", c:hmset("lua:h", { a = "1", b = "2" }))
did("HGETALL", c:hgetall("lua:h"))
did("ZADD", c:zadd("lua:z", 1.5, "one"))
did("ZADD", c:zadd("lua:z", 2.5, "two"))
did("ZRANGE", c:zrange("lua:z", 0, -1, "withscores"))
did("RPUSH", c:rpush("lua:l", "x", "y", "z"))
did("LRANGE", c:lrange("lua:l", 0, -1))
local ok, err = pcall(c.lpush, c, "lua:h", "wrong")
did("LPUSH", ok and "?" or tostring(err))
-- a pipeline: the commands go in one write, the replies are read after
-- (redis-lua's pipeline fails on Lua 5.2 after writing nothing: table.insert at a position past the end)
local pok, replies = pcall(c.pipeline, c, function(p)
  for i = 1, 10 do p:set("lua:p:" .. i, tostring(i)) end
  for i = 1, 10 do p:get("lua:p:" .. i) end
  p:mget("lua:p:1", "lua:p:2", "lua:nothing")
end)
log({ cmd = "pipeline", ok = pok, count = pok and #replies or nil, err = not pok and tostring(replies) or nil })
-- MULTI/EXEC
local tok, tx = pcall(c.transaction, c, function(t)
  t:set("lua:t", "in tx")
  t:incr("lua:n")
  t:get("lua:t")
end)
log({ cmd = "transaction", ok = tok, count = tok and #tx or nil, err = not tok and tostring(tx) or nil })
-- WATCH, the key changed from the other connection: EXEC answers nil
local ok2, e2 = pcall(function()
  return c:transaction({ watch = "lua:w", cas = true }, function(t)
    other:set("lua:w", "changed")
    t:multi()
    t:set("lua:w", "mine")
  end)
end)
log({ cmd = "watch", ok = ok2, err = e2 and tostring(e2) or nil })
-- SCAN
local cursor, keys = "0", 0
repeat
  local r = c:scan(cursor, { count = 5 })
  cursor = r[1]; keys = keys + #r[2]
  log({ cmd = "SCAN", cursor = cursor })
until cursor == "0"
log({ cmd = "scanned", keys = keys })
-- pub/sub: three messages published from the other connection while subscribed
local got = 0
for msg, abort in c:pubsub({ subscribe = { "lua:news" }, psubscribe = { "lua:ev.*" } }) do
  log({ cmd = "pubsub", kind = msg.kind, channel = msg.channel, payload = msg.payload })
  if msg.kind == "psubscribe" then
    other:publish("lua:news", "first")
    other:publish("lua:ev.one", "second")
    other:publish("lua:news", "third")
  elseif msg.kind == "message" or msg.kind == "pmessage" then
    got = got + 1
    if got == 3 then abort() end
  end
end
log({ cmd = "messages", count = got })
did("QUIT", c:quit())
other:quit()
