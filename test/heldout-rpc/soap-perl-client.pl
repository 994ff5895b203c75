# Held-out SOAP check: Perl SOAP::Lite client, SOAP 1.1 then SOAP 1.2; prints each result or fault
use strict; use warnings;
use SOAP::Lite; use JSON::PP;
my $j = JSON::PP->new->canonical->allow_nonref->allow_blessed->convert_blessed;
for my $v ('1.1', '1.2') {
  my $s = SOAP::Lite->soapversion($v)->uri('urn:Inventory')->proxy("http://127.0.0.1:$ARGV[0]/");
  $s->on_fault(sub { return $_[1] });
  my $shared = {name => 'shared', n => 1}; # passed twice: SOAP::Lite sends it once, with href/id (SOAP 1.1 section 5.4.1)
  for my $c (['pair', $shared, $shared], ['count', ['a', 'b', 'c']], ['describe', {name => 'box', size => 3}], ['double', 21], ['oops'], ['nosuch', 1]) {
    my ($m, @p) = @$c;
    my $r = $s->call($m, @p);
    if (!ref $r) { print $j->encode({v => $v, method => $m, transport => $s->transport->status}), "\n" }
    elsif ($r->fault) { print $j->encode({v => $v, method => $m, fault => $r->faultcode, string => $r->faultstring, detail => scalar($r->faultdetail)}), "\n" }
    else { print $j->encode({v => $v, method => $m, result => $r->result}), "\n" }
  }
}
