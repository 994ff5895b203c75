import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TcpStream } from '../../../decoders/flows/tcp-stream';

type Ev = string;
function stream(maxPending?: number) {
  const events: Ev[] = [];
  const s = new TcpStream(
    {
      data: (b, off) => events.push(`data@${off}:${new TextDecoder().decode(b)}`),
      gap: (n, off) => events.push(`gap@${off}:${n}`),
    },
    maxPending,
  );
  return { s, events };
}
const T = (s: string) => new TextEncoder().encode(s);
const seg = (st: TcpStream, seq: number, text: string, wire = text.length, fin = false) => st.segment(seq >>> 0, T(text), wire, 1, 0, fin);

describe('RFC 9293 §3.4 sequence numbers: in-order delivery', () => {
  it('delivers from ISN+1 and tracks the FIN', () => {
    const { s, events } = stream();
    s.syn(1000);
    seg(s, 1001, 'hello ');
    seg(s, 1007, 'world', 5, true);
    assert.deepEqual(events, ['data@0:hello ', 'data@6:world']);
    assert.equal(s.ended, true);
  });
  it('unwraps sequence numbers across 2^32', () => {
    const { s, events } = stream();
    s.syn(0xfffffffd);
    seg(s, 0xfffffffe, 'ab');
    seg(s, 0, 'cd');
    assert.deepEqual(events, ['data@0:ab', 'data@2:cd']);
  });
  it('starts mid-connection at the first segment seen', () => {
    const { s, events } = stream();
    seg(s, 5555, 'xy');
    seg(s, 5557, 'z');
    assert.deepEqual(events, ['data@0:xy', 'data@2:z']);
  });
  it('mid-connection: a first segment ahead of what the peer acknowledged waits for the earlier one (RFC 9293 §3.4 RCV.NXT)', () => {
    const { s, events } = stream();
    s.acked(5555, 1, 0); // the peer expects 5555 next: seen before this direction's first segment
    seg(s, 5557, 'z');
    assert.deepEqual(events, []);
    seg(s, 5555, 'xy');
    assert.deepEqual(events, ['data@0:xy', 'data@2:z']);
  });
  it('mid-connection: a first segment behind the peer\'s acknowledgement is still delivered', () => {
    const { s, events } = stream();
    s.acked(5560, 1, 0); // a retransmission of bytes the peer already had, never captured before
    seg(s, 5555, 'xy');
    assert.deepEqual(events, ['data@0:xy']);
  });
});

describe('RFC 9293 §3.10.7.4 out-of-order segments and retransmissions', () => {
  it('buffers a segment that arrives early', () => {
    const { s, events } = stream();
    s.syn(0);
    seg(s, 4, 'def');
    assert.deepEqual(events, []);
    seg(s, 1, 'abc');
    assert.deepEqual(events, ['data@0:abc', 'data@3:def']);
  });
  it('drops a full retransmission and trims an overlap (first copy wins)', () => {
    const { s, events } = stream();
    s.syn(0);
    seg(s, 1, 'abcd');
    seg(s, 1, 'abcd');
    seg(s, 3, 'XXef');
    assert.deepEqual(events, ['data@0:abcd', 'data@4:ef']);
    assert.equal(s.retransmittedBytes, 6);
  });
  it('trims overlapping waiting segments', () => {
    const { s, events } = stream();
    s.syn(0);
    seg(s, 3, 'cdef');
    seg(s, 5, 'efgh');
    seg(s, 1, 'ab');
    assert.deepEqual(events, ['data@0:ab', 'data@2:cdef', 'data@6:gh']);
  });
});

