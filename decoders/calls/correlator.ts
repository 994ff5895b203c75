/**
 * Flows across connections: joins a published message to its deliveries, and a broker RPC
 * request to its reply, using the keys every broker decoder sets (calls/key.ts):
 *   msg.key             same value on a publish and on each delivery of that message
 *   msg.reply_to        on a request publish: where the reply is expected
 *   msg.correlation_id  on request and reply, when the protocol carries one
 *   msg.destination     on every publish: where it was sent
 *
 * Every call passes through `add` and leaves through `emit` exactly once:
 *  - a 'publish' with a msg.key is held until its window (capture time, `windowUs` after its
 *    end, on the clock of the calls passing through) has passed, then emitted with
 *    `links.deliveryIds`;
 *  - a 'deliver' with a msg.key is held for a short grace time (`graceUs` after its end), then
 *    linked to the latest publish of that key that started before it: decoders of other
 *    connections may report a publish after its delivery (MQTT QoS 1/2 waits for PUBACK or
 *    PUBCOMP, a produce waits for its response), and when the same payload is published again
 *    and again the publish already seen is the previous message, not this one. A publish
 *    released at the end of its window first takes the held deliveries that pick it;
 *    a delivery with no publish is emitted unlinked;
 *  - for a request publish with msg.reply_to and a later reply publish to that destination
 *    (same correlation id when both have one; RabbitMQ direct reply-to names are matched by
 *    prefix), one extra 'unary' call is synthesized when the reply is released, spanning the
 *    request's start to the reply's (or its last delivery's) end; a delivery to that destination
 *    that no publish explains (the broker answered itself: NATS JetStream API and acks, no
 *    responders) is the reply, and a failed one (503) gives the call its status;
 *  - everything else passes straight through.
 * Memory is bounded: at most `maxHeld` calls are held (the oldest is released beyond) and at
 * most `maxRequests` RPC requests are remembered.
 */
import type { Call } from '../core/model';

export interface FlowCorrelatorOptions {
  /** How long (µs of capture time) a publish waits for its deliveries. Default 10 s. */
  windowUs?: number;
  /** How long a delivery waits for a publish reported after it. Default min(2 s, windowUs). */
  graceUs?: number;
  emit: (c: Call) => void;
  /** Ids for synthesized RPC calls; pass the analysis' id source. Default: 1e9 + n. */
  nextCallId?: () => number;
  maxHeld?: number;
  maxRequests?: number;
}

interface Held {
  call: Call;
  releaseAt: number;
  /** For publishes: linked deliveries. */
  deliveries?: Call[];
  /** For a reply publish: the request it answers. */
  request?: RpcRequest;
}

interface RpcRequest {
  id: number;
  call: Call;
  replyTo: string;
  corr?: string;
  /** Deliveries of the request, whose reply_to may be rewritten by the broker. */
  aliases: string[];
  answered: boolean;
}

const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

export class FlowCorrelator {
  private readonly windowUs: number;
  private readonly graceUs: number;
  private readonly out: (c: Call) => void;
  private readonly nextId: () => number;
  private readonly maxHeld: number;
  private readonly maxRequests: number;
  private synth = 1_000_000_000;
  private now = -Infinity;
  /** Held publishes, in arrival order. */
  private held = new Map<number, Held>();
  /** Held deliveries waiting for a publish, in arrival order. */
  private early = new Map<number, Held>();
  /** msg.key → held publish ids (most recent last). */
  private pubsByKey = new Map<string, number[]>();
  /** msg.key → held unmatched delivery ids. */
  private earlyByKey = new Map<string, number[]>();
  /** RPC requests by reply destination. */
  private requests = new Map<string, RpcRequest[]>();
  private requestCount = 0;
  private requestsById = new Map<number, RpcRequest>();

  constructor(opts: FlowCorrelatorOptions) {
    this.windowUs = opts.windowUs ?? 10_000_000;
    this.graceUs = opts.graceUs ?? Math.min(2_000_000, this.windowUs);
    this.out = opts.emit;
    this.nextId = opts.nextCallId ?? (() => ++this.synth);
    this.maxHeld = opts.maxHeld ?? 100_000;
    this.maxRequests = opts.maxRequests ?? 10_000;
  }

