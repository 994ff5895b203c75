/**
 * zstd (RFC 8878) without a platform decoder: decoders/core/zstd.ts (fzstd behind a frame walker
 * that bounds what fzstd allocates and what comes out). The frames were made with the zstd 1.5.4
 * CLI (`zstd -19 FILE`, `… | zstd` from a pipe, `pzstd`); the hostile ones are written by hand.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { zstdDecompress } from '../../../decoders/core/zstd';
import { DecompressLimitError } from '../../../decoders/core/env';
import { fromHex, concatBytes } from '../../../decoders/core/bytes';
import { nodeCompression } from '../../../cli/platform/node-env';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const SMALL = '{"coding":"zstd","ok":true}';
// `zstd -19 a.json`: Single_Segment, 1-byte Frame_Content_Size (27), Content_Checksum, one raw block.
const SINGLE = '28b52ffd241bd900007b22636f64696e67223a227a737464222c226f6b223a747275657d57748dbe';
// The same text piped through `zstd`: no content size, Window_Descriptor 0x58 (2 MiB), checksum.
const PIPED = '28b52ffd0458d900007b22636f64696e67223a227a737464222c226f6b223a747275657d57748dbe';
// `zstd -3 b.json`: 393 bytes of JSON in one compressed block (Huffman literals, FSE sequences).
const JSON_ITEMS = JSON.stringify(Array.from({ length: 8 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['alpha', 'beta'] })));
const COMPRESSED =
  '28b52ffd64890025030014045b7b226964223a302c226e616d65223a226974656d2d30222c2274616773223a5b22616c706861222c2262657461225d7d2c' +
  '31313232333334343535363637375d0f00c016201f181990058c0764064601f281910159c0784066601420af504c41011b4c2511';
// `yes 'callscope zstd block' | head -c 300000 | zstd -19`: three compressed blocks (128 KiB, 128 KiB, the rest).
const LINES = 'callscope zstd block\n'.repeat(Math.ceil(300000 / 21)).slice(0, 300000);
const BLOCKS = '28b52ffd0468ec0000a863616c6c73636f7065207a73746420626c6f636b0a0100d1ff319f4c440000000100fdff984f20450000000100dd131d00016f897251';
// `head -c 1048576 /dev/zero | zstd -19`: 50 bytes that expand to 1 MiB (no content size declared).
const ZEROS_PIPED = '28b52ffd04684c000008000100fcff39100202001000020010000200100002001000020010000200100003001000f13e16e1';
// The same from a file: Frame_Content_Size 1048576 in the header.
const ZEROS_SIZED = '28b52ffda4000010004c000008000100fcff39100202001000020010000200100002001000020010000200100003001000f13e16e1';
// `pzstd a.json`: a skippable frame (magic 0x184D2A50, 4 bytes: the next frame's size) then the frame.
const PZSTD = '502a4d18040000002800000028b52ffd0458d900007b22636f64696e67223a227a737464222c226f6b223a747275657d57748dbe';

/** ArrayBuffer bytes allocated while running `f` (the process's, so only a coarse bound). */
function allocatedBy(f: () => void): number {
  const before = process.memoryUsage().arrayBuffers;
  f();
  return process.memoryUsage().arrayBuffers - before;
}

