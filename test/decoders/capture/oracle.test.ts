/**
 * Oracle: the npm package pcap-parser (a stream parser for classic pcap, µs magic only) must
 * see the same frames as CaptureReader — count, timestamps, captured lengths, bytes — for a
 * synthetic capture and for every samples/**\/*.pcap present when the test runs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import { readAll } from './read-all';
import * as B from '../../helpers/pcap-builder';

const require = createRequire(import.meta.url);
const pcapp = require('pcap-parser') as { parse(input: Readable): NodeJS.EventEmitter };

interface OracleFrame {
  tsUs: number;
  capLen: number;
  origLen: number;
  data: Buffer;
}

function oracle(file: Uint8Array): Promise<OracleFrame[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    for (let o = 0; o < file.length; o += 4093) chunks.push(Buffer.from(file.buffer, file.byteOffset + o, Math.min(4093, file.length - o)));
    const parser = pcapp.parse(Readable.from(chunks));
    const out: OracleFrame[] = [];
    parser.on('packet', (p: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }) => {
      out.push({ tsUs: p.header.timestampSeconds * 1e6 + p.header.timestampMicroseconds, capLen: p.header.capturedLength, origLen: p.header.originalLength, data: Buffer.from(p.data) });
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(out));
  });
}

function isMicrosecondPcap(b: Uint8Array): boolean {
  const m = Buffer.from(b.subarray(0, 4)).toString('hex');
  return m === 'a1b2c3d4' || m === 'd4c3b2a1';
}

async function compare(file: Uint8Array, name: string): Promise<number> {
  const ours = readAll(file, 65536);
  const theirs = await oracle(file);
  const damaged = ours.warnings.length > 0;
  if (!damaged) assert.equal(ours.frames.length, theirs.length, `${name}: frame count`);
  const n = Math.min(ours.frames.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const a = ours.frames[i];
    const b = theirs[i];
    assert.equal(a.tsUs, b.tsUs, `${name} frame ${i + 1}: timestamp`);
    assert.equal(a.capLen, b.capLen, `${name} frame ${i + 1}: captured length`);
    assert.equal(a.origLen, Math.max(b.origLen, b.capLen), `${name} frame ${i + 1}: original length`);
    assert.ok(Buffer.from(a.data).equals(b.data), `${name} frame ${i + 1}: bytes`);
  }
  return n;
}

function findPcaps(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) findPcaps(p, out);
    else if (name.endsWith('.pcap')) out.push(p);
  }
  return out;
}

const root = join(import.meta.dirname, '../../..');

describe('oracle: pcap-parser sees the same frames (libpcap file format)', () => {
  it('synthetic capture, both byte orders, snaplen cut', async () => {
    const frames = B.tcpConversation({ exchanges: [{ dir: 'c2s', data: 'a'.repeat(5000) }, { dir: 's2c', data: 'b'.repeat(300) }] });
    for (const bigEndian of [false, true]) {
      assert.equal(await compare(B.pcapFile(frames, { bigEndian }), 'synthetic'), frames.length);
      assert.equal(await compare(B.pcapFile(frames, { bigEndian, snaplen: 200 }), 'synthetic cut'), frames.length);
    }
  });
  it('the real captures in test/fixtures/capture', async () => {
    for (const p of findPcaps(join(root, 'test/fixtures/capture'))) {
      const b = new Uint8Array(readFileSync(p));
      if (isMicrosecondPcap(b)) assert.ok((await compare(b, p)) > 0);
    }
  });
  it('every samples/**/*.pcap (zero or more)', async (t) => {
    let checked = 0;
    for (const p of findPcaps(join(root, 'samples'))) {
      const b = new Uint8Array(readFileSync(p));
      if (!isMicrosecondPcap(b)) continue; // pcapng or ns files named .pcap: pcap-parser cannot read them
      await compare(b, p);
      checked++;
    }
    t.diagnostic(`${checked} sample capture(s) checked against pcap-parser`);
  });
});
