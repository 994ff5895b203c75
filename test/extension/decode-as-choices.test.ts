/**
 * Decode As… offers every decoder of the registry, each for the transports it decodes: a new
 * decoder added to decoders/registry.ts and forgotten in the editor's list fails here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_DECODERS } from '../../decoders/registry';
import { DECODE_AS_CHOICES } from '../../extension/decode-as-choices';

describe('Decode As… choices', () => {
  it('every registered decoder, once, with its transports', () => {
    const want = new Map<string, Set<string>>();
    for (const spec of ALL_DECODERS) (want.get(spec.id) ?? want.set(spec.id, new Set()).get(spec.id)!).add(spec.transport);
    const got = new Map(DECODE_AS_CHOICES.map((c) => [c.id, new Set(c.transports ?? ['tcp'])]));
    assert.equal(got.size, DECODE_AS_CHOICES.length, 'an id is listed twice');
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [id, transports] of want) assert.deepEqual([...got.get(id)!].sort(), [...transports].sort(), id);
  });
});
