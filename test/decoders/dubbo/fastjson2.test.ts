/**
 * fastjson2 JSONB (decoders/dubbo/jsonb.ts) and Dubbo bodies in serialization 23.
 *
 * Where the fixtures come from: no Java (so no fastjson2, no Dubbo) runs here, and Debian packages
 * neither. The bytes are written by hand from fastjson2's own description of the format — the
 * type bytes of JSONB.java `Constants`, docs/JSONB/jsonb_format_en.md, and how JSONWriterJSONB /
 * JSONB.IO write each value — and, where fastjson2's tests pin a layout (core/src/test/…/jsonb/
 * basic/ReferenceTest, TimestampTest, SymbolTest; JSONBDumTest), they follow it and check the
 * length those tests assert. One value is real traffic: the bytes of a typed `Set` that a Dubbo
 * application sent, quoted in alibaba/fastjson2 issue #1857. The Dubbo framing (a 4-byte
 * big-endian length before each value) is FastJson2ObjectOutput.writeObject/writeLength in
 * apache/dubbo dubbo-serialization-fastjson2; the request/response field order is DubboCodec's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/dubbo/index';
import { JsonbReader, JsonbError, Fastjson2BodyReader } from '../../../decoders/dubbo/jsonb';
import { HessianEnd } from '../../../decoders/dubbo/hessian';
import { fromHex } from '../../../decoders/core/bytes';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { replay, seg, snapshot, prng } from '../redis/feed';

const dubbo = (s: DecoderSession) => spec.create(s) as StreamDecoder;
const hx = (s: string) => s.replace(/\s+/g, '');
const j = (hex: string) => {
  const r = new JsonbReader(fromHex(hx(hex)));
  const v = r.value();
  assert.ok(r.done, `bytes left after ${hex}`);
  return v;
};
/** ASCII/Latin-1 text as hex */
const t = (s: string) => Buffer.from(s, 'latin1').toString('hex');
/** A fixed-length ASCII string (0x49 + length) */
const str = (s: string) => (0x49 + s.length).toString(16) + t(s);
/** One value as FastJson2ObjectOutput frames it: 4-byte big-endian length, the JSONB bytes. */
const fj = (hex: string) => {
  const b = hx(hex);
  return (b.length / 2).toString(16).padStart(8, '0') + b;
};
const frame = (flag: string, status: string, id: number, body: string) => {
  const b = hx(body);
  return `dabb${flag}${status}${id.toString(16).padStart(16, '0')}${(b.length / 2).toString(16).padStart(8, '0')}${b}`;
};

