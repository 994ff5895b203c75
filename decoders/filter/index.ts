/**
 * The call filter language: a small expression language over a Call's fields, shared by the
 * capture editor (validation, completion, and — on the host — evaluation) and the CLI `--filter`.
 *
 *   grpc.status != 0 && duration > 100ms
 *   http.status >= 400 or state == aborted
 *   method ~ "Person"                      (regular expression, case-insensitive; plain text if not a valid one)
 *   protocol in {mqtt, amqp}
 *   !ok        not (protocol == http)      http.status          (a bare field: present, and not false)
 *
 * Fields: the keys of `Call.fields` (Wireshark vocabulary: `http.status`, `mqtt.topic`…) plus the
 * built-ins in FILTER_FIELDS. Values: numbers (with a unit: µs/us/ms/s/m for times, B/KB/KiB/MB/MiB
 * for sizes; a bare number compared with `duration` means milliseconds), quoted strings, bare words
 * (`grpc`, `127.0.0.1:8080`), `true`/`false`.
 *
 * Semantics worth knowing: a comparison with a field the call does not have is false, whatever the
 * operator (so `grpc.status != 0` never matches a REST call); string equality ignores case;
 * `client == 10.0.0.1` matches any port of that address.
 *
 * Pure code: no DOM, no node — it runs in the webview, the worker and the CLI.
 */
import type { Call } from '../core/model';

/** A parse error; `start`/`end` are character offsets into the filter text (end exclusive). */
export interface FilterError {
  message: string;
  start: number;
  end: number;
}

export type FieldValue = string | number | boolean | undefined;

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~';

/** A literal value as written, already converted (units applied). */
export interface FilterValue {
  /** Number after units (µs for times, bytes for sizes), or the string itself. */
  value: string | number | boolean;
  /** The text as written, for messages and string comparisons of numeric-looking words. */
  raw: string;
  /** The unit family a number was written with. */
  unit?: 'time' | 'size';
  start: number;
  end: number;
}

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'exists'; field: string; start: number; end: number }
  | { type: 'compare'; field: string; op: CompareOp; value: FilterValue; regex?: RegExp; start: number; end: number }
  | { type: 'in'; field: string; values: FilterValue[]; start: number; end: number };

export type ParseResult = { ok: true; node: FilterNode | null } | { ok: false; error: FilterError };

/** A field the language knows about, for completion and documentation. */
export interface FieldInfo {
  name: string;
  detail: string;
  /** Values worth suggesting after an operator. */
  values?: string[];
}

export const PROTOCOLS = [
  'http', 'http2', 'grpc', 'connect', 'twirp', 'xmlrpc', 'jsonrpc', 'graphql', 'trpc', 'signalr', 'soap', 'thrift', 'dubbo', 'hessian', 'websocket', 'socketio', 'sockjs', 'amqp', 'mqtt', 'kafka', 'rabbitstream', 'redis', 'stomp', 'nats', 'zmtp', 'dns', 'tls', 'quic',
];

