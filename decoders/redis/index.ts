/**
 * Redis — RESP2 and RESP3 (redis.io/docs/reference/protocol-spec, RESP3 spec).
 *
 * Reached by port 6379 or by probe (a client's first bytes: `*<n>\r\n$` — an array of bulk
 * strings — or an inline command such as `PING\r\n`). One call per command, paired with the
 * replies in order (pipelining). Pub/sub: (P|S)SUBSCRIBE and their unsubscribes are paired with
 * one confirmation per channel; `message`/`pmessage`/`smessage` (RESP2 arrays while subscribed,
 * RESP3 `>` pushes) are 'deliver' calls; PUBLISH/SPUBLISH are 'publish' calls; MONITOR lines and
 * other pushes (client-side caching `invalidate`) are 'event' calls. HELLO/AUTH/MIGRATE passwords
 * are redacted. CLIENT REPLY OFF/SKIP is honoured (those commands get no reply).
 * Cross-connection keys: fields['msg.key'] = messageKey('redis', channel, payload).
 *
 * Capture gaps (snaplen, loss; see gap()): a gap inside a bulk string keeps the framing (zeros stand
 * in); a value cut elsewhere is decoded from its head and the direction resynchronises on the next
 * value; replies are paired in order only where no gap may have shifted them (takeHead).
 */
import { Fifo } from '../core/fifo';
import type { CloseReason, DecoderSession, DecoderSpec, Position, StreamDecoder } from '../core/decoder';
import { leftWaiting } from '../calls/ended';
import type { Call, Dir } from '../core/model';
import { concatBytes, latin1Text, utf8Text } from '../core/bytes';
import { messageKey } from '../calls/key';
import { PduBuffer } from '../core/pdu-buffer';
import { addFrame, payloadBody } from '../websocket/payload';
import { RespScanner, buildResp, buildPartial, nodeText, respJson, blobJson, MAX_LINE, type RespNode, type JsonOptions } from './resp';
import { GapNotes } from '../core/gap-notes';

const REDACTED = '********';
/** Bytes looked at per data event while resynchronising after a gap. */
const RESYNC_WINDOW = 64 * 1024;
/** The shortest command a client sends in RESP (`*1\r\n$4\r\nPING\r\n`), inline (`PING\r\n`), and the shortest reply (`_\r\n`). */
const MIN_COMMAND = 14;
const MIN_INLINE_COMMAND = 6;
const MIN_REPLY = 3;
const RESP_TYPES = new Set([...'+-:$*_#,(!=%~>|'].map((c) => c.charCodeAt(0)));

/** Commands whose first argument is not a key (target left empty or set differently). */
const NO_KEY = new Set([
  'PING', 'ECHO', 'AUTH', 'HELLO', 'SELECT', 'QUIT', 'RESET', 'INFO', 'DBSIZE', 'FLUSHDB', 'FLUSHALL', 'SAVE', 'BGSAVE',
  'BGREWRITEAOF', 'LASTSAVE', 'TIME', 'MULTI', 'EXEC', 'DISCARD', 'UNWATCH', 'MONITOR', 'SYNC', 'PSYNC', 'REPLCONF',
  'SHUTDOWN', 'SLAVEOF', 'REPLICAOF', 'ROLE', 'LOLWUT', 'RANDOMKEY', 'KEYS', 'SCAN', 'WAIT', 'WAITAOF', 'FAILOVER',
  'READONLY', 'READWRITE', 'ASKING', 'SWAPDB', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE', 'SCRIPT', 'FUNCTION',
  'CONFIG', 'CLIENT', 'CLUSTER', 'COMMAND', 'ACL', 'DEBUG', 'MODULE', 'LATENCY', 'SLOWLOG', 'MEMORY', 'PUBSUB',
  'OBJECT', 'XINFO', 'XGROUP',
]);

/** Command names a name cut by a capture gap may be completed to (when one alone fits its length). */
const KNOWN_COMMANDS = new Set([
  'GET', 'SET', 'DEL', 'INCR', 'DECR', 'INCRBY', 'DECRBY', 'INCRBYFLOAT', 'APPEND', 'STRLEN', 'GETSET', 'GETDEL', 'GETEX', 'SETEX', 'SETNX', 'PSETEX',
  'MGET', 'MSET', 'MSETNX', 'EXISTS', 'EXPIRE', 'PEXPIRE', 'EXPIREAT', 'TTL', 'PTTL', 'PERSIST', 'TYPE', 'RENAME', 'UNLINK', 'COPY', 'TOUCH',
  'HGET', 'HSET', 'HMSET', 'HMGET', 'HDEL', 'HGETALL', 'HKEYS', 'HVALS', 'HLEN', 'HEXISTS', 'HINCRBY', 'HSCAN',
  'LPUSH', 'RPUSH', 'LPOP', 'RPOP', 'LRANGE', 'LLEN', 'LINDEX', 'LREM', 'LTRIM', 'BLPOP', 'BRPOP', 'LMOVE', 'BLMOVE',
  'SADD', 'SREM', 'SMEMBERS', 'SISMEMBER', 'SCARD', 'SPOP', 'SUNION', 'SINTER', 'SDIFF', 'SSCAN',
  'ZADD', 'ZREM', 'ZRANGE', 'ZSCORE', 'ZCARD', 'ZRANK', 'ZINCRBY', 'ZRANGEBYSCORE', 'ZREVRANGE', 'ZSCAN', 'ZPOPMIN', 'ZPOPMAX',
  'XADD', 'XREAD', 'XREADGROUP', 'XACK', 'XLEN', 'XRANGE', 'XTRIM', 'XDEL', 'XPENDING', 'XCLAIM', 'XAUTOCLAIM',
  'PUBLISH', 'SPUBLISH', 'SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE',
  'EVAL', 'EVALSHA', 'FCALL', 'WATCH', 'BITOP', 'BITCOUNT', 'SETBIT', 'GETBIT', 'PFADD', 'PFCOUNT', 'GEOADD', 'GEOSEARCH', 'OBJECT', 'DUMP', 'RESTORE', 'MIGRATE', 'SORT',
]);

/** A command name a gap cut (`prefix` captured of `length` bytes): the one known command that fits, or the prefix marked. */
function completeName(prefix: string, length: number): string {
  const up = prefix.toUpperCase();
  const fits = [...new Set([...KNOWN_COMMANDS, ...NO_KEY])].filter((c) => c.length === length && c.startsWith(up));
  return fits.length === 1 ? fits[0] : `${up}…`;
}

/** Container commands: the method includes the subcommand ("CLIENT SETNAME"). */
const CONTAINERS = new Set(['CLIENT', 'CONFIG', 'CLUSTER', 'COMMAND', 'ACL', 'SCRIPT', 'FUNCTION', 'MEMORY', 'OBJECT', 'XINFO', 'XGROUP', 'PUBSUB', 'MODULE', 'LATENCY', 'SLOWLOG', 'DEBUG']);
/** Container subcommands whose next argument is a key. */
const CONTAINER_KEY = new Set(['OBJECT', 'XINFO', 'XGROUP', 'MEMORY']);

/** Pub/sub and RESP3 push kinds (first element of the array). */
const PUSH_KINDS = ['message', 'pmessage', 'smessage', 'subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe', 'invalidate'];

const SUB_KINDS: Record<string, 'channels' | 'patterns' | 'shards'> = {
  subscribe: 'channels',
  unsubscribe: 'channels',
  psubscribe: 'patterns',
  punsubscribe: 'patterns',
  ssubscribe: 'shards',
  sunsubscribe: 'shards',
};

interface Pending {
  call: Call;
  name: string;
  /** Pub/sub (un)subscribe: confirmations still expected (undefined = decide at the first). */
  confirmations?: number;
  confirmKind?: string;
  replies?: unknown[];
  /** HELLO's requested protocol version. */
  protover?: number;
  /** XREADGROUP's consumer group and consumer (its deliveries carry them). */
  group?: [string, string];
  /** A pop from a list used as a queue: the reply's element is a delivery; `from` the list of a one-key pop. */
  listPop?: { from?: string };
  /** A push of several elements to a queue list: each is a publish (children made when the reply comes). */
  listPush?: { key: string; values: Uint8Array[] };
  /**
   * Time of the capture gap just before this command that may have swallowed other commands: their
   * replies would come first, so a reply is this command's only on evidence (see takeHead).
   */
  barrier?: number;
}

/**
 * How a command is listed: its method (a container command with its subcommand, `CLIENT SETNAME`,
 * unless `subcommand` is false), the key it names (the target), and its arguments as shown, secrets
 * redacted and a long list cut with a count. For the commands a client sends and those a master
 * streams down a replication link alike.
 */
