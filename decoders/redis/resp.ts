/**
 * RESP (REdis Serialization Protocol) 2 and 3: a resumable scanner that finds where the next
 * complete value ends without building it, and a builder that turns a complete value into a tree.
 * Types (RESP3 spec): + simple string, - simple error, : integer, $ bulk string, * array,
 * _ null, # boolean, , double, ( big number, ! bulk error, = verbatim string, % map, ~ set,
 * | attribute (precedes the value it annotates), > push.
 */
import { latin1Text, toHex, utf8Strict } from '../core/bytes';

export interface RespNode {
  /** The type byte as a character. */
  t: string;
  /** Line text (simple string, error, integer, double, big number, boolean). */
  s?: string;
  /** Blob bytes (bulk string, bulk error, verbatim string). */
  b?: Uint8Array;
  /** Null bulk/array (RESP2 $-1 / *-1) or RESP3 `_`. */
  nil?: boolean;
  items?: RespNode[];
  /** Attributes (RESP3 `|`) that preceded this value: key, value, key, value… */
  attrs?: RespNode[];
  /** Cut by a capture gap: `s`/`b`/`items` hold what was captured (see buildPartial). */
  cut?: boolean;
  /** Declared element count of an aggregate (byte length of a blob) cut by a capture gap. */
  n?: number;
}

/** Longest header line accepted (Redis itself caps inline requests at 64 KiB). */
export const MAX_LINE = 64 * 1024;
/** Most elements accepted in one aggregate header (counts are lies in fuzzed input). */
export const MAX_ELEMENTS = 1 << 24;

/** Scanner state kept between data events for one direction. */
export class RespScanner {
  pos = 0;
  stack: number[] = [];
  /** Where the CR LF search for the current header resumes. */
  private lineFrom = 0;

  constructor(
    private readonly maxDepth: number,
    private readonly maxBlob: number,
  ) {}

  reset(): void {
    this.pos = 0;
    this.stack = [];
    this.lineFrom = 0;
  }

  /**
   * Scan `b` (the whole buffered direction) from where the last call stopped. Returns the end
   * index of the first complete top-level value, -1 when more bytes are needed, or an error text.
   */
  scan(b: Uint8Array): number | string {
    for (;;) {
      const pos = this.pos;
      if (pos >= b.length) return -1;
      const type = b[pos];
      let lf = -1;
      const limit = Math.min(b.length, pos + MAX_LINE);
      for (let i = Math.max(pos + 1, this.lineFrom); i + 1 < limit; i++) {
        if (b[i] === 13 && b[i + 1] === 10) {
          lf = i;
          break;
        }
      }
      if (lf < 0) {
        if (b.length - pos >= MAX_LINE) return `RESP header line longer than ${MAX_LINE} bytes`;
        this.lineFrom = Math.max(pos + 1, b.length - 1);
        return -1;
      }
      const next = lf + 2;
      let children = 0;
      let leafEnd = next;
      switch (type) {
        case 0x24 /* $ */:
        case 0x21 /* ! */:
        case 0x3d /* = */: {
          const n = lengthAt(b, pos + 1, lf);
          if (n === -1 && type === 0x24) break;
          if (n === undefined || n < 0) return `bad RESP length "${headText(b, pos, lf)}"`;
          if (n > this.maxBlob) return `RESP blob of ${n} bytes exceeds the ${this.maxBlob}-byte buffer limit`;
          if (next + n + 2 > b.length) {
            this.lineFrom = pos + 1; // header re-read next time; cheap
            return -1;
          }
          if (b[next + n] !== 13 || b[next + n + 1] !== 10) return 'RESP blob not followed by CR LF';
          leafEnd = next + n + 2;
          break;
        }
        case 0x2a /* * */:
        case 0x7e /* ~ */:
        case 0x3e /* > */:
        case 0x25 /* % */:
        case 0x7c /* | */: {
          const n = lengthAt(b, pos + 1, lf);
          if (n === -1 && (type === 0x2a || type === 0x7e || type === 0x25)) break; // null aggregate (RESP2 *-1)
          if (n === undefined || n < 0) return `bad RESP count "${headText(b, pos, lf)}"`;
          if (n > MAX_ELEMENTS) return `RESP aggregate of ${n} elements is beyond reason`;
          children = type === 0x25 ? n * 2 : type === 0x7c ? n * 2 + 1 : n;
          break;
        }
        case 0x2b /* + */:
        case 0x2d /* - */:
        case 0x3a /* : */:
        case 0x5f /* _ */:
        case 0x23 /* # */:
        case 0x2c /* , */:
        case 0x28 /* ( */:
          break;
        default:
          return `unknown RESP type byte 0x${type.toString(16).padStart(2, '0')}`;
      }
      this.lineFrom = 0;
      if (children > 0) {
        if (this.stack.length >= this.maxDepth) return `RESP nesting deeper than ${this.maxDepth}`;
        this.stack.push(children);
        this.pos = next;
        continue;
      }
      this.pos = leafEnd;
      // A leaf completed: close every aggregate it completes.
      while (this.stack.length) {
        const top = --this.stack[this.stack.length - 1];
        if (top > 0) break;
        this.stack.pop();
      }
      if (this.stack.length === 0) {
        const end = this.pos;
        this.pos = 0;
        return end;
      }
    }
  }

