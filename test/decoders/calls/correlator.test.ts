import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlowCorrelator } from '../../../decoders/calls/correlator';
import type { Call, CallKind } from '../../../decoders/core/model';

function call(id: number, kind: CallKind, startUs: number, fields: Call['fields'] = {}, extra: Partial<Call> = {}): Call {
  return {
    id,
    protocol: 'amqp',
    kind,
    state: 'complete',
    flowId: id,
    client: { ip: '127.0.0.1', port: 40000 + id },
    server: { ip: '127.0.0.1', port: 5672 },
    method: kind,
    timing: { startUs, endUs: startUs + 100 },
    fields,
    frames: [id],
    warnings: [],
    ...extra,
  };
}

function setup(opts: { windowUs?: number; maxHeld?: number } = {}) {
  const out: Call[] = [];
  let next = 1000;
  const fc = new FlowCorrelator({ ...opts, emit: (c) => out.push(c), nextCallId: () => next++ });
  return { out, fc };
}

describe('FlowCorrelator: publish → deliveries by msg.key', () => {
  it('holds the publish until its window, links both ways, emits each call once', () => {
    const { out, fc } = setup({ windowUs: 1000 });
    fc.add(call(1, 'publish', 0, { 'msg.key': 'k' }));
    fc.add(call(2, 'deliver', 200, { 'msg.key': 'k' }));
    fc.add(call(3, 'deliver', 300, { 'msg.key': 'k' }));
    // Deliveries wait their grace time (a later publish may still be reported).
    assert.deepEqual(out.map((c) => c.id), []);
    fc.add(call(4, 'unary', 5000));
    assert.equal(out[0].links?.publishId, 1);
    assert.deepEqual(out.map((c) => c.id), [2, 3, 1, 4]);
    assert.deepEqual(out[2].links?.deliveryIds, [2, 3]);
  });
  it('a delivery reported before its publish waits a grace time and is linked', () => {
    const { out, fc } = setup();
    fc.add(call(2, 'deliver', 200, { 'msg.key': 'k' }));
    assert.equal(out.length, 0);
    fc.add(call(1, 'publish', 100, { 'msg.key': 'k' }));
    fc.flush();
    assert.equal(out[0].id, 2);
    assert.equal(out[0].links?.publishId, 1);
    assert.deepEqual(out[1].links?.deliveryIds, [2]);
  });
  it('a delivery whose publish was released is emitted unlinked', () => {
    const { out, fc } = setup({ windowUs: 10 });
    fc.add(call(1, 'publish', 0, { 'msg.key': 'k' }));
    fc.add(call(9, 'unary', 10_000));
    fc.add(call(2, 'deliver', 10_001, { 'msg.key': 'k' }));
    fc.flush();
    assert.equal(out.find((c) => c.id === 2)!.links, undefined);
    assert.equal(out.length, 3);
  });
  it('a delivery is not given to a held publish that started after it', () => {
    const { out, fc } = setup();
    fc.add(call(1, 'publish', 500, { 'msg.key': 'k' }));
    fc.add(call(2, 'deliver', 200, { 'msg.key': 'k' }));
    fc.flush();
    assert.equal(out.find((c) => c.id === 2)!.links, undefined);
  });
  it('bounds what it holds', () => {
    const { out, fc } = setup({ maxHeld: 10 });
    for (let i = 1; i <= 100; i++) fc.add(call(i, 'publish', i, { 'msg.key': `k${i}` }));
    assert.equal(out.length, 90);
    fc.flush();
    assert.equal(out.length, 100);
  });
});

