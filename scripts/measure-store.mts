/**
 * Opens a capture through the extension's code path without VS Code and reports memory and
 * latency: `node --import tsx scripts/measure-store.mts [capture]` (after `npm run build`; default
 * .cache/bench/http-bench.pcap). The host side is an `Analysis` (extension/analysis/analysis.ts)
 * in this process; the worker side is dist/worker.js in a worker thread of a child process
 * (scripts/measure-store-worker.mjs), so each side's peak RSS is measured on its own.
 */
import { fork } from 'node:child_process';
import { statSync } from 'node:fs';
import { Analysis, type WorkerLike } from '../extension/analysis/analysis';
import type { WorkerToHost } from '../extension/analysis/worker-protocol';

const file = process.argv[2] ?? '.cache/bench/http-bench.pcap';
const MiB = 2 ** 20;
// execArgv: [] — the child would otherwise inherit this process's `--import tsx`, and so would its
// worker thread: tsx (and its module-hooks thread) made the worker side 147 MiB before the first
// call instead of 70, and its peak ~45 MiB higher, which the extension's worker never has.
// MEASURE_INHERIT_EXECARGV=1 measures the old way (as the worker-side figures measured before).
const execArgv = process.env.MEASURE_INHERIT_EXECARGV ? process.execArgv : [];
const child = fork(new URL('./measure-store-worker.mjs', import.meta.url), [], { serialization: 'advanced', execArgv });
let rssWaiter: ((v: { rss: number; maxRss: number }) => void) | undefined;
const onMessage: Array<(m: WorkerToHost) => void> = [];
child.on('message', (m: any) => {
  if (m?.type === 'measure/rss') rssWaiter?.(m);
  else for (const f of onMessage) f(m);
});
const adapter: WorkerLike = {
  postMessage: (m) => child.send(m as any),
  on(event: string, fn: (x: any) => void) {
    if (event === 'message') onMessage.push(fn);
    else child.on(event === 'exit' ? 'exit' : 'error', fn);
    return adapter;
  },
  terminate: () => child.kill(),
};
const workerRss = () => new Promise<{ rss: number; maxRss: number }>((r) => ((rssWaiter = r), child.send({ type: 'measure/rss' })));
const hostMaxRss = () => process.resourceUsage().maxRSS * 1024;
const mb = (n: number) => `${(n / MiB).toFixed(0)} MiB`;
const time = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const r = await f();
  console.log(`${label.padEnd(52)} ${(performance.now() - t).toFixed(0).padStart(6)} ms`);
  return r;
};

const size = statSync(file).size;
console.log(`${file}: ${mb(size)}`);
const t0 = performance.now();
const a = new Analysis({ type: 'analyze', file, decodeAs: [], hints: [], protoPaths: [], definitionFiles: [] }, size, 'unused');
let firstRows: number | undefined;
let firstPage: Promise<number> | undefined;
let peakWorkerRss = 0;
a.listen({
  rows: () => {
    if (firstRows !== undefined) return;
    firstRows = performance.now() - t0;
    firstPage = a.store.page(0, 100).then(() => performance.now() - t0);
  },
});
const sampler = setInterval(() => void workerRss().then((r) => (peakWorkerRss = Math.max(peakWorkerRss, r.rss))), 1000);
a.start(adapter);
// While it decodes: a page in the middle of what is there, as a scrolling list asks.
const midDecode: number[] = [];
const pager = setInterval(() => {
  const t = performance.now();
  void a.store.page(Math.floor(a.store.size / 2), 100).then(() => midDecode.push(performance.now() - t));
}, 2000);
await a.whenFinished();
clearInterval(pager);
const decodeMs = performance.now() - t0;
console.log(`first rows after ${firstRows?.toFixed(0)} ms, first page (100 rows) after ${(await firstPage)?.toFixed(0)} ms`);
console.log(`decoded ${a.store.size} calls in ${(decodeMs / 1000).toFixed(1)} s; pages while decoding: max ${Math.max(0, ...midDecode).toFixed(0)} ms over ${midDecode.length}`);
console.log(`worker index ${mb(a.indexBytes)}, host frame index ${mb(a.frameIndex?.byteSize ?? 0)}`);

const n = a.store.size;
await time('page 100 rows at the end', () => a.store.page(n - 100, 100));
const last = (await a.store.page(n - 1, 1)).rows[0];
const first = (await a.store.page(0, 1)).rows[0];
await time('details of the first call (in memory)', () => a.store.get(first.id));
await time('details of the last call (read from the spill file)', () => a.store.get(last.id));
await time('sort by duration, desc (first page)', () => a.store.page(0, 100, undefined, { key: 'duration', dir: 'desc' }));
await time('sort by target (first page)', () => a.store.page(0, 100, undefined, { key: 'target', dir: 'asc' }));
for (const f of ['status >= 400', 'http.status >= 400', 'http.request.uri.path ~ "/persons"', 'method == POST && duration > 1ms']) {
  const r = await time(`filter ${f}`, () => a.store.page(0, 100, f));
  await time(`  again (memoised), total ${r.total}`, () => a.store.page(0, 100, f));
}
await time('indexOf the last call under a filter', () => a.store.indexOf(last.id, 'http.request.uri.path ~ "/persons"'));
await time('connections (tree)', () => a.store.connections());
await time('definition summaries (CodeLens)', () => a.store.definitions());
clearInterval(sampler);
const w = await workerRss();
console.log(`peak RSS: worker side ${mb(Math.max(w.maxRss, peakWorkerRss))}, host side ${mb(hostMaxRss())}`);
a.dispose();
setTimeout(() => process.exit(0), 500);
