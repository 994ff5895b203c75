-- wrk: three requests written at once on each connection (RFC 9112 §9.3.2 pipelining), a 204 among them
init = function(args)
  local r = {}
  r[1] = wrk.format("GET", "/index.html")
  r[2] = wrk.format("GET", "/empty")
  r[3] = wrk.format("GET", "/data.json")
  req = table.concat(r)
end
request = function() return req end
