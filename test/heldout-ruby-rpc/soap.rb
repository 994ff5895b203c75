# soap4r (Debian ruby-soap4r 2.0.5, "soap4r-ruby1.9"): SOAP 1.1 rpc/encoded StandaloneServer (WEBrick)
# and SOAP::RPC::Driver in one process. Usage: ruby soap.rb PORT — stops by itself.
# Two shims for Ruby 3.1 (neither touches the wire): Logger::Application, gone from the logger gem,
# and REXML 3.3 losing a document's first bytes when soap4r sets the source's encoding afterwards.
$LOAD_PATH.unshift(*Dir['/usr/share/rubygems-integration/all/gems/soap4r-ruby1.9-*/lib'])
require 'logger'
require 'webrick'
class Logger::Application
  attr_accessor :log
  def initialize(appname = nil) = (@appname = appname; @log = WEBrick::Log.new('/dev/null'))
  def start = run
  def level=(_l); end
end
require 'soap/rpc/standaloneServer'
require 'soap/rpc/driver'
require 'xsd/xmlparser/rexmlparser'
class XSD::XMLParser::REXMLParser
  def do_parse(string_or_readable)
    s = string_or_readable.respond_to?(:read) ? string_or_readable.read : string_or_readable.to_s
    REXML::Document.parse_stream(s.dup.force_encoding('UTF-8'), self)
  end
end
$stdout.sync = true

class ShopError < StandardError; end
class Lab < SOAP::RPC::StandaloneServer
  def on_init
    add_method(self, 'add', 'a', 'b')
    add_method(self, 'echo', 'value')
    add_method(self, 'order', 'id', 'items')
    add_method(self, 'fail', 'why')
    add_method(self, 'nothing')
    add_method(self, 'when')
    add_method(self, 'blob', 'n')
  end
  def add(a, b) = a + b
  def echo(value) = value
  def order(id, items) = { 'id' => id, 'count' => items.size, 'total' => items.sum { |i| i['price'] }, 'skus' => items.map { |i| i['sku'] } }
  def fail(why) = raise(ShopError, why)
  def nothing = nil
  def when = Time.utc(2026, 11, 23, 1, 2, 3)
  def blob(n) = SOAP::SOAPBase64.new("\x00\x01\xFEbin" * n)
end

port = Integer(ARGV[0] || 22260)
srv = Lab.new('lab', 'urn:heldout-lab', '127.0.0.1', port)
th = Thread.new { srv.start }
sleep 0.5
def try(what)
  puts "#{what} => #{yield.inspect}"[0, 300]
rescue StandardError => e
  puts "#{what} => #{e.class}: #{e.message}"[0, 300]
end
d = SOAP::RPC::Driver.new("http://127.0.0.1:#{port}/", 'urn:heldout-lab')
%w[add echo order fail nothing when blob missing].each { |m| d.add_method(m, *({ 'add' => %w[a b], 'echo' => %w[value], 'order' => %w[id items], 'fail' => %w[why], 'blob' => %w[n], 'missing' => %w[x] }[m] || [])) }
try('add(2, 3)') { d.add(2, 3) }
try('add(1.5, -2.25)') { d.add(1.5, -2.25) }
try('echo(string)') { d.echo("héllo <&> world") }
try('echo(true)') { d.echo(true) }
try('echo(nil)') { d.echo(nil) }
try('echo([1, "two", 3.0])') { d.echo([1, 'two', 3.0]) }
try('echo(hash)') { d.echo({ 'a' => 1, 'b' => [1, 2], 'c' => { 'd' => 'e' } }) }
try('echo(2**40)') { d.echo(2**40) }
try('order') { d.order(7, [{ 'sku' => 'A-1', 'price' => 9.5 }, { 'sku' => 'B-2', 'price' => 0.5 }]) }
try('fail') { d.fail('out of stock') }
try('nothing') { d.nothing }
try('when') { d.when }
try('blob(100)') { d.blob(100).size }
try('missing (not on the server)') { d.missing(1) }
srv.shutdown
th.join(3)
