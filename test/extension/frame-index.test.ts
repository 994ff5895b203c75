import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameIndex, readFrames, sideBytes, transportOf } from '../../extension/analysis/frame-index';
import { analyzeFile } from '../../cli/platform/analyze';
import type { Call } from '../../decoders/core/model';
import { ethernet, tcpPacket, sll, nullLoop, ipv4Packet } from '../helpers/pcap-builder';

const WALKTHROUGH = new URL('../../samples/xmlrpc-walkthrough/xmlrpc-walkthrough.pcap', import.meta.url).pathname;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('frame index', () => {
  test('grows by chunks and keeps what it recorded', () => {
    const x = new FrameIndex(4);
    for (let f = 1; f <= 5000; f++) x.add(f, f * 100 + 2 ** 33, f % 1500, 1);
    assert.equal(x.count, 5000);
    assert.deepEqual(x.get(1), { offset: 100 + 2 ** 33, length: 1, linkType: 1 });
    assert.deepEqual(x.get(2345), { offset: 234500 + 2 ** 33, length: 2345 % 1500, linkType: 1 });
    assert.deepEqual(x.get(5000), { offset: 500000 + 2 ** 33, length: 5000 % 1500, linkType: 1 });
    assert.equal(x.get(0), undefined);
    assert.equal(x.get(5001), undefined);
    // 8 bytes a frame, plus at most one chunk not yet full.
    assert.ok(x.byteSize <= 8 * (5000 + 16), `byteSize ${x.byteSize}`);
  });

  test('frames that were not recorded read as missing; mixed link types are kept per frame', () => {
    const x = new FrameIndex(2);
    x.add(1, 24, 60, 1);
    x.add(3, 200, 70, 113);
    x.add(9, 900, 80, 1);
    x.add(11, 1100, 90, 113);
    assert.equal(x.get(2), undefined);
    assert.equal(x.get(5), undefined);
    assert.equal(x.get(10), undefined);
    assert.equal(x.get(1)?.linkType, 1);
    assert.equal(x.get(3)?.linkType, 113);
    assert.equal(x.get(9)?.linkType, 1);
    assert.deepEqual(x.get(11), { offset: 1100, length: 90, linkType: 113 });
  });

  test('a chunk spanning 4 GiB or more, or with an offset before its first frame, keeps exact offsets', () => {
    const x = new FrameIndex(3);
    x.add(1, 1000, 10, 1);
    x.add(2, 1000 + 2 ** 32 + 5, 20, 1);
    x.add(3, 500, 30, 1);
    x.add(9, 2 ** 40, 40, 1);
    x.add(10, 2 ** 40 - 7, 50, 1);
    assert.deepEqual(x.get(1), { offset: 1000, length: 10, linkType: 1 });
    assert.deepEqual(x.get(2), { offset: 1000 + 2 ** 32 + 5, length: 20, linkType: 1 });
    assert.deepEqual(x.get(3), { offset: 500, length: 30, linkType: 1 });
    assert.equal(x.get(4), undefined);
    assert.deepEqual(x.get(10), { offset: 2 ** 40 - 7, length: 50, linkType: 1 });
    const y = FrameIndex.fromData(structuredClone(x.toData().data));
    for (const f of [1, 2, 3, 9, 10]) assert.deepEqual(y.get(f), x.get(f));
    assert.equal(y.get(4), undefined);
  });

  test('crosses threads as trimmed ArrayBuffers and reads back the same', () => {
    const x = new FrameIndex();
    x.add(1, 24, 60, 1);
    x.add(2, 100, 54, 1);
    const { data, transfer } = x.toData();
    assert.equal(data.chunks.length, 1);
    assert.equal(data.chunks[0].offsets.byteLength, 8);
    assert.equal(data.chunks[0].lengths.byteLength, 8);
    assert.equal(transfer.length, 2);
    const y = FrameIndex.fromData(structuredClone(data));
    assert.deepEqual(y.get(2), { offset: 100, length: 54, linkType: 1 });
    assert.equal(y.get(3), undefined);
    assert.equal(y.count, 2);
  });

  test('many chunks, gaps and mixed link types cross threads intact', () => {
    const x = new FrameIndex(5);
    const want = new Map<number, { offset: number; length: number; linkType: number }>();
    for (let f = 1; f <= 1000; f++) {
      if (f % 97 === 0 || (f > 300 && f < 400)) continue;
      const e = { offset: 24 + f * 1600, length: 60 + (f % 1400), linkType: f > 700 && f % 3 === 0 ? 113 : 1 };
      x.add(f, e.offset, e.length, e.linkType);
      want.set(f, e);
    }
    const { data, transfer } = x.toData();
    const bytes = transfer.reduce((n, b) => n + b.byteLength, 0);
    const y = FrameIndex.fromData(structuredClone(data, { transfer }));
    for (let f = 0; f <= 1001; f++) assert.deepEqual(y.get(f), want.get(f), `frame ${f}`);
    assert.equal(y.byteSize, bytes);
  });
});

