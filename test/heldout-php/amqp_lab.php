<?php
// amqp_lab.php PORT: php-amqplib 3.5 against RabbitMQ; one JSON line per message sent or got (check.mjs).
require_once '/usr/share/php/PhpAmqpLib/autoload.php';
use PhpAmqpLib\Connection\AMQPStreamConnection;
use PhpAmqpLib\Message\AMQPMessage;
use PhpAmqpLib\Wire\AMQPTable;
use PhpAmqpLib\Wire\AMQPArray;
use PhpAmqpLib\Exception\AMQPProtocolChannelException;

$port = (int)($argv[1] ?? 22602);
function logj(array $x) { echo json_encode($x, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE), "\n"; }
function pub($ch, $body, $ex, $key, $props = [], $mandatory = false) {
  $ch->basic_publish(new AMQPMessage($body, $props), $ex, $key, $mandatory);
  logj(['kind' => 'sent', 'what' => 'publish', 'body' => strlen($body) < 100 ? $body : null, 'size' => strlen($body)]);
}
$conn = new AMQPStreamConnection('127.0.0.1', $port, 'guest', 'guest', '/', false, 'AMQPLAIN', null, 'en_US', 3.0, 10.0, null, false, 0);

// 1. publisher confirms (single and batch), then basic.get with ack and no-ack, then get-empty
$ch = $conn->channel();
$ch->queue_declare('hp.confirm', false, false, false, true);
$ch->confirm_select();
$acks = 0;
$ch->set_ack_handler(function ($m) use (&$acks) { $acks++; });
pub($ch, 'confirm-1', '', 'hp.confirm');
$ch->wait_for_pending_acks(5);
for ($i = 0; $i < 5; $i++) pub($ch, "batch-$i", '', 'hp.confirm');
$ch->wait_for_pending_acks(5);
logj(['kind' => 'info', 'what' => 'acks', 'n' => $acks]);
$m = $ch->basic_get('hp.confirm'); logj(['kind' => 'got', 'what' => 'get', 'body' => $m->getBody()]); $m->ack();
$m = $ch->basic_get('hp.confirm', true); logj(['kind' => 'got', 'what' => 'get', 'body' => $m->getBody()]);
$ch->queue_purge('hp.confirm');
$m = $ch->basic_get('hp.confirm'); logj(['kind' => 'info', 'what' => 'get-empty', 'null' => $m === null]);
$ch->close();

// 2. consumer with QoS 2: ack, nack (requeue, then not), reject (requeue false)
$ch = $conn->channel();
$ch->basic_qos(0, 2, false);
$ch->queue_declare('hp.work', false, false, false, true);
foreach (['w-ack', 'w-nack', 'w-reject', 'w-ack2'] as $b) pub($ch, $b, '', 'hp.work');
$seen = 0; $requeued = false;
$ch->basic_consume('hp.work', 'hp-consumer', false, false, false, false, function ($m) use (&$seen, &$requeued) {
  $b = $m->getBody(); $seen++;
  logj(['kind' => 'got', 'what' => 'deliver', 'body' => $b, 'redelivered' => $m->isRedelivered()]);
  if ($b === 'w-nack' && !$requeued) { $requeued = true; $m->nack(true); logj(['kind' => 'sent', 'what' => 'nack', 'requeue' => true]); }
  elseif ($b === 'w-nack') { $m->nack(false); logj(['kind' => 'sent', 'what' => 'nack', 'requeue' => false]); }
  elseif ($b === 'w-reject') { $m->reject(false); logj(['kind' => 'sent', 'what' => 'reject']); }
  else { $m->ack(); logj(['kind' => 'sent', 'what' => 'ack']); }
});
while ($seen < 5) $ch->wait(null, false, 5);
$ch->basic_cancel('hp-consumer');
$ch->close();

// 3. mandatory publish with no route: basic.return
$ch = $conn->channel();
$returned = 0;
$ch->set_return_listener(function ($code, $text, $ex, $key, $m) use (&$returned) { $returned++; logj(['kind' => 'got', 'what' => 'return', 'code' => $code, 'text' => $text]); });
pub($ch, 'nobody-home', 'amq.direct', 'no.such.key', [], true);
$ch->basic_qos(0, 1, false); // round trip so the return arrives
try { $ch->wait(null, true, 0.5); } catch (\PhpAmqpLib\Exception\AMQPTimeoutException $e) {}
$ch->close();

