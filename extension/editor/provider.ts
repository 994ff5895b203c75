/**
 * The capture editor: a custom read-only editor for .pcap/.pcapng/.cap (and gzip-compressed
 * captures). Opening a document starts (or reuses from the cache) an analysis in a worker
 * thread; each editor panel is a CapturePanel. Also the registry of open captures that the tree,
 * status bar, CodeLens and commands read.
 */
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Call } from '../../decoders/core/model';
import { serviceNames } from '../settings';
import { Analysis } from '../analysis/analysis';
import { AnalysisCache, analysisKey } from '../analysis/cache';
import type { AnalyzeRequest } from '../analysis/worker-protocol';
import { CaptureDocument } from './document';
import { captureEditorHtml } from './html';
import { CapturePanel } from './panel';
import { fileProblem } from '../../webview/empty-state';

export const VIEW_TYPE = 'callscope.capture';

export interface ProviderDeps {
  /** Options for a new analysis of a file (decode-as rules, definitions…). */
  requestFor(file: string): Omit<AnalyzeRequest, 'type' | 'file'> | Promise<Omit<AnalyzeRequest, 'type' | 'file'>>;
  /** An analysis about to be shown (new or from the cache): link its calls to the current definitions. */
  prepare?(a: Analysis): void;
  openDefinition(c: Call): void;
  runCommand(command: string, args: unknown[], panel: CapturePanel): void;
}

