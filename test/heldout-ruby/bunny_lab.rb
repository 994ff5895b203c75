# bunny_lab.rb PORT: Debian's ruby-bunny against RabbitMQ (rabbit.sh). Logs what it sent and got,
# one JSON line each, to stdout ("sent"/"got"/"note").
require "bunny"
require "json"
require "timeout"
$stdout.sync = true
def log(kind, what, **more) = puts(JSON.generate({kind: kind, what: what, **more}))

port = (ARGV[0] || 22672).to_i
conn = Bunny.new(host: "127.0.0.1", port: port, user: "guest", password: "guest",
                 connection_name: "bunny-lab", heartbeat: 0, logger: Logger.new(nil))
conn.start

# 1. publisher confirms on a durable queue, then basic.get
ch = conn.create_channel
ch.confirm_select
q = ch.queue("hr.confirm", durable: true)
q.purge
5.times do |i|
  body = "confirm-#{i}"
  ch.default_exchange.publish(body, routing_key: q.name, content_type: "text/plain", message_id: "m#{i}")
  log("sent", "publish", queue: q.name, body: body)
end
log("note", "confirms", ok: ch.wait_for_confirms)
3.times do
  info, props, body = q.pop(manual_ack: true)
  log("got", "get", queue: q.name, body: body, tag: info&.delivery_tag.to_i)
  ch.ack(info.delivery_tag) if info
end
# drain the rest with basic.get, then get-empty
loop do
  info, _, body = q.pop
  log("got", info ? "get" : "get-empty", queue: q.name, body: body)
  break unless info
end

# 2. consume with ack / nack(requeue false) / reject, prefetch 2
ch2 = conn.create_channel
ch2.prefetch(2)
dead = ch2.queue("hr.dead", auto_delete: false)
dead.purge
cq = ch2.queue("hr.consume", auto_delete: true, arguments: {"x-dead-letter-exchange" => "", "x-dead-letter-routing-key" => "hr.dead"})
6.times { |i| ch2.default_exchange.publish("work-#{i}", routing_key: cq.name); log("sent", "publish", queue: cq.name, body: "work-#{i}") }
seen = Queue.new
consumer = cq.subscribe(manual_ack: true) do |info, _props, body|
  log("got", "deliver", queue: cq.name, body: body, tag: info.delivery_tag, redelivered: info.redelivered?)
  n = body.split("-").last.to_i
  case n % 3
  when 0 then ch2.ack(info.delivery_tag); log("sent", "ack", body: body)
  when 1 then ch2.nack(info.delivery_tag, false, false); log("sent", "nack", body: body)
  else ch2.reject(info.delivery_tag, false); log("sent", "reject", body: body)
  end
  seen << body
end
6.times { seen.pop }
consumer.cancel
# the nacked and rejected messages were dead-lettered to hr.dead (x-death header)
sleep 0.2
loop do
  info, props, body = dead.pop
  break unless info
  log("got", "get", queue: dead.name, body: body, death: props.headers&.dig("x-death", 0, "reason"))
end
dead.delete

# 3. mandatory publish with no route: basic.return
ch3 = conn.create_channel
x = ch3.direct("hr.direct", auto_delete: true)
returned = Queue.new
x.on_return { |ret, _p, body| log("got", "return", reply_code: ret.reply_code, reply_text: ret.reply_text, body: body); returned << body }
x.publish("nobody-home", routing_key: "no.such.key", mandatory: true)
log("sent", "publish", exchange: x.name, body: "nobody-home", mandatory: true)
returned.pop

# 4. exclusive server-named queue, headers exchange
hx = ch3.headers("hr.headers", auto_delete: true)
hq = ch3.queue("", exclusive: true)
hq.bind(hx, arguments: {"x-match" => "all", "format" => "pdf", "type" => "report"})
hx.publish("match-all", headers: {"format" => "pdf", "type" => "report"})
log("sent", "publish", exchange: hx.name, body: "match-all")
hx.publish("no-match", headers: {"format" => "zip"})
log("sent", "publish", exchange: hx.name, body: "no-match")
sleep 0.2
info, props, body = hq.pop
log("got", "get", queue: hq.name, body: body, headers: props&.headers)

# 5. RPC with reply_to / correlation_id (server on its own channel)
srv = conn.create_channel
rpcq = srv.queue("hr.rpc", auto_delete: true)
rpcq.subscribe do |info, props, body|
  log("got", "deliver", queue: rpcq.name, body: body, role: "rpc-server")
  srv.default_exchange.publish("result:#{body.reverse}", routing_key: props.reply_to, correlation_id: props.correlation_id)
  log("sent", "publish", queue: props.reply_to, body: "result:#{body.reverse}", role: "rpc-server")
