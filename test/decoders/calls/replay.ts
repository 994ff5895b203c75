/**
 * Test-only: a minimal pcap/pcapng reader and in-order TCP stream splitter (loopback captures,
 * no reordering) that feeds one decoder per connection — enough to run the broker decoders on
 * their samples until (and besides) the real pipeline.
 */
import { readFileSync } from 'node:fs';
import type { DecoderSpec, Position, StreamDecoder } from '../../../decoders/core/decoder';
import type { Call, Dir } from '../../../decoders/core/model';
import { testSession, type TestSession } from '../../helpers/session';
import { decoderById } from '../../../decoders/registry';
import { FlowCorrelator } from '../../../decoders/calls/correlator';

interface Pkt {
  frame: number;
  tsUs: number;
  data: Uint8Array;
  linktype: number;
}

export function readCapture(path: string): Pkt[] {
  const b = new Uint8Array(readFileSync(path));
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Pkt[] = [];
  const magic = dv.getUint32(0, true);
  if (magic === 0x0a0d0d0a) {
    let o = 0;
    let le = true;
    const links: number[] = [];
    const tsres: number[] = [];
    while (o + 12 <= b.length) {
      const type = dv.getUint32(o, le);
      if (type === 0x0a0d0d0a) le = dv.getUint32(o + 8, true) === 0x1a2b3c4d;
      const len = dv.getUint32(o + 4, le);
      if (type === 1) {
        links.push(dv.getUint16(o + 8, le));
        let res = 1e-6;
        let p = o + 16;
        while (p + 4 <= o + len - 4) {
          const code = dv.getUint16(p, le);
          const l = dv.getUint16(p + 2, le);
          if (code === 0) break;
          if (code === 9) {
            const v = b[p + 4];
            res = v & 0x80 ? 2 ** -(v & 0x7f) : 10 ** -v;
          }
          p += 4 + ((l + 3) & ~3);
        }
        tsres.push(res);
      } else if (type === 6) {
        const iface = dv.getUint32(o + 8, le);
        const ts = dv.getUint32(o + 12, le) * 2 ** 32 + dv.getUint32(o + 16, le);
        const cap = dv.getUint32(o + 20, le);
        const tsUs = Math.round(ts * tsres[iface] * 1e6);
        out.push({ frame: out.length + 1, tsUs, data: b.subarray(o + 28, o + 28 + cap), linktype: links[iface] });
      }
      o += len;
    }
    return out;
  }
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const linktype = dv.getUint32(20, le);
  let o = 24;
  while (o + 16 <= b.length) {
    const sec = dv.getUint32(o, le);
    const frac = dv.getUint32(o + 4, le);
    const cap = dv.getUint32(o + 8, le);
    out.push({ frame: out.length + 1, tsUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac), data: b.subarray(o + 16, o + 16 + cap), linktype });
    o += 16 + cap;
  }
  return out;
}

interface Conn {
  dec: StreamDecoder;
  session: TestSession;
  next: { c2s: number; s2c: number };
  clientPort: number;
  last: Position;
}

