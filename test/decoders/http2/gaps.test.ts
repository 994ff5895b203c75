/**
 * HTTP/2 in a capture with gaps (packet loss, or a snaplen such as `tcpdump -s 128` that keeps only
 * the first bytes of each segment): frames cut by a gap, header blocks lost or cut, and the HPACK
 * table state that goes with them. Frames and header blocks are inline hex so the octets of each
 * RFC section are visible.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, c2s, s2c, preface, norm, type Pkt } from './h2';
import { UNKNOWN_ENTRY } from '../../../decoders/http2/hpack';
import { bodyCut } from '../../../decoders/http-common/body';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const gap = (dir: 'c2s' | 's2c', n: number): Pkt => ({ dir, gap: n });

// Connection start: client preface + empty SETTINGS; server empty SETTINGS.
const START_C = () => c2s(preface(), hex('000000 04 00 00000000'));
const START_S = () => s2c(hex('000000 04 00 00000000'));

// Header block fields (RFC 7541 §6):
//   83                              :method POST            (§6.1 indexed, static 3)
//   04 06 2f612e422f43              :path /a.B/C            (§6.2.2 without indexing, static name 4)
//   5f 10 6170706c69636174696f6e2f67727063
//                                   content-type application/grpc (§6.2.1 incremental indexing, static name 31)
//   be                              dynamic entry 62        (§6.1 indexed, the newest dynamic entry)
//   88                              :status 200             (static 8)
//   00 0b 677270632d737461747573 01 30   grpc-status 0      (§6.2.2, new name)
const METHOD_PATH = '83 04 06 2f612e422f43';
const CT_INDEXED = '5f 10 6170706c69636174696f6e2f67727063';
const GRPC_STATUS_0 = '00 0b 677270632d737461747573 01 30';

describe('RFC 9113 §4.1/§6.2 a HEADERS frame cut by a gap', () => {
  // Stream 1: HEADERS (END_STREAM|END_HEADERS), block of 27 octets; only its first 9 were captured.
  const cut: Pkt[] = [
    START_C(),
    START_S(),
    c2s(hex(`00001b 01 05 00000001 ${METHOD_PATH}`)),
    gap('c2s', 18), // "5f 10 application/grpc": its insertion into the dynamic table is lost
    // Stream 3 refers to that entry (be) — now unknown — and to static entries.
    c2s(hex(`00000a 01 05 00000003 ${METHOD_PATH} be`)),
    s2c(hex('000001 01 05 00000001 88')),
    s2c(hex('000001 01 05 00000003 88')),
  ];

  it('the cut stream is an incomplete call with a warning and the fields before the gap', () => {
    const s = feed(cut);
    const c = s.calls.find((x) => x.fields['http2.streamid'] === 1)!;
    assert.equal(c.state, 'incomplete');
    assert.match(c.warnings.join(' '), /request header block of stream 1 cut by a gap in the capture \(9 of 27 bytes captured\): 2 field\(s\) decoded/);
    assert.deepEqual(c.request?.headers, [
      [':method', 'POST'],
      [':path', '/a.B/C'],
    ]);
  });

  it('RFC 7541 §2.3.2: a later block decodes static and literal fields; the lost dynamic entry is a placeholder', () => {
    const s = feed(cut);
    const c = s.calls.find((x) => x.fields['http2.streamid'] === 3)!;
    assert.deepEqual(c.request?.headers, [
      [':method', 'POST'],
      [':path', '/a.B/C'],
      [UNKNOWN_ENTRY, UNKNOWN_ENTRY],
    ]);
    assert.match(c.warnings.join(' '), /1 header field\(s\) refer to HPACK entries added before a header block cut by a gap/);
    assert.equal(c.response?.headers?.[0][1], '200');
    // Its content-type was the lost entry: a POST to /pkg.Service/Method is taken as gRPC.
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.target, '/a.B/C');
  });

  it('identical calls whatever the split (chunking)', () => {
    const whole = norm(feed(cut));
    for (const split of [1, 2, 5, 9]) assert.equal(norm(feed(cut, { split })), whole);
  });
});

describe('RFC 7541 §4 a gap that loses the frame boundary resets the HPACK table (partial mode)', () => {
  it('later streams keep :method, literal :path and static :status instead of "http2 ?"', () => {
    const s = feed([
      START_C(),
      START_S(),
      // Stream 1: POST /a.B/C with content-type inserted into the table (§6.2.1).
      c2s(hex(`00001b 01 05 00000001 ${METHOD_PATH} ${CT_INDEXED}`)),
      s2c(hex('000001 01 05 00000001 88')),
      // A whole frame missing: where the next frame starts is unknown.
      gap('c2s', 40),
      // Stream 5 after the gap, at a segment boundary: :method, :path and entry 62.
      c2s(hex(`00000a 01 05 00000005 ${METHOD_PATH} be`)),
      s2c(hex('000001 01 05 00000005 88')),
    ]);
    assert.equal(s.calls.length, 2);
    const first = s.calls.find((x) => x.fields['http2.streamid'] === 1)!;
    assert.equal(first.protocol, 'grpc');
    assert.equal(first.state, 'complete');
    const c = s.calls.find((x) => x.fields['http2.streamid'] === 5)!;
    assert.equal(c.method, 'a.B/C');
    assert.deepEqual(c.request?.headers?.slice(0, 2), [
      [':method', 'POST'],
      [':path', '/a.B/C'],
    ]);
    assert.equal(c.response?.headers?.[0][1], '200');
    assert.match(c.warnings.join(' '), /refer to HPACK entries added before a gap in the capture/);
    assert.ok(s.warnings.some((w) => /40 bytes missing from the capture; HPACK table reset/.test(w)));
  });

  it('a stream whose HEADERS fell in the gap is incomplete with a warning', () => {
    const s = feed([
      START_C(),
      START_S(),
      c2s(hex(`00000a 01 05 00000001 ${METHOD_PATH} 83`)),
      gap('c2s', 30),
      s2c(hex('000001 01 04 00000003 88'), hex('000003 00 01 00000003 6f6b21')),
    ]);
    const c = s.calls.find((x) => x.fields['http2.streamid'] === 3)!;
    assert.equal(c.state, 'incomplete');
    assert.match(c.warnings.join(' '), /request headers of stream 3 missing from the capture \(lost in a gap\)/);
  });
});

describe('RFC 9113 §6.1 DATA cut by a gap', () => {
  // gRPC request: content-type as a literal, so the stream is gRPC from its HEADERS.
  const REQ = `83 04 06 2f612e422f43 0f 10 10 6170706c69636174696f6e2f67727063`;
  it('PROTOCOL-HTTP2 a gRPC message cut by the gap becomes a warning, not garbage; the next message decodes', () => {
    const pkts: Pkt[] = [
      START_C(),
      START_S(),
      c2s(hex(`00001c 01 04 00000001 ${REQ}`)),
      // DATA of 25 octets: one message of 20 payload bytes; the capture kept 9 + 10 octets of the frame.
      c2s(hex('000019 00 00 00000001 00 00000014 0a 12 41 42 43')),
      gap('c2s', 15),
      // The next DATA frame (a new segment) carries one whole message: field 1 = 1.
      c2s(hex('000007 00 01 00000001 00 00000002 0801')),
      s2c(hex('000001 01 04 00000001 88'), hex(`00000f 01 05 00000001 ${GRPC_STATUS_0}`)),
    ];
    const s = feed(pkts);
    const c = s.calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.state, 'complete');
    assert.equal(c.status?.code, 0);
    assert.equal(c.messages?.length, 2);
    const [cutMsg, whole] = c.messages!;
    assert.equal(cutMsg.size, 20);
    assert.equal(cutMsg.value, undefined);
    assert.match(cutMsg.warnings?.join(' ') ?? '', /15 of its 20 bytes missing from the capture \(gap\): not decoded/);
    assert.deepEqual(whole.value, { '1': 1 });
    assert.match(c.warnings.join(' '), /c2s message 0: 15 of its 20 bytes missing/);
    for (const split of [1, 3, 7]) assert.equal(norm(feed(pkts, { split })), norm(s));
  });

  it('a gap over a message prefix loses the framing until the next DATA frame starts a message', () => {
    const s = feed([
      START_C(),
      START_S(),
      c2s(hex(`00001c 01 04 00000001 ${REQ}`)),
      // DATA of 16: message (flags 0, length 2, 08 01) then a second message whose prefix is cut.
      c2s(hex('000010 00 00 00000001 00 00000002 0801 00 00')),
      gap('c2s', 7),
      c2s(hex('000007 00 01 00000001 00 00000002 0802')),
      s2c(hex('000001 01 04 00000001 88'), hex(`00000f 01 05 00000001 ${GRPC_STATUS_0}`)),
    ]);
    const c = s.calls[0];
    assert.deepEqual(
      c.messages?.map((m) => m.value),
      [{ '1': 1 }, { '1': 2 }],
    );
    assert.match(c.warnings.join(' '), /framing picked up again/);
    assert.match(c.warnings.join(' '), /a gap in the capture hid where a gRPC message starts/);
  });

  it('a plain HTTP/2 body is kept up to the gap, its size counting the missing bytes, cut by the capture', () => {
    const s = feed([
      START_C(),
      START_S(),
      c2s(hex('000002 01 05 00000001 82 84')), // GET /
      s2c(hex('000001 01 04 00000001 88'), hex('00000a 00 01 00000001 68656c6c6f')),
      gap('s2c', 5),
    ]);
    const c = s.calls[0];
    assert.equal(c.http?.status, 200);
    assert.equal(c.state, 'complete');
    assert.match(c.warnings.join(' '), /response body: 5 bytes missing from the capture \(gap\): kept up to the gap/);
    assert.equal(c.response?.body?.size, 10);
    assert.equal(c.response?.body?.truncated, true);
    assert.equal(bodyCut(c.response?.body), 'capture');
  });
  it('bytes after a gap inside a body are not glued to the bytes before it (RFC 9113 §6.1 DATA; a JSON body cut, not corrupted)', () => {
    // GET /, then a JSON response in three DATA frames: {"a":1, then a frame lost to a gap (a hole
    // inside its payload), then ,"c":3} — glued, the text would read {"a":1,"c":3}, a value never sent.
    const s = feed([
      START_C(),
      START_S(),
      c2s(hex('000002 01 05 00000001 82 84')),
      s2c(hex('000001 01 04 00000001 88'), hex('000006 00 00 00000001 7b2261223a31'), hex('000008 00 00 00000001 2c2262')),
      gap('s2c', 5),
      s2c(hex('000007 00 01 00000001 2c2263223a337d')),
    ]);
    const c = s.calls[0];
    assert.equal(c.response?.body?.truncated, true);
    assert.equal(c.response?.body?.size, 6 + 8 + 7);
    assert.equal(c.response?.body?.kind, 'text');
    assert.equal(c.response?.body?.text, '{"a":1,"b');
    assert.match(c.warnings.join(' '), /response body: 5 bytes missing from the capture \(gap\): kept up to the gap/);
  });
});

describe('snaplen sweep: every packet cut after N octets (RFC 9113 §4.1 framing kept where lengths are known)', () => {
  const REQ = `83 04 06 2f612e422f43 0f 10 10 6170706c69636174696f6e2f67727063`;
  const full: Pkt[] = [START_C(), START_S()];
  for (let id = 1; id <= 9; id += 2) {
    const sid = id.toString(16).padStart(8, '0');
    full.push(c2s(hex(`00001c 01 04 ${sid} ${REQ}`), hex(`00000e 00 01 ${sid} 00 00000009 0a 07 706572736f6e31`)));
    full.push(s2c(hex(`000001 01 04 ${sid} 88`), hex(`000007 00 00 ${sid} 00 00000002 0801`), hex(`00000f 01 05 ${sid} ${GRPC_STATUS_0}`)));
  }
  const snap = (n: number): Pkt[] =>
    full.flatMap((p, i) => (i < 2 || p.data!.length <= n ? [p] : [{ dir: p.dir, data: p.data!.subarray(0, n) }, { dir: p.dir, gap: p.data!.length - n }]));

  it('one call per stream once a frame header fits the snaplen, no exception whatever it is', () => {
    for (const n of [0, 1, 8, 9, 10, 20, 37, 40, 51, 60, 70]) {
      const s = feed(snap(n));
      if (n >= 9) assert.equal(s.calls.length, 5, `snaplen ${n}`);
      else assert.ok(s.calls.length <= 5);
      for (const c of s.calls) {
        // A message is either decoded whole or a warning: never a value from zero-filled bytes.
        for (const m of c.messages ?? []) if (m.value !== undefined) assert.ok(!m.warnings?.length, `snaplen ${n}`);
      }
    }
  });

  it('with the whole request captured, responses cut after their HEADERS still give gRPC calls with their :path', () => {
    const s = feed(full.map((p) => (p.dir === 's2c' && p.data!.length > 10 ? p : p)).flatMap((p, i) => (i >= 2 && p.dir === 's2c' ? [{ dir: p.dir, data: p.data!.subarray(0, 10) }, { dir: p.dir, gap: p.data!.length - 10 }] : [p])));
    for (const c of s.calls) {
      assert.equal(c.protocol, 'grpc');
      assert.equal(c.target, '/a.B/C');
      assert.deepEqual(c.request?.value, { '1': 'person1' });
    }
  });
});

describe('gRPC status behind HPACK entries a gap took (RFC 7541 §2.3.2; gRPC PROTOCOL-HTTP2 "Responses")', () => {
  // grpc C-core (grpc-ruby 1.51 here) adds `grpc-status: 0` to its encoder's table with the first
  // trailers of a connection (§6.2.1 incremental indexing, new name) and refers to it afterwards
  // (§6.1): when the block that added it is lost, later trailers say only "entry 62".
  const MSG = '00 00000002 0801'; // one gRPC message: uncompressed, 2 bytes, field 1 = 1
  it('trailers that refer to a lost entry: the status is unknown, not absent', () => {
    const s = feed([
      START_C(),
      START_S(),
      c2s(hex(`00001b 01 04 00000001 ${METHOD_PATH} ${CT_INDEXED}`), hex(`000007 00 01 00000001 ${MSG}`)),
      // stream 1's answer is lost, 28 + 16 + 24 bytes: HEADERS `88 5f10 application/grpc` (content-type
      // becomes entry 62), a DATA, trailers `40 0b grpc-status 01 30` (grpc-status 0 becomes 62, content-type 63)
      gap('s2c', 68),
      c2s(hex(`00000a 01 04 00000003 ${METHOD_PATH} be`), hex(`000007 00 01 00000003 ${MSG}`)),
      s2c(hex('000002 01 04 00000003 88 bf'), hex(`000007 00 00 00000003 ${MSG}`), hex('000001 01 05 00000003 be')),
    ]);
    const c = s.calls.find((x) => x.fields['http2.streamid'] === 3)!;
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.status, undefined);
    assert.ok(c.warnings.includes('grpc-status unknown: the response refers to HPACK entries the capture does not hold'), c.warnings.join(' | '));
    assert.ok(!c.warnings.includes('response ended without grpc-status'));
  });
  it('a stream known as gRPC only from its shape, after its Trailers-Only answer: that answer gives the status', () => {
    const s = feed([
      START_C(),
      START_S(),
      gap('c2s', 36), // stream 1's HEADERS (content-type indexed) lost
      // stream 3: its content-type is the lost entry; END_HEADERS only, the DATA comes later
      c2s(hex(`00000a 01 04 00000003 ${METHOD_PATH} be`)),
      // Trailers-Only (END_STREAM): :status 200, grpc-status 5, grpc-message "gone" (§6.2.2 literals)
      s2c(hex('000023 01 05 00000003 88 00 0b 677270632d737461747573 01 35 00 0c 677270632d6d657373616765 04 676f6e65')),
      // the request's message: gRPC by its shape (a whole length-prefixed message)
      c2s(hex(`000007 00 01 00000003 ${MSG}`)),
    ]);
    const c = s.calls.find((x) => x.fields['http2.streamid'] === 3)!;
    assert.equal(c.protocol, 'grpc');
    assert.deepEqual(c.status, { code: 5, text: 'NOT_FOUND', ok: false });
    assert.equal(c.fields['grpc.message'], 'gone');
    assert.ok(!c.warnings.includes('response ended without grpc-status'), c.warnings.join(' | '));
  });
});