  add(call: Call): void {
    const t = call.timing.endUs ?? call.timing.startUs;
    if (t > this.now) this.now = t;
    if (call.failsCalls) {
      // A later call says earlier ones failed (AMQP channel.close for a publish): update those still held.
      for (const f of call.failsCalls) {
        const h = this.held.get(f.id) ?? this.early.get(f.id);
        if (!h) continue;
        h.call.status = f.status;
        if (f.warning) h.call.warnings.push(f.warning);
      }
      delete call.failsCalls;
    }
    // What this call's time makes due goes out first, so output stays in time order.
    this.release(false);
    const key = typeof call.fields['msg.key'] === 'string' ? (call.fields['msg.key'] as string) : undefined;

    if (call.kind === 'publish') {
      if (typeof call.fields['msg.reply_to'] === 'string') this.rememberRequest(call);
      const request = this.findRequest(call);
      if (key) {
        const h: Held = { call, releaseAt: t + this.windowUs, deliveries: [], request };
        this.held.set(call.id, h);
        push(this.pubsByKey, key, call.id);
        // Held deliveries of this key are linked when they are released (the latest publish
        // that started before each wins), or when a publish they pick is released.
        const early = this.earlyByKey.get(key);
        if (early) for (const did of early) this.noteAlias(this.early.get(did)?.call);
      } else {
        this.out(call);
        if (request) this.synthesize(request, call, []);
      }
    } else if (call.kind === 'deliver' && key) {
      this.early.set(call.id, { call, releaseAt: t + this.graceUs });
      push(this.earlyByKey, key, call.id);
      this.noteAlias(call);
    } else this.out(call);

    this.release(false);
  }

  /** Release everything held (end of the analysis). */
  flush(): void {
    this.release(true);
  }

  private linkDelivery(h: Held, d: Call): void {
    d.links = { ...d.links, publishId: h.call.id };
    h.deliveries!.push(d);
  }

  /**
   * A delivered request may carry the broker-rewritten reply address (direct reply-to): remember
   * it for the request its publish (as known now) is, so a reply sent to it is recognized even
   * while the delivery is still held.
   */
  private noteAlias(d: Call | undefined): void {
    const rt = d?.fields['msg.reply_to'];
    if (!d || typeof rt !== 'string') return;
    const pid = this.pickPublish(d.fields['msg.key'] as string, d);
    const req = pid === undefined ? undefined : this.requestsById.get(pid);
    if (req && rt !== req.replyTo && req.aliases.length < 16 && !req.aliases.includes(rt)) {
      req.aliases.push(rt);
      push(this.requests, rt, req);
    }
  }

  /** Emit a held delivery, linked to the publish it picks now (if any is still held). */
  private releaseDelivery(id: number, d: Held): void {
    const key = d.call.fields['msg.key'] as string;
    this.early.delete(id);
    remove(this.earlyByKey, key, id);
    const pid = this.pickPublish(key, d.call);
    if (pid !== undefined) this.linkDelivery(this.held.get(pid)!, d.call);
    this.out(d.call);
    // A reply no client published: the broker itself answered the request (NATS JetStream API and
    // publish acks, KV, no-responders 503 statuses): the request's delivery on its reply address is the reply.
    if (pid === undefined) {
      const req = this.findRequest(d.call);
      if (req) this.synthesize(req, d.call, [], true);
    }
  }

  private pickPublish(key: string, d: Call): number | undefined {
    const ids = this.pubsByKey.get(key);
    if (!ids) return undefined;
    let best: number | undefined;
    for (const id of ids) {
      const h = this.held.get(id);
      if (h && h.call.timing.startUs <= d.timing.startUs) best = id;
    }
    return best;
  }

  private release(all: boolean): void {
    for (const map of [this.early, this.held]) this.releaseFrom(map, all);
  }

  private releaseFrom(map: Map<number, Held>, all: boolean): void {
    while (map.size) {
      const first = map.entries().next().value as [number, Held];
      const [id, h] = first;
      if (!all && h.releaseAt > this.now && this.held.size + this.early.size <= this.maxHeld) break;
      const key = h.call.fields['msg.key'] as string;
      if (h.call.kind === 'publish') {
        // Held deliveries that pick this publish go first, linked to it.
        const early = this.earlyByKey.get(key);
        if (early) {
          for (const did of [...early]) {
            const d = this.early.get(did);
            if (d && this.pickPublish(key, d.call) === id) this.releaseDelivery(did, d);
          }
        }
        map.delete(id);
        remove(this.pubsByKey, key, id);
        if (h.deliveries!.length) h.call.links = { ...h.call.links, deliveryIds: h.deliveries!.map((d) => d.id) };
        this.out(h.call);
        if (h.request) this.synthesize(h.request, h.call, h.deliveries!);
      } else this.releaseDelivery(id, h);
    }
  }

