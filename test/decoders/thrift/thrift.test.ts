import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/thrift/index';
import { detectFraming, readMessage } from '../../../decoders/thrift/wire';
import { buildThriftDefinitions, lookupMethod } from '../../../decoders/thrift/idl';
import { fromHex } from '../../../decoders/core/bytes';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { nodeEnv } from '../../../cli/platform/node-env';
import { testSession } from '../../helpers/session';
import { serialize } from 'node:v8';
import { feedWithGaps, type GapStep } from '../../helpers/gaps';
import { replay, seg, snapshot, prng, type Segment } from '../redis/feed';

const thrift = (s: DecoderSession) => spec.create(s) as StreamDecoder;
const LIMITS = { maxDepth: 64, maxLength: 1 << 20 };

// One message covering every type (written by Debian python3-thrift 0.17's TBinaryProtocol / TCompactProtocol).
const TYPES_BINARY =
  '800100010000000574797065730000000702000101030002fb040003bff8000000000000060004fed4080005000186a00a0006ffdfffffffffffff0b00070000000668c3a96c6c6f0f00080800000010000000000000000100000002000000030000000400000005000000060000000700000008000000090000000a0000000b0000000c0000000d0000000e0000000f0e00090b00000002000000017800000001790d000a0b08000000020000000161000000010000000162000000020c0028020001000f000202000000020100000d00290b0b0000000000';
const TYPES_COMPACT =
  '8221070574797065731113fb17000000000000f8bf14d70415c09a0c168180808080808020180668c3a96c6c6f19f51000020406080a0c0e10121416181a1c1e1a28017801791b02850161020162040c501219210102001b0000';
const TYPES_OLD_BINARY = '000000057479706573010000000702000101030002fb04' + TYPES_BINARY.slice(46);
const TYPES_VALUE = {
  '1': true,
  '2': -5,
  '3': -1.5,
  '4': -300,
  '5': 100000,
  '6': '-9007199254740993',
  '7': 'héllo',
  '8': Array.from({ length: 16 }, (_, i) => i),
  '9': ['x', 'y'],
  '10': { a: 1, b: 2 },
  '40': { '1': false, '2': [true, false] },
  '41': {},
};

// add(1: i32 a, 2: i32 b) → i32, seqid 1
const ADD_CALL_BIN = '80010001 00000003 616464 00000001 08 0001 00000001 08 0002 00000002 00';
const ADD_REPLY_BIN = '80010002 00000003 616464 00000001 08 0000 00000003 00';
const ADD_CALL_COMPACT = '82 21 01 03 616464 15 02 15 04 00';
const ADD_REPLY_COMPACT = '82 41 01 03 616464 05 00 06 00';
const framed = (hex: string) => {
  const b = fromHex(hex);
  return (b.length >>> 0).toString(16).padStart(8, '0') + hex.replace(/\s+/g, '');
};

describe('Thrift binary protocol (thrift-binary-protocol.md: message header, struct encoding, all types)', () => {
  it('strict message header and every type', () => {
    const b = fromHex(TYPES_BINARY);
    const { msg, end } = readMessage('binary', b, 0, b.length, LIMITS);
    assert.equal(end, b.length);
    assert.deepEqual([msg.name, msg.type, msg.seqid, msg.strict], ['types', 1, 7, true]);
    const s = replay(thrift, [seg('c2s', TYPES_BINARY)]);
    assert.deepEqual(s.calls[0].request?.value, TYPES_VALUE);
  });
  it('old (non-strict) message header: name, type byte, seqid', () => {
    const b = fromHex(TYPES_OLD_BINARY);
    const { msg } = readMessage('binary', b, 0, b.length, LIMITS);
    assert.deepEqual([msg.name, msg.type, msg.seqid, msg.strict], ['types', 1, 7, false]);
  });
  it('CALL/REPLY paired by seqid, unframed and framed', () => {
    for (const [c, r] of [
      [ADD_CALL_BIN, ADD_REPLY_BIN],
      [framed(ADD_CALL_BIN), framed(ADD_REPLY_BIN)],
    ]) {
      const s = replay(thrift, [seg('c2s', c), seg('s2c', r)]);
      assert.equal(s.calls.length, 1);
      const call = s.calls[0];
      assert.deepEqual([call.method, call.state, call.request?.value, call.response?.value, call.status], ['add', 'complete', { '1': 1, '2': 2 }, 3, { code: 'OK', ok: true }]);
      assert.equal(call.fields['thrift.framed'], c.startsWith('0000'));
    }
  });
  it('bad version is refused with a warning, never thrown', () => {
    const s = replay(thrift, [seg('c2s', '80020001 00000003 616464 00000001 00')]);
    assert.equal(s.calls.length, 0);
    assert.ok(s.warnings.length > 0);
  });
});

