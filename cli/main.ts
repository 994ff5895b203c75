/**
 * callscope CLI: the same pipeline as the editor, headless.
 *
 *   callscope <capture> [--format table|jsonl|har] [--decode-as tcp.port==8000,http]…
 *                       [--proto DIR]… [--no-discover] [--hint PORT,:path=/pkg.Svc/M,…]…
 *                       [--tls-keylog FILE]… [--max-body SIZE] [--filter EXPR] [--stats]
 *
 * Exit codes: 0 decoded (warnings go to stderr), 2 user error (bad option, unreadable file,
 * not a capture), 1 internal error.
 */
import { analyzeFile, UserError } from './platform/analyze';
import { parseDecodeAs, type DecodeAsRule } from '../decoders/pipeline';
import { MAX_BODY_BYTES, MIN_BODY_BYTES, bodyPreviewLimits, type Limits, type StreamHint } from '../decoders/core/env';
import { callToJsonLine } from '../decoders/export/jsonl';
import { Progress } from './progress';
import { loadDefinitions } from './platform/definitions';
import { loadKeyLogs } from './platform/keylog';
import { compileFilter } from './filter';
import { unknownFieldHint } from '../decoders/filter/hint';
import { SIZE_UNITS } from '../decoders/filter/index';
import { flowWarningText } from '../decoders/export/common';
import { analyzeFileParallel, filterAllowsParallel, runShardWorker, sortedWriter, threadCpuMs, type ShardInit } from './platform/parallel';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { availableParallelism, cpus } from 'node:os';
import { open, stat } from 'node:fs/promises';
import { sniffCapture } from '../decoders/capture/sniff';

const VERSION = '0.1.0';

const USAGE = `usage: callscope <capture.pcap|.pcapng|.gz|-> [options]

Shows the calls in a capture: REST/HTTP, XML-RPC, JSON-RPC, gRPC, WebSocket and broker messages.
A capture named - is read from standard input as it comes, e.g. from another host:
  ssh HOST tcpdump -i any -U -w - 'port 8080' | callscope - --format jsonl

options:
  --format table|jsonl|har   output format (default: table)
  --decode-as RULE           force a decoder, Wireshark syntax: tcp.port==8000,http (repeatable)
  --proto DIR                a root of .proto files (repeatable); .proto files under the
                             capture's folder are found automatically
  --tls-keylog FILE          TLS key log (SSLKEYLOGFILE format) to decrypt TLS with (repeatable);
                             *.keys, *.keylog, sslkeylog*.txt beside the capture are read too
  --no-discover              do not look for definitions or key logs beside the capture
  --max-body SIZE            keep and decode at most SIZE bytes of each body or message
                             (default 1M; e.g. 256k, 16M, at most 256M; k and M count in 1024s,
                             kB and MB in 1000s): a body cut at it says so
  --hint PORT,NAME=VALUE,…   headers for HTTP/2 streams whose start was not captured, e.g.
                             --hint 50051,:path=/person.PersonService/Get,content-type=application/grpc
  --filter EXPR              only calls matching a filter expression (e.g. 'http.status >= 400')
  --stats                    print frames, calls, flows, bytes and time on stderr
  -j, --jobs N               decoding threads for --format jsonl on captures of 16 MiB or more
                             (default: 2 from 128 MiB when two cores are idle, else 1)
  -h, --help                 this text
  -V, --version              the version

live subcommands (see callscope capture|proxy|replay --help):
  callscope capture [-i lo] [-f FILTER] [-w out.pcapng]     live capture (dumpcap/tcpdump)
  callscope proxy --listen PORT --target HOST:PORT [-w F]   record through a proxy, no root
  callscope replay CAPTURE --target HOST:PORT               re-issue calls, report changes
`;

