#!/usr/bin/env node
// `npm start`: build the extension, install code-server if missing, and open a real VS Code in
// the browser on a loopback URL with samples/ as the workspace and the XML-RPC walkthrough
// capture open. Ctrl+C stops it. Options: --port N (default 8123), --no-open (do not open a capture).
import { spawnSync, spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { startCodeServer } from './code-server-run.mjs';
import { codeServerEntry } from './code-server.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : Number(process.env.PORT) || 8123;

// A fresh clone: install the project's npm dependencies first (only node built-ins are used above).
if (!existsSync(join(repo, 'node_modules', 'esbuild'))) {
  console.log('callscope: installing npm dependencies (npm ci)…');
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: repo, stdio: 'inherit' });
  if (ci.status !== 0) process.exit(ci.status ?? 1);
}
// code-server compiles a native module against Kerberos headers the first time it is installed.
const codeServerInstalled = existsSync(codeServerEntry);
if (!codeServerInstalled && process.platform === 'linux' && spawnSync('dpkg', ['-s', 'libkrb5-dev'], { stdio: 'ignore' }).status !== 0) {
  const root = process.getuid?.() === 0;
  if (!root) {
    console.error('callscope: code-server needs the Debian package libkrb5-dev to install. Run:\n\n    sudo apt-get install -y libkrb5-dev\n\nthen npm start again.');
    process.exit(1);
  }
  console.log('callscope: installing libkrb5-dev (apt-get), needed to build code-server…');
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const apt = spawnSync('apt-get', ['install', '-y', '-qq', 'libkrb5-dev'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (apt.status !== 0) process.exit(apt.status ?? 1);
}

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