describe('Thrift compact protocol (thrift-compact-protocol.md: varints, zigzag, field deltas, bool in type, list/map headers)', () => {
  it('message header and every type', () => {
    const b = fromHex(TYPES_COMPACT);
    const { msg, end } = readMessage('compact', b, 0, b.length, LIMITS);
    assert.equal(end, b.length);
    assert.deepEqual([msg.name, msg.type, msg.seqid], ['types', 1, 7]);
    const s = replay(thrift, [seg('c2s', TYPES_COMPACT)]);
    assert.deepEqual(s.calls[0].request?.value, TYPES_VALUE);
  });
  it('long-form field id (delta 0) for field 0 of a REPLY, framed transport', () => {
    const s = replay(thrift, [seg('c2s', framed(ADD_CALL_COMPACT)), seg('s2c', framed(ADD_REPLY_COMPACT))]);
    assert.deepEqual([s.calls[0].response?.value, s.calls[0].fields['thrift.protocol'], s.calls[0].fields['thrift.framed']], [3, 'compact', true]);
  });
  it('unsupported version is refused', () => {
    assert.equal(detectFraming(fromHex('8222010361646400')), 'reject');
  });
});

describe('Transports and detection (framed: 4-byte length; buffered: bare messages)', () => {
  it('probe accepts binary/compact, framed/unframed; rejects HTTP', () => {
    assert.equal(spec.probe!(fromHex(ADD_CALL_BIN), 'c2s'), 'accept');
    assert.equal(spec.probe!(fromHex(framed(ADD_CALL_BIN)), 'c2s'), 'accept');
    assert.equal(spec.probe!(fromHex(ADD_CALL_COMPACT), 'c2s'), 'accept');
    assert.equal(spec.probe!(fromHex(framed(ADD_CALL_COMPACT)), 'c2s'), 'accept');
    assert.equal(spec.probe!(new TextEncoder().encode('GET / HTTP/1.1\r\n'), 'c2s'), 'reject');
    assert.equal(spec.probe!(fromHex('8001'), 'c2s'), 'need-more');
  });
  it('several calls with the same seqid (Python clients send 0) pair in order', () => {
    const call = (n: string) => `80010001 00000001 ${n} 00000000 00`;
    const reply = (n: string, v: string) => `80010002 00000001 ${n} 00000000 08 0000 ${v} 00`;
    const s = replay(thrift, [seg('c2s', call('61') + call('62')), seg('s2c', reply('61', '00000001') + reply('62', '00000002'))]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.response?.value]), [['a', 1], ['b', 2]]);
  });
  it('multiplexed protocol: Service:method', () => {
    const name = new TextEncoder().encode('Calc:add');
    const hex = `80010001 00000008 ${Buffer.from(name).toString('hex')} 00000001 00`;
    const s = replay(thrift, [seg('c2s', hex), seg('s2c', ADD_REPLY_BIN)]);
    assert.deepEqual([s.calls[0].method, s.calls[0].target, s.calls[0].response?.value, s.calls[0].warnings], ['add', 'Calc', 3, []]);
  });
  it('ONEWAY is reported at once; a CALL without reply is incomplete at close', () => {
    const s = replay(thrift, [seg('c2s', '80010004 00000001 6e 00000005 00' + ADD_CALL_BIN)]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.kind, c.state]), [['n', 'oneway', 'complete'], ['add', 'unary', 'incomplete']]);
  });
  it('TApplicationException (EXCEPTION message) is an error status', () => {
    // {1: "Unknown function x", 2: i32 1}
    const msg = Buffer.from('Unknown function x').toString('hex');
    const ex = `80010003 00000001 78 00000001 0b 0001 00000012 ${msg} 08 0002 00000001 00`;
    const s = replay(thrift, [seg('c2s', '80010001 00000001 78 00000001 00'), seg('s2c', ex)]);
    assert.deepEqual(s.calls[0].status, { code: 'TApplicationException', text: 'UNKNOWN_METHOD: Unknown function x', ok: false });
  });
  it('a gap inside a message header: nothing to decode, a warning, waiting for a segment that starts a message', () => {
    const s = testSession();
    const d = thrift(s);
    d.data('c2s', fromHex(ADD_CALL_BIN).subarray(0, 10), { frame: 1, tsUs: 1, streamOffset: 0 });
    d.gap('c2s', 100, { frame: 2, tsUs: 2, streamOffset: 10 });
    d.close({ frame: 3, tsUs: 3, streamOffset: 0 });
    assert.equal(s.calls.length, 0);
    assert.match(s.warnings[0], /missing/);
  });
  // drive the decoder by hand: data and gaps with stream offsets that count the missing bytes
  function feed(steps: GapStep[]) {
    const s = testSession();
    feedWithGaps(thrift(s), steps);
    return s;
  }
  it('framed: a message cut by a gap (snaplen) keeps its header and whole fields; the frame length finds the next message', () => {
    const call1 = framed(ADD_CALL_COMPACT); // 4 + 12 bytes: length, header (7), field 1 (2), field 2 (2), stop
    const s = feed([['c2s', call1.slice(0, (4 + 9) * 2)], ['gap', 'c2s', 3], ['c2s', framed(ADD_CALL_COMPACT.replace('82 21 01', '82 21 02'))], ['s2c', framed(ADD_REPLY_COMPACT) + framed(ADD_REPLY_COMPACT.replace('82 41 01', '82 41 02'))]]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.fields['thrift.seq_id'], c.request?.value, c.response?.value, c.warnings]), [
      ['add', 1, { 1: 1 }, 3, ['message cut by a gap: 13 of 16 bytes captured']],
      ['add', 2, { 1: 1, 2: 2 }, 3, []],
    ]);
    assert.deepEqual(s.warnings, []);
  });
  it('a reply cut before its result field has no outcome (neither OK nor an exception)', () => {
    const reply = framed(ADD_REPLY_COMPACT);
    const s = feed([['c2s', framed(ADD_CALL_COMPACT)], ['s2c', reply.slice(0, (4 + 7) * 2)], ['gap', 's2c', 4]]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.state, c.status, c.response?.value, c.warnings]), [['add', 'complete', undefined, undefined, ['message cut by a gap: 11 of 15 bytes captured, no whole field']]]);
  });
  it('unframed: a cut message is decoded as far as it goes, then decoding resumes at a segment that starts a message', () => {
    const s = feed([['c2s', ADD_CALL_BIN.replace(/\s+/g, '').slice(0, 25 * 2)], ['gap', 'c2s', 7], ['c2s', '00000002 00'], ['c2s', ADD_CALL_BIN.replace('00000001 08', '00000002 08')], ['s2c', ADD_REPLY_BIN + ADD_REPLY_BIN.replace('00000001 08', '00000002 08')]]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.fields['thrift.seq_id'], c.request?.value, c.response?.value]), [
      ['add', 1, { 1: 1 }, 3],
      ['add', 2, { 1: 1, 2: 2 }, 3],
    ]);
    assert.deepEqual(s.calls[0].warnings, ['message cut by a gap: 25 of at least 32 bytes captured']);
    assert.deepEqual(s.warnings.map((w) => w.replace(/ \(.*/, '')), ['thrift: 7 bytes missing in c2s, past a message boundary; waiting for a segment that starts a message', 'thrift: decoding of c2s resumes at a message header after the gap']);
  });
  // TJSONProtocol over a raw socket (Ruby thrift 0.14, Thrift::JsonProtocol + BufferedTransport), seqid
  // always 0, captured with `editcap -s 400`: the 452-byte place() call and its 887-byte reply each
  // lost their tail. The spec (thrift-json-protocol.md) gives a message as [version, name, type,
  // seqid, struct]: the header is whole in the captured start, and with it the call and its pairing.
  it('TJSON unframed: a message cut by a gap keeps its header (name, type, seqid), paired; decoding resumes at the next message', () => {
    const PLACE_CALL_HEAD = '5b312c22706c616365222c312c302c7b2231223a7b22726563223a7b2231223a7b22693634223a34317d2c2232223a7b226c7374223a5b22726563222c322c7b2231223a7b22737472223a22412d31227d2c2232223a7b22693332223a327d2c2233223a7b2264626c223a392e39397d2c2234223a7b2269'; // [1,"place",1,0,{"1":{"rec":… (120 of 452)
    const PLACE_REPLY_HEAD = '5b312c22706c616365222c322c302c7b2230223a7b22726563223a7b2231223a7b22693634223a34327d2c2232223a7b226c7374223a5b22726563222c322c7b2231223a7b22737472223a22412d3122'; // [1,"place",2,0,{"0":{"rec":… (80 of 887)
    const TOTAL_CALL = '5b312c22746f74616c222c312c302c7b2231223a7b226c7374223a5b22693634222c332c312c313039393531313632373737362c2d335d7d7d5d'; // [1,"total",1,0,{"1":{"lst":["i64",3,1,1099511627776,-3]}}]
    const TOTAL_REPLY = '5b312c22746f74616c222c322c302c7b2230223a7b22693634223a313039393531313632373737347d7d5d'; // [1,"total",2,0,{"0":{"i64":1099511627774}}]
    const s = feed([['c2s', PLACE_CALL_HEAD], ['gap', 'c2s', 452 - 120], ['s2c', PLACE_REPLY_HEAD], ['gap', 's2c', 887 - 80], ['c2s', TOTAL_CALL], ['s2c', TOTAL_REPLY]]);
    assert.deepEqual(
      s.calls.map((c) => [c.method, c.fields['thrift.seq_id'], c.fields['thrift.protocol'], c.state, c.response?.value, c.warnings]),
      [
        ['place', 0, 'json', 'complete', undefined, ['message cut by a gap: 120 of at least 452 bytes captured, no whole field', 'message cut by a gap: 80 of at least 887 bytes captured, no whole field']],
        ['total', 0, 'json', 'complete', 1099511627774, []],
      ],
    );
  });
  it('TJSON: a cut start that does not hold the whole header gives no call', () => {
    const s = feed([['c2s', '5b312c22706c6163'], ['gap', 'c2s', 400]]); // [1,"plac
    assert.equal(s.calls.length, 0);
    assert.match(s.warnings[0], /missing in c2s/);
  });
  // Ruby thrift 0.14's BinaryProtocol.new(transport, false, false) over a buffered socket on port
  // 22229 (not 9090): the old message header — name length, name, type, seqid — with no version
  // word (thrift/doc/specs/thrift-binary-protocol.md, "old encoding"). The probe took no
  // connection like this one before: it was listed as not decoded.
  it('probe: an old (non-strict) binary call on any port, with a stricter look; the conversation decodes', () => {
    const PING = '0000000470696e67010000000000'; // ping(), CALL, seqid 0, STOP
    const PING_REPLY = '0000000470696e67020000000000';
    const TOTAL = '00000005746f74616c01000000000f00010a0000000300000000000000010000010000000000fffffffffffffffd00'; // total([1, 2^40, -3])
    const TOTAL_REPLY = '00000005746f74616c02000000000a0000000000fffffffffe00'; // 1099511627774
    assert.equal(spec.probe!(fromHex(PING), 'c2s'), 'accept');
    assert.equal(spec.probe!(fromHex(TOTAL), 'c2s'), 'accept');
    assert.equal(spec.probe!(fromHex(PING.slice(0, 16)), 'c2s'), 'need-more'); // "ping" not yet followed by its type
    const s = replay(thrift, [seg('c2s', PING), seg('s2c', PING_REPLY), seg('c2s', TOTAL), seg('s2c', TOTAL_REPLY)]);
    assert.deepEqual(
      s.calls.map((c) => [c.method, c.state, c.response?.value, c.warnings]),
      [
        ['ping', 'complete', null, []],
        ['total', 'complete', 1099511627774, []],
      ],
    );
  });
  it('old (non-strict) binary, unframed: after a gap decoding resumes at the next old header', () => {
    // the same Ruby connection: total([1, 2^40, -3]) cut after 20 bytes (snaplen), its reply cut too,
    // then total([]) and its reply whole
    const TOTAL = '00000005746f74616c01000000000f00010a0000000300000000000000010000010000000000fffffffffffffffd00';
    const TOTAL_REPLY = '00000005746f74616c02000000000a0000000000fffffffffe00';
    const TOTAL_EMPTY = '00000005746f74616c01000000000f00010a0000000000';
    const TOTAL_EMPTY_REPLY = '00000005746f74616c02000000000a0000000000000000000000';
    const s = feed([
      ['c2s', TOTAL.slice(0, 40)],
      ['gap', 'c2s', TOTAL.length / 2 - 20],
      ['s2c', TOTAL_REPLY.slice(0, 30)],
      ['gap', 's2c', TOTAL_REPLY.length / 2 - 15],
      ['c2s', TOTAL_EMPTY],
      ['s2c', TOTAL_EMPTY_REPLY],
    ]);
    assert.deepEqual(
      s.calls.map((c) => [c.method, c.request?.value, c.response?.value]),
      [
        ['total', {}, undefined],
        ['total', { 1: [] }, 0],
      ],
    );
    assert.ok(s.warnings.some((w) => /decoding of c2s resumes at a message header/.test(w)));
    assert.ok(s.warnings.some((w) => /decoding of s2c resumes at a message header/.test(w)));
  });
  it('probe: what only resembles the old header is not taken', () => {
    // Kafka ApiVersions v3 request: size 0x21, then api key 18 (not a name)
    assert.equal(spec.probe!(fromHex('0000002100120003000000010009636f6e73756d6572000a6b61666b612d6a730005302e302e3100'), 'c2s'), 'reject');
    // PostgreSQL StartupMessage: length, protocol 3.0
    assert.equal(spec.probe!(fromHex('0000002900030000757365720070677573657200'), 'c2s'), 'reject');
    // a length-prefixed word followed by a type byte Thrift has not (5)
    assert.equal(spec.probe!(fromHex('0000000470696e67050000000000'), 'c2s'), 'reject');
    // a REPLY is not how a client starts
    assert.equal(spec.probe!(fromHex('0000000470696e67020000000000'), 'c2s'), 'reject');
  });
  it('nesting deeper than limits.maxDepth is refused', () => {
    const deep = '0c0001'.repeat(100) + '00'.repeat(101);
    const s = replay(thrift, [seg('c2s', `80010001 00000001 78 00000001 ${deep}`)]);
    assert.equal(s.calls.length, 0);
    assert.ok(s.warnings.some((w) => /deeper/.test(w)));
  });
});

