/**
 * AMQP 1.0 (OASIS AMQP 1.0): the type system (Part 1 §1.6), frames and performatives (Part 2),
 * messages and their outcomes (Part 3), SASL (Part 5). The conversation is samples/amqp10-messages
 * (rhea against RabbitMQ), reached through the AMQP decoder's hand-over on the `AMQP 3 1 0 0` header.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/amqp/index';
import { Amqp1Reader, Amqp1Map, Amqp1Error, plain } from '../../../decoders/amqp1/types';
import { fromHex } from '../../../decoders/core/bytes';
import { run, assertSplitInvariant, fuzz } from '../calls/harness';
import { RHEA_RABBIT } from './fixture';

const read = (hex: string) => new Amqp1Reader(fromHex(hex.replace(/ /g, ''))).value();

describe('AMQP 1.0 Part 1 §1.6: primitive and compound encodings', () => {
  it('fixed widths, variable widths, described values, lists, maps and arrays', () => {
    assert.equal(read('40'), null);
    assert.equal(read('41'), true);
    assert.equal(read('43'), 0); // uint0
    assert.equal(read('52 07'), 7); // smalluint
    assert.equal(read('54 ff'), -1); // smallint
    assert.equal(read('71 ff ff ff fe'), -2);
    assert.equal(read('80 00 20 00 00 00 00 00 01'), '9007199254740993', 'a ulong beyond 2^53 stays exact');
    assert.deepEqual(read('83 00 00 01 8b cf e5 68 00'), { timestamp: 1699999999999 + 1 });
    assert.equal(read('a1 03 61 62 63'), 'abc');
    assert.equal(read('a3 05 50 4c 41 49 4e'), 'PLAIN');
    assert.deepEqual([...(read('a0 02 ca fe') as Uint8Array)], [0xca, 0xfe]);
    assert.equal(read('98 00112233445566778899aabbccddeeff'), '00112233-4455-6677-8899-aabbccddeeff');
    assert.deepEqual(read('c0 05 02 a1 01 78 43'), ['x', 0]);
    const m = read('c1 06 02 a1 01 6b 54 05') as Amqp1Map;
    assert.ok(m instanceof Amqp1Map);
    assert.deepEqual(plain(m), { k: 5 });
    assert.deepEqual(read('e0 06 02 a3 01 61 01 62'), ['a', 'b'], 'an array of sym8');
    assert.deepEqual(read('00 53 24 45'), { descriptor: 0x24, value: [] }, 'accepted: a described empty list');
  });

  it('lengths past the frame, unknown constructors and count/size disagreements are errors, not crashes', () => {
    for (const bad of ['a1 09 61', 'b0 ff ff ff ff', 'c0 02 05 40', 'ee', 'c1 03 01 40 40']) assert.throws(() => read(bad), Amqp1Error, bad);
  });
});

describe('AMQP 1.0 over RabbitMQ (rhea): the conversation as calls', () => {
  it('SASL, open, begin, attaches, transfers with their dispositions, close', () => {
    const { calls } = run(spec, RHEA_RABBIT, undefined, 5672);
    const brief = calls.map((c) => `${c.method} ${c.kind} ${c.target ?? ''} ${c.status?.code ?? ''}`.replace(/ +/g, ' ').trim());
    assert.deepEqual(brief, [
      'sasl unary ok',
      'open unary open',
      'begin unary begin',
      'attach unary /queue/orders attach',
      'attach unary /queue/orders attach',
      'transfer publish /queue/orders accepted',
      'transfer publish /queue/orders accepted',
      'transfer publish /queue/orders accepted',
      'transfer deliver /queue/orders accepted',
      'transfer deliver /queue/orders accepted',
      'transfer deliver /queue/orders rejected',
      'close unary close',
    ]);
    const sasl = calls[0];
    assert.equal((sasl.request?.value as Record<string, unknown>)['initial-response'], 'user "guest", password (redacted)');
    const order = calls[5];
    assert.deepEqual(order.request?.headers, [['region', 'eu'], ['priority', '5']]);
    const v = order.request?.value as Record<string, Record<string, unknown>>;
    assert.equal(v.properties['message-id'], 'order-1');
    assert.equal(order.fields['amqp.subject'], 'created');
    const rejected = calls[10];
    assert.deepEqual(rejected.status, { code: 'rejected', text: 'amqp:precondition-failed: not an order', ok: false });
    assert.equal(calls[6].request?.body?.kind, 'binary');
    assert.equal(calls[5].fields['msg.key'], calls[8].fields['msg.key'], 'a publish and its delivery share msg.key');
  });

  it('the other outcomes (Part 3 §3.4): released and modified settle a delivery without success', () => {
    for (const [code, outcome] of [['26', 'released'], ['27', 'modified']]) {
      // the receiver's disposition of deliveries 0–1 (accepted, a described empty list) with another outcome
      const script = RHEA_RABBIT.map(([d, h]) => [d, d === 'c2s' && h.startsWith('0000001d') ? h.replace(/00532445$/, `0053${code}45`) : h] as ['c2s' | 's2c', string]);
      const { calls } = run(spec, script, undefined, 5672);
      const deliveries = calls.filter((c) => c.kind === 'deliver');
      assert.deepEqual(
        deliveries.map((c) => [c.status?.code, c.status?.ok]),
        [[outcome, false], [outcome, false], ['rejected', false]],
        outcome,
      );
    }
  });

  it('any split gives the same calls; mutated conversations never throw', () => {
    assertSplitInvariant(spec, RHEA_RABBIT, 5672);
    fuzz(spec, [RHEA_RABBIT], 300, 9);
  });
});
