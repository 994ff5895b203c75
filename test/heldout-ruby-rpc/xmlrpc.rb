# ruby xmlrpc 0.3 client against its WEBrick servlet (XMLRPC::WEBrickServlet) in the same process.
# Usage: ruby xmlrpc.rb PORT — every type, nil extension, nested structs/arrays, faults, multicall,
# introspection; then PORT+1: the handlers behind Rack::Deflater on puma (gzip responses). The servers
# stop when the client is done. Logs each call and its result.
require 'xmlrpc/server'
require 'xmlrpc/client'
require 'webrick'
require 'time'

$stdout.sync = true
port = Integer(ARGV[0] || 22200)
XMLRPC::Config.send(:remove_const, :ENABLE_NIL_PARSER)
XMLRPC::Config.const_set(:ENABLE_NIL_PARSER, true)
XMLRPC::Config.send(:remove_const, :ENABLE_NIL_CREATE)
XMLRPC::Config.const_set(:ENABLE_NIL_CREATE, true)

servlet = XMLRPC::WEBrickServlet.new
servlet.add_handler('sample.add') { |a, b| a + b }
servlet.add_handler('sample.echo') { |x| x }
servlet.add_handler('sample.nothing') { nil }
servlet.add_handler('sample.fail') { |code| raise XMLRPC::FaultException.new(code, "failure #{code}") }
servlet.add_handler('sample.crash') { raise ArgumentError, 'boom' }
servlet.add_handler('sample.when') { Time.utc(2026, 11, 23, 1, 2, 3) }
servlet.add_handler('sample.blob') { |n| XMLRPC::Base64.new("\x00\x01\xFEbinary" * n) }
servlet.add_handler(XMLRPC::iPIMethods('shop'), Class.new {
  def price(item) = { 'item' => item, 'cents' => 1999, 'tags' => ['a', 'b'] }
  def stock(items) = items.map { |i| [i, i.length] }
}.new)
servlet.add_introspection
servlet.add_multicall
servlet.set_default_handler { |name, *args| raise XMLRPC::FaultException.new(-99, "no method #{name}") }

srv = WEBrick::HTTPServer.new(BindAddress: '127.0.0.1', Port: port, Logger: WEBrick::Log.new('/dev/null'), AccessLog: [])
srv.mount('/RPC2', servlet)
th = Thread.new { srv.start }
sleep 0.3

def log(what, r) = puts("#{what} => #{r.inspect}")
def try(what) = log(what, (yield rescue $!))

c = XMLRPC::Client.new('127.0.0.1', '/RPC2', port)
try('sample.add(2,3)') { c.call('sample.add', 2, 3) }
try('sample.add(1.5,-2.25)') { c.call('sample.add', 1.5, -2.25) }
try('sample.echo(string)') { c.call('sample.echo', "héllo <&> world") }
try('sample.echo(true)') { c.call('sample.echo', true) }
try('sample.echo(false)') { c.call('sample.echo', false) }
try('sample.echo(i8 big)') { c.call('sample.echo', 2**40) }
try('sample.echo(nil)') { c.call('sample.echo', nil) }
try('sample.nothing') { c.call('sample.nothing') }
try('sample.echo(empty)') { c.call('sample.echo', '') }
try('sample.echo([])') { c.call('sample.echo', []) }
try('sample.echo({})') { c.call('sample.echo', {}) }
try('sample.echo(nested)') { c.call('sample.echo', { 'a' => [1, [2, { 'b' => 'c' }], { 'd' => [] }], 'e' => { 'f' => { 'g' => 1.0 } } }) }
try('sample.echo(base64)') { c.call('sample.echo', XMLRPC::Base64.new("\x00\xFF binary\n")) }
try('sample.echo(datetime)') { c.call('sample.echo', XMLRPC::DateTime.new(2024, 2, 29, 23, 59, 58)) }
try('sample.when') { c.call('sample.when') }
try('sample.blob(200)') { c.call('sample.blob', 200).length }
try('shop.price') { c.call('shop.price', 'widget') }
try('shop.stock') { c.call('shop.stock', %w[x yy zzz]) }
ok, r = c.call2('sample.fail', 42); log 'sample.fail(42)', [ok, r.faultCode, r.faultString]
ok, r = c.call2('sample.crash'); log 'sample.crash', [ok, r.faultCode, r.faultString]
ok, r = c.call2('sample.missing', 1); log 'sample.missing', [ok, r.faultCode, r.faultString]
try('system.listMethods') { c.call('system.listMethods') }
try('system.methodSignature') { c.call('system.methodSignature', 'sample.add') }
try('system.methodHelp') { c.call('system.methodHelp', 'sample.add') }
try('system.multicall') { c.multicall(['sample.add', 1, 2], ['sample.fail', 7], ['sample.echo', 'x']) }
p2 = c.proxy('shop')
try('proxy shop.price') { p2.price('gadget') }
# keep-alive client (net/http persistent connection)
c2 = XMLRPC::Client.new3(host: '127.0.0.1', path: '/RPC2', port: port)
c2.http_header_extra = { 'Connection' => 'keep-alive' }
3.times { |i| try("keepalive sample.add(#{i})") { c2.call('sample.add', i, i) } }
# async (new connection each call)
try('call_async') { c.call_async('sample.add', 10, 20) }
# the same handlers behind Rack::Deflater on puma (port + 1): gzip-encoded XML-RPC responses,
# which net/http (under XMLRPC::Client) asks for and inflates by itself
require 'rack'
require 'rack/handler/puma'
basic = XMLRPC::BasicServer.new
basic.add_handler('sample.add') { |a, b| a + b }
basic.add_handler('sample.echo') { |x| x }
basic.add_handler('sample.fail') { |code| raise XMLRPC::FaultException.new(code, "failure #{code}") }
app = Rack::Builder.new do
  use Rack::Deflater
  run(lambda do |env|
    body = basic.process(env['rack.input'].read)
    [200, { 'Content-Type' => 'text/xml; charset=utf-8' }, [body]]
  end)
end
Thread.new { Rack::Handler::Puma.run(app, Host: '127.0.0.1', Port: port + 1, Silent: true, Threads: '1:2') }
sleep 0.8
g = XMLRPC::Client.new('127.0.0.1', '/RPC2', port + 1)
try('gzip sample.add(40,2)') { g.call('sample.add', 40, 2) }
try('gzip sample.echo(long text)') { g.call('sample.echo', 'lorem ipsum ' * 200).length }
try('gzip sample.echo(struct)') { g.call('sample.echo', { 'list' => (1..300).to_a, 'name' => 'ü' * 50 })['list'].size }
ok, r = g.call2('sample.fail', 3); log 'gzip sample.fail(3)', [ok, r.faultCode, r.faultString]
try('gzip system.multicall') { g.multicall(['sample.add', 1, 1], ['sample.fail', 9]) }

srv.shutdown
th.join(3)
exit!(0)
