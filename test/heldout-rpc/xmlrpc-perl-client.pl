# Held-out XML-RPC check: Perl XMLRPC::Lite client; prints each result or fault
use strict; use warnings;
use XMLRPC::Lite; use JSON::PP;
my $url = "http://127.0.0.1:$ARGV[0]/RPC2";
my $j = JSON::PP->new->canonical->allow_nonref->allow_blessed;
for my $c (['Demo.add', 2, 40], ['Demo.echo', 'x & y', 3.25, [1, 2]], ['Demo.person'], ['Demo.fail'], ['Demo.nosuch', 1]) {
  my ($m, @p) = @$c;
  my $r = XMLRPC::Lite->proxy($url)->call($m, @p);
  if ($r->fault) { print $j->encode({method => $m, fault => $r->fault}), "\n" } else { print $j->encode({method => $m, result => $r->result}), "\n" }
}