end
cli = conn.create_channel
replies = Queue.new
reply_q = cli.queue("", exclusive: true)
reply_q.subscribe { |_i, props, body| log("got", "deliver", queue: reply_q.name, body: body, correlation_id: props.correlation_id); replies << body }
3.times do |i|
  cli.default_exchange.publish("req#{i}", routing_key: rpcq.name, reply_to: reply_q.name, correlation_id: "c#{i}")
  log("sent", "publish", queue: rpcq.name, body: "req#{i}", correlation_id: "c#{i}")
  replies.pop
end

# 5b. RPC over RabbitMQ's direct reply-to (amq.rabbitmq.reply-to, consumed with no-ack)
drc = conn.create_channel
direct_replies = Queue.new
drc.basic_consume("amq.rabbitmq.reply-to", "", true) { |_i, props, body| log("got", "deliver", queue: "amq.rabbitmq.reply-to", body: body, correlation_id: props.correlation_id); direct_replies << body }
2.times do |i|
  drc.default_exchange.publish("direct#{i}", routing_key: rpcq.name, reply_to: "amq.rabbitmq.reply-to", correlation_id: "d#{i}")
  log("sent", "publish", queue: rpcq.name, body: "direct#{i}", correlation_id: "d#{i}", reply_to: "amq.rabbitmq.reply-to")
  direct_replies.pop
end

# 6. large messages over several body frames (frame_max 131072)
big = conn.create_channel
bq = big.queue("hr.big", auto_delete: true)
[300_000, 1_000_000].each do |n|
  body = ("0123456789abcdef" * (n / 16 + 1))[0, n]
  big.default_exchange.publish(body, routing_key: bq.name)
  log("sent", "publish", queue: bq.name, size: n)
end
sleep 0.3
2.times { info, _, body = bq.pop; log("got", "get", queue: bq.name, size: body&.bytesize) }

# 7. transactions
tx = conn.create_channel
tq = tx.queue("hr.tx", auto_delete: true)
tq.purge
tx.tx_select
tx.default_exchange.publish("tx-commit-1", routing_key: tq.name); log("sent", "publish", queue: tq.name, body: "tx-commit-1")
tx.default_exchange.publish("tx-commit-2", routing_key: tq.name); log("sent", "publish", queue: tq.name, body: "tx-commit-2")
tx.tx_commit; log("sent", "tx.commit")
tx.default_exchange.publish("tx-rollback", routing_key: tq.name); log("sent", "publish", queue: tq.name, body: "tx-rollback")
tx.tx_rollback; log("sent", "tx.rollback")
sleep 0.2
log("note", "tx queue depth", count: tq.message_count)

# 8. publish to a missing exchange: channel.close 404
bad = conn.create_channel
bad.basic_publish("lost", "hr.no-such-exchange", "k")
log("sent", "publish", exchange: "hr.no-such-exchange", body: "lost")
begin
  sleep 0.3
  bad.queue_declare("hr.after", auto_delete: true)
rescue Bunny::NotFound, Bunny::ChannelAlreadyClosed => e
  log("got", "channel.close", error: e.class.name, message: e.message.lines.first.strip)
end

# 9. passive declare of a missing queue: 404 too
p2 = conn.create_channel
begin
  p2.queue("hr.missing", passive: true)
rescue Bunny::NotFound => e
  log("got", "channel.close", error: e.class.name, message: e.message.lines.first.strip)
end

# 10. every field-table type bunny writes, and the other basic properties
rich = conn.create_channel
rq = rich.queue("hr.rich", auto_delete: true)
hdrs = {"int" => 42, "neg" => -7, "big" => 2**40, "float" => 3.5, "bool" => true, "str" => "s", "arr" => [1, "two", 3.5],
        "map" => {"k" => "v", "n" => {"deep" => 1}}, "time" => Time.at(1_700_000_000), "nil" => nil}
rich.default_exchange.publish("rich", routing_key: rq.name, headers: hdrs, priority: 5, expiration: "60000",
  timestamp: 1_700_000_001, type: "demo.event", app_id: "bunny-lab", user_id: "guest",
  content_encoding: "identity", content_type: "text/plain", message_id: "rich-1", correlation_id: "corr-rich")
log("sent", "publish", queue: rq.name, body: "rich", headers: hdrs.transform_values { |v| v.is_a?(Time) ? v.to_i : v })
sleep 0.2
info, props, body = rq.pop
log("got", "get", queue: rq.name, body: body, headers: props.headers.transform_values { |v| v.is_a?(Time) ? v.to_i : v })

