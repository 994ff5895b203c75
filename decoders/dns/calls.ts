/**
 * DNS messages → calls, shared by the UDP and TCP decoders.
 *
 * A query and its response are one call, paired by the flow (client address and port), the DNS ID
 * and the question (RFC 1035 §7.3: "the ID and question must match"; RFC 5452 §9.1), names compared
 * case-insensitively (RFC 4343, resolvers that randomise the case with "0x20" echo it back anyway).
 * A response with no question (FORMERR, NOTIMP from some servers) pairs by ID alone.
 *
 * - The same query sent again (same ID and question) before an answer is a retransmission: it is
 *   counted on the first one's call (`dns.retransmissions`), which keeps the first send's time.
 * - A response nobody asked for in the capture is an `incomplete` call; a second response to a
 *   query already answered says so.
 * - A query left without an answer is reported `pending` with "no response" and the number of
 *   sends: over UDP once it has waited QUERY_TIMEOUT_US of capture time or at the end of the flow;
 *   over TCP at the end of the connection (`aborted` when it closed with FIN/RST).
 * - A zone transfer (AXFR/IXFR over TCP, RFC 5936 §2.2) may span several response messages with
 *   the query's ID: one `server-stream` call whose answers are joined, finished by the closing SOA.
 * - Multicast (mDNS, RFC 6762; LLMNR): a query sent to a group is answered by any number of
 *   responders, each to the group or by unicast from its own address — other flows — and with ID
 *   zero (RFC 6762 §18.1), so nothing can be paired: a multicast query is a `oneway` call, a
 *   response or announcement sent to a group an `event` call; so is a unicast response from port
 *   5353 to port 5353 (the answer to a question asked on the group with the QU bit, §5.4). Unicast
 *   queries from another port to port 5353 (§5.1 one-shot queries) pair like any DNS query.
 */
import type { CloseReason, DecoderSession, Position } from '../core/decoder';
import type { Call, Dir } from '../core/model';
import { leftWaiting } from '../calls/ended';
import { typeName, rcodeName, opcodeName } from './names';
import { ednsValue, headerFlags, nameKey, questionValue, recordValue, type DnsMessage, type ResourceRecord } from './wire';

/** A UDP query unanswered for this long (capture time) is reported as having no response. */
export const QUERY_TIMEOUT_US = 30_000_000;
/** Queries waiting for an answer per flow; the oldest is given up beyond it. */
const MAX_PENDING = 1024;
/** Keys of answered queries remembered to recognise a duplicate response. */
const MAX_ANSWERED = 256;
/** Longest value of a joined field (`dns.a`, `dns.txt`…). */
const MAX_FIELD_CHARS = 1024;
const MAX_FRAMES = 64;
/** Messages listed on a zone transfer call. */
const MAX_TRANSFER_MESSAGES = 256;

export interface DnsCallsOptions {
  transport: 'udp' | 'tcp';
  /** Either end uses port 5353 (mDNS). */
  mdns: boolean;
  /** Either end is a multicast or broadcast address (or mDNS port to port): queries and responses are not paired. */
  multicast: boolean;
}

interface Pending {
  call: Call;
  key: string;
  id: number;
  firstUs: number;
  sends: number;
  qtype: number;
}

interface Transfer {
  call: Call;
  id: number;
  answers: unknown[];
  kept: number;
  total: number;
  soaSeen: number;
}

/** One DNS message as a decoder saw it. */
export interface Seen {
  msg: DnsMessage;
  dir: Dir;
  /** Position of its first and last byte. */
  start: Position;
  end: Position;
  /** Bytes on the wire (TCP: with the 2-byte length). */
  wire: number;
  /** Bytes missing from the end of the message (a gap or the end of the stream). */
  cut?: number;
}

export function isMulticastOrBroadcast(ip: string): boolean {
  if (ip.includes(':')) return ip.toLowerCase().startsWith('ff');
  const first = Number(ip.slice(0, ip.indexOf('.')));
  return (first >= 224 && first <= 239) || ip === '255.255.255.255';
}

function questionKey(m: DnsMessage): string {
  let k = String(m.header.id);
  for (const q of m.questions) k += `|${nameKey(q.name)}/${q.type}/${q.class}`;
  return k;
}

function joinField(values: string[]): string | undefined {
  if (!values.length) return undefined;
  const s = values.join(', ');
  return s.length > MAX_FIELD_CHARS ? s.slice(0, MAX_FIELD_CHARS - 1) + '…' : s;
}

