import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec, probeAmqp } from '../../../decoders/amqp/index';
import { fromHex } from '../../../decoders/core/bytes';
import { run, assertSplitInvariant, fuzz, type Script } from '../calls/harness';
import { HEADER, QDECL, QDECL_OK, PUBLISH, HDR, BODY, DELIVER, ACK7, HEARTBEAT } from './frames';

// connection.start with a server-properties table (S, F nested, A, T, D, l, d, t, I, b, u, V)
const START =
  '010000000000a3000a000a00090000007e0770726f6475637453000000085261626269744d510c6361706162696c6974696573460000001c127075626c69736865725f636f6e6669726d737401016e49fffffffb03617272410000000662ff7500075602747354000000006553f10003646563440200003039016c6cfffffffffffffffe0164643ff80000000000000000000e504c41494e20414d51504c41494e00000005656e5f5553ce';
const START_OK = '01000000000024000a000b0000000005504c41494e0000000c00677565737400677565737405656e5f5553ce';
const CH_CLOSE_404 = '01000100000023001400280194184e4f545f464f554e44202d206e6f207175657565202778270032000ace';
const CH_CLOSE_OK = '0100010000000400140029ce';
const CONFIRM_SELECT = '010001000000050055000a00ce';
const CONFIRM_SELECT_OK = '010001000000040055000bce';
const NACK1 = '0100010000000d003c0078000000000000000100ce';

const handshake: Script = [
  ['c2s', HEADER],
  ['s2c', START],
  ['c2s', START_OK],
];

describe('AMQP 0-9-1 §4.2.2 protocol header', () => {
  it('probes AMQP 0-9-1 and rejects other bytes', () => {
    assert.equal(probeAmqp(fromHex(HEADER)), 'accept');
    assert.equal(probeAmqp(fromHex('414d51')), 'need-more');
    assert.equal(probeAmqp(fromHex('474554202f20')), 'reject');
  });
  it('reports a server that answers with another protocol header', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['s2c', '414d515000000900']]);
    assert.equal(calls[0].method, 'protocol-header');
    assert.equal(calls[0].status?.ok, false);
  });
});

// rhea 3.0.5 ↔ RabbitMQ amqp1_0: SASL header both ways, sasl-mechanisms, sasl-init (PLAIN), sasl-outcome,
// then the AMQP 1.0 header both ways and an open frame.
const A10_SASL = '414d515003010000';
const A10_SASL_MECHS = '0000003402010000005340c02701e02403b300000009414e4f4e594d4f555300000005504c41494e00000008414d51504c41494e';
const A10_SASL_INIT = '0000003402010000005341d00000002400000003a305504c41494ea00c006775657374006775657374a1093132372e302e302e31';
const A10_SASL_OUTCOME = '0000001102010000005344c00402500040';
const A10_HEADER = '414d515000010000';
const A10_OPEN = '0000002202000000005310d00000001200000001a10c68656c646f75742d72686561';

describe('AMQP 1.0 §2.2 version negotiation and §5.3 SASL layer: handed to the AMQP 1.0 decoder', () => {
  const script: Script = [
    ['c2s', A10_SASL], ['s2c', A10_SASL], ['s2c', A10_SASL_MECHS], ['c2s', A10_SASL_INIT], ['s2c', A10_SASL_OUTCOME],
    ['c2s', A10_HEADER], ['s2c', A10_HEADER], ['c2s', A10_OPEN],
  ];
  it('the SASL exchange is a call; the open, unanswered in this capture, waits; no frame warnings', () => {
    const { calls, session } = run(spec, script);
    assert.deepEqual(calls.map((c) => [c.method, c.state, c.status?.code]), [['sasl', 'complete', 'ok'], ['open', 'incomplete', undefined]]);
    assert.equal(calls[0].fields['amqp.version'], '1.0');
    assert.deepEqual(session.warnings, []);
  });
  it('gives the same result whatever the split', () => {
    assertSplitInvariant(spec, script);
  });
  it('another version (AMQP 0-10) is still one event naming it, not decoded', () => {
    const { calls } = run(spec, [['c2s', '414d5150010100 0a'.replace(/ /g, '')]]);
    assert.equal(calls.length, 1);
    assert.match(calls[0].warnings[0] ?? '', /is not decoded/);
  });
});

