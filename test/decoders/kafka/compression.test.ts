/**
 * Record batches compressed with snappy and LZ4 decode without a platform codec (Node has neither).
 * The requests are from a real capture: kcat 1.7 / librdkafka 2.0 (`kcat -P -z snappy|lz4 -p 0`, five
 * JSON records) against the librdkafka mock broker.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/kafka/index';
import { lz4FrameDecompress, snappyDecompress } from '../../../decoders/core/codecs';
import { DecompressLimitError } from '../../../decoders/core/env';
import { fromHex } from '../../../decoders/core/bytes';
import { run, assertSplitInvariant } from '../calls/harness';

// Produce v7, topic c-snappy partition 0: one batch, attributes 2 (snappy, raw block).
const PROD_SNAPPY =
  '000000dc0000000700000004000772646b61666b61ffffffff00007530000000010008632d736e617070790000000100000000000000a90000000000' +
  '0000000000009d00000000025821d14e000200000004000001a20000f372000001a20000f372ffffffffffffffffffffffffffff00000005b705a092' +
  '020000000184027b22636f646563223a22736e61707079222c2269223a312c22706164223a226161fe02007a020008227d00018b0002628b000032fe' +
  '8b00be8b000004628b000033fe8b00be8b000006628b000034fe8b00be8b000008628b000035fe8b00ae8b00';
const RESP_SNAPPY = '0000003800000004000000010008632d736e6170707900000001000000000000000000000000000000000000000004d2000000000000000000000000';
// Produce v7, topic c-lz4 partition 0: one batch, attributes 3 (LZ4 frame).
const PROD_LZ4 =
  '000000da0000000700000004000772646b61666b61ffffffff00007530000000010005632d6c7a340000000100000000000000aa0000000000000000' +
  '0000009e0000000002756602a5000300000004000001a20000f38b000001a20000f38bffffffffffffffffffffffffffff0000000504224d18604082' +
  '5e000000ff168c0200000001fe017b22636f646563223a226c7a34222c2269223a312c22706164223a226101004d30227d0088001f028800031f3288' +
  '005d1f048800031f3388005d1f068800031f3488005d1f088800031f35880054506161227d0000000000';

const RESP_LZ4 = '0000003500000004000000010005632d6c7a3400000001000000000000000000000000000000000000000004d2000000000000000000000000';

const texts = (hex: string, resp: string): string[] => {
  const { calls } = run(spec, [['c2s', hex], ['s2c', resp]]);
  const p = calls.find((c) => c.kind === 'publish')!;
  assert.deepEqual(p.warnings.filter((w) => w.includes('compress')), []);
  const batch = (p.request?.value as { batches: Array<{ compression: string; records: Array<{ value: unknown }> }> }).batches[0];
  return batch.records.map((r) => JSON.stringify(r.value));
};

describe('Kafka protocol guide: record batch compression (attributes bits 0-2: 2 snappy, 3 lz4)', () => {
  it('snappy (raw block format): the five records', () => {
    const t = texts(PROD_SNAPPY, RESP_SNAPPY);
    assert.equal(t.length, 5);
    for (let i = 0; i < 5; i++) assert.match(t[i], new RegExp(`codec.*snappy.*\\bi.*${i + 1}`));
  });

  it('LZ4 (frame format): the five records', () => {
    const t = texts(PROD_LZ4, RESP_LZ4);
    assert.equal(t.length, 5);
    for (let i = 0; i < 5; i++) assert.match(t[i], new RegExp(`codec.*lz4.*\\bi.*${i + 1}`));
  });

  it('any split gives the same calls', () => {
    assertSplitInvariant(spec, [['c2s', PROD_SNAPPY], ['s2c', RESP_SNAPPY]]);
    assertSplitInvariant(spec, [['c2s', PROD_LZ4], ['s2c', RESP_LZ4]]);
  });

  it('snappy format_description.txt: literals, overlapping copies, the output limit, bad input', () => {
    // length 9; literal "ab" (tag 0x04); copy-1 length 7 offset 2 (tag 0x0d: len-4=3 in bits 2-4).
    assert.equal(new TextDecoder().decode(snappyDecompress(fromHex('0904616 20d02'.replace(/ /g, '')), 100)), 'ababababa');
    assert.throws(() => snappyDecompress(fromHex('0904616 20d02'.replace(/ /g, '')), 4), DecompressLimitError);
    assert.throws(() => snappyDecompress(fromHex('05 0d05'.replace(/ /g, '')), 100), /offset/);
  });

  it('lz4_Block_format.md: a stored block and a compressed block with an overlapping match', () => {
    // frame: magic, FLG 0x60 (v1, independent), BD 0x40, HC; a 5-byte block: token 0x23 (2 literals
    // "ab", match length 3+4), offset 2; end mark.
    const f = fromHex('04224d18 60 40 82' + '05000000' + '23616202 00' + '00000000');
    assert.equal(new TextDecoder().decode(lz4FrameDecompress(f, 100)), 'ababababa');
    const stored = fromHex('04224d18 60 40 82' + '03000080 78797a' + '00000000');
    assert.equal(new TextDecoder().decode(lz4FrameDecompress(stored, 100)), 'xyz');
    assert.throws(() => lz4FrameDecompress(fromHex('00112233445566'), 100), /magic/);
  });
});
