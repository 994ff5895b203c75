/**
 * Parallel JSONL analysis for the CLI: the capture is decoded by W worker threads, each owning a
 * share of the flows (Pipeline `shard`), and their output is merged into exactly what one
 * pipeline prints.
 *
 * - The main thread reads the file into a ring of SharedArrayBuffers and hands every chunk to
 *   every worker. Each worker parses all frames and tracks every flow (so flow ids and flow ends
 *   are those of a full run; that part is cheap) but decodes, filters and serializes only its own
 *   flows: the costly part (HTTP parsing, body decoding, JSON.stringify, UTF-8 encoding) is split
 *   W ways. A worker sends encoded lines; the main thread only copies bytes.
 * - Everything a worker reports carries the pipeline's `orderKey` (frame being processed, or flow
 *   being closed at the end). Each key belongs to one flow, hence to one worker, so merging the
 *   workers' streams by key gives the order of a full run.
 * - Call ids are handed out in order of creation across all flows. A worker gives its calls
 *   provisional ids (PLACEHOLDER + n, 16 digits starting "4503599") and reports the key of each
 *   creation; the main thread numbers the creations of all workers in key order, and writes each
 *   line with the real ids in place of the provisional ones. A worker reports where its lines
 *   hold provisional ids: the id fields it knows (id, parentId, childIds, links, the
 *   http.upgrade_call field) must account for every "4503599" in the line.
 * - What a shard cannot reproduce stops the run with 'fallback' and the number of lines and
 *   warnings already written (all of them exactly the first ones a single pipeline prints): calls
 *   linked across connections (broker publishes and deliveries), a line or warning with a
 *   "4503599" the id fields do not explain. The caller then decodes again with one worker (which
 *   sees every connection; `skipLines`/`skipWarnings` keep what was written from being printed
 *   twice), or in its own thread when that fails too.
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import { open } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import type { Call, FlowSummary } from '../../decoders/core/model';
import { Pipeline, type DecodeAsRule } from '../../decoders/pipeline';
import type { Limits, StreamHint } from '../../decoders/core/env';
import { callToJsonLine } from '../../decoders/export/jsonl';
import { flowWarningText } from '../../decoders/export/common';
import { nodeEnv } from './node-env';
import { UserError } from './analyze';
import { loadDefinitions } from './definitions';
import { compileFilter } from '../filter';
import { TableWriter } from '../table';
import { HarWriter } from '../har';

/** Provisional call ids are PLACEHOLDER + n: exact doubles, 16 digits, starting "4503599". */
const PLACEHOLDER = 2 ** 52;
const PLACEHOLDER_TEXT = '4503599';
const PLACEHOLDER_DIGITS = 16;

export interface ShardInit {
  callscopeShard: true;
  index: number;
  count: number;
  file: string;
  decodeAs: DecodeAsRule[];
  hints: StreamHint[];
  protoDirs: string[];
  discover: boolean;
  /**
   * Key log text (--tls-keylog files, and with `discover` those beside the capture), as the main
   * thread read it: a worker does not read or look for key logs again.
   */
  tlsKeyLog: string;
  /** Decoder limits other than the defaults (--max-body). */
  limits?: Partial<Limits>;
  filter?: string;
  /** What the one worker of a table or HAR run writes (JSONL when absent). */
  output?: SortedOutput;
}

/**
 * A table or HAR is sorted by start time, so one worker decodes the whole capture (its heap
 * bounded like any decoding worker's), keeps the rows or entries in a SortedSpool, and writes
 * the sorted text once the capture is decoded.
 */
export interface SortedOutput {
  format: 'table' | 'har';
  color: boolean;
  creatorVersion: string;
}

export interface ParallelOptions {
  workers: number;
  decodeAs: DecodeAsRule[];
  hints: StreamHint[];
  protoDirs: string[];
  discover: boolean;
  /** Key log text (see ShardInit). */
  tlsKeyLog: string;
  limits?: Partial<Limits>;
  filter?: string;
  /** Table or HAR instead of JSONL (workers must be 1). */
  output?: SortedOutput;
  /**
   * The first lines and warnings of the output were printed by an earlier run that fell back:
   * count them, do not print them again (`linesWritten` and `warningsWritten` include them).
   */
  skipLines?: number;
  skipWarnings?: number;
  /** After each read: bytes read so far, the file's size, lines written so far. */
  progress?: (bytesRead: number, fileBytes: number, lines: number) => void;
  /** Bytes per read (default 2 MiB) and chunks in flight (default 4). */
  chunkBytes?: number;
  slots?: number;
}