interface Args {
  file?: string;
  format: 'table' | 'jsonl' | 'har';
  decodeAs: DecodeAsRule[];
  protoDirs: string[];
  discover: boolean;
  hints: StreamHint[];
  tlsKeyLogs: string[];
  /** --max-body: decoder limits other than the defaults. */
  limits?: Partial<Limits>;
  filter?: string;
  stats: boolean;
  /** --jobs; undefined: the default (CALLSCOPE_WORKERS, else 2). */
  jobs?: number;
}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  const a: Args = { format: 'table', decodeAs: [], protoDirs: [], discover: true, hints: [], tlsKeyLogs: [], stats: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UserError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '-h':
      case '--help':
        return 'help';
      case '-V':
      case '--version':
        return 'version';
      case '--format': {
        const f = value();
        if (f !== 'table' && f !== 'jsonl' && f !== 'har') throw new UserError(`--format must be table, jsonl or har (got "${f}")`);
        a.format = f;
        break;
      }
      case '--decode-as':
      case '-d':
        try {
          a.decodeAs.push(parseDecodeAs(value()));
        } catch (e) {
          throw new UserError((e as Error).message);
        }
        break;
      case '--proto':
        a.protoDirs.push(value());
        break;
      case '--tls-keylog':
        a.tlsKeyLogs.push(value());
        break;
      case '--no-discover':
        a.discover = false;
        break;
      case '--max-body': {
        a.limits = bodyPreviewLimits(parseSize(value()));
        break;
      }
      case '--hint':
        a.hints.push(parseHint(value()));
        break;
      case '--filter':
        a.filter = value();
        break;
      case '--stats':
        a.stats = true;
        break;
      case '-j':
      case '--jobs': {
        const v = value();
        const n = Number(v);
        if (!/^[0-9]+$/.test(v) || n < 1 || n > 16) throw new UserError(`--jobs must be a whole number from 1 to 16 (got "${v}")`);
        a.jobs = n;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UserError(`unknown option ${arg} (see --help)`);
        if (a.file) throw new UserError(`one capture at a time (got "${a.file}" and "${arg}")`);
        a.file = arg;
    }
  }
  return a;
}

/** `1048576`, `256k`, `16M`, `1MiB`, `2G` → bytes (1024-based), from 1 KiB to 256 MiB. */
function parseSize(text: string): number {
  // The units of the filter language (SIZE_UNITS): 16M and 16MiB are 16 × 2^20, 16MB 16 × 10^6.
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? SIZE_UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
  if (!(n >= MIN_BODY_BYTES && n <= MAX_BODY_BYTES)) throw new UserError(`--max-body must be a size from 1k to 256M, e.g. 16M (got "${text}")`);
  return n;
}

