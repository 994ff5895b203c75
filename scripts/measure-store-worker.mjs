// The "worker side" of scripts/measure-store.mts in a process of its own (so its peak RSS is its
// own): runs dist/worker.js in a worker thread and relays messages to and from the parent.
// WORKER_OLD_MB / WORKER_YOUNG_MB set the thread's V8 heap limits, to try what they change.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const limit = Number(process.env.WORKER_OLD_MB || 0);
const w = new Worker(fileURLToPath(new URL('../dist/worker.js', import.meta.url)), { resourceLimits: { ...(limit ? { maxOldGenerationSizeMb: limit } : {}), ...(process.env.WORKER_YOUNG_MB ? { maxYoungGenerationSizeMb: Number(process.env.WORKER_YOUNG_MB) } : {}) } });
process.on('message', (m) => {
  if (m && m.type === 'measure/rss') process.send({ type: 'measure/rss', rss: process.memoryUsage.rss(), maxRss: process.resourceUsage().maxRSS * 1024 });
  else w.postMessage(m);
});
w.on('message', (m) => process.send(m));
w.on('error', (e) => process.send({ type: 'error', message: e.message }));
w.on('exit', (code) => process.exit(code));