const IDL = `
namespace py calc
include "shared.thrift"
const i32 MAX = 10
typedef i64 Big
enum Op { ADD = 1, SUB, MUL = 10 }
struct Work {
  1: i32 num1 = 0,
  2: required i32 num2,
  3: optional Op op (cpp.x = "y"),
  4: list<map<string, set<Big>>> extra,
  5: shared.Thing thing,
}
union U { 1: string s; 2: binary b }
exception InvalidOperation { 1: i32 whatOp, 2: string why }
service Calculator extends shared.SharedService {
  void ping(),
  i32 calculate(1:i32 logid, 2:Work w) throws (1:InvalidOperation ouch),
  oneway void zip()
}
`;
const SHARED = `namespace py shared\nstruct Thing { 1: string name }\nservice SharedService { string getStruct(1: i32 key) }\n`;

describe('Thrift IDL (idl.md: headers, typedef, enum, struct/union/exception, services with extends, oneway, throws)', () => {
  const defs = buildThriftDefinitions([
    { path: '/w/calc.thrift', text: IDL },
    { path: '/w/shared.thrift', text: SHARED },
  ]);
  it('indexes everything without warnings', () => {
    assert.deepEqual(defs.warnings, []);
    assert.deepEqual([...defs.services.keys()], ['calc.Calculator', 'shared.SharedService']);
    assert.deepEqual([...defs.enums.get('calc.Op')!.values], [[1, 'ADD'], [2, 'SUB'], [10, 'MUL']]);
    const w = defs.structs.get('calc.Work')!;
    assert.deepEqual(w.fields.map((f) => [f.id, f.name, f.requiredness]), [[1, 'num1', 'default'], [2, 'num2', 'required'], [3, 'op', 'optional'], [4, 'extra', 'default'], [5, 'thing', 'default']]);
    assert.equal(defs.structs.get('calc.U')!.kind, 'union');
    const m = lookupMethod(defs, undefined, 'calculate')!;
    assert.deepEqual([m.method.line, m.method.column, m.method.throws[0].name, m.method.oneway], [18, 7, 'ouch', false]);
    assert.equal(lookupMethod(defs, 'Calculator', 'getStruct')!.method.service, 'shared.SharedService');
    assert.equal(lookupMethod(defs, undefined, 'zip')!.method.oneway, true);
  });
  it('names arguments, enums and declared exceptions; links the definition', () => {
    const env = { ...nodeEnv(), definitions: { thrift: defs } };
    // calculate(1, Work{1: 5, 2: 0, 3: 4(=unknown enum value) }) → ouch {1: 4, 2: "Cannot divide by 0"}
    const call = '80010001 00000009 63616c63756c617465 00000002 08 0001 00000001 0c 0002 08 0001 00000005 08 0002 00000000 08 0003 00000001 00 00';
    const why = Buffer.from('Cannot divide by 0').toString('hex');
    const reply = `80010002 00000009 63616c63756c617465 00000002 0c 0001 08 0001 00000004 0b 0002 00000012 ${why} 00 00`;
    const s = replay(thrift, [seg('c2s', call), seg('s2c', reply)], 'whole', testSession({ env }));
    const c = s.calls[0];
    assert.deepEqual(c.request?.value, { logid: 1, w: { num1: 5, num2: 0, op: 'ADD (1)' } });
    assert.deepEqual(c.response?.value, { ouch: { whatOp: 4, why: 'Cannot divide by 0' } });
    assert.deepEqual(c.status, { code: 'InvalidOperation', text: 'Cannot divide by 0', ok: false });
    assert.deepEqual(c.definition, { kind: 'thrift-method', name: 'calc.Calculator.calculate', file: '/w/calc.thrift', line: 18, column: 7 });
    assert.equal(c.target, 'Calculator');
  });
  it('a syntax error becomes a warning', () => {
    const d = buildThriftDefinitions([{ path: 'bad.thrift', text: 'struct { 1: i32 x }' }]);
    assert.equal(d.warnings.length, 1);
  });
  it('comments and string constants above U+00FF do not change names or lines (parsed from a one-byte copy)', () => {
    const text = '// Calculator — “demo” 日本語\nconst string GREETING = "こんにちは"\n/* résumé ✓ */\nservice Calc {\n  i32 add(1: i32 a, 2: i32 b)\n}\n';
    const d = buildThriftDefinitions([{ path: '/w/u.thrift', text }]);
    assert.deepEqual(d.warnings, []);
    const m = lookupMethod(d, 'Calc', 'add')!;
    assert.deepEqual([m.method.service, m.method.name, m.method.line], ['u.Calc', 'add', 5]);
    // They go into every call: stored one byte per character, not slices of the two-byte text.
    assert.equal(isOneByte(m.method.name), true);
    assert.equal(isOneByte(m.method.service), true);
  });
});

