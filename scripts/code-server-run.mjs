// Starts code-server (installed by scripts/code-server.mjs) for `npm start` and the e2e tests:
// own config file (loopback, no auth, no TLS), own user-data and extensions folders, seeded
// settings, the extension linked in unpacked, a health check, and a stop that ends the whole
// process group. See shared/design/e2e-harness.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, symlinkSync, rmSync, readFileSync, lstatSync, openSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { ensureCodeServer, nodeBin } from './code-server.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  // Other programs listening on loopback would pop up "your application is available" notices.
  'remote.autoForwardPorts': false,
  'security.workspace.trust.enabled': false,
  'workbench.reduceMotion': 'on',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'git.enabled': false,
  'files.simpleDialog.enable': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.secondarySideBar.forceMaximized': false,
};

export async function freePort(preferred) {
  const tryPort = (p) =>
    new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(undefined));
      s.listen(p, '127.0.0.1', () => {
        const port = s.address().port;
        s.close(() => resolve(port));
      });
    });
  return (preferred && (await tryPort(preferred))) || (await tryPort(0));
}

/** Link the repository (its package.json, dist/, media/) as an unpacked extension. */
export function linkExtension(extensionsDir) {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  mkdirSync(extensionsDir, { recursive: true });
  const link = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  try {
    if (lstatSync(link)) rmSync(link, { recursive: true, force: true });
  } catch {}
  symlinkSync(repo, link, 'dir');
  return `${pkg.publisher}.${pkg.name}`;
}

/**
 * Start code-server. Returns { url, port, stop(), logFile }.
 * opts: workspace (folder), stateDir (user-data etc.), port?, settings?, env?, log?
 */
export async function startCodeServer(opts) {
  const entry = await ensureCodeServer({ quiet: !opts.verbose });
  const stateDir = opts.stateDir;
  const userData = join(stateDir, 'user-data');
  const extensions = join(stateDir, 'extensions');
  const home = join(stateDir, 'home');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(home, { recursive: true });
  const settingsFile = join(userData, 'User', 'settings.json');
  if (opts.resetSettings || !existsSync(settingsFile)) writeFileSync(settingsFile, JSON.stringify({ ...BASE_SETTINGS, ...opts.settings }, null, 2));
  linkExtension(extensions);
  const port = await freePort(opts.port);
  const config = join(stateDir, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logFile = join(stateDir, 'code-server.log');
  const out = openSync(logFile, 'w');
  const isolatedHome = opts.isolateHome !== false;
  const env = {
    ...process.env,
    ...(isolatedHome ? { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'), XDG_CACHE_HOME: join(home, '.cache') } : {}),
    ...opts.env,
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.NODE_OPTIONS;
  const args = [
    entry,
    '--config', config,
    '--user-data-dir', userData,
    '--extensions-dir', extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    opts.workspace,
  ];
  const child = spawn(nodeBin, args, { env, detached: true, stdio: ['ignore', out, out] });
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(opts.workspace)}`;
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = async () => {
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
    for (let i = 0; i < 30 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`code-server exited early; see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz within ${(opts.startTimeoutMs ?? 60_000) / 1000}s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, stop, logFile, pid: child.pid };
}
