/**
 * The CLI's live subcommands:
 *
 *   callscope capture [-i lo] [-f FILTER] [-w out.pcapng] [--format table|jsonl] [--duration S]
 *                     [--tls-keylog FILE]…
 *   callscope proxy --listen 127.0.0.1:9000 --target 127.0.0.1:8000 [--listen … --target …]…
 *                   [-w out.pcapng] [--format table|jsonl] [--duration S] [--tls-keylog FILE]…
 *   callscope replay CAPTURE --target HOST:PORT [--filter EXPR] [--proto DIR]… [--format table|jsonl]
 *
 * capture/proxy print calls as they complete and stop on Ctrl-C (or after --duration);
 * replay exits 1 when any response changed (a regression test from recorded traffic).
 */
import type { Call } from '../decoders/core/model';
import { callToJsonLine } from '../decoders/export/jsonl';
import { endpointLabel } from '../decoders/export/common';
import { callText, statusText, formatDuration } from './table';
import { UserError } from './platform/analyze';
import { LiveCapture, LiveCaptureError, findCaptureTool, listInterfaces } from './platform/live';
import { ProxySet, parseHostPort, isLoopback, type ProxyRoute } from './platform/proxy';
import { LiveFeed } from './platform/live-feed';
import { compileFilter } from './filter';
import { loadDefinitions } from './platform/definitions';
import { liveKeyLogState } from './platform/keylog';
import { replayCapture, type ReplayResult } from './platform/replay';
import { formatChange } from '../decoders/replay/diff';

export const LIVE_COMMANDS = new Set(['capture', 'proxy', 'replay']);

const USAGE = `usage:
  callscope capture [-i IFACE] [-f FILTER] [-w out.pcapng] [--format table|jsonl] [--duration S] [--tool dumpcap|tcpdump]
                    [--tls-keylog FILE]…
  callscope capture --list-interfaces
  callscope proxy --listen [HOST:]PORT --target HOST:PORT [--listen … --target …]… [-w out.pcapng]
                  [--format table|jsonl] [--duration S] [--allow-remote-listen] [--tls-keylog FILE]…
  callscope replay CAPTURE --target HOST:PORT [--filter EXPR] [--proto DIR]… [--format table|jsonl]
                  [--ignore PATH]… [--allow-remote] [--timeout MS]

capture   live capture with dumpcap or tcpdump (loopback by default); calls print as they complete
proxy     record any TCP protocol through a local proxy, no privileges needed; saves pcapng
replay    re-issue a capture's client calls (HTTP, JSON-RPC, XML-RPC, gRPC) against a target and
          report which responses changed; exit 1 when something changed

--tls-keylog FILE   (capture, proxy; repeatable) decrypt TLS as it is recorded with the key log the
                    client writes (SSLKEYLOGFILE=FILE for curl, Chrome, Firefox; node --tls-keylog=FILE):
                    read at the start, then followed as the client appends to it (a file not there yet
                    is waited for). The proxy relays TCP as it is, so a client speaking TLS through it
                    to a TLS server is recorded encrypted and decrypts the same way; the proxy itself
                    never terminates TLS. The saved capture does not carry the secrets: open it with
                    the key log beside it (*.keys) or with --tls-keylog.
`;

interface Common {
  format: 'table' | 'jsonl';
  out?: string;
  durationS?: number;
  /** --tls-keylog files, followed while recording. */
  keyLogs: string[];
}

function takeValue(argv: string[], i: number, name: string): string {
  const v = argv[i + 1];
  if (v === undefined) throw new UserError(`${name} needs a value`);
  return v;
}

function parseFormat(v: string): 'table' | 'jsonl' {
  if (v !== 'table' && v !== 'jsonl') throw new UserError(`--format must be table or jsonl (got "${v}")`);
  return v;
}

function parseDuration(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`--duration must be a positive number of seconds (got "${v}")`);
  return n;
}

/** A call as one line, printed as soon as it completes. */
function liveLine(c: Call, t0: number): string {
  const t = ((c.timing.startUs - t0) / 1e6).toFixed(3).padStart(8);
  return `${t}  ${formatDuration(c).padStart(8)}  ${endpointLabel(c.client)} → ${endpointLabel(c.server)}  ${c.protocol.padEnd(8)} ${callText(c)}  ${statusText(c)}\n`;
}

function printer(format: 'table' | 'jsonl'): (c: Call) => void {
  let t0: number | undefined;
  return (c) => {
    t0 ??= c.timing.startUs;
    process.stdout.write(format === 'jsonl' ? callToJsonLine(c) + '\n' : liveLine(c, t0));
  };
}

/** Resolves on Ctrl-C / SIGTERM or after `durationS`. */
function untilStopped(durationS?: number): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      clearTimeout(timer);
      resolve(why);
    };
    const onInt = () => done('interrupted');
    const onTerm = () => done('terminated');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const timer = durationS ? setTimeout(() => done('duration reached'), durationS * 1000) : undefined;
  });
}

