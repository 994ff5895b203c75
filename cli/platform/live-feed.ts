/**
 * A live capture byte stream (pcap or pcapng) going three places at once: a Pipeline (calls
 * as they complete), a file (so the capture can be saved), and any listeners (the editor's
 * worker). Shared by live capture (dumpcap/tcpdump stdout) and the recording proxy.
 *
 * TLS: the key logs named (`tlsKeyLogs`) are read, then followed while the feed runs (the client
 * appends a line per handshake, racing its packets through the capture tool's pipe: KeyLogTail);
 * each new secret goes into the running pipeline's store, where a connection waiting for it is
 * decrypted as soon as it comes (decoders/tls, `HOLD_*`).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { Pipeline, type DecodeAsRule, type PipelineSink } from '../../decoders/pipeline';
import type { Call, CaptureWarning, FlowSummary } from '../../decoders/core/model';
import type { Definitions, StreamHint } from '../../decoders/core/env';
import { nodeEnv } from './node-env';
import { KeyLog } from '../../decoders/tls/keylog';
import { KeyLogTail, TAIL_INTERVAL_MS } from './keylog';
import { injectTlsSecrets } from './inject-secrets';

export interface LiveFeedOptions {
  /** Write the raw stream here as it comes. */
  file?: string;
  decodeAs?: DecodeAsRule[];
  definitions?: Definitions;
  hints?: StreamHint[];
  /** Decode into calls (default true); false: only record. */
  decode?: boolean;
  /** TLS key logs (NSS `SSLKEYLOGFILE` format) to decrypt with: read now, then followed as they grow. A missing one is waited for. */
  tlsKeyLogs?: string[];
  /** How often the key logs are looked at (ms; default keylog.ts TAIL_INTERVAL_MS). */
  keyLogIntervalMs?: number;
}

export interface LiveFeedSink {
  call?(c: Call): void;
  flow?(f: FlowSummary): void;
  warning?(w: CaptureWarning): void;
  /** Every chunk of the raw stream (for another consumer, e.g. a worker). */
  bytes?(b: Uint8Array): void;
}

export class LiveFeed {
  readonly pipeline: Pipeline | undefined;
  private out: WriteStream | undefined;
  private readonly file: string | undefined;
  private ended = false;
  bytes = 0;
  calls = 0;
  /** Capture-clock time of the first byte pushed (ms, Date.now()). */
  readonly startedMs = Date.now();
  private listeners: Array<(b: Uint8Array) => void> = [];
  private fileError: Error | undefined;
  /** The secrets of the followed key logs (the pipeline's store), and the followers. */
  readonly keyLog: KeyLog | undefined;
  private readonly tails: KeyLogTail[] = [];
  /** Resolves once the key logs were read a first time (start the capture after it). */
  readonly ready: Promise<void>;
  private timer: ReturnType<typeof setInterval> | undefined;
  private looking: Promise<void> | undefined;

  constructor(
    opts: LiveFeedOptions,
    private readonly sink: LiveFeedSink = {},
  ) {
    if (opts.decode !== false) {
      const s: PipelineSink = {
        call: (c) => {
          this.calls++;
          sink.call?.(c);
        },
        flow: (f) => sink.flow?.(f),
        warning: (w) => sink.warning?.(w),
      };
      const env = nodeEnv({ definitions: opts.definitions, hints: opts.hints });
      if (opts.tlsKeyLogs?.length) {
        const keyLog = new KeyLog();
        keyLog.setGrowing(true);
        env.tlsSecrets = this.keyLog = keyLog;
        for (const f of opts.tlsKeyLogs) {
          this.tails.push(
            new KeyLogTail(
              f,
              (text) => {
                // (a connection waiting for these secrets is decoded now: its calls go to the sink)
                if (!this.ended) keyLog.add(text);
              },
              { warn: (m) => sink.warning?.({ message: `TLS key log ${f}: ${m}` }) },
            ),
          );
        }
      }
      this.pipeline = new Pipeline({ env, decodeAs: opts.decodeAs }, s);
    }
    this.ready = this.look().then(() => {
      if (!this.tails.length || this.ending) return;
      this.timer = setInterval(() => void this.look(), opts.keyLogIntervalMs ?? TAIL_INTERVAL_MS);
      this.timer.unref?.();
    });
    if (opts.file) {
      this.file = opts.file;
      this.out = createWriteStream(opts.file);
      this.out.on('error', (e) => {
        this.fileError = e;
        sink.warning?.({ message: `cannot write ${opts.file}: ${e.message}` });
      });
    }
  }

  /** Listen to the raw bytes (also those already pushed are NOT replayed). */
  onBytes(fn: (b: Uint8Array) => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((f) => f !== fn);
    };
  }

  push(chunk: Uint8Array): void {
    if (this.ended || chunk.length === 0) return;
    this.bytes += chunk.length;
    // The pipeline reads in place; the file stream and listeners keep their own copy.
    const copy = new Uint8Array(chunk);
    if (this.out && !this.fileError) this.out.write(copy);
    this.sink.bytes?.(copy);
    for (const l of this.listeners) l(copy);
    this.pipeline?.push(copy);
  }

  /** Flush the decoders (open flows become calls/summaries) and close the file. */
  end(): Promise<void> {
    this.ending ??= this.finish();
    return this.ending;
  }

  private ending: Promise<void> | undefined;

  /** One look at every key log; then the connections waiting for their secrets are told (they wait a few looks: decoders/tls HOLD_LOOKS). */
  private look(): Promise<void> {
    this.looking ??= Promise.all(this.tails.map((t) => t.poll())).then(() => {
      this.looking = undefined;
      if (!this.ended) this.keyLog?.looked();
    });
    return this.looking;
  }

  private async finish(): Promise<void> {
    // A last look at the key logs (the last handshakes' secrets), then the connections still
    // waiting for theirs are decided.
    if (this.timer) clearInterval(this.timer);
    await this.ready;
    await Promise.all(this.tails.map((t) => t.stop()));
    this.keyLog?.setGrowing(false);
    this.ended = true;
    this.pipeline?.end();
    const out = this.out;
    if (out) await new Promise<void>((resolve) => out.end(() => resolve()));
    if (this.fileError) throw this.fileError;
    // The secrets that decrypted this capture go into it (pcapng Decryption Secrets Blocks), so the
    // saved file opens decrypted anywhere; those of other sessions in the key log do not.
    const secrets = this.file ? this.keyLog?.usedLines() : undefined;
    if (this.file && secrets) {
      try {
        await injectTlsSecrets(this.file, secrets);
      } catch (e) {
        this.sink.warning?.({ message: `could not add the TLS secrets to ${this.file}: ${(e as Error).message} (the key log still decrypts it)` });
      }
    }
  }
}

/** Microseconds since the epoch, finer than Date.now() and monotonic within the process. */
let lastUs = 0;
export function nowUs(): number {
  const t = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastUs = t > lastUs ? t : lastUs + 1;
  return lastUs;
}