/** Built-in fields (always available) followed by common `Call.fields` keys. */
export const FILTER_FIELDS: FieldInfo[] = [
  { name: 'protocol', detail: 'decoder id: http, grpc, xmlrpc, mqtt…', values: PROTOCOLS },
  { name: 'method', detail: 'HTTP method, RPC method, broker operation' },
  { name: 'target', detail: 'URI path, /pkg.Service/Method, topic, queue, key' },
  { name: 'status', detail: 'status code (HTTP status, gRPC status, reply code…)' },
  { name: 'status.text', detail: 'status text (reason phrase, gRPC status name, fault string)' },
  { name: 'ok', detail: 'true unless the call failed', values: ['true', 'false'] },
  { name: 'duration', detail: 'first request byte → last response byte (µs, ms, s; bare number = ms)' },
  { name: 'size', detail: 'request + response bytes (B, KiB, MiB)' },
  { name: 'client', detail: 'client address ip:port' },
  { name: 'server', detail: 'server address ip:port' },
  { name: 'kind', detail: 'unary, client-stream, server-stream, bidi, oneway, publish, deliver, event, batch', values: ['unary', 'client-stream', 'server-stream', 'bidi', 'oneway', 'publish', 'deliver', 'event', 'batch'] },
  { name: 'state', detail: 'complete, pending, aborted, incomplete', values: ['complete', 'pending', 'aborted', 'incomplete'] },
  { name: 'flow', detail: 'connection number' },
  { name: 'id', detail: 'call number' },
  { name: 'messages', detail: 'number of streamed messages' },
  { name: 'warnings', detail: 'number of warnings' },
  { name: 'http.request.method', detail: 'HTTP request method' },
  { name: 'http.status', detail: 'HTTP response status' },
  { name: 'http.host', detail: 'Host / :authority' },
  { name: 'http.request.uri', detail: 'request URI' },
  { name: 'http.request.uri.path', detail: 'request path (no query)' },
  { name: 'http.content_type', detail: 'Content-Type' },
  { name: 'grpc.status', detail: 'gRPC status (0 = OK)' },
  { name: 'grpc.service', detail: 'gRPC service name' },
  { name: 'grpc.method', detail: 'gRPC method name' },
  { name: 'connect.code', detail: 'Connect error code name (not_found, deadline_exceeded…)' },
  { name: 'connect.service', detail: 'Connect service name' },
  { name: 'connect.method', detail: 'Connect method name' },
  { name: 'twirp.code', detail: 'Twirp error code (not_found, bad_route, invalid_argument…)' },
  { name: 'twirp.service', detail: 'Twirp service name (pkg.Service)' },
  { name: 'twirp.method', detail: 'Twirp method name' },
  { name: 'xmlrpc.method', detail: 'XML-RPC methodName' },
  { name: 'xmlrpc.fault.code', detail: 'XML-RPC faultCode' },
  { name: 'jsonrpc.method', detail: 'JSON-RPC method' },
  { name: 'jsonrpc.error.code', detail: 'JSON-RPC error code' },
  { name: 'soap.action', detail: 'SOAPAction' },
  { name: 'thrift.method', detail: 'Thrift method' },
  { name: 'websocket.opcode', detail: 'WebSocket opcode' },
  { name: 'amqp.exchange', detail: 'AMQP exchange' },
  { name: 'amqp.routing_key', detail: 'AMQP routing key' },
  { name: 'amqp.queue', detail: 'AMQP queue' },
  { name: 'mqtt.topic', detail: 'MQTT topic' },
  { name: 'mqtt.qos', detail: 'MQTT QoS', values: ['0', '1', '2'] },
  { name: 'kafka.topic', detail: 'Kafka topic' },
  { name: 'kafka.api_key', detail: 'Kafka API key' },
  { name: 'rabbitstream.stream', detail: 'RabbitMQ stream' },
  { name: 'rabbitstream.response_code', detail: 'RabbitMQ stream protocol response code (1 OK, 2 STREAM_DOES_NOT_EXIST…)' },
  { name: 'redis.command', detail: 'Redis command' },
  { name: 'stomp.destination', detail: 'STOMP destination' },
  { name: 'nats.subject', detail: 'NATS subject' },
  { name: 'client.name', detail: 'the name a connection gave itself (AMQP connection_name, MQTT client id, Kafka client.id…)' },
];

const BUILTIN = new Set(FILTER_FIELDS.slice(0, 16).map((f) => f.name));

// ── lexer ─────────────────────────────────────────────────────────────────────────────────────

type TokKind = 'word' | 'string' | 'op' | '(' | ')' | '{' | '}' | ',' | 'and' | 'or' | 'not' | 'in' | 'eof';
interface Token {
  kind: TokKind;
  text: string;
  start: number;
  end: number;
}

class FilterSyntaxError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
  }
}