describe('RFC 8878 §3.1.1 Zstandard frames', () => {
  it('§3.1.1.1.1 Single_Segment frame with Frame_Content_Size and Content_Checksum', () => {
    assert.equal(text(zstdDecompress(fromHex(SINGLE), 1000)), SMALL);
  });
  it('§3.1.1.1.2 Window_Descriptor, no content size (a piped stream)', () => {
    assert.equal(text(zstdDecompress(fromHex(PIPED), 1000)), SMALL);
  });
  it('§3.1.1.3 compressed block: Huffman-coded literals and FSE-coded sequences', () => {
    assert.deepEqual(JSON.parse(text(zstdDecompress(fromHex(COMPRESSED), 1000))), JSON.parse(JSON_ITEMS));
  });
  it('§3.1.1.2 several blocks, the last one marked Last_Block', () => {
    assert.equal(text(zstdDecompress(fromHex(BLOCKS), 1 << 20)), LINES);
  });
  it('§3.1.1.2 an RLE-heavy frame: 50 bytes to 1 MiB of zeros, exactly at the limit', () => {
    const out = zstdDecompress(fromHex(ZEROS_PIPED), 1 << 20);
    assert.equal(out.length, 1 << 20);
    assert.ok(out.every((b) => b === 0));
  });
  it('§3.1.1.1.4 an empty content (zstd of an empty file: Frame_Content_Size 0, one empty raw block)', () => {
    assert.equal(zstdDecompress(fromHex('28b52ffd240001000099e9d851'), 0).length, 0);
  });
  it('nodeCompression.zstd is there on every Node (node:zlib where it has zstd, else this)', () => {
    assert.equal(typeof nodeCompression.zstd, 'function');
    assert.equal(text(nodeCompression.zstd!(fromHex(COMPRESSED), 1000)), JSON_ITEMS);
  });
});

describe('RFC 8878 §3.1 several frames, §3.1.2 skippable frames', () => {
  it('concatenated frames decode to the concatenation', () => {
    const two = concatBytes([fromHex(SINGLE), fromHex(COMPRESSED), fromHex(PIPED)]);
    assert.equal(text(zstdDecompress(two, 1000)), SMALL + JSON_ITEMS + SMALL);
  });
  it('pzstd output: a skippable frame before the frame', () => {
    assert.equal(text(zstdDecompress(fromHex(PZSTD), 1000)), SMALL);
  });
  it('skippable frames with any magic 0x184D2A50-5F, between and after frames, even empty ones', () => {
    const skip = (nibble: string, data: string) => `${nibble}2a4d18${(data.length / 2).toString(16).padStart(2, '0')}000000${data}`;
    const all = skip('5f', 'deadbeef') + SINGLE + skip('50', '') + PIPED + skip('5a', '00'.repeat(20));
    assert.equal(text(zstdDecompress(fromHex(all), 1000)), SMALL + SMALL);
    assert.equal(zstdDecompress(fromHex(skip('53', '0102')), 1000).length, 0);
  });
});

describe('output bound (maxDecompressedBytes)', () => {
  it('a small frame that expands past max stops with DecompressLimitError', () => {
    assert.throws(() => zstdDecompress(fromHex(ZEROS_PIPED), 64 << 10), (e) => e instanceof DecompressLimitError && e.limitBytes === 64 << 10);
    assert.throws(() => zstdDecompress(fromHex(ZEROS_PIPED), (1 << 20) - 1), DecompressLimitError);
  });
  it('§3.1.1.1.4 a declared Frame_Content_Size past max stops before anything is decoded', () => {
    assert.throws(() => zstdDecompress(fromHex(ZEROS_SIZED), 64 << 10), DecompressLimitError);
  });
  it('the bound is on the total over all frames', () => {
    const two = concatBytes([fromHex(COMPRESSED), fromHex(COMPRESSED)]);
    assert.equal(zstdDecompress(two, 786).length, 786);
    assert.throws(() => zstdDecompress(two, 785), DecompressLimitError);
  });
  it('a hostile Single_Segment header claiming 2 GB (4-byte) or 1 TiB (8-byte) content allocates nothing', () => {
    // Frame_Header_Descriptor 0xa0: FCS flag 2 (4 bytes), Single_Segment; then a raw block "hi".
    // (fzstd alone sizes its window buffer from this: 2,130,706,432 bytes for "hi".)
    let used = allocatedBy(() => assert.throws(() => zstdDecompress(fromHex('28b52ffda00000007f' + '110000' + '6869'), 1 << 20), DecompressLimitError));
    assert.ok(used < 16 << 20, `${used} bytes`);
    // 0xe0: FCS flag 3 (8 bytes), Single_Segment.
    used = allocatedBy(() => assert.throws(() => zstdDecompress(fromHex('28b52ffde0' + '0000000000010000' + '110000' + '6869'), 1 << 20), DecompressLimitError));
    assert.ok(used < 16 << 20, `${used} bytes`);
  });
  it('§3.1.1.1.2 a Window_Descriptor claiming 1 GiB is lowered to the limit: the frame still decodes', () => {
    // Window_Descriptor 0xa0: exponent 20 → 2^30 bytes (fzstd alone allocates that); a raw block "hi".
    let out: Uint8Array = new Uint8Array();
    const used = allocatedBy(() => {
      out = zstdDecompress(fromHex('28b52ffd00a0' + '110000' + '6869'), 1 << 20);
    });
    assert.equal(text(out), 'hi');
    assert.ok(used < 16 << 20, `${used} bytes`);
    // A real piped frame (8 MiB window, matches reaching back 21 bytes) under a limit of just its output.
    assert.equal(text(zstdDecompress(fromHex(BLOCKS), 300000)), LINES);
  });
});

