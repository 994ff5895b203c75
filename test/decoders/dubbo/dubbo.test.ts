import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spec, parseDescriptor } from '../../../decoders/dubbo/index';
import { HessianReader } from '../../../decoders/dubbo/hessian';
import { fromHex } from '../../../decoders/core/bytes';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { replay, seg, snapshot, prng, type Segment } from '../redis/feed';
import { testSession } from '../../helpers/session';
import { feedWithGaps, type GapStep } from '../../helpers/gaps';

const dubbo = (s: DecoderSession) => spec.create(s) as StreamDecoder;
const h = (hex: string) => new HessianReader(fromHex(hex)).value();

describe('Hessian 2.0 (serialization spec section 4: int, long, double, date, string, binary, list, map, object, ref)', () => {
  it('int (4.4): 1-, 2-, 3- and 5-byte forms', () => {
    assert.deepEqual(['90', '80', 'bf', 'c800', 'c000', 'cfff', 'd40000', 'd00000', 'd7ffff', '490000012c'].map(h), [0, -16, 47, 0, -2048, 2047, 0, -262144, 262143, 300]);
  });
  it('long (4.6): compact forms, Y (32-bit) and L', () => {
    assert.deepEqual(['e0', 'd8', 'ef', 'f800', 'f000', 'ffff', '3c0000', '380000', '3fffff', '590000012c', '4c000000000000012c', '4c8000000000000000'].map(h), [0, -8, 15, 0, -2048, 2047, 0, -262144, 262143, 300, 300, '-9223372036854775808']);
  });
  it('double (4.3): 0.0, 1.0, byte, short, float-as-int-millis, D', () => {
    assert.deepEqual(['5b', '5c', '5d80', '5e8000', '5f00002fda', '444028800000000000'].map(h), [0, 1, -128, -32768, 12.25, 12.25]);
  });
  it('date (4.2): J milliseconds and K minutes', () => {
    assert.deepEqual(h('4a000000d04b9284b8'), { $date: '1998-05-08T09:51:31.000Z' });
    assert.deepEqual(h('4b00e3838f'), { $date: '1998-05-08T09:51:00.000Z' });
  });
  it('string (4.12): short, S, chunked R…S, UTF-8 counted in UTF-16 units', () => {
    assert.deepEqual(['00', '0568656c6c6f', '01c383', '53000568656c6c6f', '5200026865530003' + '6c6c6f', '02f09f9880'].map(h), ['', 'hello', '\u00c3', 'hello', 'hello', '😀']);
  });
  it('binary (4.1), null, boolean', () => {
    assert.deepEqual(['20', '23010203', '4e', '54', '46'].map(h), [{ $binary: '', size: 0 }, { $binary: '010203', size: 3 }, null, true, false]);
  });
  it('list (4.7): typed fixed V, compact typed, untyped variable W…Z, compact untyped', () => {
    assert.deepEqual(h('56045b696e74929091'), { $type: '[int', items: [0, 1] });
    assert.deepEqual(h('72045b696e749091'), { $type: '[int', items: [0, 1] });
    assert.deepEqual(h('5790915a'), [0, 1]);
    assert.deepEqual(h('7b909192'), [0, 1, 2]);
  });
  it('map (4.8): untyped H…Z and typed M…Z', () => {
    assert.deepEqual(h('48910366656592036669655a'), { '1': 'fee', '2': 'fie' });
    assert.deepEqual(h('4d09636f6d2e4361636865 0161 0162 5a'), { $type: 'com.Cache', a: 'b' });
  });
  it('object (4.9/4.10): class definition C then O / compact 0x60 instances, and refs Q (4.11)', () => {
    const car = '430b6578616d706c652e43617292' + '05636f6c6f72' + '056d6f64656c' + '60' + '03726564' + '08636f727665747465';
    const r = new HessianReader(fromHex(car + '4f90' + '05677265656e' + '056369766963' + '5190'));
    assert.deepEqual(r.value(), { $class: 'example.Car', color: 'red', model: 'corvette' });
    assert.deepEqual(r.value(), { $class: 'example.Car', color: 'green', model: 'civic' });
    assert.deepEqual(r.value(), { $ref: 0 });
  });
  it('malformed input throws a HessianError, deep nesting is refused', () => {
    assert.throws(() => h('c1'), /end of body/);
    assert.throws(() => h('51'), /end of body/);
    assert.throws(() => new HessianReader(fromHex('57'.repeat(100) + '5a'.repeat(100)), 0, 200, 64).value(), /deeper/);
  });
});

