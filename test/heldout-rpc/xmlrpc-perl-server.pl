# Held-out XML-RPC check: Perl XMLRPC::Lite daemon on 127.0.0.1:PORT (stops after 60 s)
use strict; use warnings;
use XMLRPC::Transport::HTTP;
package Demo;
sub add { my ($c, $a, $b) = @_; return $a + $b }
sub echo { my ($c, @a) = @_; return @a == 1 ? $a[0] : \@a }
sub fail { die XMLRPC::Fault->new(faultcode => 7, faultstring => 'perl says no') }
sub person { return { name => 'Grace', age => 85, ratio => 0.5, langs => ['COBOL', 'FLOW-MATIC'], alive => XMLRPC::Data->type(boolean => 0) } }
package main;
alarm 60;
my $d = XMLRPC::Transport::HTTP::Daemon->new(LocalAddr => '127.0.0.1', LocalPort => $ARGV[0], ReuseAddr => 1)
  ->dispatch_to('add', 'echo', 'fail', 'person');
# methods are called as plain names: map them onto Demo
$d->dispatch_to('Demo');
print "listening\n";
$d->handle;
