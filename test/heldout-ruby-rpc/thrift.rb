# ruby-thrift (Debian 0.14) servers and clients for ../heldout-rpc/thrift/shop.thrift (code from
# `thrift --gen rb`, thrift-compiler 0.17). Usage: ruby -I GEN thrift.rb BASEPORT
# BASEPORT+0 binary/buffered, +1 binary/framed, +2 compact/buffered, +3 compact/framed,
# +4 multiplexed (Shop + Admin, binary/framed), +5 JSON/buffered, +6 HTTP binary (ThinHTTPServer),
# +7 HTTP compact, +8 accelerated binary/framed, +9 non-strict binary/buffered (no version word:
# the message header of Thrift's first binary protocol), +10 HTTP JSON. Servers run in threads; everything stops at the end.
require 'thrift'
require 'thrift/server/thin_http_server'
require 'shop'
require 'admin'

class ShopHandler
  def ping; end
  def place(order)
    raise Invalid.new('negative id') if order.id < 0 # generated: initialize(message) sets why
    bad = order.items.find { |i| i.sku == 'none' }
    raise OutOfStock.new(sku: bad.sku, have: 0) if bad
    Order.new(id: order.id + 1, items: order.items, counts: order.counts, tags: order.tags, byNum: order.byNum, parent: order)
  end
  def total(xs) = xs.sum
  def log(line) = $stderr.puts("server log: #{line}")
  def catalog(colors) = colors.to_a.sort.to_h { |c| [Color::VALUE_MAP[c], [Item.new(sku: "s#{c}", qty: c, price: c * 0.5, color: c)]] }
  def crash(why) = raise(ArgumentError, why)
end
class AdminHandler
  def reset(hard) = !hard
end

base = Integer(ARGV[0] || 22220)
BIN = Thrift::BinaryProtocolFactory.new
CMP = Thrift::CompactProtocolFactory.new
JSN = Thrift::JsonProtocolFactory.new
BUF = Thrift::BufferedTransportFactory.new
FRM = Thrift::FramedTransportFactory.new
shop = Shop::Processor.new(ShopHandler.new)
servers = []
tcp = lambda do |port, proc_, tf, pf|
  s = Thrift::ThreadedServer.new(proc_, Thrift::ServerSocket.new('127.0.0.1', port), tf, pf)
  servers << s
  Thread.new { s.serve rescue nil }
end
tcp.(base, shop, BUF, BIN)
tcp.(base + 1, shop, FRM, BIN)
tcp.(base + 2, shop, BUF, CMP)
tcp.(base + 3, shop, FRM, CMP)
mux = Thrift::MultiplexedProcessor.new
mux.register_processor('Shop', shop)
mux.register_processor('Admin', Admin::Processor.new(AdminHandler.new))
tcp.(base + 4, mux, FRM, BIN)
tcp.(base + 5, shop, BUF, JSN)
tcp.(base + 8, shop, FRM, Thrift::BinaryProtocolAcceleratedFactory.new)
# strict_read/strict_write off: messages without the version word
OLD = Class.new(Thrift::BaseProtocolFactory) { def get_protocol(trans) = Thrift::BinaryProtocol.new(trans, false, false) }.new
tcp.(base + 9, shop, BUF, OLD)
http = [[base + 6, BIN], [base + 7, CMP], [base + 10, JSN]].map do |port, pf|
  # ThinHTTPServer's own Rack stack fails Rack 2.2's Lint (a Rack::Response, not an Array): its
  # request handler under Thin without the Lint middleware
  app = lambda do |env|
    req = Rack::Request.new(env)
    next [404, {}, ['Not Found']] unless Thrift::ThinHTTPServer::RackApplication.valid_thrift_request?(req)
    Thrift::ThinHTTPServer::RackApplication.successful_request(req, shop, pf).finish
  end
  Thread.new { Thin::Logging.silent = true; Thin::Server.new('127.0.0.1', port, Rack::URLMap.new('/shop' => app)).start rescue $stderr.puts($!) }
end
sleep 1.0

def order
  Order.new(id: 41, items: [Item.new(sku: 'A-1', qty: 2, price: 9.99, color: Color::GREEN, blob: "\x00\x01\xfe\xff".b,
                                     big: -(2**62), fragile: true, small: -300, tiny: -7),
                            Item.new(sku: 'B-2', price: -0.5, color: Color::BLUE)],
            counts: { 'a' => 1, 'ü' => -2 }, tags: Set['x', 'y'], byNum: { 7 => Item.new(sku: 'C', color: Color::RED) })
end

def exercise(name, client, extra = nil)
  t = lambda do |what, &b|
    r = b.call
    puts "#{name} #{what} => #{r.inspect}"[0, 300]
  rescue StandardError => e
    puts "#{name} #{what} => #{e.class}: #{e.message}"[0, 300]
  end
  t.('ping') { client.ping }
  t.('place') { client.place(order).id }
  t.('place OutOfStock') { client.place(Order.new(id: 1, items: [Item.new(sku: 'none')])) }
  t.('place Invalid') { client.place(Order.new(id: -1, items: [])) }
  t.('total') { client.total([1, 2**40, -3]) }
  t.('total []') { client.total([]) }
  t.('log (oneway)') { client.log('hello from ruby') }
  t.('catalog') { client.catalog(Set[Color::RED, Color::BLUE]) }
  t.('crash') { client.crash('boom') }
  extra&.call(t)
end

def over(name, port, tf, pf, &blk)
  sock = Thrift::Socket.new('127.0.0.1', port, 5)
  trans = tf.get_transport(sock)
  prot = pf.get_protocol(trans)
  trans.open
  blk.call(prot)
  sleep 0.1
  trans.close
end

[['binary/buffered', 0, BUF, BIN], ['binary/framed', 1, FRM, BIN], ['compact/buffered', 2, BUF, CMP],
 ['compact/framed', 3, FRM, CMP], ['json/buffered', 5, BUF, JSN],
 ['accelerated/framed', 8, FRM, Thrift::BinaryProtocolAcceleratedFactory.new], ['non-strict binary/buffered', 9, BUF, OLD]].each do |name, off, tf, pf|
  over(name, base + off, tf, pf) do |prot|
    exercise(name, Shop::Client.new(prot), lambda { |t|
      # an unknown method: Admin.reset sent to a Shop server
      t.('Admin.reset (unknown method)') { Admin::Client.new(prot).reset(true) }
    })
  end
end
over('multiplexed', base + 4, FRM, BIN) do |prot|
  exercise('multiplexed', Shop::Client.new(Thrift::MultiplexedProtocol.new(prot, 'Shop')), lambda { |t|
    t.('Admin.reset') { Admin::Client.new(Thrift::MultiplexedProtocol.new(prot, 'Admin')).reset(false) }
  })
end
[["http binary", 6, BIN], ["http compact", 7, CMP], ["http json", 10, JSN]].each do |name, off, pf|
  trans = Thrift::HTTPClientTransport.new("http://127.0.0.1:#{base + off}/shop")
  exercise(name, Shop::Client.new(pf.get_protocol(trans)))
end
sleep 0.5
servers.each { |s| s.instance_variable_get(:@server_transport).close rescue nil }
