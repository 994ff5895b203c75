<?php
// redis_more.php PORT: phpredis 5.3, more: a 1 MB value, MGET with a missing key, BLPOP timing out, a MULTI
// inside a pipeline, OPT_PREFIX, lzf compression if built in, rawCommand; then a second connection switched to
// RESP3 by rawCommand('HELLO', 3) (phpredis 5.3 has no RESP3 support of its own: it reads what it can).
$port = (int)($argv[1] ?? 22700);
function logj(array $x) { echo json_encode($x, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE), "\n"; }
$r = new Redis(); $r->connect('127.0.0.1', $port);
$r->set('big', str_repeat('x', 1000000)); logj(['what' => 'big', 'n' => strlen($r->get('big'))]);
logj(['what' => 'mget', 'v' => $r->mGet(['nx:1', 'nx:2', 'nx:3'])]);
logj(['what' => 'blpop', 'v' => $r->blPop(['empty-list'], 1)]);
$p = $r->multi(Redis::PIPELINE); $p->multi(); $p->incr('pm'); $p->incr('pm'); $p->exec(); logj(['what' => 'pipe-multi', 'v' => $p->exec()]);
$r->setOption(Redis::OPT_PREFIX, 'app:'); $r->set('pref', '1'); $r->setOption(Redis::OPT_PREFIX, '');
logj(['what' => 'lzf', 'defined' => defined('Redis::COMPRESSION_LZF')]);
if (defined('Redis::COMPRESSION_LZF')) { $r->setOption(Redis::OPT_COMPRESSION, Redis::COMPRESSION_LZF); $r->set('lzf', str_repeat('abc', 100)); logj(['what' => 'lzf-get', 'n' => strlen($r->get('lzf'))]); $r->setOption(Redis::OPT_COMPRESSION, Redis::COMPRESSION_NONE); }
logj(['what' => 'raw', 'v' => $r->rawCommand('OBJECT', 'ENCODING', 'big')]);
$r->hSet('h3', 'a', '1'); $r->zAdd('z3', 2.5, 'm');
$r->close();
$t = new Redis(); $t->connect('127.0.0.1', $port);
foreach ([['HELLO', '3'], ['HGETALL', 'h3'], ['ZRANGE', 'z3', '0', '-1', 'WITHSCORES'], ['GET', 'nothing'], ['SMEMBERS', 'noset'], ['INCRBYFLOAT', 'f', '1.5'], ['PING']] as $cmd) {
  try { $v = $t->rawCommand(...$cmd); logj(['what' => 'resp3', 'cmd' => $cmd[0], 'v' => $v]); } catch (\Throwable $e) { logj(['what' => 'resp3', 'cmd' => $cmd[0], 'err' => $e->getMessage()]); break; }
}
logj(['what' => 'done']);