function parseHint(text: string): StreamHint {
  const parts = text.split(',');
  const port = Number(parts[0]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`bad --hint "${text}": expected PORT,NAME=VALUE,… (e.g. 50051,:path=/pkg.Svc/Method)`);
  const headers: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=', p.startsWith(':') ? 1 : 0);
    if (eq <= 0) throw new UserError(`bad --hint "${text}": "${p}" is not NAME=VALUE`);
    headers[p.slice(0, eq).toLowerCase()] = p.slice(eq + 1);
  }
  if (!headers['content-type'] && headers[':path']) headers['content-type'] = 'application/grpc';
  return { port, headers };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed === 'version') {
    process.stdout.write(`callscope ${VERSION}\n`);
    return 0;
  }
  const args = parsed;
  if (!args.file) {
    process.stderr.write(USAGE);
    return 2;
  }
  const filter = args.filter ? compileFilter(args.filter) : undefined;
  // A field name a letter or two away from a documented one (`http.stauts`) parses and would match
  // nothing, silently: say so before decoding.
  if (args.filter) {
    const hint = unknownFieldHint(args.filter, []);
    if (hint?.suggestion) warn(`--filter: '${hint.field}' is not a field callscope documents — did you mean ${hint.suggestion}? (decoders add others: docs/jsonl.md)`);
  }
  const t0 = process.hrtime.bigint();
  // (standard input has no folder to look in: --proto and --tls-keylog say where)
  const besideOf = args.discover && args.file !== '-' ? args.file : undefined;
  const defs = await loadDefinitions({ captureFile: besideOf, protoDirs: args.protoDirs });
  for (const w of defs.warnings) warn(w);
  // Read first: a missing key log is a user error before any decoding.
  const keyLog = await loadKeyLogs({ files: args.tlsKeyLogs, captureFile: besideOf });
  for (const w of keyLog.warnings) warn(w);

  const out = new Output();
  // On a terminal's stderr, for long runs; not when streamed JSONL shares that terminal.
  progress = new Progress(process.stderr, process.stderr.isTTY === true && !(args.format === 'jsonl' && STDOUT_TTY));
  // Lines and warnings already printed by a parallel run that had to stop (see platform/parallel).
  let skipLines = 0;
  let skipWarnings = 0;
  const analysisWarn = (text: string): void => {
    if (skipWarnings > 0) skipWarnings--;
    else warn(text);
  };
  // JSONL: one or more workers. Table and HAR: one worker (they are sorted as a whole), whose
  // heap is bounded like any decoding worker's (in this thread V8 let a HAR run grow to 380 MB).
  const sortedOutput = args.format === 'jsonl' ? undefined : { format: args.format, color: STDOUT_TTY, creatorVersion: VERSION };
  const workers = sortedOutput
    ? Math.min(1, await parallelWorkers(args.file, process.env.CALLSCOPE_WORKERS === undefined ? 1 : undefined))
    : filterAllowsParallel(args.filter)
      ? await parallelWorkers(args.file, args.jobs)
      : 0;
  if (workers > 0) {
    // Two or more workers hand over to one worker (its heap bounded too), which skips what was
    // printed; one worker that still cannot finish (out of heap) hands over to this thread.
    for (let n = workers; n >= 1; n = n > 1 ? 1 : 0) {
      const r = await analyzeFileParallel(
        args.file,
        {
          workers: n,
          decodeAs: args.decodeAs,
          hints: args.hints,
          protoDirs: args.protoDirs,
          discover: args.discover,
          tlsKeyLog: keyLog.text,
          limits: args.limits,
          filter: args.filter,
          chunkBytes: Number(process.env.CALLSCOPE_PARALLEL_CHUNK_BYTES ?? 0) || undefined,
          skipLines,
          skipWarnings,
          output: sortedOutput,
          progress: (bytesRead, fileBytes, lines) => progress?.decoding(bytesRead, fileBytes, sortedOutput ? undefined : lines),
        },
        { write: (b) => out.writeBytes(b), flush: () => out.flush(), warn },
        __filename,
      );
      if (process.env.CALLSCOPE_PARALLEL_DEBUG) process.stderr.write(`callscope: parallel run (${n} worker${n === 1 ? '' : 's'}): ${r.status === 'done' ? 'done' : `fallback after ${r.linesWritten} lines: ${r.reason}`}; main thread CPU ${threadCpuMs()} ms\n`);
      if (r.status === 'done') {
        await out.drain();
        progress.clear();
        if (args.stats) printStats(t0, r);
        return 0;
      }
      // (A table or HAR is written only once the whole capture is decoded: it cannot resume.)
      if (sortedOutput && r.linesWritten > 0) throw new Error(`the decoding worker stopped while writing the ${args.format}: ${r.reason}`);
      skipLines = r.linesWritten;
      skipWarnings = r.warningsWritten;
    }
  }
  // Table and HAR rows wait, sorted, in bounded memory (on disk past a budget) until the end.
  const sorted = sortedOutput && sortedWriter(sortedOutput);
  const interrupt = await pipedInput(args.file) ? stopOnInterrupt() : undefined;
  const result = await analyzeFile(
    args.file,
    { decodeAs: args.decodeAs, hints: args.hints, definitions: defs.definitions, tlsKeyLog: keyLog.text, limits: args.limits, betweenChunks: () => out.flush(), signal: interrupt },
    {
      progress: (p) => progress?.decoding(p.bytesRead, p.fileBytes, p.calls),
      call(c) {
        if (filter && !filter(c)) return;
        if (args.format === 'jsonl') {
          if (skipLines > 0) skipLines--;
          else out.writeLine(callToJsonLine(c));
        }
        else sorted?.addCall(c);
      },
      flow(f) {
        sorted?.addFlow?.(f);
        for (const w of f.warnings) analysisWarn(flowWarningText(f, w));
      },
      warning(w) {
        analysisWarn(w.frame !== undefined ? `frame ${w.frame}: ${w.message}` : w.message);
      },
    },
  );
  await sorted?.finish((s) => out.write(s), () => out.flush());
  await out.drain();
  progress.clear();
  if (args.stats) printStats(t0, result);
  return 0;
}