const WORD_STOP = /[\s(){},=!<>~&|"']/;

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      out.push({ kind: two === '&&' ? 'and' : 'or', text: two, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (two === '==' || two === '!=' || two === '<=' || two === '>=' || two === '!~') {
      out.push({ kind: 'op', text: two, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (c === '<' || c === '>' || c === '~') {
      out.push({ kind: 'op', text: c, start, end: i + 1 });
      i++;
      continue;
    }
    if (c === '=') {
      // A lone '=' is almost always meant as '=='; accept it, as many filter languages do.
      out.push({ kind: 'op', text: '==', start, end: i + 1 });
      i++;
      continue;
    }
    if (c === '!') {
      out.push({ kind: 'not', text: c, start, end: i + 1 });
      i++;
      continue;
    }
    if (c === '&' || c === '|') throw new FilterSyntaxError(`use '${c}${c}' (or '${c === '&' ? 'and' : 'or'}')`, i, i + 1);
    if (c === '(' || c === ')' || c === '{' || c === '}' || c === ',') {
      out.push({ kind: c, text: c, start, end: i + 1 });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FilterSyntaxError('unterminated string', start, src.length);
        const d = src[i];
        if (d === c) {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < src.length) {
          const e = src[i + 1];
          text += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
          continue;
        }
        text += d;
        i++;
      }
      out.push({ kind: 'string', text, start, end: i });
      continue;
    }
    while (i < src.length && !WORD_STOP.test(src[i])) i++;
    const text = src.slice(start, i);
    const lower = text.toLowerCase();
    const kind: TokKind = lower === 'and' ? 'and' : lower === 'or' ? 'or' : lower === 'not' ? 'not' : lower === 'in' ? 'in' : 'word';
    if (lower === 'contains' || lower === 'matches') out.push({ kind: 'op', text: '~', start, end: i });
    else out.push({ kind, text, start, end: i });
  }
  out.push({ kind: 'eof', text: '', start: src.length, end: src.length });
  return out;
}

// ── values ────────────────────────────────────────────────────────────────────────────────────

const TIME_UNITS: Record<string, number> = { ns: 0.001, us: 1, µs: 1, μs: 1, ms: 1000, s: 1_000_000, sec: 1_000_000, m: 60_000_000, min: 60_000_000 };
/**
 * Size units, in filters and in the CLI's --max-body: k, m, g and KiB, MiB, GiB count in 1024s; kB,
 * MB, GB in 1000s (IEC 80000-13); case does not matter.
 */
export const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1, kb: 1000, k: 1024, kib: 1024, mb: 1_000_000, mib: 1024 * 1024, m: 1024 * 1024, gb: 1e9, gib: 1024 ** 3, g: 1024 ** 3,
};

function toValue(tok: Token, field: string): FilterValue {
  const base = { raw: tok.text, start: tok.start, end: tok.end };
  if (tok.kind === 'string') return { ...base, value: tok.text };
  const lower = tok.text.toLowerCase();
  if (lower === 'true' || lower === 'false') return { ...base, value: lower === 'true' };
  const m = /^(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|-?0x[0-9a-f]+)([a-zµμ]*)$/i.exec(tok.text);
  if (m) {
    const n = Number(m[1]);
    const unit = m[2].toLowerCase();
    if (!unit) return { ...base, value: field === 'duration' ? n * 1000 : n };
    // 'm' is minutes for durations and MiB for sizes; decide by the field.
    const sizeField = field === 'size' || /size|bytes|length/.test(field);
    if (!sizeField && unit in TIME_UNITS) return { ...base, value: n * TIME_UNITS[unit], unit: 'time' };
    if (unit in SIZE_UNITS) return { ...base, value: n * SIZE_UNITS[unit], unit: 'size' };
    if (unit in TIME_UNITS) return { ...base, value: n * TIME_UNITS[unit], unit: 'time' };
    // An IP-like word (10.0.0.1) or anything else that starts with digits: keep it as text.
  }
  return { ...base, value: tok.text };
}

// ── parser ────────────────────────────────────────────────────────────────────────────────────

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.i];
  }
  private next(): Token {
    return this.toks[this.i++];
  }

  parse(): FilterNode | null {
    if (this.peek().kind === 'eof') return null;
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'eof') {
      const hint = t.kind === ')' ? 'unmatched )' : t.kind === 'word' || t.kind === 'string' ? `expected && or || before '${t.text}'` : `unexpected '${t.text}'`;
      throw new FilterSyntaxError(hint, t.start, t.end);
    }
    return node;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.peek().kind === 'or') {
      this.next();
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.not();
    while (this.peek().kind === 'and') {
      this.next();
      left = { type: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): FilterNode {
    if (this.peek().kind === 'not') {
      this.next();
      return { type: 'not', operand: this.not() };
    }
    return this.primary();
  }

  private primary(): FilterNode {
    const t = this.next();
    if (t.kind === '(') {
      const inner = this.or();
      const close = this.next();
      if (close.kind !== ')') throw new FilterSyntaxError(`expected ')' to close the '(' at ${t.start + 1}`, close.start, Math.max(close.end, close.start + 1));
      return inner;
    }
    if (t.kind === 'eof') throw new FilterSyntaxError('expected a field name', t.start, t.start);
    if (t.kind !== 'word') throw new FilterSyntaxError(`expected a field name, found '${t.text}'`, t.start, t.end);
    if (!/^[A-Za-z_:][\w.:\-]*$/.test(t.text)) throw new FilterSyntaxError(`'${t.text}' is not a field name`, t.start, t.end);
    const field = t.text; // field keys are case-sensitive as written
    // Protocol fields always have a dot (http.status); a dotless word that is not a built-in is
    // most likely a value typed on its own, which would silently match nothing.
    if (!field.includes('.') && !BUILTIN.has(field)) {
      throw new FilterSyntaxError(`unknown field '${field}': to search for it, write method ~ "${field}" or target ~ "${field}"`, t.start, t.end);
    }
    const op = this.peek();
    if (op.kind === 'op') {
      this.next();
      const vt = this.next();
      if (vt.kind !== 'word' && vt.kind !== 'string') {
        throw new FilterSyntaxError(vt.kind === 'eof' ? `expected a value after '${op.text}'` : `expected a value, found '${vt.text}'`, vt.start, Math.max(vt.end, vt.start + 1));
      }
      const value = toValue(vt, field);
      const node: FilterNode = { type: 'compare', field, op: op.text as CompareOp, value, start: t.start, end: vt.end };
      if (node.op === '~' || node.op === '!~') node.regex = makeRegex(vt.text);
      if ((node.op === '<' || node.op === '<=' || node.op === '>' || node.op === '>=') && typeof value.value === 'boolean') {
        throw new FilterSyntaxError(`'${op.text}' needs a number or text, not ${vt.text}`, vt.start, vt.end);
      }
      return node;
    }
    if (op.kind === 'in') {
      this.next();
      const open = this.next();
      if (open.kind !== '{') throw new FilterSyntaxError("expected '{' after 'in'", open.start, Math.max(open.end, open.start + 1));
      const values: FilterValue[] = [];
      for (;;) {
        const vt = this.next();
        if (vt.kind === '}' && values.length === 0) throw new FilterSyntaxError('empty set', open.start, vt.end);
        if (vt.kind !== 'word' && vt.kind !== 'string') throw new FilterSyntaxError(vt.kind === 'eof' ? "expected a value and '}'" : `expected a value, found '${vt.text}'`, vt.start, Math.max(vt.end, vt.start + 1));
        values.push(toValue(vt, field));
        const sep = this.next();
        if (sep.kind === '}') return { type: 'in', field, values, start: t.start, end: sep.end };
        if (sep.kind !== ',') throw new FilterSyntaxError(sep.kind === 'eof' ? "expected '}'" : `expected ',' or '}', found '${sep.text}'`, sep.start, Math.max(sep.end, sep.start + 1));
      }
    }
    if (op.kind === 'word' || op.kind === 'string') throw new FilterSyntaxError(`expected an operator (== != < > ~ in) before '${op.text}'`, op.start, op.end);
    return { type: 'exists', field, start: t.start, end: t.end };
  }
}

function makeRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'i');
  } catch {
    return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  }
}

