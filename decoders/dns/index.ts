/**
 * DNS — RFC 1035 §4 messages over UDP (§4.2.1) and over TCP with the 2-byte length prefix
 * (§4.2.2, RFC 7766 §8); name compression (§4.1.4), EDNS(0) (RFC 6891), SRV (RFC 2782), SVCB/HTTPS
 * (RFC 9460); mDNS (RFC 6762) on port 5353.
 *
 * Reached by port 53 (UDP and TCP) and 5353 (UDP), or by a probe on any port: over UDP a first
 * datagram that parses whole as a DNS message with a plausible header and question; over TCP a
 * length prefix followed by such a header and a first question. Decode-as (`udp.port==N,dns`,
 * `tcp.port==N,dns`) works for both transports with either spec. Hands off to nothing.
 *
 * One call per query and its response (see calls.ts for the pairing, retransmissions, zone
 * transfers and multicast): protocol `dns`, method the QTYPE (`A`, `AAAA`, `SRV`…; the opcode for
 * NOTIFY/UPDATE), target the QNAME, status the RCODE (NOERROR ok; NXDOMAIN, SERVFAIL… not ok),
 * request/response values with the header flags, questions, records (name, type, ttl, data) and
 * EDNS; fields in Wireshark's vocabulary (`dns.qry.name`, `dns.flags.rcode`, `dns.a`…).
 */
import type { CloseReason, DatagramDecoder, DecoderSession, DecoderSpec, Position, ProbeResult, StreamDecoder } from '../core/decoder';
import type { Dir } from '../core/model';
import { be16 } from '../core/bytes';
import { DnsCalls, isMulticastOrBroadcast } from './calls';
import { knownOpcode, plausibleQclass, plausibleQtype } from './names';
import { HEADER_BYTES, parseHeader, parseMessage, readName, type DnsHeader } from './wire';

const DNS_PORT = 53;
const MDNS_PORT = 5353;
/** Warnings about the flow itself (not about a call) kept per decoder. */
const MAX_FLOW_WARNINGS = 8;

function callsFor(session: DecoderSession, transport: 'udp' | 'tcp'): DnsCalls {
  const f = session.flow;
  return new DnsCalls(session, {
    transport,
    mdns: f.client.port === MDNS_PORT || f.server.port === MDNS_PORT,
    // mDNS between two 5353 ports is a multicast conversation answered by unicast (RFC 6762 §5.4,
    // §6): the query went to the group, on another flow.
    multicast:
      transport === 'udp' &&
      (isMulticastOrBroadcast(f.server.ip) || isMulticastOrBroadcast(f.client.ip) || (f.client.port === MDNS_PORT && f.server.port === MDNS_PORT)),
  });
}

// ── UDP ───────────────────────────────────────────────────────────────────────────────────────

class DnsUdpDecoder implements DatagramDecoder {
  private readonly calls: DnsCalls;
  private warned = 0;

  constructor(private readonly session: DecoderSession) {
    this.calls = callsFor(session, 'udp');
  }

  datagram(dir: Dir, bytes: Uint8Array, at: Position): void {
    const msg = parseMessage(bytes, { mdns: this.calls.mdns, maxRecords: this.calls.recordLimit });
    if (!msg) {
      this.calls.expire(at.tsUs);
      if (this.warned++ < MAX_FLOW_WARNINGS) this.session.warn(`a ${bytes.length}-byte datagram is too short for a DNS header (12 bytes)`, at);
      return;
    }
    this.calls.message({ msg, dir, start: at, end: at, wire: bytes.length });
  }

  close(at: Position, how?: CloseReason): void {
    this.calls.close(at, how);
  }
}

// ── TCP ───────────────────────────────────────────────────────────────────────────────────────

/** One direction of a TCP connection: the message being assembled (length prefix included). */
class Direction {
  buf = new Uint8Array(512);
  have = 0;
  /** Where the buffered message started. */
  start: Position | undefined;
  /** Bytes still to drop after a gap inside a message of known length. */
  skip = 0;
  /** Framing lost (a gap hid a length prefix): nothing more is decoded in this direction. */
  lost = false;

  /** Bytes of the whole framed message, once the prefix is known. */
  need(): number {
    return this.have < 2 ? 2 : 2 + be16(this.buf, 0);
  }