/** Is the capture standard input, a pipe or a FIFO (read as it comes, for as long as the writer writes)? */
async function pipedInput(file: string): Promise<boolean> {
  if (file === '-') return true;
  try {
    return !(await stat(file)).isFile();
  } catch {
    return false; // (analyzeFile says what is wrong)
  }
}

/**
 * Ctrl-C while reading a pipe (`tcpdump -U -w - | callscope -`): stop reading and print what came
 * (a table or HAR is written at the end); a second Ctrl-C quits at once.
 */
function stopOnInterrupt(): AbortSignal {
  const ac = new AbortController();
  process.once('SIGINT', () => {
    warn('interrupted: decoding what came so far (Ctrl-C again to quit)');
    ac.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return ac.signal;
}

function printStats(t0: bigint, result: { frames: number; calls: number; flows: number; bytesRead: number }): void {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const mb = result.bytesRead / 1e6;
  process.stderr.write(
    `frames=${result.frames} calls=${result.calls} flows=${result.flows} bytes=${result.bytesRead} ms=${ms.toFixed(0)} ` +
      `MBps=${(mb / (ms / 1000)).toFixed(1)} maxRssMB=${(process.resourceUsage().maxRSS / 1024).toFixed(0)}\n`,
  );
}

/**
 * Worker threads (platform/parallel.ts) for a JSONL run of an uncompressed capture of 16 MiB or
 * more (CALLSCOPE_PARALLEL_MIN_BYTES); 0 = decode in this thread, as for small captures and the
 * other formats. --jobs N, else CALLSCOPE_WORKERS, else 2 when the capture has 128 MiB or more
 * (CALLSCOPE_PARALLEL_SPLIT_BYTES) and two cores are idle (sampled for 100 ms), else 1; 0 on a
 * one-core machine. A single decoding thread runs as a worker too: its V8 heap is bounded
 * (WORKER_LIMITS), so peak memory stays flat whatever the load (in the main thread the same run
 * peaked at 124 MiB on a quiet machine and 256 MiB on a busy one; `--max-semi-space-size=4`, a
 * young-generation bound, brought it to 114 MiB). Two threads decode the benchmark captures
 * 1.1–1.4× faster when two cores are free (docs/benchmark.md).
 */
async function parallelWorkers(file: string, jobs: number | undefined): Promise<number> {
  if (file === '-') return 0; // (workers read the file at offsets: standard input is read once, in this thread)
  const wanted = Math.min(jobs ?? Number(process.env.CALLSCOPE_WORKERS ?? 2), availableParallelism(), 16);
  if (!Number.isInteger(wanted) || wanted < 1) return 0;
  const minBytes = Number(process.env.CALLSCOPE_PARALLEL_MIN_BYTES ?? 16 << 20);
  let size = 0;
  try {
    // (a FIFO is not opened here: opening and closing it would end the writer's side)
    const st = await stat(file);
    if (!st.isFile() || st.size < minBytes) return 0;
    size = st.size;
    const fh = await open(file, 'r');
    try {
      const head = new Uint8Array(4);
      const { bytesRead } = await fh.read(head, 0, 4, 0);
      const format = sniffCapture(head.subarray(0, bytesRead));
      if (format !== 'pcap' && format !== 'pcapng') return 0;
    } finally {
      await fh.close();
    }
  } catch {
    return 0; // the pipeline of the main thread reports what is wrong with the file
  }
  if (jobs !== undefined || process.env.CALLSCOPE_WORKERS !== undefined) return wanted;
  // One core: a worker would only add the copying of its output.
  if (availableParallelism() < 2) return 0;
  // Two threads pay off from ~128 MiB (the 64 MB bench capture: 2.9 s with two, 2.5 s with one).
  if (size < Number(process.env.CALLSCOPE_PARALLEL_SPLIT_BYTES ?? 128 << 20)) return 1;
  // By default only the cores other work leaves idle: on a busy machine extra threads cost more
  // CPU than they save (measured: 2× slower with both cores taken by other processes).
  return Math.min(wanted, Math.max(1, Math.floor((await idleCores(100)) + 0.4)));
}

/** Cores idle over the next `ms` milliseconds (from the kernel's per-CPU time counters). */
async function idleCores(ms: number): Promise<number> {
  const sample = () => cpus().reduce((a, c) => ({ idle: a.idle + c.times.idle, total: a.total + c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq }), { idle: 0, total: 0 });
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  const total = b.total - a.total;
  return total > 0 ? (cpus().length * (b.idle - a.idle)) / total : availableParallelism();
}

let warned = 0;
/** The run's progress line (cleared before every warning and before the output). */
let progress: Progress | undefined;

function warn(message: string): void {
  progress?.clear();
  if (++warned > 200) {
    if (warned === 201) process.stderr.write('callscope: warning: more warnings suppressed\n');
    return;
  }
  process.stderr.write(`callscope: warning: ${message}\n`);
}

const STDOUT_TTY = process.stdout.isTTY === true;
const OUT_BYTES = 1 << 20;
/** Filled buffers handed to stdout that may be in flight at once before `flush` waits. */
const OUT_POOL = 4;

/**
 * Buffered stdout that respects back-pressure (a pipe to `head` or a slow terminal). Text is
 * encoded straight into 1 MiB buffers (no joining of strings, no second copy when writing), and
 * the buffers are reused once stdout has written them: memory stays a few MiB however large the
 * output (fresh buffers per write left ~80 MiB of garbage between collections).
 */
class Output {
  private free: Buffer[] = [];
  private buf: Buffer = Buffer.allocUnsafe(OUT_BYTES);
  private used = 0;
  private inFlight = 0;
  private waiting: Array<() => void> = [];
  write(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    if (s.length * 3 > this.buf.length - this.used) {
      this.emit();
      if (s.length * 3 > this.buf.length) {
        process.stdout.write(s);
        return;
      }
    }
    this.used += this.buf.write(s, this.used);
  }
  /** Bytes already encoded. */
  writeBytes(b: Uint8Array): void {
    if (b.length > this.buf.length - this.used) {
      this.emit();
      if (b.length > this.buf.length) {
        process.stdout.write(b.slice());
        return;
      }
    }
    this.buf.set(b, this.used);
    this.used += b.length;
  }
  /** `s` and a line feed. */
  writeLine(s: string): void {
    if (s.length * 3 + 1 > this.buf.length - this.used) {
      this.write(s);
      this.write('\n');
      return;
    }
    this.used += this.buf.write(s, this.used);
    this.buf[this.used++] = 10;
  }
  /** Hand the filled part to stdout; the buffer comes back to the pool once written. */
  private emit(): void {
    if (this.used === 0) return;
    // (the progress line goes before output to the terminal it shares)
    if (STDOUT_TTY) progress?.clear();
    const full = this.buf;
    const b = full.subarray(0, this.used);
    this.buf = this.free.pop() ?? Buffer.allocUnsafe(OUT_BYTES);
    this.used = 0;
    this.inFlight++;
    process.stdout.write(b, () => {
      this.inFlight--;
      if (this.free.length < OUT_POOL) this.free.push(full);
      const w = this.waiting;
      this.waiting = [];
      for (const r of w) r();
    });
  }
  /** Emit what is buffered; wait while too many buffers are still being written. */
  async flush(): Promise<void> {
    this.emit();
    while (this.inFlight > OUT_POOL - 1) await new Promise<void>((r) => this.waiting.push(r));
  }
  /** Emit and wait until stdout has taken everything. */
  async drain(): Promise<void> {
    this.emit();
    while (this.inFlight > 0) await new Promise<void>((r) => this.waiting.push(r));
  }
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

const argv0 = process.argv[2];
if (!isMainThread && (workerData as ShardInit | undefined)?.callscopeShard) {
  // A decoding worker of a parallel run (platform/parallel.ts): this bundle is its script too.
  void runShardWorker(workerData as ShardInit, parentPort!);
} else (argv0 === 'capture' || argv0 === 'proxy' || argv0 === 'replay'
  ? import('./commands').then((m) => m.runLiveCommand(process.argv.slice(2)))
  : main(process.argv.slice(2))
).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    progress?.clear();
    if (e instanceof UserError) {
      process.stderr.write(`callscope: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`callscope: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