export interface ParallelOutput {
  /** JSONL bytes, in order. */
  write(bytes: Uint8Array): void;
  /** Awaited between reads (back-pressure). */
  flush(): Promise<void>;
  /** One warning line (the CLI's own formatting and limits). */
  warn(text: string): void;
}

export type ParallelResult =
  | { status: 'done'; frames: number; calls: number; flows: number; bytesRead: number }
  | { status: 'fallback'; reason: string; linesWritten: number; warningsWritten: number };

/** Can a run with this --filter be split? (A filter on call ids would see provisional ones.) */
export function filterAllowsParallel(filter: string | undefined): boolean {
  return filter === undefined || !/id|upgrade_call/i.test(filter);
}

// ── messages ──────────────────────────────────────────────────────────────────────────────────

type ToWorker =
  | { type: 'chunk'; slot: number; sab: SharedArrayBuffer; length: number }
  /** An output buffer the main thread has written out, given back for reuse. */
  | { type: 'recycle'; buffer: ArrayBuffer }
  | { type: 'end' };

/**
 * Heap bounds of a decoding worker. A worker's live heap stays small (15–30 MiB on the benchmark
 * captures: flow state is bounded by the decoders' limits), but without bounds each isolate lets
 * its heap grow as it likes and three of them passed 256 MiB together. A worker that runs out of
 * memory anyway ends the parallel run with a fallback: one pipeline decodes again and skips the
 * lines already written.
 */
/**
 * (A 16 MiB young generation, not 8: with 8, two workers scavenged so often that V8's four helper
 * threads took ~8 s of CPU on the 527 MB benchmark capture, 1.6 s with 16; peak RSS +10 MiB.)
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: Number(process.env.CALLSCOPE_PARALLEL_HEAP_MB) || 160 };
/** Output buffers of a worker: this size, reused (sent back by the main thread once written). */
const WORKER_OUT_BYTES = Number(process.env.CALLSCOPE_PARALLEL_OUT_BYTES) || 1 << 20;
/** Spare output buffers a worker keeps. */
const WORKER_SPARES = 3;

interface OutBatch {
  /** Encoded lines (each ends with \n) and the end offset and key of each. */
  bytes: Uint8Array;
  ends: Int32Array;
  keys: Float64Array;
  /** Byte offsets of provisional ids (ascending) and their n (PLACEHOLDER + n). */
  idAt: Int32Array;
  idLocal: Float64Array;
}

type FromWorker =
  /**
   * Since the last report: keys of call creations, lines, warnings. `progress`: nothing this
   * worker reports later has a smaller key (warnings of the next frames: progress - 0.5).
   * `ack`: the ring slot this worker is done with (the report that ends a chunk), else -1; one
   * message per chunk rather than an acknowledgement and a report (each wakes the main thread).
   */
  | { type: 'out'; allocKeys: Float64Array; batch: OutBatch; warnKeys: Float64Array; warnings: string[]; progress: number; ack: number }
  | { type: 'done'; frames: number; calls: number; flows: number; busyMs: number; idleMs: number; cpuMs: number }
  | { type: 'fallback'; reason: string }
  /** `user`: a UserError (its message is for the user, not a stack trace). */
  | { type: 'error'; message: string; user?: boolean };

// ── main thread ───────────────────────────────────────────────────────────────────────────────

interface Lane {
  worker: Worker;
  allocKeys: number[];
  allocHead: number;
  /** Global id of provisional n at globals[n - 1]; `assigned` of them known. */
  globals: Int32Array;
  assigned: number;
  progress: number;
  batches: Array<OutBatch & { line: number; id: number }>;
  /** Output buffers written out, given back to the worker once stdout has taken them. */
  written: ArrayBuffer[];
  warns: Array<{ keys: Float64Array; texts: string[]; i: number }>;
  done?: { frames: number; calls: number; flows: number };
}

const DIGIT_BYTES = new Uint8Array(16);

