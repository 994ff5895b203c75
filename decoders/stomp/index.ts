/**
 * STOMP 1.0, 1.1 and 1.2 (stomp.github.io specifications), reached on port 61613 or by probe on
 * a CONNECT / STOMP frame.
 *
 * Frames: command line, header lines, blank line, body, NUL. EOL is LF or CRLF; EOLs between
 * frames are heart-beats. The body is `content-length` bytes when that header is present,
 * otherwise everything up to the first NUL. Header values are unescaped (1.1: \n \c \\;
 * 1.2 adds \r) except in CONNECT and CONNECTED frames; the first of repeated headers wins.
 *
 * Calls: CONNECT/STOMP → CONNECTED (or ERROR) = 'unary'; any client frame with a `receipt`
 * header → paired with its RECEIPT (or an ERROR naming it) = 'unary'; SEND → 'publish';
 * MESSAGE → 'deliver', held until its ACK/NACK when the subscription acknowledges (client /
 * client-individual); ERROR → error status (an ERROR without receipt-id that quotes the destination of a
 * SEND fails that SEND, of a SUBSCRIBE links to it); other frames → 'oneway' / 'event'.
 *
 * Capture gaps (snaplen, loss; see gap()): a frame cut by a gap keeps its command, whole header lines
 * and body head; with a content-length framing resumes at its end, otherwise at the next command line
 * after the gap or after a NUL.
 */
import type { CloseReason, DecoderSpec, DecoderSession, Position, StreamDecoder } from '../core/decoder';
import { leftWaiting } from '../calls/ended';
import type { Call, Dir, HeaderList } from '../core/model';
import { latin1Text, utf8Text } from '../core/bytes';
import { header } from '../core/handoff';
import { DirStream, addFrames } from '../calls/stream';
import { PayloadBuffer, payloadBody } from '../calls/payload';
import { GapNotes } from '../core/gap-notes';
import { rolesBackwards, type Side } from '../core/roles';