// Header: magic dabb, flag (0x80 request, 0x40 two-way, 0x20 event, low 5 bits serialization), status, id, length.
const frame = (flag: string, status: string, id: number, body: string) => {
  const b = fromHex(body);
  return `dabb${flag}${status}${id.toString(16).padStart(16, '0')}${b.length.toString(16).padStart(8, '0')}${body.replace(/\s+/g, '')}`;
};
// "2.0.2", "a.B", "1.0", "m", "ILjava/lang/String;", 1, "x", H{k:v}Z
const REQ_BODY = '05322e302e32 03612e42 03312e30 016d 1349 4c6a6176612f6c616e672f537472696e673b 91 0178 48 016b 0176 5a';
const HEARTBEAT_REQ = frame('e2', '00', 1, '4e');
const HEARTBEAT_RESP = frame('22', '14', 1, '4e');
const CALL = frame('c2', '00', 2, REQ_BODY);
const RESP_VALUE = frame('02', '14', 2, '91 92');
const RESP_EX = frame('02', '14', 3, '90 430d6a6176612e696f2e4572726f7291 0d64657461696c4d657373616765 60 04626f6f6d');
const RESP_ERR = frame('02', '46', 4, '0a6e6f20736572766963 65'.replace(/\s/g, ''));

describe('Dubbo 2 protocol (dubbo.apache.org protocol spec: header, request/response bodies, events)', () => {
  it('heartbeat event pairs with its response', () => {
    const s = replay(dubbo, [seg('c2s', HEARTBEAT_REQ), seg('s2c', HEARTBEAT_RESP)]);
    assert.deepEqual(s.calls.map((c) => [c.kind, c.method, c.state, c.status?.ok]), [['event', 'heartbeat', 'complete', true]]);
  });
  it('request: version, path, service version, method, descriptor, arguments, attachments; response value', () => {
    const s = replay(dubbo, [seg('c2s', CALL), seg('s2c', RESP_VALUE)]);
    const c = s.calls[0];
    assert.deepEqual([c.method, c.target, c.fields['dubbo.version'], c.fields['dubbo.request_id']], ['m', 'a.B:1.0', '1.0', '2']);
    assert.deepEqual(c.request?.value, { parameterTypes: ['int', 'java.lang.String'], arguments: [1, 'x'], attachments: { k: 'v' }, service: 'a.B', version: '1.0' });
    assert.deepEqual(c.response?.value, { value: 2 });
    assert.deepEqual(c.status, { code: 20, text: 'OK', ok: true });
  });
  it('response with exception and error status are errors; unknown ids are warned', () => {
    const s = replay(dubbo, [seg('c2s', frame('c2', '00', 3, REQ_BODY) + frame('c2', '00', 4, REQ_BODY)), seg('s2c', RESP_EX + RESP_ERR)]);
    assert.deepEqual(s.calls.map((c) => c.status), [
      { code: 'java.io.Error', text: 'boom', ok: false },
      { code: 70, text: 'SERVICE_ERROR: no service', ok: false },
    ]);
  });
  it('oneway requests are reported at once; other serializations are named and shown raw', () => {
    // flag 0x88: request, oneway, serialization 8 (kryo)
    const s = replay(dubbo, [seg('c2s', frame('88', '00', 5, '0102030a'))]);
    assert.deepEqual([s.calls[0].kind, (s.calls[0].request?.value as { serialization: string }).serialization], ['oneway', 'kryo']);
    assert.match(s.calls[0].warnings[0], /kryo body not decoded/);
  });
  it('fastjson (serialization 6) and gson (16): one JSON value per line (Dubbo FastJsonObjectOutput/GsonJsonObjectOutput println each value)', () => {
    const hex = (t: string) => Buffer.from(t).toString('hex');
    // DubboCodec request data: dubbo version, path, version, method, descriptor, arguments, attachments.
    const req = ['"2.0.2"', '"org.demo.ItemService"', '"1.0.0"', '"modifyItem"', '"Ljava/lang/String;Lorg/demo/Item;"', '"456"', '{"@type":"org.demo.Item","id":456,"title":"Espresso machine"}', '{"path":"org.demo.ItemService","timeout":"3000"}'].join('\n') + '\n';
    // response: RESPONSE_VALUE_WITH_ATTACHMENTS (4), the value, the attachments
    const res = '4\n{"id":456,"price":129.5}\n{"dubbo":"2.0.2"}\n';
    for (const flag of ['c6', 'd0']) {
      const s = replay(dubbo, [seg('c2s', frame(flag, '00', 7, hex(req))), seg('s2c', frame(flag === 'c6' ? '06' : '10', '14', 7, hex(res)))]);
      const c = s.calls[0];
      assert.deepEqual([c.method, c.target, c.fields['dubbo.serialization'], c.warnings], ['modifyItem', 'org.demo.ItemService:1.0.0', flag === 'c6' ? 'fastjson' : 'gson', []]);
      assert.deepEqual((c.request?.value as { arguments: unknown[] }).arguments, ['456', { '@type': 'org.demo.Item', id: 456, title: 'Espresso machine' }]);
      assert.deepEqual((c.request?.value as { attachments: unknown }).attachments, { path: 'org.demo.ItemService', timeout: '3000' });
      assert.deepEqual([c.status, c.response?.value], [{ code: 20, text: 'OK', ok: true }, { value: { id: 456, price: 129.5 }, attachments: { dubbo: '2.0.2' } }]);
    }
    // An exception answer (RESPONSE_WITH_EXCEPTION, 0) and a line that is not JSON.
    const ex = replay(dubbo, [seg('c2s', frame('c6', '00', 8, hex(req))), seg('s2c', frame('06', '14', 8, hex('0\n{"@type":"java.lang.IllegalStateException","message":"sold out"}\n')))]);
    assert.deepEqual(ex.calls[0].status, { code: 'java.lang.IllegalStateException', text: 'sold out', ok: false });
    // what follows the attachments is counted in bytes, also after text that is not ASCII
    const extra = replay(dubbo, [seg('c2s', frame('86', '00', 10, hex(req.replace('Espresso machine', 'Café crème') + '"x"\n')))]);
    assert.deepEqual(extra.calls[0].warnings, ['4 bytes after the attachments']);
    const bad = replay(dubbo, [seg('c2s', frame('86', '00', 9, hex('"2.0.2"\nnot json\n')))]);
    assert.equal(bad.calls[0].kind, 'oneway');
    assert.match(bad.calls[0].warnings.join(' '), /request body: invalid JSON/);
  });
  it('JVM descriptors', () => {
    assert.deepEqual(parseDescriptor('[Ljava/lang/String;JZ[[I'), ['java.lang.String[]', 'long', 'boolean', 'int[][]']);
  });
  it('probe and bad magic', () => {
    assert.equal(spec.probe!(fromHex(CALL), 'c2s'), 'accept');
    assert.equal(spec.probe!(fromHex('dabb'), 'c2s'), 'need-more');
    assert.equal(spec.probe!(fromHex('dabc'), 'c2s'), 'reject');
    const s = replay(dubbo, [seg('c2s', 'ffff' + CALL)]);
    assert.equal(s.calls.length, 0);
    assert.ok(s.warnings.length > 0);
  });
});

