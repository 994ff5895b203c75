/**
 * The recording proxy: listens on 127.0.0.1:PORT, forwards every accepted connection to
 * HOST:PORT, and records both directions as a capture with synthesized Ethernet/IP/TCP headers
 * (decoders/synth/tcp-synth) in a pcapng stream (decoders/capture/pcapng-writer). Works for any
 * TCP protocol and needs no privileges.
 *
 * Addresses in the recording: the client is 127.0.0.1 (::1 when the target is IPv6) with a
 * synthetic port, distinct for every connection; the server is the target's address and port as
 * connected, so decoders dispatch by the real server port. A connect failure is recorded as
 * SYN then RST and reported through `onEvent`.
 *
 * TLS is relayed as it is, never terminated (no CONNECT, no certificates): a client speaking TLS
 * through the proxy to a TLS server is recorded encrypted, end to end, and the key log that client
 * writes decrypts the recording as it is made (`callscope proxy --tls-keylog`, the LiveFeed's
 * `tlsKeyLogs`) or later, like any capture.
 */
import * as net from 'node:net';
import { PcapngWriter } from '../../decoders/capture/pcapng-writer';
import { TcpSynth, LINKTYPE_ETHERNET, type SynthFrame } from '../../decoders/synth/tcp-synth';
import type { Dir } from '../../decoders/core/model';
import { nowUs } from './live-feed';

export interface HostPort {
  host: string;
  port: number;
}

export interface ProxyRoute {
  listen: HostPort;
  target: HostPort;
}

export type ProxyEvent =
  | { type: 'listening'; route: ProxyRoute; address: HostPort }
  | { type: 'connect'; route: ProxyRoute; id: number; clientPort: number }
  | { type: 'connect-failed'; route: ProxyRoute; id: number; message: string }
  | { type: 'closed'; route: ProxyRoute; id: number; c2sBytes: number; s2cBytes: number; reset: boolean }
  | { type: 'error'; route: ProxyRoute; message: string };

/** Parse `HOST:PORT`, `[v6]:PORT` or `PORT` (host defaults to `defaultHost`). */
export function parseHostPort(text: string, defaultHost = '127.0.0.1'): HostPort {
  const t = text.trim();
  let host = defaultHost;
  let port: string;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(t);
  if (v6) {
    host = v6[1];
    port = v6[2];
  } else if (/^\d+$/.test(t)) port = t;
  else {
    const i = t.lastIndexOf(':');
    if (i <= 0) throw new Error(`"${text}": expected HOST:PORT (e.g. 127.0.0.1:8000)`);
    host = t.slice(0, i);
    port = t.slice(i + 1);
  }
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw new Error(`"${text}": port must be 1-65535`);
  return { host, port: n };
}

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Writes synthesized frames of all proxied connections into one pcapng stream. `emit` receives
 * the stream's bytes (SHB+IDB first, then packet blocks as connections progress).
 */
export class SynthRecorder {
  private readonly writer: PcapngWriter;
  private iface = -1;
  frames = 0;
  private nextPort = 0;

  constructor(
    private readonly emit: (bytes: Uint8Array) => void,
    comment?: string,
  ) {
    this.writer = new PcapngWriter({ application: 'callscope proxy', comment });
  }

  /** Start the stream (SHB + IDB) now; otherwise it starts with the first frames. */
  start(): void {
    if (this.iface >= 0) return;
    const a = this.writer.addInterface({ linkType: LINKTYPE_ETHERNET, snapLen: 262144, name: 'callscope-proxy', description: 'synthesized from a recording proxy' });
    this.iface = a.id;
    this.emit(a.bytes);
  }

  /** A distinct synthetic client port for each connection (40000-59999, then wraps). */
  allocatePort(): number {
    const p = 40000 + (this.nextPort % 20000);
    this.nextPort++;
    return p;
  }

