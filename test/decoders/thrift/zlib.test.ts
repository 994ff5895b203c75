/**
 * TZlibTransport (Apache Thrift lib/java TZlibTransport, also in the C++, Python and Go libraries): each
 * direction is one zlib stream (RFC 1950 header, then deflate, RFC 1951) flushed after every message
 * (a sync flush: the `00 00 ff ff` ends each segment). Real segments: libthrift 0.16 (Debian
 * libthrift-java) compact protocol over TZlibTransport, test/heldout-java/thrift/ThriftLab.java
 * (ping, place → Order, place → OutOfStock, place → Invalid).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/thrift/index';
import type { Dir } from '../../../decoders/core/model';
import { assertSplitInvariant, run } from '../calls/harness';
import { testSession } from '../../helpers/session';
import { fromHex } from '../../../decoders/core/bytes';
import type { StreamDecoder } from '../../../decoders/core/decoder';

const SCRIPT: Array<[Dir, string]> = [
  ['c2s', '78da6a52646429c8cc4b6700000000ffff'],
  ['s2c', '78da6a72646429c8cc4b6700000000ffff'],
  [
    'c2s',
    '6a5264622dc8494c4e9511639094916076d435146511670081066507513e096606c6ff620d10e02028c22cccce20cdd4ca98c8c498c422a5c158c15829cd18c3469c46060600000000ffff',
  ],
  [
    's2c',
    '6a7264622dc8494c4ee56110db942b2923c1eca86b28ca22ce00020dca0ea27c12cc0c8cffc51a20c041508459989d419aa9953191893189454a83b182b1529a31868d388d0c0c00000000ffff',
  ],
  ['c2s', '6a526446b1ce49d74834851ceb88d1c8c000000000ffff'],
  ['s2c', '6a7264865808b4ca49d74854848101000000ffff'],
  ['c2s', '6a52644158c7c3c000000000ffff'],
  ['s2c', '6a72648108e94870e4e52b6496a4e616333000000000ffff'],
];

describe('Thrift: TZlibTransport (a zlib stream per direction, flushed per message)', () => {
  it('is inflated as it comes and read as the compact protocol inside', () => {
    const { calls } = run(spec, SCRIPT, undefined, 27027);
    assert.deepEqual(
      calls.map((c) => [c.method, c.status?.code]),
      [
        ['ping', 'OK'],
        ['place', 'OK'],
        ['place', 'exception 1'],
        ['place', 'exception 2'],
      ],
    );
    for (const c of calls) {
      assert.deepEqual(c.warnings, []);
      assert.equal(c.fields['thrift.transport'], 'zlib');
      assert.equal(c.fields['thrift.protocol'], 'compact');
      assert.equal(c.ranges, undefined, 'no wire byte range for inflated bytes');
    }
    assert.equal((calls[1].response?.value as Record<string, unknown>)['1'], 7001);
    assert.deepEqual(calls[2].response?.value, { 1: { 1: 'B-2', 2: 10 } });
    assert.deepEqual(calls[3].status?.text, 'no items');
    // (the stream's first byte alone in a segment: still recognised)
    assertSplitInvariant(spec, SCRIPT, 27027);
  });

  it('a gap ends the direction (the rest of the stream cannot be inflated) with a warning', () => {
    const session = testSession({ flow: { server: { ip: '127.0.0.1', port: 27027 } } });
    const dec = spec.create(session) as StreamDecoder;
    SCRIPT.slice(0, 2).forEach(([dir, hex], i) => dec.data(dir, fromHex(hex), { frame: i + 1, tsUs: 1000 * i, streamOffset: 0 }));
    dec.gap('c2s', 40, { frame: 3, tsUs: 3000, streamOffset: 17 });
    dec.data('c2s', fromHex(SCRIPT[4][1]), { frame: 4, tsUs: 4000, streamOffset: 57 });
    dec.close({ frame: 4, tsUs: 4000, streamOffset: 0 });
    assert.ok(session.warnings.some((w) => /zlib transport: 40 bytes missing/.test(w)), JSON.stringify(session.warnings));
    assert.deepEqual(session.calls.map((c) => [c.method, c.status?.code]), [['ping', 'OK']]);
  });

  it('a stream that does not inflate loses its direction with a warning, not a crash', () => {
    const { calls, session } = run(spec, [['c2s', '78da' + 'ff'.repeat(40)]], undefined, 27027);
    assert.deepEqual(calls, []);
    assert.ok(session.warnings.some((w) => /zlib transport: the stream does not inflate/.test(w)), JSON.stringify(session.warnings));
  });
});