  /**
   * When the scan stopped inside the payload of a blob ($, !, =) whose header is complete: how
   * many payload bytes are still to come (the CR LF after them not counted). Undefined anywhere
   * else. Lets a gap that falls inside a long argument be skipped without losing the framing.
   */
  missingBlobBytes(b: Uint8Array): number | undefined {
    const pos = this.pos;
    if (pos >= b.length) return undefined;
    const type = b[pos];
    if (type !== 0x24 && type !== 0x21 && type !== 0x3d) return undefined;
    const limit = Math.min(b.length, pos + MAX_LINE);
    for (let i = pos + 1; i + 1 < limit; i++) {
      if (b[i] !== 13 || b[i + 1] !== 10) continue;
      const n = lengthAt(b, pos + 1, i);
      if (n === undefined || n < 0) return undefined;
      const missing = i + 2 + n - b.length;
      return missing > 0 ? missing : undefined;
    }
    return undefined;
  }

  /** After consuming `n` bytes the scanner's indices shift (only valid between values). */
}

/**
 * The length or count of a RESP header line `b[from, to)` (an optional `-` and 1–12 ASCII digits),
 * or undefined, read from the bytes: no string is made for the header of
 * every element (redis-benchmark's pipelined LRANGE_100 replies are 100 headers each).
 */