describe('gaps are reported, never glued over', () => {
  it('a gap when the peer acknowledged bytes the capture missed (confirmed by a second ACK)', () => {
    const { s, events } = stream();
    s.syn(0);
    seg(s, 1, 'ab');
    seg(s, 6, 'fg');
    s.acked(8, 2, 0);
    assert.deepEqual(events, ['data@0:ab'], 'one ACK alone may have overtaken the data at the capture point');
    s.acked(8, 3, 0);
    assert.deepEqual(events, ['data@0:ab', 'gap@2:3', 'data@5:fg']);
  });
  it('a gap when the peer acknowledged bytes the capture missed (confirmed by a later segment)', () => {
    const { s, events } = stream();
    s.syn(0);
    seg(s, 1, 'ab');
    seg(s, 6, 'fg');
    s.acked(8, 2, 0);
    seg(s, 8, 'hi');
    assert.deepEqual(events, ['data@0:ab', 'gap@2:3', 'data@5:fg', 'data@7:hi']);
  });
  it('RFC 9293 §3.10.7.4: an ACK captured before the data it acknowledges (SPAN/TAP, merged captures) is no gap', () => {
    // Server segment 2, then the client's ACK of segments 1 and 2, then segment 1: as a capture
    // point merging both directions records them. Wireshark reassembles all of it.
    const { s, events } = stream();
    s.syn(1000);
    seg(s, 1004, 'def');
    s.acked(1007, 2, 0);
    seg(s, 1001, 'abc');
    assert.deepEqual(events, ['data@0:abc', 'data@3:def']);
    s.acked(1007, 3, 0);
    seg(s, 1007, 'g');
    assert.deepEqual(events, ['data@0:abc', 'data@3:def', 'data@6:g']);
    assert.equal(s.gapBytes, 0);
  });
  it('an ACK riding on the peer\'s data is believed at once (its answer must follow what it answered)', () => {
    const { s, events } = stream();
    s.syn(0);
    seg(s, 6, 'fg');
    s.acked(8, 2, 0, true);
    assert.deepEqual(events, ['gap@0:5', 'data@5:fg']);
  });
  it('an acknowledged hole is filled only up to what the ACK covered', () => {
    const { s, events } = stream();
    s.syn(0);
    seg(s, 3, 'cd'); // hole [0,2)
    s.acked(5, 2, 0); // covers the first hole only
    seg(s, 9, 'ij'); // hole [4,8) not acknowledged: waits
    assert.deepEqual(events, ['gap@0:2', 'data@2:cd']);
    seg(s, 5, 'efgh');
    assert.deepEqual(events, ['gap@0:2', 'data@2:cd', 'data@4:efgh', 'data@8:ij']);
  });
  it('a gap when the direction ends with a hole', () => {
    const { s, events } = stream();
    s.syn(0);
    seg(s, 11, 'k');
    s.finish(1, 0);
    assert.deepEqual(events, ['gap@0:10', 'data@10:k']);
  });
  it('a gap when the segments just before the FIN were lost (RFC 9293 §3.10.7.4: the FIN takes the sequence number after the data)', () => {
    const { s, events } = stream(1000);
    s.syn(0);
    seg(s, 1, 'HELLO, W');
    seg(s, 14, '', 0, true); // FIN at offset 13: "ORLD\n" (8..13) never captured
    assert.equal(s.ended, false);
    s.finish(1, 0);
    assert.deepEqual(events, ['data@0:HELLO, W', 'gap@8:5']);
    // A FIN whose sequence number is further away than anything could wait for is not believed.
    const far = stream(1000);
    far.s.syn(0);
    seg(far.s, 1, 'abc');
    seg(far.s, 1_000_000, '', 0, true);
    far.s.finish(1, 0);
    assert.deepEqual(far.events, ['data@0:abc']);
  });
  it('a gap when the waiting room is full (bounded memory)', () => {
    const { s, events } = stream(4);
    s.syn(0);
    seg(s, 3, 'cd');
    seg(s, 5, 'efg');
    assert.deepEqual(events, ['gap@0:2', 'data@2:cd', 'data@4:efg']);
  });
  it('a segment cut by the snaplen: captured part, then a gap for the rest', () => {
    const { s, events } = stream();
    s.syn(0);
    seg(s, 1, 'abc', 10);
    seg(s, 11, 'z');
    assert.deepEqual(events, ['data@0:abc', 'gap@3:7', 'data@10:z']);
  });
});