describe('AMQP 0-9-1 §4.2.3 general frame format', () => {
  it('checks the frame-end octet and resynchronises', () => {
    const bad = HEARTBEAT.slice(0, -2) + '00';
    const { calls, session } = run(spec, [['c2s', HEADER], ['s2c', bad + HEARTBEAT]]);
    assert.ok(session.warnings.some((w) => w.includes('not 0xce')));
    assert.equal(calls.filter((c) => c.method === 'heartbeat').length, 1);
  });
  it('bounds frame sizes (a size lie is a warning, not a buffer)', () => {
    const { session } = run(spec, [['c2s', HEADER], ['s2c', '0100007fffffff0000']]);
    assert.ok(session.warnings.some((w) => w.includes('implausible')));
  });
  it('heartbeat frames are events', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['s2c', HEARTBEAT], ['c2s', HEARTBEAT]]);
    assert.deepEqual(calls.map((c) => [c.kind, c.method]), [['event', 'heartbeat'], ['event', 'heartbeat']]);
  });
});

describe('AMQP 0-9-1 §4.2.5 field tables (with RabbitMQ types)', () => {
  it('decodes nested tables, arrays, timestamps, decimals and signed integers', () => {
    const { calls } = run(spec, handshake);
    const v = calls[0].request!.value as Record<string, unknown>;
    const props = v['server-properties'] as Record<string, unknown>;
    assert.equal(props.product, 'RabbitMQ');
    assert.deepEqual(props.capabilities, { publisher_confirms: true, n: -5 });
    assert.deepEqual(props.arr, [-1, 7, null]);
    assert.equal(props.ts, 1700000000);
    assert.equal(props.dec, 123.45);
    assert.equal(props.l, -2);
    assert.equal(props.d, 1.5);
    assert.equal(calls[0].method, 'connection.start');
    assert.equal(calls[0].state, 'complete');
    assert.equal((calls[0].response!.value as Record<string, unknown>).mechanism, 'PLAIN');
  });
});

describe('AMQP 0-9-1 §4.2.6 method frames: synchronous method → -Ok', () => {
  it('pairs queue.declare with declare-ok as one unary call', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['c2s', QDECL], ['s2c', QDECL_OK]]);
    assert.equal(calls.length, 1);
    const c = calls[0];
    assert.equal(c.kind, 'unary');
    assert.equal(c.method, 'queue.declare');
    assert.equal(c.target, 'tasks');
    assert.equal(c.fields['amqp.queue'], 'tasks');
    assert.equal(c.fields['amqp.message_count'], 3);
    assert.deepEqual(c.frames, [2, 3]);
    assert.equal(c.timing.startUs, 1_001_000);
    assert.equal(c.timing.endUs, 1_002_000);
  });
  it('channel.close 404 fails the method it names', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['c2s', QDECL], ['s2c', CH_CLOSE_404], ['c2s', CH_CLOSE_OK]]);
    const decl = calls.find((c) => c.method === 'queue.declare')!;
    assert.equal(decl.status?.code, 404);
    assert.equal(decl.status?.ok, false);
    const close = calls.find((c) => c.method === 'channel.close')!;
    assert.equal(close.status?.code, 404);
    assert.equal(close.state, 'complete');
  });
});

describe('AMQP 0-9-1 §4.2.4 channel.close naming basic.publish (amqp-publish to a missing exchange, RabbitMQ 3.10)', () => {
  // The broker's channel.close: 404 "NOT_FOUND - no exchange 'rides' in vhost '/'", class-id 60, method-id 40
  const CLOSE_PUB_404 = '010001000000370014002801942c4e4f545f464f554e44202d206e6f2065786368616e6765202772696465732720696e2076686f737420272f27003c0028ce';
  it('the publish to that exchange fails (applied by the flow correlator), the ones after it were ignored, the close links to it', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['c2s', QDECL], ['s2c', QDECL_OK], ['c2s', PUBLISH], ['c2s', HDR], ['c2s', BODY], ['c2s', PUBLISH], ['c2s', HDR], ['c2s', BODY], ['s2c', CLOSE_PUB_404]]);
    const pubs = calls.filter((c) => c.method === 'basic.publish');
    const close = calls.find((c) => c.method === 'channel.close')!;
    assert.equal(close.links?.requestId, pubs[0].id);
    assert.deepEqual(close.failsCalls, [
      { id: pubs[0].id, status: { code: 404, text: "NOT_FOUND - no exchange 'rides' in vhost '/'", ok: false }, warning: 'the broker closed channel 1 for this publish' },
      { id: pubs[1].id, status: { code: 'discarded', text: 'ignored: sent after a publish the broker closed the channel for (404)', ok: false } },
    ]);
  });
  it('publishes the broker took before answering a later method are not named', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['c2s', PUBLISH], ['c2s', HDR], ['c2s', BODY], ['c2s', QDECL], ['s2c', QDECL_OK], ['s2c', CLOSE_PUB_404]]);
    const close = calls.find((c) => c.method === 'channel.close')!;
    assert.equal(close.failsCalls, undefined);
    assert.equal(close.status?.code, 404);
  });
});