describe('malformed and cut-short input', () => {
  it('garbage throws a plain Error (the callers turn it into a warning)', () => {
    for (const [hex, msg] of [
      ['', /no zstd frame/],
      ['00112233445566', /not a zstd frame \(magic number 33221100\)/],
      ['28b52f', /ends inside a magic number/],
      ['28b52ffd', /header cut short/],
      ['28b52ffd2c1b' + '0100006869', /reserved bit/], // §3.1.1.1.1 Reserved_Bit (bit 3)
      ['28b52ffd2107' + '1b' + '0100006869', /dictionary 7/], // §3.1.1.1.3 Dictionary_ID
      ['28b52ffd201b' + '070000', /reserved type 3/], // §3.1.1.2.2 Block_Type 3
      ['28b52ffd0000' + '092000' + '00', /larger than the 1024-byte maximum/], // §3.1.1.2.4 Block_Size > Window_Size
      ['502a4d1810000000abcd', /skippable frame runs past/],
    ] as const) {
      assert.throws(() => zstdDecompress(fromHex(hex), 1000), (e) => e instanceof Error && !(e instanceof DecompressLimitError) && msg.test(e.message), hex);
    }
  });
  it('every one-byte corruption of a compressed frame decodes or throws an Error, quickly', () => {
    const src = fromHex(COMPRESSED);
    for (let i = 0; i < src.length; i++) {
      for (const v of [0x00, 0xff, src[i] ^ 0x10]) {
        const b = src.slice();
        b[i] = v;
        const t0 = Date.now();
        try {
          assert.ok(zstdDecompress(b, 4096).length <= 4096);
        } catch (e) {
          assert.ok(e instanceof Error, `byte ${i} = ${v}: ${String(e)}`);
        }
        assert.ok(Date.now() - t0 < 1000);
      }
    }
  });
  it('a frame cut short gives its whole blocks (like gzip with a sync flush), none gives an Error', () => {
    const src = fromHex(BLOCKS);
    assert.equal(text(zstdDecompress(src.subarray(0, 40), 1 << 20)), LINES.slice(0, 128 << 10));
    assert.equal(text(zstdDecompress(src.subarray(0, 55), 1 << 20)), LINES.slice(0, 256 << 10));
    assert.equal(text(zstdDecompress(src.subarray(0, src.length - 2), 1 << 20)), LINES); // checksum cut
    assert.throws(() => zstdDecompress(src.subarray(0, 20), 1 << 20), /before its first block/);
    // The first frame whole, the second cut inside its only block: the first frame's output.
    assert.equal(text(zstdDecompress(concatBytes([fromHex(SINGLE), fromHex(COMPRESSED).subarray(0, 50)]), 1000)), SMALL);
  });
});