function addFrame(call: Call, frame: number): void {
  if (call.frames.length < MAX_FRAMES && call.frames[call.frames.length - 1] !== frame) call.frames.push(frame);
}

export class DnsCalls {
  /** Queries waiting for an answer, oldest first; undefined while none (most flows carry one lookup). */
  private pending: Map<string, Pending> | undefined;
  /**
   * Hashes of the keys of the last answered queries, oldest first: small integers, not the key
   * strings (a flow of a host that reuses its ports for one lookup each holds up to 256 of them, and
   * tens of thousands of such flows can be open; a collision only turns the note on a response
   * without its query into 'duplicate response').
   */
  private answered: number[] = [];
  private transfer: Transfer | undefined;
  private readonly maxRecords: number;

  constructor(
    private readonly session: DecoderSession,
    private readonly opts: DnsCallsOptions,
  ) {
    this.maxRecords = Math.max(1, Math.min(session.env.limits.maxMessagesPerCall, 1000));
  }

  get recordLimit(): number {
    return this.maxRecords;
  }

  /** Either end uses port 5353: the top bit of CLASS is mDNS's (unicast-response / cache-flush). */
  get mdns(): boolean {
    return this.opts.mdns;
  }

  /** A parsed message: a query (QR=0) or a response (QR=1). */
  message(s: Seen): void {
    if (this.opts.transport === 'udp') this.expire(s.start.tsUs);
    if (this.opts.multicast) return this.multicast(s);
    if (!s.msg.header.qr) this.query(s);
    else this.response(s);
  }

  /** UDP: give up on queries first sent more than QUERY_TIMEOUT_US before `nowUs`. */
  expire(nowUs: number): void {
    const pending = this.pending;
    if (!pending) return;
    for (const p of pending.values()) {
      if (nowUs - p.firstUs <= QUERY_TIMEOUT_US) break;
      this.settle(p);
      this.noResponse(p, `within ${QUERY_TIMEOUT_US / 1e6} s`);
    }
  }

  /** A pending query is answered or given up: forget it (and the map with the last one). */
  private settle(p: Pending): void {
    const pending = this.pending!;
    pending.delete(p.key);
    if (pending.size === 0) this.pending = undefined;
  }

  close(_at: Position, how?: CloseReason): void {
    const ended = this.opts.transport === 'tcp' && (how === 'fin' || how === 'rst');
    if (this.transfer) this.finishTransfer(ended ? 'the connection closed before the zone transfer ended' : 'the zone transfer had not ended when the capture did', ended ? 'aborted' : 'incomplete');
    for (const p of this.pending?.values() ?? []) {
      if (ended) {
        // The connection is gone: the answer will never come.
        const w = leftWaiting(how, 'response', '');
        p.call.state = w.state;
        p.call.warnings.push(this.sendsNote(w.warning, p.sends));
        this.session.emit(p.call);
      } else this.noResponse(p, 'in the capture');
    }
    this.pending = undefined;
  }

  // ── queries and responses ─────────────────────────────────────────────────────────────────

  private query(s: Seen): void {
    const key = questionKey(s.msg);
    const again = this.pending?.get(key);
    if (again) {
      again.sends++;
      again.call.fields['dns.retransmissions'] = again.sends - 1;
      again.call.timing.requestEndUs = s.end.tsUs;
      addFrame(again.call, s.start.frame);
      addFrame(again.call, s.end.frame);
      return;
    }
    if (this.pending && this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.values().next().value as Pending;
      this.settle(oldest);
      this.noResponse(oldest, `(more than ${MAX_PENDING} queries outstanding on this flow)`);
    }
    const call = this.newCall(s, 'c2s');
    this.fillRequest(call, s);
    call.state = 'pending';
    const q = s.msg.questions[0];
    (this.pending ??= new Map()).set(key, { call, key, id: s.msg.header.id, firstUs: s.start.tsUs, sends: 1, qtype: q ? q.type : -1 });
  }

