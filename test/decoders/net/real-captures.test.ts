/**
 * Real captures recorded with tcpdump/dumpcap (test/fixtures/capture/README.md): frames and
 * packets from CaptureReader + NetDecoder must match what tshark printed for them
 * (FILE.tshark.tsv: frame number, epoch time, cap_len, addresses, ports, seq/ack, flags, tcp.len).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureReader } from '../../../decoders/capture/reader';
import { NetDecoder } from '../../../decoders/net/decode';
import type { CaptureWarning } from '../../../decoders/core/model';

const dir = join(import.meta.dirname, '../../fixtures/capture');

/** "1795293184.514890897" → µs, rounded down, without going through a float. */
function epochToUs(t: string): number {
  const [s, f = ''] = t.split('.');
  return Number(s) * 1e6 + Number((f + '000000').slice(0, 6));
}

function decode(file: Uint8Array, chunk: number) {
  const rows: string[] = [];
  const warnings: CaptureWarning[] = [];
  const capLens = new Map<number, [number, number]>();
  const net = new NetDecoder({
    packet: (p) =>
      rows.push(
        [p.frame, p.tsUs, capLens.get(p.frame)![0], p.src, p.dst, p.srcPort, p.dstPort, p.seq, p.ack, '0x' + p.flags.toString(16).padStart(4, '0'), p.payloadWireLength, p.payload.length].join('\t'),
      ),
    warning: (w) => warnings.push(w),
  });
  const reader = new CaptureReader({
    frame: (f) => {
      capLens.set(f.frame, [f.capLen, f.origLen]);
      net.frame(f);
    },
    warning: (w) => warnings.push(w),
  });
  for (let o = 0; o < file.length; o += chunk) reader.push(file.subarray(o, o + chunk));
  reader.end();
  net.flush();
  return { rows, warnings, frames: reader.framesRead, capLens };
}

describe('real captures (tcpdump, dumpcap) agree with tshark', () => {
  for (const name of readdirSync(dir).filter((n) => /\.pcap(ng)?$/.test(n))) {
    it(name, () => {
      const tsv = readFileSync(join(dir, name + '.tshark.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
      const file = new Uint8Array(readFileSync(join(dir, name)));
      for (const chunk of [file.length, 4096, 97]) {
        const r = decode(file, chunk);
        assert.deepEqual(r.warnings, []);
        assert.equal(r.frames, tsv.length);
        const expected = tsv.map((c) => {
          const [num, time, capLen, ip4s, ip6s, ip4d, ip6d, sport, dport, seq, ack, flags, tcpLen] = c;
          const captured = Math.max(0, Math.min(Number(tcpLen), Number(capLen) - (r.capLens.get(Number(num))![1] - Number(tcpLen))));
          return [num, epochToUs(time), capLen, ip4s || ip6s, ip4d || ip6d, sport, dport, seq, ack, flags, tcpLen, captured].join('\t');
        });
        assert.deepEqual(r.rows, expected, `chunk ${chunk}`);
      }
    });
  }
});
