/**
 * Kafka record batches compressed with zstd (attributes bits 0-2 = 4) decode on every Node
 * (decoders/core/zstd.ts where node:zlib has no zstd). The request is from a real capture: kcat
 * 1.7.1 / librdkafka 2.0.2 (`kcat -X compression.codec=zstd -P -t c-zstd -p 0`, five JSON
 * records) against the librdkafka mock broker, on the loopback of a private network namespace.
 * librdkafka writes an RFC 8878 frame with a Window_Descriptor (2 MiB) and no content size.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/kafka/index';
import { readBatches } from '../../../decoders/kafka/records';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import type { Call } from '../../../decoders/core/model';
import { fromHex } from '../../../decoders/core/bytes';
import { nodeEnv } from '../../../cli/platform/node-env';
import { testSession } from '../../helpers/session';
import { run, assertSplitInvariant } from '../calls/harness';

// Produce v7, topic c-zstd partition 0: one batch, attributes 4 (zstd).
const PROD_ZSTD =
  '000000c30000000700000004000772646b61666b61ffffffff00007530000000010006632d7a737464000000010000000000000092000000000000000000' +
  '000086000000000242074d9b000400000004000001a201d83452000001a201d83452ffffffffffffffffffffffffffff0000000528b52ffd0058650200' +
  '44038a01000000017e7b22636f646563223a227a737464222c2269223a312c22706164223a2261227d008a010000023204330634083509000053807280' +
  '88014500d1018501915082c2db8027';
const RESP_ZSTD = '0000003600000004000000010006632d7a73746400000001000000000000000000000000000000000000000004d2000000000000000000000000';

interface Batch {
  compression: string;
  records: Array<{ offset: number; value: { value?: unknown } | null }>;
}
const publish = (calls: Call[]) => calls.find((c) => c.kind === 'publish')!;
const batchOf = (c: Call) => (c.request?.value as { batches: Batch[] }).batches[0];

/** Run the two segments with the given limit on decompressed bytes. */
function runWithLimit(prod: string, maxDecompressedBytes: number): Call[] {
  const session = testSession({ env: nodeEnv({ limits: { maxDecompressedBytes } }), flow: { server: { ip: '127.0.0.1', port: 9092 } } });
  const dec = spec.create(session) as StreamDecoder;
  const at = (frame: number, streamOffset: number) => ({ frame, tsUs: 1_000_000 + frame * 1000, streamOffset });
  const p = fromHex(prod);
  const r = fromHex(RESP_ZSTD);
  dec.data('c2s', p, at(1, 0));
  dec.data('s2c', r, at(2, 0));
  dec.end('c2s', at(2, p.length));
  dec.end('s2c', at(2, r.length));
  dec.close(at(2, 0));
  return session.calls;
}

describe('Kafka protocol guide: record batch compression, attributes codec 4 (zstd, RFC 8878)', () => {
  it('the five records of a librdkafka zstd batch', () => {
    const p = publish(run(spec, [['c2s', PROD_ZSTD], ['s2c', RESP_ZSTD]]).calls);
    assert.deepEqual(p.warnings, []);
    assert.equal(p.fields['kafka.compression'], 'zstd');
    const b = batchOf(p);
    assert.equal(b.compression, 'zstd');
    assert.deepEqual(
      b.records.map((r) => [r.offset, r.value?.value]),
      [1, 2, 3, 4, 5].map((i) => [i - 1, { codec: 'zstd', i, pad: 'a'.repeat(32) }]),
    );
  });

  it('any split gives the same calls', () => {
    assertSplitInvariant(spec, [['c2s', PROD_ZSTD], ['s2c', RESP_ZSTD]]);
  });

  it('records that decompress past maxDecompressedBytes: the limit warning, no records', () => {
    // The five records take 355 bytes once decompressed.
    const p = publish(runWithLimit(PROD_ZSTD, 354));
    assert.deepEqual(p.warnings, ['records compressed with zstd: decompressed size exceeds 354 bytes']);
    assert.deepEqual(batchOf(p).records, []);
    assert.equal(batchOf(publish(runWithLimit(PROD_ZSTD, 355))).records.length, 5);
  });

  it('a corrupt frame: a warning, no records, the call still complete', () => {
    const p = publish(run(spec, [['c2s', PROD_ZSTD.replace('28b52ffd', '28b52ffe')], ['s2c', RESP_ZSTD]]).calls);
    assert.deepEqual(p.warnings, ['records compressed with zstd: corrupt (not a zstd frame (magic number fe2fb528))']);
    assert.deepEqual(batchOf(p).records, []);
    assert.equal(p.status?.ok, true);
  });
});

describe('Kafka record values: JSON integers beyond ±2^53 keep their digits (parseJsonExact)', () => {
  /** A v2 record batch (uncompressed) holding these values, offsets 0…n-1. */
  function v2Batch(values: string[]): Uint8Array {
    const zz = (n: number) => {
      const out: number[] = [];
      let v = n >= 0 ? n * 2 : -n * 2 - 1;
      while (v >= 0x80) {
        out.push((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      out.push(v);
      return out;
    };
    const recs: number[] = [];
    values.forEach((t, i) => {
      const v = [...new TextEncoder().encode(t)];
      const body = [0, ...zz(0), ...zz(i), ...zz(-1), ...zz(v.length), ...v, ...zz(0)];
      recs.push(...zz(body.length), ...body);
    });
    const head = new Uint8Array(61);
    const dv = new DataView(head.buffer);
    dv.setInt32(8, 49 + recs.length); // batch length: from the leader epoch on
    head[16] = 2; // magic
    dv.setBigInt64(43, -1n); // producer id
    dv.setInt32(57, values.length);
    return Uint8Array.from([...head, ...recs]);
  }
  it('each value keeps its digits; one warning for the batch names the records', () => {
    const { batches } = readBatches(v2Batch(['{"id":12345678901234567890}', '{"id":1}', '[9007199254740993]']), nodeEnv());
    const b = batches[0];
    assert.deepEqual(
      b.records.map((r) => r.value?.value),
      [{ id: '12345678901234567890' }, { id: 1 }, ['9007199254740993']],
    );
    assert.deepEqual(b.warnings, ['records 0, 2: JSON value with integers beyond ±2^53, kept as exact strings (a JSON number that large loses digits as a double)']);
  });
});