/** Is this string stored one byte per character? (V8's serializer tags one-byte strings `"`, two-byte `c`) */
function isOneByte(s: string): boolean {
  return serialize(s)[2] === 0x22;
}

describe('Split invariance and fuzz', () => {
  const script: Segment[] = [
    seg('c2s', ADD_CALL_BIN),
    seg('s2c', ADD_REPLY_BIN),
    seg('c2s', TYPES_BINARY),
  ];
  const compactScript: Segment[] = [seg('c2s', framed(ADD_CALL_COMPACT) + framed(TYPES_COMPACT)), seg('s2c', framed(ADD_REPLY_COMPACT))];
  it('byte-by-byte and random splits give identical calls', () => {
    for (const sc of [script, compactScript]) {
      const whole = snapshot(replay(thrift, sc));
      assert.deepEqual(snapshot(replay(thrift, sc, 'bytes')), whole);
      for (let seed = 1; seed < 6; seed++) assert.deepEqual(snapshot(replay(thrift, sc, seed)), whole);
    }
  });
  it('mutated messages never throw', () => {
    const rnd = prng(7);
    const base = [fromHex(TYPES_BINARY), fromHex(TYPES_COMPACT), fromHex(framed(TYPES_COMPACT))];
    for (let i = 0; i < 400; i++) {
      const b = base[i % 3].slice();
      const n = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < n; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      const cut = Math.floor(rnd() * b.length);
      replay(thrift, [seg('c2s', b.subarray(0, cut)), seg('c2s', b.subarray(cut)), seg('s2c', b)], i);
    }
  });
});
