/**
 * AsyncAPI 2.x and 3.x channel index: each channel's address (2.x: the channel key; 3.x: its
 * `address`, or the key when absent) with `{parameters}` as one-segment wildcards, the protocols
 * of the document's servers, and where the channel is written. A message's topic, subject,
 * routing key or queue is matched to a channel. A document split across files (external `$ref`s:
 * a channel, a message in its own file) is bundled first (refs.ts): a channel is where it is
 * written. Pure (files are read through `RefOptions.readText`).
 */
import { declaresKey, parseSource } from './source';
import { bundleRefs, followRefs, pointerOf, warningLines, type DefinitionProblem, type RefOptions } from './refs';

export interface AsyncApiChannel {
  /** The file the channel is written in (the root, or a file a `$ref` names). */
  file: string;
  /** The channel key in the document. */
  id: string;
  /** The address matched against topics (2.x: the key). */
  address: string;
  line: number;
  column: number;
  /** Protocols of the servers (lower-case: mqtt, amqp, kafka, nats, ws…); empty = any. */
  protocols: string[];
  /** JSON pointers of message payload schemas, for validation. */
  payloads: string[];
  re: RegExp;
  literal: number;
}

export interface AsyncApiDoc {
  file: string;
  version: string;
  title?: string;
  data: Record<string, unknown>;
  channels: AsyncApiChannel[];
  errors: string[];
  /** Files its `$ref`s name that were read (a change to one re-parses the document). */
  files: string[];
  /** Problems with positions: refs to missing or unparsable files, http refs not fetched… */
  problems: DefinitionProblem[];
}

export function looksLikeAsyncApi(text: string): boolean {
  return declaresKey(text, ['asyncapi']) !== undefined;
}

/** AsyncAPI server protocol names → callscope decoder ids. */
const PROTOCOL_ALIASES: Record<string, string> = {
  mqtt: 'mqtt', 'secure-mqtt': 'mqtt', mqtts: 'mqtt', mqtt5: 'mqtt',
  amqp: 'amqp', amqps: 'amqp',
  kafka: 'kafka', 'kafka-secure': 'kafka',
  nats: 'nats',
  redis: 'redis',
  stomp: 'stomp', stomps: 'stomp',
  ws: 'websocket', wss: 'websocket',
  http: 'http', https: 'http',
  zmq: 'zmtp', zeromq: 'zmtp',
};

function compileAddress(address: string): { re: RegExp; literal: number } {
  let src = '';
  let literal = 0;
  let last = 0;
  const re = /\{[^}]+\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(address))) {
    const lit = address.slice(last, m.index);
    literal += lit.length;
    src += lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '([^/]+)';
    last = m.index + m[0].length;
  }
  const tail = address.slice(last);
  literal += tail.length;
  src += tail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { re: new RegExp(`^${src}$`), literal };
}

function messagePayloads(data: unknown, message: unknown, path: readonly string[], depth = 0): string[] {
  const msg = followRefs(data, message, path);
  if (!msg || depth > 8) return [];
  if (Array.isArray(msg.node.oneOf)) return msg.node.oneOf.flatMap((m: unknown, i: number) => messagePayloads(data, m, [...msg.path, 'oneOf', String(i)], depth + 1));
  return msg.node.payload !== undefined ? [`${pointerOf(msg.path)}/payload`] : [];
}

/**
 * Parse one file; undefined when it is not AsyncAPI. External `$ref`s are read with
 * `refs.readText` (without it they are problems, the rest indexed).
 */
export function parseAsyncApi(file: string, text: string, refs?: RefOptions): AsyncApiDoc | undefined {
  if (!looksLikeAsyncApi(text)) return undefined;
  const src = parseSource(text);
  if (!src || src.data.asyncapi === undefined) return undefined;
  const data = src.data;
  const version = String(data.asyncapi);
  const v3 = version.startsWith('3');
  const bundle = bundleRefs(file, src, refs);
  // (a server may be a `$ref`, to a file of its own too)
  const servers = Object.entries(followRefs(data, data.servers ?? {}, ['servers'])?.node ?? {}).map(([k, s]) => followRefs<{ protocol?: unknown }>(data, s, ['servers', k])?.node);
  const protocols = [...new Set(servers.map((s) => PROTOCOL_ALIASES[String(s?.protocol ?? '').toLowerCase()] ?? String(s?.protocol ?? '').toLowerCase()).filter(Boolean))];
  const doc: AsyncApiDoc = {
    file,
    version,
    title: (data.info as { title?: string } | undefined)?.title,
    data,
    channels: [],
    errors: [...src.errors, ...warningLines(bundle.problems)],
    files: bundle.files,
    problems: bundle.problems,
  };
  // (`channels` itself a `$ref` to a file of channels: not in the specification, written all the same)
  const channelsAt = followRefs(data, data.channels ?? {}, ['channels']);
  for (const [id, raw] of Object.entries(channelsAt?.node ?? {})) {
    const chAt = followRefs(data, raw, [...channelsAt!.path, id]);
    if (!chAt) continue;
    const ch = chAt.node;
    const address = v3 ? (typeof ch.address === 'string' ? ch.address : ch.address === null ? undefined : id) : id;
    if (address === undefined) continue;
    const at = bundle.locate(chAt.path) ?? bundle.locate([...channelsAt!.path, id]) ?? { file, line: 1, column: 1 };
    const payloads: string[] = [];
    if (v3) {
      for (const [mid, m] of Object.entries((ch.messages ?? {}) as Record<string, unknown>)) payloads.push(...messagePayloads(data, m, [...chAt.path, 'messages', mid]));
    } else {
      for (const opKey of ['publish', 'subscribe']) {
        const op = ch[opKey] as { message?: unknown } | undefined;
        if (op?.message) payloads.push(...messagePayloads(data, op.message, [...chAt.path, opKey, 'message']));
      }
    }
    const { re, literal } = compileAddress(address);
    doc.channels.push({ file: at.file, id, address, line: at.line, column: at.column, protocols, payloads, re, literal });
  }
  return doc;
}

/** Topic-like values of a call: its target and fields naming a topic, subject, queue, routing key… */
export function channelCandidates(target: string | undefined, fields: Record<string, string | number | boolean>): string[] {
  const out: string[] = [];
  if (target) out.push(target);
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string' && /\.(topic|subject|routing_key|routingkey|queue|exchange|channel|destination|key|address)$/i.test(k) && !out.includes(v)) out.push(v);
  }
  return out;
}

export interface ChannelMatch {
  channel: AsyncApiChannel;
  doc: AsyncApiDoc;
  /** Which candidate matched. */
  value: string;
}

export function matchChannel(docs: Iterable<AsyncApiDoc>, protocol: string, candidates: readonly string[]): ChannelMatch | undefined {
  let best: (ChannelMatch & { literal: number }) | undefined;
  for (const doc of docs) {
    for (const ch of doc.channels) {
      if (ch.protocols.length && !ch.protocols.includes(protocol)) continue;
      for (const value of candidates) {
        const v = value.replace(/^\//, '') === ch.address.replace(/^\//, '') ? ch.address : value;
        if (!ch.re.test(v) && !ch.re.test(v.replace(/^\//, '')) && !ch.re.test('/' + v)) continue;
        if (best && ch.literal <= best.literal) continue;
        best = { channel: ch, doc, value, literal: ch.literal };
      }
    }
  }
  return best && { channel: best.channel, doc: best.doc, value: best.value };
}
