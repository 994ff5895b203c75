/**
 * The decoding worker (a worker_threads thread of the extension host): runs the same
 * `analyzeFile` as the CLI and keeps the calls itself, in a SpillStore (one JSON line per call
 * in a spill file + a compact columnar index). The host gets rows of the first calls as they
 * arrive (the first batch soon — first rows within a second — then every 200 ms or 2,000 rows),
 * progress, and answers to its queries (pages, details, filters, exports, definition statistics):
 * full calls cross only when asked for.
 */
import { parentPort } from 'node:worker_threads';
import { readFile, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LOADERS, type DefinitionFile } from '../cli/platform/definitions';
import { analyzeFile, type AnalyzeOptions } from '../cli/platform/analyze';
import { loadKeyLogs } from '../cli/platform/keylog';
import type { FlowSummary } from '../decoders/core/model';
import { sniffCapture } from '../decoders/capture/sniff';
import type { CallRow } from '../webview/protocol';
import type { HostToWorker, WorkerToHost, AnalyzeRequest } from './analysis/worker-protocol';
import { FrameIndex } from './analysis/frame-index';
import { SpillStore } from './analysis/spill-store';
import { answerQuery, type QueryMethod } from './analysis/store-queries';
import { Linker } from './definitions/linker';
import { protoDefinitionsOf, type ProtoDefinitions } from '../decoders/protobuf/definitions';

/** Rows streamed while decoding; past this the list pages (`calls/page`). Matches the panel's MAX_STREAMED_ROWS. */
const STREAMED_ROWS = 20_000;

const port = parentPort!;
let controller: AbortController | undefined;
let store: SpillStore | undefined;
let proto: ProtoDefinitions | undefined;
/** Queries wait until the analysis has made its store. */
let storeReady!: (s: SpillStore) => void;
const storePromise = new Promise<SpillStore>((r) => (storeReady = r));
function post(m: WorkerToHost, transfer?: ArrayBuffer[]): void {
  port.postMessage(m, transfer);
}

/** Gzip-compressed captures have no random access: no frame index for them. */
async function isGzip(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'r');
    try {
      const head = new Uint8Array(2);
      const { bytesRead } = await fh.read(head, 0, 2, 0);
      return sniffCapture(head.subarray(0, bytesRead)) === 'gzip';
    } finally {
      await fh.close();
    }
  } catch {
    return true;
  }
}

/**
 * The definition files the host found (.proto, .thrift, .wsdl), parsed here with the same loaders
 * as the CLI: protobufjs roots do not cross threads.
 */
async function loadDefinitions(req: AnalyzeRequest): Promise<AnalyzeOptions['definitions']> {
  if (!req.definitionFiles.length) return undefined;
  const roots = req.protoPaths.map((p) => p.replace(/\/+$/, ''));
  const definitions: NonNullable<AnalyzeOptions['definitions']> = {};
  for (const loader of LOADERS) {
    const files: DefinitionFile[] = [];
    for (const path of req.definitionFiles) {
      if (!loader.extensions.some((ext) => path.toLowerCase().endsWith(ext))) continue;
      try {
        const text = await readFile(path, 'utf8');
        const root = roots.filter((r) => path.startsWith(r + '/')).sort((a, b) => b.length - a.length)[0] ?? dirname(path);
        files.push({ path, text, root });
      } catch (e) {
        post({ type: 'warning', warning: { message: `could not read ${path}: ${(e as Error).message}` } });
      }
    }
    if (!files.length) continue;
    try {
      definitions[loader.kind] = loader.build(files).entry;
    } catch (e) {
      post({ type: 'warning', warning: { message: `${loader.kind} definitions not loaded: ${(e as Error).message}` } });
    }
  }
  return Object.keys(definitions).length ? definitions : undefined;
}

/** The key log of the setting (a problem with it is a warning, not a failure) and those beside the capture. */
async function loadTlsKeyLogs(req: AnalyzeRequest): Promise<string> {
  const k = await loadKeyLogs({ files: req.tlsKeyLogFiles ?? [], captureFile: req.file, unreadable: 'warn' });
  for (const w of k.warnings) post({ type: 'warning', warning: { message: `TLS key log (callscope.tls.keylogFile): ${w}` } });
  return k.text;
}

