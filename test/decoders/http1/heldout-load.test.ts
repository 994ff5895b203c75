/**
 * Held-out round with load tools (test/heldout-load/README.md): h2load --h1 -m 8 (nghttp2 1.52)
 * pipelining GETs to nginx 1.22 (RFC 9112 §9.3.2), its bytes as captured. A capture gap in the
 * client's stream holds a run of requests as long as the ones around it, as many as fit: counting
 * the bigger gaps as one larger request (what a client that waits for each answer sends) left the
 * rest of the run's responses to pair with the next requests.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../../decoders/core/bytes';
import type { Call } from '../../../decoders/core/model';
import { run, type Packet } from './feed';

// h2load --h1 requests (h2load-h1-pipe.pcap frame 13, which holds eight of them back to back: 664 bytes)
const REQ = {
  D: '474554202f646174612e6a736f6e20485454502f312e310d0a486f73743a203132372e302e302e313a32323430300d0a757365722d6167656e743a2068326c6f6164206e6768747470322f312e35322e300d0a0d0a',
  E: '474554202f656d70747920485454502f312e310d0a486f73743a203132372e302e302e313a32323430300d0a757365722d6167656e743a2068326c6f6164206e6768747470322f312e35322e300d0a0d0a',
  N: '474554202f6e6f746865726520485454502f312e310d0a486f73743a203132372e302e302e313a32323430300d0a757365722d6167656e743a2068326c6f6164206e6768747470322f312e35322e300d0a0d0a',
};
// nginx's answers, one segment each (frames 15, 17, 19): 200 with a 42-byte JSON body, 204, 404 with a 153-byte page
const RESP = {
  D: '485454502f312e3120323030204f4b0d0a5365727665723a206e67696e782f312e32322e310d0a446174653a204d6f6e2c203233204e6f7620323032362030323a33353a313320474d540d0a436f6e74656e742d547970653a206170706c69636174696f6e2f6a736f6e0d0a436f6e74656e742d4c656e6774683a2034320d0a4c6173742d4d6f6469666965643a204d6f6e2c203233204e6f7620323032362030323a33353a313220474d540d0a436f6e6e656374696f6e3a206b6565702d616c6976650d0a455461673a202236623033613636302d3261220d0a4163636570742d52616e6765733a2062797465730d0a0d0a7b2261223a312c2262223a5b747275652c6e756c6c2c2278225d2c2263223a7b2264223a312e357d7d0a',
  E: '485454502f312e3120323034204e6f20436f6e74656e740d0a5365727665723a206e67696e782f312e32322e310d0a446174653a204d6f6e2c203233204e6f7620323032362030323a33353a313320474d540d0a436f6e6e656374696f6e3a206b6565702d616c6976650d0a0d0a',
  N: '485454502f312e3120343034204e6f7420466f756e640d0a5365727665723a206e67696e782f312e32322e310d0a446174653a204d6f6e2c203233204e6f7620323032362030323a33353a313320474d540d0a436f6e74656e742d547970653a20746578742f68746d6c0d0a436f6e74656e742d4c656e6774683a203135330d0a436f6e6e656374696f6e3a206b6565702d616c6976650d0a0d0a3c68746d6c3e0d0a3c686561643e3c7469746c653e343034204e6f7420466f756e643c2f7469746c653e3c2f686561643e0d0a3c626f64793e0d0a3c63656e7465723e3c68313e343034204e6f7420466f756e643c2f68313e3c2f63656e7465723e0d0a3c68723e3c63656e7465723e6e67696e782f312e32322e313c2f63656e7465723e0d0a3c2f626f64793e0d0a3c2f68746d6c3e0d0a',
};
const STATUS: Record<string, number> = { '/data.json': 200, '/empty': 204, '/nothere': 404 };
const KEYS = ['D', 'E', 'N'] as const;
const key = (i: number) => KEYS[i % 3];
const concat = (hexes: string[]) => fromHex(hexes.join(''));

/** Requests i..j-1 written in one segment; `snap` keeps its first bytes, the rest a gap; `lost` makes it all a gap. */
function write(i: number, j: number, how: { snap?: number; lost?: boolean } = {}): Packet[] {
  const b = concat(Array.from({ length: j - i }, (_, k) => REQ[key(i + k)]));
  if (how.lost) return [{ dir: 'c2s', data: '', gap: b.length }];
  if (how.snap && b.length > how.snap) return [{ dir: 'c2s', data: b.subarray(0, how.snap) }, { dir: 'c2s', data: '', gap: b.length - how.snap }];
  return [{ dir: 'c2s', data: b }];
}
/** The responses to requests i..j-1, one segment each (cut like the requests by `snap`). */
function answer(i: number, j: number, snap?: number): Packet[] {
  const out: Packet[] = [];
  for (let k = i; k < j; k++) {
    const b = fromHex(RESP[key(k)]);
    if (snap && b.length > snap) out.push({ dir: 's2c', data: b.subarray(0, snap) }, { dir: 's2c', data: '', gap: b.length - snap });
    else out.push({ dir: 's2c', data: b });
  }
  return out;
}
/**
 * A connection as a script: `w6` six requests written in one segment, `r2` the next two answers.
 * `how(w)` cuts or loses write number w.
 */
