# HTTP/1.1 round: a Sinatra app (JSON API, chunked streaming, server-sent events, HEAD, 204/304,
# redirects, gzip, multipart, msgpack, 100-continue) served by puma, thin and WEBrick, called by
# net/http (keep-alive), net-http-persistent, httpclient, faraday and excon.
# Usage: ruby http.rb SERVER PORT   (SERVER: puma | thin | webrick | puma-limits: keep-alive closed
# after 1 s idle, with only the idle/Connection: close clients). The server runs in a thread of
# this process and stops when the clients are done. Logs one line per request: client, method,
# path, status, body bytes (and what it checked).
require 'sinatra/base'
require 'json'
require 'zlib'
require 'stringio'
require 'msgpack'
require 'net/http'
require 'net/http/persistent'
require 'httpclient'
require 'faraday'
require 'excon'

load File.join(__dir__, 'http-app.rb')

$stdout.sync = true
server, port = ARGV[0], Integer(ARGV[1] || 22240)
th = Thread.new do
  case server
  when 'puma'
    require 'rack/handler/puma'
    Rack::Handler::Puma.run(Lab, Host: '127.0.0.1', Port: port, Silent: true, Threads: '1:4')
  when 'puma-limits'
    # keep-alive limits: an idle keep-alive connection closed after 1 s
    require 'puma'
    require 'puma/server'
    ps = Puma::Server.new(Lab, Puma::Events.strings, persistent_timeout: 1, min_threads: 1, max_threads: 2)
    ps.add_tcp_listener('127.0.0.1', port)
    ps.run.join
  when 'thin'
    require 'thin'
    Thin::Logging.silent = true
    Thin::Server.new('127.0.0.1', port, Lab).start
  when 'webrick'
    require 'rack/handler/webrick'
    Rack::Handler::WEBrick.run(Lab, Host: '127.0.0.1', Port: port, Logger: WEBrick::Log.new('/dev/null'), AccessLog: [])
  end
end
40.times { break if (TCPSocket.new('127.0.0.1', port).close rescue nil) == nil && (sleep 0.05; false) == false rescue sleep(0.1) }
sleep 0.5
base = "http://127.0.0.1:#{port}"
def log(client, what, status, body, extra = '') = puts("#{client} #{what} => #{status} #{body.to_s.bytesize}B #{extra}".rstrip)
def try(client, what)
  yield
rescue StandardError => e
  puts "#{client} #{what} => #{e.class}: #{e.message[0, 120]}"
end

if server == 'puma-limits'
  # net/http keeps an idle connection 2 s (keep_alive_timeout): the server closed it after 1 s,
  # so the next GET goes out on a closed connection and net/http retries it on a new one
  Net::HTTP.start('127.0.0.1', port) do |h|
    try('net/http', 'idle') do
      r = h.get('/items/1?idle=0'); log('net/http', 'GET /items/1?idle=0', r.code, r.body)
      sleep 1.5
      r = h.get('/items/1?idle=1.5'); log('net/http', 'GET /items/1?idle=1.5 (after the server closed)', r.code, r.body)
      r = h.get('/items/1?close', 'Connection' => 'close'); log('net/http', 'GET /items/1?close (Connection: close)', r.code, r.body)
      r = h.get('/items/1?after-close'); log('net/http', 'GET /items/1?after-close (reconnects)', r.code, r.body)
    end
  end
  try('excon', 'idle') do
    e = Excon.new(base, persistent: true)
    r = e.get(path: '/items/1?excon=0'); log('excon', 'GET /items/1?excon=0', r.status, r.body)
    sleep 1.5
    r = e.get(path: '/items/1?excon=1.5', idempotent: true, retry_limit: 2); log('excon', 'GET /items/1?excon=1.5 (idempotent, retried)', r.status, r.body)
    r = e.post(path: '/items', body: '{"name":"x"}', headers: { 'Content-Type' => 'application/json' }); log('excon', 'POST /items', r.status, r.body)
    sleep 1.5
    r = e.post(path: '/items', body: '{"name":"y"}', headers: { 'Content-Type' => 'application/json' }); log('excon', 'POST /items after idle', r.status, r.body)
  end
  sleep 0.3
  exit!(0)
end

# net/http, one keep-alive connection for everything
Net::HTTP.start('127.0.0.1', port) do |h|
  c = 'net/http'
  %w[/items/1 /items/9 /empty /old /moved /boom /gzip /big].each do |p|
    try(c, "GET #{p}") { r = h.get(p); log(c, "GET #{p}", r.code, r.body, r['content-encoding'].to_s) }
  end
  try(c, 'HEAD /items/1') { r = h.head('/items/1'); log(c, 'HEAD /items/1', r.code, r.body, "len=#{r['content-length']}") }
  try(c, 'GET /cached') do
    r = h.get('/cached'); log(c, 'GET /cached', r.code, r.body, r['etag'])
    r = h.get('/cached', 'If-None-Match' => r['etag']); log(c, 'GET /cached If-None-Match', r.code, r.body)
  end
  try(c, 'POST /items') { r = h.post('/items', { name: 'new', qty: 3 }.to_json, 'Content-Type' => 'application/json'); log(c, 'POST /items', r.code, r.body) }
  try(c, 'POST /items bad') { r = h.post('/items', '{nope', 'Content-Type' => 'application/json'); log(c, 'POST /items bad json', r.code, r.body) }
  try(c, 'GET /stream') do
    n = 0; h.request_get('/stream') { |r| r.read_body { |ch| n += ch.bytesize }; log(c, 'GET /stream', r.code, 'x' * n, r['transfer-encoding'].to_s) }
  end
  try(c, 'GET /events') { r = h.get('/events'); log(c, 'GET /events', r.code, r.body) }
  try(c, 'PUT chunked') do
    req = Net::HTTP::Put.new('/upload/raw', 'Transfer-Encoding' => 'chunked', 'Content-Type' => 'application/octet-stream')
    req.body_stream = StringIO.new('c' * 70_000)
    r = h.request(req); log(c, 'PUT /upload/raw chunked', r.code, r.body, r.body)
  end
  try(c, 'PUT 100-continue') do
    h.continue_timeout = 1
    req = Net::HTTP::Put.new('/upload/raw', 'Expect' => '100-continue', 'Content-Type' => 'text/plain')
    req.body = 'e' * 5000
    r = h.request(req); log(c, 'PUT /upload/raw Expect: 100-continue', r.code, r.body, r.body)
  end
  try(c, 'POST /mp') do
    r = h.post('/mp', { 'a' => [1, 2.5, nil, true], 's' => 'ü' }.to_msgpack, 'Content-Type' => 'application/msgpack')
    log(c, 'POST /mp msgpack', r.code, r.body, MessagePack.unpack(r.body).inspect)
  end
  12.times { |i| try(c, "GET keepalive #{i}") { r = h.get("/items/1?k=#{i}"); log(c, "GET /items/1?k=#{i}", r.code, r.body) } }
