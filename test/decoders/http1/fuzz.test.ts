import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { concatBytes } from '../../../decoders/core/bytes';
import { run, enc, type Packet } from './feed';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seeds: Packet[] = [
  { dir: 'c2s', data: 'POST /RPC2 HTTP/1.1\r\nHost: h\r\nContent-Type: text/xml\r\nContent-Length: 97\r\n\r\n<?xml version="1.0"?><methodCall><methodName>a</methodName><params><param><value><i4>1</i4></value></param></params></methodCall>' },
  { dir: 's2c', data: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5\r\n{"jso\r\n1a\r\nnrpc":"2.0","result":1,"id"\r\n3\r\n:1}\r\n0\r\nX: y\r\n\r\n' },
  { dir: 'c2s', data: 'POST /rpc HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n[{"jsonrpc":"2.0","method":"a","id":1},{"jsonrpc":"2.0","method":"b"}]' },
  { dir: 's2c', data: concatBytes([enc('HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 31\r\n\r\n'), new Uint8Array(zlib.gzipSync('{"a":[1,2,3]}'))]) },
  { dir: 'c2s', data: 'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n' },
  { dir: 's2c', data: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello' },
];

function noInternalErrors(s: ReturnType<typeof run>): void {
  assert.ok(!s.warnings.some((w) => /internal error/.test(w)), s.warnings.join('\n'));
  for (const c of s.calls) {
    assert.ok(c.frames.length <= 64);
    assert.ok(!c.warnings.some((w) => /decoding failed|match failed|view failed/.test(w)), c.warnings.join('\n'));
  }
}

describe('fuzz: random and mutated bytes never throw, never hang', () => {
  it('random bytes in both directions', () => {
    const r = rng(1);
    for (let iter = 0; iter < 200; iter++) {
      const packets: Packet[] = [];
      for (let i = 0; i < 6; i++) {
        const n = Math.floor(r() * 200);
        const b = new Uint8Array(n);
        for (let j = 0; j < n; j++) b[j] = r() < 0.3 ? [10, 13, 32, 58, 48][Math.floor(r() * 5)] : Math.floor(r() * 256);
        packets.push({ dir: r() < 0.5 ? 'c2s' : 's2c', data: r() < 0.3 ? enc('HTTP/1.1 200 OK\r\n') : r() < 0.3 ? enc('GET / HTTP/1.1\r\n') : b });
        if (r() < 0.1) packets.push({ dir: r() < 0.5 ? 'c2s' : 's2c', gap: 1 + Math.floor(r() * 50), data: '' });
      }
      noInternalErrors(run(packets, { split: 1 + Math.floor(r() * 7), resolveHandoff: () => undefined }));
    }
  });
  it('mutated valid conversations', () => {
    const r = rng(2);
    for (let iter = 0; iter < 300; iter++) {
      const packets = seeds.map((p) => {
        const b = (typeof p.data === 'string' ? enc(p.data) : p.data).slice();
        const flips = Math.floor(r() * 6);
        for (let k = 0; k < flips; k++) {
          const i = Math.floor(r() * b.length);
          const op = r();
          if (op < 0.5) b[i] = Math.floor(r() * 256);
          else if (op < 0.75) b[i] = '0123456789abcdef:\r\n <>"{}[]&;'.charCodeAt(Math.floor(r() * 30));
          else b[i] = b[(i + 1) % b.length];
        }
        return { dir: p.dir, data: r() < 0.1 ? b.subarray(0, Math.floor(r() * b.length)) : b };
      });
      const s = run(packets, { split: r() < 0.5 ? undefined : 1 + Math.floor(r() * 13), resolveHandoff: () => undefined });
      noInternalErrors(s);
    }
  });
  it('a huge Content-Length and a huge chunk size are counted, not buffered', () => {
    const s = run([
      { dir: 'c2s', data: 'GET / HTTP/1.1\r\nHost: h\r\n\r\n' },
      { dir: 's2c', data: 'HTTP/1.1 200 OK\r\nContent-Length: 999999999999999\r\n\r\n' + 'x'.repeat(1000) },
    ]);
    noInternalErrors(s);
    assert.equal(s.calls[0].state, 'incomplete');
    const s2 = run([
      { dir: 'c2s', data: 'GET / HTTP/1.1\r\nHost: h\r\n\r\n' },
      { dir: 's2c', data: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFF\r\nabc' },
    ]);
    noInternalErrors(s2);
  });
});