function script(order: string, how: (w: number) => { snap?: number; lost?: boolean } = () => ({}), snap?: number): Packet[] {
  const p: Packet[] = [];
  let sent = 0;
  let answered = 0;
  let w = 0;
  for (const step of order.split(' ')) {
    const n = Number(step.slice(1));
    if (step[0] === 'w') p.push(...write(sent, (sent += n), how(w++)));
    else p.push(...answer(answered, (answered += n), snap));
  }
  return p;
}
// h2load-h1-pipe.pcap, port 42182, frames 13-330: five writes of eight, then six and single ones as answers come
const H2LOAD = 'w8 r8 w8 r8 w8 r8 w8 r8 w8 r8 w8 r6 w6 r1 w1 r1 w1 r1 w1 r3 w3 r1 w1 r1 w1 r1 w1 r8';
const wrong = (calls: Call[]) => calls.filter((c) => c.method === 'GET' && c.status !== undefined && c.status.code !== STATUS[c.target ?? '']).map((c) => `${c.target} ${c.status?.code}`);

describe('RFC 9112 §9.3.2 pipelined requests lost in a capture gap (h2load --h1 -m 8 against nginx)', () => {
  it('a dropped segment of six requests stands for six: the two answers still due do not go to the next write (h2load-h1-pipe.pcap, 1 % of frames dropped)', () => {
    const s = run(script('w8 r6 w6 r6 w6 r6 w6 r6 w6 r8', (w) => ({ lost: w === 2 })));
    const calls = s.calls;
    assert.deepEqual(wrong(calls), []);
    const standIns = calls.filter((c) => c.warnings.some((w) => w.startsWith('the request was not captured (lost in a 498-byte capture gap)')));
    assert.equal(standIns.length, 6);
    assert.equal(calls.filter((c) => c.method === 'GET' && c.state === 'complete').length, 8 + 6 * 3);
    assert.ok(!calls.some((c) => c.warnings.some((w) => w.startsWith('response without a request'))));
  });
  it('editcap -s 200: each write of more than two requests cut after two and a part; the answers pair with their requests (was 536 of 3726 wrong)', () => {
    const s = run(script(H2LOAD, () => ({ snap: 200 }), 200));
    assert.deepEqual(wrong(s.calls), []);
    // what editcap -s 200 leaves of each write: two whole requests and the start of a third
    assert.equal(s.calls.filter((c) => c.method === 'GET').length, (6 + 1 + 1) * 3 + 6); // six w8, the w6 and the w3 cut; six w1 whole
  });
  it('without pipelining a gap larger than any request is still one request (heldout2: a lost POST)', () => {
    const p: Packet[] = [...write(0, 1), ...answer(0, 1), ...write(1, 2), ...answer(1, 2), { dir: 'c2s', data: '', gap: 400 }, ...answer(2, 3), ...write(3, 4), ...answer(3, 4)];
    const s = run(p);
    assert.deepEqual(wrong(s.calls), []);
    assert.equal(s.calls.filter((c) => c.warnings.some((w) => w.startsWith('the request was not captured'))).length, 1);
  });
});

// ab -k -p body64k.txt (ApacheBench 2.3): its HTTP/1.0 POST head, then 65,536 bytes of `p` (0x70,
// no line feed), written as 65,483 + 212 bytes (ab-post-k.pcap, frames 114-115); node:http's 201.
const AB_HEAD =
  '504f5354202f757020485454502f312e300d0a436f6e6e656374696f6e3a204b6565702d416c6976650d0a436f6e74656e742d6c656e6774683a2036353533360d0a436f6e74656e742d747970653a20746578742f706c61696e0d0a486f73743a203132372e302e302e313a32323430320d0a557365722d4167656e743a2041706163686542656e63682f322e330d0a4163636570743a202a2f2a0d0a0d0a';
const AB_201 =
  '485454502f312e312032303120437265617465640d0a636f6e74656e742d747970653a206170706c69636174696f6e2f6a736f6e0d0a636f6e74656e742d6c656e6774683a2033380d0a446174653a204d6f6e2c203233204e6f7620323032362030323a33333a313720474d540d0a436f6e6e656374696f6e3a206b6565702d616c6976650d0a4b6565702d416c6976653a2074696d656f75743d33300d0a0d0a7b227265636569766564223a36353533362c2274797065223a22746578742f706c61696e227d';