end

# net-http-persistent
try('persistent', 'all') do
  hp = Net::HTTP::Persistent.new(name: 'lab')
  3.times { |i| r = hp.request(URI("#{base}/items/1?p=#{i}")); log('persistent', "GET /items/1?p=#{i}", r.code, r.body) }
  post = Net::HTTP::Post.new('/items'); post.body = '{"name":"p"}'; post['Content-Type'] = 'application/json'
  r = hp.request(URI("#{base}/items"), post); log('persistent', 'POST /items', r.code, r.body)
  hp.shutdown
end

# httpclient (keep-alive by default, multipart, gzip with transparent_gzip_decompression)
try('httpclient', 'all') do
  hc = HTTPClient.new
  hc.transparent_gzip_decompression = true
  r = hc.get("#{base}/items/1"); log('httpclient', 'GET /items/1', r.status, r.body)
  r = hc.get("#{base}/gzip"); log('httpclient', 'GET /gzip', r.status, r.body)
  r = hc.post("#{base}/upload/form", body: { 'name' => 'doc', 'file' => StringIO.new("line1\nline2\n\x00\x01".b).tap { |s| def s.path = 'notes.bin' } })
  log('httpclient', 'POST /upload/form multipart', r.status, r.body, r.body)
  r = hc.post("#{base}/items", body: '{"name":"hc"}', header: { 'Content-Type' => 'application/json' }); log('httpclient', 'POST /items', r.status, r.body)
  r = hc.head("#{base}/items/1"); log('httpclient', 'HEAD /items/1', r.status, r.body)
  r = hc.get("#{base}/empty"); log('httpclient', 'GET /empty', r.status, r.body)
  r = hc.get("#{base}/old", follow_redirect: true); log('httpclient', 'GET /old (follow)', r.status, r.body)
  r = hc.put("#{base}/upload/raw", body: StringIO.new('s' * 20_000)); log('httpclient', 'PUT /upload/raw (IO body)', r.status, r.body, r.body)
  r = hc.get("#{base}/events"); log('httpclient', 'GET /events', r.status, r.body)
end

# faraday (net_http adapter)
try('faraday', 'all') do
  f = Faraday.new(url: base)
  r = f.get('/items/1'); log('faraday', 'GET /items/1', r.status, r.body)
  r = f.post('/items', '{"name":"f"}', 'Content-Type' => 'application/json'); log('faraday', 'POST /items', r.status, r.body)
  r = f.get('/items/77'); log('faraday', 'GET /items/77', r.status, r.body)
  r = f.delete('/items/1'); log('faraday', 'DELETE /items/1', r.status, r.body)
  r = f.get('/stream'); log('faraday', 'GET /stream', r.status, r.body)
end

# excon (persistent connection, pipelined requests, chunked request body via request_block)
try('excon', 'all') do
  e = Excon.new(base, persistent: true)
  r = e.get(path: '/items/1'); log('excon', 'GET /items/1', r.status, r.body)
  r = e.head(path: '/items/1'); log('excon', 'HEAD /items/1', r.status, r.body)
  r = e.get(path: '/cached', headers: { 'If-None-Match' => '"v1"' }); log('excon', 'GET /cached If-None-Match', r.status, r.body)
  chunks = ['a' * 1000, 'b' * 1000, 'c' * 10, '']
  r = e.put(path: '/upload/raw', request_block: -> { chunks.shift.to_s }); log('excon', 'PUT /upload/raw chunked (request_block)', r.status, r.body, r.body)
  rs = e.requests([{ method: :get, path: '/items/1?pipe=1' }, { method: :get, path: '/items/9?pipe=2' }, { method: :get, path: '/empty' }])
  rs.each_with_index { |x, i| log('excon', "GET pipelined #{i}", x.status, x.body) }
  r = e.get(path: '/stream'); log('excon', 'GET /stream', r.status, r.body)
  r = e.get(path: '/gzip'); log('excon', 'GET /gzip (raw)', r.status, r.body)
  e.reset
end
sleep 0.3
case server
when 'puma' then Thread.list.each { |t| t.kill unless t == Thread.current }
when 'thin' then EM.stop rescue nil
when 'webrick' then Rack::Handler::WEBrick.shutdown
end
th.join(2)
exit!(0)