/** Parses a filter. Empty text gives `node: null` (matches everything). Never throws. */
export function parseFilter(text: string): ParseResult {
  try {
    return { ok: true, node: new Parser(lex(text)).parse() };
  } catch (e) {
    if (e instanceof FilterSyntaxError) return { ok: false, error: { message: e.message, start: e.start, end: e.end } };
    throw e;
  }
}

// ── evaluation ────────────────────────────────────────────────────────────────────────────────

/** Looks a field up on whatever is being filtered. */
export type FieldGetter = (field: string) => FieldValue;

function asNumber(v: FieldValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^-?0x[0-9a-f]+$/i.test(v.trim())) return Number(v);
  return undefined;
}

function isEndpointField(field: string): boolean {
  return field === 'client' || field === 'server';
}

function equals(field: string, actual: FieldValue, expected: FilterValue): boolean {
  if (actual === undefined) return false;
  const ev = expected.value;
  if (typeof ev === 'boolean') return typeof actual === 'boolean' ? actual === ev : (asNumber(actual) ?? NaN) === (ev ? 1 : 0) || String(actual).toLowerCase() === String(ev);
  if (typeof ev === 'number') {
    const an = asNumber(actual);
    if (an !== undefined) return an === ev;
    return String(actual).toLowerCase() === expected.raw.toLowerCase();
  }
  const a = String(actual).toLowerCase();
  const e = ev.toLowerCase();
  if (a === e) return true;
  if (isEndpointField(field)) {
    // "10.0.0.1" matches any port; ":8080" matches any address.
    const cut = a.lastIndexOf(':');
    if (cut > 0 && a.slice(0, cut).replace(/^\[|\]$/g, '') === e.replace(/^\[|\]$/g, '')) return true;
    if (e.startsWith(':') && a.endsWith(e)) return true;
  }
  return false;
}

