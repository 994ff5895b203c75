/**
 * MessagePack values for display (decoders/core/msgpack.ts) and MessagePack HTTP bodies. Fixtures
 * follow the msgpack.org specification's formats (fixmap, str8, bin8, int64, ext and the timestamp
 * extension type -1); the HTTP body is what Debian's python3-msgpack wrote in
 * test/heldout-http/msgpack-lab.py.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMsgpack } from '../../../decoders/core/msgpack';
import { fromHex } from '../../../decoders/core/bytes';
import { decodeHttpBody } from '../../../decoders/http-common/body';
import { nodeEnv } from '../../../cli/platform/node-env';

const mp = (hex: string, depth = 64) => decodeMsgpack(fromHex(hex.replace(/\s+/g, '')), depth);

describe('MessagePack (msgpack.org spec): formats to JSON-safe values', () => {
  it('the spec\'s own example: {"compact":true,"schema":0} (fixmap, fixstr, true, positive fixint)', () => {
    assert.deepEqual(mp('82 a7 636f6d70616374 c3 a6 736368656d61 00'), { ok: true, value: { compact: true, schema: 0 } });
  });
  it('ints of every width; int64 beyond ±2^53 kept exact as digits; float 64; nil', () => {
    assert.deepEqual(mp('96 7f e0 cc ff cd 0100 d3 fffffffffffffffe cb 4029000000000000').value, [127, -32, 255, 256, -2, 12.5]);
    assert.deepEqual(mp('cf 1000000000000001').value, '1152921504606846977');
    assert.deepEqual(mp('d3 8000000000000000').value, '-9223372036854775808');
    assert.equal(mp('c0').value, null);
  });
  it('bin → {$binary, size}; timestamp 32 (ext -1) → {$date}; another ext → {$ext, hex, size}', () => {
    assert.deepEqual(mp('c4 03 010203').value, { $binary: '010203', size: 3 });
    assert.deepEqual(mp('d6 ff 66322ec0').value, { $date: '2024-05-01T12:00:00.000Z' });
    assert.deepEqual(mp('d5 05 abcd').value, { $ext: 5, hex: 'abcd', size: 2 });
  });
  it('hostile input: lengths past the end, truncation, __proto__ keys and deep nesting give a warning, never a throw', () => {
    for (const hex of ['db ffffffff 61', 'dd ffffffff', 'c6 7fffffff 00', '82 a1 61', '']) {
      const r = mp(hex);
      assert.equal(r.ok, false, hex);
      assert.match(r.warning!, /MessagePack/);
    }
    const proto = mp('81 a9 5f5f70726f746f5f5f 01');
    assert.equal(proto.ok, false);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // 100,000 nested one-element arrays: cut at the depth bound, marked
    const deep = decodeMsgpack(new Uint8Array([...new Array(100_000).fill(0x91), 0x01]), 8);
    assert.equal(deep.ok, true);
    assert.match(deep.warning!, /deeper than 8/);
    assert.deepEqual(deep.value, [[[[[[[['…']]]]]]]]);
  });
});

describe('MessagePack HTTP bodies', () => {
  const env = nodeEnv();
  // python3-msgpack 1.0.3: {"created": "Grace Hopper", "id": 1235}
  const CREATED = fromHex('82a763726561746564ac477261636520486f70706572a26964cd04d3');
  it('application/msgpack, application/x-msgpack and application/vnd.msgpack are decoded to a value', () => {
    for (const ct of ['application/msgpack', 'application/x-msgpack', 'application/vnd.msgpack']) {
      const { body, warnings } = decodeHttpBody(CREATED, CREATED.length, [['Content-Type', ct]], env);
      assert.deepEqual([body.kind, body.value, warnings, body.hex], ['msgpack', { created: 'Grace Hopper', id: 1235 }, [], '82a763726561746564ac477261636520486f70706572a26964cd04d3'], ct);
    }
  });
  it('a body that is not MessagePack stays binary, with the reason', () => {
    const { body, warnings } = decodeHttpBody(fromHex('dbffffffff'), 5, [['Content-Type', 'application/msgpack']], env);
    assert.equal(body.kind, 'binary');
    assert.match(warnings[0], /MessagePack not decoded/);
  });
});
