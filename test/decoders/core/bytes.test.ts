import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'node:v8';
import { ByteQueue, fromHex, toHex, toBase64, fromBase64, be32, be64s, oneByteCopy, oneByteSource, utf8Strict } from '../../../decoders/core/bytes';
import { parseJsonExact } from '../../../decoders/http-common/body';
import { payloadBody } from '../../../decoders/calls/payload';
import { DEFAULT_LIMITS } from '../../../decoders/core/env';

describe('ByteQueue', () => {
  it('peeks across chunk boundaries and consumes', () => {
    const q = new ByteQueue();
    q.push(fromHex('0102'));
    q.push(fromHex('03'));
    q.push(fromHex('0405'));
    assert.equal(q.length, 5);
    assert.equal(toHex(q.peek(4)), '01020304');
    q.skip(1);
    assert.equal(toHex(q.take(3)), '020304');
    assert.equal(q.length, 1);
    assert.equal(q.at(0), 5);
  });
  it('finds a needle spanning chunks', () => {
    const q = new ByteQueue();
    for (const c of ['GET / HTTP/1.1\r', '\n', 'Host: x\r\n\r', '\nrest']) q.push(new TextEncoder().encode(c));
    assert.equal(q.indexOf(fromHex('0d0a0d0a')), 23);
    assert.equal(q.indexOf(fromHex('0d0a'), 15), 23);
    assert.equal(q.indexOf(fromHex('ffff')), -1);
  });
});

describe('ByteQueue.pushView', () => {
  // HTTP/2 frames segments in place (pushView) and keeps what a call leaves unconsumed (own). A
  // frame arriving in small segments is the unconsumed rest of every call: its pieces must be packed
  // into shared buffers as push packs them. Found by fuzzing (a 167 KB HTTP/2 frame in 1-7 byte
  // segments took 19 s; each 4-byte segment had kept an 8 KiB buffer of its own).
  it('packs the small views it keeps, and keeps their bytes after the caller reuses its buffer', () => {
    const q = new ByteQueue();
    const seg = new Uint8Array(4);
    const expect: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      seg.set([i & 255, (i >> 8) & 255, 0xaa, 0x55]);
      expect.push(i & 255, (i >> 8) & 255, 0xaa, 0x55);
      q.pushView(seg);
      q.own();
    }
    seg.fill(0);
    assert.equal(q.length, 40_000);
    // 40 000 bytes in 8 KiB tail buffers: a handful of chunks (was 10 000, one per segment).
    const chunks = (q as unknown as { chunks: Uint8Array[] }).chunks;
    assert.ok(chunks.length <= 8, `${chunks.length} chunks`);
    assert.ok(new Set(chunks.map((c) => c.buffer)).size <= 8);
    assert.deepEqual([...q.peek(40_000)], expect);
  });

  it('views followed by pushes in the same call are still copied by own()', () => {
    const q = new ByteQueue();
    const seg = fromHex('0102');
    q.pushView(seg);
    q.push(new Uint8Array(5000).fill(7)); // a chunk of its own
    q.push(fromHex('03'));
    q.own();
    seg.fill(0);
    const all = q.peek(5003);
    assert.equal(toHex(all.subarray(0, 3)), '010207');
    assert.equal(all[5002], 3);
  });
});

describe('conversions', () => {
  it('base64 round trip (RFC 4648 §10 vectors)', () => {
    const vectors: Array<[string, string]> = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [plain, b64] of vectors) {
      assert.equal(toBase64(new TextEncoder().encode(plain)), b64);
      assert.equal(new TextDecoder().decode(fromBase64(b64)), plain);
    }
  });
  it('base64 of every byte value, short and long inputs (RFC 4648 §4)', () => {
    for (const n of [1, 2, 3, 255, 1022, 1023, 1024, 1025, 3000, 70_000]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 151 + (i >> 8)) & 255);
      assert.equal(toBase64(b), Buffer.from(b).toString('base64'), `length ${n}`);
    }
  });
  it('reads big-endian integers', () => {
    assert.equal(be32(fromHex('ffffffff'), 0), 0xffffffff);
    assert.equal(be64s(fromHex('ffffffffffffffff'), 0), '-1');
  });
});

/** Is this string stored one byte per character? (V8's serializer tags one-byte strings `"`, two-byte `c`) */
function isOneByte(s: string): boolean {
  return serialize(s)[2] === 0x22;
}

describe('oneByteCopy', () => {
  it('copies Latin-1 text whatever its storage, and leaves other strings as they are', () => {
    // a slice of a string with a character above U+00FF is stored two bytes per character in V8
    const sliced = 'ā/callscope.person.v1.PersonService/GetPerson'.slice(1);
    assert.equal(isOneByte(sliced), false);
    assert.equal(oneByteCopy(sliced), '/callscope.person.v1.PersonService/GetPerson');
    assert.equal(isOneByte(oneByteCopy(sliced)), true);
    assert.equal(oneByteCopy('café'), 'café');
    assert.equal(oneByteCopy('→ ok'), '→ ok');
    assert.equal(oneByteCopy(''), '');
    const long = 'x'.repeat(2000);
    assert.equal(oneByteCopy(long), long);
  });
});

describe('oneByteSource', () => {
  it('stores a definition file one byte per character: characters above U+00FF become ?, offsets unchanged', () => {
    const text = '// Person — “API” café\nmessage Person { string name = 1; }\n';
    const out = oneByteSource(text);
    assert.equal(isOneByte(text), false);
    assert.equal(isOneByte(out), true);
    assert.equal(out, '// Person ? ?API? café\nmessage Person { string name = 1; }\n');
    assert.equal(out.length, text.length);
    assert.equal(isOneByte(out.slice(out.indexOf('Person {'), out.indexOf(' {'))), true);
  });
});

describe('utf8Strict keeps every character, a leading U+FEFF too (RFC 3629 §6: a BOM in a protocol string is the character ZWNBSP)', () => {
  it('EF BB BF at the start stays U+FEFF; the JSON parse ignores it (RFC 8259 §8.1), the payload text keeps it', () => {
    const bytes = Buffer.from('efbbbf7b2261223a317d', 'hex'); // U+FEFF {"a":1}
    assert.equal(utf8Strict(bytes), '\ufeff{"a":1}');
    assert.deepEqual(parseJsonExact('\ufeff{"a":1}').value, { a: 1 });
    const body = payloadBody(bytes, bytes.length, DEFAULT_LIMITS);
    assert.equal(body.kind, 'json');
    assert.deepEqual(body.value, { a: 1 });
    assert.equal(body.text, '\ufeff{"a":1}');
  });
});