describe('Split invariance, fuzz and a hessian.js oracle', () => {
  const script: Segment[] = [seg('c2s', HEARTBEAT_REQ + CALL), seg('s2c', HEARTBEAT_RESP + RESP_VALUE), seg('c2s', frame('c2', '00', 3, REQ_BODY)), seg('s2c', RESP_EX)];
  it('any split gives identical calls', () => {
    const whole = snapshot(replay(dubbo, script));
    assert.deepEqual(snapshot(replay(dubbo, script, 'bytes')), whole);
    for (let seed = 1; seed < 6; seed++) assert.deepEqual(snapshot(replay(dubbo, script, seed)), whole);
  });
  it('mutated frames never throw', () => {
    const rnd = prng(11);
    const base = fromHex(CALL + RESP_EX);
    for (let i = 0; i < 300; i++) {
      const b = base.slice();
      for (let k = 0; k < 3; k++) b[2 + Math.floor(rnd() * (b.length - 2))] = Math.floor(rnd() * 256);
      replay(dubbo, [seg('c2s', b), seg('s2c', b)], i);
    }
  });
  const lib = join(__dirname, '../../../samples/node_modules/hessian.js');
  it('values written by hessian.js read back', { skip: !existsSync(lib) && 'samples/node_modules/hessian.js not installed' }, () => {
    const hessian = createRequire(__filename)(lib);
    const values = [0, -1, 47, 48, -2048, 262143, 262144, 2 ** 31 - 1, 'hello', 'x'.repeat(40000), '中文 😀', true, null, 12.25, -0.5, [1, 'a', [2]], { a: 1, b: { c: 'd' } }, { $class: 'p.Person', $: { name: 'Ada', age: 36 } }, { $class: 'long', $: 1700000000123 }];
    const enc = new hessian.EncoderV2();
    for (const v of values) enc.write(v);
    const r = new HessianReader(new Uint8Array(enc.get()));
    const out = values.map(() => r.value());
    assert.deepEqual(out, [0, -1, 47, 48, -2048, 262143, 262144, 2 ** 31 - 1, 'hello', 'x'.repeat(40000), '中文 😀', true, null, 12.25, -0.5, [1, 'a', [2]], { a: 1, b: { c: 'd' } }, { $class: 'p.Person', name: 'Ada', age: 36 }, 1700000000123]);
  });
});

