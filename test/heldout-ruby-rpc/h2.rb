# Two pure-Ruby HTTP/2 stacks over h2c (prior knowledge): async-http 0.59 (protocol-http2 0.14,
# protocol-hpack 1.4) server and client, and the http-2 0.11 gem (its own HPACK) as a client of
# that server and as a server for the async-http client.
# Usage: ruby h2.rb PORT — async-http server on PORT, http-2 server on PORT+1; stops by itself.
# Logs one line per request: stack, method, path, status, body bytes, what else it checked.
require 'async'
require 'async/http/server'
require 'async/http/client'
require 'async/http/endpoint'
require 'protocol/http/response'
require 'async/http/body/writable'
require 'http/2'
require 'socket'
require 'json'
$stdout.sync = true
port = Integer(ARGV[0] || 22250)

def log(stack, what, status, body, extra = '') = puts("#{stack} #{what} => #{status} #{body.to_s.bytesize}B #{extra}".rstrip)

app = lambda do |req|
  case req.path
  when %r{\A/json}
    Protocol::HTTP::Response[200, { 'content-type' => 'application/json', 'x-request-path' => req.path }, [{ path: req.path, ua: req.headers['user-agent'] }.to_json]]
  when '/echo'
    body = req.read.to_s
    Protocol::HTTP::Response[200, { 'content-type' => 'application/octet-stream' }, [body.bytesize.to_s]]
  when '/big'
    body = Async::HTTP::Body::Writable.new
    Async { 16.times { |i| body.write(i.to_s * 65_536) }; body.close }
    Protocol::HTTP::Response[200, { 'content-type' => 'text/plain' }, body]
  when '/slow'
    body = Async::HTTP::Body::Writable.new
    Async { 50.times { |i| body.write("tick #{i}\n"); sleep 0.05 }; body.close }
    Protocol::HTTP::Response[200, { 'content-type' => 'text/plain' }, body]
  when '/trailers'
    headers = Protocol::HTTP::Headers[[['content-type', 'text/plain']]]
    headers.trailer!
    body = Async::HTTP::Body::Writable.new
    Async { body.write('part one, '); body.write('part two'); headers.add('x-checksum', 'abc123'); body.close }
    Protocol::HTTP::Response[200, headers, body]
  when '/headers'
    h = { 'content-type' => 'text/plain' }
    rnd = Random.new(7) # values HPACK's Huffman code cannot shrink much: ~30 KB, past one 16 KB frame
    40.times { |i| h["x-big-#{i}"] = rnd.bytes(750).unpack1('H*') }
    Protocol::HTTP::Response[200, h, ['many headers']]
  else
    Protocol::HTTP::Response[404, { 'content-type' => 'text/plain' }, ['not found']]
  end
end

# http-2 gem server on PORT+1: one thread per connection, answers every stream with JSON
h2srv = TCPServer.new('127.0.0.1', port + 1)
Thread.new do
  loop do
    sock = h2srv.accept
    Thread.new do
      conn = HTTP2::Server.new
      conn.on(:frame) { |bytes| sock.write(bytes) rescue nil }
      conn.on(:stream) do |stream|
        req = {}
        buf = +''
        stream.on(:headers) { |h| req.merge!(h.to_h) }
        stream.on(:data) { |d| buf << d }
        stream.on(:half_close) do
          if req[':path'] == '/missing'
            stream.headers({ ':status' => '404', 'content-type' => 'text/plain' }, end_stream: false)
            stream.data('no such thing')
          else
            stream.headers({ ':status' => '200', 'content-type' => 'application/json', 'server' => 'http-2 gem' }, end_stream: false)
            stream.data({ path: req[':path'], method: req[':method'], got: buf.bytesize }.to_json)
          end
        end
      end
      begin
        while (data = sock.readpartial(65_536))
          conn << data
        end
      rescue EOFError, IOError, Errno::ECONNRESET
      ensure
        sock.close rescue nil
      end
    end
  end
rescue IOError
end

