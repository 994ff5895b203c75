import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closestField, editDistance, unknownFieldHint, withSuggestion, FIELD_NAMES_CAP } from '../../decoders/filter/hint';
import { parseFilter } from '../../decoders/filter/index';

/** Field names the walkthrough's calls have (what the host reports once decoding finished). */
const walkthrough = ['http.content_length', 'http.content_type', 'http.host', 'http.request.method', 'http.request.uri', 'http.status', 'http.user_agent', 'xmlrpc.fault.code', 'xmlrpc.fault.string', 'xmlrpc.method'];

describe('a filter field name with a typo says so (http.stauts == 200 matched nothing, silently)', () => {
  it('names the field and the one it was likely meant to be, where it is', () => {
    const text = 'http.stauts == 200';
    const h = unknownFieldHint(text, walkthrough);
    assert.ok(h);
    assert.equal(h.field, 'http.stauts');
    assert.equal(h.suggestion, 'http.status');
    assert.equal(text.slice(h.start, h.end), 'http.stauts');
    assert.equal(h.message, "no call in this capture has a field 'http.stauts' — did you mean http.status?");
  });
  it('inside and/or/not, after a valid part', () => {
    const text = 'ok == false && !(xmlrpc.metod == "fun_div")';
    const h = unknownFieldHint(text, walkthrough);
    assert.equal(h?.suggestion, 'xmlrpc.method');
    assert.equal(text.slice(h!.start, h!.end), 'xmlrpc.metod');
  });
  it('no warning for built-ins, documented fields, the capture\'s own fields, or a filter that does not parse', () => {
    for (const f of ['status >= 400', 'duration > 1ms', 'http.status == 200', 'grpc.status != 0', 'xmlrpc.fault.code == 1', 'mqtt.topic ~ rides', 'protocol in {http, grpc}', '', 'http.status =='])
      assert.equal(unknownFieldHint(f, walkthrough), undefined, f);
  });
  it('a field far from every known name: the warning without a guess', () => {
    assert.equal(unknownFieldHint('foo.bar == 1', walkthrough)?.message, "no call in this capture has a field 'foo.bar'");
  });
  it('no warning before the capture is decoded, nor when the host\'s list may be partial', () => {
    assert.equal(unknownFieldHint('http.stauts == 200', undefined), undefined);
    assert.equal(unknownFieldHint('http.stauts == 200', Array.from({ length: FIELD_NAMES_CAP }, (_, i) => `x.f${i}`)), undefined);
  });
});

describe('an unknown dotless field (a parse error) suggests the built-in', () => {
  it('dur → duration, stauts → status', () => {
    const r = parseFilter('dur > 1ms');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(withSuggestion(r.error.message), /^unknown field 'dur' — did you mean duration\? \(to search for it, write method ~ "dur"/);
    const r2 = parseFilter('stauts == 200');
    if (r2.ok) throw new Error('parsed');
    assert.match(withSuggestion(r2.error.message), /did you mean status\?/);
  });
  it('other messages are unchanged', () => {
    assert.equal(withSuggestion("expected a value after '>='"), "expected a value after '>='");
    assert.equal(withSuggestion("unknown field 'zzzzzz': to search for it, write method ~ \"zzzzzz\""), "unknown field 'zzzzzz': to search for it, write method ~ \"zzzzzz\"");
  });
});

describe('closest names', () => {
  it('swapped letters count once; prefixes; case', () => {
    assert.equal(editDistance('stauts', 'status'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(closestField('mqtt.topc', ['mqtt.topic', 'mqtt.qos']), 'mqtt.topic');
    assert.equal(closestField('HTTP.status', ['http.status']), 'http.status');
    assert.equal(closestField('dur', ['duration', 'id']), 'duration');
    assert.equal(closestField('abc.def', ['http.status']), undefined);
  });
});