  private response(s: Seen): void {
    const m = s.msg;
    const t = this.transfer;
    if (t && m.header.id === t.id && (m.questions.length === 0 || this.sameQuestion(t.call, m))) return this.continueTransfer(s);
    if (t) this.finishTransfer('the zone transfer was interrupted by another response');
    const key = questionKey(m);
    let p = this.pending?.get(key);
    // No question to compare on one side (a FORMERR without one, a message cut inside it): the ID.
    if (!p) {
      for (const x of this.pending?.values() ?? []) {
        if (x.id === m.header.id && (m.questions.length === 0 || x.qtype < 0)) {
          p = x;
          break;
        }
      }
    }
    if (!p) return this.orphan(s, this.answered.includes(keyHash(key)));
    this.settle(p);
    this.remember(p.key);
    const call = p.call;
    this.fillResponse(call, s);
    call.state = 'complete';
    if (this.opts.transport === 'tcp' && (p.qtype === 252 || p.qtype === 251) && m.rcode === 0 && !this.transferEnds(m.answers, 0)) {
      // A zone transfer continues in the next messages (RFC 5936 §2.2).
      call.kind = 'server-stream';
      const answers = (call.response!.value as Record<string, unknown>).answers as unknown[];
      this.transfer = { call, id: m.header.id, answers, kept: answers.length, total: m.header.ancount, soaSeen: m.answers.filter((a) => a.type === 6).length };
      call.messages = [this.transferMessage(s, 0)];
      return;
    }
    this.session.emit(call);
  }

  private orphan(s: Seen, duplicate: boolean): void {
    const call = this.newCall(s, 's2c');
    this.describe(call, s.msg);
    call.timing = { startUs: s.start.tsUs, responseStartUs: s.start.tsUs, endUs: s.end.tsUs };
    call.frames = [s.start.frame];
    addFrame(call, s.end.frame);
    this.fillResponse(call, s);
    call.state = 'incomplete';
    call.warnings.unshift(duplicate ? 'duplicate response: this query was already answered' : 'response without its query in the capture');
    this.session.emit(call);
  }

  private multicast(s: Seen): void {
    const m = s.msg;
    // The sender is the client; the group it sent to is the server.
    const call = this.newCall(s, 'c2s');
    if (!m.header.qr) {
      this.fillRequest(call, s);
      call.kind = 'oneway';
      call.timing.endUs = s.end.tsUs;
    } else {
      this.describe(call, m);
      call.kind = 'event';
      call.timing = { startUs: s.start.tsUs, endUs: s.end.tsUs };
      this.fillResponse(call, s, true);
    }
    call.state = 'complete';
    this.session.emit(call);
  }

  private noResponse(p: Pending, when: string): void {
    p.call.state = 'pending';
    p.call.warnings.push(this.sendsNote(`no response ${when}`, p.sends));
    this.session.emit(p.call);
  }

  private sendsNote(text: string, sends: number): string {
    return sends > 1 ? `${text} (query sent ${sends} times)` : text;
  }

  private remember(key: string): void {
    const a = this.answered;
    const h = keyHash(key);
    const i = a.indexOf(h);
    if (i >= 0) a.splice(i, 1);
    a.push(h);
    if (a.length > MAX_ANSWERED) a.shift();
  }

  private sameQuestion(call: Call, m: DnsMessage): boolean {
    const q = m.questions[0];
    return nameKey(q.name) === nameKey(String(call.fields['dns.qry.name'] ?? '')) && q.type === call.fields['dns.qry.type'];
  }

  // ── zone transfers ────────────────────────────────────────────────────────────────────────

  /** AXFR ends with the SOA it started with (RFC 5936 §2.2); an IXFR "up to date" answer is one SOA. */
  private transferEnds(answers: ResourceRecord[], soaBefore: number): boolean {
    if (!answers.length) return false;
    const soas = soaBefore + answers.filter((a) => a.type === 6).length;
    return answers[answers.length - 1].type === 6 && (soas >= 2 || (soaBefore === 0 && answers.length === 1));
  }

  private transferMessage(s: Seen, index: number) {
    return { dir: s.dir, index, tsUs: s.end.tsUs, size: s.msg.size, frame: s.end.frame, label: `${s.msg.answers.length} records` };
  }

