<?php
// amqp_more.php PORT: php-amqplib 3.5 over AMQPSocketConnection (the sockets extension): broker nacks
// (x-overflow reject-publish), RabbitMQ direct reply-to, a no-ack consumer, basic.recover, a consumer the broker
// cancels (its queue deleted), exchange-to-exchange binding; channels reopened on reused numbers throughout.
// One JSON line per message sent or got (check.mjs).
require_once '/usr/share/php/PhpAmqpLib/autoload.php';
use PhpAmqpLib\Connection\AMQPSocketConnection;
use PhpAmqpLib\Message\AMQPMessage;
use PhpAmqpLib\Wire\AMQPTable;
use PhpAmqpLib\Exception\AMQPTimeoutException;

$port = (int)($argv[1] ?? 22602);
function logj(array $x) { echo json_encode($x, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE), "\n"; }
function pub($ch, $body, $ex, $key, $props = [], $mandatory = false) {
  $ch->basic_publish(new AMQPMessage($body, $props), $ex, $key, $mandatory);
  logj(['kind' => 'sent', 'what' => 'publish', 'body' => $body]);
}
function drain($ch, $secs = 0.3) { try { $ch->wait(null, false, $secs); } catch (AMQPTimeoutException $e) {} catch (\PhpAmqpLib\Exception\AMQPBasicCancelException $e) { logj(['kind' => 'got', 'what' => 'cancel']); } }
$conn = new AMQPSocketConnection('127.0.0.1', $port, 'guest', 'guest', '/', false, 'AMQPLAIN', null, 'en_US', 3, false, 3, 0);

// 1. confirms with a broker nack: a queue holding 1 message that refuses more
$ch = $conn->channel();
$ch->queue_delete('hp.full');
$ch->queue_declare('hp.full', false, false, false, true, false, new AMQPTable(['x-max-length' => 1, 'x-overflow' => 'reject-publish']));
$ch->confirm_select();
$ch->set_ack_handler(function () { logj(['kind' => 'got', 'what' => 'confirm-ack']); });
$ch->set_nack_handler(function () { logj(['kind' => 'got', 'what' => 'confirm-nack']); });
pub($ch, 'fits', '', 'hp.full'); pub($ch, 'overflows', '', 'hp.full');
$ch->wait_for_pending_acks(5);
$ch->close();

// 2. direct reply-to: the client consumes amq.rabbitmq.reply-to (no-ack) and publishes with it as reply_to
$srv = $conn->channel(); $cli = $conn->channel();
$srv->queue_declare('hp.rpc2', false, false, false, true);
$srv->basic_consume('hp.rpc2', '', false, true, false, false, function ($m) use ($srv) {
  logj(['kind' => 'got', 'what' => 'deliver', 'body' => $m->getBody()]);
  $srv->basic_publish(new AMQPMessage('re:' . $m->getBody(), ['correlation_id' => $m->get('correlation_id')]), '', $m->get('reply_to'));
  logj(['kind' => 'sent', 'what' => 'publish', 'body' => 're:' . $m->getBody()]);
});
$replies = 0;
$cli->basic_consume('amq.rabbitmq.reply-to', '', false, true, false, false, function ($m) use (&$replies) { $replies++; logj(['kind' => 'got', 'what' => 'deliver', 'body' => $m->getBody()]); });
for ($i = 0; $i < 2; $i++) {
  pub($cli, "drt-$i", '', 'hp.rpc2', ['reply_to' => 'amq.rabbitmq.reply-to', 'correlation_id' => "d-$i"]);
  for ($t = 0; $replies <= $i && $t < 40; $t++) { drain($srv, 0.05); drain($cli, 0.05); }
}
$srv->close(); $cli->close();

// 3. basic.recover of an unacknowledged delivery, then ack of the redelivery
$ch = $conn->channel();
$ch->queue_declare('hp.recover', false, false, false, true);
pub($ch, 'again', '', 'hp.recover');
$n = 0;
$ch->basic_consume('hp.recover', 'rc', false, false, false, false, function ($m) use (&$n, $ch) {
  $n++; logj(['kind' => 'got', 'what' => 'deliver', 'body' => $m->getBody(), 'redelivered' => $m->isRedelivered()]);
  if ($n === 2) $m->ack();
});
for ($t = 0; $n < 1 && $t < 20; $t++) drain($ch, 0.1);
$ch->basic_recover(true);
for ($t = 0; $n < 2 && $t < 20; $t++) drain($ch, 0.1);
$ch->basic_cancel('rc');
$ch->close();

// 4. a consumer the broker cancels: its queue is deleted from another channel
$ch = $conn->channel(); $other = $conn->channel();
$ch->queue_declare('hp.doomed', false, false, false, false);
$ch->basic_consume('hp.doomed', 'doomed', false, true, false, false, function () {});
$other->queue_delete('hp.doomed');
drain($ch, 0.3);
logj(['kind' => 'info', 'what' => 'cancelled']);
$other->close(); $ch->close();

// 5. exchange-to-exchange binding with topic wildcards
$ch = $conn->channel();
$ch->exchange_declare('hp.src', 'topic', false, false, true);
$ch->exchange_declare('hp.dst', 'topic', false, false, true);
$ch->exchange_bind('hp.dst', 'hp.src', 'orders.#');
[$q] = $ch->queue_declare('', false, false, true, true);
$ch->queue_bind($q, 'hp.dst', '*.eu.*');
pub($ch, 'routed', 'hp.src', 'orders.eu.paris');
pub($ch, 'dropped', 'hp.src', 'orders.us');
usleep(200000);
$m = $ch->basic_get($q, true); logj(['kind' => 'got', 'what' => 'get', 'body' => $m->getBody()]);
$ch->close();
$conn->close();
logj(['kind' => 'info', 'what' => 'done']);
