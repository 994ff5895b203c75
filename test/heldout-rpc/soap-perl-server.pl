# Held-out SOAP check: Perl SOAP::Lite daemon (rpc/encoded, xsi:type on every value); stops after 60 s
use strict; use warnings;
use SOAP::Transport::HTTP;
package Inventory;
sub count { my ($c, $a) = @_; return scalar @$a }
sub describe { my ($c, $h) = @_; return { %$h, seen => SOAP::Data->type(boolean => 1), weight => 2.5 } }
sub double { my ($c, $n) = @_; return $n * 2 }
sub pair { my ($c, $a, $b) = @_; return [$a, $b, $a] } # one hash three times: serialized once, referred to by href
sub oops { die SOAP::Fault->faultcode('Server.Oops')->faultstring('perl fault')->faultdetail(SOAP::Data->name(info => 'extra')) }
package main;
alarm 60;
my $d = SOAP::Transport::HTTP::Daemon->new(LocalAddr => '127.0.0.1', LocalPort => $ARGV[0], ReuseAddr => 1)->dispatch_to('Inventory');
print "listening\n";
$d->handle;
