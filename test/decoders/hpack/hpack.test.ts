import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HpackDecoder, huffmanDecode } from '../../../decoders/http2/hpack';
import { fromHex } from '../../../decoders/core/bytes';

const run = (d: HpackDecoder, hex: string) => d.decode(fromHex(hex), 65536, 256);

describe('RFC 7541 C.2 header field representation examples', () => {
  it('C.2.1 literal with indexing', () => {
    const d = new HpackDecoder();
    const r = run(d, '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572');
    assert.deepEqual(r.headers, [['custom-key', 'custom-header']]);
    assert.equal(d.tableSize, 55);
  });
  it('C.2.2 literal without indexing', () => {
    const d = new HpackDecoder();
    assert.deepEqual(run(d, '040c 2f73 616d 706c 652f 7061 7468').headers, [[':path', '/sample/path']]);
    assert.equal(d.tableSize, 0);
  });
  it('C.2.3 never indexed', () => {
    const d = new HpackDecoder();
    assert.deepEqual(run(d, '1008 7061 7373 776f 7264 0673 6563 7265 74').headers, [['password', 'secret']]);
  });
  it('C.2.4 indexed', () => {
    assert.deepEqual(run(new HpackDecoder(), '82').headers, [[':method', 'GET']]);
  });
});

describe('RFC 7541 C.3 requests without Huffman', () => {
  it('decodes three requests sharing a dynamic table', () => {
    const d = new HpackDecoder();
    assert.deepEqual(run(d, '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d').headers.at(-1), [':authority', 'www.example.com']);
    assert.equal(d.tableSize, 57);
    assert.deepEqual(run(d, '8286 84be 5808 6e6f 2d63 6163 6865').headers.at(-1), ['cache-control', 'no-cache']);
    assert.equal(d.tableSize, 110);
    const r = run(d, '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65');
    assert.deepEqual(r.headers, [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']]);
    assert.equal(d.tableSize, 164);
  });
});

describe('RFC 7541 C.4 requests with Huffman', () => {
  it('decodes three requests', () => {
    const d = new HpackDecoder();
    assert.deepEqual(run(d, '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff').headers.at(-1), [':authority', 'www.example.com']);
    assert.deepEqual(run(d, '8286 84be 5886 a8eb 1064 9cbf').headers.at(-1), ['cache-control', 'no-cache']);
    assert.deepEqual(run(d, '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf').headers.at(-1), ['custom-key', 'custom-value']);
    assert.equal(d.tableSize, 164);
  });
});

const C5 = [
  '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
  '4803 3330 37c1 c0bf',
  '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
];
const C6 = [
  '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
  '4883 640e ffc1 c0bf',
  '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
];

for (const [name, blocks] of [['C.5 responses without Huffman', C5], ['C.6 responses with Huffman', C6]] as const) {
  describe(`RFC 7541 ${name} (table size 256, evictions)`, () => {
    it('evicts and decodes', () => {
      const d = new HpackDecoder({ tableSize: 256 });
      const r1 = run(d, blocks[0]);
      assert.deepEqual(r1.headers, [[':status', '302'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'], ['location', 'https://www.example.com']]);
      assert.equal(d.tableSize, 222);
      const r2 = run(d, blocks[1]);
      assert.deepEqual(r2.headers[0], [':status', '307']);
      assert.equal(d.tableSize, 222);
      const r3 = run(d, blocks[2]);
      assert.deepEqual(r3.headers.at(-1), ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1']);
      assert.equal(r3.headers[4][1], 'gzip');
      assert.equal(d.tableSize, 215);
      assert.equal(d.tableEntries, 3);
    });
  });
}

describe('RFC 7541 §5.2 / §6 errors', () => {
  it('index out of range loses the state (and later blocks fail)', () => {
    const d = new HpackDecoder();
    const r = run(d, 'be');
    assert.match(r.error!, /out of range/);
    assert.ok(run(d, '82').error);
  });
  it('mid-connection (partial) mode keeps going on unknown dynamic entries', () => {
    const d = new HpackDecoder({ partial: true });
    const r = run(d, '82be');
    assert.equal(r.error, undefined);
    assert.equal(r.headers.length, 2);
    assert.match(r.warnings[0], /before the capture/);
  });
  it('bad Huffman padding and EOS', () => {
    assert.throws(() => huffmanDecode(fromHex('00')), /padding/);
    assert.throws(() => huffmanDecode(fromHex('ffffffff')), /EOS|Huffman/);
  });
  it('string length past the end', () => {
    assert.match(run(new HpackDecoder(), '400a 6375').error!, /past the end/);
  });
  it('oversized header list: fields dropped, table kept in step', () => {
    const d = new HpackDecoder();
    const r = d.decode(fromHex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572 82'), 40, 256);
    assert.equal(r.error, undefined);
    assert.equal(r.headers.length, 0);
    assert.match(r.warnings[0], /dropped/);
    assert.equal(d.tableEntries, 1);
  });
  it('table size update above the SETTINGS limit', () => {
    assert.match(run(new HpackDecoder(), '3fe2 1f').error!, /above the limit/);
  });
});
