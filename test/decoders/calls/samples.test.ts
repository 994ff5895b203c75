/**
 * The broker samples decoded end to end (test replay + FlowCorrelator): facts each sample is
 * meant to show.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { replay } from './replay';
import { FlowCorrelator } from '../../../decoders/calls/correlator';
import { decoderById } from '../../../decoders/registry';
import type { Call } from '../../../decoders/core/model';

const root = join(__dirname, '../../..');
function decode(sample: string, id: string, ports: number[]): Call[] {
  const out: Call[] = [];
  const fc = new FlowCorrelator({ emit: (c) => out.push(c) });
  replay(join(root, 'samples', sample, `${sample}.pcapng`), decoderById(id)!, ports, (c) => fc.add(c));
  fc.flush();
  return out;
}
const has = (s: string) => existsSync(join(root, 'samples', s, `${s}.pcapng`));

describe('broker samples end to end', () => {
  it('ride-hailing: every publish reaches its consumer on another connection', { skip: !has('ride-hailing') }, () => {
    const calls = decode('ride-hailing', 'amqp', [5672]);
    const pubs = calls.filter((c) => c.kind === 'publish');
    assert.equal(pubs.length, 12);
    for (const p of pubs) {
      assert.equal(p.links?.deliveryIds?.length, 1, `${p.target} not delivered`);
      const d = calls.find((c) => c.id === p.links!.deliveryIds![0])!;
      assert.notEqual(d.flowId, p.flowId);
    }
  });
  it('amqp-basics: RPC via reply queue and direct reply-to, confirms, return, 404', { skip: !has('amqp-basics') }, () => {
    const calls = decode('amqp-basics', 'amqp', [5672]);
    const rpc = calls.filter((c) => c.fields['msg.rpc']);
    assert.deepEqual(rpc.map((c) => c.fields['msg.correlation_id']), ['corr-1', 'corr-2']);
    assert.ok(calls.some((c) => c.method === 'basic.return' && c.status?.code === 312));
    assert.ok(calls.some((c) => c.method === 'queue.declare' && c.status?.code === 404));
    assert.ok(calls.some((c) => c.fields['amqp.confirm'] === 'ack'));
  });
  it('mqtt-basics: QoS 2, will, MQTT 5 request/response with topic alias', { skip: !has('mqtt-basics') }, () => {
    const calls = decode('mqtt-basics', 'mqtt', [1883]);
    assert.ok(calls.some((c) => c.kind === 'deliver' && c.target === 'clients/driver-42/will'));
    assert.equal(calls.filter((c) => c.fields['msg.rpc']).length, 2);
    assert.ok(calls.some((c) => c.fields['mqtt.topic_alias'] === 1 && c.target === 'fare/quote' && c.links?.deliveryIds?.length === 1));
    assert.ok(calls.every((c) => c.warnings.length === 0));
  });
  it('kafka-basics: produced batches (one gzip) linked to their fetches', { skip: !has('kafka-basics') }, () => {
    const calls = decode('kafka-basics', 'kafka', [41753]);
    const produces = calls.filter((c) => c.kind === 'publish');
    assert.equal(produces.length, 2);
    assert.ok(produces.some((p) => p.fields['kafka.compression'] === 'gzip' && p.fields['kafka.record_count'] === 4));
    for (const p of produces) assert.equal(p.links?.deliveryIds?.length, 1);
  });
  it('stomp-basics: receipts, ACK/NACK and ERROR', { skip: !has('stomp-basics') }, () => {
    const calls = decode('stomp-basics', 'stomp', [61613]);
    assert.ok(calls.some((c) => c.method === 'MESSAGE' && c.fields['stomp.ack'] === 'ack'));
    assert.ok(calls.some((c) => c.method === 'MESSAGE' && c.fields['stomp.ack'] === 'nack'));
    assert.ok(calls.some((c) => c.status?.code === 'ERROR'));
    assert.equal(calls.filter((c) => c.status?.code === 'RECEIPT').length, 4);
  });
});