describe('AMQP 0-9-1 §1.8.3.8 basic.return: a mandatory publish the broker could not route (bunny 2.19, RabbitMQ 3.10)', () => {
  // Channel 3: basic.publish to exchange 'hr.direct', routing key 'no.such.key', mandatory; content header
  // (content-type application/octet-stream, delivery-mode 2, priority 0); body "nobody-home". Then the broker's
  // basic.return 312 NO_ROUTE with the same message.
  const PUB = '0100030000001d003c002800000968722e6469726563740b6e6f2e737563682e6b657901ce';
  const PUB_PLAIN = PUB.replace(/01ce$/, '00ce'); // the same publish without the mandatory bit
  const CONTENT = '02000300000029003c0000000000000000000b9800186170706c69636174696f6e2f6f637465742d73747265616d0200ce0300030000000b6e6f626f64792d686f6d65ce';
  const RETURN = '01000300000025003c00320138084e4f5f524f5554450968722e6469726563740b6e6f2e737563682e6b6579ce' + CONTENT;
  const script: Script = [['c2s', HEADER], ['c2s', PUB_PLAIN + CONTENT], ['c2s', PUB + CONTENT], ['s2c', RETURN]];
  it('the return fails the mandatory publish (applied by the flow correlator) and links to it; the plain one stands', () => {
    const { calls } = run(spec, script);
    const pubs = calls.filter((c) => c.method === 'basic.publish');
    const ret = calls.find((c) => c.method === 'basic.return')!;
    assert.deepEqual(pubs.map((c) => c.status), [{ code: 'sent', ok: true }, { code: 'sent', ok: true }]);
    assert.equal(pubs[0].fields['msg.key'], pubs[1].fields['msg.key']);
    assert.equal(ret.links?.requestId, pubs[1].id);
    assert.deepEqual(ret.failsCalls, [{ id: pubs[1].id, status: { code: 312, text: 'NO_ROUTE', ok: false }, warning: 'returned by the broker: 312 NO_ROUTE' }]);
    assert.equal(ret.fields['msg.key'], undefined);
  });
  it('a return for a publish the broker took before answering a later method names none', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['c2s', PUB + CONTENT], ['c2s', QDECL.replace(/^01000100/, '01000300')], ['s2c', QDECL_OK.replace(/^01000300|^01000100/, '01000300')], ['s2c', RETURN]]);
    const ret = calls.find((c) => c.method === 'basic.return')!;
    assert.equal(ret.failsCalls, undefined);
    assert.equal(ret.status?.code, 312);
  });
  it('split anywhere', () => assertSplitInvariant(spec, script));
});