function commandView(args: Uint8Array[], name: string, json: JsonOptions, subcommand = true): { method: string; target?: string; shown: unknown[] } {
  let method = name;
  let keyIndex = NO_KEY.has(name) ? -1 : 1;
  if (subcommand && CONTAINERS.has(name) && args.length > 1) {
    method = `${name} ${latin1Text(args[1]).toUpperCase()}`;
    if (CONTAINER_KEY.has(name)) keyIndex = 2;
  }
  if ((name === 'EVAL' || name === 'EVALSHA' || name === 'EVAL_RO' || name === 'EVALSHA_RO' || name === 'FCALL' || name === 'FCALL_RO') && args.length > 3) {
    keyIndex = Number(utf8Text(args[2])) > 0 ? 3 : -1;
  }
  if (name === 'XREAD' || name === 'XREADGROUP') {
    const k = args.findIndex((a) => latin1Text(a).toUpperCase() === 'STREAMS');
    keyIndex = k > 0 ? k + 1 : -1;
  }
  if (name === 'BITOP' || name === 'MIGRATE') keyIndex = name === 'BITOP' ? 2 : 3;
  const shown: unknown[] = args.slice(1, 1 + json.maxItems).map((a) => blobJson(a, json));
  for (const i of secretArgs(args.map((a) => latin1Text(a)))) if (i >= 1 && i - 1 < shown.length) shown[i - 1] = REDACTED;
  if (args.length - 1 > shown.length) shown.push(`… ${args.length - 1 - shown.length} more`);
  return { method, target: keyIndex > 0 && keyIndex < args.length ? utf8Text(args[keyIndex]) : undefined, shown };
}