function info(s: string): void {
  process.stderr.write(`callscope: ${s}\n`);
}

/** The --tls-keylog files: one that cannot be read is a user error; one not there yet is waited for, said so. */
async function checkKeyLogs(files: string[]): Promise<void> {
  for (const f of files) {
    if ((await liveKeyLogState(f)) === 'missing') info(`TLS key log ${f} does not exist yet: it is read as soon as the client writes it`);
  }
}

/** The options capture and proxy share (-w/--write, --format, --duration, --tls-keylog); true when `a` was one. */
function commonOption(o: Common, a: string, value: () => string): boolean {
  switch (a) {
    case '-w':
    case '--write':
      o.out = value();
      return true;
    case '--format':
      o.format = parseFormat(value());
      return true;
    case '--duration':
      o.durationS = parseDuration(value());
      return true;
    case '--tls-keylog':
      o.keyLogs.push(value());
      return true;
    default:
      return false;
  }
}

export async function runLiveCommand(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (cmd === 'capture') return capture(rest);
  if (cmd === 'proxy') return proxy(rest);
  if (cmd === 'replay') return replay(rest);
  process.stderr.write(USAGE);
  return 2;
}

async function capture(argv: string[]): Promise<number> {
  const o: Common & { iface?: string; filter?: string; tool?: 'dumpcap' | 'tcpdump'; list?: boolean } = { format: 'table', keyLogs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '-i':
      case '--interface':
        o.iface = takeValue(argv, i++, a);
        break;
      case '-f':
      case '--capture-filter':
        o.filter = takeValue(argv, i++, a);
        break;
      case '--tool': {
        const t = takeValue(argv, i++, a);
        if (t !== 'dumpcap' && t !== 'tcpdump') throw new UserError('--tool must be dumpcap or tcpdump');
        o.tool = t;
        break;
      }
      case '-D':
      case '--list-interfaces':
        o.list = true;
        break;
      default:
        if (commonOption(o, a, () => takeValue(argv, i++, a))) break;
        throw new UserError(`capture: unknown option ${a} (see callscope capture --help)`);
    }
  }
  try {
    if (o.list) {
      const tool = findCaptureTool(o.tool);
      if (!tool) throw new LiveCaptureError('no-tool', (await import('./platform/live')).noToolAdvice());
      for (const i of listInterfaces(tool)) process.stdout.write(`${i.name}${i.description ? `  (${i.description})` : ''}${i.loopback ? '  [loopback]' : ''}\n`);
      return 0;
    }
    await checkKeyLogs(o.keyLogs);
    const print = printer(o.format);
    const cap = new LiveCapture({ interface: o.iface, filter: o.filter, file: o.out, tool: o.tool, tlsKeyLogs: o.keyLogs }, { call: print, warning: (w) => info(`warning: ${w.message}`) });
    await cap.start();
    const keys = o.keyLogs.length ? `; decrypting TLS with ${o.keyLogs.join(', ')} (followed as it grows)` : '';
    info(`capturing on ${cap.iface} with ${cap.tool.name}${o.filter ? ` (filter: ${o.filter})` : ''}${o.out ? `, saving to ${o.out}` : ''}${keys}; Ctrl-C stops`);
    const stopped = new Promise<string>((resolve) => {
      cap.onExit = (err) => resolve(err ? 'tool failed' : 'tool exited');
    });
    const why = await Promise.race([untilStopped(o.durationS), stopped]);
    await cap.stop();
    if (cap.failure) throw cap.failure;
    const s = cap.stats;
    info(`${why}: ${s.frames} frames, ${s.calls} calls${o.out ? `, saved ${o.out}` : ''}`);
    return 0;
  } catch (e) {
    if (e instanceof LiveCaptureError) {
      process.stderr.write(`callscope: ${e.message}\n`);
      if (e.detail && e.kind !== 'permission') process.stderr.write(`  (${e.detail.split('\n')[0]})\n`);
      return 2;
    }
    throw e;
  }
}

