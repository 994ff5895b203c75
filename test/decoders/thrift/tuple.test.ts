/**
 * Java's TTupleProtocol (Apache Thrift lib/java: TTupleProtocol extends TCompactProtocol; the Java
 * generator's TupleScheme writes a struct's required fields, then `writeBitSet` of the others and those
 * present, with no field headers, collections as a compact i32 size and their items). Real frames:
 * libthrift 0.16 (Debian libthrift-java, OpenJDK 17) with code from the thrift 0.17 compiler, framed,
 * test/heldout-java/thrift/ThriftLab.java against test/heldout-rpc/thrift/shop.thrift.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spec } from '../../../decoders/thrift/index';
import { buildThriftDefinitions } from '../../../decoders/thrift/idl';
import type { Dir } from '../../../decoders/core/model';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { fromHex } from '../../../decoders/core/bytes';
import { nodeEnv } from '../../../cli/platform/node-env';
import { testSession } from '../../helpers/session';
import { run } from '../calls/harness';

const PING = '000000088221010470696e67';
const PING_REPLY = '000000088241010470696e67';
// place(order) → Order (id 7001): Item A-1 with every field set, counts, tags, byNum
const PLACE =
  '0000005782210205706c616365011f000203412d31ff0400000000008023400e030001ff8080808080808040010307040161020162040401780179020603412d31ff0400000000008023400e030001ff8080808080808040010307';
const PLACE_REPLY =
  '0000005882410205706c616365011fb26d0203412d31ff0400000000008023400e030001ff8080808080808040010307040161020162040401780179020603412d31ff0400000000008023400e030001ff8080808080808040010307';
// place(order) → OutOfStock{sku: "B-2", have: 10} (bit 1 of the result's set)
const PLACE_OOS =
  '0000005782210305706c616365011f000203422d32ff6400000000008023400e030001ff8080808080808040010307040161020162040401780179020603422d32ff6400000000008023400e030001ff8080808080808040010307';
const PLACE_OOS_REPLY = '0000001082410305706c616365020303422d3214';
const LOG = '00000028828106036c6f67011f6f6e657761792066726f6d207475706c65206672616d6564203a3237303236';
const CATALOG = '0000000f82210707636174616c6f670104020e';
const CATALOG_REPLY =
  '0000004082410707636174616c6f67010404424c55450203532d37ff02000000000000e03f0e0000020000035245440203532d31ff02000000000000e03f020000020000';
// crash(why) → TApplicationException: written with field headers even by TTupleProtocol
const CRASH = '0000000f8221080563726173680104626f6f6d';
const CRASH_REPLY = '0000002d826108056372617368181f496e7465726e616c206572726f722070726f63657373696e67206372617368150c00';

const SCRIPT: Array<[Dir, string]> = [
  ['c2s', PING], ['s2c', PING_REPLY], ['c2s', PLACE], ['s2c', PLACE_REPLY], ['c2s', PLACE_OOS], ['s2c', PLACE_OOS_REPLY],
  ['c2s', LOG], ['c2s', CATALOG], ['s2c', CATALOG_REPLY], ['c2s', CRASH], ['s2c', CRASH_REPLY],
];

const IDL = readFileSync(new URL('../../heldout-rpc/thrift/shop.thrift', import.meta.url), 'utf8');

function withIdl(script: Array<[Dir, string]>) {
  const env = { ...nodeEnv(), definitions: { thrift: buildThriftDefinitions([{ path: '/w/shop.thrift', text: IDL }]) } };
  const session = testSession({ env, flow: { server: { ip: '127.0.0.1', port: 27026 } } });
  const d = spec.create(session) as StreamDecoder;
  const off: Record<Dir, number> = { c2s: 0, s2c: 0 };
  script.forEach(([dir, hex], i) => {
    d.data(dir, fromHex(hex), { frame: i + 1, tsUs: 1_000_000 + i * 1000, streamOffset: off[dir] });
    off[dir] += hex.length / 2;
  });
  d.close({ frame: script.length + 1, tsUs: 2_000_000, streamOffset: 0 });
  return session.calls;
}

describe('Thrift: Java TTupleProtocol (framed), read with the IDL', () => {
  it('every call with its arguments, results and declared exception, in declaration order', () => {
    const calls = withIdl(SCRIPT);
    assert.deepEqual(calls.map((c) => c.method), ['ping', 'place', 'place', 'log', 'catalog', 'crash']);
    for (const c of calls) assert.deepEqual(c.warnings, [], c.method);
    assert.equal(calls[0].fields['thrift.protocol'], 'tuple');
    assert.deepEqual(calls[0].status, { code: 'OK', ok: true });
    const item = { sku: 'A-1', qty: 2, price: 9.75, color: 'BLUE (7)', blob: { hex: '0001ff', size: 3 }, big: '18014398509481984', fragile: true, small: -2, tiny: 7 };
    const order = { id: 0, items: [item], counts: { a: 1, b: 2 }, tags: ['x', 'y'], byNum: { 3: item } };
    assert.deepEqual(calls[1].request?.value, { order });
    assert.deepEqual(calls[1].response?.value, { ...order, id: 7001 });
    assert.deepEqual(calls[2].status, { code: 'OutOfStock', text: 'B-2', ok: false });
    assert.deepEqual(calls[2].response?.value, { oos: { sku: 'B-2', have: 10 } });
    assert.equal(calls[3].kind, 'oneway');
    assert.deepEqual(calls[3].request?.value, { line: 'oneway from tuple framed :27026' });
    assert.deepEqual(calls[4].request?.value, { colors: ['RED (1)', 'BLUE (7)'] });
    assert.deepEqual(Object.keys(calls[4].response?.value as object), ['BLUE', 'RED']);
    assert.equal(calls[5].status?.code, 'TApplicationException');
    assert.deepEqual(calls[5].request?.value, { why: 'boom' });
  });
});

describe('Thrift: Java TTupleProtocol without the IDL', () => {
  it('each call keeps its method, sequence id and pairing, says its body was not read, and invents no values', () => {
    const { calls } = run(spec, SCRIPT, undefined, 27026);
    assert.deepEqual(calls.map((c) => c.method), ['ping', 'place', 'place', 'log', 'catalog', 'crash']);
    for (const c of calls) assert.match(c.warnings.join(' '), /message body not read as a compact-protocol struct .*TTupleProtocol/, c.method);
    assert.deepEqual(calls[1].request?.value, {});
    assert.equal(calls[1].status, undefined, 'a reply whose body was not read shows no outcome');
    assert.equal(calls[1].state, 'complete');
    assert.equal(calls[5].status?.code, 'TApplicationException');
  });
});
