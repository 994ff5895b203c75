// JSON Lines: a large JSON body is printed as its text as sent (http-common/body verbatimJson), when that text
// says exactly what the parsed value says (RFC 8259: whitespace between tokens is insignificant;
// JSON Lines allows no line break inside a line).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nodeEnv } from '../../../cli/platform/node-env';
import { decodeHttpBody } from '../../../decoders/http-common/body';
import { callToJsonLine } from '../../../decoders/export/jsonl';
import type { Body, Call } from '../../../decoders/core/model';

const env = nodeEnv();
const json: [string, string][] = [['Content-Type', 'application/json']];
const body = (text: string): Body => {
  const b = new TextEncoder().encode(text);
  return decodeHttpBody(b, b.length, json, env).body;
};
const call = (request: Body | undefined, response: Body | undefined, extra: Partial<Call> = {}): Call =>
  ({ id: 1, protocol: 'http', kind: 'unary', state: 'complete', flowId: 1, method: 'GET', timing: { startUs: 1 }, fields: {}, frames: [1], warnings: [], request: request && { body: request }, response: response && { body: response }, ...extra }) as unknown as Call;
/** ~2 KB of JSON with spaces after colons and commas, `1.50` and an escaped `é`. */
const spaced = `{"items": [${Array.from({ length: 40 }, (_, i) => `{"id": ${i}, "price": 1.50, "name": "caf\\u00e9 ${i}"}`).join(', ')}]}`;

describe('JSON Lines: large JSON bodies printed as sent', () => {
  it('prints the text as sent, which parses to the same value', () => {
    const b = body(spaced);
    assert.equal(b.kind, 'json');
    const line = callToJsonLine(call(undefined, b));
    assert.ok(line.includes(spaced), 'the body text is in the line as sent');
    assert.deepEqual(JSON.parse(line).response.body.value, JSON.parse(spaced));
    assert.deepEqual(b.value, JSON.parse(spaced), 'the call keeps its value after printing');
    assert.ok(!line.includes('\\u0001'), 'no stand-in left in the line');
  });

  it('prints request and response bodies each in their place', () => {
    const other = spaced.replace('"items"', '"other"');
    const line = callToJsonLine(call(body(other), body(spaced)));
    const o = JSON.parse(line);
    assert.deepEqual(o.request.body.value, JSON.parse(other));
    assert.deepEqual(o.response.body.value, JSON.parse(spaced));
  });

  it('prints the value when the text has a line break (JSON allows one between tokens)', () => {
    const text = spaced.replace(', ', ',\n');
    const line = callToJsonLine(call(undefined, body(text)));
    assert.ok(!line.includes('\n'));
    assert.ok(!line.includes('"items": ['), 'printed from the value');
    assert.deepEqual(JSON.parse(line).response.body.value, JSON.parse(text));
  });

  it('prints the value when an integer beyond 2^53 was kept as an exact string', () => {
    const text = spaced.replace('"id": 0', '"id": 12345678901234567890');
    const line = callToJsonLine(call(undefined, body(text)));
    assert.equal(JSON.parse(line).response.body.value.items[0].id, '12345678901234567890');
  });

  it('prints small bodies from the value (cheaper below 1 KiB)', () => {
    const line = callToJsonLine(call(undefined, body('{"a": 1}')));
    assert.ok(line.includes('"value":{"a":1}'));
  });

  it('a header holding a look-alike of the stand-in is printed as it is', () => {
    const fake = '\u0001callscope-0000000000-0\u0001';
    const c = call(undefined, body(spaced), { target: fake });
    const o = JSON.parse(callToJsonLine(c));
    assert.equal(o.target, fake);
    assert.deepEqual(o.response.body.value, JSON.parse(spaced));
  });

  it('a value replaced after decoding is printed as the new value', () => {
    const b = body(spaced);
    b.value = { replaced: true };
    assert.deepEqual(JSON.parse(callToJsonLine(call(undefined, b))).response.body.value, { replaced: true });
  });
});
