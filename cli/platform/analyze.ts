/**
 * Analyze a capture file from disk: read it in large chunks (never whole), gunzip when the
 * bytes say gzip, and run the pipeline. Shared by the CLI and the extension's worker thread.
 */
import type { Call, CaptureWarning, FlowSummary } from '../../decoders/core/model';
import type { CaptureInfo } from '../../decoders/capture/types';
import type { DecodeAsRule } from '../../decoders/pipeline';
import type { StreamHint, Definitions, Limits } from '../../decoders/core/env';

export interface AnalyzeOptions {
  decodeAs?: DecodeAsRule[];
  hints?: StreamHint[];
  definitions?: Definitions;
  limits?: Partial<Limits>;
  /** Read chunk size in bytes (default 4 MiB). */
  chunkBytes?: number;
  /** Stop early (cancel). */
  signal?: AbortSignal;
  /**
   * Key log text (NSS SSLKEYLOGFILE format) for TLS decryption. Undefined: the key logs found beside
   * the capture are read (platform/keylog.ts); '' reads none.
   */
  tlsKeyLog?: string;
}

export interface AnalyzeProgress {
  /** Bytes of the file read so far, and its size. */
  bytesRead: number;
  fileBytes: number;
  frames: number;
  calls: number;
}

export interface AnalyzeSink {
  call(c: Call): void;
  flow?(f: FlowSummary): void;
  warning?(w: CaptureWarning): void;
  info?(i: CaptureInfo): void;
  /** At most every `progressEveryMs` (default 250 ms). */
  progress?(p: AnalyzeProgress): void;
}

export interface AnalyzeResult {
  frames: number;
  calls: number;
  flows: number;
  bytesRead: number;
  warnings: CaptureWarning[];
  info?: CaptureInfo;
  cancelled: boolean;
}

import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip, gunzipSync, constants as zlibConstants } from 'node:zlib';
import { pipeline as pipeStreams, type Readable } from 'node:stream';
import { Pipeline } from '../../decoders/pipeline';
import { sniffCapture, describeMagic } from '../../decoders/capture/sniff';
import { nodeEnv } from './node-env';
import { keyLogsBeside } from './keylog';
import type { RawFrame } from '../../decoders/capture/types';

/** An error the user can fix (bad file, bad option): printed without a stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export interface AnalyzeFileOptions extends AnalyzeOptions {
  /** Receive every frame (for a frame index: number, file offset, lengths, time). */
  frame?(f: RawFrame): void;
  progressEveryMs?: number;
  /** Awaited between chunks: lets the consumer drain its output (back-pressure). */
  betweenChunks?: () => Promise<void>;
}

/**
 * Analyze the capture at `path`. Throws UserError when the file is unreadable or is not a
 * capture; every problem inside the capture becomes a warning instead.
 */