describe('RFC 9293 §3.5 where a direction starts when its SYN was lost (expectStart)', () => {
  it('the handshake showed offset 0: a first data segment beyond it follows a gap (a lost SYN-ACK, then a lost first response)', () => {
    const { s, events } = stream();
    s.expectStart(5001); // the client's ACK of the (lost) SYN-ACK: the server's ISN + 1
    s.acked(5001, 1, 0); // the client's later ACKs only move RCV.NXT on
    s.acked(5011, 1, 0); // ... past the first response, which was lost
    seg(s, 5011, 'second');
    s.finish(1, 0);
    assert.deepEqual(events, ['gap@0:10', 'data@10:second']);
  });
  it('without it, the last acknowledgement seen is where the data starts (the first response is not known to be lost)', () => {
    const { s, events } = stream();
    s.acked(5001, 1, 0);
    s.acked(5011, 1, 0);
    seg(s, 5011, 'second');
    s.finish(1, 0);
    assert.deepEqual(events, ['data@0:second']);
  });
  it('a first segment at or behind the hint starts the stream there; the SYN, when seen, wins', () => {
    const at = stream();
    at.s.expectStart(5001);
    seg(at.s, 5001, 'first');
    assert.deepEqual(at.events, ['data@0:first']);
    const behind = stream();
    behind.s.expectStart(5001);
    seg(behind.s, 4990, 'early');
    assert.deepEqual(behind.events, ['data@0:early']);
    const syn = stream();
    syn.s.syn(7000);
    syn.s.expectStart(5001);
    seg(syn.s, 7001, 'x');
    assert.deepEqual(syn.events, ['data@0:x']);
  });
  it('the first hint is kept; one further away than the waiting room is not believed', () => {
    const first = stream();
    first.s.expectStart(5001);
    first.s.expectStart(5006);
    seg(first.s, 5006, 'b');
    first.s.finish(1, 0);
    assert.deepEqual(first.events, ['gap@0:5', 'data@5:b']);
    const far = stream(1000);
    far.s.expectStart(5001);
    seg(far.s, 9001, 'far');
    assert.deepEqual(far.events, ['data@0:far']);
  });
});

describe('RFC 9293 §3.4 an acknowledgement past several holes', () => {
  it('makes each a gap at once, not only the first (the later one no longer waits for another ACK)', () => {
    const { s, events } = stream();
    s.syn(0);
    seg(s, 1, 'ab'); // 0..2
    seg(s, 5, 'ef'); // 4..6, after a hole
    seg(s, 9, 'ij'); // 8..10, after another
    s.acked(11, 1, 0, true); // riding on the peer's data: believed at once
    assert.deepEqual(events, ['data@0:ab', 'gap@2:2', 'data@4:ef', 'gap@6:2', 'data@8:ij']);
  });
  it('as far as waiting segments reach: bytes acknowledged past the last one wait for more', () => {
    const { s, events } = stream();
    s.syn(0);
    seg(s, 1, 'ab');
    seg(s, 5, 'ef');
    s.acked(20, 1, 0, true);
    assert.deepEqual(events, ['data@0:ab', 'gap@2:2', 'data@4:ef']);
  });
});

describe('the acknowledgement number travels with the data (TcpStreamSink.data `acked`)', () => {
  it('in order, and for a segment that waited for the one before it', () => {
    const seen: string[] = [];
    const s = new TcpStream({ data: (b, off, _f, _t, acked) => seen.push(`${off}:${new TextDecoder().decode(b)}@${acked}`), gap: () => {} });
    s.syn(0);
    s.segment(1, T('ab'), 2, 1, 0, false, 100);
    s.segment(5, T('ef'), 2, 2, 0, false, 300); // waits for 'cd'
    s.segment(3, T('cd'), 2, 3, 0, false, 200);
    s.segment(7, T('g'), 1, 4, 0, false);
    assert.deepEqual(seen, ['0:ab@100', '2:cd@200', '4:ef@300', '6:g@undefined']);
  });
});