const CLIENT_COMMANDS = ['CONNECT', 'STOMP', 'SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'BEGIN', 'COMMIT', 'ABORT', 'ACK', 'NACK', 'DISCONNECT'];
const SERVER_COMMANDS = ['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR'];
const MAX_HELD = 10000;
/** SENDs without a receipt remembered for an ERROR that names one by its destination. */
const RECENT_SENDS = 64;
/** Bytes looked at per data event while resynchronising after a gap. */
const RESYNC_WINDOW = 64 * 1024;
const LONGEST_COMMAND = 'UNSUBSCRIBE'.length;

export function probeStomp(head: Uint8Array): 'accept' | 'reject' | 'need-more' {
  let i = 0;
  while (i < head.length && (head[i] === 0x0a || head[i] === 0x0d)) i++;
  const text = latin1Text(head.subarray(i, i + 10));
  for (const cmd of ['CONNECT', 'STOMP']) {
    if (text.length < cmd.length + 1) {
      if (cmd.startsWith(text) || text.startsWith(cmd.slice(0, text.length))) return 'need-more';
      continue;
    }
    if (text.startsWith(cmd) && (text[cmd.length] === '\n' || text[cmd.length] === '\r')) return 'accept';
  }
  return 'reject';
}

/**
 * A head that starts mid-connection: after heart-beat EOLs, any command line of the specification
 * (client or server frame). On the STOMP port that line decides; elsewhere its header block must
 * follow, whole: one or more `name:value` lines and the blank line that ends them. A head that
 * starts inside a frame's body is taken on the port from the frame after its NUL.
 */
export function probeStompMidstream(head: Uint8Array, byPort: boolean): 'accept' | 'reject' | 'need-more' {
  const r = frameStart(head, 0, byPort);
  if (r !== 'reject' || !byPort) return r;
  const nul = head.indexOf(0);
  return nul < 0 ? (head.length < 4096 ? 'need-more' : 'reject') : frameStart(head, nul + 1, true);
}

/** Every command of the specification, either side's. */
const COMMANDS = [...CLIENT_COMMANDS, ...SERVER_COMMANDS];

/** The end of the line ending with the LF at `lf` (a CR before it is not part of the line). */
function lineEnd(b: Uint8Array, start: number, lf: number): number {
  return lf > start && b[lf - 1] === 0x0d ? lf - 1 : lf;
}

/** After heart-beat EOLs from `i`: where the command line starts, its LF (-1: the line is not over yet) and its text. */
function commandLine(head: Uint8Array, i: number): { start: number; lf: number; command: string } {
  while (i < head.length && (head[i] === 0x0a || head[i] === 0x0d)) i++;
  const lf = head.indexOf(0x0a, i);
  return { start: i, lf, command: lf < 0 ? '' : latin1Text(head.subarray(i, lineEnd(head, i, lf))) };
}

function frameStart(head: Uint8Array, i: number, byPort: boolean): 'accept' | 'reject' | 'need-more' {
  const { start, lf, command } = commandLine(head, i);
  if (lf < 0) {
    const text = latin1Text(head.subarray(start, start + LONGEST_COMMAND + 2));
    return COMMANDS.some((c) => (c + '\r').startsWith(text) || c.startsWith(text)) ? 'need-more' : 'reject';
  }
  if (!COMMANDS.includes(command)) return 'reject';
  if (byPort) return 'accept';
  let headers = 0;
  for (let at = lf + 1; ; ) {
    const end = head.indexOf(0x0a, at);
    if (end < 0) return head.length - at > 4096 ? 'reject' : 'need-more';
    const line = head.subarray(at, lineEnd(head, at, end));
    if (line.length === 0) return headers > 0 ? 'accept' : 'reject';
    const colon = line.indexOf(0x3a);
    if (colon <= 0 || line.includes(0)) return 'reject';
    headers++;
    at = end + 1;
  }
}

/** Who sent the frame at the start of a head (or after its first NUL): client frames and server frames have distinct commands. */
function stompSides(head: Uint8Array): Set<Side> {
  const sides = new Set<Side>();
  const nul = head.indexOf(0);
  for (const from of nul >= 0 ? [0, nul + 1] : [0]) {
    const { command } = commandLine(head, from);
    if (CLIENT_COMMANDS.includes(command)) sides.add('client');
    else if (SERVER_COMMANDS.includes(command)) sides.add('server');
  }
  return sides;
}

interface Frame {
  command: string;
  headers: HeaderList;
  body: Uint8Array;
  bodySize: number;
  start: Position;
  end: Position;
  frames: number[];
  wire: number;
}

/**
 * The search for the frame at the head of a direction's queue (stream offset `base`): lines before
 * `lineFrom` end no header block, bytes before `nulFrom` hold no NUL; once the blank line is found,
 * the parsed head (`escapes`: parsed with STOMP 1.1+ value escapes).
 */
interface Scan {
  base: number;
  lineFrom: number;
  nulFrom: number;
  head?: { command: string; headers: HeaderList; bad: string; hdrEnd: number; bodyStart: number; escapes: boolean };
}

class StompDecoder implements StreamDecoder {
  private s = { c2s: new DirStream(), s2c: new DirStream() };
  /** A bad frame: skip to the next NUL. */
  private lost = { c2s: false, s2c: false };
  /** A gap lost the frame boundary: look for a command line at the first byte after it or after a NUL. */
  private resync = { c2s: true, s2c: true };
  /** Nothing consumed since the gap that started the resynchronisation: the head is the first byte after it. */
  private afterGap = { c2s: true, s2c: true };
  /**
   * Before a direction's first frame: each starts as if after a gap (resync, afterGap), since a capture
   * that joined the connection late may start inside a frame; what is skipped to the first command line is said once.
   */
  private starting = { c2s: true, s2c: true };
  private skippedAtStart = { c2s: 0, s2c: 0 };
  /** The frame being handled was cut by a gap: what was captured of it. */
  private cutNow?: string;
  private readonly notes: GapNotes;
  private version = '1.2';
  private versionKnown = false;
  private connect?: Call;
  private receipts = new Map<string, Call>();
  private subs = new Map<string, string>(); // subscription id → ack mode
  private unacked = new Map<string, Call>(); // ack id → MESSAGE call
  /** SENDs of each open transaction (BEGIN … COMMIT | ABORT), by call id: an ABORT means they were never delivered. */
  private txSends = new Map<string, number[]>();
  /** SENDs and SUBSCRIBEs without a receipt, newest last (bounded): an ERROR without receipt-id that quotes one's destination refused it. */
  private recentSends: Array<{ id: number; dest: string; cmd: string }> = [];
  /** SUBSCRIBEs without a receipt header, held until the broker's next frame (see frame()). */
  private heldSubs = new Map<number, Call>();
  private dead = false;
  /**
   * How far the search for the frame at the head of each direction got (see Scan): a frame arriving
   * in small segments is not searched (and its head not parsed) again from its first byte each time.
   */
  private scans: Record<Dir, Scan | undefined> = { c2s: undefined, s2c: undefined };

  constructor(private readonly session: DecoderSession) {
    this.notes = new GapNotes(session, 'stomp: ');
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.dead) return;
    this.s[dir].push(bytes, at);
    try {
      this.parse(dir);
    } catch (e) {
      this.session.warn(`stomp: internal error: ${(e as Error).message}`, at);
      this.dead = true;
    }
  }

  /**
   * Bytes not captured (snaplen, loss). A frame cut by the gap is decoded from its captured head
   * (command, whole header lines, the body as far as it goes): with a content-length the frame's end
   * is known and framing resumes there; without, or when the command line itself was lost, decoding
   * resynchronises on the next command line — the first bytes after the gap or after a NUL.
   */
  gap(dir: Dir, length: number, at: Position): void {
    if (this.dead) return;
    try {
      this.gapIn(dir, length, at);
    } catch (e) {
      this.session.warn(`stomp: internal error: ${(e as Error).message}`, at);
      this.dead = true;
    }
  }

  private gapIn(dir: Dir, length: number, at: Position): void {
    const st = this.s[dir];
    this.scans[dir] = undefined;
    this.started(dir);
    if (st.discard > 0) {
      const past = st.gapWhileDiscarding(length);
      if (past) this.lose(dir, past, at, 'past the end of the frame they cut');
      return;
    }
    if (this.lost[dir]) {
      // Already skipping a bad frame: its NUL may have been in the gap.
      this.lost[dir] = false;
      return this.lose(dir, length, at, 'while skipping a bad frame');
    }
    if (this.resync[dir] && !this.findCommand(dir, true)) {
      st.reset();
      this.afterGap[dir] = true; // what comes next starts right after this gap
      return;
    }
    const missing = this.cutFrame(dir);
    if (missing === undefined) return this.lose(dir, length, at, st.q.length ? 'before a command line ended' : 'at a frame boundary');
    if (missing === null) return this.lose(dir, length, at, 'in a frame without content-length');
    const past = st.gapOver(missing, length);
    if (past) this.lose(dir, past, at, 'past the end of the frame they cut');
  }

  /**
   * Decode the buffered head of a frame a gap cuts. Returns the bytes of the frame still to come
   * (content-length known), null when its end is unknown, undefined when no command line was captured.
   */
  private cutFrame(dir: Dir): number | null | undefined {
    const st = this.s[dir];
    const q = st.q;
    const lim = this.session.env.limits;
    while (q.length && (q.at(0) === 0x0a || q.at(0) === 0x0d)) st.consume(1);
    const have = Math.min(q.length, lim.maxHeaderBytes + lim.maxBodyBytes);
    if (!have) return undefined;
    const b = q.peek(have);
    const nl = b.indexOf(0x0a);
    if (nl < 0 || nl > 64) return undefined;
    const command = latin1Text(b.subarray(0, nl > 0 && b[nl - 1] === 0x0d ? nl - 1 : nl));
    if (!/^[A-Z]+$/.test(command)) return undefined;
    // Header lines up to the blank line, or up to the last whole line before the cut.
    let bodyStart = -1;
    let end = nl + 1;
    for (;;) {
      const next = b.indexOf(0x0a, end);
      if (next < 0) break;
      if (next === end || (next === end + 1 && b[end] === 0x0d)) {
        bodyStart = next + 1;
        break;
      }
      end = next + 1;
    }
    const headText = utf8Text(b.subarray(0, bodyStart >= 0 ? bodyStart : end));
    const lines = headText.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l, i) => i > 0 && l !== '');
    const escaped = command !== 'CONNECT' && command !== 'CONNECTED' && (!this.versionKnown || this.version !== '1.0');
    const headers: HeaderList = [];
    for (const l of lines) {
      if (headers.length >= lim.maxHeaders) break;
      const c = l.indexOf(':');
      if (c < 0) continue;
      headers.push(escaped ? [unescapeValue(l.slice(0, c)), unescapeValue(l.slice(c + 1))] : [l.slice(0, c), l.slice(c + 1)]);
    }
    const cl = bodyStart >= 0 ? header(headers, 'content-length') : undefined;
    const bodyLen = cl !== undefined && /^\s*\d+\s*$/.test(cl) ? parseInt(cl, 10) : undefined;
    const captured = bodyStart >= 0 ? b.subarray(bodyStart, Math.min(have, bodyStart + lim.maxBodyBytes)).slice() : new Uint8Array(0);
    const total = bodyLen !== undefined ? bodyStart + bodyLen + 1 : undefined;
    const f: Frame = { command, headers, body: captured, bodySize: bodyLen ?? captured.length, start: st.pos(0), end: st.pos(q.length - 1), frames: st.frames(0, q.length), wire: total ?? q.length };
    const what = bodyStart < 0 ? 'header block' : total !== undefined ? 'body' : 'body (no content-length)';
    this.cutNow = `${command} frame cut by a capture gap in its ${what}: ${q.length}${total !== undefined ? ` of ${total}` : ''} bytes captured${total !== undefined ? `, ${total - q.length} missing` : ''}`;
    const left = q.length;
    st.reset();
    try {
      this.frame(dir, f, '');
    } finally {
      this.cutNow = undefined;
    }
    return total !== undefined && total > left ? total - left : null;
  }

  /** The framing of `dir` is lost: drop what is buffered and wait for a command line. */
  private lose(dir: Dir, length: number, at: Position, where: string): void {
    this.s[dir].reset();
    this.resync[dir] = true;
    this.afterGap[dir] = true;
    this.notes.lost(dir, length, `${length} bytes missing (${dir}) ${where}; resynchronising at the next ${dir === 'c2s' ? 'client' : 'server'} command line`, at);
  }

  /**
   * Resynchronisation: drop buffered bytes up to the first command line (a known command of this
   * side alone on its line) that starts the bytes after the gap or follows a NUL (with heart-beat
   * EOLs between). True when it is at the head now.
   */
  private findCommand(dir: Dir, final: boolean): boolean {
    const st = this.s[dir];
    const cmds = dir === 'c2s' ? CLIENT_COMMANDS : SERVER_COMMANDS;
    while (st.q.length > 0) {
      const n = Math.min(st.q.length, RESYNC_WINDOW);
      const b = st.q.peek(n);
      const last = n === st.q.length;
      // `bnd`: a frame may start at b[i] (right after the gap, or after a NUL and heart-beat EOLs).
      let bnd = this.afterGap[dir];
      let i = 0;
      let wait = false;
      for (; i < n; i++) {
        if (bnd && (b[i] === 0x0a || b[i] === 0x0d)) continue;
        if (bnd) {
          const k = b.subarray(i, i + LONGEST_COMMAND + 2).indexOf(0x0a);
          const nl = k < 0 ? -1 : i + k;
          if (nl >= 0 && nl - i <= LONGEST_COMMAND + 1) {
            const cmd = latin1Text(b.subarray(i, lineEnd(b, i, nl)));
            if (cmds.includes(cmd)) {
              st.consume(i);
              this.resync[dir] = false;
              this.afterGap[dir] = false;
              return true;
            }
          } else if (nl < 0 && n - i <= LONGEST_COMMAND + 1 && !(final && last)) {
            // A command line may still be arriving.
            wait = true;
            break;
          }
        }
        bnd = b[i] === 0;
      }
      st.consume(i);
      this.afterGap[dir] = bnd;
      if (wait || i < n) return false;
    }
    return false;
  }

  /** The first frame of a direction was found (or a gap came first): say what came before it. */
  private started(dir: Dir): void {
    if (!this.starting[dir]) return;
    this.starting[dir] = false;
    const n = this.skippedAtStart[dir];
    if (n > 0) this.session.warn(`stomp: ${dir}: the first ${n} bytes are not a frame's start (the capture joined the connection inside a frame); decoding from the first command line`, this.s[dir].pos(0));
  }

  end(): void {}

  close(_at: Position, how?: CloseReason): void {
    this.releaseSubs();
    const open = [...(this.connect ? [this.connect] : []), ...this.receipts.values()];
    for (const c of open.sort((a, b) => a.id - b.id)) {
      const left = leftWaiting(how, c === this.connect ? 'CONNECTED' : 'receipt', 'no receipt before the end of the capture');
      c.state = left.state;
      c.warnings.push(left.warning);
      this.session.emit(c);
    }
    for (const c of this.unacked.values()) {
      c.fields['stomp.ack'] = 'none';
      this.session.emit(c);
    }
    this.connect = undefined;
    this.receipts.clear();
    this.unacked.clear();
    this.notes.summary(_at);
  }

  private parse(dir: Dir): void {
    const st = this.s[dir];
    const q = st.q;
    const lim = this.session.env.limits;
    for (;;) {
      if (this.resync[dir]) {
        const had = q.length;
        const found = this.findCommand(dir, false);
        if (this.starting[dir]) {
          this.skippedAtStart[dir] += had - q.length;
          if (found) this.started(dir);
        }
        if (!found) return;
      }
      if (this.lost[dir]) {
        const nul = q.indexOf(0);
        if (nul < 0) {
          if (q.length) st.consume(q.length);
          return;
        }
        st.consume(nul + 1);
        this.lost[dir] = false;
      }
      // Heart-beats: EOLs between frames.
      while (q.length && (q.at(0) === 0x0a || q.at(0) === 0x0d)) st.consume(1);
      if (!q.length) return;
      let scan = this.scans[dir];
      if (scan?.base !== st.base) scan = this.scans[dir] = { base: st.base, lineFrom: 0, nulFrom: 0 };
      // End of the header block: an empty line.
      const limit = Math.min(q.length, lim.maxHeaderBytes + 2);
      let hdrEnd = scan.head?.hdrEnd ?? -1;
      let bodyStart = scan.head?.bodyStart ?? -1;
      let from = scan.lineFrom;
      for (; hdrEnd < 0; ) {
        const nl = q.indexOf(0x0a, from, limit);
        if (nl < 0) break;
        const next = nl + 1;
        if (next < q.length && q.at(next) === 0x0a) {
          hdrEnd = nl;
          bodyStart = next + 1;
          break;
        }
        if (next + 1 < q.length && q.at(next) === 0x0d && q.at(next + 1) === 0x0a) {
          hdrEnd = nl;
          bodyStart = next + 2;
          break;
        }
        if (next >= q.length || (q.at(next) === 0x0d && next + 1 >= q.length)) break;
        from = next;
      }
      scan.lineFrom = from;
      if (hdrEnd < 0) {
        if (q.length > lim.maxHeaderBytes) {
          this.session.warn(`stomp: header block longer than ${lim.maxHeaderBytes} bytes (${dir}); skipping to the next NUL`, st.pos(0));
          this.lost[dir] = true;
          continue;
        }
        return;
      }
      const escapes = !this.versionKnown || this.version !== '1.0';
      if (scan.head?.escapes !== escapes) scan.head = { ...this.frameHead(q.peek(hdrEnd), escapes), hdrEnd, bodyStart, escapes };
      const { command, headers, bad } = scan.head;
      const cl = header(headers, 'content-length');
      let total: number;
      let bodyLen: number;
      if (cl !== undefined && /^\s*\d+\s*$/.test(cl)) {
        bodyLen = parseInt(cl, 10);
        total = bodyStart + bodyLen + 1;
        if (total > lim.maxBufferedBytes) {
          this.session.warn(`stomp: ${command} body of ${bodyLen} bytes is larger than the buffer limit; skipped`, st.pos(0));
          st.skipAhead(total);
          continue;
        }
        if (q.length < total) return;
        if (q.at(total - 1) !== 0) {
          this.session.warn(`stomp: ${command} body not followed by NUL (content-length ${bodyLen}); resynchronising`, st.pos(total - 1));
          this.lost[dir] = true;
          continue;
        }
      } else {
        const nul = q.indexOf(0, Math.max(bodyStart, scan.nulFrom), lim.maxBufferedBytes);
        scan.nulFrom = q.length;
        if (nul < 0) {
          if (q.length >= lim.maxBufferedBytes) {
            this.session.warn(`stomp: ${command} frame without NUL within the buffer limit; skipping`, st.pos(0));
            this.lost[dir] = true;
            continue;
          }
          return;
        }
        bodyLen = nul - bodyStart;
        total = nul + 1;
      }
      const keep = Math.min(bodyLen, lim.maxBodyBytes);
      const body = q.peek(bodyStart + keep).subarray(bodyStart).slice();
      const f: Frame = { command, headers, body, bodySize: bodyLen, start: st.pos(0), end: st.pos(total - 1), frames: st.frames(0, total), wire: total };
      st.consume(total);
      this.frame(dir, f, bad);
    }
  }

  /** Command and headers of a header block (without its blank line). */
  private frameHead(block: Uint8Array, escapes: boolean): { command: string; headers: HeaderList; bad: string } {
    const lines = utf8Text(block).split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    const command = lines[0];
    const escaped = escapes && command !== 'CONNECT' && command !== 'CONNECTED';
    const headers: HeaderList = [];
    let bad = '';
    const max = this.session.env.limits.maxHeaders;
    for (let i = 1; i < lines.length && headers.length < max; i++) {
      const c = lines[i].indexOf(':');
      if (c < 0) {
        bad = `header line without a colon: ${lines[i].slice(0, 40)}`;
        continue;
      }
      const name = lines[i].slice(0, c);
      const value = lines[i].slice(c + 1);
      headers.push(escaped ? [unescapeValue(name), unescapeValue(value)] : [name, value]);
    }
    return { command, headers, bad };
  }

  private mk(f: Frame): Call {
    const call = this.session.newCall('stomp', f.start);
    if (this.cutNow) call.warnings.push(this.cutNow);
    call.method = f.command;
    call.frames = f.frames.slice(0, 64);
    call.fields['stomp.command'] = f.command;
    const dest = header(f.headers, 'destination');
    if (dest !== undefined) {
      call.target = dest;
      call.fields['stomp.destination'] = dest;
    }
    return call;
  }

  /** A frame's headers and body; a note on its JSON body goes to `warnings` (its call's). */
  private part(f: Frame, warnings: string[]) {
    const buf = new PayloadBuffer(this.session.env.limits.maxBodyBytes);
    buf.add(f.body);
    const body = payloadBody(f.body, f.bodySize, this.session.env.limits, header(f.headers, 'content-type'), undefined, warnings);
    return { headers: f.headers, body, wireBytes: f.wire, buf };
  }

  private frame(dir: Dir, f: Frame, bad: string): void {
    const cmd = f.command;
    // The broker's next frame after held SUBSCRIBEs: one an ERROR names fails (below), the rest go out after it.
    if (dir === 's2c' && this.heldSubs.size && cmd !== 'ERROR') this.releaseSubs();
    const known = dir === 'c2s' ? CLIENT_COMMANDS.includes(cmd) : SERVER_COMMANDS.includes(cmd);
    const h = (n: string) => header(f.headers, n);
    if (cmd === 'CONNECT' || cmd === 'STOMP') {
      const call = this.mk(f);
      call.kind = 'unary';
      const { buf: _b, ...req } = this.part(f, call.warnings);
      call.request = { ...req, headers: f.headers.map(([k, v]) => (k.toLowerCase() === 'passcode' ? [k, '(hidden)'] : [k, v])) };
      call.target = h('host') ?? h('login');
      call.fields['stomp.accept_version'] = h('accept-version') ?? '1.0';
      call.timing.requestEndUs = f.end.tsUs;
      if (bad) call.warnings.push(bad);
      if (this.connect) {
        this.connect.state = 'incomplete';
        this.session.emit(this.connect);
      }
      this.connect = call;
      return;
    }
    if (cmd === 'CONNECTED') {
      // A CONNECTED cut before its version header does not say 1.0 (STOMP 1.1 §CONNECTED): it says nothing.
      const v = h('version') ?? (this.cutNow ? undefined : '1.0');
      if (v !== undefined) {
        this.version = v;
        this.versionKnown = true;
      }
      const call = this.connect ?? this.mk(f);
      this.connect = undefined;
      this.reply(call, f);
      call.status = { code: 'CONNECTED', text: `STOMP${v !== undefined ? ` ${v}` : ''}${h('server') ? ` (${h('server')})` : ''}`, ok: true };
      if (v !== undefined) call.fields['stomp.version'] = v;
      if (h('heart-beat')) call.fields['stomp.heart_beat'] = h('heart-beat')!;
      this.session.emit(call);
      return;
    }
    if (cmd === 'RECEIPT' || cmd === 'ERROR') {
      const rid = h('receipt-id');
      let call = rid !== undefined ? this.receipts.get(rid) : undefined;
      if (call) this.receipts.delete(rid!);
      else if (cmd === 'ERROR' && this.connect) {
        call = this.connect;
        this.connect = undefined;
      } else if (cmd === 'ERROR' && rid === undefined && this.receipts.size === 1) {
        // No receipt-id (RabbitMQ omits it): the only frame waiting for a receipt is the culprit.
        const [k, c] = this.receipts.entries().next().value as [string, Call];
        this.receipts.delete(k);
        call = c;
        call.warnings.push('ERROR without receipt-id, attributed to the only frame waiting for a receipt');
      }
      // No receipt-id and nothing else to go by: a SEND whose destination the ERROR quotes (RabbitMQ: "'/x/y' is not
      // a valid destination") is the frame it answers (STOMP 1.2 "ERROR": the server SHOULD identify the frame; the
      // connection ends after it).
      const named = !call && cmd === 'ERROR' && rid === undefined ? this.sendNamedBy(f) : undefined;
      if (named?.call && named.receipt !== undefined) {
        this.receipts.delete(named.receipt);
        call = named.call;
        call.warnings.push(`ERROR without receipt-id, attributed to the ${call.method} whose destination it quotes`);
      }
      if (!call) {
        call = this.mk(f);
        call.kind = 'event';
        const p = this.part(f, call.warnings);
        call.request = { headers: p.headers, body: p.body, wireBytes: p.wireBytes };
        call.state = 'complete';
        call.timing.endUs = f.end.tsUs;
        if (cmd === 'RECEIPT') call.warnings.push(rid === undefined && this.cutNow ? 'RECEIPT whose receipt-id was not captured' : `RECEIPT ${rid ?? ''} without its frame in the capture`);
      } else this.reply(call, f);
      if (cmd === 'ERROR') {
        call.status = { code: 'ERROR', text: h('message') ?? 'ERROR', ok: false };
        call.fields['stomp.error'] = h('message') ?? '';
        if (named && named.receipt === undefined && call.kind === 'event') {
          call.links = { ...call.links, requestId: named.id };
          // A SEND is held by the flow correlator for its deliveries, which applies this; another frame is already out.
          const sub = named.cmd === 'SUBSCRIBE' ? this.heldSubs.get(named.id) : undefined;
          if (named.cmd === 'SEND') call.failsCalls = [{ id: named.id, status: { ...call.status }, warning: 'refused by the broker: an ERROR without receipt-id quotes this destination' }];
          else if (sub) {
            sub.status = { ...call.status };
            sub.warnings.push('refused by the broker: an ERROR without receipt-id quotes this destination');
            sub.links = { ...sub.links, requestId: call.id };
          } else call.warnings.push(`answers the ${named.cmd} of ${named.dest} (an ERROR without receipt-id that quotes its destination)`);
        }
        this.recentSends = [];
      } else if (!call.status) call.status = { code: 'RECEIPT', text: rid !== undefined ? `receipt ${rid}` : 'receipt', ok: true };
      if (bad) call.warnings.push(bad);
      this.releaseSubs();
      this.session.emit(call);
      return;
    }
    if (cmd === 'MESSAGE') {
      const call = this.mk(f);
      call.kind = 'deliver';
      call.state = 'complete';
      call.timing.endUs = f.end.tsUs;
      const { buf, ...req } = this.part(f, call.warnings);
      call.request = req;
      const dest = h('destination') ?? '';
      // A cut body hashes to nothing its publish would: no msg.key to join on.
      if (!this.cutNow) call.fields['msg.key'] = buf.key('stomp', dest);
      call.fields['msg.destination'] = dest;
      this.rpcFields(call, f);
      const sub = h('subscription');
      const mid = h('message-id');
      if (sub !== undefined) call.fields['stomp.subscription'] = sub;
      if (mid !== undefined) call.fields['stomp.message_id'] = mid;
      call.status = { code: 'MESSAGE', ok: true };
      if (bad) call.warnings.push(bad);
      const mode = sub !== undefined ? this.subs.get(sub) : undefined;
      const ackId = h('ack') ?? mid;
      if (mode && mode !== 'auto' && ackId !== undefined) {
        call.fields['stomp.ack_mode'] = mode;
        const prev = this.unacked.get(ackId);
        if (prev) this.session.emit(prev);
        this.unacked.set(ackId, call);
        if (this.unacked.size > MAX_HELD) {
          const first = this.unacked.entries().next().value as [string, Call];
          this.unacked.delete(first[0]);
          this.session.emit(first[1]);
        }
      } else this.session.emit(call);
      return;
    }
    if (cmd === 'ACK' || cmd === 'NACK') {
      const id = h('id') ?? h('message-id');
      const target = id !== undefined ? this.unacked.get(id) : undefined;
      if (target) {
        const sub = target.fields['stomp.subscription'];
        const cumulative = target.fields['stomp.ack_mode'] === 'client';
        const acked: Call[] = [];
        for (const [k, c] of this.unacked) {
          if (c === target || (cumulative && c.fields['stomp.subscription'] === sub && c.id < target.id)) acked.push(c), this.unacked.delete(k);
        }
        for (const c of acked.sort((a, b) => a.id - b.id)) {
          c.response = { headers: f.headers, wireBytes: f.wire, value: { frame: cmd } };
          c.timing.responseStartUs = f.start.tsUs;
          c.timing.endUs = f.end.tsUs;
          addFrames(c.frames, f.frames);
          c.fields['stomp.ack'] = cmd.toLowerCase();
          if (cmd === 'NACK') c.status = { code: 'NACK', ok: false };
          this.session.emit(c);
        }
        if (h('receipt') === undefined) return;
      }
    }
    if (cmd === 'SUBSCRIBE') {
      const id = h('id') ?? h('destination') ?? '';
      if (this.subs.size < 65536) this.subs.set(id, h('ack') ?? 'auto');
    }
    // SEND, SUBSCRIBE, UNSUBSCRIBE, BEGIN, COMMIT, ABORT, ACK, NACK, DISCONNECT, unknown.
    const call = this.mk(f);
    const { buf, ...req } = this.part(f, call.warnings);
    call.request = req;
    call.timing.requestEndUs = f.end.tsUs;
    if (!known) call.warnings.push(`unknown ${dir === 'c2s' ? 'client' : 'server'} command ${JSON.stringify(cmd.slice(0, 40))}`);
    if (bad) call.warnings.push(bad);
    if (cmd === 'SEND') {
      call.kind = 'publish';
      const dest = h('destination') ?? '';
      // RabbitMQ's temp queues: a reply sent to /reply-queue/amq.gen-X arrives as a MESSAGE whose
      // destination is /queue/amq.gen-X (RabbitMQ STOMP plugin, "Temp Queue Destinations").
      if (!this.cutNow) call.fields['msg.key'] = buf.key('stomp', dest.startsWith('/reply-queue/') ? `/queue/${dest.slice(13)}` : dest);
      call.fields['msg.destination'] = dest;
      this.rpcFields(call, f);
    } else call.kind = cmd === 'DISCONNECT' || !known ? 'event' : 'oneway';
    if (cmd === 'SUBSCRIBE' || cmd === 'UNSUBSCRIBE') {
      const id = h('id');
      if (id !== undefined) call.fields['stomp.subscription'] = id;
      if (h('ack')) call.fields['stomp.ack_mode'] = h('ack')!;
    }
    const tx = h('transaction');
    if (tx !== undefined && dir === 'c2s') this.transaction(cmd, tx, call);
    const receipt = h('receipt');
    if (receipt !== undefined && dir === 'c2s') {
      if (call.kind !== 'publish') call.kind = 'unary';
      call.fields['stomp.receipt'] = receipt;
      const prev = this.receipts.get(receipt);
      if (prev) {
        prev.state = 'incomplete';
        this.session.emit(prev);
      }
      this.receipts.set(receipt, call);
      if (this.receipts.size > MAX_HELD) {
        const first = this.receipts.entries().next().value as [string, Call];
        this.receipts.delete(first[0]);
        first[1].state = 'incomplete';
        this.session.emit(first[1]);
      }
      return;
    }
    call.state = 'complete';
    call.timing.endUs = f.end.tsUs;
    if (cmd === 'SEND') call.status = { code: 'sent', ok: true };
    if ((cmd === 'SEND' || cmd === 'SUBSCRIBE') && dir === 'c2s') {
      if (this.recentSends.length >= RECENT_SENDS) this.recentSends.shift();
      this.recentSends.push({ id: call.id, dest: h('destination') ?? '', cmd });
    }
    if (cmd === 'SUBSCRIBE' && dir === 'c2s') {
      // Held until the broker's next frame: a refused subscription is answered at once by an ERROR
      // (RabbitMQ's, without receipt-id, quotes the destination), which then fails it.
      this.heldSubs.set(call.id, call);
      if (this.heldSubs.size > RECENT_SENDS) this.releaseSubs();
      return;
    }
    this.session.emit(call);
  }

  /** SUBSCRIBEs waiting for the broker's next frame go out as they are. */
  private releaseSubs(): void {
    for (const c of this.heldSubs.values()) this.session.emit(c);
    this.heldSubs.clear();
  }

  /**
   * The frame an ERROR without receipt-id quotes the destination of ('dest' or "dest" in its message header or the
   * head of its body; RabbitMQ adds "for 'SUBSCRIBE'" when it was not a SEND): the newest such SEND or SUBSCRIBE
   * still waiting for its receipt, else the newest sent without one.
   */
  private sendNamedBy(f: Frame): { id: number; cmd: string; dest: string; call?: Call; receipt?: string } | undefined {
    const text = `${header(f.headers, 'message') ?? ''}\n${utf8Text(f.body.subarray(0, 4096))}`;
    const quoted = (d: string) => d !== '' && (text.includes(`'${d}'`) || text.includes(`"${d}"`));
    const named = ['SUBSCRIBE', 'SEND'].find((c) => text.includes(`'${c}'`) || text.includes(`"${c}"`));
    const fits = (cmd: string) => (named ? cmd === named : cmd === 'SEND' || cmd === 'SUBSCRIBE');
    let found: { id: number; cmd: string; dest: string; call: Call; receipt: string } | undefined;
    for (const [receipt, c] of this.receipts) {
      const dest = String(c.fields['stomp.destination'] ?? '');
      if (fits(c.method ?? '') && quoted(dest)) found = { id: c.id, cmd: c.method ?? '', dest, call: c, receipt };
    }
    if (found) return found;
    for (let i = this.recentSends.length - 1; i >= 0; i--) {
      const r = this.recentSends[i];
      if (fits(r.cmd) && quoted(r.dest)) return r;
    }
    return undefined;
  }

  /**
   * STOMP 1.2 "BEGIN"/"ABORT": the SENDs of a transaction reach their destination only at its COMMIT; after an ABORT
   * they were dropped. They are already reported: the flow correlator, which holds them for their deliveries,
   * marks them (Call.failsCalls).
   */
  private transaction(cmd: string, tx: string, call: Call): void {
    call.fields['stomp.transaction'] = tx;
    if (cmd === 'SEND') {
      let ids = this.txSends.get(tx);
      if (!ids && this.txSends.size < 256) this.txSends.set(tx, (ids = []));
      if (ids && ids.length < 10_000) ids.push(call.id);
    } else if (cmd === 'ABORT') {
      const ids = this.txSends.get(tx);
      if (ids?.length) call.failsCalls = ids.map((id) => ({ id, status: { code: 'aborted', text: `not delivered (ABORT of transaction ${tx})`, ok: false } }));
      this.txSends.delete(tx);
    } else if (cmd === 'COMMIT') this.txSends.delete(tx);
  }

  private rpcFields(call: Call, f: Frame): void {
    const rt = header(f.headers, 'reply-to');
    const corr = header(f.headers, 'correlation-id');
    if (rt) call.fields['msg.reply_to'] = rt;
    if (corr) call.fields['msg.correlation_id'] = corr;
  }

  private reply(call: Call, f: Frame): void {
    if (this.cutNow && !call.warnings.includes(this.cutNow)) call.warnings.push(this.cutNow);
    const p = this.part(f, call.warnings);
    call.response = { headers: p.headers, body: p.body, wireBytes: p.wireBytes };
    call.timing.responseStartUs = f.start.tsUs;
    call.timing.endUs = f.end.tsUs;
    addFrames(call.frames, f.frames);
    call.state = 'complete';
  }
}

/** STOMP 1.2 "Value Encoding": \r \n \c \\ (an undefined escape is kept as is). */
function unescapeValue(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'c' ? ':' : c === '\\' ? '\\' : m));
}

export const spec: DecoderSpec = {
  id: 'stomp',
  name: 'STOMP',
  transport: 'tcp',
  ports: [61613],
  probeOrder: 60,
  probe: (head) => probeStomp(head),
  probeMidstream: (head, _dir, byPort) => probeStompMidstream(head, byPort),
  rolesReversed: (heads) => rolesBackwards(heads, stompSides),
  create: (session) => new StompDecoder(session),
};
