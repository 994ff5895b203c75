import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamReader, type EventStreamFormat } from '../../../decoders/http-common/event-stream';
import { DEFAULT_LIMITS } from '../../../decoders/core/env';

const enc = (s: string) => new TextEncoder().encode(s);

/** Read `packets` (each one packet: frame i+1, time 1000·(i+1)), each split into pieces of `split` bytes. */
function read(format: EventStreamFormat, packets: string[], split = Infinity, limits = DEFAULT_LIMITS): EventStreamReader {
  const r = new EventStreamReader(format, 's2c', limits);
  packets.forEach((p, i) => {
    const b = enc(p);
    const at = { frame: i + 1, tsUs: 1000 * (i + 1) };
    const step = Math.max(1, Math.min(split, b.length));
    for (let o = 0; o < b.length; o += step) r.push(b.subarray(o, o + step), () => at);
  });
  r.end({ frame: packets.length, tsUs: 1000 * packets.length });
  return r;
}

const brief = (r: EventStreamReader) => r.messages.map((m) => ({ label: m.label, value: m.value, frame: m.frame, size: m.size, ...(m.meta ? { meta: m.meta } : {}) }));

describe('HTML § server-sent events: parsing an event stream', () => {
  it('event, multi-line data joined with LF, id, retry; comments and unknown fields ignored', () => {
    const r = read('sse', [': keep-alive comment\n\nevent: delta\ndata: {"text":"Hel"}\n\n', 'id: 7\ndata: line one\ndata:line two\nfoo: bar\nretry: 1500\n\n', 'data: [DONE]\n\n']);
    assert.deepEqual(brief(r), [
      { label: 'delta', value: { text: 'Hel' }, frame: 1, size: 14, meta: { event: 'delta' } },
      { label: 'message', value: 'line one\nline two', frame: 2, size: 17, meta: { id: '7', retry: 1500 } },
      { label: 'message', value: '[DONE]', frame: 3, size: 6 },
    ]);
    assert.deepEqual(r.warnings, []);
  });

  it('lines end at CRLF, LF or CR; a space after the colon is dropped once; a bare field name has an empty value', () => {
    const r = read('sse', ['data:  two spaces\r\n\r\ndata\r\rdata: x\r', '\n\r\n']);
    assert.deepEqual(r.messages.map((m) => [m.value, m.frame]), [[' two spaces', 1], ['', 1], ['x', 2]]);
  });

  it('a block without data dispatches nothing; the id is kept; ids with NUL are ignored; retry needs digits', () => {
    const r = read('sse', ['id: 1\nretry: 10\n\nevent: ping\n\nid: a\0b\nretry: 1x\ndata: d\n\n']);
    assert.deepEqual(brief(r), [{ label: 'message', value: 'd', frame: 1, size: 1 }]);
  });

  it('an event type is reset after each event', () => {
    const r = read('sse', ['event: a\ndata: 1\n\ndata: 2\n\n']);
    assert.deepEqual(r.messages.map((m) => m.label), ['a', 'message']);
  });

  it('data pending when the stream ends is discarded, with a warning', () => {
    const r = read('sse', ['data: 1\n\ndata: never dispatched\n']);
    assert.equal(r.messages.length, 1);
    assert.match(r.warnings[0], /ended inside an event/);
  });

  it('the time of an event is that of the packet with the byte completing it', () => {
    const r = read('sse', ['data: a\n', '\n', 'data: b\n\r', '\n\n']);
    assert.deepEqual(r.messages.map((m) => [m.value, m.frame, m.tsUs]), [['a', 2, 2000], ['b', 3, 3000]]);
  });

  it('keeps limits.maxMessagesPerCall events and counts the rest', () => {
    const r = read('sse', ['data: 1\n\ndata: 2\n\ndata: 3\n\n'], Infinity, { ...DEFAULT_LIMITS, maxMessagesPerCall: 2 });
    assert.equal(r.messages.length, 2);
    assert.equal(r.dropped, 1);
    assert.equal(r.count, 3);
  });

  it('gives the same events whatever the split (every byte)', () => {
    const packets = ['\uFEFFevent: a\r\ndata: {"x":', '1}\r', '\n\r\n:c\rdata:é\rdata: ü\r\r', 'id: 9\ndata: last\n', '\n'];
    const whole = JSON.stringify(read('sse', packets).messages);
    for (const split of [1, 2, 3, 5]) assert.equal(JSON.stringify(read('sse', packets, split).messages), whole, `split ${split}`);
    assert.equal(read('sse', packets).messages.length, 3);
  });
});

describe('NDJSON / JSON Lines: one JSON text per line', () => {
  it('each line is a message; CRLF and blank lines tolerated; a last line without LF ends with the stream', () => {
    const r = read('ndjson', ['{"a":1}\n{"b":', '[2]}\r\n\n', 'not json\n42']);
    assert.deepEqual(r.messages.map((m) => [m.label, m.value, m.frame, m.size, m.warnings]), [
      ['data', { a: 1 }, 1, 7, undefined],
      ['data', { b: [2] }, 2, 9, undefined],
      ['data', 'not json', 3, 8, ['not a JSON text: kept as text']],
      ['data', 42, 3, 2, undefined],
    ]);
  });

  it('gives the same messages whatever the split', () => {
    const packets = ['{"a":"x\\ny"}\n{"b":', '2}\r\n', '\n[1,2]'];
    const whole = JSON.stringify(read('ndjson', packets).messages);
    for (const split of [1, 2, 7]) assert.equal(JSON.stringify(read('ndjson', packets, split).messages), whole);
  });
});
