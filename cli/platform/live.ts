/**
 * Live capture: find dumpcap or tcpdump, list interfaces, run `dumpcap -w -` (pcapng) or
 * `tcpdump -U -w -` (pcap, re-written as pcapng as it comes), and stream the output through a
 * LiveFeed (pipeline + file; TLS decrypted with the key logs named, followed as they grow: see
 * live-feed.ts). Permission problems come back as LiveCaptureError with the exact
 * advice to fix them. This module never asks for, keeps or passes a password, and never runs sudo.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsc } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CaptureToPcapng } from '../../decoders/capture/pcapng-writer';
import { LiveFeed, type LiveFeedOptions, type LiveFeedSink } from './live-feed';

export type CaptureToolName = 'dumpcap' | 'tcpdump';

export interface CaptureTool {
  name: CaptureToolName;
  path: string;
}

export interface CaptureInterface {
  name: string;
  description?: string;
  loopback: boolean;
}

export type LiveErrorKind = 'no-tool' | 'permission' | 'no-interface' | 'bad-filter' | 'failed';

export class LiveCaptureError extends Error {
  constructor(
    readonly kind: LiveErrorKind,
    message: string,
    /** What the tool said, for the log. */
    readonly detail = '',
  ) {
    super(message);
    this.name = 'LiveCaptureError';
  }
}

const EXTRA_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/usr/local/sbin', '/usr/local/bin', '/opt/homebrew/bin', '/Applications/Wireshark.app/Contents/MacOS'];

function which(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  const dirs = [...envPath.split(delimiter).filter(Boolean), ...(process.platform === 'win32' ? ['C:\\Program Files\\Wireshark'] : EXTRA_DIRS)];
  for (const d of dirs) {
    for (const e of exts) {
      const p = join(d, name + e);
      try {
        accessSync(p, fsc.X_OK);
        return p;
      } catch {
        /* next */
      }
    }
  }
  return undefined;
}

/**
 * tcpdump first (its --immediate-mode hands over each packet at once: a call shows within
 * milliseconds; dumpcap 4.0 has no such switch and delivers in ~250 ms batches), then dumpcap
 * (the usual non-root setup: the wireshark group). `prefer` picks one if present.
 */
export function findCaptureTool(prefer?: CaptureToolName): CaptureTool | undefined {
  const order: CaptureToolName[] = prefer === 'dumpcap' ? ['dumpcap', 'tcpdump'] : ['tcpdump', 'dumpcap'];
  for (const name of order) {
    const path = which(name);
    if (path) return { name, path };
  }
  return undefined;
}

export function noToolAdvice(): string {
  if (process.platform === 'darwin') return 'No capture tool found: install Wireshark (it brings dumpcap), or use tcpdump from the system; or record without privileges through the proxy (callscope proxy).';
  if (process.platform === 'win32') return 'No capture tool found: install Wireshark with Npcap (it brings dumpcap.exe); or record without privileges through the proxy (callscope proxy).';
  return 'No capture tool found: install one, e.g. `sudo apt-get install tcpdump` (or `sudo apt-get install wireshark-common` for dumpcap; dnf/pacman: tcpdump or wireshark-cli); or record without privileges through the proxy (callscope proxy).';
}

/** The exact steps that give capture permission, for the tool in use. */
export function permissionAdvice(tool: CaptureTool): string {
  const lines = [`${tool.name} may not capture packets as this user. Any one of these fixes it:`];
  if (process.platform === 'linux') {
    if (tool.name === 'dumpcap') {
      lines.push(
        `  • add yourself to the wireshark group: \`sudo usermod -aG wireshark $USER\`, then log out and in (Debian/Ubuntu: \`sudo dpkg-reconfigure wireshark-common\` and answer Yes first)`,
        `  • or give dumpcap the capabilities: \`sudo setcap cap_net_raw,cap_net_admin+eip ${tool.path}\``,
      );
    } else {
      lines.push(
        `  • install dumpcap (\`sudo apt-get install wireshark-common\`, answer Yes to "non-superusers capture"), add yourself to the wireshark group (\`sudo usermod -aG wireshark $USER\`, log out and in) — callscope uses dumpcap when present`,
        `  • or give dumpcap the capabilities: \`sudo setcap cap_net_raw,cap_net_admin+eip $(command -v dumpcap)\``,
      );
    }
    lines.push(
      `  • or capture in a terminal with sudo and open the file: \`sudo ${tool.name === 'dumpcap' ? 'dumpcap -i lo -w capture.pcapng' : 'tcpdump -i lo -U -w capture.pcap'}\``,
      `  • or record without privileges through the proxy: \`callscope proxy --listen 127.0.0.1:9000 --target 127.0.0.1:8000 -w out.pcapng\``,
    );
  } else if (process.platform === 'darwin') {
    lines.push(
      '  • install Wireshark\'s "ChmodBPF" package (it gives the access_bpf group read access to /dev/bpf*), then log out and in',
      `  • or capture in a terminal with sudo and open the file: \`sudo tcpdump -i lo0 -U -w capture.pcap\``,
      '  • or record without privileges through the proxy (callscope proxy)',
    );
  } else {
    lines.push('  • install Npcap without "restrict to administrators", or capture from an elevated Wireshark and open the file', '  • or record without privileges through the proxy (callscope proxy)');
  }
  lines.push('callscope never asks for your password and never runs sudo itself.');
  return lines.join('\n');
}

