/**
 * The decoder of what a decrypted TLS connection carries: chosen by the ALPN protocol the server
 * selected (`h2` → HTTP/2, `http/1.1` / `http/1.0` → HTTP/1.1), else by the probes of the stream
 * decoders on the first plaintext bytes (as the pipeline chooses for a plain connection; ports are
 * not consulted: they name TLS). It gets the plaintext as if the connection were in the clear:
 * stream offsets count plaintext bytes, and each byte keeps the capture position (frame, time)
 * of the packet that carried its ciphertext. A record that could not be decrypted is a gap.
 *
 * The inner decoder's session is the connection's, except that its hand-offs (HTTP/1.1 Upgrade →
 * WebSocket inside TLS) replace the inner decoder, not the TLS decoder, and its calls are tagged
 * with the facts of the TLS handshake (`decorate`).
 */
import type { CloseReason, DecoderSession, DecoderSpec, Position, StreamDecoder } from '../core/decoder';
import type { Call, Dir } from '../core/model';
import { concatBytes, toHex } from '../core/bytes';

let innerDecoders: DecoderSpec[] = [];

/** The stream decoders a decrypted connection may be handed to (set by the registry: no import cycle). */
export function setInnerDecoders(list: DecoderSpec[]): void {
  innerDecoders = [...list].sort((a, b) => (a.probeOrder ?? 100) - (b.probeOrder ?? 100));
}

/** Plaintext bytes of each direction held while probing. */
const MAX_PROBE_BYTES = 8192;
/** Events held while probing, at most. */
const MAX_HELD = 1024;
const EMPTY = new Uint8Array(0);

type Held = { kind: 'data'; dir: Dir; bytes: Uint8Array; at: Position } | { kind: 'gap'; dir: Dir; length: number; at: Position } | { kind: 'end'; dir: Dir; at: Position };

/** The ALPN protocol ids (RFC 7301 registry) that name a decoder. */
function byAlpn(alpn: string | undefined): string | undefined {
  if (alpn === 'h2') return 'http2';
  if (alpn === 'http/1.1' || alpn === 'http/1.0') return 'http';
  return undefined;
}

export class InnerStream {
  private decoder?: StreamDecoder;
  /** Decoder chosen (or given up on): bytes go straight through. */
  private decided = false;
  private held: Held[] = [];
  private head: Record<Dir, Uint8Array> = { c2s: EMPTY, s2c: EMPTY };
  private heldBytes = 0;
  /** Plaintext stream offsets. */
  private off: Record<Dir, number> = { c2s: 0, s2c: 0 };
  private dead = false;
  /** Id of the decoder the plaintext went to, when one took it. */
  decoderId?: string;
  private readonly session: DecoderSession;

  constructor(
    outer: DecoderSession,
    alpn: string | undefined,
    decorate: (c: Call) => void,
    private readonly warn: (text: string) => void,
  ) {
    const self = this;
    this.session = {
      flow: outer.flow,
      env: outer.env,
      capture: outer.capture,
      tagCalls: (fields: Record<string, string>) => outer.tagCalls?.(fields),
      nextCallId: () => outer.nextCallId(),
      emit(call: Call) {
        decorate(call);
        outer.emit(call);
      },
      warn: (message: string, at?: Position) => outer.warn(message, at),
      handoff(decoderId: string, init?: unknown) {
        const spec = innerDecoders.find((d) => d.id === decoderId);
        if (!spec) {
          self.warn(`no decoder for "${decoderId}" after the upgrade inside TLS; the rest is not decoded`);
          self.decoder = undefined;
          return undefined;
        }
        const next = self.create(spec, init);
        self.decoder = next;
        if (next) self.decoderId = spec.id;
        return next;
      },
      newCall: (protocol: string, at: Position) => outer.newCall(protocol, at),
    };
    const id = byAlpn(alpn);
    const spec = id ? innerDecoders.find((d) => d.id === id) : undefined;
    if (spec) this.attach(spec);
  }

