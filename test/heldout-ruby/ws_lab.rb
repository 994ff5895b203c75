# ws_lab.rb MODE ARGS: Debian's Ruby WebSocket libraries on both ends, each logging what it sent and got
# (one JSON line each: "sent"/"got"/"note"). Every server stops by itself after 60 s.
#   em-server PORT          em-websocket 0.5.1 echo server
#   driver-server PORT      websocket-driver 0.6.3 server over a TCPServer (a thread per connection)
#   faye-client URL         faye-websocket 0.11 client (EventMachine)
#   driver-client HOST PORT websocket-driver 0.6.3 client over a TCPSocket, with fragmented messages
#   faye-stomp URL          faye-websocket 0.11 speaking STOMP 1.2 (subprotocol v12.stomp) to RabbitMQ's Web-STOMP
# The servers echo text as text and binary as binary; "server-ping" makes them ping, "please-close" makes
# them close with 4000.
require "json"
require "timeout"
require "securerandom"
$stdout.sync = true
def log(kind, what, **more) = puts(JSON.generate({kind: kind, what: what, **more}))
def show(data) = data.is_a?(String) && data.encoding != Encoding::BINARY && data.bytesize <= 64 ? data : {bytes: data.bytesize}

mode = ARGV.shift
case mode
when "em-server"
  require "em-websocket"
  EM.run do
    EM.add_timer(60) { EM.stop }
    EM::WebSocket.run(host: "127.0.0.1", port: ARGV[0].to_i) do |ws|
      ws.onbinary do |msg|
        log("got", "binary", side: "em-server", data: show(msg))
        ws.send_binary(msg); log("sent", "binary", side: "em-server", data: show(msg))
      end
      ws.onmessage do |msg|
        log("got", "text", side: "em-server", data: show(msg))
        if msg == "please-close"
          ws.close(4000, "bye from em-websocket"); log("sent", "close", side: "em-server", code: 4000)
        elsif msg == "server-ping"
          ws.ping("em-ping"); log("sent", "ping", side: "em-server")
          ws.send("pinged"); log("sent", "text", side: "em-server", data: "pinged")
        else
          ws.send(msg); log("sent", "text", side: "em-server", data: show(msg))
        end
      end
      ws.onpong { |d| log("got", "pong", side: "em-server", data: d) }
      ws.onping { |d| log("got", "ping", side: "em-server", data: d) }
      ws.onclose { |e| log("got", "close", side: "em-server", code: e && e[:code]) }
    end
  end
when "driver-server"
  require "socket"
  require "websocket/driver"
  Thread.new { sleep 60; exit! 0 }
  server = TCPServer.new("127.0.0.1", ARGV[0].to_i)
  Conn = Struct.new(:io, :url) do
    def write(data) = io.write(data)
  end
  loop do
    io = server.accept
    Thread.new(io) do |sock|
      conn = Conn.new(sock, "ws://127.0.0.1/")
      d = WebSocket::Driver.server(conn)
      d.on(:connect) { d.start if WebSocket::Driver.websocket?(d.env) }
      d.on(:message) do |e|
        data = e.data
        binary = data.is_a?(Array)
        data = data.pack("C*") if binary
        log("got", binary ? "binary" : "text", side: "driver-server", data: show(data))
        if data == "please-close"
          d.close("bye from websocket-driver", 4000); log("sent", "close", side: "driver-server", code: 4000)
        elsif data == "server-ping"
          d.ping("driver-ping") { log("got", "pong", side: "driver-server") }; log("sent", "ping", side: "driver-server")
          d.text("pinged"); log("sent", "text", side: "driver-server", data: "pinged")
        elsif binary
          d.binary(data.bytes); log("sent", "binary", side: "driver-server", data: show(data))
        else
          d.text(data); log("sent", "text", side: "driver-server", data: show(data))
        end
      end
      d.on(:ping) { |e| log("got", "ping", side: "driver-server", data: e.data) }
      d.on(:close) { |e| log("got", "close", side: "driver-server", code: e.code); sock.close rescue nil }
      begin
        while (chunk = sock.readpartial(65536))
          d.parse(chunk)
        end
      rescue EOFError, IOError, Errno::ECONNRESET
      end
    end
  end
when "faye-client"
  require "faye/websocket"
  require "eventmachine"
  url = ARGV[0]
  EM.run do
    EM.add_timer(20) { log("note", "timeout"); EM.stop }
    ws = Faye::WebSocket::Client.new(url, nil, ping: nil)
    big = "x" * 70_000
    script = [
      -> { ws.send("hello from faye"); log("sent", "text", side: "faye", data: "hello from faye") },
      -> { j = JSON.generate({op: "add", args: [2, 3]}); ws.send(j); log("sent", "text", side: "faye", data: j) },
      -> { b = (0..255).to_a; ws.send(b); log("sent", "binary", side: "faye", data: {bytes: b.size}) },
      -> { ws.send(big); log("sent", "text", side: "faye", data: {bytes: big.bytesize}) },
      -> { ws.send("é ü 漢字 🙂"); log("sent", "text", side: "faye", data: "é ü 漢字 🙂") },
      -> { ws.ping("faye-ping") { log("got", "pong", side: "faye") }; log("sent", "ping", side: "faye"); ws.send("server-ping"); log("sent", "text", side: "faye", data: "server-ping") },
      -> { ws.send("please-close"); log("sent", "text", side: "faye", data: "please-close") },
    ]
    step = lambda { (s = script.shift) && s.call }
    ws.on(:open) { log("note", "open", side: "faye", protocol: ws.protocol); step.call }
    ws.on(:message) do |e|
      log("got", e.data.is_a?(Array) ? "binary" : "text", side: "faye", data: e.data.is_a?(Array) ? {bytes: e.data.size} : show(e.data))
      step.call
    end
    ws.on(:close) { |e| log("got", "close", side: "faye", code: e.code, reason: e.reason); EM.stop }
  end