export async function analyzeFileParallel(path: string, opts: ParallelOptions, out: ParallelOutput, entry: string): Promise<ParallelResult> {
  const fh = await open(path, 'r');
  const fileBytes = opts.progress ? (await fh.stat()).size : 0;
  const chunkBytes = opts.chunkBytes ?? 2 << 20;
  const slotCount = Math.max(2, opts.slots ?? 4);
  const slots = Array.from({ length: slotCount }, () => new SharedArrayBuffer(chunkBytes));
  const refs = new Array<number>(slotCount).fill(0);
  const W = opts.workers;
  let linesWritten = 0;
  let warningsWritten = 0;
  let skipLines = opts.skipLines ?? 0;
  let skipWarnings = opts.skipWarnings ?? 0;
  let nextGlobalId = 1;
  let failure: { reason: string } | undefined;
  let crashed: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const waitEvent = () => new Promise<void>((r) => (wake = r));

  const lanes: Lane[] = [];
  for (let i = 0; i < W; i++) {
    const init: ShardInit = {
      callscopeShard: true,
      index: i,
      count: W,
      file: path,
      decodeAs: opts.decodeAs,
      hints: opts.hints,
      protoDirs: opts.protoDirs,
      discover: opts.discover,
      tlsKeyLog: opts.tlsKeyLog,
      limits: opts.limits,
      filter: opts.filter,
      output: opts.output,
    };
    const worker = new Worker(entry, { workerData: init, stdout: false, stderr: false, resourceLimits: WORKER_LIMITS });
    const lane: Lane = { worker, allocKeys: [], allocHead: 0, globals: new Int32Array(1 << 14), assigned: 0, progress: 0, batches: [], written: [], warns: [] };
    lanes.push(lane);
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'out':
          if (m.ack >= 0) refs[m.ack]--;
          for (let k = 0; k < m.allocKeys.length; k++) lane.allocKeys.push(m.allocKeys[k]);
          if (m.batch.ends.length) lane.batches.push({ ...m.batch, line: 0, id: 0 });
          if (m.warnings.length) lane.warns.push({ keys: m.warnKeys, texts: m.warnings, i: 0 });
          lane.progress = m.progress;
          if (!failure) drain();
          break;
        case 'done':
          lane.done = { frames: m.frames, calls: m.calls, flows: m.flows };
          if (process.env.CALLSCOPE_PARALLEL_DEBUG) process.stderr.write(`callscope: worker ${lanes.indexOf(lane) + 1}/${W}: ${m.calls} calls, busy ${m.busyMs.toFixed(0)} ms, waiting for input ${m.idleMs.toFixed(0)} ms, thread CPU ${m.cpuMs} ms\n`);
          break;
        case 'fallback':
          failure ??= { reason: m.reason };
          break;
        case 'error':
          crashed ??= m.user ? new UserError(m.message) : new Error(m.message);
          break;
      }
      poke();
    });
    worker.on('error', (e) => {
      // Out of its heap bound (WORKER_LIMITS): what was written is right; one pipeline goes on.
      if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') failure ??= { reason: `decoding worker ${i} ran out of memory` };
      else crashed ??= e;
      poke();
    });
    worker.on('exit', (code) => {
      if (!lane.done && code !== 0 && !failure) crashed ??= new Error(`decoding worker ${i} exited with code ${code}`);
      poke();
    });
  }

  /** Number the call creations, in key order, that no worker can still precede. */
  function assignIds(): void {
    for (;;) {
      let best = -1;
      let bestKey = Infinity;
      for (let w = 0; w < W; w++) {
        const l = lanes[w];
        if (l.allocHead < l.allocKeys.length && l.allocKeys[l.allocHead] < bestKey) {
          bestKey = l.allocKeys[l.allocHead];
          best = w;
        }
      }
      if (best < 0) break;
      if (lanes.some((l, w) => w !== best && l.progress <= bestKey)) break;
      const l = lanes[best];
      l.allocHead++;
      if (l.assigned === l.globals.length) {
        const bigger = new Int32Array(l.globals.length * 2);
        bigger.set(l.globals);
        l.globals = bigger;
      }
      l.globals[l.assigned++] = nextGlobalId++;
    }
    for (const l of lanes) {
      if (l.allocHead > 4096) {
        l.allocKeys = l.allocKeys.slice(l.allocHead);
        l.allocHead = 0;
      }
    }
  }

  /** Write an id as ASCII digits. */
  function writeId(id: number): void {
    let n = 0;
    do {
      DIGIT_BYTES[15 - n++] = 48 + (id % 10);
      id = Math.floor(id / 10);
    } while (id > 0);
    out.write(DIGIT_BYTES.subarray(16 - n));
  }

  /** Write the lines and warnings that no worker can still precede. */
  function drain(): void {
    assignIds();
    for (;;) {
      let best = -1;
      let bestKey = Infinity;
      for (let w = 0; w < W; w++) {
        const b = lanes[w].batches[0];
        if (b && b.keys[b.line] < bestKey) {
          bestKey = b.keys[b.line];
          best = w;
        }
      }
      if (best < 0) break;
      // Lines of `best` below every other worker's next line (queued, or yet to come).
      let limit = Infinity;
      for (let w = 0; w < W; w++) {
        if (w === best) continue;
        const o = lanes[w].batches[0];
        limit = Math.min(limit, o ? o.keys[o.line] : lanes[w].progress);
      }
      if (bestKey >= limit) break;
      const lane = lanes[best];
      const b = lane.batches[0];
      const first = b.line;
      let j = first;
      while (j < b.ends.length && b.keys[j] < limit) j++;
      let from = first === 0 ? 0 : b.ends[first - 1];
      const to = b.ends[j - 1];
      // Lines an earlier run already printed (it fell back): counted, not written again.
      const skip = Math.min(skipLines, j - first);
      if (skip > 0) {
        from = b.ends[first + skip - 1];
        while (b.id < b.idAt.length && b.idAt[b.id] < from) b.id++;
        skipLines -= skip;
      }
      // Copy, putting the real ids in place of the provisional ones.
      while (b.id < b.idAt.length && b.idAt[b.id] < to) {
        const at = b.idAt[b.id];
        const n = b.idLocal[b.id];
        if (n > lane.assigned) throw new Error(`call id ${n} of worker ${best} not numbered yet`);
        out.write(b.bytes.subarray(from, at));
        writeId(lane.globals[n - 1]);
        from = at + PLACEHOLDER_DIGITS;
        b.id++;
      }
      out.write(b.bytes.subarray(from, to));
      linesWritten += j - first;
      b.line = j;
      if (b.line === b.ends.length) {
        lane.batches.shift();
        // Give the buffer back (a worker that has ended no longer needs it).
        // (JSONL output keeps pace with the input, which waits for stdout: the buffer goes back at
        // once. A table or HAR is written after the input: its buffers wait for stdout.)
        if (!lane.done && b.bytes.buffer.byteLength === WORKER_OUT_BYTES) {
          if (opts.output) lane.written.push(b.bytes.buffer as ArrayBuffer);
          else lane.worker.postMessage({ type: 'recycle', buffer: b.bytes.buffer as ArrayBuffer } satisfies ToWorker, [b.bytes.buffer as ArrayBuffer]);
        }
      }
    }
    for (;;) {
      let best = -1;
      let bestKey = Infinity;
      for (let w = 0; w < W; w++) {
        const b = lanes[w].warns[0];
        if (b && b.keys[b.i] < bestKey) {
          bestKey = b.keys[b.i];
          best = w;
        }
      }
      if (best < 0 || lanes.some((l, w) => w !== best && !l.warns.length && l.progress - 0.5 <= bestKey)) break;
      const q = lanes[best].warns;
      const b = q[0];
      if (skipWarnings > 0) skipWarnings--;
      else out.warn(b.texts[b.i]);
      warningsWritten++;
      if (++b.i === b.texts.length) q.shift();
    }
  }

  /**
   * Wait for stdout, then give the written buffers back: a worker with no spare buffer waits
   * before writing more (the final output of a table or HAR can be larger than the capture).
   */
  async function flushAndRecycle(): Promise<void> {
    await out.flush();
    for (const l of lanes) {
      for (const buffer of l.written) if (!l.done) l.worker.postMessage({ type: 'recycle', buffer } satisfies ToWorker, [buffer]);
      l.written = [];
    }
  }

  try {
    let pos = 0;
    let slot = 0;
    for (;;) {
      if (failure || crashed) break;
      if (refs[slot] > 0) {
        await waitEvent();
        continue;
      }
      const view = new Uint8Array(slots[slot]);
      const { bytesRead } = await fh.read(view, 0, chunkBytes, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      refs[slot] = W;
      for (const l of lanes) l.worker.postMessage({ type: 'chunk', slot, sab: slots[slot], length: bytesRead } satisfies ToWorker);
      slot = (slot + 1) % slotCount;
      await flushAndRecycle();
      opts.progress?.(pos, fileBytes, linesWritten);
    }
    if (!failure && !crashed) {
      for (const l of lanes) l.worker.postMessage({ type: 'end' } satisfies ToWorker);
      while (!failure && !crashed && lanes.some((l) => !l.done || l.batches.length || l.warns.length)) {
        await waitEvent();
        await flushAndRecycle();
      }
    }
    if (crashed) throw crashed;
    await out.flush();
    if (failure) return { status: 'fallback', reason: failure.reason, linesWritten, warningsWritten };
    return {
      status: 'done',
      frames: lanes[0].done!.frames,
      calls: lanes.reduce((n, l) => n + l.done!.calls, 0),
      flows: lanes.reduce((n, l) => n + l.done!.flows, 0),
      bytesRead: pos,
    };
  } finally {
    await Promise.all(lanes.map((l) => l.worker.terminate()));
    await fh.close();
  }
}

