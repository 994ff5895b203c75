/**
 * Streamed HTTP bodies read event by event as their bytes arrive (HTTP/1.1 and HTTP/2):
 *
 * - `text/event-stream` — the WHATWG HTML "server-sent events" parsing rules: lines end at CRLF,
 *   LF or CR; a line starting with ':' is a comment; `field:value` (one space after the colon
 *   dropped) or a bare field name; `event` sets the type, `data` lines are joined with LF, `id`
 *   (without NUL) sets the last event id, `retry` (ASCII digits) the reconnection time; a blank line
 *   dispatches the event when its data buffer is not empty. The type defaults to "message".
 * - NDJSON / JSON Lines (`application/x-ndjson`, `application/jsonl`, `application/stream+json`…):
 *   one JSON text per LF-terminated line (a CR before the LF is dropped, blank lines skipped).
 *
 * Each event becomes a StreamMessage whose time and frame are those of the packet that carried
 * the byte completing it (the blank line's first terminator byte, or the NDJSON line's LF): the
 * caller passes `posAt(i)` for each chunk, so the result is the same whatever the split.
 */
import type { Dir, HeaderList, StreamMessage } from '../core/model';
import type { Limits } from '../core/env';
import { concatBytes, utf8Text, utf8ByteLength } from '../core/bytes';
import { contentCodings, cutOf, decodeContentCodings, eventStreamFormatOf, headerValue, parseJsonBounded, parseMediaType } from './body';
import type { DecoderEnv } from '../core/env';

export type EventStreamFormat = 'sse' | 'ndjson';

/** Where a byte came from. */
export interface EventAt {
  frame: number;
  tsUs: number;
}

export { eventStreamFormatOf };

/** The streamed format of a message, by its Content-Type header. */
export function eventStreamFormat(headers: HeaderList | undefined): EventStreamFormat | undefined {
  return eventStreamFormatOf(parseMediaType(headerValue(headers, 'content-type'))?.essence);
}

/** Content codings (other than identity) that must be undone before the events can be read. */
export function streamCodings(headers: HeaderList | undefined): string[] {
  return contentCodings(headers).filter((c) => c !== 'identity');
}

const CR = 13;
const LF = 10;

export class EventStreamReader {
  readonly messages: StreamMessage[] = [];
  /** Events found beyond limits.maxMessagesPerCall (counted, not kept). */
  dropped = 0;
  /** Events found, kept or not. */
  count = 0;
  readonly warnings: string[] = [];
  private line: Uint8Array[] = [];
  private lineBytes = 0;
  private lineTooLong = false;
  /** The previous chunk ended with CR: an LF starting this one belongs to that line end. */
  private skipLf = false;
  private last?: EventAt;
  // SSE state
  private data: string[] = [];
  private dataBytes = 0;
  private dataCut = false;
  private type = '';
  private lastId = '';
  private idInBlock = false;
  private retry?: number;
  private seenBlockLine = false;

  constructor(
    readonly format: EventStreamFormat,
    readonly dir: Dir,
    private readonly limits: Limits,
  ) {}

  /** The next bytes of the (content-decoded) body; `posAt(i)` is where bytes[i] came from. */
  push(bytes: Uint8Array, posAt: (i: number) => EventAt): void {
    let i = 0;
    const n = bytes.length;
    if (n === 0) return;
    if (this.skipLf) {
      this.skipLf = false;
      if (bytes[0] === LF) i = 1;
    }
    while (i < n) {
      let j = i;
      if (this.format === 'ndjson') {
        j = bytes.indexOf(LF, i);
        if (j < 0) j = n;
      } else {
        while (j < n && bytes[j] !== LF && bytes[j] !== CR) j++;
      }
      if (j > i) this.addToLine(bytes.subarray(i, j));
      if (j >= n) break;
      const at = posAt(j);
      this.last = at;
      this.endLine(at);
      if (bytes[j] === CR) {
        if (j + 1 < n) {
          if (bytes[j + 1] === LF) j++;
        } else this.skipLf = true;
      }
      i = j + 1;
    }
    this.last = posAt(n - 1);
  }