describe('RFC 9112 §2.2 resync after a lost segment: a body tail of token bytes glued to the next request line (ab -k -p)', () => {
  it('the line `ppp…pPOST /up HTTP/1.0` is not a request line whose method is 212 bytes long: the request starts at the segment start (was a million resync rounds per segment)', () => {
    const head = fromHex(AB_HEAD);
    const req = new Uint8Array(head.length + 65536).fill(0x70);
    req.set(head);
    const p: Packet[] = [];
    for (let i = 0; i < 6; i++) {
      if (i === 2) p.push({ dir: 'c2s', data: '', gap: 65483 });
      else p.push({ dir: 'c2s', data: req.subarray(0, 65483) });
      p.push({ dir: 'c2s', data: req.subarray(65483) }, { dir: 's2c', data: fromHex(AB_201) });
    }
    const t0 = performance.now();
    const s = run(p);
    assert.ok(performance.now() - t0 < 2000, `${performance.now() - t0} ms`);
    assert.deepEqual(s.warnings, ['c2s: a capture gap (65483 bytes not captured): looking for the next request line']);
    assert.deepEqual(
      s.calls.map((c) => `${c.method ?? '?'} ${c.status?.code}`),
      ['POST 201', 'POST 201', 'HTTP 201', 'POST 201', 'POST 201', 'POST 201'], // the lost request's stand-in keeps its answer
    );
  });
});

// ab -k (HTTP/1.0 keep-alive, one request at a time): its GET and nginx's 285-byte 200 (ab-nginx-k.pcap, frames 4 and 6)
const AB_GET =
  '474554202f646174612e6a736f6e20485454502f312e300d0a436f6e6e656374696f6e3a204b6565702d416c6976650d0a486f73743a203132372e302e302e313a32323430300d0a557365722d4167656e743a2041706163686542656e63682f322e330d0a4163636570743a202a2f2a0d0a0d0a';
const NGINX_200 =
  '485454502f312e3120323030204f4b0d0a5365727665723a206e67696e782f312e32322e310d0a446174653a204d6f6e2c203233204e6f7620323032362030323a33333a303320474d540d0a436f6e74656e742d547970653a206170706c69636174696f6e2f6a736f6e0d0a436f6e74656e742d4c656e6774683a2034320d0a4c6173742d4d6f6469666965643a204d6f6e2c203233204e6f7620323032362030323a33323a353920474d540d0a436f6e6e656374696f6e3a206b6565702d616c6976650d0a455461673a202236623033613564622d3261220d0a4163636570742d52616e6765733a2062797465730d0a0d0a7b2261223a312c2262223a5b747275652c6e756c6c2c2278225d2c2263223a7b2264223a312e357d7d0a';

describe('RFC 9112 §9.3 one request waiting and a whole response lost before the next one (ab -k, 3 % of frames dropped)', () => {
  it('the lost response was the waiting request’s; the next answers the request a later-reported c2s gap holds (was: every later pair of the connection shifted, 57 of 2954)', () => {
    const get = fromHex(AB_GET);
    const ok = fromHex(NGINX_200);
    const s = run([
      { dir: 'c2s', data: get }, // 1: A
      { dir: 's2c', data: ok }, // 2: A's answer
      { dir: 'c2s', data: get }, // 3: B
      { dir: 's2c', data: '', gap: ok.length }, // 4: B's answer, lost
      { dir: 's2c', data: ok }, // 5: C's answer
      { dir: 'c2s', data: '', gap: get.length }, // 6: C, lost (the pipeline reports it once D shows it)
      { dir: 'c2s', data: get }, // 7: D
      { dir: 's2c', data: ok }, // 8: D's answer
    ]);
    const byFrame = s.calls.map((c) => `${c.method ?? '?'} ${JSON.stringify(c.frames)} ${c.response ? 'resp' : 'none'}`).sort();
    assert.deepEqual(byFrame, ['GET [1,2] resp', 'GET [3] none', 'GET [7,8] resp', 'HTTP [5] resp']);
    assert.ok(s.calls.find((c) => c.frames[0] === 3)?.warnings.some((w) => w.startsWith('the response was not captured (lost in a 285-byte capture gap)')));
  });
});

describe('RFC 9112 §9.3.2 a lost write of eight requests and the first of their answers (h2load --h1 -m 8, second recording, 3 % dropped)', () => {
  it('the lost answer stands for a lost request like the seven answers without a request: no stand-in takes the next write’s first answer (was: 531 later pairs one off)', () => {
    const p: Packet[] = [
      ...write(0, 8),
      ...answer(0, 8),
      ...write(8, 16, { lost: true }),
      { dir: 's2c', data: '', gap: fromHex(RESP[key(8)]).length },
      ...answer(9, 16),
      ...write(16, 24),
      ...answer(16, 24),
    ];
    // the pipeline reports a c2s gap once later bytes show it: after the answers here
    const lostWrite = p.findIndex((x) => x.dir === 'c2s' && x.gap);
    const [gap] = p.splice(lostWrite, 1);
    p.splice(p.findIndex((x, i) => i > lostWrite && x.dir === 'c2s'), 0, gap);
    const s = run(p);
    assert.deepEqual(wrong(s.calls), []);
    assert.equal(s.calls.filter((c) => c.method === 'GET' && c.state === 'complete').length, 16);
  });
});
