/**
 * The THeader transport (thrift/doc/specs/HeaderFormat.md): LENGTH, magic 0x0FFF, flags,
 * sequence number, header size / 4, then the header (protocol id, transforms, KEY_VALUE info
 * headers, padding) and the payload: a binary or compact message, zlib-compressed when the zlib
 * transform (1) is listed. Fixtures from a capture of Debian python3-thrift 0.17's
 * THeaderProtocol client (`set_header(b"client", b"hdr.py")`) against its THeaderProtocolFactory
 * server (TSimpleServer), calling signup of samples/thrift-person-api/person.thrift.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/thrift/index';
import { readHeaderFrame, detectFraming } from '../../../decoders/thrift/wire';
import { fromHex } from '../../../decoders/core/bytes';
import { run, assertSplitInvariant } from '../calls/harness';

const LIMITS = { maxDepth: 64, maxLength: 1 << 20 };
// signup over THeader/binary: header size 5 (20 bytes): protocol 0, no transforms, info KEY_VALUE {client: hdr.py}, 2 bytes padding.
const BIN_CALL =
  '000000800fff00000000000000050000010106636c69656e74066864722e7079000080010001000000067369676e7570000000000c00010b0001000000000b0002000000034164610b00030000000361407808000400000024020006000f00090b0000000100000001740d000a0b0b000000000e000b060000000008000c000000010000';
const BIN_REPLY = '0000002c0fff00000000000000010000000080010002000000067369676e7570000000000b0000000000043132333400';
// THeader/compact (protocol id 2).
const COMPACT_CALL = '000000440fff00000000000000050200010106636c69656e74066864722e70790000822100067369676e75701c180018034164611803614078154822391801741b001a0415020000';
const COMPACT_REPLY = '000000200fff000000000000000102000000824100067369676e75700800043132333400';
// THeader/binary with the zlib transform: the payload is a zlib stream.
const ZLIB_CALL =
  '000000720fff0000000000000005000101010106636c69656e74066864722e707900789c1d8c4b0a80300c445f5a296afc5cc283e8510a82b8114105971edda49b993793309f2040baf6ed784e233a444b87124ce3b266253ae5f9ada98ca64062a451637f95bba7554f0c6872af6da81c7fc0ce06aa';

describe('Thrift THeader transport (HeaderFormat.md)', () => {
  it('the frame: protocol, info headers, payload', () => {
    const b = fromHex(BIN_CALL);
    assert.deepEqual(detectFraming(b.subarray(0, 64)), { protocol: 'binary', framed: true, header: true });
    const f = readHeaderFrame(b, b.length, LIMITS);
    assert.equal(f.protocol, 'binary');
    assert.deepEqual(f.transforms, []);
    assert.deepEqual(f.headers, [['client', 'hdr.py']]);
    assert.deepEqual([...f.payload.subarray(0, 4)], [0x80, 0x01, 0x00, 0x01]);
    assert.deepEqual(detectFraming(fromHex(COMPACT_CALL).subarray(0, 64)), { protocol: 'compact', framed: true, header: true });
  });

  for (const [name, call, reply, protocol, transforms] of [
    ['binary', BIN_CALL, BIN_REPLY, 'binary', undefined],
    ['compact', COMPACT_CALL, COMPACT_REPLY, 'compact', undefined],
    ['zlib-transformed binary', ZLIB_CALL, BIN_REPLY, 'binary', 'zlib'],
  ] as const) {
    it(`${name}: signup decoded, the info headers on the request, any split gives the same call`, () => {
      const { calls } = run(spec, [['c2s', call], ['s2c', reply]], undefined, 19190);
      assert.equal(calls.length, 1);
      const c = calls[0];
      assert.equal(c.method, 'signup');
      assert.equal(c.fields['thrift.transport'], 'header');
      assert.equal(c.fields['thrift.protocol'], protocol);
      assert.equal(c.fields['thrift.transforms'], transforms);
      assert.deepEqual(c.request?.headers, [['client', 'hdr.py']]);
      assert.equal((c.request?.value as Record<string, Record<string, unknown>>)['1']['2'], 'Ada');
      assert.equal(c.response?.value, '1234');
      assert.deepEqual(c.warnings, []);
      assertSplitInvariant(spec, [['c2s', call], ['s2c', reply]], 19190);
    });
  }

  it('the snappy transform (3): the payload as a snappy block (a literal of the binary message) is undone', () => {
    const payload = fromHex(BIN_CALL).subarray(34); // after the 20-byte header
    assert.equal(payload.length, 98);
    // snappy (format_description.txt): the length (98) as a varint, a literal tag with a 1-byte length (60 << 2, then 97)
    const snappy = `62f061${BIN_CALL.slice(68)}`;
    // header: protocol 0, one transform (3), info KEY_VALUE {client: hdr.py}, 1 byte of padding
    const header = '00010301010663 6c69656e74066864722e707900'.replace(/ /g, '');
    const frame = `${(10 + 20 + snappy.length / 2).toString(16).padStart(8, '0')}0fff00000000000000 05`.replace(/ /g, '') + header + snappy;
    const { calls } = run(spec, [['c2s', frame], ['s2c', BIN_REPLY]], undefined, 19190);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].fields['thrift.transforms'], 'snappy');
    assert.equal(calls[0].method, 'signup');
    assert.deepEqual(calls[0].warnings, []);
  });

  it('bad frames are skipped with a warning and the next frame still decodes', () => {
    const badProto = `${BIN_CALL.slice(0, 28)}07${BIN_CALL.slice(30)}`; // protocol id 7
    const hugeHeader = `${BIN_CALL.slice(0, 24)}ffff${BIN_CALL.slice(28)}`; // header size past the frame
    const badZlib = `${ZLIB_CALL.slice(0, 72)}${'00'.repeat(ZLIB_CALL.length / 2 - 36)}`;
    for (const bad of [hugeHeader, badZlib]) {
      const { calls, session } = run(spec, [['c2s', bad + BIN_CALL], ['s2c', BIN_REPLY]], undefined, 19190);
      assert.equal(calls.length, 1, bad.slice(0, 40));
      assert.equal(calls[0].method, 'signup');
      assert.ok(session.warnings.some((w) => /THeader frame in c2s: .*frame skipped/.test(w)), session.warnings.join(' | '));
    }
    // An unknown protocol id is not THeader at all: the stream is not taken as Thrift.
    assert.equal(detectFraming(fromHex(badProto).subarray(0, 64)), 'reject');
  });
});