describe('AMQP 0-9-1 §1.8.3.16 basic.recover: the unacknowledged deliveries come back (bunny 2.19, RabbitMQ 3.10)', () => {
  // Channel 9: basic.consume (manual ack) and its -ok with the first delivery (tag 1, body "again") in one
  // segment; basic.recover requeue=1 and recover-ok; the redelivery (tag 2, redelivered) and its basic.ack.
  const CONSUME = '01000900000037003c001400000a68722e7265636f7665722062756e6e792d313739353430313438303030302d3835343235383133393436380000000000ce';
  const CONTENT = '02000900000029003c000000000000000000059800186170706c69636174696f6e2f6f637465742d73747265616d0200ce03000900000005616761696ece';
  const CONSUME_OK_DELIVER1 =
    '01000900000025003c00152062756e6e792d313739353430313438303030302d383534323538313339343638ce0100090000003a003c003c2062756e6e792d313739353430313438303030302d383534323538313339343638000000000000000100000a68722e7265636f766572ce' + CONTENT;
  const RECOVER = '01000900000005003c006e01ce';
  const RECOVER_OK = '01000900000004003c006fce';
  const DELIVER2 = '0100090000003a003c003c2062756e6e792d313739353430313438303030302d383534323538313339343638000000000000000201000a68722e7265636f766572ce' + CONTENT;
  const ACK2 = '0100090000000d003c0050000000000000000200ce';
  const script: Script = [['c2s', HEADER], ['c2s', CONSUME], ['s2c', CONSUME_OK_DELIVER1], ['c2s', RECOVER], ['s2c', RECOVER_OK], ['s2c', DELIVER2], ['c2s', ACK2]];
  it('the first delivery ends at the recover, requeued; the redelivery is acknowledged; the recover is its own call', () => {
    const { calls } = run(spec, script);
    const dels = calls.filter((c) => c.method === 'basic.deliver').sort((a, b) => a.id - b.id);
    assert.deepEqual(dels.map((c) => [c.fields['amqp.delivery_tag'], c.fields['amqp.ack'], c.status]), [
      [1, 'recover', { code: 'recovered', text: 'requeued (basic.recover)', ok: false }],
      [2, 'ack', { code: 'delivered', ok: true }],
    ]);
    assert.equal(dels[0].fields['msg.key'], dels[1].fields['msg.key']);
    const rec = calls.find((c) => c.method === 'basic.recover')!;
    assert.deepEqual([rec.kind, rec.status?.text], ['unary', 'basic.recover-ok']);
  });
  it('split anywhere', () => assertSplitInvariant(spec, script));
});

describe('AMQP 0-9-1 §1.9 class tx: a tx.rollback discards the publishes since the last commit', () => {
  // method frames on channel 1: tx.select (90/10), -ok (90/11), tx.commit (90/20), -ok (90/21), tx.rollback (90/30), -ok (90/31)
  const m = (cls: number, meth: number) => `0100010000000400${cls.toString(16)}00${meth.toString(16).padStart(2, '0')}ce`;
  it('the publishes before the commit stand; those after it are marked rolled back (applied by the flow correlator)', () => {
    const pub: Script = [['c2s', PUBLISH], ['c2s', HDR], ['c2s', BODY]];
    const { calls } = run(spec, [['c2s', HEADER], ['c2s', m(90, 10)], ['s2c', m(90, 11)], ...pub, ['c2s', m(90, 20)], ['s2c', m(90, 21)], ...pub, ...pub, ['c2s', m(90, 30)], ['s2c', m(90, 31)]]);
    assert.deepEqual(calls.filter((c) => c.method.startsWith('tx.')).map((c) => [c.method, c.state]), [['tx.select', 'complete'], ['tx.commit', 'complete'], ['tx.rollback', 'complete']]);
    const pubs = calls.filter((c) => c.method === 'basic.publish');
    const rollback = calls.find((c) => c.method === 'tx.rollback')!;
    assert.deepEqual(rollback.failsCalls?.map((f) => f.id), [pubs[1].id, pubs[2].id]);
    assert.deepEqual(rollback.failsCalls?.[0].status, { code: 'rolled back', text: 'not delivered (tx.rollback)', ok: false });
    assert.equal(calls.find((c) => c.method === 'tx.commit')!.failsCalls, undefined);
  });
});

