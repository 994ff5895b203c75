# dRuby (Ruby's standard-library DRb, Marshal over TCP): not a protocol callscope decodes; recorded to
# check that no decoder takes it for one of its own (a Marshal stream starts 04 08 after a length).
# Usage: ruby drb.rb PORT — the server in a forked process; both stop by themselves.
require 'drb/drb'
$stdout.sync = true
class Svc
  def add(a, b) = a + b
  def echo(x) = x
  def fail(m) = raise(ArgumentError, m)
  def each_item = [1, 2, 3].each { |i| yield i }
end
port = Integer(ARGV[0] || 22280)
pid = fork { DRb.start_service("druby://127.0.0.1:#{port}", Svc.new); sleep 5; DRb.stop_service }
sleep 0.5
DRb.start_service # the client's own service, for the block callback
ro = DRbObject.new_with_uri("druby://127.0.0.1:#{port}")
puts ro.add(2, 3)
puts ro.echo({ 'a' => [1, 2.5, nil, 'x' * 300] }).inspect[0, 80]
begin; ro.fail('boom'); rescue => e; puts "#{e.class}: #{e.message}"; end
ro.each_item { |i| puts "item #{i}" }
puts ro.echo('y' * 100_000).size
DRb.stop_service
Process.kill('TERM', pid); Process.wait(pid)
