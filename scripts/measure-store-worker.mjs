// The "worker side" of scripts/measure-store.mts in a process of its own (so its peak RSS is its
// own): runs dist/worker.js in a worker thread and relays messages to and from the parent.
// The thread gets the extension's V8 heap limits (WORKER_HEAP_LIMITS in extension/analysis/analysis.ts:
// 256 MiB old, 16 MiB young); WORKER_OLD_MB / WORKER_YOUNG_MB try others (0 = V8's defaults).
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const old = Number(process.env.WORKER_OLD_MB ?? 256);
const young = Number(process.env.WORKER_YOUNG_MB ?? 16);
const w = new Worker(fileURLToPath(new URL('../dist/worker.js', import.meta.url)), { resourceLimits: { ...(old ? { maxOldGenerationSizeMb: old } : {}), ...(young ? { maxYoungGenerationSizeMb: young } : {}) } });
process.on('message', (m) => {
  if (m && m.type === 'measure/rss') process.send({ type: 'measure/rss', rss: process.memoryUsage.rss(), maxRss: process.resourceUsage().maxRSS * 1024 });
  else w.postMessage(m);
});
w.on('message', (m) => process.send(m));
w.on('error', (e) => process.send({ type: 'error', message: e.message }));
w.on('exit', (code) => process.exit(code));
