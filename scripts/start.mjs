#!/usr/bin/env node
// `npm start`: build the extension, install code-server if missing, and open a real VS Code in
// the browser on a loopback URL with samples/ as the workspace and the XML-RPC walkthrough
// capture open. Ctrl+C stops it. Options: --port N (default 8123), --no-open (do not open a capture).
import { spawnSync, spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { startCodeServer } from './code-server-run.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : Number(process.env.PORT) || 8123;

console.log('callscope: building the extension…');
const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);

console.log('callscope: checking code-server (the first run installs it into tools/, 2–5 minutes)…');
const workspace = join(repo, 'samples');
const capture = join(workspace, 'xmlrpc-walkthrough', 'xmlrpc-walkthrough.pcap');
const server = await startCodeServer({
  workspace,
  stateDir: join(repo, '.cache', 'start'),
  port,
  verbose: true,
  isolateHome: false,
  env: args.includes('--no-open') || !existsSync(capture) ? {} : { CALLSCOPE_OPEN_ON_START: capture },
});

console.log(`\ncallscope is running in VS Code (code-server) at:\n\n    ${server.url}\n\nOpen it in a browser on this machine. Ctrl+C stops it (log: ${server.log ?? server.logFile}).\n`);
if (process.env.DISPLAY && !process.env.CI) {
  try {
    spawn('xdg-open', [server.url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
  } catch {}
}
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
