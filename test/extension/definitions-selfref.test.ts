/**
 * A schema that is its own subschema with nothing in between compiles in ajv, but its validation
 * calls itself without end (`allOf` holding a `$ref` to the schema itself): the call is left
 * unchecked instead of a RangeError ending the
 * linking of the whole capture. An ordinary recursive schema (a property that refers to its own
 * type) is still checked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaChecker } from '../../decoders/definitions/validate';

const data = {
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths: {},
  components: {
    schemas: {
      Loop: { allOf: [{ $ref: '#/components/schemas/Loop' }] },
      Node: { type: 'object', properties: { next: { $ref: '#/components/schemas/Node' } } },
    },
  },
};

describe('SchemaChecker and a schema that refers to itself', () => {
  it('a self-referencing allOf leaves the value unchecked; it does not throw', () => {
    const c = new SchemaChecker(data, 'test:selfref');
    assert.deepEqual(c.check('#/components/schemas/Loop', { x: 1 }), []);
    assert.deepEqual(c.checkInline({ allOf: [{ $ref: 'test:selfref#/components/schemas/Loop' }] }, 1), []);
  });
  it('a recursive property is still checked', () => {
    const c = new SchemaChecker(data, 'test:selfref2');
    assert.deepEqual(c.check('#/components/schemas/Node', { next: { next: 3 } }), ['/next/next must be object']);
    assert.deepEqual(c.check('#/components/schemas/Node', { next: { next: {} } }), []);
  });
});