describe('FlowCorrelator: broker RPC (reply-to + correlation id)', () => {
  it('synthesizes one unary call from request to reply delivery', () => {
    const { out, fc } = setup();
    fc.add(call(1, 'publish', 0, { 'msg.key': 'a', 'msg.destination': 'rpc.fare', 'msg.reply_to': 'replies', 'msg.correlation_id': 'c1' }, { request: { body: { size: 2, kind: 'json', value: { km: 7 } } } }));
    fc.add(call(2, 'deliver', 100, { 'msg.key': 'a' }));
    fc.add(call(3, 'publish', 200, { 'msg.key': 'b', 'msg.destination': 'replies', 'msg.correlation_id': 'c1' }, { request: { body: { size: 2, kind: 'json', value: { fare: 9 } } } }));
    fc.add(call(4, 'deliver', 300, { 'msg.key': 'b' }));
    fc.flush();
    const rpc = out.filter((c) => c.links?.requestId !== undefined);
    assert.equal(rpc.length, 1);
    assert.equal(rpc[0].kind, 'unary');
    assert.equal(rpc[0].method, 'rpc.fare');
    assert.deepEqual(rpc[0].links, { requestId: 1, replyId: 3 });
    assert.equal(rpc[0].timing.startUs, 0);
    assert.equal(rpc[0].timing.endUs, 400);
    assert.deepEqual(rpc[0].request?.value, { km: 7 });
    assert.deepEqual(rpc[0].response?.value, { fare: 9 });
    assert.equal(out.length, 5);
  });
  it('matches RabbitMQ direct reply-to by the rewritten name and the correlation id', () => {
    const { out, fc } = setup();
    fc.add(call(1, 'publish', 0, { 'msg.key': 'a', 'msg.destination': 'rpc', 'msg.reply_to': 'amq.rabbitmq.reply-to', 'msg.correlation_id': 'x' }));
    fc.add(call(2, 'publish', 10, { 'msg.key': 'b', 'msg.destination': 'amq.rabbitmq.reply-to.g1h2AA==.abc', 'msg.correlation_id': 'y' }));
    fc.add(call(3, 'publish', 20, { 'msg.key': 'c', 'msg.destination': 'amq.rabbitmq.reply-to.g1h2AA==.abc', 'msg.correlation_id': 'x' }));
    fc.flush();
    const rpc = out.filter((c) => c.links?.requestId !== undefined);
    assert.deepEqual(rpc.map((c) => c.links), [{ requestId: 1, replyId: 3 }]);
  });
  it('a delivery on the reply address that no client published is the reply (NATS JetStream API answered by nats-server)', () => {
    const { out, fc } = setup();
    fc.add(call(1, 'publish', 0, { 'msg.key': 'a', 'msg.destination': '$JS.API.STREAM.CREATE.HO', 'msg.reply_to': '_INBOX.X.1' }, { request: { body: { size: 2, kind: 'json', value: { name: 'HO' } } } }));
    fc.add(call(2, 'deliver', 100, { 'msg.key': 'b', 'msg.destination': '_INBOX.X.1' }, { request: { body: { size: 2, kind: 'json', value: { type: 'io.nats.jetstream.api.v1.stream_create_response' } } } }));
    fc.add(call(3, 'publish', 200, { 'msg.key': 'c', 'msg.destination': 'ho.nobody', 'msg.reply_to': '_INBOX.X.2' }));
    fc.add(call(4, 'deliver', 300, { 'msg.key': 'd', 'msg.destination': '_INBOX.X.2' }, { status: { code: 503, text: 'No Responders', ok: false } }));
    fc.flush();
    const rpc = out.filter((c) => c.links?.requestId !== undefined);
    assert.deepEqual(rpc.map((c) => [c.method, c.links, c.status]), [
      ['$JS.API.STREAM.CREATE.HO', { requestId: 1, replyId: 2 }, { code: 'reply', text: 'reply on _INBOX.X.1 (from the broker)', ok: true }],
      ['ho.nobody', { requestId: 3, replyId: 4 }, { code: 503, text: 'No Responders', ok: false }],
    ]);
    assert.deepEqual(rpc[0].response?.value, { type: 'io.nats.jetstream.api.v1.stream_create_response' });
    assert.equal(out.length, 6);
  });
  it('a delivery of a reply some client published is not taken as a broker reply too', () => {
    const { out, fc } = setup();
    fc.add(call(1, 'publish', 0, { 'msg.key': 'a', 'msg.destination': 'svc', 'msg.reply_to': '_INBOX.1' }));
    fc.add(call(2, 'deliver', 50, { 'msg.key': 'a', 'msg.destination': 'svc' }));
    fc.add(call(3, 'publish', 100, { 'msg.key': 'r', 'msg.destination': '_INBOX.1' }));
    fc.add(call(4, 'deliver', 150, { 'msg.key': 'r', 'msg.destination': '_INBOX.1' }));
    fc.flush();
    assert.deepEqual(out.filter((c) => c.links?.requestId !== undefined).map((c) => c.links), [{ requestId: 1, replyId: 3 }]);
  });
  it('a mismatching correlation id is not a reply', () => {
    const { out, fc } = setup();
    fc.add(call(1, 'publish', 0, { 'msg.destination': 'q', 'msg.reply_to': 'r', 'msg.correlation_id': '1' }));
    fc.add(call(2, 'publish', 10, { 'msg.destination': 'r', 'msg.correlation_id': '2' }));
    fc.flush();
    assert.equal(out.length, 2);
  });
});

