/**
 * The decoding worker (a worker_threads thread of the extension host): runs the same
 * `analyzeFile` as the CLI and streams calls to the host in batches — the first batch soon
 * (first rows within a second), then every 200 ms or 2,000 calls, whichever comes first.
 */
import { parentPort } from 'node:worker_threads';
import { readFile, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LOADERS, type DefinitionFile } from '../cli/platform/definitions';
import { analyzeFile, type AnalyzeOptions } from '../cli/platform/analyze';
import type { Call, FlowSummary } from '../decoders/core/model';
import type { HostToWorker, WorkerToHost, AnalyzeRequest } from './analysis/worker-protocol';
import { FrameIndex } from './analysis/frame-index';


const port = parentPort!;
let controller: AbortController | undefined;

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
      return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
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

async function run(req: AnalyzeRequest): Promise<void> {
  controller = new AbortController();
  let batch: Call[] = [];
  let lastFlush = Date.now();
  let sent = 0;
  let firstUs: number | undefined;
  let lastUs: number | undefined;
  const flows: FlowSummary[] = [];
  const flush = () => {
    if (!batch.length) return;
    post({ type: 'calls', calls: batch });
    sent += batch.length;
    batch = [];
    lastFlush = Date.now();
  };
  const timer = setInterval(flush, 200);
  try {
    const definitions = await loadDefinitions(req);
    const index = (await isGzip(req.file)) ? undefined : new FrameIndex();
    const result = await analyzeFile(
      req.file,
      { decodeAs: req.decodeAs, hints: req.hints, definitions, signal: controller.signal, frame: index?.onFrame },
      {
        call(c) {
          batch.push(c);
          if (firstUs === undefined || c.timing.startUs < firstUs) firstUs = c.timing.startUs;
          const end = c.timing.endUs ?? c.timing.startUs;
          if (lastUs === undefined || end > lastUs) lastUs = end;
          // The first rows go out at once; later ones in bigger batches.
          if ((sent === 0 && batch.length >= 50) || batch.length >= 2000 || Date.now() - lastFlush > 200) flush();
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
          post({ type: 'progress', progress: p });
        },
      },
    );
    flush();
    post({ type: 'flows', flows });
    if (index && index.count) {
      const { data, transfer } = index.toData();
      post({ type: 'frameIndex', index: data }, transfer);
    }
    post({ type: 'done', result, startUs: firstUs, endUs: lastUs });
  } catch (e) {
    flush();
    const err = e as Error;
    post({ type: 'error', message: err?.message ?? String(e), stack: err?.stack });
  } finally {
    clearInterval(timer);
    controller = undefined;
  }
}

port.on('message', (m: HostToWorker) => {
  if (m.type === 'cancel') controller?.abort();
  else if (m.type === 'analyze') void run(m);
});