/** What keeps a table's rows or a HAR's entries until the end. */
export interface SortedWriter {
  addCall(c: Call): void;
  addFlow?(f: FlowSummary): void;
  finish(write: (s: string) => void, pause: () => Promise<void>): Promise<void>;
}

export function sortedWriter(o: SortedOutput): SortedWriter {
  return o.format === 'table' ? new TableWriter({ color: o.color }) : new HarWriter(o.creatorVersion);
}

/**
 * CPU time (user + system) of the calling thread so far, in ms, for CALLSCOPE_PARALLEL_DEBUG; -1
 * where Linux's /proc/thread-self is not there. (Node 20 has no per-thread CPU clock.)
 */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    // Fields after the command (which may hold spaces) in parentheses: utime and stime are 14 and 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return -1;
  }
}

/** An exception of a worker, for the main thread. */
function errorMessage(e: unknown): FromWorker {
  if (e instanceof UserError) return { type: 'error', message: e.message, user: true };
  return { type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

// ── worker thread ─────────────────────────────────────────────────────────────────────────────

/** Is `x` a provisional id (1) or not (0)? */
function provisional(x: number | undefined): number {
  return x !== undefined && x >= PLACEHOLDER ? 1 : 0;
}

/** Provisional ids in the id fields of a call. */
function provisionalIds(c: Call): number {
  let n = provisional(c.id) + provisional(c.parentId);
  if (c.childIds) for (const x of c.childIds) n += provisional(x);
  const l = c.links;
  if (l) {
    n += provisional(l.publishId) + provisional(l.replyId) + provisional(l.requestId);
    if (l.deliveryIds) for (const x of l.deliveryIds) n += provisional(x);
  }
  const up = c.fields['http.upgrade_call'];
  if (typeof up === 'number') n += provisional(up);
  return n;
}

/** Do the characters at `i` write a number of exactly PLACEHOLDER_DIGITS digits of its own (not part of a longer number, not a fraction's integer part)? */
function standaloneId(text: string, i: number): boolean {
  const before = text.charCodeAt(i - 1);
  const after = text.charCodeAt(i + PLACEHOLDER_DIGITS);
  return !(before >= 48 && before <= 57) && !(after >= 48 && after <= 57) && after !== 46 && Number.isFinite(digitsAt(text, i));
}

/** The number written by the PLACEHOLDER_DIGITS characters of `text` at `i`; NaN if they are not all digits. */
function digitsAt(text: string, i: number): number {
  let n = 0;
  for (let k = i; k < i + PLACEHOLDER_DIGITS; k++) {
    const d = text.charCodeAt(k) - 48;
    if (!(d >= 0 && d <= 9)) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

export async function runShardWorker(init: ShardInit, port: MessagePort): Promise<void> {
  const post = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
  try {
    const defs = await loadDefinitions({ captureFile: init.discover ? init.file : undefined, protoDirs: init.protoDirs });
    const filter = init.filter ? compileFilter(init.filter) : undefined;

    let allocKeys: number[] = [];
    let localCount = 0;
    let warnKeys: number[] = [];
    let warnings: string[] = [];
    let calls = 0;
    let flows = 0;
    let stopped = false;

    const spares: ArrayBuffer[] = [];
    const freshBuffer = () => {
      const ab = spares.pop() ?? new ArrayBuffer(WORKER_OUT_BYTES);
      return Buffer.from(ab, 0, ab.byteLength);
    };
    let buf = freshBuffer();
    let used = 0;
    let ends: number[] = [];
    let lineKeys: number[] = [];
    let idAt: number[] = [];
    let idLocal: number[] = [];
    /**
     * Encode `text` into the output buffer; returns where it starts. A full buffer goes out first
     * (with `progress`) rather than growing: fresh large buffers each chunk made the collector run
     * constantly (one worker on the 527 MB capture: 34 s instead of 20). Only a text larger than a
     * buffer gets a bigger one.
     */
    const append = (text: string, progress: number, newline = false): number => {
      // (at most 3 bytes of UTF-8 per UTF-16 unit)
      const need = text.length * 3 + 1;
      if (used > 0 && used + need > buf.length) report(progress);
      if (used + need > buf.length) {
        const bigger = Buffer.from(new ArrayBuffer(Math.max(buf.length * 2, used + need)));
        buf.copy(bigger, 0, 0, used);
        buf = bigger;
      }
      const start = used;
      used += buf.write(text, used);
      // (the line feed as a byte: `text + '\n'` would copy a line to flatten it)
      if (newline) buf[used++] = 10;
      return start;
    };

    // A table or HAR: rows and entries kept sorted until the end (one worker).
    const sorted = init.output && sortedWriter(init.output);
    /** Output buffers the main thread has not given back yet. */
    let outstanding = 0;
    let recycled: (() => void) | undefined;

    const stopWith = (reason: string) => {
      if (stopped) return;
      stopped = true;
      post({ type: 'fallback', reason });
    };

    const pipeline: Pipeline = new Pipeline(
      {
        env: nodeEnv({ limits: init.limits, definitions: defs.definitions, hints: init.hints, tlsKeyLog: init.tlsKeyLog }),
        decodeAs: init.decodeAs,
        shard: {
          index: init.index,
          count: init.count,
          // One worker sees every flow: the correlator joins publishes and deliveries as usual.
          crossFlow: init.count > 1 ? (c) => stopWith(`${c.protocol} ${c.kind}: calls linked across connections`) : undefined,
          // A schema learned on one connection (gRPC server reflection) decodes calls on the others.
          learned: init.count > 1 ? (what) => stopWith(`${what}: learned on one connection, used on all`) : undefined,
        },
        // One worker numbers the calls itself (1, 2, 3… as one pipeline does): no provisional ids.
        nextCallId:
          init.count > 1
            ? () => {
                allocKeys.push(pipeline.orderKey);
                return PLACEHOLDER + ++localCount;
              }
            : undefined,
      },
      {
        call(c) {
          calls++;
          if (stopped || (filter && !filter(c))) return;
          if (sorted) return sorted.addCall(c);
          // Later lines of this frame have its key; its warnings key - 0.5.
          const line = callToJsonLine(c);
          const start = append(line, pipeline.orderKey - 0.5, true);
          if (init.count === 1) {
            ends.push(used);
            lineKeys.push(pipeline.orderKey);
            return;
          }
          // Every "4503599" must be one of the provisional ids of the id fields. Looked for in the
          // line's text (a string search, no view or string per match); a character is a byte of
          // the encoded line when the line is ASCII (as long in bytes as in characters: the
          // line feed is the one byte more).
          let expected = provisionalIds(c);
          const ascii = used - start - 1 === line.length;
          for (let i = line.indexOf(PLACEHOLDER_TEXT); i >= 0; i = line.indexOf(PLACEHOLDER_TEXT, i + 1)) {
            // Inside a longer or shorter number (a µs timestamp such as 1795388145035999: whether a capture has
            // such timestamps depends on its clock) it is no id, which is always a number of exactly 16 digits.
            if (!standaloneId(line, i)) continue;
            const n = digitsAt(line, i) - PLACEHOLDER;
            if (--expected < 0 || !(n >= 1 && n <= localCount)) {
              stopWith('a line holds text that looks like a provisional call id');
              return;
            }
            idAt.push(ascii ? start + i : start + Buffer.byteLength(line.slice(0, i)));
            idLocal.push(n);
            i += PLACEHOLDER_DIGITS - 1;
          }
          if (expected !== 0) {
            stopWith('a provisional call id was not found in its line');
            return;
          }
          ends.push(used);
          lineKeys.push(pipeline.orderKey);
        },
        flow(f) {
          flows++;
          sorted?.addFlow?.(f);
          for (const w of f.warnings) {
            warnKeys.push(pipeline.orderKey);
            warnings.push(flowWarningText(f, w));
          }
        },
        warning(w) {
          // Capture and network warnings (shard 0 only) precede what flows report for the same frame.
          warnKeys.push(pipeline.orderKey - 0.5);
          warnings.push(w.frame !== undefined ? `frame ${w.frame}: ${w.message}` : w.message);
        },
      },
    );

    /** Send what was written since the last report; `ack`: the ring slot of the chunk just decoded. */
    const report = (progress: number, ack = -1) => {
      // (a worker that stopped sends no more acknowledgements either: the main thread stops reading)
      if (stopped) return;
      if (init.count > 1) {
        for (const w of warnings) {
          for (let i = w.indexOf(PLACEHOLDER_TEXT); i >= 0; i = w.indexOf(PLACEHOLDER_TEXT, i + 1)) {
            if (standaloneId(w, i)) return stopWith('a warning holds text that looks like a provisional call id');
          }
        }
      }
      // The filled buffer itself goes to the main thread (no copy); a spare takes its place.
      const bytes = used ? new Uint8Array(buf.buffer, buf.byteOffset, used) : new Uint8Array(0);
      const batch: OutBatch = {
        bytes,
        ends: Int32Array.from(ends),
        keys: Float64Array.from(lineKeys),
        idAt: Int32Array.from(idAt),
        idLocal: Float64Array.from(idLocal),
      };
      // (counted before the transfer detaches it: the main thread gives back buffers of this size)
      if (used && bytes.buffer.byteLength === WORKER_OUT_BYTES) outstanding++;
      post({ type: 'out', allocKeys: Float64Array.from(allocKeys), batch, warnKeys: Float64Array.from(warnKeys), warnings, progress, ack }, used ? [bytes.buffer as ArrayBuffer] : []);
      if (used) buf = freshBuffer();
      used = 0;
      ends = [];
      lineKeys = [];
      idAt = [];
      idLocal = [];
      allocKeys = [];
      warnKeys = [];
      warnings = [];
    };

    // Time decoding and time waiting for the next chunk (CALLSCOPE_PARALLEL_DEBUG prints them).
    let busyMs = 0;
    let idleMs = 0;
    let idleSince = -1;
    port.on('message', (m: ToWorker) => {
      if (stopped) return;
      try {
        if (m.type === 'recycle') {
          if (spares.length < WORKER_SPARES) spares.push(m.buffer);
          outstanding--;
          recycled?.();
        } else if (m.type === 'chunk') {
          const t0 = performance.now();
          if (idleSince >= 0) idleMs += t0 - idleSince;
          pipeline.push(new Uint8Array(m.sab, 0, m.length));
          report(pipeline.orderKey, m.slot);
          idleSince = performance.now();
          busyMs += idleSince - t0;
        } else if (m.type === 'end') {
          const t0 = performance.now();
          if (idleSince >= 0) idleMs += t0 - idleSince;
          pipeline.end();
          report(Infinity);
          const done = () => {
            busyMs += performance.now() - t0;
            if (!stopped) post({ type: 'done', frames: pipeline.stats.frames, calls, flows, busyMs, idleMs, cpuMs: threadCpuMs() });
          };
          if (!sorted) return done();
          // The sorted text, sent a buffer at a time; at most WORKER_SPARES + 1 in flight.
          const write = (text: string) => {
            append(text, Infinity);
            ends.push(used);
            lineKeys.push(Number.MAX_VALUE);
          };
          const pause = async () => {
            report(Infinity);
            while (outstanding > WORKER_SPARES && !stopped) await new Promise<void>((r) => (recycled = r));
          };
          sorted.finish(write, pause).then(
            () => {
              report(Infinity);
              done();
            },
            (e) => {
              stopped = true;
              post(errorMessage(e));
            },
          );
        }
      } catch (e) {
        stopped = true;
        post(errorMessage(e));
      }
    });
  } catch (e) {
    post(errorMessage(e));
  }
}