  private rememberRequest(call: Call): void {
    const replyTo = call.fields['msg.reply_to'] as string;
    const corr = typeof call.fields['msg.correlation_id'] === 'string' ? (call.fields['msg.correlation_id'] as string) : undefined;
    const req: RpcRequest = { id: call.id, call, replyTo, corr, aliases: [], answered: false };
    push(this.requests, replyTo, req);
    this.requestsById.set(call.id, req);
    if (++this.requestCount > this.maxRequests) {
      const oldest = this.requestsById.entries().next().value as [number, RpcRequest];
      this.forget(oldest[1]);
    }
  }

  private forget(req: RpcRequest): void {
    this.requestsById.delete(req.id);
    this.requestCount--;
    for (const k of [req.replyTo, ...req.aliases]) {
      const list = this.requests.get(k);
      if (!list) continue;
      const i = list.indexOf(req);
      if (i >= 0) list.splice(i, 1);
      if (!list.length) this.requests.delete(k);
    }
  }

  /** The open request a publish answers, if any. */
  private findRequest(reply: Call): RpcRequest | undefined {
    const dest = reply.fields['msg.destination'] ?? reply.target;
    if (typeof dest !== 'string' || !dest) return undefined;
    const corr = typeof reply.fields['msg.correlation_id'] === 'string' ? (reply.fields['msg.correlation_id'] as string) : undefined;
    const ok = (r: RpcRequest) => !r.answered && r.id !== reply.id && r.call.timing.startUs <= reply.timing.startUs && (r.corr === undefined || corr === undefined || r.corr === corr);
    let found = this.requests.get(dest)?.find(ok);
    if (!found && corr !== undefined && dest.startsWith(DIRECT_REPLY_TO)) found = this.requests.get(DIRECT_REPLY_TO)?.find((r) => ok(r) && r.corr === corr);
    if (found) {
      found.answered = true;
      this.forget(found);
    }
    return found;
  }

  private synthesize(req: RpcRequest, reply: Call, deliveries: Call[], byBroker = false): void {
    const rq = req.call;
    let end = reply.timing.endUs ?? reply.timing.startUs;
    for (const d of deliveries) end = Math.max(end, d.timing.endUs ?? d.timing.startUs);
    const dest = String(rq.fields['msg.destination'] ?? rq.target ?? '');
    const fields: Call['fields'] = { 'msg.reply_to': req.replyTo, 'msg.destination': dest, 'msg.rpc': true };
    if (req.corr !== undefined) fields['msg.correlation_id'] = req.corr;
    const frames = [...rq.frames];
    for (const f of reply.frames) if (frames.length < 64 && !frames.includes(f)) frames.push(f);
    const call: Call = {
      id: this.nextId(),
      protocol: rq.protocol,
      kind: 'unary',
      state: 'complete',
      flowId: rq.flowId,
      client: rq.client,
      server: rq.server,
      method: dest,
      target: dest,
      status:
        reply.status && !reply.status.ok
          ? reply.status
          : { code: 'reply', text: `reply on ${String(reply.fields['msg.destination'] ?? reply.target ?? '')}${byBroker ? ' (from the broker)' : ''}`, ok: true },
      timing: { startUs: rq.timing.startUs, requestEndUs: rq.timing.requestEndUs ?? rq.timing.endUs, responseStartUs: reply.timing.startUs, endUs: end },
      request: { value: partValue(rq), body: rq.request?.body, headers: rq.request?.headers },
      response: { value: partValue(reply), body: reply.request?.body, headers: reply.request?.headers },
      fields,
      frames,
      links: { requestId: rq.id, replyId: reply.id },
      warnings: [],
    };
    this.out(call);
  }
}

function partValue(c: Call): unknown {
  const b = c.request?.body;
  if (b?.value !== undefined) return b.value;
  if (b?.text !== undefined) return b.text;
  return c.request?.value;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function remove<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k);
  if (!l) return;
  const i = l.indexOf(v);
  if (i >= 0) l.splice(i, 1);
  if (!l.length) m.delete(k);
}