describe('FlowCorrelator: the same payload published again (MQTT 3.1.1 §4.3.2 QoS 1: a publish completes at PUBACK)', () => {
  // Timings (µs) of a real capture: paho-mqtt 1.6.1 against mosquitto 2.0, twice the same QoS 1
  // publish of {"c": 21} to sensors/kitchen/temp, 2 s apart; the second time the broker's
  // delivery (frame 101) precedes the publisher's PUBACK (frame 103), so the second publish is
  // reported after its delivery, while the first is still held.
  const K = { 'msg.key': 'mqtt|sensors/kitchen/temp|7b2263223a2032317d' };
  const at = (id: number, kind: CallKind, start: number, end: number, flowId: number) => {
    const c = call(id, kind, start, K);
    c.timing.endUs = end;
    c.flowId = flowId;
    return c;
  };
  it('each delivery goes to the latest publish that started before it, even one reported after it', () => {
    const { out, fc } = setup();
    fc.add(at(11, 'deliver', 644_458, 644_458, 1)); // first round: delivered to sub 1 …
    fc.add(at(10, 'publish', 644_396, 644_472, 2)); // … before the PUBACK ends the publish
    fc.add(at(21, 'deliver', 2_692_602, 2_692_602, 3)); // second round: first publish still held
    fc.add(at(20, 'publish', 2_692_549, 2_692_615, 4));
    fc.flush();
    const byId = new Map(out.map((c) => [c.id, c]));
    assert.equal(out.length, 4);
    assert.deepEqual(byId.get(10)!.links?.deliveryIds, [11]);
    assert.deepEqual(byId.get(20)!.links?.deliveryIds, [21]);
    assert.equal(byId.get(21)!.links?.publishId, 20);
  });
});

describe('FlowCorrelator: a later call of the flow fails earlier ones (Call.failsCalls)', () => {
  it('a held publish takes the status and warning; the instruction does not leave the pipeline; unknown ids are ignored', () => {
    const { out, fc } = setup({ windowUs: 1000 });
    fc.add(call(1, 'publish', 0, { 'msg.key': 'k' }, { status: { code: 'sent', ok: true } }));
    const close = call(2, 'unary', 50, {}, { failsCalls: [{ id: 1, status: { code: 404, text: 'NOT_FOUND', ok: false }, warning: 'closed for this' }, { id: 77, status: { code: 'discarded', ok: false } }] });
    fc.add(close);
    fc.flush();
    const pub = out.find((c) => c.id === 1)!;
    assert.deepEqual(pub.status, { code: 404, text: 'NOT_FOUND', ok: false });
    assert.deepEqual(pub.warnings, ['closed for this']);
    assert.equal('failsCalls' in out.find((c) => c.id === 2)!, false);
  });
});

