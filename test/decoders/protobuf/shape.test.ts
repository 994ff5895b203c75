/**
 * fitsType: a message's wire form against a type (protobuf.dev/programming-guides/encoding, "Message
 * Structure": tag = field number << 3 | wire type; packed repeated numbers in one LEN field).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildProtoDefinitions } from '../../../decoders/protobuf/definitions';
import { fitsType } from '../../../decoders/protobuf/shape';
import { fromHex } from '../../../decoders/core/bytes';
import type * as protobuf from 'protobufjs';

const defs = buildProtoDefinitions([
  {
    path: 't.proto',
    text: `syntax = "proto3"; package t;
      enum Kind { A = 0; B = 1; }
      message Inner { string s = 1; }
      message M { int64 id = 1; string name = 2; repeated int32 nums = 3; double x = 4; fixed32 f = 5;
                  Inner inner = 6; map<string, int32> counts = 7; Kind kind = 8; bytes raw = 9; }`,
  },
]);
const M = defs.root.lookupType('t.M') as protobuf.Type;
const fits = (hex: string) => fitsType(fromHex(hex.replace(/\s+/g, '')), M);

describe('fitsType', () => {
  it('each wire type where its declared type has it', () => {
    assert.equal(fits(''), true); // the empty message fits every type
    assert.equal(fits('08 96 01'), true); // 1: varint 150
    assert.equal(fits('12 02 6869'), true); // 2: "hi"
    assert.equal(fits('1a 03 01 02 03'), true); // 3: packed [1, 2, 3]
    assert.equal(fits('18 01 18 02'), true); // 3: unpacked
    assert.equal(fits('21 000000000000f03f'), true); // 4: double 1.0
    assert.equal(fits('2d 01000000'), true); // 5: fixed32
    assert.equal(fits('32 03 0a 01 78'), true); // 6: Inner{s: "x"}
    assert.equal(fits('3a 05 0a 01 61 10 02'), true); // 7: map entry {a: 2}
    assert.equal(fits('40 01'), true); // 8: enum
    assert.equal(fits('4a 02 ff fe'), true); // 9: bytes, any
  });
  it('does not fit: unknown field, wrong wire type, non-UTF-8 string, a nested misfit, a cut field', () => {
    assert.equal(fits('50 01'), false); // field 10 not in M
    assert.equal(fits('0a 01 61'), false); // id written as LEN
    assert.equal(fits('10 01'), false); // name written as varint
    assert.equal(fits('12 02 ff fe'), false); // name not UTF-8
    assert.equal(fits('32 02 10 01'), false); // Inner with a field 2
    assert.equal(fits('21 0000'), false); // double cut short
    assert.equal(fits('12 05 6869'), false); // length past the end
    assert.equal(fits('1a 02 01 80'), false); // packed varints cut
    assert.equal(fits('22 03 000000'), false); // a double is not repeated: no packed form
  });
  it('the step budget bounds the work', () => {
    const many = '08 01 '.repeat(100);
    assert.equal(fitsType(fromHex(many.replace(/\s+/g, '')), M, { steps: 50 }), false);
    assert.equal(fitsType(fromHex(many.replace(/\s+/g, '')), M, { steps: 500 }), true);
  });
});