  private continueTransfer(s: Seen): void {
    const t = this.transfer!;
    const call = t.call;
    const m = s.msg;
    const before = t.soaSeen;
    for (const rr of m.answers) {
      if (t.kept < this.maxRecords) {
        t.answers.push(recordValue(rr));
        t.kept++;
      }
      if (rr.type === 6) t.soaSeen++;
    }
    t.total += m.header.ancount;
    call.fields['dns.count.answers'] = t.total;
    call.timing.endUs = s.end.tsUs;
    addFrame(call, s.start.frame);
    addFrame(call, s.end.frame);
    if (call.response) call.response.wireBytes = (call.response.wireBytes ?? 0) + s.wire;
    if (call.messages && call.messages.length < MAX_TRANSFER_MESSAGES) call.messages.push(this.transferMessage(s, call.messages.length));
    for (const w of m.warnings) call.warnings.push(`response: ${w}`);
    if (m.rcode !== 0) {
      call.status = { code: m.rcode, text: rcodeName(m.rcode), ok: false };
      call.fields['dns.flags.rcode'] = m.rcode;
      return this.finishTransfer(undefined);
    }
    if (this.transferEnds(m.answers, before)) this.finishTransfer(undefined);
  }

  private finishTransfer(warning: string | undefined, state: 'incomplete' | 'aborted' = 'incomplete'): void {
    const t = this.transfer;
    if (!t) return;
    this.transfer = undefined;
    if (t.total > t.kept) t.call.warnings.push(`${t.total - t.kept} records of the transfer not listed (limit ${this.maxRecords})`);
    if (warning) {
      t.call.state = state;
      t.call.warnings.push(warning);
    }
    this.session.emit(t.call);
  }

  // ── building calls ────────────────────────────────────────────────────────────────────────

  /** A call on this flow; `senderIs` says which role the sender of `s` plays. */
  private newCall(s: Seen, senderIs: Dir): Call {
    const call = this.session.newCall('dns', s.start);
    if (s.dir !== senderIs) {
      const f = this.session.flow;
      call.client = f.server;
      call.server = f.client;
    }
    if (s.end.frame !== s.start.frame) addFrame(call, s.end.frame);
    return call;
  }

  /** Method, target and question fields of a call from a message. */
  private describe(call: Call, m: DnsMessage): void {
    const q = m.questions[0];
    const f = call.fields;
    if (m.header.opcode !== 0) {
      call.method = opcodeName(m.header.opcode);
      f['dns.flags.opcode'] = m.header.opcode;
    } else if (q) call.method = typeName(q.type);
    else if (m.header.qr && m.answers.length) call.method = typeName(m.answers[0].type);
    else call.method = 'QUERY';
    const target = q ? q.name : m.cutQuestion !== undefined ? m.cutQuestion : m.header.qr && m.answers.length ? m.answers[0].name : undefined;
    if (target !== undefined) call.target = target;
    f['dns.id'] = m.header.id;
    if (q) {
      f['dns.qry.name'] = q.name;
      f['dns.qry.type'] = q.type;
      f['dns.qry.class'] = q.class;
      if (q.unicastResponse) f['dns.qry.qu'] = true;
    }
    if (m.header.qdcount !== 1) f['dns.count.queries'] = m.header.qdcount;
    if (this.opts.mdns) f['mdns'] = true;
  }

  private fillRequest(call: Call, s: Seen): void {
    const m = s.msg;
    this.describe(call, m);
    call.timing = { startUs: s.start.tsUs, requestEndUs: s.end.tsUs };
    const v: Record<string, unknown> = { id: m.header.id };
    if (m.header.opcode !== 0) v.opcode = opcodeName(m.header.opcode);
    v.flags = headerFlags(m.header);
    v.questions = m.questions.map(questionValue);
    if (m.answers.length) v.answers = m.answers.map(recordValue);
    if (m.authority.length) v.authority = m.authority.map(recordValue);
    if (m.additional.length) v.additional = m.additional.map(recordValue);
    if (m.edns) {
      v.edns = ednsValue(m.edns);
      call.fields['dns.rr.udp_payload_size'] = m.edns.udpPayloadSize;
      call.fields['dns.resp.z.do'] = m.edns.do;
    }
    call.request = { value: v, wireBytes: s.wire };
    this.messageWarnings(call, s, 'query');
  }

