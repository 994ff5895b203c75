# ruby-grpc (Debian 1.51) server and client over h2c, code from grpc_tools_ruby_protoc (proto/lab.proto).
# Usage: ruby -I GEN lab.rb serve PORT | client HOST:PORT | both PORT
#   serve/both: the Ruby server on PORT and one that gzips its answers on PORT+1; both: the Ruby
#   client against them (its gzip channel to PORT+1); stops by itself.
# Logs each call's result or status, and the metadata the client saw.
require 'grpc'
require 'google/rpc/status_pb'
require 'google/protobuf/any_pb'
require 'google/protobuf/well_known_types'
require 'lab_services_pb'

include Rubylab::V1

def item(i, blob = '')
  Item.new(name: "item-#{i}", id: 10_000_000_000 + i, price: i * 1.25, in_stock: i.odd?, counts: [1, -2, i],
           labels: { 'k' => "v#{i}", 'ü' => 'ß' }, color: (i % 3), blob: blob,
           created: Google::Protobuf::Timestamp.new(seconds: 1_700_000_000 + i, nanos: 5000),
           text: (i.even? ? "t#{i}" : nil), delta: -i * 1000, ratio: 0.5, fx: 2**63 + i)
    .tap { |m| m.number = i if i.odd? }
end

class ShopImpl < Shop::Service
  def get(req, call)
    call.output_metadata['x-server'] = 'ruby'
    sleep(req.delay_ms / 1000.0) if req.delay_ms > 0
    case req.id
    when 404
      st = Google::Rpc::Status.new(code: 5, message: 'item 404 not found',
        details: [Google::Protobuf::Any.pack(ErrorInfo.new(reason: 'NO_ITEM', domain: 'shop.example'))])
      raise GRPC::NotFound.new('item 404 not found',
        { 'x-trail' => 'gone', 'grpc-status-details-bin' => Google::Rpc::Status.encode(st) })
    when 500 then raise 'server blew up' # unknown
    when 403 then raise GRPC::PermissionDenied.new('nope: ünïcode % text')
    when 3 then return item(3, 'x' * (3 * 1024 * 1024)) # large reply (3 MiB)
    end
    item(req.id)
  end

  def list(req, call)
    Enumerator.new do |y|
      req.count.times do |i|
        raise GRPC::ResourceExhausted.new("quota at #{i}") if req.fail_at > 0 && i == req.fail_at
        y << item(i)
      end
    end
  end

  def upload(call)
    n = 0; sum = 0.0
    call.each_remote_read { |it| n += 1; sum += it.price }
    Total.new(items: n, sum: sum)
  end

  def chat(reqs, call)
    reqs.lazy.map { |it| Item.new(name: "re: #{it.name}", id: it.id * 2) }
  end
end

def log(what, r) = puts("#{what} => #{r.inspect}"[0, 400])
def try(what)
  log(what, yield)
rescue GRPC::BadStatus => e
  d = GRPC::GoogleRpcStatusUtils.extract_google_rpc_status(e.to_status) rescue nil
  log(what, "status #{e.code} #{e.details.inspect} trailers=#{e.metadata.reject { |k, _| k.end_with?('-bin') }} details=#{d&.details&.map(&:type_url)}")
end

def client(target, gz_target = target)
  s = Shop::Stub.new(target, :this_channel_is_insecure)
  gz = Shop::Stub.new(gz_target, :this_channel_is_insecure,
                      channel_args: { 'grpc.default_compression_algorithm' => 2 }) # 2 = gzip
  big = Shop::Stub.new(target, :this_channel_is_insecure,
                       channel_args: { 'grpc.max_receive_message_length' => 16 * 1024 * 1024 })
  try('Get(1)') { s.get(GetRequest.new(id: 1)) }
  try('Get(2) metadata') do
    op = s.get(GetRequest.new(id: 2), metadata: { 'x-client' => 'ruby', 'x-token-bin' => "\x00\x01\xff" }, return_op: true)
    r = op.execute
    [r.name, op.metadata, op.trailing_metadata]
  end
  try('Get(404)') { s.get(GetRequest.new(id: 404)) }
  try('Get(500)') { s.get(GetRequest.new(id: 500)) }
  try('Get(403)') { s.get(GetRequest.new(id: 403)) }
  try('Get(7) deadline 200ms') { s.get(GetRequest.new(id: 7, delay_ms: 1000), deadline: Time.now + 0.2) }
  try('Get(3) 3 MiB reply') { s.get(GetRequest.new(id: 3)).blob.bytesize }
  try('Get(3) 3 MiB reply, 16 MiB limit') { big.get(GetRequest.new(id: 3)).blob.bytesize }
  try('Get(5) gzip') { gz.get(GetRequest.new(id: 5)).name }
  try('List(4)') { s.list(ListRequest.new(count: 4)).map(&:name) }
  try('List(5, fail_at 2)') { s.list(ListRequest.new(count: 5, fail_at: 2)).map(&:name) }
  try('List(0)') { s.list(ListRequest.new(count: 0)).to_a }
  try('List(3) gzip') { gz.list(ListRequest.new(count: 3)).map(&:name) }
  try('Upload(3)') { s.upload([item(1), item(2), item(3)]) }
  try('Upload(0)') { s.upload([]) }
  try('Upload(2) 600 KiB requests') { s.upload([item(1, 'y' * 600_000), item(2, 'z' * 600_000)]) }
  try('Chat(3)') { s.chat([item(1), item(2), item(3)].each).map(&:name) }
  try('Chat(2) gzip') { gz.chat([item(4), item(5)].each).map(&:name) }
  try('Upload(2) gzip, 200 KB compressible') { gz.upload([item(1, 'q' * 200_000), item(2, 'r' * 200_000)]) }
  try('Get(404) gzip') { gz.get(GetRequest.new(id: 404)) }
  try('List(1000) cancelled after 2') do
    op = s.list(ListRequest.new(count: 1000), return_op: true)
    got = []
    op.execute.each { |r| got << r.name; if got.size == 2 then op.cancel; break end }
    got
  end
  try('Get(1) unknown method') do
    s.request_response('/rubylab.v1.Shop/Nope', GetRequest.new(id: 1), GetRequest.method(:encode), GetRequest.method(:decode))
  end
end

mode, arg = ARGV
case mode
when 'serve', 'both'
  port = mode == 'serve' ? arg : arg
  srv = GRPC::RpcServer.new(pool_size: 8, server_args: { 'grpc.max_receive_message_length' => 8 * 1024 * 1024 })
  srv.add_http2_port("127.0.0.1:#{port}", :this_port_is_insecure)
  srv.handle(ShopImpl)
  t = Thread.new { srv.run }
  srv.wait_till_running(5)
  # a second server that compresses its answers (gzip), for the gzip client
  gsrv = GRPC::RpcServer.new(pool_size: 4, server_args: { 'grpc.default_compression_algorithm' => 2 })
  gsrv.add_http2_port("127.0.0.1:#{Integer(port) + 1}", :this_port_is_insecure)
  gsrv.handle(ShopImpl)
  gt = Thread.new { gsrv.run }
  gsrv.wait_till_running(5)
  if mode == 'both'
    client("127.0.0.1:#{port}", "127.0.0.1:#{Integer(port) + 1}")
    sleep 1.2
    gsrv.stop
    gt.join(5)
    srv.stop
  else
    sleep(Integer(ENV.fetch('SERVE_SECONDS', '30')))
    gsrv.stop
    srv.stop
  end
  t.join(5)
when 'client' then client(arg)
end
