/**
 * Legacy message sets (Kafka protocol guide, "Messages (aka Records)" / "Message sets", magic 0
 * and 1): Kafka 0.8–0.10 clients, and the captures made with them, send each message with its
 * own offset and size; a compressed message is a wrapper whose value is a whole message set,
 * compressed with the codec in its attributes. The fixtures are the bytes kafka-python 2.0.2's
 * own LegacyRecordBatchBuilder writes (three messages, keys k0..k2, values {"i":0..2}).
 */
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readBatches } from '../../../decoders/kafka/records';
import { fromHex } from '../../../decoders/core/bytes';
import { nodeEnv } from '../../../cli/platform/node-env';

// magic 1, attributes 1 (gzip): wrapper offset 0, timestamp 0, key null, value = gzip(3 messages).
const M1_GZIP =
  '00000000000000000000006f495d75d201010000000000000000ffffffff000000591f8b08000a10036b02ff63608003f94b2cbaf318810cc685efc2e240224cd9064092bd5a2953c9caa016aa0ca4427eff8b678170a58c60a58670a58630a54c20a59c777731c0953281951ac1951ad50200eeb33f7281000000';
// magic 0, attributes 1 (gzip).
const M0_GZIP =
  '00000000000000000000005882284a3b0001ffffffff0000004a1f8b08000a10036b02ff6360800371bd3571c5601653b6019064af56ca54b232a8854a338294ac11528e852a31842b318429610229f9b070511e5489115c89512d009f8bf0c569000000';
// magic 1, attributes 3 (LZ4 frame).
const M1_LZ4 =
  '00000000000000000000008d3d2ae4bd01030000000000000000ffffffff0000007704224d1868408100000000000000426000000016000100e01fd2042d9e0100000001a1ee565e1800e0026b30000000077b2269223a307d1200001e00850000001fbfe8e6512b0000090035026b312b0014312b0010022b003109ddba3400015600001200e0026b32000000077b2269223a327d00000000';

const env = nodeEnv();
const read = (hex: string) => readBatches(fromHex(hex), env);
const recordsOf = (hex: string) => {
  const { batches, partialBytes } = read(hex);
  assert.equal(partialBytes, 0);
  assert.equal(batches.length, 1);
  assert.deepEqual(batches[0].warnings, []);
  return batches[0];
};

describe('Kafka protocol guide, Message sets: compressed legacy messages (magic 0 and 1)', () => {
  it('magic 1 gzip: the wrapper is read through to its three messages, offsets relative to a producer wrapper kept', () => {
    const b = recordsOf(M1_GZIP);
    assert.equal(b.magic, 1);
    assert.equal(b.compression, 'gzip');
    assert.equal(b.recordCount, 3);
    assert.deepEqual(
      b.records.map((r) => [r.offset, r.timestamp, r.key, (r.value as { value?: unknown }).value]),
      [0, 1, 2].map((i) => [i, 1795000000000 + i, `k${i}`, { i }]),
    );
  });

  it('magic 0 gzip: no timestamps (-1), absolute offsets as written', () => {
    const b = recordsOf(M0_GZIP);
    assert.equal(b.magic, 0);
    assert.deepEqual(
      b.records.map((r) => [r.offset, r.timestamp, r.key]),
      [0, 1, 2].map((i) => [i, -1, `k${i}`]),
    );
  });

  it('magic 1 LZ4: the same three messages', () => {
    const b = recordsOf(M1_LZ4);
    assert.equal(b.compression, 'lz4');
    assert.deepEqual(b.records.map((r) => r.key), ['k0', 'k1', 'k2']);
  });

  it('KIP-31: a broker\'s wrapper carries the last inner offset (41): inner offsets 0..2 become 39..41', () => {
    const hex = `${'0000000000000029'}${M1_GZIP.slice(16)}`;
    assert.deepEqual(recordsOf(hex).records.map((r) => r.offset), [39, 40, 41]);
  });

  it('LogAppendTime (attributes bit 3): the wrapper\'s timestamp is every message\'s', () => {
    // attributes 0x09 and wrapper timestamp 0x1a2b (the CRC is not checked).
    const hex = `${M1_GZIP.slice(0, 34)}09${'0000000000001a2b'}${M1_GZIP.slice(52)}`;
    assert.deepEqual(recordsOf(hex).records.map((r) => r.timestamp), [0x1a2b, 0x1a2b, 0x1a2b]);
  });

  it('two messages in a row: one uncompressed, one compressed wrapper', () => {
    // offset 7, size 24, crc, magic 1, attributes 0, timestamp 5, key null, value "hi".
    const { batches } = read(`${'0000000000000007'}${'00000018'}${'00000000'}01 00 0000000000000005 ffffffff 00000002 6869`.replace(/ /g, '') + M1_GZIP);
    assert.equal(batches.length, 2);
    assert.equal(batches[0].records[0].offset, 7);
    assert.equal(batches[1].recordCount, 3);
  });

  it('bad input: corrupt compressed data, a compressed wrapper inside one, a decompression bomb', () => {
    const corrupt = `${M1_GZIP.slice(0, 68)}${'00'.repeat(89)}`; // the value's 89 bytes zeroed
    const c = read(corrupt).batches[0];
    assert.equal(c.records.length, 0);
    assert.match(c.warnings.join(), /legacy message set compressed with gzip: corrupt/);

    // A gzip whose content is M1_GZIP itself (nesting is not allowed by the protocol).
    const inner = fromHex(M1_GZIP);
    const gz = gzipSync(inner);
    const wrapper = new Uint8Array(8 + 4 + 4 + 2 + 8 + 4 + 4 + gz.length);
    const dv = new DataView(wrapper.buffer);
    dv.setInt32(8, wrapper.length - 12);
    wrapper[16] = 1;
    wrapper[17] = 1;
    dv.setInt32(26, -1);
    dv.setInt32(30, gz.length);
    wrapper.set(gz, 34);
    const nested = readBatches(wrapper, env).batches[0];
    assert.equal(nested.records.length, 0);
    assert.match(nested.warnings.join(), /inside a compressed message set: not decoded/);

    const small = readBatches(fromHex(M1_GZIP), nodeEnv({ limits: { maxDecompressedBytes: 50 } })).batches[0];
    assert.match(small.warnings.join(), /exceeds 50 bytes/);
  });
});
