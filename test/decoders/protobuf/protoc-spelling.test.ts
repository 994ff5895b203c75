/**
 * .proto spellings protoc accepts that protobufjs's parser does not (protobuf language specification:
 * intLit / hexLit = "0" ("x" | "X") hexDigit { hexDigit }; a constant is [ "-" | "+" ] intLit…, and protoc's
 * tokenizer reads the sign as its own token, so blanks may separate it from the number): such a file
 * must load whole, with its enum values, defaults and source positions right.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as protobuf from 'protobufjs';
import { buildProtoDefinitions, protocSpelling } from '../../../decoders/protobuf/definitions';
import { decodeProtobuf, resolverFor } from '../../../decoders/protobuf/decode';
import { DEFAULT_LIMITS } from '../../../decoders/core/env';
import { fromHex } from '../../../decoders/core/bytes';

const TEXT = `syntax = "proto2";
package sp;
message M {
  enum E {
    A = 1;
    B = 0X2;
    C = - 4;
  }
  optional E e = 1 [ default = C ];
  optional int64 big = 2 [ default = - 1152921504606846976 ];
  optional sfixed32 h = 3 [ default = -0X1f ];
  optional string s = 4 [ default = "a - 4 and 0X1 stay" ]; // - 4 in a comment
  /* and - 5
     here */ optional double d = 5 [ default = -
     0.5 ];
  optional int32 message = 6;
}
`;

describe('.proto spellings protoc takes', () => {
  it('a sign apart from its number and an upper-case 0X load; strings and comments are left alone; lines stay', () => {
    const out = protocSpelling(TEXT);
    assert.equal(out.split('\n').length, TEXT.split('\n').length);
    assert.match(out, /C = -4 ;/);
    assert.match(out, /default = -1152921504606846976 +\]/);
    assert.match(out, /default = -0x1f \]/);
    assert.match(out, /"a - 4 and 0X1 stay"/);
    assert.match(out, /\/\/ - 4 in a comment/);
    assert.match(out, /\/\* and - 5/);
    const defs = buildProtoDefinitions([{ path: '/r/sp.proto', text: TEXT, root: '/r' }]);
    assert.deepEqual(defs.warnings, []);
    const M = defs.root.lookupType('sp.M');
    assert.deepEqual({ ...(M.lookup('E') as protobuf.Enum).values }, { A: 1, B: 2, C: -4 });
    assert.equal(M.fields.h.options?.default, -31);
    assert.equal(M.fields.d.options?.default, -0.5);
    assert.equal(defs.messages.get('sp.M')?.line, 3);
    // field 1 (enum) = -4 as a 10-byte varint (protobuf encoding: negative int32 values are sign-extended), field 6 = 8
    const r = decodeProtobuf(fromHex('08fcffffffffffffffff013008'), 'sp.M', resolverFor(defs.root), DEFAULT_LIMITS);
    assert.deepEqual(r.value, { e: 'C', message: 8 });
  });
  it('leaves an exponent, a subtraction-looking name and text without such spellings as they are', () => {
    const t = 'option (x) = 1e-5; option (y) = a-1;';
    assert.equal(protocSpelling(t), t);
    assert.equal(protocSpelling('message A {}'), 'message A {}');
  });
});