/** Where `needle` first occurs in `hay` (the diskless snapshot's 40-byte end mark), or -1. */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  for (let i = hay.indexOf(first); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

/** Deliveries made from one XREAD/XREADGROUP reply (its COUNT is the client's to choose). */
const MAX_STREAM_DELIVERIES = 10_000;

/**
 * Lists used as queues (Celery and kombu, Sidekiq, RQ, Bull: LPUSH/RPUSH in, a blocking pop out). A list is a
 * queue once a blocking pop (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) names it anywhere in the capture: from
 * then on a push to it is a publish and a pop's element a delivery, joined by msg.key. Lists only pushed and read
 * (LRANGE), never waited on, stay data. Capture scope: the consumer's connection teaches the producer's.
 */
const QUEUE_LISTS = 'redis.queueLists';
const MAX_QUEUE_LISTS = 10_000;
const BLOCKING_POPS = new Set(['BLPOP', 'BRPOP', 'BLMOVE', 'BRPOPLPUSH', 'BLMPOP']);
const POPS = new Set(['LPOP', 'RPOP', 'LMOVE', 'RPOPLPUSH', 'LMPOP', ...BLOCKING_POPS]);
const PUSHES = new Set(['LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX']);

/** The lists a pop command reads: BLPOP/BRPOP k… timeout, BLMPOP timeout n k…, LMPOP n k…, else its first key. */
export function popKeys(name: string, args: string[]): string[] {
  if (name === 'BLPOP' || name === 'BRPOP') return args.slice(1, -1);
  const at = name === 'BLMPOP' ? 2 : name === 'LMPOP' ? 1 : -1;
  if (at > 0) {
    const n = Number(args[at]);
    return Number.isInteger(n) && n > 0 ? args.slice(at + 1, at + 1 + n) : [];
  }
  return args.length > 1 ? [args[1]] : [];
}

/**
 * XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] id field value [field value …]:
 * the field/value pairs, or undefined when the options do not parse.
 */
export function xaddPairs(args: Uint8Array[]): Array<[Uint8Array, Uint8Array]> | undefined {
  let i = 2;
  const word = (k: number) => (k < args.length ? latin1Text(args[k]).toUpperCase() : '');
  if (word(i) === 'NOMKSTREAM') i++;
  if (word(i) === 'MAXLEN' || word(i) === 'MINID') {
    i++;
    if (word(i) === '=' || word(i) === '~') i++;
    i++;
    if (word(i) === 'LIMIT') i += 2;
  }
  i++; // the id (* or ms-seq)
  if (i >= args.length || (args.length - i) % 2 !== 0) return undefined;
  const pairs: Array<[Uint8Array, Uint8Array]> = [];
  for (; i + 1 < args.length; i += 2) pairs.push([args[i], args[i + 1]]);
  return pairs;
}

class RedisDecoder implements StreamDecoder {
  private readonly buf: Record<Dir, PduBuffer> = { c2s: new PduBuffer(), s2c: new PduBuffer() };
  private readonly scan: Record<Dir, RespScanner>;
  private readonly dead: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** Commands waiting for their reply, oldest first; counted: (un)subscribes that subscribe. */
  private readonly pending = new Fifo<Pending>((p) => !!p.confirmKind && !p.confirmKind.includes('un'));
  /** Queue lists when the decoder runs without a capture scope (tests, tools). */
  private readonly localQueues = new Set<string>();
  private taughtQueues = false;
  private readonly subs = { channels: new Set<string>(), patterns: new Set<string>(), shards: new Set<string>() };
  private monitoring = false;
  private resp = 2;
  private replyMode: 'on' | 'off' | 'skip' = 'on';
  private readonly json: JsonOptions;
  /** The server direction was lost (gap): later commands cannot be paired. */
  private repliesLost = false;
  /** Bytes of the value being read that were missing from the capture (zero-filled), per direction. */
  private readonly cut: Record<Dir, number> = { c2s: 0, s2c: 0 };
  /** Missing bytes of the value being handed to onCommand / onReply; 0 once reported on a call. */
  private cutNow = 0;
  /** The value being handled was cut by a gap (its end unknown): what was captured of it. */
  private cutValue?: string;
  /** A gap lost the value boundary: look for the next value that can start there. */
  private readonly resync: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** Nothing consumed since the gap that started the resynchronisation: the head is the first byte after it. */
  private readonly afterGap: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** While resynchronising: the byte before the head (already dropped) ended a line. */
  private readonly atLine: Record<Dir, boolean> = { c2s: false, s2c: false };
  /** Some gap lost a boundary: a reply answers only a command whose request ended before it began. */
  private uncertain = false;
  /** A client gap that may hold whole commands, for the next command seen. */
  private nextBarrier?: number;
  /** Start of the latest value seen from the server (or of a gap in its direction). */
  private lastReplyAt = 0;
  private inlineSeen = false;
  /** No command read yet: a capture that joined the connection may start inside one (drain). */
  private firstCommand = true;
  /**
   * A replica's link to its master (it sent PSYNC or SYNC, or a `REPLCONF ACK` on a link the capture
   * joined): `sync` until the master's answer, `rdb` while the snapshot streams (a bulk string of
   * `left` bytes with no CR LF after it, or diskless: `$EOF:<40-byte mark>` then bytes up to the mark),
   * then `stream`: the master sends the commands it executes, and the replica's commands expect no reply.
   */
  private repl?: { stage: 'sync' | 'rdb' | 'stream'; left?: number; mark?: Uint8Array; snapshot?: Call; head?: Uint8Array; size: number; sync?: Call };
  private readonly notes: GapNotes;

  constructor(private readonly session: DecoderSession) {
    const l = session.env.limits;
    this.scan = { c2s: new RespScanner(l.maxDepth, l.maxBufferedBytes), s2c: new RespScanner(l.maxDepth, l.maxBufferedBytes) };
    this.json = { maxText: Math.min(l.maxBodyBytes, 64 * 1024), maxItems: Math.min(l.maxMessagesPerCall, 1000) };
    this.notes = new GapNotes(session, '');
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.dead[dir]) return;
    const buf = this.buf[dir];
    buf.push(bytes, at);
    try {
      this.drain(dir);
    } catch (e) {
      this.stop(dir, `redis decoder error: ${(e as Error).message}`, at);
    }
    if (!this.dead[dir] && buf.length > this.session.env.limits.maxBufferedBytes) {
      this.stop(dir, `more than ${this.session.env.limits.maxBufferedBytes} bytes buffered without a complete RESP value`, at);
    }
  }

  private stop(dir: Dir, why: string, at?: Position): void {
    this.session.warn(`${dir}: ${why}; the rest of this direction is not decoded`, at);
    this.dead[dir] = true;
    this.buf[dir].clear();
    if (dir === 's2c') {
      this.repliesLost = true;
      for (const p of this.pending.drain()) {
        p.call.state = 'incomplete';
        p.call.warnings.push('reply not decodable: the server direction was lost');
        this.session.emit(p.call);
      }
    }
  }

  private drain(dir: Dir): void {
    const buf = this.buf[dir];
    if (dir === 'c2s' && this.firstCommand && buf.length > 0 && !this.resync.c2s) {
      // The client's first bytes neither a command array nor a known inline command: the rest of a
      // command the capture joined inside (a large value of a pipeline). Decoding starts at the next
      // command array, at a line start.
      const all = buf.bytes();
      const skip = afterEmptyLines(all);
      if (skip === -1) return; // only empty lines so far (the server skips them)
      const b = skip > 0 ? all.subarray(skip) : all;
      if (b[0] !== 0x2a) {
        const text = latin1Text(b.subarray(0, 64));
        if (!text.includes('\n') && text.length < 64 && !/[^A-Za-z \r]/.test(text)) return; // an inline command may still be arriving
        if (!INLINE_COMMANDS.test(text)) {
          this.firstCommand = false;
          this.resync.c2s = true;
          this.afterGap.c2s = false;
          this.atLine.c2s = false;
          this.session.warn('c2s: the first bytes are not a command (the capture joined the connection inside one); decoding from the next command', buf.pos(0));
        }
      }
      this.firstCommand = false;
    }
    while (buf.length > 0 && !this.dead[dir]) {
      if (this.resync[dir] && !this.findStart(dir, false)) return;
      if (dir === 's2c' && this.repl && this.repl.stage !== 'stream' && !this.replication(buf)) return;
      if (buf.length === 0) return;
      const b = buf.bytes();
      if (dir === 'c2s' && b[0] !== 0x2a /* * */) {
        // Inline command: a line of space-separated words (empty lines are ignored by Redis).
        const lf = buf.indexOf(10, 0, MAX_LINE + 1);
        if (lf < 0) {
          if (buf.length > MAX_LINE) this.stop(dir, `inline command longer than ${MAX_LINE} bytes`, buf.pos(0));
          return;
        }
        const line = b.subarray(0, lf > 0 && b[lf - 1] === 13 ? lf - 1 : lf);
        const start = buf.pos(0);
        const end = buf.pos(lf);
        const args = splitInline(line);
        if (args === undefined) this.session.warn('c2s: unbalanced quotes in an inline command', start);
        else if (args.length) {
          this.inlineSeen = true;
          this.onCommand(args, start, end, lf + 1, true);
        }
        buf.consume(lf + 1);
        continue;
      }
      const r = this.scan[dir].scan(b);
      if (typeof r === 'string' && this.uncertain) {
        // After a gap: a resynchronisation that started on bytes that only looked like a value.
        this.scan[dir].reset();
        buf.consume(1);
        this.resync[dir] = true;
        this.afterGap[dir] = false;
        this.atLine[dir] = false;
        continue;
      }
      if (typeof r === 'string') {
        this.stop(dir, r, buf.pos(0));
        return;
      }
      if (r < 0) return;
      const start = buf.pos(0);
      const end = buf.pos(r - 1);
      const [node] = buildResp(b, 0);
      buf.consume(r);
      this.cutNow = this.cut[dir];
      this.cut[dir] = 0;
      this.handle(dir, node, start, end, r);
      if (this.cutNow) this.session.warn(`${dir}: ${this.cutNow} bytes of a RESP value missing from the capture (zero bytes stand in for them)`, start);
      this.cutNow = 0;
    }
  }

  private handle(dir: Dir, node: RespNode, start: Position, end: Position, r: number): void {
    {
      if (dir === 'c2s') {
        if (node.t !== '*' || !node.items || node.items.some((x) => !x.b)) {
          this.session.warn('c2s: a request that is not an array of bulk strings', start);
          return;
        }
        if (node.items.length === 0) return;
        this.onCommand(node.items.map((x) => x.b!), start, end, r, false);
      } else if (this.repl?.stage === 'stream' && node.t === '*' && node.items?.length && node.items.every((x) => x.b)) {
        this.onReplicated(node.items.map((x) => x.b!), start, end, r);
      } else {
        this.onReply(node, start, end, r);
        this.lastReplyAt = Math.max(this.lastReplyAt, start.tsUs);
      }
    }
  }

  // ---- requests ------------------------------------------------------------------------------

  private onCommand(args: Uint8Array[], start: Position, end: Position, wire: number, inline: boolean, declared?: number, nameCut = false, nameLen = Number.NaN, lastCut = false): void {
    const s = this.session;
    // A name partly captured: zero bytes stood in for its tail (a gap inside it), or it was cut short.
    const zero = args[0].indexOf(0);
    const name = zero >= 0 ? completeName(latin1Text(args[0].subarray(0, zero)), args[0].length) : nameCut ? (inline ? `${latin1Text(args[0]).toUpperCase()}…` : completeName(latin1Text(args[0]), nameLen)) : latin1Text(args[0]).toUpperCase();
    const str = (i: number) => (i < args.length ? utf8Text(args[i]) : undefined);
    const call = s.newCall('redis', start);
    call.kind = 'unary';
    this.noteCut(call, 'command');
    if (this.cutValue) call.warnings.push(this.cutValue);
    // (A subcommand a gap cut short is not named: "ACL SE" could be several.)
    const { method, target, shown } = commandView(args, name, this.json, !(this.cutValue && lastCut && args.length === 2));
    call.method = method;
    if (target !== undefined) call.target = target;
    call.fields['redis.command'] = method;
    if (inline) call.fields['redis.inline'] = true;
    const p: Pending = { call, name };
    if (name === 'HELLO') {
      p.protover = Number(str(1));
      if (Number.isFinite(p.protover)) call.fields['redis.protover'] = p.protover!;
      const at = args.findIndex((a, i) => i > 1 && latin1Text(a).toUpperCase() === 'SETNAME');
      if (at > 0 && at + 1 < args.length) call.fields['client.name'] = str(at + 1) ?? '';
    }
    // The connection names itself: the sequence diagram's lifeline name for this client.
    if (method === 'CLIENT SETNAME' && args.length > 2) call.fields['client.name'] = str(2) ?? '';
    call.request = { value: shown, wireBytes: wire };
    call.timing.requestEndUs = end.tsUs;
    addFrame(call.frames, end.frame);

    if (name === 'PUBLISH' || name === 'SPUBLISH') {
      const channel = str(1) ?? '';
      const payload = args[2] ?? new Uint8Array(0);
      call.kind = 'publish';
      call.target = channel;
      call.fields['redis.channel'] = channel;
      call.fields['msg.destination'] = channel;
      // A cut payload hashes to nothing its deliveries would: no msg.key to join on.
      if (!this.cutValue) call.fields['msg.key'] = messageKey('redis', channel, payload);
      call.request.body = payloadBody(payload, s.env.limits, undefined, payload.length, call.warnings);
    }
    if (name === 'XADD' && args.length > 2) {
      // Redis Streams as a message queue: XADD is a publish to the stream; its reply (the entry id)
      // gives the msg.key its XREAD/XREADGROUP deliveries share.
      const stream = str(1) ?? '';
      call.kind = 'publish';
      call.fields['redis.stream'] = stream;
      call.fields['msg.destination'] = stream;
      const pairs = xaddPairs(args);
      if (pairs?.length === 1 && !this.cutValue) call.request.body = payloadBody(pairs[0][1], s.env.limits, undefined, pairs[0][1].length, call.warnings);
    }
    if (name === 'XREADGROUP' && args.length > 3 && latin1Text(args[1]).toUpperCase() === 'GROUP') {
      p.group = [str(2) ?? '', str(3) ?? ''];
      call.fields['redis.group'] = p.group[0];
      call.fields['redis.consumer'] = p.group[1];
    }
    if ((POPS.has(name) || PUSHES.has(name)) && args.length > 1 && !this.cutValue) this.listQueue(name, args, call, p);
    const kind = SUB_KINDS[name.toLowerCase()];
    if (kind) {
      p.confirmKind = name.toLowerCase();
      p.replies = [];
      const n = (declared ?? args.length) - 1;
      if (n > 0) p.confirmations = n;
      if (n > 0) call.target = str(1);
      if (n > 1) call.fields['redis.channels'] = n;
      call.kind = 'unary';
    }

    // CLIENT REPLY OFF|SKIP: that command (and the next, for SKIP; all until ON, for OFF) gets no reply.
    let expectsReply = this.replyMode === 'on';
    if (this.replyMode === 'skip') this.replyMode = 'on';
    // Replication: a replica's REPLCONF ACK (every second, and to a master's GETACK) gets no reply;
    // one on a link whose PSYNC came before the capture says what the master's direction carries.
    if ((name === 'REPLCONF' && latin1Text(args[1] ?? new Uint8Array(0)).toUpperCase() === 'ACK') || (this.repl && this.repl.stage !== 'sync')) {
      expectsReply = false;
      call.fields['redis.replication'] = true;
      if (!this.repl) this.repl = { stage: 'stream', size: 0 };
    }
    if (method === 'CLIENT REPLY' && !this.cutValue) {
      const mode = (str(2) ?? '').toUpperCase();
      if (mode === 'OFF') (this.replyMode = 'off'), (expectsReply = false);
      else if (mode === 'SKIP') (this.replyMode = 'skip'), (expectsReply = false);
      else if (mode === 'ON') (this.replyMode = 'on'), (expectsReply = true);
    }
    if (name === 'QUIT' && this.dead.s2c) expectsReply = false;
    if (!expectsReply) {
      if (call.kind === 'unary') call.kind = 'oneway';
      call.state = 'complete';
      call.fields['redis.no_reply'] = true;
      s.emit(call);
      return;
    }
    if (this.repliesLost) {
      call.state = 'incomplete';
      call.warnings.push('reply not decodable: the server direction was lost');
      s.emit(call);
      return;
    }
    if (this.pending.length >= 100_000) {
      const old = this.pending.shift()!;
      old.call.state = 'incomplete';
      old.call.warnings.push('too many commands without a reply');
      s.emit(old.call);
    }
    if (this.nextBarrier !== undefined) {
      p.barrier = this.nextBarrier;
      this.nextBarrier = undefined;
    }
    this.pending.push(p);
    if ((name === 'PSYNC' || name === 'SYNC') && !this.cutValue) {
      call.fields['redis.replication'] = true;
      this.repl = { stage: 'sync', size: 0 };
    }
  }

  /**
   * The master's direction of a replication link before its command stream: the answer to PSYNC
   * (`+FULLRESYNC <replid> <offset>`, `+CONTINUE`, an error: read as replies), newlines the master
   * sends while it prepares the snapshot, and the snapshot itself (an RDB file), taken as it arrives
   * so it is never buffered whole. False when more bytes are needed.
   */
  private replication(buf: PduBuffer): boolean {
    const r = this.repl!;
    if (!r.snapshot) {
      const b = buf.bytes();
      let i = 0;
      while (i < b.length && b[i] === 10) i++; // keep-alive newlines (replication.c: while the RDB is made)
      if (i) buf.consume(i);
      if (buf.length === 0) return false;
    }
    if (r.stage === 'sync') {
      const c = buf.bytes()[0];
      if (c !== 0x24) return true; // +FULLRESYNC / +CONTINUE / -ERR: replies (onReply)
      r.stage = 'rdb'; // SYNC: the snapshot is the answer
      if (this.pending.first()?.name === 'SYNC') r.sync = this.pending.shift()!.call;
    }
    if (!r.snapshot) {
      const h = buf.bytes();
      const lf = h.indexOf(10);
      if (lf < 0) {
        if (h.length > 64) {
          this.repl = undefined;
          this.stop('s2c', 'a replication snapshot header longer than 64 bytes', buf.pos(0));
        }
        return false;
      }
      const line = latin1Text(h.subarray(1, lf > 0 && h[lf - 1] === 13 ? lf - 1 : lf));
      const start = buf.pos(0);
      const call = r.sync ?? this.session.newCall('redis', start);
      if (!r.sync) {
        call.kind = 'event';
        call.method = 'RDB';
      }
      call.fields['redis.replication'] = true;
      if (line.startsWith('EOF:') && line.length === 44) {
        r.mark = Uint8Array.from(line.slice(4), (ch) => ch.charCodeAt(0));
        call.fields['redis.rdb_diskless'] = true;
      } else if (/^\d{1,15}$/.test(line)) r.left = Number(line);
      else {
        this.repl = undefined;
        this.stop('s2c', `a replication snapshot header "$${line.slice(0, 40)}" that is neither a length nor EOF:<mark>`, start);
        return false;
      }
      r.snapshot = call;
      r.head = new Uint8Array(0);
      buf.consume(lf + 1);
      call.response = { wireBytes: lf + 1 };
      if (r.sync) call.timing.responseStartUs = start.tsUs;
      addFrame(call.frames, start.frame);
    }
    const call = r.snapshot!;
    const b2 = buf.bytes();
    let take: number;
    let done = false;
    if (r.mark) {
      const at = indexOfBytes(b2, r.mark);
      if (at >= 0) {
        take = at + r.mark.length;
        done = true;
      } else take = Math.max(0, b2.length - (r.mark.length - 1));
    } else {
      take = Math.min(b2.length, r.left!);
      r.left! -= take;
      done = r.left === 0;
    }
    if (r.head!.length < 16 && take) r.head = concatBytes([r.head!, b2.subarray(0, Math.min(take, 16 - r.head!.length))]);
    const body = r.mark && done ? take - r.mark.length : take;
    r.size += body;
    call.response!.wireBytes! += take;
    if (take) {
      const end = buf.pos(take - 1);
      addFrame(call.frames, end.frame);
      call.timing.endUs = end.tsUs;
      buf.consume(take);
    }
    if (!done) return false;
    this.finishSnapshot();
    r.stage = 'stream';
    return true;
  }

  /**
   * Bytes of the snapshot missing from the capture: counted against a known length (the stream
   * resumes after it: when the gap ran past its end, at the next value found); a diskless
   * snapshot's end mark may be in the gap, so it ends there and the stream resynchronises.
   */
  private snapshotGap(length: number, at: Position): void {
    const r = this.repl!;
    const call = r.snapshot!;
    call.warnings.push(`${length} bytes of the snapshot missing from the capture`);
    if (r.left !== undefined && length < r.left) {
      r.left -= length;
      r.size += length;
      return;
    }
    if (r.left !== undefined) r.size += r.left;
    const whole = r.left !== undefined && length === r.left;
    r.left = 0;
    this.finishSnapshot(r.mark === undefined);
    r.stage = 'stream';
    if (!whole) {
      this.resync.s2c = true;
      this.afterGap.s2c = true;
      this.atLine.s2c = false;
      this.session.warn('s2c: a capture gap hid where the snapshot ends; decoding from the next command', at);
    }
  }

  /** The snapshot event: its size and RDB version (its first 9 bytes: `REDIS` and 4 digits). */
  private finishSnapshot(whole = true): void {
    const r = this.repl!;
    const call = r.snapshot!;
    r.snapshot = undefined;
    const magic = latin1Text(r.head ?? new Uint8Array(0));
    const version = /^REDIS(\d{4})/.exec(magic);
    call.target = `${r.size} bytes`;
    call.fields['redis.rdb_bytes'] = r.size;
    if (version) call.fields['redis.rdb_version'] = Number(version[1]);
    else if ((r.head?.length ?? 0) >= 9) call.warnings.push('the snapshot does not start with an RDB header (REDIS and a version)');
    call.response!.body = { size: r.size, kind: 'binary' };
    call.timing.responseStartUs ??= call.timing.startUs;
    call.state = whole ? 'complete' : 'incomplete';
    this.session.emit(call);
  }

  /** A command the master sends down a replication link (what it executed, PING, REPLCONF GETACK): an event from the server. */
  private onReplicated(args: Uint8Array[], start: Position, end: Position, wire: number): void {
    const call = this.session.newCall('redis', start);
    call.kind = 'event';
    const { method, target, shown } = commandView(args, latin1Text(args[0]).toUpperCase(), this.json);
    call.method = method;
    if (target !== undefined) call.target = target;
    call.fields['redis.command'] = method;
    call.fields['redis.replication'] = true;
    this.noteCut(call, 'command');
    call.response = { value: shown, wireBytes: wire };
    call.timing.responseStartUs = start.tsUs;
    call.timing.endUs = end.tsUs;
    addFrame(call.frames, end.frame);
    call.state = 'complete';
    this.session.emit(call);
  }

  // ---- replies -------------------------------------------------------------------------------

  private onReply(node: RespNode, start: Position, end: Position, wire: number): void {
    const items = node.items ?? [];
    let first = (nodeText(items[0]) ?? '').toLowerCase();
    if (items[0]?.cut) {
      // A push kind cut by a gap ("messag"): the one kind of that length that starts so, else marked.
      const fits = PUSH_KINDS.filter((k) => k.length === items[0].n && k.startsWith(first));
      first = fits.length === 1 ? fits[0] : `${first}…`;
    }
    const isPush = node.t === '>';
    const arrayPush = this.resp === 2 && node.t === '*' && items.length >= 3 && items.every((x) => x.b !== undefined || x.t === ':' || x.nil);
    const subscribed = this.subs.channels.size + this.subs.patterns.size + this.subs.shards.size > 0 || this.pending.markedCount > 0;
    const count = node.cut ? (node.n ?? items.length) : items.length;
    if (isPush || ((arrayPush || (node.cut && node.t === '*' && count >= 3)) && (subscribed || this.pending.length === 0 || this.pending.first()!.confirmKind !== undefined))) {
      const none: RespNode = { t: '$', b: new Uint8Array(0), cut: true };
      if ((first === 'message' || first === 'smessage') && count === 3) return this.onMessage(first, undefined, items[1] ?? none, items[2] ?? none, start, end, wire);
      if (first === 'pmessage' && count === 4) return this.onMessage(first, items[1] ?? none, items[2] ?? none, items[3] ?? none, start, end, wire);
      if (SUB_KINDS[first] && count === 3 && (items.length === 3 || node.cut)) return this.onConfirmation(first, node, start, end, wire);
      if (isPush) return this.onPush(first, node, start, end, wire);
    }
    if (this.monitoring && node.t === '+' && (/^\d+\.\d+ \[/.test(node.s ?? '') || (node.cut && /^\d+(\.\d*( \[.*)?)?$/.test(node.s ?? '')))) return this.onMonitorLine(node.s!, start, end, wire);
    const p = this.takeHead(start);
    if (p) this.noteCut(p.call, 'reply');
    const s = this.session;
    if (!p && !this.repl && node.t === '*' && items.length && items.every((x) => x.b) && /^[A-Za-z]{3,16}$/.test(nodeText(items[0]) ?? '')) {
      // An array of a command and its arguments that no request asked for: a master's replication
      // stream on a link whose PSYNC came before the capture (the replica's ACKs may not have come yet).
      this.repl = { stage: 'stream', size: 0 };
      this.onReplicated(items.map((x) => x.b!), start, end, wire);
      return;
    }
    if (!p) {
      const call = s.newCall('redis', start);
      call.method = '(reply)';
      call.state = 'incomplete';
      call.warnings.push(this.uncertain ? 'reply whose command was not captured (a capture gap)' : 'reply without a request (the command was not captured)');
      if (this.cutValue) call.warnings.push(this.cutValue);
      this.fillResponse(call, node, start, end, wire);
      s.emit(call);
      return;
    }
    const call = p.call;
    if (this.cutValue) call.warnings.push(this.cutValue);
    this.fillResponse(call, node, start, end, wire);
    if (p.name === 'MONITOR' && node.t === '+') this.monitoring = true;
    if (p.name === 'PSYNC' && this.repl?.stage === 'sync') {
      const m = /^(FULLRESYNC|CONTINUE)(?: (\S+))?(?: (\d+))?/.exec(node.t === '+' ? (node.s ?? '') : '');
      if (!m) this.repl = undefined;
      else {
        if (m[2]) call.fields['redis.replid'] = m[2];
        if (m[3]) call.fields['redis.repl_offset'] = Number(m[3]);
        this.repl.stage = m[1] === 'FULLRESYNC' ? 'rdb' : 'stream';
      }
    }
    if (p.name === 'RESET' && node.t === '+') {
      this.monitoring = false;
      this.resp = 2;
      this.subs.channels.clear();
      this.subs.patterns.clear();
      this.subs.shards.clear();
    }
    if (p.name === 'HELLO' && node.t !== '-' && node.t !== '!') {
      if (p.protover === 2 || p.protover === 3) this.resp = p.protover;
      call.fields['redis.resp'] = this.resp;
    }
    if ((p.name === 'PUBLISH' || p.name === 'SPUBLISH') && node.t === ':') call.fields['redis.receivers'] = Number(node.s);
    if (p.name === 'XADD' && node.b && !node.cut) {
      const id = utf8Text(node.b);
      call.fields['redis.stream_id'] = id;
      call.fields['msg.key'] = `redis-stream|${call.fields['redis.stream']}|${id}`;
    }
    if (p.confirmKind) call.warnings.push('expected a subscription confirmation, got another reply');
    call.state = 'complete';
    const children = this.messagesOf(p, node, start, end);
    if (children.length) call.childIds = children.map((d) => d.id);
    s.emit(call);
    for (const d of children) s.emit(d);
  }

  /** The messages a reply hands over (stream entries, popped list elements) or a push sent (its elements), as children. */
  private messagesOf(p: Pending, node: RespNode, start: Position, end: Position): Call[] {
    const whole = !node.cut && !this.cutValue;
    if ((p.name === 'XREAD' || p.name === 'XREADGROUP') && whole) return this.streamDeliveries(p, node, start, end);
    if (p.listPop && whole && node.t !== '-' && node.t !== '!') return this.listDeliveries(p, node, start, end);
    const push = p.listPush;
    if (push && node.t === ':') return push.values.slice(0, MAX_STREAM_DELIVERIES).map((v) => this.listChild(p.call, 'publish', push.key, v, start, end));
    return [];
  }

  private queueLists(): Set<string> {
    const scope = this.session.capture;
    if (!scope) return this.localQueues;
    let set = scope.state.get(QUEUE_LISTS) as Set<string> | undefined;
    if (!set) scope.state.set(QUEUE_LISTS, (set = new Set()));
    return set;
  }

  /** A push to or pop from a list: marks queue lists (blocking pops) and makes pushes to them publishes. */
  private listQueue(name: string, args: Uint8Array[], call: Call, p: Pending): void {
    const queues = this.queueLists();
    if (POPS.has(name)) {
      const keys = popKeys(name, args.map((a) => utf8Text(a)));
      if (BLOCKING_POPS.has(name)) {
        for (const k of keys) if (queues.size < MAX_QUEUE_LISTS) queues.add(k);
        if (keys.length && !this.taughtQueues && this.session.capture) {
          this.taughtQueues = true;
          this.session.capture.learned('Redis lists used as queues');
        }
      }
      if (keys.length) call.target = keys[0]; // (LMPOP/BLMPOP name their lists after a count)
      if (keys.some((k) => queues.has(k))) p.listPop = { from: keys.length === 1 ? keys[0] : undefined };
      return;
    }
    const key = utf8Text(args[1]);
    if (!queues.has(key) || args.length < 3) return;
    call.kind = 'publish';
    call.target = key;
    call.fields['redis.list'] = key;
    call.fields['msg.destination'] = key;
    if (args.length === 3) {
      call.fields['msg.key'] = messageKey('redis-list', key, args[2]);
      call.request!.body = payloadBody(args[2], this.session.env.limits, undefined, args[2].length, call.warnings);
    } else p.listPush = { key, values: args.slice(2) };
  }

  /**
   * A message a command carries as a child call (a stream entry or list element read, a list element pushed): its
   * destination and join key; a delivery is timed at the reply, a publish as its command.
   */
  private messageChild(parent: Call, kind: 'publish' | 'deliver', dest: string, key: string, start: Position, end: Position): Call {
    const c = this.session.newCall('redis', start);
    c.kind = kind;
    c.method = parent.method;
    c.target = dest;
    c.state = 'complete';
    c.parentId = parent.id;
    c.fields['msg.destination'] = dest;
    c.fields['msg.key'] = key;
    if (kind === 'publish') c.timing = { ...parent.timing };
    else {
      c.timing.responseStartUs = start.tsUs;
      c.timing.endUs = end.tsUs;
    }
    addFrame(c.frames, end.frame);
    c.status = { code: 'OK', ok: true };
    return c;
  }

  /** One element pushed to (publish) or popped from (deliver) a queue list, as a child of the command. */
  private listChild(parent: Call, kind: 'publish' | 'deliver', list: string, value: Uint8Array, start: Position, end: Position): Call {
    const c = this.messageChild(parent, kind, list, messageKey('redis-list', list, value), start, end);
    c.fields['redis.command'] = parent.fields['redis.command'];
    c.fields['redis.list'] = list;
    const part = { value: blobJson(value, this.json), body: payloadBody(value, this.session.env.limits, undefined, value.length, c.warnings), wireBytes: 0 };
    if (kind === 'publish') c.request = part;
    else c.response = part;
    return c;
  }

  /**
   * What a pop from a queue list handed over, one child delivery per element, timed at the reply (a blocking pop
   * is sent before the push it returns): BLPOP/BRPOP [list, element], LMOVE-like and LPOP/RPOP an element (or, with
   * a count, several), LMPOP/BLMPOP [list, [elements]]. Nil (the wait timed out, the list was empty) delivers nothing.
   */
  private listDeliveries(p: Pending, node: RespNode, start: Position, end: Position): Call[] {
    const items = node.items ?? [];
    let key = p.listPop?.from;
    let values: RespNode[] = node.b ? [node] : items;
    if ((p.name === 'BLPOP' || p.name === 'BRPOP') && items.length === 2 && items[0].b) {
      key = utf8Text(items[0].b);
      values = [items[1]];
    } else if ((p.name === 'LMPOP' || p.name === 'BLMPOP') && items.length === 2 && items[0].b && items[1].items) {
      key = utf8Text(items[0].b);
      values = items[1].items;
    }
    if (key === undefined || !values.length || !values.every((v) => v.b)) return [];
    return values.slice(0, MAX_STREAM_DELIVERIES).map((v) => this.listChild(p.call, 'deliver', key!, v.b!, start, end));
  }

  /**
   * The entries an XREAD/XREADGROUP reply hands over, one 'deliver' call each: RESP2 an array of
   * [stream, [[id, [field, value, …]], …]], RESP3 a map of stream → entries. An entry whose fields
   * are nil (deleted, re-read from the pending list) delivers nothing.
   */
  private streamDeliveries(p: Pending, node: RespNode, start: Position, end: Position): Call[] {
    const s = this.session;
    const items = node.items ?? [];
    const streams: Array<[RespNode, RespNode]> = [];
    if (node.t === '%') for (let i = 0; i + 1 < items.length; i += 2) streams.push([items[i], items[i + 1]]);
    else if (node.t === '*') for (const x of items) if (x.items?.length === 2) streams.push([x.items[0], x.items[1]]);
    const out: Call[] = [];
    for (const [nameNode, entries] of streams) {
      const stream = nodeText(nameNode) ?? '';
      for (const e of entries.items ?? []) {
        if (out.length >= MAX_STREAM_DELIVERIES) return out;
        const id = nodeText(e.items?.[0]);
        const kv = e.items?.[1]?.items;
        if (id === undefined || !kv) continue;
        const d = this.messageChild(p.call, 'deliver', stream, `redis-stream|${stream}|${id}`, start, end);
        d.method = p.name;
        d.fields['redis.stream'] = stream;
        d.fields['redis.stream_id'] = id;
        if (p.group) {
          d.fields['redis.group'] = p.group[0];
          d.fields['redis.consumer'] = p.group[1];
        }
        const value: Record<string, unknown> = {};
        for (let i = 0; i + 1 < kv.length; i += 2) {
          const v = kv[i + 1];
          value[nodeText(kv[i]) ?? String(i)] = v.b ? blobJson(v.b, this.json) : respJson(v, this.json);
        }
        const only = kv.length === 2 ? kv[1].b : undefined;
        d.response = { value, ...(only ? { body: payloadBody(only, s.env.limits, undefined, only.length, d.warnings) } : {}), wireBytes: 0 };
        out.push(d);
      }
    }
    return out;
  }

  private fillResponse(call: Call, node: RespNode, start: Position, end: Position, wire: number): void {
    call.response = { value: respJson(node, this.json), wireBytes: wire };
    call.timing.responseStartUs = start.tsUs;
    call.timing.endUs = end.tsUs;
    addFrame(call.frames, start.frame);
    addFrame(call.frames, end.frame);
    call.fields['redis.reply_type'] = replyTypeName(node);
    if (node.t === '-' || node.t === '!') {
      const text = nodeText(node) ?? '';
      // The error prefix is the code (RESP "simple errors": ERR, WRONGTYPE, NOSCRIPT…), the rest its text.
      const prefix = /^[A-Z][A-Z0-9_]*/.exec(text)?.[0];
      call.status = { code: prefix ?? 'ERR', text: (prefix ? text.slice(prefix.length).trim() : '') || text, ok: false };
    } else if (node.nil && call.method === 'EXEC') {
      // Redis transactions: EXEC answers a null array (RESP3 null) when a WATCHed key changed.
      call.status = { code: 'NIL', text: 'transaction discarded: a WATCHed key changed', ok: false };
    } else call.status = { code: 'OK', ok: true };
  }

  private onConfirmation(kind: string, node: RespNode, start: Position, end: Position, wire: number): void {
    const s = this.session;
    const items = node.items!;
    const channel = nodeText(items[1]) ?? '';
    const set = this.subs[SUB_KINDS[kind]];
    const before = set.size;
    // (A confirmation a gap cut before its channel ended changes no subscription set.)
    if (!items[1] || items[1].cut) {
      /* channel not captured */
    } else if (kind.includes('un')) set.delete(channel);
    else if (!items[1].nil) set.add(channel);
    const idx = this.pending.findIndex((p) => p.confirmKind === kind);
    if (idx < 0) {
      const call = s.newCall('redis', start);
      call.kind = 'event';
      call.method = kind.toUpperCase();
      call.target = channel;
      call.state = 'complete';
      call.warnings.push('subscription confirmation without a matching command');
      this.fillResponse(call, node, start, end, wire);
      s.emit(call);
      return;
    }
    const p = this.pending.at(idx)!;
    if (p.confirmations === undefined) p.confirmations = Math.max(1, before);
    if (p.replies!.length === 0) {
      p.call.timing.responseStartUs = start.tsUs;
      addFrame(p.call.frames, start.frame);
    }
    p.replies!.push(respJson(node, this.json));
    p.call.response = { value: p.replies, wireBytes: (p.call.response?.wireBytes ?? 0) + wire };
    p.call.timing.endUs = end.tsUs;
    addFrame(p.call.frames, end.frame);
    if (this.cutValue && !p.call.warnings.includes(this.cutValue)) p.call.warnings.push(this.cutValue);
    if (items[2] && !items[2].cut) p.call.fields['redis.subscriptions'] = Number(nodeText(items[2])) || 0;
    if (p.replies!.length >= p.confirmations) {
      this.pending.removeAt(idx);
      p.call.state = 'complete';
      p.call.status = { code: 'OK', ok: true };
      s.emit(p.call);
    }
  }

  private onMessage(kind: string, pattern: RespNode | undefined, chan: RespNode, payload: RespNode, start: Position, end: Position, wire: number): void {
    const s = this.session;
    const call = s.newCall('redis', start);
    const channel = nodeText(chan) ?? '';
    const bytes = payload.b ?? new TextEncoder().encode(payload.s ?? '');
    call.kind = 'deliver';
    call.method = kind;
    call.target = chan.cut ? (channel ? `${channel}…` : undefined) : channel;
    call.state = 'complete';
    call.fields['redis.channel'] = channel;
    if (pattern) call.fields['redis.pattern'] = nodeText(pattern) ?? '';
    call.fields['msg.destination'] = channel;
    if (this.cutValue) call.warnings.push(this.cutValue);
    else call.fields['msg.key'] = messageKey('redis', channel, bytes);
    call.response = { body: payloadBody(bytes, s.env.limits, undefined, bytes.length, call.warnings), value: blobJson(bytes, this.json), wireBytes: wire };
    call.timing.responseStartUs = start.tsUs;
    call.timing.endUs = end.tsUs;
    addFrame(call.frames, end.frame);
    s.emit(call);
  }

  private onPush(kind: string, node: RespNode, start: Position, end: Position, wire: number): void {
    const s = this.session;
    const call = s.newCall('redis', start);
    call.kind = 'event';
    call.method = kind || 'push';
    call.state = 'complete';
    if (kind === 'invalidate') {
      const keys = node.items?.[1];
      call.target = keys?.nil ? '(all keys)' : nodeText(keys?.items?.[0]);
    }
    call.fields['redis.push'] = kind;
    this.fillResponse(call, node, start, end, wire);
    s.emit(call);
  }

  private onMonitorLine(line: string, start: Position, end: Position, wire: number): void {
    const s = this.session;
    const call = s.newCall('redis', start);
    call.kind = 'event';
    call.state = 'complete';
    const m = /^(\d+\.\d+) \[(\S+) ([^\]]*)\] (.*)$/.exec(line);
    const args = m ? splitMonitorArgs(m[4]) : [];
    for (const i of secretArgs(args)) if (!/^\(redacted\)$/.test(args[i])) args[i] = args[i][0] === '>' || args[i][0] === '<' ? args[i][0] + REDACTED : REDACTED;
    // (A line a gap cut before its arguments names no command.)
    call.method = args[0] !== undefined ? args[0].toUpperCase() : /\] /.test(line) ? 'MONITOR' : '(monitor line)';
    if (args.length > 1) call.target = args[1];
    call.fields['redis.monitor'] = true;
    if (m) {
      call.fields['redis.db'] = Number(m[2]);
      call.fields['redis.monitor.client'] = m[3];
      call.fields['redis.monitor.time'] = m[1];
    }
    call.response = { value: args.length ? args : line, wireBytes: wire };
    call.timing.responseStartUs = start.tsUs;
    call.timing.endUs = end.tsUs;
    addFrame(call.frames, end.frame);
    s.emit(call);
  }

  private noteCut(call: Call, what: string): void {
    if (!this.cutNow) return;
    call.warnings.push(`${this.cutNow} bytes of this ${what} missing from the capture (snaplen or loss): zero bytes stand in for them`);
    this.cutNow = 0;
  }

  /**
   * Bytes not captured (snaplen, loss). A gap inside a long argument or bulk reply keeps the framing
   * (the RESP length says how many bytes the blob has: zero bytes stand in for them). Elsewhere the
   * value the gap cuts is decoded from its captured head (a command's name and whole arguments, a
   * reply's type and what it holds so far) and the direction resynchronises on the next value that
   * can start where it looks: the first bytes after the gap, or a new line.
   */
  gap(dir: Dir, length: number, at: Position): void {
    if (this.dead[dir]) return;
    if (dir === 's2c' && this.repl?.snapshot) return this.snapshotGap(length, at);
    try {
      this.gapIn(dir, length, at);
    } catch (e) {
      this.stop(dir, `redis decoder error: ${(e as Error).message}`, at);
    }
  }

  private gapIn(dir: Dir, length: number, at: Position): void {
    const buf = this.buf[dir];
    if (this.resync[dir] && !this.findStart(dir, true)) {
      buf.clear();
      this.afterGap[dir] = true; // what comes next starts right after this gap
      this.atLine[dir] = false;
      if (dir === 's2c') this.lastReplyAt = Math.max(this.lastReplyAt, at.tsUs);
      return;
    }
    // A gap inside a long argument or bulk reply (a capture cut by snaplen): the RESP length
    // says how many bytes the blob has, so stand in zero bytes and keep the framing.
    const missing = buf.length ? this.scan[dir].missingBlobBytes(buf.bytes()) : undefined;
    if (missing !== undefined && length <= missing + 2) {
      // Zeros for the payload, then the blob's own CR LF when the gap covers it too.
      const fill = new Uint8Array(length);
      if (length > missing) fill.set(Uint8Array.of(13, 10).subarray(0, length - missing), missing);
      buf.push(fill, at);
      this.cut[dir] += Math.min(length, missing);
      this.drain(dir);
      return;
    }
    if (!buf.length) return this.lose(dir, length, at, 'at a value boundary');
    const b = buf.bytes();
    const start = buf.pos(0);
    const end = buf.pos(b.length - 1);
    const captured = b.length;
    let minRest: number;
    let node: RespNode | undefined;
    let inline: Uint8Array[] | undefined;
    if (dir === 'c2s' && b[0] !== 0x2a) {
      // An inline command cut before its end of line: its words so far.
      const line = b.subarray(0, b.length > 0 && b[b.length - 1] === 13 ? b.length - 1 : b.length);
      inline = splitInline(line) ?? splitInline(Uint8Array.from(line).map((c) => (c === 0x22 || c === 0x27 ? 0x20 : c)));
      minRest = 1;
    } else {
      const pv = buildPartial(b, this.session.env.limits.maxDepth, dir === 'c2s' ? 6 : MIN_REPLY);
      node = pv.node;
      minRest = pv.minRest;
    }
    buf.clear();
    this.scan[dir].reset();
    this.cutNow = this.cut[dir];
    this.cut[dir] = 0;
    this.cutValue = `${dir === 'c2s' ? 'command' : 'reply'} cut by a capture gap: ${captured} bytes captured, its end (${minRest} bytes or more) not`;
    try {
      if (inline?.length) {
        this.inlineSeen = true;
        this.onCommand(inline, start, end, captured, true, undefined, true);
      } else if (dir === 'c2s' && node?.t === '*' && node.items?.length && node.items.every((x) => x.b)) {
        const items = node.items;
        const nameCut = !!items[0].cut;
        this.onCommand(items.map((x) => x.b!), start, end, captured, false, node.n, nameCut, items[0].n, !!items[items.length - 1].cut || (node.n ?? 0) > items.length);
      } else if (dir === 's2c' && node) {
        this.onReply(node, start, end, captured);
        this.lastReplyAt = Math.max(this.lastReplyAt, start.tsUs);
      }
    } finally {
      this.cutValue = undefined;
      this.cutNow = 0;
    }
    this.lose(dir, Math.max(0, length - minRest), at, 'past the end of the value they cut');
  }

  /**
   * The framing of `dir` is lost. `slack` is what the gap may hold beyond the value it cut: room for
   * whole commands puts a barrier before the next one (takeHead); room for whole replies means
   * commands sent before the gap may have had theirs in it: those are given up rather than paired
   * with a later reply.
   */
  private lose(dir: Dir, slack: number, at: Position, where: string): void {
    this.buf[dir].clear();
    this.scan[dir].reset();
    this.resync[dir] = true;
    this.afterGap[dir] = true;
    this.atLine[dir] = false;
    this.uncertain = true;
    if (dir === 'c2s') {
      if (slack >= (this.inlineSeen ? MIN_INLINE_COMMAND : MIN_COMMAND)) this.nextBarrier = at.tsUs;
    } else {
      this.lastReplyAt = Math.max(this.lastReplyAt, at.tsUs);
      if (slack >= MIN_REPLY) {
        const keep: Pending[] = [];
        for (const p of this.pending) {
          if ((p.call.timing.requestEndUs ?? p.call.timing.startUs) > at.tsUs) keep.push(p);
          else {
            p.call.state = 'incomplete';
            p.call.warnings.push(p.replies?.length ? `only ${p.replies.length} of ${p.confirmations} confirmations in the capture: the server side has a capture gap that may hold the others` : 'no reply in the capture: the server side has a capture gap that may hold it');
            this.session.emit(p.call);
          }
        }
        this.pending.replace(keep);
      }
    }
    this.notes.lost(dir, slack, `${dir}: bytes missing from the capture ${where} (${slack} more than it needs at least); decoding resumes at the next ${dir === 'c2s' ? 'command' : 'reply'}`, at);
  }

  /**
   * The command a reply starting at `start` answers: the oldest waiting one (replies come in order),
   * unless a gap makes that uncertain — a reply never answers a command sent after it began, and a
   * command after a barrier (a gap that may hold other commands, whose replies would come first) is
   * answered only when the server was seen replying after that gap and before this command was sent.
   */
  private takeHead(start: Position): Pending | undefined {
    const p = this.pending.first();
    if (!p || !this.uncertain) return this.pending.shift();
    if ((p.call.timing.requestEndUs ?? p.call.timing.startUs) > start.tsUs) return undefined;
    if (p.barrier !== undefined) {
      if (!(this.lastReplyAt > p.barrier && this.lastReplyAt <= p.call.timing.startUs)) return undefined;
      p.barrier = undefined;
      p.call.warnings.push('paired across a capture gap: the server had replied since that gap when this command was sent');
    }
    return this.pending.shift();
  }

  /**
   * Resynchronisation: drop buffered bytes up to the first place a value can start (true: it is at
   * the head now). Commands: `*N\r\n$M\r\n` and a command name, after the gap or at a line start;
   * an inline command only right after the gap. Replies: any RESP value right after the gap; at a
   * line start only a pub/sub message (an element of a cut aggregate would pass for a reply).
   */
  private findStart(dir: Dir, final: boolean): boolean {
    const buf = this.buf[dir];
    while (buf.length > 0) {
      const b = buf.bytes();
      const n = Math.min(b.length, RESYNC_WINDOW);
      const last = n === b.length;
      let i = 0;
      let wait = false;
      for (; i < n; i++) {
        const first = i === 0 && this.afterGap[dir];
        if (!first && !(i > 0 ? b[i - 1] === 10 : this.atLine[dir])) continue;
        const v = dir === 'c2s' ? plausibleCommand(b, i, final && last, first) : plausibleReply(b, i, final && last, first);
        if (v === 'yes') {
          buf.consume(i);
          this.resync[dir] = false;
          this.afterGap[dir] = false;
          return true;
        }
        if (v === 'more') {
          wait = true;
          break;
        }
      }
      buf.consume(i);
      if (i > 0) {
        this.afterGap[dir] = false;
        this.atLine[dir] = b[i - 1] === 10;
      }
      if (wait || i < n) return false;
    }
    return false;
  }

  end(): void {}

  close(at: Position, how?: CloseReason): void {
    this.notes.summary(at);
    if (this.repl?.snapshot) {
      this.repl.snapshot.warnings.push('the connection ended before the whole snapshot was sent');
      this.finishSnapshot(false);
    }
    for (const p of this.pending.drain()) {
      const left = leftWaiting(how, 'reply', 'no reply seen');
      p.call.state = left.state;
      p.call.warnings.push(p.replies?.length ? `only ${p.replies.length} of ${p.confirmations} confirmations seen` : left.warning);
      this.session.emit(p.call);
    }
    for (const dir of ['c2s', 's2c'] as Dir[]) {
      if (!this.dead[dir] && !this.resync[dir] && this.buf[dir].length > 0) this.session.warn(`${dir}: ${this.buf[dir].length} bytes of an unfinished RESP value at the end`, at);
      this.buf[dir].clear();
    }
  }
}

