import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { calls, type Packet } from './feed';
import { normalizeCalls } from '../../helpers/normalize';

const GET = 'GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n';
const chunk = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
const sseHead = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n';

const chunked: Packet[] = [
  { dir: 'c2s', data: GET },
  { dir: 's2c', data: sseHead + chunk(': hello\n\n') },
  { dir: 's2c', data: chunk('event: token\ndata: {"t":"He"}\n\n') },
  { dir: 's2c', data: chunk('id: 2\ndata: multi\ndata: line\n') },
  { dir: 's2c', data: chunk('\n') + chunk('data: [DONE]\n\n') + '0\r\n\r\n' },
];

describe('HTML § server-sent events over HTTP/1.1 (RFC 9112 §7.1 chunked)', () => {
  it('each event is a message timed by the packet that completed it; the call is a server stream', () => {
    const [c] = calls(chunked);
    assert.equal(c.kind, 'server-stream');
    assert.equal(c.state, 'complete');
    assert.deepEqual(c.messages!.map((m) => [m.dir, m.index, m.label, m.value, m.frame, m.tsUs]), [
      ['s2c', 0, 'token', { t: 'He' }, 3, 1_002_000],
      ['s2c', 1, 'message', 'multi\nline', 5, 1_004_000],
      ['s2c', 2, 'message', '[DONE]', 5, 1_004_000],
    ]);
    assert.equal(c.response?.body?.kind, 'text');
    assert.match(c.response?.body?.text ?? '', /^: hello/);
    assert.deepEqual(c.warnings, []);
  });

  it('the same calls whatever the split of the stream (every byte)', () => {
    const whole = JSON.stringify(normalizeCalls(calls(chunked)));
    for (const split of [1, 2, 3, 7]) assert.equal(JSON.stringify(normalizeCalls(calls(chunked, { split }))), whole, `split ${split}`);
  });

  it('close-delimited and Content-Length bodies', () => {
    const body = 'data: 1\n\ndata: 2\n\n';
    const [a] = calls([{ dir: 'c2s', data: GET }, { dir: 's2c', data: 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n' + body }, { dir: 's2c', data: '', end: true }], { how: 'fin' });
    assert.deepEqual(a.messages!.map((m) => m.value), [1, 2]);
    assert.equal(a.state, 'complete');
    const [b] = calls([{ dir: 'c2s', data: GET }, { dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: ${body.length}\r\n\r\n` + body }]);
    assert.deepEqual(b.messages!.map((m) => m.value), [1, 2]);
  });

  it('a stream the client closed (FIN) is complete with a note; cut by the end of the capture it is incomplete', () => {
    const open: Packet[] = [chunked[0], chunked[1], chunked[2], { dir: 'c2s', data: '', end: true }, { dir: 's2c', data: '', end: true }];
    const [fin] = calls(open, { how: 'fin' });
    assert.equal(fin.state, 'complete');
    assert.equal(fin.messages!.length, 1);
    assert.match(fin.warnings.join(), /closed \(TCP FIN\) before its end/);
    assert.doesNotMatch(fin.warnings.join(), /connection ended before the message did/);
    const [rst] = calls(open, { how: 'rst' });
    assert.equal(rst.state, 'complete');
    const [cut] = calls(open);
    assert.equal(cut.state, 'incomplete');
    assert.match(cut.warnings.join(), /chunked body not finished/);
  });

  it('a gzip stream is decoded at its end: events take the time of the end, with a warning', () => {
    const gz = zlib.gzipSync('data: {"a":1}\n\ndata: b\n\n');
    const head = `HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`;
    const [c] = calls([{ dir: 'c2s', data: GET }, { dir: 's2c', data: Buffer.concat([Buffer.from(head), gz.subarray(0, 10)]) }, { dir: 's2c', data: gz.subarray(10) }]);
    assert.deepEqual(c.messages!.map((m) => [m.value, m.frame]), [[{ a: 1 }, 3], ['b', 3]]);
    assert.match(c.warnings.join(), /gzip-coded stream decoded at its end/);
    assert.equal(c.state, 'complete');
  });

  it('an NDJSON upload is a client stream; NDJSON both ways is bidi', () => {
    const up = '{"n":1}\n{"n":2}\n';
    const req = `POST /ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(up)}0\r\n\r\n`;
    const [c] = calls([{ dir: 'c2s', data: req }, { dir: 's2c', data: 'HTTP/1.1 204 No Content\r\n\r\n' }]);
    assert.equal(c.kind, 'client-stream');
    assert.deepEqual(c.messages!.map((m) => [m.dir, m.value]), [['c2s', { n: 1 }], ['c2s', { n: 2 }]]);
    assert.equal(c.request?.body?.kind, 'text');
    const [b] = calls([{ dir: 'c2s', data: req }, { dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: application/jsonl\r\nContent-Length: 8\r\n\r\n{"ok":1}` }]);
    assert.equal(b.kind, 'bidi');
    assert.deepEqual(b.messages!.map((m) => m.dir), ['c2s', 'c2s', 's2c']);
  });
});
