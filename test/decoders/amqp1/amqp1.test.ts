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

  it('Part 2 §2.7.4–2.7.6: delivery ids are per session; a disposition settles the deliveries of its own session (channels mapped by begin)', () => {
    // Frame (Part 2 §2.3.1): size, doff 2, type 0, channel; then the described performative.
    const hex = (...parts: string[]) => parts.join('');
    const u = (n: number) => (n === 0 ? '43' : `52${n.toString(16).padStart(2, '0')}`); // uint0 / smalluint
    const str = (t: string) => `a1${t.length.toString(16).padStart(2, '0')}${Buffer.from(t).toString('hex')}`;
    const list = (...items: string[]) => {
      const body = items.join('');
      return `c0${(body.length / 2 + 1).toString(16).padStart(2, '0')}${items.length.toString(16).padStart(2, '0')}${body}`;
    };
    const frame = (channel: number, code: string, fields: string, payload = '') => {
      const body = `0053${code}${fields}${payload}`;
      return `${(body.length / 2 + 8).toString(16).padStart(8, '0')}0200${channel.toString(16).padStart(4, '0')}${body}`;
    };
    const ushort = (n: number) => `60${n.toString(16).padStart(4, '0')}`;
    const target = (addr: string) => `005329${list(str(addr))}`;
    const open = frame(0, '10', list(str('c')));
    // The client begins sessions on channels 0 and 1; the broker answers on 1 and 0 (remote-channel 0 and 1).
    const c2s = hex(
      '414d515000010000',
      open,
      frame(0, '11', list('40', u(0), u(100), u(100))),
      frame(1, '11', list('40', u(0), u(100), u(100))),
      frame(0, '12', list(str('a'), u(0), '42', '40', '40', '40', target('/queue/a'))),
      frame(1, '12', list(str('b'), u(0), '42', '40', '40', '40', target('/queue/b'))),
      // delivery id 0 in each session
      frame(0, '14', list(u(0), u(0), 'a00101', u(0), '42'), `005377${str('to a')}`),
      frame(1, '14', list(u(0), u(0), 'a00102', u(0), '42'), `005377${str('to b')}`),
    );
    const rejected = `005325${list(`00531d${list('a3' + '0b' + Buffer.from('amqp:denied').toString('hex'))}`)}`;
    const s2c = hex(
      '414d515000010000',
      open,
      frame(1, '11', list(ushort(0), u(0), u(100), u(100))),
      frame(0, '11', list(ushort(1), u(0), u(100), u(100))),
      // session b (broker channel 0) rejects its delivery 0 first; session a (broker channel 1) accepts its own.
      frame(0, '15', list('41', u(0), '40', '41', rejected)),
      frame(1, '15', list('41', u(0), '40', '41', '0053244' + '5')),
    );
    const { calls } = run(spec, [['c2s', c2s], ['s2c', s2c]], undefined, 5672);
    const transfers = calls.filter((c) => c.method === 'transfer').map((c) => [c.target, c.status?.code]);
    assert.deepEqual(transfers.sort(), [['/queue/a', 'accepted'], ['/queue/b', 'rejected']]);
    // The begins not captured, one session (client channel 0, broker channel 1): the disposition
    // finds the one unsettled delivery with its id.
    const late = run(
      spec,
      [
        ['c2s', hex('414d515000010000', frame(0, '12', list(str('a'), u(0), '42', '40', '40', '40', target('/queue/a'))), frame(0, '14', list(u(0), u(0), 'a00101', u(0), '42'), `005377${str('to a')}`))],
        ['s2c', hex('414d515000010000', frame(1, '15', list('41', u(0), '40', '41', rejected)))],
      ],
      undefined,
      5672,
    );
    assert.deepEqual(late.calls.filter((c) => c.method === 'transfer').map((c) => c.status?.code), ['rejected']);
  });

  it('any split gives the same calls; mutated conversations never throw', () => {
    assertSplitInvariant(spec, RHEA_RABBIT, 5672);
    fuzz(spec, [RHEA_RABBIT], 300, 9);
  });
});
