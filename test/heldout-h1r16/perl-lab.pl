#!/usr/bin/perl
# perl-lab.pl mojo|lwp PORT: held-out round 16.
#   mojo: a Mojolicious::Lite app on Mojo::Server::Daemon and Mojo::UserAgent (keep-alive) against it:
#         JSON, a response written with write_chunk (chunked), one ended by close (HTTP/1.0 request),
#         a chunked request body, Expect: 100-continue, 404, 204, HEAD, a redirect followed, gzip.
#   lwp:  HTTP::Daemon (one connection at a time, keep-alive) and LWP::UserAgent (keep_alive): GET, POST,
#         a chunked upload from a code ref, Expect: 100-continue, 304, 404, HEAD, a response with trailers.
# One JSON line per call the client made on stdout. The server stops by itself (alarm).
use strict; use warnings;
my ($mode, $port) = @ARGV;
$| = 1;
sub logc { my ($m, $u, $st, $size) = @_; print qq({"method":"$m","url":"$u","status":$st,"size":$size}\n); }

if ($mode eq 'mojo') {
  require Mojolicious::Lite; Mojolicious::Lite->import;
  require Mojo::UserAgent; require Mojo::Server::Daemon; require Mojo::IOLoop; require IO::Compress::Gzip;
  my $app = Mojolicious->new; $app->log->level('fatal');
  my $r = $app->routes;
  $r->get('/json')->to(cb => sub { $_[0]->render(json => {hello => 'mojo', list => [1, 2, 3]}) });
  $r->get('/stream')->to(cb => sub {
    my $c = shift; my $n = 0;
    $c->res->headers->content_type('text/plain');
    my $next; $next = sub { return $c->write_chunk('', sub {}) if ++$n > 4; $c->write_chunk(('x' x 3000) . "\n", $next) };
    $c->write_chunk("start\n", $next);
  });
  $r->get('/close')->to(cb => sub { my $c = shift; $c->res->headers->content_type('text/plain'); $c->write('closed-delimited body ' x 50, sub { $_[0]->finish }) });
  $r->post('/upload')->to(cb => sub { my $c = shift; $c->render(json => {got => length($c->req->body), chunked => ($c->req->headers->transfer_encoding // '')}) });
  $r->get('/nothing')->to(cb => sub { $_[0]->rendered(204) });
  $r->get('/redirect')->to(cb => sub { $_[0]->redirect_to('/json') });
  $r->get('/gzip')->to(cb => sub {
    my $c = shift; my $raw = '{"n":"' . ('z' x 5000) . '"}'; my $z; IO::Compress::Gzip::gzip(\$raw => \$z);
    $c->res->headers->content_encoding('gzip'); $c->res->headers->content_type('application/json'); $c->render(data => $z);
  });
  my $daemon = Mojo::Server::Daemon->new(app => $app, listen => ["http://127.0.0.1:$port"], silent => 1);
  $daemon->start;
  my $ua = Mojo::UserAgent->new(max_redirects => 0); $ua->server->ioloop(Mojo::IOLoop->singleton);
  my $B = "http://127.0.0.1:$port";
  my @jobs = (
    sub { $ua->get_p("$B/json") }, sub { $ua->get_p("$B/stream") }, sub { $ua->get_p("$B/missing") },
    sub { $ua->get_p("$B/nothing") }, sub { $ua->head_p("$B/json") }, sub { $ua->get_p("$B/gzip" => {'Accept-Encoding' => 'gzip'}) },
    sub { $ua->post_p("$B/upload" => {'Content-Type' => 'application/octet-stream'} => 'q' x 20000) },
    sub { $ua->post_p("$B/upload" => {Expect => '100-continue'} => 'e' x 5000) },
    sub { my $tx = $ua->build_tx(POST => "$B/upload"); my $n = 0; my $w; $w = sub { $tx->req->content->write_chunk(++$n > 3 ? '' : ('c' x 1500), $n > 3 ? undef : $w) }; $tx->req->content->write_chunk('c' x 10, $w); $ua->start_p($tx) },
    sub { $ua->max_redirects(3); $ua->get_p("$B/redirect") },
    sub { $ua->max_redirects(0); my $tx = $ua->build_tx(GET => "$B/close"); $tx->req->version('1.0'); $ua->start_p($tx) },
  );
  my $step; $step = sub {
    my $job = shift @jobs or return Mojo::IOLoop->stop;
    $job->()->then(sub { my $tx = shift; my $req = $tx->req; my $res = $tx->res;
      # a followed redirect: log the 302 first
      for my $prev (@{$tx->redirects}) { logc($prev->req->method, $prev->req->url->to_abs, $prev->res->code, $prev->res->body_size) }
      logc($req->method, $req->url->to_abs, $res->code, $res->body_size); $step->() },
      sub { print qq({"error":"$_[0]"}\n); $step->() });
  };
  Mojo::IOLoop->timer(0.1 => $step); Mojo::IOLoop->timer(20 => sub { Mojo::IOLoop->stop });
  Mojo::IOLoop->start;
} elsif ($mode eq 'lwp') {
  require HTTP::Daemon; require HTTP::Response; require LWP::UserAgent; require HTTP::Request;
  my $d = HTTP::Daemon->new(LocalAddr => '127.0.0.1', LocalPort => $port, ReuseAddr => 1) or die "listen: $!";
  my $pid = fork();
  if (!$pid) {
    alarm 30;
    while (my $c = $d->accept) {
      while (my $rq = $c->get_request) {   # HTTP::Daemon answers Expect: 100-continue itself
        my $p = $rq->uri->path;
        if ($p eq '/hello') { $c->send_response(HTTP::Response->new(200, 'Fine', ['Content-Type' => 'text/plain'], "hello from HTTP::Daemon\n")) }
        elsif ($p eq '/echo') { my $b = $rq->content; $c->send_response(HTTP::Response->new(200, undef, ['Content-Type' => 'application/json'], qq({"got":@{[length $b]},"te":"@{[$rq->header('Transfer-Encoding') // '']}"}))) }
        elsif ($p eq '/file') { $c->send_file_response('/etc/services') }
        elsif ($p eq '/cond') { $c->send_basic_header(304); print $c "ETag: \"x\"\r\n\r\n" }
        elsif ($p eq '/trailers') {
          # a chunked response with a trailer, written by hand
          $c->send_basic_header(200); print $c "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n";
          print $c "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n";
        }
        else { $c->send_error(404, 'no such thing') }
      }
      $c->close;
    }
    exit 0;
  }
  my $ua = LWP::UserAgent->new(keep_alive => 4, timeout => 10);
  my $B = "http://127.0.0.1:$port";
  my $go = sub { my $rq = shift; my $res = $ua->request($rq); logc($rq->method, $rq->uri, $res->code, length($res->content)); };
  $go->(HTTP::Request->new(GET => "$B/hello"));
  $go->(HTTP::Request->new(GET => "$B/file"));
  $go->(HTTP::Request->new(HEAD => "$B/hello"));
  $go->(HTTP::Request->new(POST => "$B/echo", ['Content-Type' => 'text/plain'], 'p' x 12345));
  my @parts = ('a' x 1000, 'b' x 2000, 'c' x 3);
  $go->(HTTP::Request->new(PUT => "$B/echo", ['Content-Type' => 'text/plain'], sub { shift @parts // '' }));
  $go->(HTTP::Request->new(POST => "$B/echo", ['Expect' => '100-continue', 'Content-Type' => 'text/plain'], 'e' x 4000));
  $go->(HTTP::Request->new(GET => "$B/cond"));
  $go->(HTTP::Request->new(GET => "$B/trailers"));
  $go->(HTTP::Request->new(GET => "$B/missing"));
  $go->(HTTP::Request->new(DELETE => "$B/hello"));
  kill 'TERM', $pid; waitpid($pid, 0);
}