function replyTypeName(n: RespNode): string {
  const names: Record<string, string> = {
    '+': 'simple-string', '-': 'error', ':': 'integer', '$': 'bulk-string', '*': 'array', '_': 'null', '#': 'boolean',
    ',': 'double', '(': 'big-number', '!': 'bulk-error', '=': 'verbatim-string', '%': 'map', '~': 'set', '>': 'push',
  };
  if (n.nil && n.t !== '_') return 'null';
  return names[n.t] ?? n.t;
}

/** Indexes (into the full argument list, command name at 0) of arguments that hold secrets. */
export function secretArgs(args: string[]): number[] {
  const name = (args[0] ?? '').toUpperCase();
  const out: number[] = [];
  if (name === 'AUTH' && args.length > 1) out.push(args.length - 1);
  if (name === 'HELLO') {
    for (let i = 2; i < args.length; i++) {
      const opt = args[i].toUpperCase();
      if (opt === 'AUTH') out.push(i + 2), (i += 2);
      else if (opt === 'SETNAME') i++;
    }
  }
  if (name === 'MIGRATE') {
    for (let i = 6; i < args.length; i++) {
      const opt = args[i].toUpperCase();
      if (opt === 'AUTH') out.push(i + 1);
      else if (opt === 'AUTH2') out.push(i + 2);
    }
  }
  if (name === 'CONFIG' && (args[1] ?? '').toUpperCase() === 'SET') {
    for (let i = 2; i + 1 < args.length; i += 2) if (/pass|auth/i.test(args[i])) out.push(i + 1);
  }
  // ACL SETUSER rules: >password, <password, #sha256, !sha256.
  if (name === 'ACL' && (args[1] ?? '').toUpperCase() === 'SETUSER') {
    for (let i = 3; i < args.length; i++) if (/^[<>#!]/.test(args[i])) out.push(i);
  }
  return out.filter((i) => i < args.length);
}

/** Split an inline command like redis-cli/redis-server do: spaces separate, "…" and '…' quote. */
export function splitInline(line: Uint8Array): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === 32 || line[i] === 9)) i++;
    if (i >= n) break;
    const cur: number[] = [];
    const q = line[i];
    if (q === 0x22 || q === 0x27) {
      i++;
      let closed = false;
      while (i < n) {
        const c = line[i];
        if (q === 0x22 && c === 0x5c && i + 1 < n) {
          const e = line[i + 1];
          const hex = (x: number) => (x >= 48 && x <= 57) || (x >= 97 && x <= 102) || (x >= 65 && x <= 70);
          if (e === 0x78 && i + 3 < n && hex(line[i + 2]) && hex(line[i + 3])) {
            cur.push(parseInt(String.fromCharCode(line[i + 2], line[i + 3]), 16));
            i += 4;
            continue;
          }
          cur.push(e === 0x6e ? 10 : e === 0x72 ? 13 : e === 0x74 ? 9 : e === 0x62 ? 8 : e === 0x61 ? 7 : e);
          i += 2;
          continue;
        }
        if (q === 0x27 && c === 0x5c && line[i + 1] === 0x27) {
          cur.push(0x27);
          i += 2;
          continue;
        }
        if (c === q) {
          closed = true;
          i++;
          break;
        }
        cur.push(c);
        i++;
      }
      if (!closed) return undefined;
    } else {
      while (i < n && line[i] !== 32 && line[i] !== 9) cur.push(line[i++]);
    }
    out.push(Uint8Array.from(cur));
  }
  return out;
}