/** Classify what a capture tool printed on failure. */
export function classifyToolError(tool: CaptureTool, stderr: string, iface?: string): LiveCaptureError {
  const s = stderr.trim();
  if (/permission|Operation not permitted|EPERM|not permitted|Access is denied|cap_net_raw|\(socket: Operation/i.test(s)) {
    return new LiveCaptureError('permission', permissionAdvice(tool), s);
  }
  if (/No such device|doesn't exist|There is no device|no suitable device|is not a valid interface|Invalid interface|not up|SIOCGIFHWADDR/i.test(s)) {
    return new LiveCaptureError('no-interface', `${tool.name}: there is no interface "${iface ?? '?'}" (see the list: ${tool.name} -D).`, s);
  }
  if (/syntax error|filter expression|Invalid capture filter|can't parse filter|unknown host|illegal token|parse error/i.test(s)) {
    return new LiveCaptureError('bad-filter', `The capture filter is not valid (libpcap syntax, e.g. "tcp port 8000"): ${firstLine(s)}`, s);
  }
  return new LiveCaptureError('failed', `${tool.name} failed: ${firstLine(s) || 'no message'}`, s);
}

function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !/^Capturing on|^tcpdump: listening on|^Running as user/.test(l)) ?? ''
  );
}

/** Interfaces as the tool lists them (`-D`). Loopback first. */
export function listInterfaces(tool: CaptureTool): CaptureInterface[] {
  const r = spawnSync(tool.path, ['-D'], { encoding: 'utf8', timeout: 10000 });
  if (r.error) throw new LiveCaptureError('failed', `${tool.name} -D: ${r.error.message}`);
  if (r.status !== 0 && !r.stdout.trim()) throw classifyToolError(tool, r.stderr);
  return parseInterfaceList(r.stdout);
}

/** `1. lo (Loopback)` (dumpcap), `1.lo [Up, Running, Loopback]` (tcpdump), `1. \Device\NPF_{…} (Adapter)`. */
export function parseInterfaceList(text: string): CaptureInterface[] {
  const out: CaptureInterface[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\d+\.\s*(\S+)(?:\s+\((.*)\))?(?:\s+\[(.*)\])?\s*$/.exec(line);
    if (!m) continue;
    const name = m[1];
    const description = m[2] ?? m[3];
    const loopback = /^lo\d*$/.test(name) || /loopback/i.test(`${m[2] ?? ''} ${m[3] ?? ''}`);
    out.push({ name, description, loopback });
  }
  return out.sort((a, b) => Number(b.loopback) - Number(a.loopback));
}

export function defaultInterface(): string {
  return process.platform === 'darwin' ? 'lo0' : process.platform === 'win32' ? '\\Device\\NPF_Loopback' : 'lo';
}

export interface LiveCaptureOptions extends LiveFeedOptions {
  interface?: string;
  /** libpcap capture filter, e.g. `tcp port 8000`. */
  filter?: string;
  tool?: CaptureToolName;
  /** How long to wait for the tool to report that it started (default 10 s). */
  startTimeoutMs?: number;
}

export interface LiveCaptureStats {
  bytes: number;
  frames: number;
  calls: number;
}

/**
 * A running capture. `start()` resolves once the tool says it is capturing (or rejects with a
 * LiveCaptureError); `stop()` ends it cleanly (SIGINT, so the tool flushes) and closes the file.
 */