  append(bytes: Uint8Array, from: number, n: number): void {
    if (this.have + n > this.buf.length) {
      // A message is at most 2 + 65535 bytes: the buffer never grows past that.
      const nb = new Uint8Array(Math.min(2 + 65535, Math.max(this.buf.length * 2, this.have + n)));
      nb.set(this.buf.subarray(0, this.have));
      this.buf = nb;
    }
    this.buf.set(bytes.subarray(from, from + n), this.have);
    this.have += n;
  }

  reset(): void {
    this.have = 0;
    this.start = undefined;
    if (this.buf.length > 4096) this.buf = new Uint8Array(512);
  }
}

class DnsTcpDecoder implements StreamDecoder {
  private readonly calls: DnsCalls;
  private readonly dirs: Record<Dir, Direction> = { c2s: new Direction(), s2c: new Direction() };
  private warned = 0;

  constructor(private readonly session: DecoderSession) {
    this.calls = callsFor(session, 'tcp');
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    const d = this.dirs[dir];
    let off = 0;
    while (off < bytes.length && !d.lost) {
      if (d.skip > 0) {
        const n = Math.min(d.skip, bytes.length - off);
        d.skip -= n;
        off += n;
        continue;
      }
      if (d.have === 0) d.start = { frame: at.frame, tsUs: at.tsUs, streamOffset: at.streamOffset + off };
      const n = Math.min(d.need() - d.have, bytes.length - off);
      d.append(bytes, off, n);
      off += n;
      if (d.have === 2 && d.need() === 2) {
        this.warn('a zero length prefix (RFC 1035 §4.2.2)', d.start!);
        d.reset();
        continue;
      }
      if (d.have >= 2 && d.have === d.need()) {
        const end = { frame: at.frame, tsUs: at.tsUs, streamOffset: at.streamOffset + off - 1 };
        this.complete(dir, d, end, 0);
      }
    }
  }

  gap(dir: Dir, length: number, at: Position): void {
    const d = this.dirs[dir];
    if (d.lost) return;
    if (d.skip > 0) {
      if (length <= d.skip) {
        d.skip -= length;
        return;
      }
      d.skip = 0;
      return this.lose(dir, d, at);
    }
    if (d.have >= 2) {
      // Inside a message whose length is known: report what was captured, skip the rest.
      const missing = d.need() - d.have;
      if (length <= missing) {
        d.skip = missing - length;
        this.complete(dir, d, at, missing);
        return;
      }
      this.complete(dir, d, at, missing);
    }
    this.lose(dir, d, at);
  }

  end(dir: Dir, at: Position): void {
    const d = this.dirs[dir];
    if (d.lost || d.have === 0) return;
    if (d.have >= 2) this.complete(dir, d, at, d.need() - d.have);
    else {
      this.warn('the connection ended inside a length prefix', at);
      d.reset();
    }
  }

  close(at: Position, how?: CloseReason): void {
    this.calls.close(at, how);
  }

  private lose(dir: Dir, d: Direction, at: Position): void {
    d.reset();
    d.lost = true;
    this.warn(`${dir === 'c2s' ? 'client' : 'server'} direction: a gap hid a length prefix; the rest of this direction is not decoded`, at);
  }

  /** The buffered message is whole (`cut` = 0) or ends here with `cut` bytes never captured. */
  private complete(dir: Dir, d: Direction, end: Position, cut: number): void {
    const start = d.start ?? end;
    const body = d.buf.subarray(2, d.have);
    const msg = parseMessage(body, { maxRecords: this.calls.recordLimit });
    const wire = d.have + cut;
    d.reset();
    if (!msg) {
      this.warn(`a ${body.length + cut}-byte message${cut ? ` (${cut} bytes not captured)` : ''} is too short for a DNS header`, start);
      return;
    }
    this.calls.message({ msg, dir, start, end, wire, cut: cut || undefined });
  }

  private warn(text: string, at: Position): void {
    if (this.warned++ < MAX_FLOW_WARNINGS) this.session.warn(text, at);
  }
}

// ── probes ────────────────────────────────────────────────────────────────────────────────────

/** A header a DNS speaker could send: known opcode, Z clear, counts that fit in `length` bytes. */
function plausibleHeader(h: DnsHeader, length: number): boolean {
  if (!knownOpcode(h.opcode) || h.z) return false;
  if (!h.qr && h.rcode !== 0) return false;
  if (h.qdcount > 32) return false;
  // Every question takes at least 5 bytes, every record 11.
  return HEADER_BYTES + h.qdcount * 5 + (h.ancount + h.nscount + h.arcount) * 11 <= length;
}

