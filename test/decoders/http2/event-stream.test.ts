import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { block, c2s, enc, feed, frame, norm, preface, s2c, settings } from './h2';

const req = block([[':method', 'GET'], [':scheme', 'http'], [':path', '/events'], [':authority', 'x'], ['accept', 'text/event-stream']]);
const resp = block([[':status', '200'], ['content-type', 'text/event-stream']]);
const DATA = 0, HEADERS = 1, RST = 3;
const END_STREAM = 1, END_HEADERS = 4;

describe('HTML § server-sent events over HTTP/2 (RFC 9113 §6.1 DATA frames)', () => {
  const pkts = [
    c2s(preface(), settings(), frame(HEADERS, END_HEADERS | END_STREAM, 1, req)),
    s2c(settings(), frame(HEADERS, END_HEADERS, 1, resp), frame(DATA, 0, 1, enc('event: a\ndata: {"x":'))),
    s2c(frame(DATA, 0, 1, enc('1}\n\ndata: two\n'))),
    s2c(frame(DATA, END_STREAM, 1, enc('\n'))),
  ];

  it('events across DATA frames, each timed by the packet that completed it', () => {
    const s = feed(pkts);
    const c = s.calls[0];
    assert.equal(c.kind, 'server-stream');
    assert.equal(c.state, 'complete');
    assert.deepEqual(c.messages!.map((m) => [m.label, m.value, m.frame]), [['a', { x: 1 }, 3], ['message', 'two', 4]]);
    for (const split of [1, 3, 10]) assert.equal(norm(feed(pkts, { split })), norm(s), `split ${split}`);
  });

  it('a client cancelling the stream (RST_STREAM CANCEL) ends it: complete with a note', () => {
    const s = feed([pkts[0], pkts[1], pkts[2], c2s(frame(RST, 0, 1, [0, 0, 0, 8]))]);
    const c = s.calls[0];
    assert.equal(c.state, 'complete');
    assert.equal(c.messages!.length, 1);
    assert.match(c.warnings.join(), /client cancelled stream 1/);
  });

  it('a connection closed mid-stream is complete (FIN) or incomplete (end of capture)', () => {
    assert.equal(feed(pkts.slice(0, 3), { how: 'fin' }).calls[0].state, 'complete');
    assert.equal(feed(pkts.slice(0, 3)).calls[0].state, 'incomplete');
  });
});