  write(frames: SynthFrame[], comment?: string): void {
    if (frames.length === 0) return;
    this.start();
    const parts: Uint8Array[] = [];
    let n = 0;
    frames.forEach((f, i) => {
      const b = this.writer.packet(this.iface, f.tsUs, f.data, i === 0 && comment ? { comment } : {});
      parts.push(b);
      n += b.length;
    });
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) out.set(p, o), (o += p.length);
    this.frames += frames.length;
    this.emit(out);
  }
}

export interface ProxyOptions {
  /** Allow listening on a non-loopback address (default: refuse). */
  allowRemoteListen?: boolean;
  /** Connect timeout to the target, ms (default 5000). */
  connectTimeoutMs?: number;
  onEvent?: (e: ProxyEvent) => void;
  /** MSS of the synthesized segments (default 1460/1440). */
  mss?: number;
}

/** One listening proxy (one route). Several can share a recorder. */
export class RecordingProxy {
  private server: net.Server | undefined;
  private sockets = new Set<net.Socket>();
  private nextId = 1;
  address: HostPort | undefined;
  connections = 0;

  constructor(
    readonly route: ProxyRoute,
    private readonly recorder: SynthRecorder,
    private readonly opts: ProxyOptions = {},
  ) {}

  /** Start listening; resolves with the bound address (port 0 → an ephemeral port). */
  listen(): Promise<HostPort> {
    const { listen } = this.route;
    if (!this.opts.allowRemoteListen && !isLoopback(listen.host)) {
      return Promise.reject(new Error(`refusing to listen on ${listen.host}: the proxy binds to loopback unless allowed explicitly`));
    }
    return new Promise((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => this.accept(s));
      server.once('error', (e: NodeJS.ErrnoException) => {
        const why = e.code === 'EADDRINUSE' ? `${listen.host}:${listen.port} is already in use` : e.code === 'EACCES' ? `no permission to listen on port ${listen.port}` : e.message;
        reject(new Error(`cannot listen on ${listen.host}:${listen.port}: ${why}`));
      });
      server.listen(listen.port, listen.host, () => {
        const a = server.address() as net.AddressInfo;
        this.address = { host: a.address, port: a.port };
        server.on('error', (e) => this.opts.onEvent?.({ type: 'error', route: this.route, message: e.message }));
        this.server = server;
        this.opts.onEvent?.({ type: 'listening', route: this.route, address: this.address });
        resolve(this.address);
      });
    });
  }

  private accept(client: net.Socket): void {
    const id = this.nextId++;
    this.connections++;
    this.sockets.add(client);
    const clientPort = this.recorder.allocatePort();
    const t0 = nowUs();
    const upstream = net.connect({ host: this.route.target.host, port: this.route.target.port, allowHalfOpen: true });
    this.sockets.add(upstream);
    let synth: TcpSynth | undefined;
    let c2s = 0;
    let s2c = 0;
    let finished = false;
    let reset = false;
    const timeout = setTimeout(() => upstream.destroy(new Error(`no answer from ${this.route.target.host}:${this.route.target.port} within ${this.opts.connectTimeoutMs ?? 5000} ms`)), this.opts.connectTimeoutMs ?? 5000);

    const makeSynth = (serverIp: string): TcpSynth => {
      const ip = serverIp.replace(/^::ffff:(?=\d+\.)/i, '');
      const v6 = ip.includes(':');
      return new TcpSynth({ client: { ip: v6 ? '::1' : '127.0.0.1', port: clientPort }, server: { ip, port: this.route.target.port }, mss: this.opts.mss });
    };

    const finish = () => {
      if (finished || !client.destroyed || !upstream.destroyed) return;
      finished = true;
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      this.opts.onEvent?.({ type: 'closed', route: this.route, id, c2sBytes: c2s, s2cBytes: s2c, reset });
    };

    upstream.once('connect', () => {
      clearTimeout(timeout);
      synth = makeSynth(upstream.remoteAddress ?? this.route.target.host);
      this.recorder.write(synth.open(t0, nowUs()), `proxy ${this.route.listen.host}:${this.address?.port ?? this.route.listen.port} → ${this.route.target.host}:${this.route.target.port}`);
      this.opts.onEvent?.({ type: 'connect', route: this.route, id, clientPort });
      wire(client, upstream, 'c2s');
      wire(upstream, client, 's2c');
      client.resume();
    });

    const wire = (from: net.Socket, to: net.Socket, dir: Dir) => {
      from.on('data', (chunk: Buffer) => {
        const b = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        if (dir === 'c2s') c2s += b.length;
        else s2c += b.length;
        if (synth) this.recorder.write(synth.data(dir, b, nowUs()));
        if (!to.destroyed && !to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => {
        if (synth) this.recorder.write(synth.fin(dir, nowUs()));
        if (!to.destroyed) to.end();
      });
    };

    const onError = (dir: Dir) => (e: NodeJS.ErrnoException) => {
      if (!synth) return; // connect failure: handled below
      if (!reset && synth.isOpen) {
        reset = true;
        this.recorder.write(synth.reset(dir, nowUs()));
      }
      void e;
      (dir === 'c2s' ? upstream : client).destroy();
    };

    upstream.once('error', (e: NodeJS.ErrnoException) => {
      if (synth) return onError('s2c')(e);
      clearTimeout(timeout);
      const s = makeSynth(net.isIP(this.route.target.host) ? this.route.target.host : '127.0.0.1');
      this.recorder.write(s.refused(t0, nowUs()), `connect to ${this.route.target.host}:${this.route.target.port} failed: ${e.code ?? e.message}`);
      const message = e.code === 'ECONNREFUSED' ? `connection refused by ${this.route.target.host}:${this.route.target.port} (is the server running?)` : e.code === 'ENOTFOUND' ? `unknown host ${this.route.target.host}` : e.message;
      this.opts.onEvent?.({ type: 'connect-failed', route: this.route, id, message });
      reset = true;
      client.resetAndDestroy();
    });
    upstream.on('error', () => {});
    client.on('error', (e) => onError('c2s')(e));
    client.on('close', () => {
      if (!upstream.destroyed && upstream.writableEnded && upstream.readableEnded) upstream.destroy();
      finish();
    });
    upstream.on('close', () => {
      clearTimeout(timeout);
      if (!client.destroyed && client.writableEnded && client.readableEnded) client.destroy();
      finish();
    });
    // Both halves closed → destroy both sockets.
    const maybeDone = () => {
      if (client.readableEnded && client.writableEnded && upstream.readableEnded && upstream.writableEnded) {
        client.destroy();
        upstream.destroy();
      }
    };
    client.on('finish', maybeDone).on('end', maybeDone);
    upstream.on('finish', maybeDone).on('end', maybeDone);
  }

  /** Stop listening and close every connection (in-flight ones are reset). */
  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const sock of this.sockets) sock.destroy();
    this.sockets.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

/** Several proxies sharing one recording. */
export class ProxySet {
  readonly recorder: SynthRecorder;
  readonly proxies: RecordingProxy[] = [];

  constructor(
    emit: (bytes: Uint8Array) => void,
    private readonly opts: ProxyOptions = {},
  ) {
    this.recorder = new SynthRecorder(emit);
  }

  async add(route: ProxyRoute): Promise<RecordingProxy> {
    const p = new RecordingProxy(route, this.recorder, this.opts);
    await p.listen();
    this.recorder.start();
    this.proxies.push(p);
    return p;
  }

  async remove(p: RecordingProxy): Promise<void> {
    await p.close();
    const i = this.proxies.indexOf(p);
    if (i >= 0) this.proxies.splice(i, 1);
  }

  async close(): Promise<void> {
    await Promise.all(this.proxies.map((p) => p.close()));
    this.proxies.length = 0;
  }
}