/** The quoted arguments of a MONITOR line: "set" "k" "v\x00". */
function splitMonitorArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) && out.length < 1000) {
    out.push(m[1].replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_, h, c) => (h ? String.fromCharCode(parseInt(h, 16)) : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c)));
  }
  return out;
}

/** A RESP command (`*N\r\n$M\r\n` + a name of M letters) or, right after a gap, an inline command at b[i]. */
function plausibleCommand(b: Uint8Array, i: number, final: boolean, first: boolean): 'yes' | 'no' | 'more' {
  const short = final ? 'no' : 'more';
  if (b[i] !== 0x2a) {
    if (!first) return 'no';
    const t = latin1Text(b.subarray(i, i + 64));
    if (INLINE_COMMANDS.test(t)) return 'yes';
    return t.length < 12 && /^[A-Za-z]*$/.test(t) && !final ? 'more' : 'no';
  }
  const m = /^\*(\d{1,7})\r\n\$(\d{1,2})\r\n([A-Za-z]*)/.exec(latin1Text(b.subarray(i, i + 96)));
  if (!m) {
    const t = latin1Text(b.subarray(i, i + 16));
    return /^\*\d{0,7}(\r(\n(\$(\d{1,2}(\r)?)?)?)?)?$/.test(t) ? short : 'no';
  }
  const n = Number(m[1]);
  const len = Number(m[2]);
  if (n < 1 || len < 1 || len > 64) return 'no';
  if (m[3].length >= len) return 'yes';
  const at = i + m[0].length;
  if (at < b.length) return 'no'; // a byte that is not a letter inside the name
  return final ? (m[3].length >= 3 ? 'yes' : 'no') : 'more';
}