describe('fastjson2 JSONB values (JSONB.java Constants, docs/JSONB/jsonb_format_en.md)', () => {
  it('int32 (§3.1): 1-byte 0xf0–0x2f, 2-byte 0x30–0x3f, 3-byte 0x40–0x47, BC_INT32 0x48', () => {
    assert.deepEqual(['00', '2f', 'f0', 'ff', '3800', '3000', '3fff', '440000', '400000', '47ffff', '480000012c', '4880000000'].map(j), [0, 47, -16, -1, 0, -2048, 2047, 0, -262144, 262143, 300, -2147483648]);
  });
  it('int64 (§3.2): 0xd8–0xef, 0xc8–0xd7, 0xc0–0xc7, BC_INT64_INT 0xbf, BC_INT64 0xbe; INT8 0xbd, INT16 0xbc (§3.3)', () => {
    assert.deepEqual(['e0', 'd8', 'ef', 'd000', 'c800', 'd7ff', 'c40000', 'c00000', 'c7ffff', 'bf7fffffff', 'be001fffffffffffff', 'be0020000000000000', 'be8000000000000000', 'bd80', 'bc8000'].map(j), [
      0, -8, 15, 0, -2048, 2047, 0, -262144, 262143, 2147483647, 9007199254740991, '9007199254740992', '-9223372036854775808', -128, -32768,
    ]);
  });
  it('double (§3.7) and float (§3.6): 0 and 1, as long, IEEE bits; a float as its shortest decimal', () => {
    assert.deepEqual(['b2', 'b3', 'b4e2', 'b4c40100', 'b54028800000000000', 'b6 05', 'b73f8ccccd', 'b57ff8000000000000'].map(j), [0, 1, 2, 256, 12.25, 5, 1.1, 'NaN']);
  });
  it('BigInteger (§3.4) and BigDecimal (§3.5); JSONBDumTest test_3 and dec values come back digit for digit', () => {
    const digits = '123456789012345678901234567890123456789012345678901234567890';
    const twos = '13aaf504e4bc1e62173f87a4378c37b49c8ccff196ce3f0ad2'; // BigInteger.toByteArray of those digits (25 bytes)
    assert.deepEqual(j(`bb 19 ${twos}`), digits);
    assert.deepEqual(j('ba e5'), 5);
    // BC_DECIMAL scale 11, unscaled as BC_BIGINT: JSONBDumTest.dec
    assert.deepEqual(j(`b9 0b bb 19 ${twos}`), '1234567890123456789012345678901234567890123456789.01234567890');
    // 12.34: scale 2, unscaled 1234 as a 2-byte int; BC_DECIMAL_LONG 7
    assert.deepEqual([j('b9 02 3cd2'), j('b8 e7'), j('b9 02 bc ff9c')], [12.34, 7, -1]);
  });
  it('null, booleans (§4); char BC_CHAR + int32', () => {
    assert.deepEqual(['af', 'b1', 'b0', '90 3841'].map(j), [null, true, false, 'A']);
  });
  it('strings (§5): fixed Latin-1 0x49–0x78, BC_STR_ASCII + length, UTF-8, UTF-16 (BOM), UTF-16LE/BE, GB18030', () => {
    assert.deepEqual(j('49'), '');
    assert.deepEqual(j('4e 68656c6c6f'), 'hello');
    assert.deepEqual(j('4a e9'), 'é'); // Latin-1 (Java's LATIN1 coder), not UTF-8
    assert.deepEqual(j(`79 3832 ${t('x'.repeat(50))}`), 'x'.repeat(50)); // JSONB.IO.putStringSizeSmall
    assert.deepEqual(j('7a 06 e4bda0e5a5bd'), '你好');
    assert.deepEqual(j('7c 04 604f7d59'), '你好');
    assert.deepEqual(j('7d 04 4f60597d'), '你好');
    assert.deepEqual(j('7b 06 fffe604f7d59'), '你好');
    assert.deepEqual(j('7b 04 4f60597d'), '你好');
    assert.deepEqual(j('7e 04 c4e3bac3'), '你好');
  });
  it('binary (§11) and a UUID (BC_BINARY, 16, the 16 bytes: JSONB.IO.writeUUID)', () => {
    assert.deepEqual(j('91 03 010203'), { $binary: '010203', size: 3 });
    assert.deepEqual(j('91 10 00112233445566778899aabbccddeeff'), { $binary: '00112233445566778899aabbccddeeff', size: 16 });
  });
  it('arrays (§8): 0x94–0xa3 hold 0–15 items, BC_ARRAY + length more', () => {
    assert.deepEqual([j('94'), j('96 01 4a61'), j(`a4 10 ${'01'.repeat(16)}`)], [[], [1, 'a'], Array(16).fill(1)]);
  });
  it('objects (§7): 0xa6 entries 0xa5; names as strings, numbers, null; a map with a non-scalar key', () => {
    assert.deepEqual(j(`a6 ${str('id')} 01 ${str('name')} ${str('Ada')} a5`), { id: 1, name: 'Ada' });
    assert.deepEqual(j('a6 a5'), {});
    assert.deepEqual(j('a6 01 4a61 af 4a62 a5'), { '1': 'a', null: 'b' });
    assert.deepEqual(j('a6 96 01 02 4a61 a5'), { entries: [{ key: [1, 2], value: 'a' }] });
    assert.deepEqual(j(`a6 ${str('__proto__')} 01 a5`), JSON.parse('{"__proto__":1}'));
  });
  it('typed beans (§10, WriteClassName) with names as symbols (WriteNameAsSymbol): name + number first, the number after', () => {
    // [Person{id 1, name "Ada"}, Person{id 2, name "Bob"}]: the class is symbol 0, the field names 1 and 2
    const people = `96 92 ${str('org.demo.Person')} 00 a6 7f ${str('id')} 01 01 7f ${str('name')} 02 ${str('Ada')} a5  92 00 a6 7f 01 02 7f 02 ${str('Bob')} a5`;
    assert.deepEqual(j(people), [
      { $class: 'org.demo.Person', id: 1, name: 'Ada' },
      { $class: 'org.demo.Person', id: 2, name: 'Bob' },
    ]);
    // JSONBDumTest test_4: a TreeMap with WriteClassName is typed with fastjson2's short name; a map type keeps Hessian's `$type`
    assert.deepEqual(j(`92 ${str('TreeMap')} 00 a6 ${str('id')} af a5`), { $type: 'TreeMap', id: null });
    // a typed array ("[String": String[]) and a typed scalar (an enum by ordinal)
    assert.deepEqual(j(`92 ${str('[String')} 00 95 ${str('a')}`), { $type: '[String', items: ['a'] });
    assert.deepEqual(j(`92 ${str('org.demo.Color')} 00 02`), { $class: 'org.demo.Color', value: 2 });
  });
  it('the bytes of a typed Set a Dubbo application sent (alibaba/fastjson2 issue #1857)', () => {
    const bytes = [-110, 76, 83, 101, 116, 0, -92, 45, 2, 4, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 23, 24, 26, 27, 28, 29, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 44, 46, 47, 56, 48, 56, 49, 56, 50, 56, 51, 56, 52, 56, 53, 56, 54, 56, 55, 56, 56];
    const r = new JsonbReader(new Uint8Array(bytes.map((b) => b & 0xff)));
    const v = r.value() as { $type: string; items: number[] };
    assert.ok(r.done);
    assert.equal(v.$type, 'Set');
    assert.equal(v.items.length, 45);
    assert.deepEqual(v.items.slice(0, 8), [2, 4, 6, 7, 8, 9, 10, 11]); // the printed "[2, 4, 6, 7, 8, 9, 10, 11, 13, …"
    assert.deepEqual(v.items.slice(-9), [48, 49, 50, 51, 52, 53, 54, 55, 56]);
  });
  it('references (§9, ReferenceDetection): ReferenceTest testRefRoot (18 bytes), testRefParent (21), testRefPath (34); "#-1" repeats the last path', () => {
    const root = `a6 ${str('value')} a6 ${str('root')} 93 ${str('$')} a5 a5`;
    const parent = `a6 ${str('value')} a6 ${str('parent')} 93 ${str('..')} a5 a5`;
    const path = `a6 ${str('value0')} a6 a5 ${str('value1')} a6 ${str('ref')} 93 ${str('$.value0')} a5 a5`;
    assert.deepEqual([root, parent, path].map((h) => hx(h).length / 2), [18, 21, 34]);
    assert.deepEqual(j(root), { value: { root: { $ref: '$' } } });
    assert.deepEqual(j(parent), { value: { parent: { $ref: '..' } } });
    assert.deepEqual(j(path), { value0: {}, value1: { ref: { $ref: '$.value0' } } });
    assert.deepEqual(j(`96 93 ${str('$.a')} 93 ${str('#-1')}`), [{ $ref: '$.a' }, { $ref: '$.a' }]);
  });
  it('dates and times (§6): TimestampTest — Instant (11 bytes), Date as millis/seconds/minutes, LocalDate, LocalDateTime (13), LocalTime (9), ZonedDateTime (15)', () => {
    const instant = 'ae bf63b98864 482376fac0'; // Instant.ofEpochSecond(1673103460, 595000000)
    const ldt = 'a8 07e7 01 07 0f 16 35 48054e0840'; // 2023-01-07T15:22:53.089
    const lt = 'a7 0f 16 35 48054e0840';
    const zdt = `aa 07e7 01 07 0f 16 35 48054e0840 ${str('Z')}`;
    assert.deepEqual([instant, ldt, lt, zdt].map((h) => hx(h).length / 2), [11, 13, 9, 15]);
    assert.deepEqual(j(instant), { $date: '2023-01-07T14:57:40.595Z' });
    assert.deepEqual(j('ab 000001858cc779d2'), { $date: new Date(1673104161234).toISOString() });
    assert.deepEqual(j('ac 63b98b20'), { $date: new Date(1673104160000).toISOString() });
    assert.deepEqual(j('ad 01c4f3b6'), { $date: new Date(0x01c4f3b6 * 60000).toISOString() });
    assert.deepEqual(j('a9 07e7 01 07'), { $date: '2023-01-07' });
    assert.deepEqual(j(ldt), { $date: '2023-01-07T15:22:53.089' });
    assert.deepEqual(j('a8 07e7 01 07 0f 16 35 00'), { $date: '2023-01-07T15:22:53' });
    assert.deepEqual(j(lt), { $time: '15:22:53.089' });
    assert.deepEqual(j(zdt), { $date: '2023-01-07T15:22:53.089', zone: 'Z' });
  });
  it('symbols as values and an undefined symbol', () => {
    assert.deepEqual(j(`96 7f ${str('k')} 05 7f 05`), ['k', 'k']);
    assert.throws(() => j('7f 05'), /symbol 5 undefined/);
  });
  it('hostile input: cut values, huge lengths, deep nesting, unknown types throw (the decoder turns them into warnings)', () => {
    assert.throws(() => j('48 0000'), /end of body/);
    assert.throws(() => j('79 48 7fffffff'), /runs past the end/);
    assert.throws(() => j('a4 48 7fffffff'), /array length 2147483647 runs past the end/);
    assert.throws(() => j('a4 ff'), /array length -1 out of bounds/);
    assert.throws(() => j('91 48 7fffffff'), /binary length .* runs past the end/);
    assert.throws(() => j(`${'95'.repeat(200)}94`), /nested deeper than 64/);
    assert.throws(() => j(`${'92 00'.repeat(3)}`), /type symbol 0 undefined/);
    assert.throws(() => j('80'), /unknown JSONB type 0x80/);
    assert.throws(() => j('a5'), /object end outside an object/);
    assert.throws(() => j('a6 01'), /end of body/);
    assert.throws(() => j('b9 48 7fffffff 01'), /decimal scale .* out of bounds/);
    assert.throws(() => j('79 ff'), /symbol table/);
  });
  it('random bytes: only HessianEnd or JsonbError, never another exception; what reads is plain JSON data (no bigint, no undefined)', () => {
    const rnd = prng(2024);
    let read = 0;
    for (let i = 0; i < 3000; i++) {
      const b = new Uint8Array(1 + Math.floor(rnd() * 48)).map(() => Math.floor(rnd() * 256));
      // bias towards containers and typed values so the deeper paths run
      if (i % 3 === 0) b[0] = [0x92, 0xa6, 0xa4, 0x96, 0xb9, 0xaa, 0x7f][i % 7];
      try {
        const v = new JsonbReader(b).value();
        assert.deepEqual(JSON.parse(JSON.stringify(v)), v, Buffer.from(b).toString('hex'));
        read++;
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        assert.ok(e instanceof HessianEnd || e instanceof JsonbError, `${(e as Error).name}: ${(e as Error).message} on ${Buffer.from(b).toString('hex')}`);
      }
    }
    assert.ok(read > 300, `only ${read} of 3000 inputs read as a value`);
  });
  it('the Dubbo body framing: a 4-byte length per value; a length past the body; bytes left inside a frame', () => {
    const r = new Fastjson2BodyReader(fromHex(fj('4e 322e302e32') + fj('af') + fj('01')));
    assert.deepEqual([r.string(), r.string(), r.value(), r.done], ['2.0.2', '', 1, true]);
    assert.throws(() => new Fastjson2BodyReader(fromHex('ffffffff01')).value(), /value length 4294967295 runs past the end of the body \(1 bytes left\)/);
    assert.throws(() => new Fastjson2BodyReader(fromHex('000000020101')).value(), /1 bytes after the value inside its 2-byte frame/);
    assert.throws(() => new Fastjson2BodyReader(fromHex('0000')).value(), /2 bytes where a 4-byte value length belongs/);
  });
});

