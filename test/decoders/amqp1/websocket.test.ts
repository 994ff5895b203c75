/**
 * AMQP 1.0 over WebSocket (OASIS AMQP WebSocket Binding 1.0: subprotocol `amqp`, the AMQP bytes in
 * binary messages, message boundaries unrelated to frame boundaries), as Azure Service Bus and
 * RabbitMQ 4.1+ offer it: the rhea conversation of samples/amqp10-messages, carried that way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/websocket/index';
import type { HttpUpgradeInit } from '../../../decoders/core/handoff';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import type { Call } from '../../../decoders/core/model';
import { testSession } from '../../helpers/session';
import { RHEA_RABBIT } from './fixture';

function ws(sub: string, messages: Array<['c2s' | 's2c', Buffer]>): { calls: Call[]; warnings: string[] } {
  const init: HttpUpgradeInit = {
    kind: 'http-upgrade',
    protocol: 'websocket',
    request: { method: 'GET', uri: '/$servicebus/websocket', headers: [], startUs: 0, endUs: 0, frame: 1 },
    response: { status: 101, reason: 'Switching Protocols', headers: [['Sec-WebSocket-Protocol', sub]], startUs: 0, endUs: 0, frame: 2 },
    upgradeCallId: 1,
  };
  const s = testSession();
  const d = spec.create(s as DecoderSession, init) as StreamDecoder;
  const off = { c2s: 0, s2c: 0 };
  messages.forEach(([dir, b], i) => {
    const len = b.length < 126 ? [b.length | (dir === 'c2s' ? 0x80 : 0)] : [126 | (dir === 'c2s' ? 0x80 : 0), b.length >> 8, b.length & 255];
    const f = Buffer.concat([Buffer.from([0x82, ...len]), dir === 'c2s' ? Buffer.alloc(4) : Buffer.alloc(0), b]);
    d.data(dir, f, { frame: i + 3, tsUs: 1_000_000 + i * 1000, streamOffset: off[dir] });
    off[dir] += f.length;
  });
  d.close({ frame: 999, tsUs: 2_000_000, streamOffset: 0 });
  return { calls: s.calls, warnings: s.warnings };
}

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