describe('Gaps (bytes not captured: snaplen, loss) against the Dubbo header length', () => {
  // drive the decoder by hand: data, gap, data with stream offsets that count the missing bytes
  function feed(steps: GapStep[]) {
    const s = testSession();
    feedWithGaps(dubbo(s), steps);
    return s;
  }
  const call = (id: number) => frame('c2', '00', id, REQ_BODY);
  it('a message cut by a gap (snaplen) is decoded as far as it goes and the next one is found by the length', () => {
    const c1 = call(2);
    const kept = 16 + 18; // header + "2.0.2", "a.B", "1.0", "m"
    const s = feed([['c2s', c1.slice(0, kept * 2)], ['gap', 'c2s', c1.length / 2 - kept], ['c2s', call(3)], ['s2c', RESP_VALUE], ['s2c', frame('02', '14', 3, '91 93')]]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.fields['dubbo.request_id'], c.state, JSON.stringify(c.response?.value)]), [['m', '2', 'complete', '{"value":2}'], ['m', '3', 'complete', '{"value":3}']]);
    assert.deepEqual(s.calls[0].warnings, [`request body cut by a gap: 18 of ${c1.length / 2 - 16} bytes captured`]);
    assert.deepEqual(s.calls[1].warnings, []);
  });
  it('a gap past the message boundary: decoding resumes at the next segment that starts with the magic', () => {
    const s = feed([['c2s', call(2).slice(0, 40)], ['gap', 'c2s', 500], ['c2s', '00112233'], ['c2s', call(4)], ['s2c', frame('02', '14', 4, '91 94')]]);
    // the cut request keeps its header (id 2) and waits for an answer that never comes
    assert.deepEqual(s.calls.map((c) => [c.method, c.fields['dubbo.request_id'], c.state]), [['m', '4', 'complete'], ['?', '2', 'incomplete']]);
    assert.ok(s.warnings.some((w) => /past a message boundary; waiting for the next message header/.test(w)));
    assert.ok(s.warnings.some((w) => /resumes at a message header/.test(w)));
  });
  it('a response cut inside its exception is still an error', () => {
    const s = feed([['c2s', call(3)], ['s2c', RESP_EX.slice(0, (16 + 4) * 2)], ['gap', 's2c', RESP_EX.length / 2 - 20]]);
    assert.deepEqual(s.calls.map((c) => [c.fields['dubbo.response_type'], c.status?.ok, c.warnings]), [['exception', false, [`response body cut by a gap: 4 of ${RESP_EX.length / 2 - 16} bytes captured`]]]);
  });
  it('the probe accepts the magic and a known serialization before a whole header is there (snaplen)', () => {
    assert.equal(spec.probe!(fromHex('dabbc200'), 'c2s'), 'accept');
    assert.equal(spec.probe!(fromHex('dabbc1'), 'c2s'), 'need-more');
    assert.equal(spec.probe!(fromHex('dabbc100'), 'c2s'), 'reject');
  });
});