# http-2 gem as a client: requests on one connection, its own HPACK encoder (huffman :shorter)
def gem_client(port, requests)
  sock = TCPSocket.new('127.0.0.1', port)
  conn = HTTP2::Client.new
  conn.on(:frame) { |bytes| sock.write(bytes) }
  done = 0
  requests.each do |method, path, headers, body|
    st = conn.new_stream
    status = nil
    got = +''
    st.on(:headers) { |h| status ||= h.to_h[':status'] }
    st.on(:data) { |d| got << d }
    st.on(:close) { done += 1; log('http-2', "#{method} #{path}", status, got) }
    h = { ':scheme' => 'http', ':method' => method, ':authority' => "127.0.0.1:#{port}", ':path' => path }.merge(headers)
    if body
      st.headers(h, end_stream: false)
      body.each_with_index { |part, i| st.data(part, end_stream: i == body.size - 1) }
    else
      st.headers(h, end_stream: true)
    end
  end
  while done < requests.size && (data = sock.readpartial(65_536))
    conn << data
  end
  conn.goaway
  sleep 0.1
  sock.close
end

ep = Async::HTTP::Endpoint.parse("http://127.0.0.1:#{port}", protocol: Async::HTTP::Protocol::HTTP2)
Async do |task|
  server = Async::HTTP::Server.new(app, ep)
  st = task.async { server.run }
  c = Async::HTTP::Client.new(ep)
  r = c.get('/json/1', { 'user-agent' => 'async-http' }); log('async-http', 'GET /json/1', r.status, r.read)
  r = c.post('/echo', { 'content-type' => 'application/octet-stream' }, ['e' * 100_000]); log('async-http', 'POST /echo 100000', r.status, r.read, r.read.to_s)
  r = c.head('/json/2'); log('async-http', 'HEAD /json/2', r.status, r.read)
  r = c.get('/nope'); log('async-http', 'GET /nope', r.status, r.read)
  r = c.get('/big'); log('async-http', 'GET /big', r.status, r.read)
  r = c.get('/trailers'); b = r.read; log('async-http', 'GET /trailers', r.status, b, "trailer x-checksum=#{r.headers['x-checksum'].inspect}")
  r = c.get('/headers'); log('async-http', 'GET /headers', r.status, r.read, "#{r.headers.fields.size} header fields")
  # 20 concurrent streams on the one connection, each with a header the dynamic table keeps
  tasks = 20.times.map { |i| task.async { x = c.get("/json/c#{i}", { 'x-tenant' => "tenant-#{i % 4}", 'x-trace' => "trace-#{i}" }); [i, x.status, x.read] } }
  tasks.map(&:wait).each { |i, s, b| log('async-http', "GET /json/c#{i} (concurrent)", s, b) }
  # a response the client stops reading: the stream is reset (RST_STREAM)
  r = c.get('/slow'); first = r.body.read; r.close; log('async-http', 'GET /slow (closed after the first chunk)', r.status, first)
  r = c.get('/json/after-reset'); log('async-http', 'GET /json/after-reset', r.status, r.read)
  c.close
  # async-http client → http-2 gem server
  c2 = Async::HTTP::Client.new(Async::HTTP::Endpoint.parse("http://127.0.0.1:#{port + 1}", protocol: Async::HTTP::Protocol::HTTP2))
  r = c2.get('/from-async'); log('async-http→http-2', 'GET /from-async', r.status, r.read)
  r = c2.post('/from-async/post', { 'content-type' => 'text/plain' }, ['p' * 5000]); log('async-http→http-2', 'POST /from-async/post', r.status, r.read)
  r = c2.get('/missing'); log('async-http→http-2', 'GET /missing', r.status, r.read)
  c2.close
  # http-2 gem client → async-http server (its HPACK: Huffman where shorter, dynamic table)
  Thread.new do
    gem_client(port, [
      ['GET', '/json/gem-1', { 'user-agent' => 'http-2 gem', 'accept' => 'application/json' }, nil],
      ['GET', '/json/gem-2', { 'user-agent' => 'http-2 gem', 'accept' => 'application/json', 'cookie' => 'a=1; b=2; c=3' }, nil],
      ['POST', '/echo', { 'content-type' => 'text/plain', 'user-agent' => 'http-2 gem' }, ['first half ', 'second half']],
      ['GET', '/nope', { 'user-agent' => 'http-2 gem', 'x-unicode' => 'caf\u00e9'.b }, nil],
    ])
  end.join
  st.stop
end
h2srv.close