/** A RESP value right after a gap (`first`), else only a pub/sub message (RESP2 array or RESP3 push), at b[i]. */
function plausibleReply(b: Uint8Array, i: number, final: boolean, first: boolean): 'yes' | 'no' | 'more' {
  const short = final ? 'no' : 'more';
  if (!RESP_TYPES.has(b[i])) return 'no';
  const t = latin1Text(b.subarray(i, i + 96));
  if (!first) {
    if (b[i] !== 0x2a && b[i] !== 0x3e) return 'no';
    if (/^[*>]([34])\r\n\$(7\r\nmessage|8\r\n[ps]message)\r\n/.test(t)) return 'yes';
    return /^[*>][34]?(\r(\n(\$(\d(\r(\n[psm]?[a-z]{0,7}\r?)?)?)?)?)?)?$/.test(t) ? short : 'no';
  }
  const lf = t.indexOf('\r\n');
  const head = lf < 0 ? t.slice(1).replace(/\r$/, '') : t.slice(1, lf);
  if (lf < 0 && t.length >= 64) return 'no';
  const c = t[0];
  let ok: boolean;
  if (c === '+' || c === '-') ok = /^[\x20-\x7e]*$/.test(head) && (c === '+' || /^[A-Z]/.test(head) || head === '');
  else if (c === ':' || c === '(') ok = /^-?\d*$/.test(head);
  else if (c === '_') ok = head === '';
  else if (c === '#') ok = /^[tf]?$/.test(head);
  else if (c === ',') ok = /^[-+.\deEinfa]*$/.test(head);
  else ok = /^-?\d*$/.test(head); // $ ! = * % ~ > |: a length or count
  if (!ok) return 'no';
  if (lf < 0) return final ? (head.length > 0 || c === '+' ? 'yes' : 'no') : 'more';
  if (head === '' && c !== '_' && c !== '+' && c !== '-') return 'no';
  return 'yes';
}