async function proxy(argv: string[]): Promise<number> {
  const o: Common & { listens: string[]; targets: string[]; allowRemote: boolean } = { format: 'table', listens: [], targets: [], allowRemote: false, keyLogs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--listen':
      case '-l':
        o.listens.push(takeValue(argv, i++, a));
        break;
      case '--target':
      case '-t':
        o.targets.push(takeValue(argv, i++, a));
        break;
      case '--allow-remote-listen':
        o.allowRemote = true;
        break;
      default:
        if (commonOption(o, a, () => takeValue(argv, i++, a))) break;
        throw new UserError(`proxy: unknown option ${a} (see callscope proxy --help)`);
    }
  }
  if (o.listens.length === 0 || o.listens.length !== o.targets.length) throw new UserError('proxy: give --listen and --target in pairs (e.g. --listen 127.0.0.1:9000 --target 127.0.0.1:8000)');
  let routes: ProxyRoute[];
  try {
    routes = o.listens.map((l, i) => ({ listen: parseHostPort(l), target: parseHostPort(o.targets[i]) }));
  } catch (e) {
    throw new UserError(`proxy: ${(e as Error).message}`);
  }
  await checkKeyLogs(o.keyLogs);
  const feed = new LiveFeed({ file: o.out, tlsKeyLogs: o.keyLogs }, { call: printer(o.format), warning: (w) => info(`warning: ${w.message}`) });
  await feed.ready;
  const set = new ProxySet((b) => feed.push(b), {
    allowRemoteListen: o.allowRemote,
    onEvent: (e) => {
      if (e.type === 'connect-failed') info(`${e.route.listen.port} → ${e.route.target.host}:${e.route.target.port}: ${e.message}`);
      else if (e.type === 'error') info(`proxy error: ${e.message}`);
    },
  });
  try {
    for (const r of routes) {
      const p = await set.add(r);
      info(`proxy ${p.address!.host}:${p.address!.port} → ${r.target.host}:${r.target.port}${isLoopback(r.target.host) ? '' : ' (remote target)'}`);
    }
  } catch (e) {
    await set.close();
    await feed.end();
    throw new UserError((e as Error).message);
  }
  info(`recording${o.out ? ` to ${o.out}` : ''}${o.keyLogs.length ? `; decrypting TLS with ${o.keyLogs.join(', ')} (followed as it grows)` : ''}; Ctrl-C stops`);
  const why = await untilStopped(o.durationS);
  await set.close();
  await feed.end();
  info(`${why}: ${set.recorder.frames} frames, ${feed.calls} calls${o.out ? `, saved ${o.out}` : ''}`);
  return 0;
}

async function replay(argv: string[]): Promise<number> {
  const o: { file?: string; target?: string; filter?: string; protoDirs: string[]; format: 'table' | 'jsonl'; ignore: string[]; allowRemote: boolean; timeoutMs: number } = {
    protoDirs: [],
    format: 'table',
    ignore: [],
    allowRemote: false,
    timeoutMs: 10000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--target':
      case '-t':
        o.target = takeValue(argv, i++, a);
        break;
      case '--filter':
        o.filter = takeValue(argv, i++, a);
        break;
      case '--proto':
        o.protoDirs.push(takeValue(argv, i++, a));
        break;
      case '--format':
        o.format = parseFormat(takeValue(argv, i++, a));
        break;
      case '--ignore':
        o.ignore.push(takeValue(argv, i++, a));
        break;
      case '--allow-remote':
        o.allowRemote = true;
        break;
      case '--timeout':
        o.timeoutMs = Number(takeValue(argv, i++, a));
        break;
      default:
        if (a.startsWith('-')) throw new UserError(`replay: unknown option ${a} (see callscope replay --help)`);
        if (o.file) throw new UserError('replay: one capture at a time');
        o.file = a;
    }
  }
  if (!o.file || !o.target) throw new UserError('replay: give a capture and --target HOST:PORT');
  let target: ReturnType<typeof parseHostPort>;
  try {
    target = parseHostPort(o.target);
  } catch (e) {
    throw new UserError(`replay: ${(e as Error).message}`);
  }
  if (!isLoopback(target.host) && !o.allowRemote) {
    throw new UserError(`replay: ${target.host} is not a loopback address; replaying sends every recorded request to it — add --allow-remote if that is what you want`);
  }
  const filter = o.filter ? compileFilter(o.filter) : undefined;
  const defs = await loadDefinitions({ captureFile: o.file, protoDirs: o.protoDirs });
  const results = await replayCapture(o.file, { target, filter, definitions: defs.definitions, ignore: o.ignore, timeoutMs: o.timeoutMs });
  let changed = 0;
  let failed = 0;
  for (const r of results) {
    if (r.outcome === 'changed') changed++;
    if (r.outcome === 'error') failed++;
    if (o.format === 'jsonl') process.stdout.write(JSON.stringify(replayJson(r)) + '\n');
    else process.stdout.write(replayLines(r));
  }
  const same = results.filter((r) => r.outcome === 'same').length;
  const skipped = results.filter((r) => r.outcome === 'skipped').length;
  info(`replayed ${results.length - skipped} calls against ${target.host}:${target.port}: ${same} unchanged, ${changed} changed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return changed || failed ? 1 : 0;
}

function replayJson(r: ReplayResult) {
  return { id: r.call.id, protocol: r.call.protocol, method: r.call.method, target: r.call.target, outcome: r.outcome, changes: r.changes, error: r.error, ms: r.ms, warnings: r.warnings };
}

function replayLines(r: ReplayResult): string {
  const head = `${r.outcome.toUpperCase().padEnd(9)} #${r.call.id} ${r.call.protocol} ${callText(r.call)}`;
  const lines = [head];
  if (r.error) lines.push(`    ${r.error}`);
  for (const c of r.changes.slice(0, 20)) lines.push(`    ${formatChange(c)}`);
  if (r.changes.length > 20) lines.push(`    … ${r.changes.length - 20} more`);
  return lines.join('\n') + '\n';
}
