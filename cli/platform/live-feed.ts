/**
 * A live capture byte stream (pcap or pcapng) going three places at once: a Pipeline (calls
 * as they complete), a file (so the capture can be saved), and any listeners (the editor's
 * worker). Shared by live capture (dumpcap/tcpdump stdout) and the recording proxy.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { Pipeline, type DecodeAsRule, type PipelineSink } from '../../decoders/pipeline';
import type { Call, CaptureWarning, FlowSummary } from '../../decoders/core/model';
import type { Definitions, StreamHint } from '../../decoders/core/env';
import { nodeEnv } from './node-env';

export interface LiveFeedOptions {
  /** Write the raw stream here as it comes. */
  file?: string;
  decodeAs?: DecodeAsRule[];
  definitions?: Definitions;
  hints?: StreamHint[];
  /** Decode into calls (default true); false: only record. */
  decode?: boolean;
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
  private ended = false;
  bytes = 0;
  calls = 0;
  /** Capture-clock time of the first byte pushed (ms, Date.now()). */
  readonly startedMs = Date.now();
  private listeners: Array<(b: Uint8Array) => void> = [];
  private fileError: Error | undefined;

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
      this.pipeline = new Pipeline({ env: nodeEnv({ definitions: opts.definitions, hints: opts.hints }), decodeAs: opts.decodeAs }, s);
    }
    if (opts.file) {
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
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.pipeline?.end();
    const out = this.out;
    if (out) await new Promise<void>((resolve) => out.end(() => resolve()));
    if (this.fileError) throw this.fileError;
  }
}

/** Microseconds since the epoch, finer than Date.now() and monotonic within the process. */
let lastUs = 0;
export function nowUs(): number {
  const t = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastUs = t > lastUs ? t : lastUs + 1;
  return lastUs;
}
