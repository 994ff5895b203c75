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
import { pipeline as pipeStreams, Readable } from 'node:stream';
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
  const src = await openInput(path);
  const name = src.name;
  try {
    const head = src.head;
    const format = sniffCapture(head.subarray(0, 4));
    if (format === 'unknown') {
      throw new UserError(
        head.length === 0 ? `${name}: empty ${src.fileBytes === undefined ? 'input' : 'file'}, not a pcap or pcapng file` : `${name}: not a pcap or pcapng file (starts with ${describeMagic(head.subarray(0, 16))})`,
      );
    }
    const warnings: CaptureWarning[] = [];
    let info: CaptureInfo | undefined;
    let calls = 0;
    let flows = 0;
    const tlsKeyLog = options.tlsKeyLog ?? (src.fileBytes === undefined ? '' : (await keyLogsBeside(path)).text);
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
    if (options.signal?.aborted) src.stop();
    else options.signal?.addEventListener('abort', () => src.stop(), { once: true });
    const every = options.progressEveryMs ?? 250;
    let lastProgress = 0;
    let bytesRead = 0;
    let cancelled = false;
    const report = (force = false) => {
      const now = Date.now();
      if (!sink.progress || (!force && now - lastProgress < every)) return;
      lastProgress = now;
      sink.progress({ bytesRead, fileBytes: src.fileBytes ?? 0, frames: pipeline.stats.frames, calls });
    };
    if (format === 'gzip') {
      // Compressed captures stream through gunzip; the decompressed bytes never sit in memory whole.
      const layers = gzipLayers(head);
      const input = src.stream(chunkBytes);
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
              throw new UserError(`${name}: gzip-compressed, but not a pcap or pcapng file inside (starts with ${describeMagic(chunk.subarray(0, 16))})`);
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
      for await (const chunk of src.chunks(chunkBytes)) {
        // (what was read is decoded: a pipe stopped by Ctrl-C has its last bytes in this chunk)
        bytesRead += chunk.length;
        pipeline.push(chunk);
        report();
        if (options.signal?.aborted) {
          cancelled = true;
          break;
        }
        if (options.betweenChunks) await options.betweenChunks();
      }
    }
    pipeline.end();
    report(true);
    return { frames: pipeline.stats.frames, calls, flows, bytesRead, warnings, info: info ?? pipeline.captureInfo, cancelled };
  } finally {
    await src.close();
  }
}

/**
 * A capture to read from its start to its end: a file (read at offsets into one reused buffer), or
 * standard input (`-`), a pipe or a FIFO (read in the order the bytes come: `tcpdump -U -w - |
 * callscope -`, `ssh host tcpdump -U -w - | callscope -`). `head` is its first bytes (up to 64 KiB:
 * enough to name what it is and to count gzip layers); `chunks` and `stream` start at byte 0.
 */
interface Input {
  /** How messages name it: the path, or `stdin`. */
  name: string;
  head: Uint8Array;
  /** Its size, when it is a file; undefined for a pipe (no size known ahead). */
  fileBytes: number | undefined;
  chunks(chunkBytes: number): AsyncIterable<Uint8Array>;
  stream(chunkBytes: number): Readable;
  /** Read no more: what came is decoded (a pipe may otherwise wait for bytes that never come). */
  stop(): void;
  close(): Promise<void>;
}

const HEAD_BYTES = 64 << 10;

async function openInput(path: string): Promise<Input> {
  if (path === '-') {
    if (process.stdin.isTTY) throw new UserError('stdin: is a terminal; pipe a capture into callscope -, e.g. tcpdump -i lo -U -w - | callscope -');
    return pipeInput('stdin', process.stdin, async () => {});
  }
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new UserError(`${path}: ${osReason(e)}`);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new UserError(`${path}: is a directory`);
    if (!st.isFile()) return await pipeInput(path, fh.createReadStream({ autoClose: false }), () => fh.close());
    const buf = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return {
      name: path,
      head: buf.subarray(0, bytesRead),
      fileBytes: st.size,
      async *chunks(chunkBytes: number) {
        const chunk = new Uint8Array(chunkBytes);
        for (let at = 0; ; ) {
          const { bytesRead: n } = await fh.read(chunk, 0, chunkBytes, at);
          if (n === 0) return;
          at += n;
          yield chunk.subarray(0, n);
        }
      },
      stream: (chunkBytes: number) => fh.createReadStream({ highWaterMark: chunkBytes, autoClose: false, start: 0 }),
      // (a file ends by itself: the signal is looked at between chunks)
      stop() {},
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/**
 * Input that can be read once, in order: its first chunk (the first 64 KiB or more of a gzip
 * stream) waits in memory until the decoding starts.
 */
async function pipeInput(name: string, stream: Readable, close: () => Promise<void>): Promise<Input> {
  const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const early: Uint8Array[] = [];
  let have = 0;
  let ended = false;
  try {
    // Enough to say what it is (a live writer may send a few bytes and then nothing for a while);
    // gzip's layers are counted on more of it.
    while (have < 4 || (have < HEAD_BYTES && early[0][0] === 0x1f && early[0][1] === 0x8b)) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      early.push(new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.byteLength));
      have += r.value.byteLength;
    }
  } catch (e) {
    await close();
    throw new UserError(`${name}: ${osReason(e)}`);
  }
  const head = early.length === 1 ? early[0] : Buffer.concat(early);
  let used = false;
  let stopped = false;
  async function* all(): AsyncGenerator<Uint8Array> {
    if (used) throw new Error(`${name} can be read once`);
    used = true;
    yield* early.splice(0);
    if (ended) return;
    for (;;) {
      let r: IteratorResult<Buffer>;
      try {
        r = await it.next();
      } catch (e) {
        if (stopped) return; // (destroyed by stop(): the end of the input)
        throw e;
      }
      if (r.done || stopped) return;
      yield new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    }
  }
  return {
    name,
    head: head.subarray(0, HEAD_BYTES),
    fileBytes: undefined,
    chunks: () => all(),
    stream: () => Readable.from(all(), { objectMode: false }),
    stop() {
      stopped = true;
      stream.destroy();
    },
    close,
  };
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