when "faye-stomp"
  require "faye/websocket"
  require "eventmachine"
  frame = ->(cmd, headers = {}, body = "") { "#{cmd}\n#{headers.map { |k, v| "#{k}:#{v}\n" }.join}\n#{body}\0" }
  EM.run do
    EM.add_timer(20) { log("note", "timeout"); EM.stop }
    ws = Faye::WebSocket::Client.new(ARGV[0], ["v12.stomp"], ping: nil)
    sent = lambda do |cmd, headers = {}, body = ""|
      ws.send(frame.call(cmd, headers, body)); log("sent", cmd, side: "faye-stomp", headers: headers.reject { |k, _| k == "passcode" }, body: body)
    end
    got_messages = 0
    ws.on(:open) { log("note", "open", side: "faye-stomp", protocol: ws.protocol); sent.call("CONNECT", {"accept-version" => "1.2", "host" => "/", "login" => "guest", "passcode" => "guest", "heart-beat" => "0,0"}) }
    ws.on(:message) do |e|
      e.data.split("\0").each do |f|
        f = f.sub(/\A\n+/, "")
        next if f.empty?
        cmd, rest = f.split("\n", 2)
        hdrs, body = rest.to_s.split("\n\n", 2)
        h = hdrs.to_s.split("\n").to_h { |l| l.split(":", 2) }
        log("got", cmd, side: "faye-stomp", headers: h.slice("receipt-id", "message", "destination", "ack"), body: body)
        case cmd
        when "CONNECTED"
          sent.call("SUBSCRIBE", {"id" => "ws-1", "destination" => "/queue/hr.webstomp", "ack" => "client-individual", "receipt" => "ws-sub"})
        when "RECEIPT"
          if h["receipt-id"] == "ws-sub"
            3.times { |i| sent.call("SEND", {"destination" => "/queue/hr.webstomp", "content-type" => "application/json", "receipt" => "ws-send-#{i}"}, JSON.generate({n: i})) }
          elsif h["receipt-id"] == "ws-bye"
            ws.close
          end
        when "MESSAGE"
          got_messages += 1
          got_messages == 2 ? sent.call("NACK", {"id" => h["ack"]}) : sent.call("ACK", {"id" => h["ack"]})
          sent.call("DISCONNECT", {"receipt" => "ws-bye"}) if got_messages == 3
        end
      end
    end
    ws.on(:close) { |e| log("got", "close", side: "faye-stomp", code: e.code); EM.stop }
  end
when "driver-client"
  require "socket"
  require "websocket/driver"
  host, port = ARGV[0], ARGV[1].to_i
  sock = TCPSocket.new(host, port)
  Conn = Struct.new(:io, :url) do
    def write(data) = io.write(data)
  end
  d = WebSocket::Driver.client(Conn.new(sock, "ws://#{host}:#{port}/chat"))
  d.set_header("X-Lab", "heldout-ruby")
  got = Queue.new
  d.on(:open) { log("note", "open", side: "driver-client"); got << :open }
  d.on(:message) do |e|
    data = e.data.is_a?(Array) ? e.data.pack("C*") : e.data
    log("got", e.data.is_a?(Array) ? "binary" : "text", side: "driver-client", data: show(data)); got << data
  end
  d.on(:close) { |e| log("got", "close", side: "driver-client", code: e.code, reason: e.reason); got << :closed }
  # A message in several frames through the driver's own frame writer (it has no public API for fragments).
  frag = lambda do |parts, opcode|
    parts.each_with_index do |p, i|
      f = WebSocket::Driver::Hybi::Frame.new
      f.final = i == parts.size - 1; f.rsv1 = f.rsv2 = f.rsv3 = false
      f.opcode = i.zero? ? opcode : 0
      f.masked = true; f.masking_key = SecureRandom.random_bytes(4)
      f.payload = p.b; f.length = f.payload.bytesize
      d.send(:send_frame, f)
      if i == 0 && parts.size > 2
        d.ping("between-fragments"); log("sent", "ping", side: "driver-client", note: "between fragments")
      end
    end
  end
  # start before the reader thread: the driver is not thread-safe, and a server that answers at once would have
  # the reader open the connection before start marks it as connecting (the first message then waits forever)
  d.start
  Thread.new { begin; while (c = sock.readpartial(65536)); d.parse(c); end; rescue EOFError, IOError; end }
  Timeout.timeout(20) do
    got.pop
    d.text("plain text"); log("sent", "text", side: "driver-client", data: "plain text"); got.pop
    frag.call(["frag", "mented ", "text"], 1); log("sent", "text", side: "driver-client", data: "fragmented text", fragments: 3); got.pop
    frag.call(["\x00\x01".b, "\x02\x03".b], 2); log("sent", "binary", side: "driver-client", data: {bytes: 4}, fragments: 2); got.pop
    d.ping("client-ping") { log("got", "pong", side: "driver-client") }; log("sent", "ping", side: "driver-client")
    d.text("server-ping"); log("sent", "text", side: "driver-client", data: "server-ping"); got.pop
    d.close("client done", 4001); log("sent", "close", side: "driver-client", code: 4001)
    got.pop
  end
  sleep 0.2
  sock.close rescue nil
end
