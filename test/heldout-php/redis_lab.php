<?php
// redis_lab.php PORT: phpredis 5.3 against redis-server; one JSON line per command sent (check.mjs).
$port = (int)($argv[1] ?? 22700);
function logj(array $x) { echo json_encode($x, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE), "\n"; }
$r = new Redis(); $r->connect('127.0.0.1', $port);
$r->flushAll();
$r->set('k1', 'v1'); $r->get('k1'); $r->incr('n'); $r->del('k1');
// pipeline
$p = $r->multi(Redis::PIPELINE); for ($i = 0; $i < 20; $i++) $p->set("p:$i", $i); $p->get('p:3'); $res = $p->exec();
logj(['what' => 'pipeline', 'n' => count($res)]);
// MULTI/EXEC ok, then WATCH failing
$r->multi(); $r->set('t', 1); $r->incr('t'); logj(['what' => 'exec', 'res' => $r->exec()]);
$r->watch('w'); $o = new Redis(); $o->connect('127.0.0.1', $port); $o->set('w', 'changed');
$r->multi(); $r->set('w', 'mine'); logj(['what' => 'exec-watch', 'res' => $r->exec()]);
// serializers
$r->setOption(Redis::OPT_SERIALIZER, Redis::SERIALIZER_PHP); $r->set('ser:php', ['a' => 1, 'b' => [1, 2]]); logj(['what' => 'php-ser', 'v' => $r->get('ser:php')]);
if (defined('Redis::SERIALIZER_IGBINARY')) { $r->setOption(Redis::OPT_SERIALIZER, Redis::SERIALIZER_IGBINARY); $r->set('ser:ig', ['x' => 1.5]); logj(['what' => 'igbinary', 'v' => $r->get('ser:ig')]); }
$r->setOption(Redis::OPT_SERIALIZER, Redis::SERIALIZER_NONE);
$r->set('bin', "\x00\xff\x01binary"); $r->get('bin');
// streams
$r->xAdd('s', '*', ['f' => 'v1']); $r->xAdd('s', '*', ['f' => 'v2']);
$r->xGroup('CREATE', 's', 'g', '0');
$msgs = $r->xReadGroup('g', 'c1', ['s' => '>'], 10);
foreach ($msgs['s'] ?? [] as $id => $_) $r->xAck('s', 'g', [$id]);
logj(['what' => 'xreadgroup', 'n' => count($msgs['s'] ?? [])]);
// Lua
logj(['what' => 'eval', 'v' => $r->eval("return {KEYS[1], ARGV[1], 42}", ['kk', 'aa'], 1)]);
$sha = $r->script('load', 'return 7'); $r->evalSha($sha);
// SCAN
$it = null; $n = 0; $rounds = 0; while (($keys = $r->scan($it, 'p:*', 5)) !== false) { $rounds++; $n += count($keys); if ($it === 0) break; } logj(['what' => 'scan', 'n' => $n, 'rounds' => $rounds]);
// WRONGTYPE
try { $r->lPush('k-str', 'x'); $r->set('k-str', 's'); $r->lPush('k-str', 'y'); } catch (\Throwable $e) {}
logj(['what' => 'wrongtype', 'err' => $r->getLastError()]);
$r->hSet('h', 'a', '1'); $r->hGetAll('h'); $r->zAdd('z', 1.5, 'm'); $r->zRange('z', 0, -1, true);
// pub/sub: a subscriber in a child process
$pid = pcntl_fork();
if ($pid === 0) {
  $s = new Redis(); $s->connect('127.0.0.1', $port); $s->setOption(Redis::OPT_READ_TIMEOUT, 3); $got = 0;
  try { $s->psubscribe(['news.*'], function ($rr, $pat, $ch, $msg) use (&$got) { if (++$got >= 3) $rr->punsubscribe(['news.*']); }); } catch (\RedisException $e) {}
  exit(0);
}
usleep(300000);
for ($i = 0; $i < 3; $i++) logj(['what' => 'publish', 'n' => $r->publish("news.$i", "hello $i")]);
pcntl_waitpid($pid, $st);
$r->close();
logj(['what' => 'done']);