// DubboCodec.encodeRequestData in fastjson2: every writeUTF / writeObject one framed JSONB value.
const PERSON = `92 ${str('org.demo.Person')} 00 a6 7f ${str('id')} 01 07 7f ${str('name')} 02 ${str('Ada')} a5`;
const REQ = [
  fj(str('2.0.2')),
  fj(str('org.demo.PersonService')),
  fj(str('1.0.0')),
  fj(str('updatePerson')),
  fj(str('Lorg/demo/Person;I')),
  fj(PERSON),
  fj('07'),
  fj(`a6 ${str('path')} ${str('org.demo.PersonService')} ${str('timeout')} ${str('3000')} a5`),
].join('');
// response: writeByte(RESPONSE_VALUE_WITH_ATTACHMENTS = 4) is BC_INT8 4; the value; the attachments
const RESP = [fj('bd 04'), fj(PERSON), fj(`a6 ${str('dubbo')} ${str('2.0.2')} a5`)].join('');
// RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS (3): a Throwable, its cause a reference to itself
const EXC = [fj('bd 03'), fj(`92 ${str('java.lang.IllegalStateException')} 00 a6 7f ${str('detailMessage')} 01 ${str('sold out')} 7f ${str('cause')} 02 93 ${str('$')} a5`), fj('a6 a5')].join('');

