# stomp_client_lab.rb PORT: the stomp gem's threaded Stomp::Client at STOMP 1.2 against RabbitMQ (rabbit.sh):
# heart-beats both ways every 500 ms, header values that need 1.2 escaping, a binary body with NULs, a 1 MB
# body, and request/reply over RabbitMQ's /temp-queue/. Logs what it sent and got ("sent"/"got"/"note").
require "stomp"
require "json"
require "timeout"
$stdout.sync = true
def log(kind, what, **more) = puts(JSON.generate({kind: kind, what: what, **more}))
def show(b) = b.bytesize <= 64 && b.valid_encoding? && !b.include?("\0") ? b : {bytes: b.bytesize}

port = (ARGV[0] || 22613).to_i
hash = {hosts: [{login: "guest", passcode: "guest", host: "127.0.0.1", port: port}],
        connect_headers: {"accept-version" => "1.2", "host" => "/", "heart-beat" => "500,500"},
        reliable: false, connect_timeout: 5, max_reconnect_attempts: 0}
client = Stomp::Client.new(hash)
log("got", "CONNECTED", heart_beat: client.connection_frame.headers["heart-beat"])
got = Queue.new
q = "/queue/hr.stomp.client"
client.subscribe(q, {id: "c1", ack: "client-individual"}) do |m|
  log("got", "MESSAGE", body: show(m.body), note: m.headers["x-note"])
  client.ack(m); log("sent", "ACK", body: show(m.body))
  got << m
end
sleep 0.2
client.publish(q, "escaped", {"x-note" => "a:b\nc\\d", "content-type" => "text/plain"}); log("sent", "SEND", body: "escaped", note: "a:b\nc\\d")
bin = (0..255).map(&:chr).join.b * 4
client.publish(q, bin, {"content-type" => "application/octet-stream", "content-length" => bin.bytesize.to_s}); log("sent", "SEND", body: {bytes: bin.bytesize})
big = "Z" * 1_000_000
client.publish(q, big, {"content-type" => "text/plain"}); log("sent", "SEND", body: {bytes: big.bytesize})
Timeout.timeout(10) { 3.times { got.pop } }

# request/reply: the requester's reply-to is a /temp-queue/, the responder SENDs to the reply-to it receives
svc = "/queue/hr.stomp.svc"
responder = Stomp::Client.new(hash)
responder.subscribe(svc, {id: "r1"}) do |m|
  log("got", "MESSAGE", body: m.body, role: "responder", reply_to: m.headers["reply-to"])
  responder.publish(m.headers["reply-to"], m.body.upcase, {"correlation-id" => m.headers["correlation-id"]})
  log("sent", "SEND", body: m.body.upcase, role: "responder")
end
# RabbitMQ subscribes the requester to its /temp-queue/ by itself (a SUBSCRIBE to one is refused): the requester
# is a Stomp::Connection reading its replies with receive
req = Stomp::Connection.new(hash.merge(connect_headers: hash[:connect_headers].merge("heart-beat" => "0,0")))
sleep 0.2
2.times do |i|
  req.publish(svc, "ask-#{i}", {"reply-to" => "/temp-queue/hr.replies", "correlation-id" => "k#{i}"})
  log("sent", "SEND", body: "ask-#{i}", correlation_id: "k#{i}")
  m = Timeout.timeout(5) { req.receive }
  log("got", m.command, body: m.body, correlation_id: m.headers["correlation-id"], destination: m.headers["destination"])
end
req.disconnect
sleep 1.6 # heart-beats
log("note", "heart-beats", sent: client.hbsend_count, received: client.hbrecv_count)
responder.close
client.close
log("note", "closed")
