/**
 * Live sessions in the editor: a live capture (dumpcap/tcpdump) or a set of recording proxies
 * writes a pcapng file in a temporary folder and decodes it on the host as it comes; the capture
 * editor shows that file with a host-fed Analysis (registered in provider.liveAnalyses, so the
 * editor neither starts a worker nor re-decodes the file while it grows). Stop ends the
 * analysis; the file then is an ordinary capture that Save copies where the user wants.
 * TLS is decrypted as it comes with the key log of `callscope.tls.keylogFile`, followed while the
 * session runs (the client appends to it: cli/platform/live-feed.ts).
 */
import * as vscode from 'vscode';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Call, FlowSummary } from '../../decoders/core/model';
import type { Definitions } from '../../decoders/core/env';
import { Analysis } from '../analysis/analysis';
import type { CaptureEditorProvider } from '../editor/provider';
import { VIEW_TYPE } from '../editor/provider';
import { LiveFeed } from '../../cli/platform/live-feed';
import { LiveCapture } from '../../cli/platform/live';
import { ProxySet, type ProxyRoute, type ProxyEvent } from '../../cli/platform/proxy';
import type { DecodeAsRule } from '../../decoders/pipeline';

export type SessionKind = 'capture' | 'proxy';

let seq = 0;

export function liveFile(label: string): string {
  const dir = join(tmpdir(), 'callscope-live');
  mkdirSync(dir, { recursive: true });
  const d = new Date();
  const stamp = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}-${String(d.getHours()).padStart(2, '0')}${String(d.getMinutes()).padStart(2, '0')}${String(d.getSeconds()).padStart(2, '0')}`;
  return join(dir, `${label.replace(/[^\w.-]+/g, '_')}-${stamp}-${process.pid}-${++seq}.pcapng`);
}

/** Wires a LiveFeed's calls into a host-fed Analysis. */
export class LiveSession implements vscode.Disposable {
  readonly analysis: Analysis;
  readonly file: string;
  readonly startedAt = Date.now();
  private flows = new Map<number, FlowSummary>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  stopImpl: () => Promise<void> = async () => undefined;
  frames = () => 0;
  private readonly ended = new vscode.EventEmitter<void>();
  readonly onDidEnd = this.ended.event;

  constructor(
    readonly kind: SessionKind,
    readonly label: string,
    private readonly provider: CaptureEditorProvider,
    file: string,
    decodeAs: DecodeAsRule[],
  ) {
    this.file = file;
    this.analysis = new Analysis({ type: 'analyze', file, decodeAs, hints: [], protoPaths: [], definitionFiles: [] }, 0, '');
    this.analysis.onCancel = () => void this.stop();
    provider.liveAnalyses.set(file, this.analysis);
  }

  /** The sink for a LiveFeed: calls and flows into the analysis; its warnings (a key log that cannot be read) to `warn`. */
  sink(warn?: (message: string) => void): { call(c: Call): void; flow(f: FlowSummary): void; warning(w: { message: string }): void } {
    return {
      call: (c) => this.analysis.feed({ type: 'calls', calls: [c] }),
      flow: (f) => {
        this.flows.set(f.id, f);
      },
      warning: (w) => warn?.(w.message),
    };
  }

  /** Start the progress ticks (the banner shows bytes, frames and calls while live). */
  begin(feed: LiveFeed): void {
    this.timer = setInterval(() => {
      const frames = this.frames();
      this.analysis.feed({ type: 'progress', progress: { bytesRead: feed.bytes, fileBytes: feed.bytes, frames, calls: this.analysis.store.size } });
    }, 500);
  }

  async open(): Promise<void> {
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(this.file), VIEW_TYPE, { preview: false });
  }

  get running(): boolean {
    return !this.stopped;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    try {
      await this.stopImpl();
    } finally {
      const a = this.analysis;
      if (this.flows.size) a.feed({ type: 'flows', flows: [...this.flows.values()] });
      const { startUs, endUs } = a;
      a.feed({
        type: 'done',
        result: { frames: this.frames(), calls: a.store.size, flows: this.flows.size, bytesRead: a.progress.bytesRead, warnings: [], cancelled: false },
        startUs,
        endUs,
      });
      // From now on the file is an ordinary capture: reopening decodes it normally.
      this.provider.liveAnalyses.delete(this.file);
      this.ended.fire();
    }
  }

  dispose(): void {
    void this.stop();
    this.ended.dispose();
  }
}

export async function startCaptureSession(
  provider: CaptureEditorProvider,
  o: { iface: string; filter?: string; decodeAs: DecodeAsRule[]; definitions?: Definitions; tlsKeyLogs?: string[]; warn?: (message: string) => void },
): Promise<{ session: LiveSession; capture: LiveCapture }> {
  const file = liveFile(`live-${o.iface}`);
  const session = new LiveSession('capture', `${o.iface}${o.filter ? ` (${o.filter})` : ''}`, provider, file, o.decodeAs);
  let capture: LiveCapture;
  try {
    capture = new LiveCapture({ interface: o.iface, filter: o.filter, file, decodeAs: o.decodeAs, definitions: o.definitions, tlsKeyLogs: o.tlsKeyLogs }, session.sink(o.warn));
    await capture.start();
  } catch (e) {
    provider.liveAnalyses.delete(file);
    throw e;
  }
  session.stopImpl = () => capture.stop();
  session.frames = () => capture.stats.frames;
  capture.onExit = (err) => {
    if (err) void vscode.window.showErrorMessage(`callscope: the capture stopped: ${err.message}`);
    void session.stop();
  };
  session.begin(capture.feed);
  return { session, capture };
}

export async function startProxySession(
  provider: CaptureEditorProvider,
  o: { routes: ProxyRoute[]; decodeAs: DecodeAsRule[]; definitions?: Definitions; tlsKeyLogs?: string[]; warn?: (message: string) => void; onEvent: (e: ProxyEvent) => void },
): Promise<{ session: LiveSession; proxies: ProxySet }> {
  const file = liveFile(`proxy-${o.routes.map((r) => r.listen.port).join('-')}`);
  const session = new LiveSession('proxy', o.routes.map((r) => `${r.listen.port}→${r.target.host}:${r.target.port}`).join(', '), provider, file, o.decodeAs);
  const feed = new LiveFeed({ file, decodeAs: o.decodeAs, definitions: o.definitions, tlsKeyLogs: o.tlsKeyLogs }, session.sink(o.warn));
  await feed.ready;
  const proxies = new ProxySet((b) => feed.push(b), { onEvent: o.onEvent });
  try {
    for (const r of o.routes) await proxies.add(r);
  } catch (e) {
    await proxies.close();
    await feed.end();
    provider.liveAnalyses.delete(file);
    throw e;
  }
  session.stopImpl = async () => {
    await proxies.close();
    await feed.end();
  };
  session.frames = () => proxies.recorder.frames;
  session.begin(feed);
  return { session, proxies };
}