describe('Dubbo bodies in fastjson2 (serialization 23, FastJson2ObjectOutput)', () => {
  // flags: 0xd7 request + two-way + 23, 0x17 response in 23, 0xf7 a heartbeat event
  it('a request/response pair decodes as a Hessian one does', () => {
    const s = replay(dubbo, [seg('c2s', frame('d7', '00', 21, REQ)), seg('s2c', frame('17', '14', 21, RESP))]);
    const c = s.calls[0];
    assert.deepEqual([c.method, c.target, c.fields['dubbo.serialization'], c.fields['dubbo.protocol_version'], c.fields['dubbo.response_type'], c.warnings], [
      'updatePerson',
      'org.demo.PersonService:1.0.0',
      'fastjson2',
      '2.0.2',
      'value+attachments',
      [],
    ]);
    assert.deepEqual(c.request?.value, {
      parameterTypes: ['org.demo.Person', 'int'],
      arguments: [{ $class: 'org.demo.Person', id: 7, name: 'Ada' }, 7],
      attachments: { path: 'org.demo.PersonService', timeout: '3000' },
      service: 'org.demo.PersonService',
      version: '1.0.0',
    });
    assert.deepEqual(c.response?.value, { value: { $class: 'org.demo.Person', id: 7, name: 'Ada' }, attachments: { dubbo: '2.0.2' } });
    assert.deepEqual(c.status, { code: 20, text: 'OK', ok: true });
  });
  it('an exception answer is an error named by its class; a service version written as null is none', () => {
    const req = REQ.replace(fj(str('1.0.0')), fj('af'));
    const s = replay(dubbo, [seg('c2s', frame('d7', '00', 22, req)), seg('s2c', frame('17', '14', 22, EXC))]);
    const c = s.calls[0];
    assert.equal(c.target, 'org.demo.PersonService');
    assert.deepEqual(c.status, { code: 'java.lang.IllegalStateException', text: 'sold out', ok: false });
    assert.deepEqual((c.response?.value as { exception: unknown }).exception, { $class: 'java.lang.IllegalStateException', detailMessage: 'sold out', cause: { $ref: '$' } });
  });
  it('a heartbeat (a framed null) and an error status (a framed string)', () => {
    const s = replay(dubbo, [seg('c2s', frame('f7', '00', 1, fj('af')) + frame('d7', '00', 2, REQ)), seg('s2c', frame('37', '14', 1, fj('af')) + frame('17', '46', 2, fj(str('no provider'))))]);
    assert.deepEqual(
      s.calls.map((c) => [c.kind, c.method, c.status]),
      [
        ['event', 'heartbeat', { code: 20, text: 'OK', ok: true }],
        ['unary', 'updatePerson', { code: 70, text: 'SERVICE_ERROR: no provider', ok: false }],
      ],
    );
  });
  it('a malformed body: a warning on the call, what was read kept, nothing thrown', () => {
    const bad = REQ.replace(fj(PERSON), fj('80'));
    const s = replay(dubbo, [seg('c2s', frame('d7', '00', 23, bad)), seg('s2c', frame('17', '14', 23, fj('bd 02')))]);
    const c = s.calls[0];
    assert.equal(c.method, 'updatePerson');
    assert.deepEqual((c.request?.value as { arguments: unknown[] }).arguments, []);
    assert.match(c.warnings.join(' '), /request body: unknown JSONB type 0x80/);
    assert.deepEqual([c.fields['dubbo.response_type'], c.response?.value], ['null', { value: null }]);
    // a value length past the body
    const huge = replay(dubbo, [seg('c2s', frame('97', '00', 24, `${fj(str('2.0.2'))}7fffffff00`))]);
    assert.match(huge.calls[0].warnings.join(' '), /request body ends early: value length 2147483647 runs past the end of the body/);
  });
  it('any split gives identical calls; mutated frames never throw', () => {
    const script = [seg('c2s', frame('f7', '00', 1, fj('af')) + frame('d7', '00', 2, REQ)), seg('s2c', frame('37', '14', 1, fj('af')) + frame('17', '14', 2, RESP)), seg('c2s', frame('d7', '00', 3, REQ)), seg('s2c', frame('17', '14', 3, EXC))];
    const whole = snapshot(replay(dubbo, script));
    assert.deepEqual(snapshot(replay(dubbo, script, 'bytes')), whole);
    for (let seed = 1; seed < 4; seed++) assert.deepEqual(snapshot(replay(dubbo, script, seed)), whole);
    const rnd = prng(23);
    const base = fromHex(frame('d7', '00', 5, REQ) + frame('17', '14', 5, EXC));
    for (let i = 0; i < 400; i++) {
      const b = base.slice();
      for (let k = 0; k < 3; k++) b[16 + Math.floor(rnd() * (b.length - 16))] = Math.floor(rnd() * 256);
      replay(dubbo, [seg('c2s', b), seg('s2c', b)], i);
    }
  });
});
