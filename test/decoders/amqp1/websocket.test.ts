/**
 * AMQP 1.0 over WebSocket (OASIS AMQP WebSocket Binding 1.0: subprotocol `amqp`, the AMQP bytes in
 * binary messages, message boundaries unrelated to frame boundaries), as Azure Service Bus and
 * RabbitMQ 4.1+ offer it: the rhea conversation of samples/amqp10-messages, carried that way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feedWs, wsFrame } from '../websocket/ws-feed';
import { RHEA_RABBIT } from './fixture';

const ws = (sub: string, messages: Array<['c2s' | 's2c', Buffer]>) =>
  feedWs('/$servicebus/websocket', [['Sec-WebSocket-Protocol', sub]], messages.map(([d, b]) => [d, wsFrame(d, b, 0x82)]));

describe('AMQP 1.0 over WebSocket (subprotocol amqp)', () => {
  it('the AMQP calls come out of the binary messages, marked with the subprotocol', () => {
    const { calls, warnings } = ws('amqp', RHEA_RABBIT.map(([d, h]) => [d, Buffer.from(h, 'hex')]));
    assert.deepEqual(warnings, []);
    assert.equal(calls.length, 12);
    assert.ok(calls.every((c) => c.protocol === 'amqp' && c.fields['websocket.subprotocol'] === 'amqp'));
    assert.equal(calls.filter((c) => c.kind === 'publish').length, 3);
  });

  it('messages cut anywhere (a frame across two messages) give the same calls', () => {
    const all = RHEA_RABBIT.map(([d, h]) => [d, Buffer.from(h, 'hex')] as ['c2s' | 's2c', Buffer]);
    const split: Array<['c2s' | 's2c', Buffer]> = [];
    for (const [d, b] of all) if (b.length > 3) split.push([d, b.subarray(0, 3)], [d, b.subarray(3)]);
    else split.push([d, b]);
    const a = ws('amqp', all).calls.map((c) => `${c.method} ${c.status?.code}`);
    const b = ws('amqp', split).calls.map((c) => `${c.method} ${c.status?.code}`);
    assert.deepEqual(b, a);
  });

  it('a subprotocol named after an Object property is no tunnel (and no crash)', () => {
    for (const sub of ['constructor', '__proto__', 'toString']) {
      const { calls } = ws(sub, [['c2s', Buffer.from('hello')]]);
      assert.equal(calls[0].protocol, 'websocket', sub);
    }
  });
});