function order(actual: FieldValue, expected: FilterValue): number | undefined {
  if (actual === undefined) return undefined;
  const ev = expected.value;
  if (typeof ev === 'number') {
    const an = asNumber(actual);
    return an === undefined ? undefined : an - ev;
  }
  const a = String(actual);
  const e = String(ev);
  return a < e ? -1 : a > e ? 1 : 0;
}

/** Evaluates a parsed filter against one record. A null node matches everything. */
export function evaluateFilter(node: FilterNode | null, get: FieldGetter): boolean {
  if (!node) return true;
  switch (node.type) {
    case 'and':
      return evaluateFilter(node.left, get) && evaluateFilter(node.right, get);
    case 'or':
      return evaluateFilter(node.left, get) || evaluateFilter(node.right, get);
    case 'not':
      return !evaluateFilter(node.operand, get);
    case 'exists': {
      const v = get(node.field);
      return v !== undefined && v !== false && v !== '';
    }
    case 'in': {
      const v = get(node.field);
      return node.values.some((x) => equals(node.field, v, x));
    }
    case 'compare': {
      const v = get(node.field);
      if (v === undefined) return false;
      switch (node.op) {
        case '==':
          return equals(node.field, v, node.value);
        case '!=':
          return !equals(node.field, v, node.value);
        case '~':
          return node.regex!.test(String(v));
        case '!~':
          return !node.regex!.test(String(v));
        default: {
          const d = order(v, node.value);
          if (d === undefined || Number.isNaN(d)) return false;
          return node.op === '<' ? d < 0 : node.op === '<=' ? d <= 0 : node.op === '>' ? d > 0 : d >= 0;
        }
      }
    }
  }
}

