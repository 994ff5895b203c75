# Rack::Files (rack 2.2) on puma: byte ranges — one range (206), three (multipart/byteranges), one past
# the end (416), If-Modified-Since (304). Usage: ruby ranges.rb PORT DIR — serves DIR (a data.txt is
# written there); stops by itself.
require 'rack'
require 'rack/handler/puma'
require 'net/http'
require 'tmpdir'
$stdout.sync = true
port = Integer(ARGV[0] || 22295)
DIR = ARGV[1] || Dir.mktmpdir
File.write(File.join(DIR, 'data.txt'), [Random.new(3).bytes(5000)].pack('m0').scan(/.{1,76}/).join("\n"))
Thread.new { Rack::Handler::Puma.run(Rack::Files.new(DIR), Host: '127.0.0.1', Port: port, Silent: true) }
sleep 0.8
Net::HTTP.start('127.0.0.1', port) do |h|
  r = h.get('/data.txt', 'Range' => 'bytes=0-99'); puts "single #{r.code} #{r['content-range']} #{r.body.size}"
  r = h.get('/data.txt', 'Range' => 'bytes=0-9,100-119,-5'); puts "multi #{r.code} #{r['content-type']} #{r.body.size}"
  r = h.get('/data.txt', 'Range' => 'bytes=999999-'); puts "unsatisfiable #{r.code} #{r['content-range']}"
  lm = h.head('/data.txt')['last-modified']
  r = h.get('/data.txt', 'If-Modified-Since' => lm); puts "ims #{r.code}"
end
exit!(0)