describe('AMQP 0-9-1 §4.2.6.2 content header and body frames', () => {
  it('basic.publish + header + body is one publish with properties and msg keys', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['c2s', PUBLISH], ['c2s', HDR], ['c2s', BODY]]);
    const p = calls[0];
    assert.equal(p.kind, 'publish');
    assert.equal(p.target, 'rides/trip.requested');
    assert.equal(p.fields['amqp.exchange'], 'rides');
    assert.equal(p.fields['amqp.routing_key'], 'trip.requested');
    assert.equal(p.fields['msg.reply_to'], 'replies');
    assert.equal(p.fields['msg.correlation_id'], 'c-1');
    assert.equal(p.fields['msg.key'], 'amqp|rides/trip.requested|11|' + p.fields['msg.key']!.toString().split('|')[3]);
    assert.deepEqual(p.request!.body!.value, { trip: 42 });
    assert.equal(p.request!.body!.contentType, 'application/json');
    assert.deepEqual(p.frames, [2, 3, 4]);
  });
  it('basic.deliver is held until the consumer acks, and carries the ack', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['s2c', DELIVER], ['s2c', HDR], ['s2c', BODY], ['c2s', ACK7]]);
    assert.equal(calls.length, 1);
    const d = calls[0];
    assert.equal(d.kind, 'deliver');
    assert.equal(d.fields['amqp.delivery_tag'], 7);
    assert.equal(d.fields['amqp.consumer_tag'], 'ctag-1');
    assert.equal(d.fields['amqp.ack'], 'ack');
    assert.deepEqual(d.frames, [2, 3, 4, 5]);
  });
  it('a message cut by the end of the capture is incomplete', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['c2s', PUBLISH], ['c2s', HDR]]);
    assert.equal(calls[0].state, 'incomplete');
  });
});

describe('RabbitMQ extension: publisher confirms', () => {
  it('a nacked publish shows the nack', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['c2s', CONFIRM_SELECT], ['s2c', CONFIRM_SELECT_OK], ['c2s', PUBLISH + HDR + BODY], ['s2c', NACK1]]);
    const p = calls.find((c) => c.kind === 'publish')!;
    assert.equal(p.fields['amqp.confirm'], 'nack');
    assert.equal(p.status?.ok, false);
  });
});

describe('RabbitMQ extension: consumer cancel notification (basic.cancel sent by the broker)', () => {
  // Real frames (RabbitMQ 3.10 and pika 1.3, frames 144, 161, 165 of the capture): the queue of
  // consumer ctag1.e314… was deleted, the broker cancels it (no-wait), pika later cancels it too.
  const BROKER_CANCEL = '0100010000002c003c001e2663746167312e653331343835623738346164343262663937663138353539383837316661663301ce';
  const CLIENT_CANCEL = '0100010000002c003c001e2663746167312e653331343835623738346164343262663937663138353539383837316661663300ce';
  const CANCEL_OK = '0100010000002b003c001f2663746167312e6533313438356237383461643432626639376631383535393838373166616633ce';
  const script: Script = [['c2s', HEADER], ['s2c', BROKER_CANCEL], ['c2s', CLIENT_CANCEL], ['s2c', CANCEL_OK]];
  it('is an event from the broker, not a oneway call of the client', () => {
    const { calls } = run(spec, script);
    const [broker, client] = calls.filter((c) => c.method === 'basic.cancel');
    assert.equal(broker.kind, 'event');
    assert.equal(broker.fields['amqp.direction'], 's2c');
    assert.equal(broker.status?.code, 'cancelled');
    assert.equal(broker.target, 'ctag1.e31485b784ad42bf97f185598871faf3');
    assert.equal(client.kind, 'unary');
    assert.equal(client.fields['amqp.direction'], undefined);
    assert.equal(client.status?.text, 'basic.cancel-ok');
  });
  it('split anywhere', () => assertSplitInvariant(spec, script));
});

describe('AMQP split invariance and robustness', () => {
  const scripts: Script[] = [
    [...handshake, ['c2s', QDECL], ['s2c', QDECL_OK + HEARTBEAT]],
    [['c2s', HEADER], ['c2s', PUBLISH + HDR], ['c2s', BODY], ['s2c', DELIVER + HDR + BODY], ['c2s', ACK7]],
    [['c2s', HEADER], ['c2s', CONFIRM_SELECT], ['s2c', CONFIRM_SELECT_OK], ['c2s', PUBLISH + HDR + BODY], ['s2c', NACK1], ['s2c', CH_CLOSE_404], ['c2s', CH_CLOSE_OK]],
  ];
  it('gives identical calls whatever the split', () => {
    for (const s of scripts) assertSplitInvariant(spec, s);
  });
  it('never throws on mutated input', () => {
    fuzz(spec, scripts, 300);
  });
});