export class LiveCapture {
  tool: CaptureTool;
  readonly iface: string;
  readonly feed: LiveFeed;
  private child: ChildProcess | undefined;
  private stderr = '';
  private converter: CaptureToPcapng | undefined;
  private exited: Promise<number | null> | undefined;
  private stopping = false;
  /** Set when the tool stopped on its own with an error after starting. */
  failure: LiveCaptureError | undefined;
  onExit?: (err: LiveCaptureError | undefined) => void;

  constructor(
    private readonly opts: LiveCaptureOptions,
    sink: LiveFeedSink = {},
  ) {
    const tool = findCaptureTool(opts.tool);
    if (!tool) throw new LiveCaptureError('no-tool', noToolAdvice());
    this.tool = tool;
    this.iface = opts.interface ?? defaultInterface();
    this.feed = new LiveFeed(opts, sink);
  }

  /** The command line that runs (for logs and docs; no secrets in it). */
  get args(): string[] {
    const f = this.opts.filter?.trim();
    if (this.tool.name === 'dumpcap') return ['-i', this.iface, ...(f ? ['-f', f] : []), '-w', '-'];
    return ['-i', this.iface, '-U', '--immediate-mode', '-s', '0', '-n', '-w', '-', ...(f ? [f] : [])];
  }

  /**
   * Start capturing. Without an explicit tool, a permission failure of tcpdump falls back to
   * dumpcap (which the wireshark group may run without root).
   */
  async start(): Promise<void> {
    // The key logs' secrets so far are in the store before the first packet.
    await this.feed.ready;
    try {
      await this.spawnTool();
    } catch (e) {
      const other = this.tool.name === 'tcpdump' ? which('dumpcap') : undefined;
      if (!(e instanceof LiveCaptureError) || e.kind !== 'permission' || this.opts.tool || !other) return this.failed(e);
      this.tool = { name: 'dumpcap', path: other };
      this.child = undefined;
      this.stderr = '';
      this.converter = undefined;
      await this.spawnTool().catch((e2) => this.failed(e2));
    }
  }

  /** The capture did not start: the feed stops too (its key log followers, its file), then `e` is thrown. */
  private async failed(e: unknown): Promise<never> {
    await this.feed.end().catch(() => undefined);
    throw e;
  }

  private spawnTool(): Promise<void> {
    if (this.child) return Promise.resolve();
    const child = spawn(this.tool.path, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    if (this.tool.name === 'tcpdump') this.converter = new CaptureToPcapng({ application: 'callscope (tcpdump)' }, { name: this.iface, filter: this.opts.filter });
    child.stdout!.on('data', (chunk: Buffer) => {
      const b = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.feed.push(this.converter ? this.converter.push(b) : b);
    });
    this.exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
    return new Promise<void>((resolve, reject) => {
      let started = false;
      const timer = setTimeout(() => {
        if (!started) {
          started = true;
          // Some builds print nothing: running without an error is good enough.
          resolve();
        }
      }, this.opts.startTimeoutMs ?? 10000);
      child.stderr!.on('data', (d: Buffer) => {
        if (this.stderr.length < 64 * 1024) this.stderr += d.toString('utf8');
        if (!started && /Capturing on|listening on/i.test(this.stderr)) {
          started = true;
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const err = e.code === 'ENOENT' ? new LiveCaptureError('no-tool', noToolAdvice()) : e.code === 'EACCES' ? classifyToolError(this.tool, 'permission denied') : new LiveCaptureError('failed', `${this.tool.name}: ${e.message}`);
        if (!started) {
          started = true;
          reject(err);
        }
      });
      void this.exited!.then(async (code) => {
        clearTimeout(timer);
        if (this.converter) this.feed.push(this.converter.end());
        const err = !this.stopping && code !== 0 ? classifyToolError(this.tool, this.stderr, this.iface) : undefined;
        if (!started) {
          started = true;
          reject(err ?? new LiveCaptureError('failed', `${this.tool.name} exited before capturing`, this.stderr));
        } else if (err) this.failure = err;
        this.onExit?.(err);
      });
    });
  }

  get stats(): LiveCaptureStats {
    return { bytes: this.feed.bytes, frames: this.feed.pipeline?.stats.frames ?? 0, calls: this.feed.calls };
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stop the tool (SIGINT, then SIGTERM after 3 s, SIGKILL after 6 s), flush the decoders, close the file. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const t1 = setTimeout(() => child.kill('SIGTERM'), 3000);
      const t2 = setTimeout(() => child.kill('SIGKILL'), 6000);
      await this.exited;
      clearTimeout(t1);
      clearTimeout(t2);
    } else if (this.exited) await this.exited;
    await this.feed.end();
  }
}
