/**
 * RabbitMQ dead lettering (rabbitmq.com/docs/dlx): a message rejected from a queue with a dead-letter
 * exchange is delivered again through that exchange, with an `x-death` header (an array of tables,
 * most recent death first: reason, queue, exchange and routing-keys it was published with) and the
 * x-first-death-* headers. Real frames: RabbitMQ's Java client 5.0 (Debian librabbitmq-client-java)
 * against rabbitmq-server 3.10 (test/heldout-java/rabbit/RabbitLab.java), channel 6: a publish to
 * `hj.live` (declared with x-dead-letter-exchange hj.dlx), basic.get + nack (requeue false), then
 * basic.get from `hj.dead` (bound to hj.dlx) answered with the dead-lettered copy.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deadLetterOrigin, spec } from '../../../decoders/amqp/index';
import { run, type Script } from '../calls/harness';
import { HEADER } from './frames';

const PUBLISH = '01000600000010003c002800000007686a2e6c69766500ce';
const HDR = '02000600000015003c00000000000000000006008006646f6f6d6564ce';
const BODY = '03000600000006646f6f6d6564ce';
const GET_LIVE = '0100060000000f003c0046000007686a2e6c69766500ce';
const GET_OK_LIVE = '0100060000001a003c00470000000000000001000007686a2e6c69766500000000ce';
const NACK = '0100060000000d003c0078000000000000000100ce';
const GET_DEAD = '0100060000000f003c0046000007686a2e6465616401ce';
const GET_OK_DEAD = '01000600000020003c004700000000000000020006686a2e646c7807686a2e6c69766500000000ce';
const HDR_DEAD =
  '020006000000f8003c000000000000000000062080000000df07782d64656174684100000074460000006f05636f756e746c000000000000000106726561736f6e530000000872656a65637465640571756575655300000007686a2e6c6976650474696d6554000000006b038a070865786368616e676553000000000c726f7574696e672d6b657973410000000c5300000007686a2e6c69766516782d66697273742d64656174682d65786368616e6765530000000013782d66697273742d64656174682d71756575655300000007686a2e6c69766514782d66697273742d64656174682d726561736f6e530000000872656a656374656406646f6f6d6564ce';

describe('AMQP 0-9-1: a dead-lettered delivery (RabbitMQ x-death)', () => {
  it('is keyed as the message first published, so that it joins that publish; reason and origin are fields', () => {
    const script: Script = [
      ['c2s', HEADER],
      ['c2s', PUBLISH + HDR + BODY],
      ['c2s', GET_LIVE],
      ['s2c', GET_OK_LIVE + HDR + BODY],
      ['c2s', NACK],
      ['c2s', GET_DEAD],
      ['s2c', GET_OK_DEAD + HDR_DEAD + BODY],
    ];
    const { calls } = run(spec, script, undefined, 5672);
    const pub = calls.find((c) => c.method === 'basic.publish')!;
    const copies = calls.filter((c) => c.method === 'basic.get-ok');
    assert.equal(copies.length, 2);
    const [first, dead] = copies[0].fields['amqp.exchange'] === 'hj.dlx' ? [copies[1], copies[0]] : [copies[0], copies[1]];
    assert.equal(first.fields['msg.key'], pub.fields['msg.key']);
    assert.equal(dead.fields['msg.key'], pub.fields['msg.key']);
    assert.equal(dead.target, 'hj.dlx/hj.live');
    assert.equal(dead.fields['amqp.dead_letter_reason'], 'rejected');
    assert.equal(dead.fields['amqp.dead_letter_from'], 'hj.live');
    const deaths = ((dead.request?.value as { properties: { headers: Record<string, unknown> } }).properties.headers['x-death']) as Array<Record<string, unknown>>;
    assert.deepEqual(deaths[0]['routing-keys'], ['hj.live']);
    assert.equal(first.fields['amqp.dead_letter_reason'], undefined);
  });
});

describe('AMQP 0-9-1: the first death of a message dead-lettered more than once', () => {
  // A retry cycle: rejected from work (published to ex/job), expired from retry (via the DLX), rejected
  // from work again: that entry is counted and moved to the front, the first death is not the last entry.
  const live = { count: 2, reason: 'rejected', queue: 'work', exchange: 'ex', 'routing-keys': ['job'] };
  const retry = { count: 1, reason: 'expired', queue: 'retry', exchange: 'dlx', 'routing-keys': ['job.retry'] };
  it('is the x-death entry x-first-death-queue and -reason name', () => {
    const headers = { 'x-death': [live, retry], 'x-first-death-queue': 'work', 'x-first-death-reason': 'rejected', 'x-first-death-exchange': 'ex' };
    assert.deepEqual(deadLetterOrigin({ headers }), { dest: 'ex/job', reason: 'rejected' });
  });
  it('is the last entry without those headers', () => {
    assert.deepEqual(deadLetterOrigin({ headers: { 'x-death': [live, retry] } }), { dest: 'dlx/job.retry', reason: 'expired' });
    assert.equal(deadLetterOrigin({ headers: {} }), undefined);
  });
});