function lengthAt(b: Uint8Array, from: number, to: number): number | undefined {
  let i = from;
  const neg = i < to && b[i] === 0x2d;
  if (neg) i++;
  if (to - i < 1 || to - i > 12) return undefined;
  let n = 0;
  for (; i < to; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return neg ? -n : n;
}

/** A header line's text (type byte at `pos`) for an error message: at most 32 characters. */
function headText(b: Uint8Array, pos: number, lf: number): string {
  return latin1Text(b.subarray(pos + 1, Math.min(lf, pos + 33)));
}

/** Build the tree of one complete value (already validated by the scanner). */
export function buildResp(b: Uint8Array, start: number): [RespNode, number] {
  let attrs: RespNode[] | undefined;
  let i = start;
  for (;;) {
    const type = String.fromCharCode(b[i]);
    let lf = i + 1;
    while (!(b[lf] === 13 && b[lf + 1] === 10)) lf++;
    let next = lf + 2;
    let node: RespNode;
    switch (type) {
      case '$':
      case '!':
      case '=': {
        const n = lengthAt(b, i + 1, lf) ?? -1;
        if (n < 0) node = { t: type, nil: true };
        else {
          node = { t: type, b: b.slice(next, next + n) };
          next += n + 2;
        }
        break;
      }
      case '*':
      case '~':
      case '>':
      case '%':
      case '|': {
        const n = lengthAt(b, i + 1, lf) ?? -1;
        if (n < 0) {
          node = { t: type, nil: true };
          break;
        }
        const count = type === '%' || type === '|' ? n * 2 : n;
        const items: RespNode[] = [];
        for (let k = 0; k < count; k++) {
          const [child, after] = buildResp(b, next);
          items.push(child);
          next = after;
        }
        if (type === '|') {
          attrs = (attrs ?? []).concat(items);
          i = next;
          continue; // the attributed value follows
        }
        node = { t: type, items };
        break;
      }
      case '_':
        node = { t: type, nil: true };
        break;
      default:
        node = { t: type, s: latin1Text(b.subarray(i + 1, lf)) };
    }
    if (attrs) node.attrs = attrs;
    return [node, next];
  }
}

/** A value a capture gap cut: what its captured head holds, and how many bytes it needs at least to end. */
export interface PartialValue {
  node?: RespNode;
  /** Fewest bytes that can still complete it (its own known lengths, the shortest encoding of what is unknown). */
  minRest: number;
}

/**
 * The tree of a value cut by a capture gap (the RESP framing of its head, as far as it goes): leaves
 * and aggregates hold what was captured and are marked `cut`. `minElem` is the shortest encoding of
 * a missing element (a command's are bulk strings: `$0\r\n\r\n`, 6 bytes; a reply's may be `_\r\n`).
 */
export function buildPartial(b: Uint8Array, maxDepth: number, minElem: number): PartialValue {
  const r = partial(b, 0, 0, maxDepth, minElem);
  return { node: r.node, minRest: r.done ? 0 : r.minRest };
}

interface Part {
  node?: RespNode;
  next: number;
  done: boolean;
  minRest: number;
}

function partial(b: Uint8Array, i: number, depth: number, maxDepth: number, minElem: number): Part {
  if (i >= b.length) return { next: i, done: false, minRest: minElem };
  const type = String.fromCharCode(b[i]);
  let lf = -1;
  for (let k = i + 1; k + 1 < b.length && k < i + MAX_LINE; k++) {
    if (b[k] === 13 && b[k + 1] === 10) {
      lf = k;
      break;
    }
  }
  const blob = type === '$' || type === '!' || type === '=';
  const aggregate = type === '*' || type === '~' || type === '>' || type === '%' || type === '|';
  if (lf < 0) {
    // The header line itself is cut.
    let head = latin1Text(b.subarray(i + 1));
    if (head.endsWith('\r')) head = head.slice(0, -1);
    const digits = /^\d*$/.test(head) ? head : '';
    if (blob) return { node: { t: type, b: new Uint8Array(0), cut: true }, next: b.length, done: false, minRest: (digits ? 0 : 1) + 2 + Number(digits || 0) + 2 };
    if (aggregate) return { node: { t: type, items: [], cut: true }, next: b.length, done: false, minRest: (digits ? 0 : 1) + 2 };
    return { node: { t: type, s: head, cut: true }, next: b.length, done: false, minRest: 2 };
  }
  const head = latin1Text(b.subarray(i + 1, lf));
  const next = lf + 2;
  if (blob) {
    const n = Number(head);
    if (!/^-?\d{1,12}$/.test(head) || n < 0) return { node: { t: type, nil: true }, next, done: true, minRest: 0 };
    if (next + n + 2 <= b.length) return { node: { t: type, b: b.slice(next, next + n) }, next: next + n + 2, done: true, minRest: 0 };
    // Cut in its data (marked), or only in the CR LF after it (the content is whole).
    const node: RespNode = { t: type, b: b.slice(next, Math.min(b.length, next + n)) };
    if (next + n > b.length) {
      node.cut = true;
      node.n = n;
    }
    return { node, next: b.length, done: false, minRest: next + n + 2 - b.length };
  }
  if (aggregate) {
    const n = Number(head);
    if (!/^-?\d{1,12}$/.test(head) || n < 0) return { node: { t: type, nil: true }, next, done: true, minRest: 0 };
    const count = type === '%' || type === '|' ? n * 2 : n;
    const items: RespNode[] = [];
    let pos = next;
    for (let k = 0; k < count; k++) {
      if (depth + 1 >= maxDepth || items.length >= MAX_ELEMENTS) return { node: { t: type, items, cut: true, n: count }, next: b.length, done: false, minRest: (count - k) * minElem };
      const c = partial(b, pos, depth + 1, maxDepth, minElem);
      if (c.node) items.push(c.node);
      if (!c.done) return { node: { t: type, items, cut: true, n: count }, next: b.length, done: false, minRest: c.minRest + (count - k - 1) * minElem };
      pos = c.next;
    }
    return { node: { t: type, items }, next: pos, done: true, minRest: 0 };
  }
  return { node: { t: type, s: head }, next, done: true, minRest: 0 };
}

/** Text of a blob/simple node (for command names, channels…); undefined for aggregates. */
export function nodeText(n: RespNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.b) return utf8Strict(n.b) ?? latin1Text(n.b);
  return n.s;
}