async function run(req: AnalyzeRequest): Promise<void> {
  controller = new AbortController();
  const calls = new SpillStore({ dir: req.spillDir });
  const fieldNames = new Set<string>();
  calls.setServiceNames(req.serviceNames ?? {});
  store = calls;
  let batch: CallRow[] = [];
  let lastFlush = Date.now();
  let sent = 0;
  let firstUs: number | undefined;
  let lastUs: number | undefined;
  const flows: FlowSummary[] = [];
  const flush = () => {
    if (!batch.length) return;
    post({ type: 'rows', rows: batch, first: sent, count: calls.size });
    sent += batch.length;
    batch = [];
    lastFlush = Date.now();
  };
  const timer = setInterval(flush, 200);
  try {
    const definitions = await loadDefinitions(req);
    proto = protoDefinitionsOf(definitions as Record<string, unknown> | undefined);
    const linker = new Linker(req.link, proto);
    calls.setLinker(linker.empty ? undefined : linker);
    storeReady(calls);
    const tlsKeyLog = await loadTlsKeyLogs(req);
    const index = (await isGzip(req.file)) ? undefined : new FrameIndex();
    const result = await analyzeFile(
      req.file,
      // 1 MiB reads (the CLI uses 4): the host's queries are answered between chunks, so a smaller
      // chunk keeps a page request during decoding short.
      { decodeAs: req.decodeAs, hints: req.hints, definitions, tlsKeyLog, limits: req.limits, signal: controller.signal, frame: index?.onFrame, chunkBytes: 1 << 20 },
      {
        call(c) {
          calls.add(c);
          // The field names this capture uses, for the filter bar's completion (bounded).
          if (fieldNames.size < 500) for (const k in c.fields) fieldNames.add(k);
          if (firstUs === undefined || c.timing.startUs < firstUs) firstUs = c.timing.startUs;
          const end = c.timing.endUs ?? c.timing.startUs;
          if (lastUs === undefined || end > lastUs) lastUs = end;
          if (sent + batch.length < STREAMED_ROWS) {
            batch.push(calls.index.row(calls.size - 1, req.serviceNames ?? {}));
            // The first rows go out at once; later ones in bigger batches.
            if ((sent === 0 && batch.length >= 50) || batch.length >= 2000 || Date.now() - lastFlush > 200) flush();
          }
        },
        flow(f) {
          flows.push(f);
          if (f.startUs && (firstUs === undefined || f.startUs < firstUs)) firstUs = f.startUs;
          if (f.endUs && (lastUs === undefined || f.endUs > lastUs)) lastUs = f.endUs;
        },
        warning(w) {
          post({ type: 'warning', warning: w });
        },
        progress(p) {
          flush();
          post({ type: 'progress', progress: { ...p, calls: calls.size } });
        },
      },
    );
    flush();
    calls.flows = flows;
    post({ type: 'flows', flows });
    if (index && index.count) {
      const { data, transfer } = index.toData();
      post({ type: 'frameIndex', index: data }, transfer);
    }
    post({ type: 'done', result: { ...result, calls: calls.size }, startUs: firstUs, endUs: lastUs, indexBytes: calls.indexBytes, fieldNames: [...fieldNames].sort() });
  } catch (e) {
    flush();
    storeReady(calls);
    const err = e as Error;
    post({ type: 'error', message: err?.message ?? String(e), stack: err?.stack });
  } finally {
    clearInterval(timer);
    controller = undefined;
  }
}

async function answer(requestId: number, method: QueryMethod, params: unknown): Promise<void> {
  let last = 0;
  const progress = (done: number, total: number) => {
    const now = Date.now();
    if (now - last < 250) return;
    last = now;
    post({ type: 'task/progress', requestId, done, total });
  };
  try {
    const s = await storePromise;
    const result = await answerQuery(s, method, params as never, { progress, proto });
    const transfer = result instanceof Float64Array ? [result.buffer as ArrayBuffer] : undefined;
    post({ type: 'answer', requestId, result }, transfer);
  } catch (e) {
    post({ type: 'answer', requestId, error: (e as Error)?.message ?? String(e) });
  }
}

port.on('message', (m: HostToWorker | { type: 'close' }) => {
  if (m.type === 'cancel') controller?.abort();
  else if (m.type === 'analyze') void run(m);
  else if (m.type === 'query') void answer(m.requestId, m.method as QueryMethod, m.params);
  else if (m.type === 'close') {
    controller?.abort();
    store?.dispose();
    process.exit(0);
  }
});