function endpointText(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** The value of a filter field on a full Call (built-ins first, then `call.fields`). */
export function callField(call: Call, field: string): FieldValue {
  switch (field) {
    case 'protocol':
      return call.protocol;
    case 'method':
      return call.method;
    case 'target':
      return call.target;
    case 'status':
      return call.status?.code;
    case 'status.text':
      return call.status?.text;
    case 'ok':
      return call.status ? call.status.ok : call.state === 'aborted' ? false : call.state === 'complete' ? true : undefined;
    case 'duration':
      return call.timing.endUs === undefined ? undefined : call.timing.endUs - call.timing.startUs;
    case 'size': {
      const wire = (call.request?.wireBytes ?? 0) + (call.response?.wireBytes ?? 0);
      return wire || (call.request?.body?.size ?? 0) + (call.response?.body?.size ?? 0);
    }
    case 'client':
      return endpointText(call.client);
    case 'server':
      return endpointText(call.server);
    case 'kind':
      return call.kind;
    case 'state':
      return call.state;
    case 'flow':
      return call.flowId;
    case 'id':
      return call.id;
    case 'messages':
      return call.messages?.length ?? 0;
    case 'warnings':
      return call.warnings.length;
  }
  const v = call.fields[field];
  return v;
}

/** Parses once and returns a predicate over Calls (for the host and the CLI). */
export function compileFilter(text: string): { ok: true; test: (call: Call) => boolean } | { ok: false; error: FilterError } {
  const r = parseFilter(text);
  if (!r.ok) return r;
  const node = r.node;
  return { ok: true, test: (call) => evaluateFilter(node, (f) => callField(call, f)) };
}

/** Field names used in a filter (for "unknown field" hints). */
export function filterFields(node: FilterNode | null, out: Set<string> = new Set()): Set<string> {
  if (!node) return out;
  if (node.type === 'and' || node.type === 'or') {
    filterFields(node.left, out);
    filterFields(node.right, out);
  } else if (node.type === 'not') filterFields(node.operand, out);
  else if (node.type === 'exists' || node.type === 'compare' || node.type === 'in') out.add(node.field);
  return out;
}

export function isBuiltinField(name: string): boolean {
  return BUILTIN.has(name);
}

// ── completion ────────────────────────────────────────────────────────────────────────────────

export interface CompletionItem {
  label: string;
  detail?: string;
  /** Text to insert (defaults to label). */
  insert?: string;
}

export interface Completion {
  /** Replace text[from, to) with the chosen item's insert text. */
  from: number;
  to: number;
  items: CompletionItem[];
}

const OPERATORS: CompletionItem[] = [
  { label: '==', detail: 'equals' },
  { label: '!=', detail: 'differs' },
  { label: '>', detail: 'greater than' },
  { label: '>=', detail: 'at least' },
  { label: '<', detail: 'less than' },
  { label: '<=', detail: 'at most' },
  { label: '~', detail: 'matches (regex or text, any case)' },
  { label: 'in', detail: 'one of {a, b}', insert: 'in {' },
];

/**
 * Suggestions at a cursor position: field names where a field can start, operators after a
 * field, known values after an operator. `extraFields` adds keys seen in the capture.
 */
export function completeFilter(text: string, cursor: number, extraFields: string[] = []): Completion {
  const before = text.slice(0, cursor);
  const m = /[^\s(){},=!<>~&|"']*$/.exec(before)!;
  const prefix = m[0];
  const from = cursor - prefix.length;
  let to = cursor;
  while (to < text.length && !WORD_STOP.test(text[to])) to++;
  // What precedes the word decides what can go here.
  let toks: Token[];
  try {
    toks = lex(text.slice(0, from));
  } catch {
    return { from, to, items: [] };
  }
  toks.pop(); // eof
  const last = toks[toks.length - 1];
  const prev = toks[toks.length - 2];
  const fieldsByName = new Map<string, FieldInfo>();
  for (const f of FILTER_FIELDS) fieldsByName.set(f.name, f);
  for (const k of extraFields) if (!fieldsByName.has(k)) fieldsByName.set(k, { name: k, detail: 'field seen in this capture' });
  const p = prefix.toLowerCase();
  const matchPrefix = (label: string) => label.toLowerCase().startsWith(p) && label.toLowerCase() !== p;

  const fieldPosition = !last || last.kind === 'and' || last.kind === 'or' || last.kind === 'not' || last.kind === '(';
  if (fieldPosition) {
    const items = [...fieldsByName.values()]
      .filter((f) => !p || f.name.toLowerCase().startsWith(p) || f.name.toLowerCase().includes('.' + p))
      .map((f) => ({ label: f.name, detail: f.detail }));
    return { from, to, items };
  }
  if (last.kind === 'word' && (!prev || prev.kind === 'and' || prev.kind === 'or' || prev.kind === 'not' || prev.kind === '(')) {
    // After a complete field: operators, or && / || if the field stands alone.
    const items = OPERATORS.filter((o) => !p || o.label.startsWith(p));
    if (!p) items.push({ label: '&&', detail: 'and' }, { label: '||', detail: 'or' });
    return { from, to, items };
  }
  // After an operator (or inside `in {…}`): values of the field.
  let field: string | undefined;
  if (last.kind === 'op' && prev?.kind === 'word') field = prev.text;
  else {
    for (let i = toks.length - 1; i >= 1; i--) {
      if (toks[i].kind === '}') break;
      if (toks[i].kind === '{' && toks[i - 1]?.kind === 'in' && toks[i - 2]?.kind === 'word') {
        field = toks[i - 2].text;
        break;
      }
    }
    if (field && last.kind !== '{' && last.kind !== ',') field = undefined;
  }
  if (field) {
    const info = fieldsByName.get(field);
    const values = info?.values ?? (field === 'duration' ? ['1ms', '10ms', '100ms', '1s'] : field === 'size' ? ['1KiB', '64KiB', '1MiB'] : []);
    return { from, to, items: values.filter((v) => !p || matchPrefix(v)).map((v) => ({ label: v })) };
  }
  if (last.kind === 'word' || last.kind === 'string' || last.kind === ')' || last.kind === '}') {
    return { from, to, items: [{ label: '&&', detail: 'and' }, { label: '||', detail: 'or' }].filter((o) => !p || o.label.startsWith(p)) };
  }
  return { from, to, items: [] };
}