const INLINE_COMMANDS = /^(PING|ECHO|SET|GET|DEL|INCR|DECR|KEYS|INFO|AUTH|HELLO|SELECT|QUIT|MONITOR|SUBSCRIBE|PSUBSCRIBE|PUBLISH|EXISTS|EXPIRE|TTL|TYPE|MGET|MSET|HGET|HSET|LPUSH|RPUSH|LRANGE|SADD|SMEMBERS|ZADD|ZRANGE|CONFIG|CLIENT|DBSIZE|FLUSHALL|FLUSHDB|COMMAND|SCAN)(\s|\r?\n|$)/i;

/** Inline commands that may come without arguments. */
const BARE_COMMANDS = /^(PING|INFO|QUIT|MONITOR|DBSIZE|FLUSHALL|FLUSHDB|COMMAND|HELLO)$/i;

/** How many empty lines (CR LF or LF alone) a client may send before its first command. */
const MAX_LEADING_EMPTY_LINES = 8;

/**
 * Where a client's first command starts: the server skips empty inline lines (`\r\n`, `\n`)
 * before it (Redis protocol spec, "Inline commands"). -1: only empty lines so far (at most
 * MAX_LEADING_EMPTY_LINES of them), -2: more empty lines than that.
 */
function afterEmptyLines(b: Uint8Array): number {
  let i = 0;
  for (let n = 0; n <= MAX_LEADING_EMPTY_LINES; n++) {
    if (i >= b.length || (b[i] === 13 && i + 1 === b.length)) return -1;
    if (b[i] === 10) i += 1;
    else if (b[i] === 13 && b[i + 1] === 10) i += 2;
    else return i;
  }
  return -2;
}

