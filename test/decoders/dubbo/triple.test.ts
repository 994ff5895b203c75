/**
 * Dubbo 3 Triple's wrapper for interface-based services (decoders/dubbo/triple.ts) inside gRPC
 * over HTTP/2. The wrappers follow apache/dubbo's TripleCustomerProtocolWapper
 * (TripleRequestWrapper: serializeType = 1, repeated bytes args = 2, repeated string argTypes = 3;
 * TripleResponseWrapper: serializeType = 1, bytes data = 2, string type = 3) and what
 * ReflectionPackableMethod puts in them (hessian2 named "hessian4", an exception typed
 * java.lang.Exception). No Java Dubbo runs here: the bytes are written by hand from those sources
 * (fastjson2 values as in fastjson2.test.ts, Hessian values per the Hessian 2.0 spec).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { feed, frame, block, c2s, s2c, preface, lpm } from '../http2/h2';
import { decodeTripleWrapper } from '../../../decoders/dubbo/triple';
import { fromHex } from '../../../decoders/core/bytes';

const hx = (s: string) => s.replace(/\s+/g, '');
const t = (s: string) => Buffer.from(s, 'latin1').toString('hex');
const str = (s: string) => (0x49 + s.length).toString(16) + t(s);
const fj = (hex: string) => ((hx(hex).length / 2).toString(16).padStart(8, '0') + hx(hex));
/** A length-delimited protobuf field (wire type 2) with a one-byte length. */
const pb = (field: number, hex: string) => ((field << 3) | 2).toString(16).padStart(2, '0') + (hx(hex).length / 2).toString(16).padStart(2, '0') + hx(hex);
const pbs = (field: number, s: string) => pb(field, Buffer.from(s).toString('hex'));

const PERSON = `92 ${str('org.demo.Person')} 00 a6 7f ${str('id')} 01 07 7f ${str('name')} 02 ${str('Ada')} a5`;
const REQ_FJ2 = pbs(1, 'fastjson2') + pb(2, fj(PERSON)) + pb(2, fj('07')) + pbs(3, 'org.demo.Person') + pbs(3, 'int');
const RES_FJ2 = pbs(1, 'fastjson2') + pb(2, fj(PERSON)) + pbs(3, 'org.demo.Person');
// Hessian: "Ada" (0x03 + UTF-8), int 7 (0x97); the exception a class definition + instance (spec §4.9)
const REQ_H4 = pbs(1, 'hessian4') + pb(2, '03416461') + pb(2, '97') + pbs(3, 'java.lang.String') + pbs(3, 'int');
const EXC_H4 = pbs(1, 'hessian4') + pb(2, '430d6a6176612e696f2e4572726f7291 0d64657461696c4d657373616765 60 04626f6f6d') + pbs(3, 'java.lang.Exception');

function call(req: string, res: string, extra: Array<[string, string]> = [['tri-service-version', '1.0.0'], ['tri-consumer-appname', 'demo-consumer']]) {
  const REQ = block([[':method', 'POST'], [':scheme', 'http'], [':path', '/org.demo.PersonService/updatePerson'], ['content-type', 'application/grpc+proto'], ['te', 'trailers'], ...extra]);
  const RES = block([[':status', '200'], ['content-type', 'application/grpc+proto']]);
  const s = feed([
    c2s(preface(), frame(1, 0x4, 1, REQ), frame(0, 1, 1, lpm(fromHex(req)))),
    s2c(frame(1, 0x4, 1, RES), frame(0, 0, 1, lpm(fromHex(res))), frame(1, 0x5, 1, block([['grpc-status', '0']]))),
  ]);
  return s.calls[0];
}

