/**
 * Avro binary decoding with the writer's schema. Fixtures are hex written from the Apache Avro 1.11
 * specification (sections named in each test), and bytes @kafkajs/confluent-schema-registry 3.9
 * (avsc) wrote in the held-out run (test/heldout/schema-registry).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAvroSchema, AvroSchemaError } from '../../../decoders/avro/schema';
import { decodeAvro } from '../../../decoders/avro/decode';
import { fromHex } from '../../../decoders/core/bytes';

const dec = (schema: unknown, hex: string) => decodeAvro(fromHex(hex), parseAvroSchema(JSON.stringify(schema)));
const val = (schema: unknown, hex: string) => {
  const r = dec(schema, hex);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.ok, true);
  return r.value;
};
const bad = (schema: unknown, hex: string, why: RegExp) => {
  const r = dec(schema, hex);
  assert.equal(r.ok, false);
  assert.match(r.warnings.join('; '), why);
};

describe('Avro 1.11 spec, Binary Encoding: primitive types', () => {
  it('long: zig-zag varints (the spec table: 0, -1, 1, -2, 2, -64, 64)', () => {
    const cases: Array<[string, number]> = [['00', 0], ['01', -1], ['02', 1], ['03', -2], ['04', 2], ['7f', -64], ['8001', 64]];
    for (const [hex, n] of cases) assert.equal(val('long', hex), n, hex);
  });
  it('long: beyond ±2^53 an exact decimal string; the 64-bit extremes (10 bytes)', () => {
    assert.equal(val('long', '8080808080808020'), '9007199254740992');
    assert.equal(val('long', 'ffffffffffffffffff01'), '-9223372036854775808');
    assert.equal(val('long', 'feffffffffffffffff01'), '9223372036854775807');
    bad('long', 'ffffffffffffffffffff01', /varint longer than 10 bytes/);
  });
  it('int: 32-bit zig-zag; a value beyond 32 bits does not match', () => {
    assert.equal(val('int', 'feffffff0f'), 2147483647);
    bad('int', '8080808010', /int out of 32-bit range/);
  });
  it('string: a long length then UTF-8 (the spec example "foo" = 06 66 6f 6f)', () => {
    assert.equal(val('string', '06666f6f'), 'foo');
    assert.equal(val('string', '065ac3bc'), 'Zü');
  });
  it('bytes as base64; boolean as one byte 0/1; float and double little-endian; null as nothing', () => {
    assert.equal(val('bytes', '04dead'), '3q0=');
    assert.equal(val('boolean', '01'), true);
    assert.equal(val('boolean', '00'), false);
    bad('boolean', '02', /boolean byte 2/);
    assert.equal(val('float', '0000c03f'), 1.5);
    assert.equal(val('double', '000000000000d03f'), 0.25);
    assert.equal(val('double', '000000000000f07f'), 'Infinity');
    assert.equal(val('null', ''), null);
  });
});

describe('Avro 1.11 spec, Binary Encoding: complex types', () => {
  it('record: fields in declaration order (the spec example: a=27, b="foo" → 36 06 66 6f 6f)', () => {
    const test = { type: 'record', name: 'test', fields: [{ name: 'a', type: 'long' }, { name: 'b', type: 'string' }] };
    assert.deepEqual(val(test, '3606666f6f'), { a: 27, b: 'foo' });
  });
  it('enum: the zero-based index of the symbol', () => {
    const e = { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'SHIPPED'] };
    assert.equal(val(e, '04'), 'SHIPPED');
    bad(e, '06', /enum Status index 3 of 3 symbols/);
    bad(e, '01', /enum Status index -1/);
  });
  it('array: blocks of items ending with a zero count (the spec example [3, 27] → 04 06 36 00)', () => {
    assert.deepEqual(val({ type: 'array', items: 'long' }, '04063600'), [3, 27]);
    assert.deepEqual(val({ type: 'array', items: 'long' }, '00'), []);
  });
  it('array: a negative block count is followed by the block size in bytes', () => {
    assert.deepEqual(val({ type: 'array', items: 'long' }, '0304063600'), [3, 27]);
    bad({ type: 'array', items: 'long' }, '037f063600', /block of -64 bytes|runs past the end/);
  });
  it('map: blocks of (string key, value) pairs', () => {
    assert.deepEqual(val({ type: 'map', values: 'long' }, '0402610202620400'), { a: 1, b: 2 });
    assert.deepEqual(val({ type: 'map', values: 'long' }, '02125f5f70726f746f5f5f0200'), JSON.parse('{"__proto__":1}'));
  });
  it('union: a long index then the branch (the spec example ["null","string"]: null → 00, "a" → 02 02 61)', () => {
    assert.equal(val(['null', 'string'], '00'), null);
    assert.equal(val(['null', 'string'], '020261'), 'a');
    bad(['null', 'string'], '04', /union index 2 of 2 branches/);
  });
  it('fixed: exactly size bytes (base64)', () => {
    assert.equal(val({ type: 'fixed', name: 'F3', size: 3 }, '616263'), 'YWJj');
    bad({ type: 'fixed', name: 'F3', size: 3 }, '6162', /fixed F3 of 3 bytes runs past the end/);
  });
});

describe('Avro 1.11 spec, Names: named types referenced by name, namespaces', () => {
  it('a type defined once and used again by its short name within its namespace, or by its full name', () => {
    const s = {
      type: 'record', name: 'Order', namespace: 'shop',
      fields: [
        { name: 'from', type: { type: 'record', name: 'Address', fields: [{ name: 'city', type: 'string' }] } },
        { name: 'to', type: 'Address' },
        { name: 'billing', type: ['null', 'shop.Address'] },
      ],
    };
    assert.deepEqual(val(s, '0278025902025a'), { from: { city: 'x' }, to: { city: 'Y' }, billing: { city: 'Z' } });
  });
  it('a dotted name sets its own namespace; a record may refer to itself (a linked list)', () => {
    const list = { type: 'record', name: 'a.b.Node', fields: [{ name: 'v', type: 'int' }, { name: 'next', type: ['null', 'Node'] }] };
    assert.deepEqual(val(list, '02020400'), { v: 1, next: { v: 2, next: null } });
  });
  it('a name no schema defines does not match (a warning, no throw)', () => {
    bad({ type: 'record', name: 'R', fields: [{ name: 'x', type: 'Missing' }] }, '00', /named type Missing not defined/);
  });
  it('types defined by another schema (a registry reference) resolve through the shared names', () => {
    const names = new Map();
    parseAvroSchema(JSON.stringify({ type: 'enum', name: 'Color', namespace: 'paint', symbols: ['RED', 'BLUE'] }), names);
    const s = parseAvroSchema(JSON.stringify({ type: 'record', name: 'Car', namespace: 'paint', fields: [{ name: 'color', type: 'Color' }] }), names);
    assert.deepEqual(decodeAvro(fromHex('02'), s).value, { color: 'BLUE' });
  });
});

describe('Avro 1.11 spec, Logical Types', () => {
  const L = (type: string, logicalType: string, extra: object = {}) => ({ type, logicalType, ...extra });
  it('date (days since 1970-01-01), time-millis, time-micros', () => {
    assert.equal(val(L('int', 'date'), 'b6b302'), '2023-11-14');
    assert.equal(val(L('int', 'date'), '01'), '1969-12-31');
    assert.equal(val(L('int', 'time-millis'), 'f8bbc603'), '01:02:03.004');
    assert.equal(val(L('long', 'time-micros'), '00'), '00:00:00.000000');
  });
  it('timestamp-millis, -micros, -nanos (UTC) and local-timestamp-millis (no zone)', () => {
    assert.equal(val(L('long', 'timestamp-millis'), 'f6a1abfef962'), '2023-11-14T22:13:20.123Z');
    assert.equal(val(L('long', 'timestamp-micros'), '8089818283898506'), '2023-11-14T22:13:20.123456Z');
    assert.equal(val(L('long', 'timestamp-nanos'), 'aab4aed8c7bfce972f'), '2023-11-14T22:13:20.123456789Z');
    assert.equal(val(L('long', 'local-timestamp-millis'), 'f6a1abfef962'), '2023-11-14T22:13:20.123');
    assert.equal(val(L('long', 'timestamp-millis'), '01'), '1969-12-31T23:59:59.999Z');
  });
  it('decimal: two\'s-complement big-endian unscaled value on bytes or fixed, with the scale', () => {
    assert.equal(val(L('bytes', 'decimal', { precision: 9, scale: 2 }), '043039'), '123.45');
    assert.equal(val(L('bytes', 'decimal', { precision: 9, scale: 2 }), '04ff85'), '-1.23');
    assert.equal(val(L('bytes', 'decimal', { precision: 4, scale: 4 }), '0205'), '0.0005');
    assert.equal(val({ type: 'fixed', name: 'D', size: 2, logicalType: 'decimal', precision: 4, scale: 0 }, 'fffe'), '-2');
  });
  it('uuid on a string, or on a fixed of 16; duration on a fixed of 12 (months, days, milliseconds)', () => {
    assert.equal(val(L('string', 'uuid'), '06616263'), 'abc');
    assert.equal(val({ type: 'fixed', name: 'U', size: 16, logicalType: 'uuid' }, '0b6b6b1c6f5e4b4e9a435f1d0c2e8a11'), '0b6b6b1c-6f5e-4b4e-9a43-5f1d0c2e8a11');
    assert.deepEqual(val({ type: 'fixed', name: 'Dur', size: 12, logicalType: 'duration' }, '010000000200000003000000'), { months: 1, days: 2, milliseconds: 3 });
  });
  it('an unknown logical type is its underlying type', () => {
    assert.equal(val(L('long', 'made-up'), '04'), 2);
  });
});

describe('Avro: a value that does not match its schema is a warning, never a throw; everything bounded', () => {
  const rec = { type: 'record', name: 'R', fields: [{ name: 's', type: 'string' }, { name: 'n', type: 'long' }] };
  it('runs past the end, a negative length, bytes left over', () => {
    bad(rec, '0a61', /string of 5 bytes runs past the end/);
    bad(rec, '0104', /negative string length -1/);
    bad(rec, '02610400', /1 bytes after the value/);
    bad('string', '04c328', /not UTF-8/);
  });
  it('a huge block count is stopped by the value budget, not by memory', () => {
    bad({ type: 'array', items: 'null' }, 'feffffff0f', /more than 200000 values/);
  });
  it('nesting beyond maxDepth (a long recursive list) stops with a warning', () => {
    const list = { type: 'record', name: 'N', fields: [{ name: 'next', type: ['null', 'N'] }] };
    const r = decodeAvro(fromHex('02'.repeat(40) + '00'), parseAvroSchema(JSON.stringify(list)), 16);
    assert.equal(r.ok, false);
    assert.match(r.warnings[0], /nested deeper than 16/);
  });
  it('schemas the specification does not allow are errors', () => {
    assert.throws(() => parseAvroSchema('{not json'), AvroSchemaError);
    assert.throws(() => parseAvroSchema('{"type":42}'), /unknown type/);
    assert.throws(() => parseAvroSchema('[]'), /empty union/);
    assert.throws(() => parseAvroSchema('[["null"]]'), /union directly inside a union/);
    assert.throws(() => parseAvroSchema('{"type":"record","name":"R"}'), /without fields/);
    assert.throws(() => parseAvroSchema('{"type":"enum","name":"E"}'), /without symbols/);
    assert.throws(() => parseAvroSchema('{"type":"fixed","name":"F","size":-1}'), /without a size/);
    assert.throws(() => parseAvroSchema('{"type":"record","name":"1x","fields":[]}'), /invalid name/);
    let deep = '"int"';
    for (let i = 0; i < 100; i++) deep = `{"type":"array","items":${deep}}`;
    assert.throws(() => parseAvroSchema(deep), /nested deeper than 64/);
  });
});

describe('Avro: bytes @kafkajs/confluent-schema-registry 3.9 (avsc) wrote (held-out run), after the 5-byte Confluent header', () => {
  const order = {
    type: 'record', name: 'Order', namespace: 'shop',
    fields: [
      { name: 'id', type: 'long' }, { name: 'customer', type: 'string' }, { name: 'qty', type: 'int' },
      { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
      { name: 'placed', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'day', type: { type: 'int', logicalType: 'date' } },
      { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'SHIPPED'] } },
      { name: 'tags', type: { type: 'array', items: 'string' } },
      { name: 'attrs', type: { type: 'map', values: 'double' } },
      { name: 'note', type: ['null', 'string'], default: null },
      { name: 'ship', type: ['null', { type: 'record', name: 'Address', fields: [{ name: 'city', type: 'string' }, { name: 'zip', type: { type: 'fixed', name: 'Zip', size: 5 } }] }], default: null },
      { name: 'flag', type: 'boolean' }, { name: 'ratio', type: 'float' }, { name: 'big', type: 'long' },
      { name: 'uid', type: { type: 'string', logicalType: 'uuid' } },
    ],
  };
  it('an order with every kind of field', () => {
    const hex = '020661646104043039f6a1abfef962b6b30202040867696674087275736800040c776569676874000000000000f83f0c766f6c756d65000000000000d03f0000020e5ac3bc726963683830303131010000003f8080808080404830623662366231632d366635652d346234652d396134332d356631643063326538613131';
    assert.deepEqual(val(order, hex), {
      id: 1, customer: 'ada', qty: 2, price: '123.45', placed: '2023-11-14T22:13:20.123Z', day: '2023-11-14', status: 'PAID',
      tags: ['gift', 'rush'], attrs: { weight: 1.5, volume: 0.25 }, note: null, ship: { city: 'Zürich', zip: 'ODAwMTE=' },
      flag: true, ratio: 0.5, big: 1099511627776, uid: '0b6b6b1c-6f5e-4b4e-9a43-5f1d0c2e8a11',
    });
  });
  it('the same bytes read with a schema they were not written with: a warning, no value', () => {
    const r = decodeAvro(fromHex('0406626f62'), parseAvroSchema(JSON.stringify({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'boolean' }] })));
    assert.equal(r.ok, false);
    assert.match(r.warnings[0], /boolean byte 4/);
  });
});

describe('Avro: mutated bytes never throw', () => {
  it('500 mutations of a real order, each decoded (ok or a warning), none throwing', () => {
    const order = parseAvroSchema(JSON.stringify({
      type: 'record', name: 'O', fields: [
        { name: 'id', type: 'long' }, { name: 's', type: 'string' }, { name: 'm', type: { type: 'map', values: ['null', 'double', { type: 'array', items: 'int' }] } },
        { name: 'd', type: { type: 'bytes', logicalType: 'decimal', precision: 30, scale: 3 } }, { name: 't', type: { type: 'long', logicalType: 'timestamp-micros' } },
      ],
    }));
    const base = fromHex('02066162630402610200000000000000400262040402040000' + '04ff85' + '808080808080808001');
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    assert.equal(decodeAvro(base, order).ok, true);
    for (let i = 0; i < 500; i++) {
      const b = base.slice(0, Math.max(1, Math.floor(rand() * (base.length + 4))));
      for (let k = 0; k < 3; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      const r = decodeAvro(b, order);
      assert.equal(typeof r.ok, 'boolean');
      if (!r.ok) assert.ok(r.warnings.length > 0);
    }
  });
});