  private fillResponse(call: Call, s: Seen, standalone = false): void {
    const m = s.msg;
    const h = m.header;
    const f = call.fields;
    if (!standalone) {
      call.timing.responseStartUs = s.start.tsUs;
      call.timing.endUs = s.end.tsUs;
      addFrame(call, s.start.frame);
      addFrame(call, s.end.frame);
    }
    // A query cut inside its question: the answer's copy of the question names the call.
    if (!standalone && call.request && f['dns.qry.name'] === undefined && m.questions.length) this.describe(call, m);
    const v: Record<string, unknown> = { id: h.id };
    if (h.opcode !== 0) v.opcode = opcodeName(h.opcode);
    v.flags = headerFlags(h);
    v.rcode = rcodeName(m.rcode);
    if (call.request === undefined && m.questions.length) v.questions = m.questions.map(questionValue);
    v.answers = m.answers.map(recordValue);
    if (m.authority.length) v.authority = m.authority.map(recordValue);
    if (m.additional.length) v.additional = m.additional.map(recordValue);
    if (m.edns) v.edns = ednsValue(m.edns);
    call.response = { value: v, wireBytes: s.wire };
    call.status = { code: m.rcode, text: rcodeName(m.rcode), ok: m.rcode === 0 };
    if (f['dns.id'] !== h.id) f['dns.id'] = h.id;
    f['dns.flags.rcode'] = m.rcode;
    f['dns.flags.truncated'] = h.tc;
    f['dns.flags.authoritative'] = h.aa;
    f['dns.count.answers'] = h.ancount;
    f['dns.count.auth_rr'] = h.nscount;
    f['dns.count.add_rr'] = h.arcount;
    if (m.edns && m.edns.extendedRcode) f['dns.resp.ext_rcode'] = m.edns.extendedRcode;
    const ede = m.edns?.options.find((o) => o.code === 15)?.value as { code?: number; text?: string } | undefined;
    if (ede && typeof ede === 'object' && ede.code !== undefined) {
      // RFC 8914: why the server failed or filtered, beyond the RCODE.
      f['dns.opt.ext_error.info_code'] = ede.code;
      if (ede.text) f['dns.opt.ext_error.extra_text'] = ede.text;
    }
    this.answerFields(call, m.answers);
    if (h.tc) {
      if (this.opts.transport === 'udp') {
        const asked = call.fields['dns.rr.udp_payload_size'];
        const limit = call.request ? (typeof asked === 'number' ? `the client's ${asked}-byte EDNS limit` : 'the 512 bytes of UDP without EDNS') : 'one datagram';
        call.warnings.push(`truncated (TC): the answer did not fit in ${limit}; the client should ask again over TCP (RFC 7766 §5)`);
      } else call.warnings.push('truncated (TC) over TCP (RFC 7766 §8: a TCP answer should never be)');
    }
    this.messageWarnings(call, s, 'response');
  }

  private answerFields(call: Call, answers: ResourceRecord[]): void {
    const by = (type: number) => answers.filter((a) => a.type === type).map((a) => a.data);
    const text = (type: number) => by(type).map((d) => (Array.isArray(d) ? d.join(' ') : d));
    const after = (type: number, words: number) => text(type).map((d) => d.split(' ').slice(words).join(' '));
    const set = (name: string, values: string[]) => {
      const v = joinField(values);
      if (v !== undefined) call.fields[name] = v;
    };
    set('dns.a', text(1));
    set('dns.aaaa', text(28));
    set('dns.cname', text(5));
    set('dns.ns', text(2));
    set('dns.ptr.domain_name', text(12));
    set('dns.mx.mail_exchange', after(15, 1));
    set('dns.srv.target', after(33, 3));
    set('dns.srv.port', text(33).map((d) => d.split(' ')[2] ?? ''));
    set('dns.txt', by(16).flatMap((d) => (Array.isArray(d) ? d : [d])));
    const svcb = answers.filter((a) => a.type === 64 || a.type === 65).map((a) => String(a.data));
    set('dns.svcb.targetname', svcb.map((d) => d.split(' ')[1] ?? ''));
    const alpn = svcb.map((d) => /(?:^| )alpn=(\S+)/.exec(d)?.[1]).filter((x): x is string => x !== undefined);
    set('dns.svcb.svcparam.alpn', alpn);
  }

  private messageWarnings(call: Call, s: Seen, what: 'query' | 'response'): void {
    if (s.cut) call.warnings.push(`${what} cut: ${s.cut} bytes of the message were not captured`);
    else for (const w of s.msg.warnings) call.warnings.push(`${what}: ${w}`);
    if (s.msg.dropped) call.warnings.push(`${what}: ${s.msg.dropped} records not listed (limit ${this.maxRecords})`);
  }
}

/** FNV-1a of a question key, 30 bits (a small integer in V8: no heap number per entry). */
function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}