  /** The body ended (`at`: where, when nothing was pushed since). */
  end(at?: EventAt): void {
    if (this.format === 'ndjson') {
      if (this.lineBytes || this.lineTooLong) {
        const pos = this.last ?? at;
        if (pos) this.endLine(pos);
      }
      return;
    }
    if (this.lineBytes || this.data.length || this.lineTooLong) this.warnings.push('the stream ended inside an event: its unfinished data was discarded (no blank line after it)');
    this.line = [];
    this.lineBytes = 0;
  }

  private addToLine(part: Uint8Array): void {
    if (this.lineTooLong) {
      this.lineBytes += part.length;
      return;
    }
    const room = this.limits.maxBodyBytes - this.lineBytes;
    if (part.length > room) {
      this.lineTooLong = true;
      this.line = [];
      this.lineBytes += part.length;
      return;
    }
    this.line.push(part.slice());
    this.lineBytes += part.length;
  }

  private takeLine(): string | undefined {
    const parts = this.line;
    const text = this.lineTooLong ? undefined : parts.length === 0 ? '' : utf8Text(parts.length === 1 ? parts[0] : concatBytes(parts));
    this.line = [];
    this.lineBytes = 0;
    this.lineTooLong = false;
    return text;
  }

  private endLine(at: EventAt): void {
    if (this.format === 'ndjson') return this.ndjsonLine(at);
    const text = this.takeLine();
    if (text === undefined) {
      this.seenBlockLine = true;
      this.dataCut = true;
      this.warnOnce(`a line longer than ${this.limits.maxBodyBytes} bytes was not kept`);
      return;
    }
    if (text === '') return this.dispatch(at);
    this.seenBlockLine = true;
    if (text.charCodeAt(0) === 58 /* : */) return; // comment
    const colon = text.indexOf(':');
    let field = text;
    let value = '';
    if (colon >= 0) {
      field = text.slice(0, colon);
      value = text.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
    }
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        if (this.dataBytes + value.length > this.limits.maxBodyBytes) {
          this.dataCut = true;
          this.dataBytes += value.length + 1;
          break;
        }
        this.data.push(value);
        this.dataBytes += value.length + 1;
        break;
      case 'id':
        if (value.indexOf('\0') < 0) {
          this.lastId = value;
          this.idInBlock = true;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  /** A blank line: dispatch the event built from the lines before it. */
  private dispatch(at: EventAt): void {
    const hadLines = this.seenBlockLine;
    this.seenBlockLine = false;
    const id = this.idInBlock ? this.lastId : undefined;
    const retry = this.retry;
    const cut = this.dataCut;
    this.idInBlock = false;
    this.retry = undefined;
    this.dataCut = false;
    if (!hadLines) return;
    if (this.data.length === 0 && !cut) {
      // No data: nothing is dispatched (only the last event id and reconnection time change).
      this.type = '';
      this.data = [];
      this.dataBytes = 0;
      return;
    }
    const data = this.data.join('\n');
    const type = this.type || 'message';
    this.type = '';
    this.data = [];
    const dataBytes = this.dataBytes;
    this.dataBytes = 0;
    const meta: Record<string, string | number> = {};
    if (this.format === 'sse' && type !== 'message') meta.event = type;
    if (id !== undefined) meta.id = id;
    if (retry !== undefined) meta.retry = retry;
    const m = this.add(at, utf8ByteLength(data), type, cut ? undefined : data, cut ? `data longer than ${this.limits.maxBodyBytes} bytes: not kept` : undefined);
    if (m) {
      if (cut) m.size = dataBytes;
      if (Object.keys(meta).length) m.meta = meta;
    }
  }

  private ndjsonLine(at: EventAt): void {
    const size = this.lineBytes;
    let text = this.takeLine();
    if (text === undefined) {
      this.add(at, size, 'data', undefined, `line longer than ${this.limits.maxBodyBytes} bytes: not kept`);
      return;
    }
    let bytes = size;
    if (text.endsWith('\r')) {
      text = text.slice(0, -1);
      bytes--;
    }
    if (text.charCodeAt(0) === 0x1e) text = text.slice(1); // application/json-seq record separator
    if (text.trim() === '') return;
    this.add(at, bytes, 'data', text, undefined, true);
  }

  private add(at: EventAt, size: number, label: string, data: string | undefined, warning?: string, mustBeJson = false): StreamMessage | undefined {
    const index = this.count++;
    if (this.messages.length >= this.limits.maxMessagesPerCall) {
      this.dropped++;
      return undefined;
    }
    const m: StreamMessage = { dir: this.dir, index, tsUs: at.tsUs, size, frame: at.frame, label };
    const warnings: string[] = [];
    if (warning) warnings.push(warning);
    if (data !== undefined) {
      const v = jsonValue(data, this.limits.maxDepth, mustBeJson);
      m.value = v.value;
      if (v.warning) warnings.push(v.warning);
    }
    if (warnings.length) m.warnings = warnings;
    this.messages.push(m);
    return m;
  }

  private warnOnce(w: string): void {
    if (!this.warnings.includes(w)) this.warnings.push(w);
  }
}

/** The data as JSON when it is a JSON text, else as text. */
function jsonValue(data: string, maxDepth: number, mustBeJson: boolean): { value: unknown; warning?: string } {
  const t = data.trim();
  const c = t.charCodeAt(0);
  // JSON texts start with { [ " - a digit, t(rue) f(alse) n(ull).
  const plausible = c === 123 || c === 91 || c === 34 || c === 45 || (c >= 48 && c <= 57) || t === 'true' || t === 'false' || t === 'null';
  if (!plausible) return mustBeJson ? { value: data, warning: 'not a JSON text: kept as text' } : { value: data };
  const r = parseJsonBounded(t, maxDepth);
  if (r.ok) return { value: r.value, warning: r.note };
  return mustBeJson ? { value: data, warning: r.warning } : { value: data };
}


/**
 * Finish a streamed call: its messages, a warning for those not kept, and its kind
 * (server-stream, client-stream, or bidi when both directions streamed).
 */
export function applyEventStreams(call: { kind: string; messages?: StreamMessage[]; warnings: string[] }, readers: Array<EventStreamReader | undefined>, maxMessages: number): void {
  const present = readers.filter((r): r is EventStreamReader => !!r);
  if (!present.length) return;
  const msgs: StreamMessage[] = [];
  for (const r of present) msgs.push(...r.messages);
  msgs.sort((a, b) => a.tsUs - b.tsUs || (a.frame ?? 0) - (b.frame ?? 0) || (a.dir === b.dir ? a.index - b.index : a.dir === 'c2s' ? -1 : 1));
  call.messages = msgs;
  for (const r of present) {
    const what = r.format === 'sse' ? 'events' : 'lines';
    const side = r.dir === 'c2s' ? 'request' : 'response';
    if (r.dropped) call.warnings.push(`${side} stream: ${r.dropped} ${what} beyond the first ${maxMessages} not kept`);
    for (const w of r.warnings) call.warnings.push(`${side} stream: ${w}`);
  }
  const c2s = present.some((r) => r.dir === 'c2s');
  const s2c = present.some((r) => r.dir === 's2c');
  call.kind = c2s && s2c ? 'bidi' : c2s ? 'client-stream' : 'server-stream';
}

/**
 * A streamed body with a content coding cannot be read as it arrives here: its bytes (the bounded
 * preview) are decoded at the end and its events all take the time of the end of the body.
 */
export function readCodedEventStream(reader: EventStreamReader, preview: Uint8Array, size: number, codings: string[], env: DecoderEnv, at: EventAt): void {
  const warnings: string[] = [];
  const decoded = decodeContentCodings(preview, codings, env, warnings, cutOf(preview.length, size, env.limits));
  for (const w of warnings) reader.warnings.push(w);
  if (decoded) {
    if (decoded.length) reader.push(decoded, () => at);
    reader.warnings.push(`${codings.join(', ')}-coded stream decoded at its end: every event has the time of the end of the body`);
    if (size > preview.length) reader.warnings.push(`only the first ${preview.length} bytes (the body preview) were read for events`);
  }
  reader.end(at);
}
