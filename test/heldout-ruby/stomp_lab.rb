# stomp_lab.rb PORT [VERSION]: Debian's ruby-stomp (Stomp::Connection) against RabbitMQ's STOMP plugin
# (rabbit.sh). Logs what it sent and got, one JSON line each ("sent"/"got"/"note").
require "stomp"
require "json"
require "timeout"
$stdout.sync = true
def log(kind, what, **more) = puts(JSON.generate({kind: kind, what: what, **more}))

port = (ARGV[0] || 22613).to_i
version = ARGV[1] || "1.2"
def connect(port, version, extra = {})
  Stomp::Connection.new({
    hosts: [{login: "guest", passcode: "guest", host: "127.0.0.1", port: port}],
    connect_headers: {"accept-version" => version, "host" => "/", "heart-beat" => "0,0"}.merge(extra),
    reliable: false, connect_timeout: 5, max_reconnect_attempts: 0,
  })
end
def next_frame(conn, secs = 3) = Timeout.timeout(secs) { conn.receive }

conn = connect(port, version)
log("got", "CONNECTED", version: conn.protocol, server: conn.connection_frame.headers["server"])
q = "/queue/hr.stomp.#{version}"
sub_ack = version == "1.0" ? "client" : "client-individual"

# SEND with receipts, SUBSCRIBE, MESSAGE, ACK / NACK
conn.subscribe(q, {ack: sub_ack, id: "s1", receipt: "sub-1"})
f = next_frame(conn); log("got", f.command, receipt: f.headers["receipt-id"])
6.times do |i|
  conn.publish(q, "msg-#{i}", {"content-type" => "text/plain", receipt: "send-#{i}", "x-n" => i.to_s})
  log("sent", "SEND", destination: q, body: "msg-#{i}", receipt: "send-#{i}")
end
got = 0
while got < 6 + 6
  f = next_frame(conn)
  if f.command == "MESSAGE"
    got += 1
    log("got", "MESSAGE", body: f.body, redelivered: f.headers["redelivered"])
    id = version == "1.2" ? f.headers["ack"] : f.headers["message-id"]
    n = f.body.split("-").last.to_i
    if n.even? || version == "1.0"
      conn.ack(id, {subscription: "s1"}); log("sent", "ACK", body: f.body)
    else
      conn.nack(id, {subscription: "s1", requeue: "false"}); log("sent", "NACK", body: f.body)
    end
  else
    got += 1
    log("got", f.command, receipt: f.headers["receipt-id"])
  end
end

# transactions: BEGIN / SEND / COMMIT, BEGIN / SEND / ABORT
conn.begin("tx-1"); log("sent", "BEGIN", transaction: "tx-1")
2.times { |i| conn.publish(q, "tx1-#{i}", {transaction: "tx-1"}); log("sent", "SEND", destination: q, body: "tx1-#{i}", transaction: "tx-1") }
conn.commit("tx-1", {receipt: "commit-1"}); log("sent", "COMMIT", transaction: "tx-1")
conn.begin("tx-2"); log("sent", "BEGIN", transaction: "tx-2")
conn.publish(q, "tx2-0", {transaction: "tx-2"}); log("sent", "SEND", destination: q, body: "tx2-0", transaction: "tx-2")
conn.abort("tx-2", {receipt: "abort-2"}); log("sent", "ABORT", transaction: "tx-2")
seen = 0
while seen < 4
  f = next_frame(conn)
  seen += 1
  if f.command == "MESSAGE"
    log("got", "MESSAGE", body: f.body)
    conn.ack(version == "1.2" ? f.headers["ack"] : f.headers["message-id"], {subscription: "s1"}); log("sent", "ACK", body: f.body)
  else
    log("got", f.command, receipt: f.headers["receipt-id"])
  end
end

# topic: SEND to /topic with a second subscription (auto ack)
conn.subscribe("/topic/hr.news", {id: "s2"})
sleep 0.2
conn.publish("/topic/hr.news", "headline", {"content-type" => "text/plain"}); log("sent", "SEND", destination: "/topic/hr.news", body: "headline")
f = next_frame(conn); log("got", f.command, body: f.body)
conn.unsubscribe("/topic/hr.news", {id: "s2"})
conn.unsubscribe(q, {id: "s1"})
conn.disconnect(receipt: "bye")
log("got", "RECEIPT", receipt: "bye")

# ERROR: SEND to a destination RabbitMQ does not accept
bad = connect(port, version)
bad.publish("/nonsense/x", "nowhere"); log("sent", "SEND", destination: "/nonsense/x", body: "nowhere")
begin
  f = next_frame(bad)
  log("got", f&.command || "EOF", message: f&.headers&.fetch("message", nil))
rescue Timeout::Error, StandardError => e
  log("note", "error", error: e.class.name)
end
bad.disconnect rescue nil

# ERROR for a SUBSCRIBE: RabbitMQ refuses subscriptions to /temp-queue/ (they exist only as reply-to)
bad = connect(port, version)
bad.subscribe("/temp-queue/hr.replies", {id: "t1"}); log("sent", "SUBSCRIBE", destination: "/temp-queue/hr.replies")
begin
  f = next_frame(bad)
  log("got", f&.command || "EOF", message: f&.headers&.fetch("message", nil))
rescue Timeout::Error, StandardError => e
  log("note", "error", error: e.class.name)
end
bad.disconnect rescue nil
log("note", "done")