  private create(spec: DecoderSpec, init?: unknown): StreamDecoder | undefined {
    try {
      return spec.create(this.session, init) as StreamDecoder;
    } catch (e) {
      this.warn(`${spec.id} could not start on the decrypted data: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  private attach(spec: DecoderSpec): void {
    this.decided = true;
    this.decoder = this.create(spec);
    if (this.decoder) this.decoderId = spec.id;
    const held = this.held;
    this.held = [];
    this.head = { c2s: EMPTY, s2c: EMPTY };
    for (const h of held) this.feed(h);
  }

  /** Plaintext of one direction; `at.streamOffset` is ignored (plaintext offsets are counted here). */
  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (!bytes.length) return;
    const pos = { frame: at.frame, tsUs: at.tsUs, streamOffset: this.off[dir] };
    this.off[dir] += bytes.length;
    if (this.decided) return this.feed({ kind: 'data', dir, bytes, at: pos });
    const head = this.head[dir];
    if (head.length < MAX_PROBE_BYTES) this.head[dir] = concatBytes([head, bytes.subarray(0, MAX_PROBE_BYTES - head.length)]);
    this.held.push({ kind: 'data', dir, bytes: bytes.slice(), at: pos });
    this.heldBytes += bytes.length;
    this.decide(this.heldBytes > 4 * MAX_PROBE_BYTES || this.head[dir].length >= MAX_PROBE_BYTES || this.held.length > MAX_HELD);
  }

  /** `length` plaintext bytes (an estimate) that could not be decrypted or were not captured. */
  gap(dir: Dir, length: number, at: Position): void {
    if (length <= 0) return;
    const pos = { frame: at.frame, tsUs: at.tsUs, streamOffset: this.off[dir] };
    this.off[dir] += length;
    if (this.decided) return this.feed({ kind: 'gap', dir, length, at: pos });
    this.held.push({ kind: 'gap', dir, length, at: pos });
    // Decide with what came before the gap; a gap before any plaintext (the first record lost)
    // leaves the choice to the bytes after it.
    this.decide(this.head.c2s.length + this.head.s2c.length > 0 || this.held.length > MAX_HELD);
  }

  end(dir: Dir, at: Position): void {
    const pos = { frame: at.frame, tsUs: at.tsUs, streamOffset: this.off[dir] };
    if (this.decided) return this.feed({ kind: 'end', dir, at: pos });
    this.held.push({ kind: 'end', dir, at: pos });
    if (this.held.length > MAX_HELD) this.decide(true);
  }

  close(at: Position, how: CloseReason): void {
    if (!this.decided) this.decide(true);
    const d = this.decoder;
    if (!d || this.dead) return;
    try {
      d.close(at, how);
    } catch (e) {
      this.stop(e);
    }
  }

  private decide(final: boolean): void {
    if (this.decided) return;
    const dirs = (['c2s', 's2c'] as Dir[]).filter((d) => this.head[d].length > 0);
    let needMore: DecoderSpec | undefined;
    for (const spec of innerDecoders) {
      if (spec.transport !== 'tcp' || spec.handoffOnly || !spec.probe || spec.id === 'tls') continue;
      for (const dir of dirs) {
        let r: string;
        try {
          r = spec.probe(this.head[dir], dir);
        } catch {
          r = 'reject';
        }
        if (r === 'accept') return this.attach(spec);
        if (r === 'need-more') needMore ??= spec;
      }
    }
    if (needMore && !final) return;
    if (needMore && dirs.some((d) => this.head[d].length >= 8)) return this.attach(needMore);
    if (!final && !dirs.length) return;
    this.decided = true;
    const first = this.head.c2s.length ? this.head.c2s : this.head.s2c;
    if (first.length) this.warn(`the decrypted application data is not a protocol callscope decodes (first bytes ${toHex(first, 16)}): not decoded further`);
    this.held = [];
    this.head = { c2s: EMPTY, s2c: EMPTY };
  }

  private feed(h: Held): void {
    const d = this.decoder;
    if (!d || this.dead) return;
    try {
      if (h.kind === 'data') d.data(h.dir, h.bytes, h.at);
      else if (h.kind === 'gap') d.gap(h.dir, h.length, h.at);
      else d.end(h.dir, h.at);
    } catch (e) {
      this.stop(e);
    }
  }

  private stop(e: unknown): void {
    this.dead = true;
    this.warn(`${this.decoderId ?? 'decoder'} stopped on the decrypted data: ${e instanceof Error ? e.message : String(e)}`);
  }
}