export class CaptureEditorProvider implements vscode.CustomReadonlyEditorProvider<CaptureDocument>, vscode.Disposable {
  readonly cache = new AnalysisCache();
  readonly documents = new Set<CaptureDocument>();
  readonly panels = new Set<CapturePanel>();
  private active?: CapturePanel;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Captures opened or closed, an analysis started, progressed a lot, or finished. */
  readonly onDidChange = this.changed.event;
  private readonly progressed = new vscode.EventEmitter<Analysis>();
  readonly onDidProgress = this.progressed.event;
  private readonly watchers = new Map<CaptureDocument, vscode.Disposable>();
  /** Analyses fed by the host for a file still being written (live capture, proxy): no worker, no re-decoding on change. */
  readonly liveAnalyses = new Map<string, Analysis>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: ProviderDeps,
  ) {}

  static register(context: vscode.ExtensionContext, deps: ProviderDeps): CaptureEditorProvider {
    const provider = new CaptureEditorProvider(context, deps);
    context.subscriptions.push(
      vscode.window.registerCustomEditorProvider(VIEW_TYPE, provider, {
        // The webview keeps its view state with setState; it does not need to stay alive when hidden.
        webviewOptions: { retainContextWhenHidden: false, enableFindWidget: false },
        supportsMultipleEditorsPerDocument: true,
      }),
      provider,
    );
    return provider;
  }

  /** Where analyses put their spill files (the extension's storage when it has one). */
  get spillDir(): string {
    return this.context.globalStorageUri?.scheme === 'file' ? join(this.context.globalStorageUri.fsPath, 'spill') : join(tmpdir(), 'callscope-spill');
  }

  get workerPath(): string {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'worker.js').fsPath;
  }

  /** The capture panel last focused (or the only one). */
  get activePanel(): CapturePanel | undefined {
    if (this.active && this.panels.has(this.active)) return this.active;
    const visible = [...this.panels].find((p) => p.panel.active) ?? [...this.panels].find((p) => p.panel.visible);
    return visible ?? [...this.panels][this.panels.size - 1];
  }

  /** A panel asked to run a command: it is the one commands act on. */
  setActive(p: CapturePanel): void {
    this.active = p;
  }

  panelsOf(doc: CaptureDocument): CapturePanel[] {
    return [...this.panels].filter((p) => p.document === doc);
  }

  async openCustomDocument(uri: vscode.Uri, _ctx: vscode.CustomDocumentOpenContext, token: vscode.CancellationToken): Promise<CaptureDocument> {
    const localPath = await this.localPathOf(uri, token);
    const { key, analysis } = await this.analysisFor(localPath);
    const doc = new CaptureDocument(uri, localPath, key, analysis, (d) => this.releaseDocument(d));
    this.cache.acquire(key, analysis);
    this.documents.add(doc);
    this.watch(doc);
    this.changed.fire();
    return doc;
  }

  async resolveCustomEditor(doc: CaptureDocument, panel: vscode.WebviewPanel): Promise<void> {
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist] };
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'callscope.svg');
    const cp = new CapturePanel(doc, panel, {
      openDefinition: (c) => this.deps.openDefinition(c),
      runCommand: (cmd, args, p) => this.deps.runCommand(cmd, args, p),
      didFocus: (p) => {
        this.active = p;
        this.changed.fire();
      },
    });
    this.panels.add(cp);
    this.active = cp;
    panel.onDidDispose(() => {
      this.panels.delete(cp);
      if (this.active === cp) this.active = undefined;
      cp.dispose();
      this.changed.fire();
    });
    panel.webview.html = captureEditorHtml(panel.webview, this.context.extensionUri, { title: doc.name });
    this.changed.fire();
  }

  /** Decode the document again (file changed, decode-as rules or definitions changed). */
  async reanalyze(doc: CaptureDocument): Promise<void> {
    // A playback shown over the document was made from the analysis about to go: it ends now.
    doc.endOverlay();
    const old = doc.ownAnalysis;
    const oldKey = doc.key;
    this.cache.invalidate(doc.localPath);
    const { key, analysis } = await this.analysisFor(doc.localPath);
    this.cache.acquire(key, analysis);
    doc.replaceAnalysis(key, analysis);
    this.cache.release(oldKey, old);
    if (old.state === 'running') old.cancel();
    this.changed.fire();
  }

  async reanalyzeAll(): Promise<void> {
    for (const d of [...this.documents]) await this.reanalyze(d);
  }

  private async analysisFor(file: string): Promise<{ key: string; analysis: Analysis }> {
    const live = this.liveAnalyses.get(file);
    if (live) return { key: `live:${file}`, analysis: live };
    const st = await fs.stat(file);
    const req: AnalyzeRequest = { type: 'analyze', file, spillDir: this.spillDir, serviceNames: serviceNames(), ...(await this.deps.requestFor(file)) };
    const key = analysisKey(req, { size: st.size, mtimeMs: st.mtimeMs });
    const cached = this.cache.get(key);
    if (cached) {
      this.deps.prepare?.(cached);
      return { key, analysis: cached };
    }
    const a = new Analysis(req, st.size, this.workerPath);
    this.deps.prepare?.(a);
    let lastFire = 0;
    a.listen({
      progress: () => {
        const now = Date.now();
        if (now - lastFire > 250) {
          lastFire = now;
          this.progressed.fire(a);
        }
      },
      rows: () => {
        const now = Date.now();
        if (now - lastFire > 500) {
          lastFire = now;
          this.progressed.fire(a);
        }
      },
      done: () => {
        this.progressed.fire(a);
        this.changed.fire();
      },
      failed: (message) => {
        this.progressed.fire(a);
        this.changed.fire();
        // A file that is not a capture (empty, another format) is explained in the editor itself,
        // with what to do: no second message for it. Anything else also gets a notification.
        if (fileProblem(message)) return;
        const name = file.split('/').pop();
        const reason = message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
        void vscode.window.showErrorMessage(`callscope: could not decode ${name}: ${reason}`);
      },
    });
    a.start();
    return { key, analysis: a };
  }

  private async localPathOf(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    if (uri.scheme === 'file') return uri.fsPath;
    // Remote or virtual file systems: the worker reads a local copy.
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (token.isCancellationRequested) throw new vscode.CancellationError();
    const dir = await fs.mkdtemp(join(tmpdir(), 'callscope-'));
    const p = join(dir, uri.path.split('/').pop() || 'capture.pcap');
    await fs.writeFile(p, bytes);
    return p;
  }

  private watch(doc: CaptureDocument): void {
    if (doc.uri.scheme !== 'file') return;
    const dir = vscode.Uri.joinPath(doc.uri, '..');
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, doc.name));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onChange = () => {
      if (this.liveAnalyses.has(doc.localPath)) return;
      if (timer) clearTimeout(timer);
      // A capture still being written changes often: decode again once it settles.
      timer = setTimeout(() => void this.reanalyze(doc).catch(() => undefined), 1000);
    };
    w.onDidChange(onChange);
    w.onDidCreate(onChange);
    this.watchers.set(doc, { dispose: () => (timer && clearTimeout(timer), w.dispose()) });
  }

  private releaseDocument(doc: CaptureDocument): void {
    this.documents.delete(doc);
    this.watchers.get(doc)?.dispose();
    this.watchers.delete(doc);
    this.cache.release(doc.key, doc.ownAnalysis);
    this.changed.fire();
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.dispose();
    this.cache.dispose();
    this.changed.dispose();
    this.progressed.dispose();
  }
}
