# em-http-request 1.1 (EventMachine's own HTTP/1.1 client, Debian ruby-em-http-request) against the
# Sinatra app of http.rb served by thin (EventMachine too): keep-alive, pipelining, a chunked
# answer read as a stream, gzip, a POST with a body, a 404, a redirect followed, HEAD.
# Usage: ruby em-http.rb PORT — stops by itself. Logs one line per request.
require 'em-http'
require 'thin'
require 'json'
$stdout.sync = true
load File.join(__dir__, 'http-app.rb')
port = Integer(ARGV[0] || 22290)
Thin::Logging.silent = true
def log(what, h) = puts("em-http #{what} => #{h.response_header.status} #{h.response.bytesize}B #{h.response_header['CONTENT_ENCODING']}".rstrip)

EM.run do
  Thin::Server.new('127.0.0.1', port, Lab).start
  base = "http://127.0.0.1:#{port}"
  conn = EventMachine::HttpRequest.new(base)
  EM.add_timer(0.3) do
    # keep-alive: requests one after the other on one connection
    a = conn.get(path: '/items/1', keepalive: true)
    a.callback do
      log('GET /items/1', a)
      b = conn.post(path: '/items', body: { name: 'em', qty: 1 }.to_json, head: { 'content-type' => 'application/json' }, keepalive: true)
      b.callback do
        log('POST /items', b)
        c = conn.get(path: '/gzip', head: { 'accept-encoding' => 'gzip' }, keepalive: true)
        c.callback do
          log('GET /gzip', c)
          d = conn.head(path: '/items/1', keepalive: true)
          d.callback do
            log('HEAD /items/1', d)
            e = conn.get(path: '/items/9', keepalive: false)
            e.callback { log('GET /items/9 (last on the connection)', e) }
          end
        end
      end
    end
    # pipelining: three requests written before any answer
    pconn = EventMachine::HttpRequest.new(base)
    ps = %w[/items/1?pipe=1 /empty /items/1?pipe=3].map { |p| [p, pconn.get(path: p, keepalive: true)] }
    ps.each { |p, r| r.callback { log("GET #{p} (pipelined)", r) }; r.errback { puts "em-http GET #{p} (pipelined) => error #{r.error}" } }
    # a chunked answer read as it comes
    s = EventMachine::HttpRequest.new("#{base}/stream").get
    n = 0
    s.stream { |chunk| n += chunk.bytesize }
    s.callback { puts "em-http GET /stream => #{s.response_header.status} #{n}B streamed" }
    # a redirect followed
    r = EventMachine::HttpRequest.new("#{base}/old").get(redirects: 2)
    r.callback { log('GET /old (2 redirects allowed)', r) }
  end
  EM.add_timer(3) { EM.stop }
end