// 4. headers exchange with every table type php-amqplib writes (its writer has no float/double; the rabbit
// dialect refuses shortstr, so 'short' goes as longstr)
$ch = $conn->channel();
$ch->exchange_declare('hp.headers', 'headers', false, false, true);
[$q] = $ch->queue_declare('', false, false, true, true);
$ch->queue_bind($q, 'hp.headers', '', false, new AMQPTable(['x-match' => 'all', 'kind' => 'typed']));
$h = new AMQPTable();
$skipped = [];
function hset($h, $k, $v, $t) { global $skipped; try { $h->set($k, $v, $t); } catch (\Throwable $e) { $skipped[] = $k; } }
hset($h, 'kind', 'typed', AMQPTable::T_STRING_LONG);
hset($h, 'short', 'shortstr', AMQPTable::T_STRING_SHORT);
hset($h, 'i8', -5, AMQPTable::T_INT_SHORTSHORT);
hset($h, 'u8', 200, AMQPTable::T_INT_SHORTSHORT_U);
hset($h, 'i16', -300, AMQPTable::T_INT_SHORT);
hset($h, 'u16', 60000, AMQPTable::T_INT_SHORT_U);
hset($h, 'i32', -70000, AMQPTable::T_INT_LONG);
hset($h, 'u32', 4000000000, AMQPTable::T_INT_LONG_U);
hset($h, 'i64', 1099511627776, AMQPTable::T_INT_LONGLONG);
hset($h, 'dec', new \PhpAmqpLib\Wire\AMQPDecimal(12345, 2), AMQPTable::T_DECIMAL);
hset($h, 'ts', 1700000000, AMQPTable::T_TIMESTAMP);
hset($h, 'bool', true, AMQPTable::T_BOOL);
hset($h, 'void', null, AMQPTable::T_VOID);
hset($h, 'bytes', "\x00\x01\xff", AMQPTable::T_BYTES);
hset($h, 'arr', new AMQPArray([1, 'two', [3, 4]]), AMQPTable::T_ARRAY);
hset($h, 'nested', new AMQPTable(['a' => 1, 'b' => ['c' => 'd']]), AMQPTable::T_TABLE);
logj(['kind' => 'info', 'what' => 'types-refused-by-library', 'keys' => $skipped]);
pub($ch, 'typed', 'hp.headers', '', ['application_headers' => $h, 'content_type' => 'text/plain', 'delivery_mode' => 2,
  'priority' => 3, 'correlation_id' => 'c-1', 'reply_to' => 'nowhere', 'expiration' => '60000', 'message_id' => 'm-1',
  'timestamp' => 1700000000, 'type' => 'typed', 'user_id' => 'guest', 'app_id' => 'amqp_lab', 'content_encoding' => 'utf-8']);
usleep(200000);
$m = $ch->basic_get($q, true);
logj(['kind' => 'got', 'what' => 'get', 'body' => $m->getBody(), 'headers' => $m->get('application_headers')->getNativeData()]);
$ch->close();

// 5. RPC with reply_to / correlation_id (a server-named reply queue), server on its own channel
$srv = $conn->channel(); $cli = $conn->channel();
$srv->queue_declare('hp.rpc', false, false, false, true);
$srv->basic_consume('hp.rpc', '', false, false, false, false, function ($m) use ($srv) {
  logj(['kind' => 'got', 'what' => 'deliver', 'body' => $m->getBody()]);
  $srv->basic_publish(new AMQPMessage('re:' . $m->getBody(), ['correlation_id' => $m->get('correlation_id')]), '', $m->get('reply_to'));
  logj(['kind' => 'sent', 'what' => 'publish', 'body' => 're:' . $m->getBody()]);
  $m->ack();
});
[$rq] = $cli->queue_declare('', false, false, true, true);
$replies = 0;
$cli->basic_consume($rq, '', false, true, false, false, function ($m) use (&$replies) { $replies++; logj(['kind' => 'got', 'what' => 'deliver', 'body' => $m->getBody(), 'corr' => $m->get('correlation_id')]); });
for ($i = 0; $i < 3; $i++) {
  pub($cli, "rpc-$i", '', 'hp.rpc', ['reply_to' => $rq, 'correlation_id' => "corr-$i"]);
  for ($t = 0; $replies <= $i && $t < 100; $t++) {
    try { $srv->wait(null, false, 0.05); } catch (\PhpAmqpLib\Exception\AMQPTimeoutException $e) {}
    try { $cli->wait(null, false, 0.05); } catch (\PhpAmqpLib\Exception\AMQPTimeoutException $e) {}
  }
}
$srv->close(); $cli->close();

// 6. large bodies (frame_max 131072: several body frames)
$ch = $conn->channel();
$ch->queue_declare('hp.big', false, false, false, true);
pub($ch, str_repeat('a', 300000), '', 'hp.big');
pub($ch, str_repeat('b', 1000000), '', 'hp.big');
$m = $ch->basic_get('hp.big', true); logj(['kind' => 'got', 'what' => 'get', 'size' => strlen($m->getBody())]);
$m = $ch->basic_get('hp.big', true); logj(['kind' => 'got', 'what' => 'get', 'size' => strlen($m->getBody())]);
$ch->close();

// 7. transactions
$ch = $conn->channel();
$ch->queue_declare('hp.tx', false, false, false, true);
$ch->tx_select();
pub($ch, 'tx-commit', '', 'hp.tx'); $ch->tx_commit();
pub($ch, 'tx-rollback', '', 'hp.tx'); $ch->tx_rollback();
$m = $ch->basic_get('hp.tx', true); logj(['kind' => 'got', 'what' => 'get', 'body' => $m->getBody()]);
$ch->close();

// 8. 404: passive declare of a missing queue, then a publish to a missing exchange
$ch = $conn->channel();
try { $ch->queue_declare('hp.missing', true); } catch (AMQPProtocolChannelException $e) { logj(['kind' => 'got', 'what' => 'close', 'code' => $e->getCode()]); }
$ch = $conn->channel();
pub($ch, 'lost', 'hp.no-such-exchange', 'x');
try { $ch->queue_declare('hp.confirm', true); } catch (AMQPProtocolChannelException $e) { logj(['kind' => 'got', 'what' => 'close', 'code' => $e->getCode()]); }
$conn->close();

// 9. heartbeats: a second connection with 1 s heartbeats, idle (checked by the library's reader)
$hb = new AMQPStreamConnection('127.0.0.1', $port, 'guest', 'guest', '/', false, 'AMQPLAIN', null, 'en_US', 3.0, 3.0, null, false, 1);
$ch = $hb->channel();
$end = microtime(true) + 3.5;
while (microtime(true) < $end) { try { $ch->wait(null, true, 0.5); } catch (\Throwable $e) {} $hb->checkHeartBeat(); }
$hb->close();
logj(['kind' => 'info', 'what' => 'done']);