function probe(head: Uint8Array, dir: Dir): 'accept' | 'reject' | 'need-more' {
  if (dir !== 'c2s' || head.length === 0) return 'reject';
  const skip = afterEmptyLines(head);
  if (skip === -1) return 'need-more';
  if (skip < 0) return 'reject';
  const t = latin1Text(head.subarray(skip, skip + 64));
  if (t[0] === '*') {
    const m = /^\*(\d{0,6})(\r?)(\n?)(\$?)/.exec(t);
    if (!m) return 'reject';
    if (m[4]) return Number(m[1]) > 0 ? 'accept' : 'reject';
    return m[0].length === t.length && t.length < 12 ? 'need-more' : 'reject';
  }
  if (/ HTTP\/\d/.test(t.split('\n')[0])) return 'reject';
  // An HTTP request line cut before its end (a snaplen keeps 14 bytes: "GET /chat HTTP"): not Redis.
  // (origin-form `/path` or absolute-form `http://host/path`, RFC 9112 §3.2.1–3.2.2: a proxy request)
  if (!t.includes('\n') && /^[A-Z]+[ \t]+(\/|[A-Za-z][A-Za-z0-9+.-]*:\/\/)\S*( |$)/.test(t)) return 'reject';
  if (INLINE_COMMANDS.test(t)) {
    // A command that needs arguments alone on its line is no Redis command: STOMP's SUBSCRIBE
    // frame (its headers on the next lines) met mid-connection.
    const line = /^([A-Za-z]+)\r?\n/.exec(t);
    return line && !BARE_COMMANDS.test(line[1]) ? 'reject' : 'accept';
  }
  return t.length < 12 && /^[A-Za-z]*$/.test(t) ? 'need-more' : 'reject';
}

/**
 * A connection the capture joined inside a command or a reply (a pipeline of large values): a
 * command array whose first element is a command name (plausibleCommand, the resync's test) at the
 * start of a line anywhere in the client's first bytes.
 */
function probeMidstream(head: Uint8Array, dir: Dir): 'accept' | 'reject' | 'need-more' {
  if (dir !== 'c2s') return 'reject';
  for (let i = 0; i < head.length; ) {
    if (head[i] === 0x2a && plausibleCommand(head, i, true, false) === 'yes') return 'accept';
    const lf = head.indexOf(0x0a, i);
    if (lf < 0) break;
    i = lf + 1;
  }
  return 'reject';
}

export const spec: DecoderSpec = {
  id: 'redis',
  name: 'Redis (RESP)',
  transport: 'tcp',
  ports: [6379, 6380],
  probe,
  probeMidstream: (head, dir) => probeMidstream(head, dir),
  // A Redis server never speaks first and every reply starts with a RESP type byte: a server whose
  // first bytes are something else (FTP's `220 …` greeting, then the client's `AUTH TLS`) is not Redis.
  refute: (heads, joinedLate) => !joinedLate && heads.s2c.length > 0 && !RESP_TYPES.has(heads.s2c[0]),
  probeOrder: 60,
  create: (session) => new RedisDecoder(session),
};