export async function analyzeFile(path: string, options: AnalyzeFileOptions, sink: AnalyzeSink): Promise<AnalyzeResult> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new UserError(`${path}: ${osReason(e)}`);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new UserError(`${path}: is a directory`);
    // (enough to name what the file is, and to count gzip layers)
    const buf = new Uint8Array(64 << 10);
    const { bytesRead: headBytes } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, headBytes);
    const format = sniffCapture(head.subarray(0, 4));
    if (format === 'unknown') {
      throw new UserError(
        headBytes === 0 ? `${path}: empty file, not a pcap or pcapng file` : `${path}: not a pcap or pcapng file (starts with ${describeMagic(head.subarray(0, 16))})`,
      );
    }
    const warnings: CaptureWarning[] = [];
    let info: CaptureInfo | undefined;
    let calls = 0;
    let flows = 0;
    const tlsKeyLog = options.tlsKeyLog ?? (await keyLogsBeside(path)).text;
    const pipeline = new Pipeline(
      {
        env: nodeEnv({ limits: options.limits, definitions: options.definitions, hints: options.hints, tlsKeyLog }),
        decodeAs: options.decodeAs,
      },
      {
        call: (c) => {
          calls++;
          sink.call(c);
        },
        flow: (f) => {
          flows++;
          sink.flow?.(f);
        },
        warning: (w) => {
          if (warnings.length < 1000) warnings.push(w);
          sink.warning?.(w);
        },
        info: (i) => {
          info = i;
          sink.info?.(i);
        },
        frame: options.frame,
      },
    );
    const chunkBytes = options.chunkBytes ?? 4 << 20;
    const every = options.progressEveryMs ?? 250;
    let lastProgress = 0;
    let bytesRead = 0;
    let cancelled = false;
    const report = (force = false) => {
      const now = Date.now();
      if (!sink.progress || (!force && now - lastProgress < every)) return;
      lastProgress = now;
      sink.progress({ bytesRead, fileBytes: st.size, frames: pipeline.stats.frames, calls });
    };
    if (format === 'gzip') {
      // Compressed captures stream through gunzip; the decompressed bytes never sit in memory whole.
      const layers = gzipLayers(head);
      const input = fh.createReadStream({ highWaterMark: chunkBytes, autoClose: false });
      input.on('data', (c) => {
        bytesRead += (c as Buffer).length;
      });
      const stages: NodeJS.ReadWriteStream[] = [];
      for (let i = 0; i < layers; i++) stages.push(createGunzip({ chunkSize: 1 << 20 }));
      // pipeline() passes an error of any stage on to the last one, which the loop below reads.
      const gunzip = (pipeStreams as (...s: unknown[]) => Readable)(input, ...stages, () => {});
      if (layers > 1) {
        const w = { message: `capture is gzip-compressed ${layers} times over; decompressed all ${layers} layers` };
        warnings.push(w);
        sink.warning?.(w);
      }
      let inner: 'pcap' | 'pcapng' | 'unknown' | 'gzip' | undefined;
      try {
        for await (const chunk of gunzip as AsyncIterable<Buffer>) {
          if (options.signal?.aborted) {
            cancelled = true;
            input.destroy();
            break;
          }
          if (!inner) {
            inner = sniffCapture(chunk.subarray(0, 4));
            if (inner !== 'pcap' && inner !== 'pcapng') {
              input.destroy();
              throw new UserError(`${path}: gzip-compressed, but not a pcap or pcapng file inside (starts with ${describeMagic(chunk.subarray(0, 16))})`);
            }
          }
          pipeline.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          report();
          if (options.betweenChunks) await options.betweenChunks();
        }
      } catch (e) {
        if (e instanceof UserError) throw e;
        const w = { message: `gzip stream ends early or is damaged (${(e as Error).message}); decoded what came before` };
        warnings.push(w);
        sink.warning?.(w);
      }
    } else {
      const buf = new Uint8Array(chunkBytes);
      for (;;) {
        if (options.signal?.aborted) {
          cancelled = true;
          break;
        }
        const { bytesRead: n } = await fh.read(buf, 0, chunkBytes, bytesRead);
        if (n === 0) break;
        bytesRead += n;
        pipeline.push(buf.subarray(0, n));
        report();
        if (options.betweenChunks) await options.betweenChunks();
      }
    }
    pipeline.end();
    report(true);
    return { frames: pipeline.stats.frames, calls, flows, bytesRead, warnings, info: info ?? pipeline.captureInfo, cancelled };
  } finally {
    await fh.close();
  }
}

/** At most this many gzip layers are taken off one capture (a file gzipped twice exists in the wild). */
const MAX_GZIP_LAYERS = 3;

/**
 * How many gzip layers wrap the capture: python3-libtrace's example `anon-v4.pcap.gz` is a gzip of a gzip of a
 * pcap (tshark refuses it). Decompresses the file's first bytes only, as far as they go, layer by layer.
 */
function gzipLayers(start: Uint8Array): number {
  let head = start;
  let layers = 0;
  while (layers < MAX_GZIP_LAYERS && sniffCapture(head.subarray(0, 4)) === 'gzip') {
    layers++;
    try {
      head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      break; // damaged: the stream reports it
    }
  }
  return Math.max(1, layers);
}

/** The OS's reason for a failed file operation, in words (`no such file`, `permission denied`…). */
export function osReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err?.message ?? String(e);
  }
}