export interface JsonOptions {
  /** Bytes of a blob shown as text (longer ones are cut with an ellipsis). */
  maxText: number;
  /** Elements of an aggregate shown. */
  maxItems: number;
}

/** Blob bytes as display value: text when UTF-8, else { hex, size }. */
export function blobJson(b: Uint8Array, o: JsonOptions): unknown {
  const cut = b.length > o.maxText;
  const keep = cut ? b.subarray(0, o.maxText) : b;
  const t = utf8Strict(keep) ?? (cut ? utf8Strict(keep.subarray(0, Math.max(0, keep.length - 3))) : undefined);
  if (t !== undefined) return cut ? `${t}…` : t;
  return { hex: toHex(keep, Math.min(keep.length, 4096)), size: b.length };
}

/** The displayed JSON of a RESP value. */
export function respJson(n: RespNode, o: JsonOptions): unknown {
  const v = plainJson(n, o);
  if (n.attrs) return { attributes: pairs(n.attrs, o), value: v };
  return v;
}

function pairs(items: RespNode[], o: JsonOptions): unknown {
  const allText = items.every((x, k) => k % 2 === 1 || x.b !== undefined || x.s !== undefined);
  if (allText) {
    const out: Record<string, unknown> = {};
    let shown = 0;
    for (let k = 0; k + 1 < items.length; k += 2) {
      if (shown++ >= o.maxItems) {
        out['…'] = `${items.length / 2 - o.maxItems} more entries`;
        break;
      }
      out[nodeText(items[k]) ?? ''] = respJson(items[k + 1], o);
    }
    return out;
  }
  const arr: unknown[] = [];
  for (let k = 0; k + 1 < items.length && arr.length < o.maxItems; k += 2) arr.push([respJson(items[k], o), respJson(items[k + 1], o)]);
  return arr;
}

function plainJson(n: RespNode, o: JsonOptions): unknown {
  if (n.nil) return null;
  switch (n.t) {
    case '+':
      return n.s;
    case '-':
      return { error: n.s };
    case ':': {
      const v = Number(n.s);
      return Number.isSafeInteger(v) ? v : n.s;
    }
    case '#':
      return n.s === 't';
    case ',': {
      const s = (n.s ?? '').toLowerCase();
      if (s === 'inf' || s === '+inf') return 'inf';
      if (s === '-inf') return '-inf';
      if (s === 'nan' || s === '-nan') return 'nan';
      const v = Number(n.s);
      return Number.isFinite(v) ? v : n.s;
    }
    case '(':
      return n.s; // big number: kept exact as text
    case '$':
      return blobJson(n.b!, o);
    case '!':
      return { error: nodeText(n) };
    case '=': {
      // Verbatim string: "fmt:" + text; show the text (format in the key for non-txt).
      const b = n.b!;
      const fmt = b.length >= 4 && b[3] === 0x3a ? latin1Text(b.subarray(0, 3)) : '';
      const text = blobJson(fmt ? b.subarray(4) : b, o);
      return fmt && fmt !== 'txt' ? { format: fmt, text } : text;
    }
    case '%':
      return pairs(n.items ?? [], o);
    case '*':
    case '~':
    case '>': {
      const items = n.items ?? [];
      const out = items.slice(0, o.maxItems).map((x) => respJson(x, o));
      if (items.length > o.maxItems) out.push(`… ${items.length - o.maxItems} more`);
      return out;
    }
    default:
      return n.s;
  }
}