/** Run `spec` on every TCP connection whose server port is in `ports`; returns all calls in emit order. */
export function replay(path: string, spec: DecoderSpec, ports: number[], onCall?: (c: Call) => void): { calls: Call[]; warnings: string[] } {
  const pkts = readCapture(path);
  const conns = new Map<string, Conn>();
  const calls: Call[] = [];
  const warnings: string[] = [];
  let nextId = 1;
  let flowId = 0;
  for (const p of pkts) {
    let d = p.data;
    if (p.linktype === 1) {
      if (d.length < 14 || ((d[12] << 8) | d[13]) !== 0x0800) continue;
      d = d.subarray(14);
    } else if (p.linktype === 113) d = d.subarray(16);
    else if (p.linktype === 276) d = d.subarray(20);
    else if (p.linktype === 0 || p.linktype === 108) d = d.subarray(4);
    else if (p.linktype !== 101 && p.linktype !== 228) continue;
    if (d.length < 20 || d[0] >> 4 !== 4 || d[9] !== 6) continue;
    const ihl = (d[0] & 15) * 4;
    const total = (d[2] << 8) | d[3];
    const tcp = d.subarray(ihl, total);
    const sport = (tcp[0] << 8) | tcp[1];
    const dport = (tcp[2] << 8) | tcp[3];
    const seq = ((tcp[4] << 24) >>> 0) + ((tcp[5] << 16) | (tcp[6] << 8) | tcp[7]);
    const off = (tcp[12] >> 4) * 4;
    const flags = tcp[13];
    const payload = tcp.subarray(off);
    const serverPort = ports.includes(dport) ? dport : ports.includes(sport) ? sport : -1;
    if (serverPort < 0) continue;
    const dir: Dir = dport === serverPort ? 'c2s' : 's2c';
    const clientPort = dir === 'c2s' ? sport : dport;
    const key = `${clientPort}-${serverPort}`;
    let c = conns.get(key);
    if (!c) {
      const id = ++flowId;
      const session = testSession({ flow: { id, client: { ip: '127.0.0.1', port: clientPort }, server: { ip: '127.0.0.1', port: serverPort } } });
      session.nextCallId = () => nextId++;
      const origEmit = session.emit.bind(session);
      session.emit = (call) => {
        origEmit(call);
        calls.push(call);
        onCall?.(call);
      };
      c = { dec: spec.create(session) as StreamDecoder, session, next: { c2s: -1, s2c: -1 }, clientPort, last: { frame: p.frame, tsUs: p.tsUs, streamOffset: 0 } };
      conns.set(key, c);
    }
    const syn = (flags & 2) !== 0;
    if (syn) {
      c.next[dir] = (seq + 1) >>> 0;
      continue;
    }
    if (c.next[dir] < 0) c.next[dir] = seq;
    if (payload.length) {
      const rel = (seq - c.next[dir]) | 0;
      if (rel + payload.length <= 0) continue; // retransmission
      const fresh = rel < 0 ? payload.subarray(-rel) : payload;
      const base = (c as unknown as Record<string, number>)[`off_${dir}`] ?? 0;
      const at: Position = { frame: p.frame, tsUs: p.tsUs, streamOffset: base };
      c.dec.data(dir, fresh, at);
      (c as unknown as Record<string, number>)[`off_${dir}`] = base + fresh.length;
      c.next[dir] = (c.next[dir] + fresh.length + Math.max(0, rel)) >>> 0;
      c.last = at;
    }
  }
  for (const c of conns.values()) {
    c.dec.end('c2s', c.last);
    c.dec.end('s2c', c.last);
    c.dec.close(c.last);
    warnings.push(...c.session.warnings);
  }
  return { calls, warnings };
}

/** One line per call, for eyeballing. */
export function table(calls: Call[]): string {
  return calls
    .map((c) => `${c.id}\tf${c.flowId}\t${c.kind}\t${c.method}\t${c.target ?? ''}\t${c.status ? `${c.status.code}${c.status.ok ? '' : '!'}` : ''}\t${c.state}\t${c.fields['msg.key'] ?? ''}\t${c.links ? JSON.stringify(c.links) : ''}\t${c.warnings.join('; ')}`)
    .join('\n');
}

if (process.argv[1] && process.argv[1].endsWith('replay.ts') && process.argv[2]) {
  const [, , file, id, portList] = process.argv;
  const spec = decoderById(id)!;
  const out: Call[] = [];
  const fc = new FlowCorrelator({ emit: (c) => out.push(c) });
  const r = replay(file, spec, (portList ?? String(spec.ports?.[0])).split(',').map(Number), (c) => fc.add(c));
  fc.flush();
  console.log(table(process.env.RAW ? r.calls : out));
  if (r.warnings.length) console.log('flow warnings:', r.warnings);
}