# 11. basic.recover: an unacked delivery comes back redelivered
rec = conn.create_channel
recq = rec.queue("hr.recover", auto_delete: true)
rec.default_exchange.publish("again", routing_key: recq.name); log("sent", "publish", queue: recq.name, body: "again")
sleep 0.1
deliveries = Queue.new
rc = recq.subscribe(manual_ack: true) { |i, _p, b| log("got", "deliver", queue: recq.name, body: b, redelivered: i.redelivered?); deliveries << i }
first = deliveries.pop
rec.recover(true); log("sent", "basic.recover")
second = deliveries.pop
rec.ack(second.delivery_tag); log("sent", "ack", body: "again")
rc.cancel

# 12. consumer cancel notification: the queue is deleted under a consumer
cn = conn.create_channel
cnq = cn.queue("hr.cancelled", auto_delete: false)
cancelled = Queue.new
cnq.subscribe(on_cancellation: ->(*) { log("got", "basic.cancel", queue: cnq.name); cancelled << 1 }) { |*| }
conn.create_channel.queue_delete("hr.cancelled")
Timeout.timeout(5) { cancelled.pop }

# 13. publisher confirms with a nack: a queue that refuses what exceeds its length
nk = conn.create_channel
nk.confirm_select
nq = nk.queue("hr.bounded", auto_delete: true, arguments: {"x-max-length" => 1, "x-overflow" => "reject-publish"})
%w[fits overflows].each { |b| nk.default_exchange.publish(b, routing_key: nq.name); log("sent", "publish", queue: nq.name, body: b) }
log("note", "confirms", ok: nk.wait_for_confirms, nacked: nk.nacked_set.to_a)
# a mandatory publish with no route on a channel with confirms: basic.return, then basic.ack
nx = nk.direct("hr.direct2", auto_delete: true)
nx.on_return { |ret, _p, body| log("got", "return", reply_code: ret.reply_code, body: body) }
nx.publish("unroutable-confirmed", routing_key: "nowhere", mandatory: true)
log("sent", "publish", exchange: nx.name, body: "unroutable-confirmed", mandatory: true)
log("note", "confirms", ok: nk.wait_for_confirms)

# 14. dead-lettered by expiry: a per-message TTL on a queue without consumers
ex = conn.create_channel
expired_q = ex.queue("hr.expired", auto_delete: false)
expired_q.purge
ttl_q = ex.queue("hr.ttl", auto_delete: false, arguments: {"x-dead-letter-exchange" => "", "x-dead-letter-routing-key" => "hr.expired"})
ex.default_exchange.publish("short-lived", routing_key: ttl_q.name, expiration: "50"); log("sent", "publish", queue: ttl_q.name, body: "short-lived")
sleep 0.4
info, props, body = expired_q.pop
log("got", "get", queue: expired_q.name, body: body, death: props&.headers&.dig("x-death", 0, "reason"))
ttl_q.delete; expired_q.delete

# 15. topic exchange bound to another exchange (exchange-to-exchange), wildcard bindings
tp = conn.create_channel
front = tp.topic("hr.front", auto_delete: true)
back = tp.topic("hr.back", auto_delete: true)
back.bind(front, routing_key: "orders.#")
oq = tp.queue("", exclusive: true).bind(back, routing_key: "orders.*.created")
%w[orders.eu.created orders.eu.cancelled billing.eu.created].each { |rk| front.publish("event:#{rk}", routing_key: rk); log("sent", "publish", exchange: front.name, body: "event:#{rk}") }
sleep 0.2
loop do
  info, _, body = oq.pop
  break unless info
  log("got", "get", queue: oq.name, body: body)
end

# 16. errors on synchronous methods: a redeclare with other arguments (406), an exclusive consumer taken (403)
pc = conn.create_channel
begin
  pc.queue("hr.ttl2", auto_delete: true, arguments: {"x-message-ttl" => 1000})
  conn.create_channel.queue("hr.ttl2", auto_delete: true, arguments: {"x-message-ttl" => 2000})
rescue Bunny::PreconditionFailed => e
  log("got", "channel.close", error: e.class.name, message: e.message.lines.first.strip)
end
xc = conn.create_channel
xq = xc.queue("hr.excl", auto_delete: true)
xq.subscribe(exclusive: true) { |*| }
begin
  conn.create_channel.basic_consume("hr.excl", "other", true, false)
rescue Bunny::AccessRefused => e
  log("got", "channel.close", error: e.class.name, message: e.message.lines.first.strip)
end

q.delete rescue nil
conn.close

# 17. heartbeats: a second connection that negotiates 1 s and stays idle for 2.5 s
hb = Bunny.new(host: "127.0.0.1", port: port, user: "guest", password: "guest", connection_name: "bunny-heartbeat",
               heartbeat: 1, logger: Logger.new(nil))
hb.start
sleep 2.5
hb.close
log("note", "heartbeat connection closed")
log("note", "closed")