describe('Dubbo Triple wrappers (TripleCustomerProtocolWapper) in gRPC calls', () => {
  it('fastjson2: arguments and result decoded, argument types shown, the gRPC layer kept', () => {
    const c = call(REQ_FJ2, RES_FJ2);
    assert.deepEqual([c.protocol, c.method, c.status, c.fields['dubbo.serialization'], c.warnings], ['grpc', 'org.demo.PersonService/updatePerson', { code: 0, text: 'OK', ok: true }, 'fastjson2', []]);
    assert.deepEqual(c.request?.value, { serializeType: 'fastjson2', parameterTypes: ['org.demo.Person', 'int'], arguments: [{ $class: 'org.demo.Person', id: 7, name: 'Ada' }, 7] });
    assert.deepEqual(c.response?.value, { serializeType: 'fastjson2', type: 'org.demo.Person', value: { $class: 'org.demo.Person', id: 7, name: 'Ada' } });
  });
  it('hessian2 (named "hessian4" in the wrapper); an exception answer typed java.lang.Exception', () => {
    const c = call(REQ_H4, EXC_H4);
    assert.deepEqual(c.request?.value, { serializeType: 'hessian4', parameterTypes: ['java.lang.String', 'int'], arguments: ['Ada', 7] });
    assert.deepEqual(c.response?.value, { serializeType: 'hessian4', type: 'java.lang.Exception', exception: { $class: 'java.io.Error', detailMessage: 'boom' } });
  });
  it('an argument that does not read: a warning and its bytes; the rest decoded', () => {
    const c = call(pbs(1, 'fastjson2') + pb(2, fj('80')) + pbs(3, 'int'), RES_FJ2);
    assert.deepEqual((c.request?.value as { arguments: unknown[] }).arguments, [{ serialization: 'fastjson2', size: 5, hex: '0000000180' }]);
    assert.match(c.warnings.join(' '), /c2s message 0: argument 0: unknown JSONB type 0x80/);
  });
  it('not a wrapper: falls back to the protobuf decoding as before', () => {
    // field 1 a string that names no serialization; field 4; args without their types
    for (const msg of [pbs(1, 'hello'), pbs(1, 'fastjson2') + pbs(4, 'x'), pbs(1, 'fastjson2') + pb(2, fj('07'))]) {
      const c = call(msg, pbs(1, 'hello'));
      assert.equal(c.fields['dubbo.serialization'], undefined);
      assert.ok(!(c.request?.value && typeof c.request.value === 'object' && 'serializeType' in c.request.value), msg);
    }
    // a Dubbo serialization not read here (kryo) only with Triple's headers
    const kryo = pbs(1, 'kryo') + pb(2, '0102') + pbs(3, 'int');
    assert.equal(call(kryo, RES_FJ2, []).fields['dubbo.serialization'], 'fastjson2'); // the response is one; the request is not taken
    const c = call(kryo, RES_FJ2);
    assert.deepEqual(c.request?.value, { serializeType: 'kryo', parameterTypes: ['int'], arguments: [{ serialization: 'kryo', size: 2, hex: '0102' }] });
    assert.match(c.warnings.join(' '), /argument 0: kryo not decoded/);
  });
  it('a response wrapper always names a type (TripleResponseWrapper.Builder refuses none); its data may be absent', () => {
    assert.deepEqual(decodeTripleWrapper(fromHex(pbs(1, 'hessian4') + pbs(3, 'void')), 'response', 64)?.value, { serializeType: 'hessian4', type: 'void', value: null });
    assert.equal(decodeTripleWrapper(fromHex(pbs(1, 'hessian4') + pb(2, '4e')), 'response', 64), undefined);
  });
  it('field order does not matter; the serializeType is one field, named exactly', () => {
    assert.deepEqual(decodeTripleWrapper(fromHex(pbs(3, 'int') + pb(2, fj('07')) + pbs(1, 'fastjson2')), 'request', 64)?.value, { serializeType: 'fastjson2', parameterTypes: ['int'], arguments: [7] });
    for (const names of [pbs(1, 'fastjson2') + pbs(1, 'fastjson2'), pbs(1, 'fastjson2\u00e9'), pbs(1, 'FASTJSON2'), pb(1, ''), '']) {
      assert.equal(decodeTripleWrapper(fromHex(names + pbs(3, 'int')), 'response', 64, true), undefined, names);
    }
  });
  it('hostile wrappers never throw', () => {
    assert.equal(decodeTripleWrapper(fromHex('0aff'), 'request', 64), undefined);
    assert.equal(decodeTripleWrapper(fromHex('0a80808080808001'), 'request', 64), undefined);
    assert.equal(decodeTripleWrapper(fromHex(pb(1, 'ff')), 'response', 64), undefined);
    const deep = decodeTripleWrapper(fromHex(pbs(1, 'fastjson2') + pb(2, fj('95'.repeat(100) + '94')) + pbs(3, 'x')), 'response', 64);
    assert.match(deep!.warnings[0], /data: values nested deeper than 64 levels/);
    // random bytes behind a valid serializeType: never a throw
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 2000; i++) {
      const arg = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => Math.floor(rnd() * 256).toString(16).padStart(2, '0')).join('');
      const name = ['fastjson2', 'hessian4', 'gson'][i % 3];
      // a wrapper of the right shape is always taken, whatever its argument / data bytes: the value
      // decoded, or (with a warning that says why) its bytes as they came
      const side = i % 2 ? 'request' : 'response';
      const w = decodeTripleWrapper(fromHex(pbs(1, name) + pb(2, arg) + pbs(3, 'x')), side, 64, true);
      assert.ok(w, `${name} ${side} ${arg}`);
      assert.equal(w.serializeType, name);
      const v = side === 'request' ? (assert.deepEqual(w.value.parameterTypes, ['x']), (w.value.arguments as unknown[])[0]) : (assert.equal(w.value.type, 'x'), w.value.value);
      const failed = w.warnings.filter((x) => !/bytes after the value$/.test(x));
      assert.equal(isDeepStrictEqual(v, { serialization: name, size: arg.length / 2, hex: arg }), failed.length > 0, `${name} ${arg}: ${JSON.stringify(v)} ${failed}`);
      decodeTripleWrapper(fromHex(pbs(1, name) + arg), 'request', 64, true);
    }
  });
});