describe('transport payload inside a frame', () => {
  const tcp = tcpPacket({ src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80, payload: new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n') });
  for (const [name, frame, linkType, head] of [
    ['Ethernet', ethernet(tcp), 1, 14],
    ['Linux cooked', sll(tcp), 113, 16],
    ['BSD loopback', nullLoop(tcp), 0, 4],
  ] as const) {
    test(name, () => {
      const t = transportOf(1, frame, linkType);
      assert.equal(t.src, '10.0.0.1');
      assert.equal(t.srcPort, 40000);
      assert.equal(t.payloadStart, head + 20 + 20);
      assert.equal(new TextDecoder().decode(frame.subarray(t.payloadStart, t.payloadStart + 3)), 'GET');
    });
  }
  test('not TCP/UDP: no payload offset', () => {
    const t = transportOf(1, ethernet(ipv4Packet({ proto: 1, payload: new Uint8Array(8) })), 1);
    assert.equal(t.payloadStart, -1);
  });
});

describe('bytes of a call read back from the file', async () => {
  const index = new FrameIndex();
  const calls: Call[] = [];
  await analyzeFile(WALKTHROUGH, { frame: index.onFrame }, { call: (c) => calls.push(c) });
  const add = calls.find((c) => c.method === 'fun_add')!;

  test('the index covers every frame of the file', () => {
    assert.ok(index.count >= 10, `frames: ${index.count}`);
    const file = readFileSync(WALKTHROUGH);
    // pcap: a 24-byte header, then 16-byte record headers before each frame's data.
    assert.equal(index.get(1)!.offset, 24 + 16);
    const last = index.get(index.count)!;
    assert.equal(last.offset + last.length, file.length);
  });

  test('request: the client frames with Ethernet, IP, TCP headers and the <methodCall>', async () => {
    const frames = await readFrames(WALKTHROUGH, index, add.frames);
    const req = sideBytes(frames, 'request', add.client, add.server);
    assert.ok(req.segments.length >= 1);
    const h = hex(req.bytes);
    assert.ok(h.includes('3c6d6574686f6443616c6c3e'), '<methodCall> in the request bytes');
    // Ethernet type IPv4, then an IPv4 header (version 4, IHL 5) at byte 14.
    assert.equal(h.slice(24, 28), '0800');
    assert.equal(req.bytes[14], 0x45);
    assert.equal(req.bytes[14 + 9], 6, 'TCP');
    const s0 = req.segments[0];
    assert.equal(s0.offset, 0);
    assert.ok(s0.payloadOffset! >= 14 + 20 + 20);
    assert.ok(new TextDecoder().decode(req.bytes.subarray(s0.payloadOffset!, s0.payloadOffset! + 4)) === 'POST');
    assert.equal(req.segments.reduce((n, s) => n + s.length, 0), req.bytes.length);
  });

  test('response: only the server frames, carrying the 5', async () => {
    const frames = await readFrames(WALKTHROUGH, index, add.frames);
    const res = sideBytes(frames, 'response', add.client, add.server);
    const text = Buffer.from(res.bytes).toString('latin1');
    assert.ok(text.includes('HTTP/1.') && text.includes('<int>5</int>'), text.slice(-200));
    assert.ok(!text.includes('<methodCall>'));
  });

  test('whole frames only, up to the byte limit', async () => {
    const frames = await readFrames(WALKTHROUGH, index, add.frames);
    const cut = sideBytes(frames, 'request', add.client, add.server, 10);
    assert.equal(cut.bytes.length, 0);
    assert.equal(cut.truncated, true);
  });

  test('reads only the frames asked for (positional reads)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'frame-index-'));
    try {
      const copy = join(tmp, 'copy.pcap');
      writeFileSync(copy, readFileSync(WALKTHROUGH));
      const one = await readFrames(copy, index, [add.frames[0], 99999]);
      assert.equal(one.length, 1);
      assert.equal(one[0].bytes.length, index.get(add.frames[0])!.length);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