describe('AMQP 0-9-1 §4.2.6 channel.close: a peer that hangs up instead of sending channel.close-ok', () => {
  // librabbitmq's amqp-get on a missing queue: basic.get, the broker's channel.close 404, then the
  // client closes the TCP connection without channel.close-ok (RabbitMQ 3.10 answers with a RST).
  const GET_MISSING = '01000100000015003c004600000d6e6f2d737563682d717565756501ce';
  const CLOSE_404 = '0100010000003c001400280194314e4f545f464f554e44202d206e6f20717565756520276e6f2d737563682d71756575652720696e2076686f737420272f27003c0046ce';
  it('the basic.get fails with 404, the unanswered channel.close is aborted (not cut by the capture)', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['c2s', GET_MISSING], ['s2c', CLOSE_404]], undefined, undefined, 'rst');
    const get = calls.find((c) => c.method === 'basic.get')!;
    assert.equal(get.status?.code, 404);
    assert.equal(get.state, 'complete');
    const close = calls.find((c) => c.method === 'channel.close')!;
    assert.equal(close.status?.code, 404);
    assert.equal(close.state, 'aborted');
    assert.deepEqual(close.warnings, ['no reply to channel.close: the connection was reset (TCP RST) first']);
  });
  it('still says "end of the capture" when the capture stops first', () => {
    const { calls } = run(spec, [['c2s', HEADER], ['c2s', GET_MISSING], ['s2c', CLOSE_404]]);
    const close = calls.find((c) => c.method === 'channel.close')!;
    assert.equal(close.state, 'incomplete');
    assert.deepEqual(close.warnings, ['no reply to channel.close before the end of the capture']);
  });
});

// php-amqplib 3.5.3 ↔ RabbitMQ 3.10 (test/heldout-php): channel 1 in confirm mode publishes 'confirm-1' (acked),
// is closed with reply-code 0 and no text (php-amqplib's ordinary close), and channel number 1 is opened again
// for a channel without confirms that publishes 'w-ack' to hp.work.
describe('AMQP 0-9-1 §1.5.2 channel.close with code 0 and a reused channel number (php-amqplib)', () => {
  const PHP_CH_OPEN = '010001000000050014000a00ce';
  const PHP_CH_OPEN_OK = '010001000000080014000b00000000ce';
  const PHP_PUB_CONFIRM = '01000100000013003c00280000000a68702e636f6e6669726d00ce';
  const PHP_HDR_9 = '0200010000000e003c000000000000000000090000ce';
  const PHP_BODY_CONFIRM = '03000100000009636f6e6669726d2d31ce';
  const PHP_ACK1 = '0100010000000d003c0050000000000000000100ce';
  const PHP_CH_CLOSE_0 = '0100010000000b0014002800000000000000ce';
  const PHP_CH_CLOSE_OK = '0100010000000400140029ce';
  const PHP_PUB_WORK = '01000100000010003c00280000000768702e776f726b00ce';
  const PHP_HDR_5 = '0200010000000e003c000000000000000000050000ce';
  const PHP_BODY_WACK = '03000100000005772d61636bce';
  const script: Script = [
    ...handshake,
    ['c2s', PHP_CH_OPEN], ['s2c', PHP_CH_OPEN_OK],
    ['c2s', CONFIRM_SELECT], ['s2c', CONFIRM_SELECT_OK],
    ['c2s', PHP_PUB_CONFIRM + PHP_HDR_9 + PHP_BODY_CONFIRM], ['s2c', PHP_ACK1],
    ['c2s', PHP_CH_CLOSE_0], ['s2c', PHP_CH_CLOSE_OK],
    ['c2s', PHP_CH_OPEN], ['s2c', PHP_CH_OPEN_OK],
    ['c2s', PHP_PUB_WORK + PHP_HDR_5 + PHP_BODY_WACK],
  ];
  it('reports the close with code 0 and no text as a normal close', () => {
    const { calls } = run(spec, script);
    const close = calls.find((c) => c.method === 'channel.close')!;
    assert.equal(close.status?.ok, true);
    assert.equal(close.status?.code, 0);
  });
  it('starts the reopened channel without confirm mode: its publish waits for no confirm', () => {
    const { calls } = run(spec, script);
    const pubs = calls.filter((c) => c.method === 'basic.publish');
    assert.equal(pubs.length, 2);
    assert.equal(pubs[0].status?.ok, true);
    const work = pubs.find((c) => c.request?.body?.text === 'w-ack')!;
    assert.equal(work.fields['amqp.publish_seq'], undefined);
    assert.deepEqual(work.warnings, []);
  });
});