/**
 * A NetBIOS name (RFC 1002 §4.1, first-level encoding): one 32-letter label of `A`–`P`, each
 * pair a byte of the padded 16-byte name. NBNS (UDP/TCP 137) has DNS's message format but is not
 * DNS: its flows are left to the raw list rather than shown as DNS calls for `FHEPFCELEHFC…`.
 */
const NETBIOS_NAME = /^[A-P]{32}(\.|$)/;

/** UDP: the first datagram parses whole as DNS, with a question or an answer of plausible type and class. */
export function probeUdp(head: Uint8Array): ProbeResult {
  const h = parseHeader(head);
  if (!h || !plausibleHeader(h, head.length)) return 'reject';
  const m = parseMessage(head, { mdns: true, maxRecords: 64 });
  if (!m || !m.whole || m.warnings.length) return 'need-more';
  if (!m.questions.length && !m.answers.length) return 'need-more';
  if (NETBIOS_NAME.test(m.questions[0]?.name ?? m.answers[0]?.name ?? '')) return 'reject';
  for (const q of m.questions) if (!plausibleQtype(q.type) || !plausibleQclass(q.class | (q.unicastResponse ? 0x8000 : 0))) return 'need-more';
  return 'accept';
}

/**
 * TCP: a length prefix, then a plausible header and a first question of plausible type and class
 * (a whole message that parses cleanly when all of it is there).
 */
export function probeTcp(head: Uint8Array): ProbeResult {
  if (head.length < 2) return 'need-more';
  const len = be16(head, 0);
  if (len < HEADER_BYTES + 5) return 'reject';
  const body = head.subarray(2, 2 + len);
  if (body.length < HEADER_BYTES) {
    // What the header's first fields already say (RFC 1035 §4.1.1): a known opcode, Z clear, no
    // error code on a query, 1–32 questions. (VNC's `RFB 004.001\n` reads as a 21062-byte message
    // whose question count is 0x342e; when a gap followed, the lone undecided probe took the flow.)
    if (body.length >= 4) {
      const f = be16(body, 2);
      if (!knownOpcode((f >> 11) & 0xf) || f & 0x40 || (!(f & 0x8000) && (f & 0xf) !== 0)) return 'reject';
    }
    if (body.length >= 6) {
      const qd = be16(body, 4);
      if (qd === 0 || qd > 32) return 'reject';
    }
    return 'need-more';
  }
  const h = parseHeader(body)!;
  if (!plausibleHeader(h, len) || h.qdcount === 0) return 'reject';
  if (body.length === len) return probeUdp(body) === 'accept' ? 'accept' : 'reject';
  const q = readName(body, HEADER_BYTES);
  if (NETBIOS_NAME.test(q.name)) return 'reject';
  if (q.error && !/past the end|cut by the end/.test(q.error)) return 'reject';
  if (q.error || q.next + 4 > body.length) {
    // Cut inside the first question: a whole host-name label already is a good sign (and may be
    // all that a snaplen leaves of the segment).
    return q.name !== '.' && /^[A-Za-z0-9_-]{1,63}(\.|$)/.test(q.name) ? 'accept' : 'need-more';
  }
  const type = be16(body, q.next);
  const cls = be16(body, q.next + 2);
  return plausibleQtype(type) && plausibleQclass(cls) ? 'accept' : 'reject';
}

function create(session: DecoderSession): StreamDecoder | DatagramDecoder {
  // One spec may be chosen for the other transport by a decode-as rule: follow the flow.
  return session.flow.transport === 'tcp' ? new DnsTcpDecoder(session) : new DnsUdpDecoder(session);
}

/** DNS over UDP (and mDNS). */
export const spec: DecoderSpec = {
  id: 'dns',
  name: 'DNS',
  transport: 'udp',
  ports: [DNS_PORT, MDNS_PORT],
  probe: (head) => probeUdp(head),
  probeOrder: 90,
  create,
};

/** DNS over TCP (same id: a flow is `dns` whichever transport carried it). */
export const tcpSpec: DecoderSpec = {
  id: 'dns',
  name: 'DNS over TCP',
  transport: 'tcp',
  ports: [DNS_PORT],
  probe: (head) => probeTcp(head),
  // After the protocols with a signature, before HTTP/2's mid-connection guess (150): a DNS length
  // prefix then a header and question that parse is more specific than "plausible frames", and an
  // HTTP/2 or Kafka stream (a 3- or 4-byte length starting 00 00) is a zero DNS length here.
  probeOrder: 140,
  create,
};
