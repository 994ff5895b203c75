/**
 * One capture editor webview: answers its requests (pages, details, bytes), streams new rows and
 * progress at most four times a second, and follows the document's analysis when it is replaced.
 */
import * as vscode from 'vscode';
import type { Call } from '../../decoders/core/model';
import { sniffCapture } from '../../decoders/capture/sniff';
import type { CallRow, HostToWebview, SortSpec, ViewName, WebviewToHost } from '../../webview/protocol';
import { STREAMED_ROWS, type Analysis } from '../analysis/analysis';
import type { CaptureDocument } from './document';
import { viewSettings } from '../settings';
import { readFrames, sideBytes } from '../analysis/frame-index';
import { open } from 'node:fs/promises';

/** Rows pushed with `calls/didAppend` while decoding; past this the webview pages (`calls/page`). */
export const MAX_STREAMED_ROWS = STREAMED_ROWS;
const FLUSH_MS = 250;

export interface PanelHooks {
  openDefinition(call: Call): void;
  runCommand(command: string, args: unknown[], panel: CapturePanel): void;
  didFocus(panel: CapturePanel): void;
}

export class CapturePanel implements vscode.Disposable {
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private analysisSub?: { dispose(): void };
  private pendingRows: CallRow[] = [];
  private streamed = 0;
  private progressDirty = false;
  private timer?: ReturnType<typeof setTimeout>;
  private lastFlush = 0;
  private queuedReveal?: number[];
  private queuedView?: ViewName;
  private snapshotting = false;
  private heldRows: Array<{ first: number; batch: CallRow[] }> = [];
  private snapshotEpoch = 0;
  /** Reports the progress of a long query (a filter reading every call) while one runs. */
  private taskProgress?: (done: number, total: number) => void;
  /** The list's current filter and sort (from its last page request): exports follow what is shown. */
  filter?: string;
  sort?: SortSpec;
  /** The call whose details were last shown: the "selected" call for copy-as and go to definition. */
  selectedId?: number;

  constructor(
    readonly document: CaptureDocument,
    readonly panel: vscode.WebviewPanel,
    private readonly hooks: PanelHooks,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: WebviewToHost) => this.onMessage(m)),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) hooks.didFocus(this);
      }),
      document.onDidChangeAnalysis((a) => this.bind(a, true)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('callscope.timeDisplay') || e.affectsConfiguration('callscope.diagram') || e.affectsConfiguration('callscope.serviceNames')) {
          this.post({ type: 'settings/didChange', settings: viewSettings() });
        }
      }),
    );
    this.bind(document.analysis, false);
  }

  get analysis(): Analysis {
    return this.document.analysis;
  }

  post(m: HostToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  /** Select and scroll to calls (CodeLens, tree); queued until the webview is ready. */
  reveal(ids: number[]): void {
    if (!this.ready) this.queuedReveal = ids;
    else this.post({ type: 'call/reveal', ids });
  }

  showView(view: ViewName): void {
    if (!this.ready) this.queuedView = view;
    else this.post({ type: 'view/show', view });
  }

  /** Rows changed in place (definitions relinked): re-send what the webview knows. */
  refresh(): void {
    if (!this.ready) return;
    this.sendSnapshot();
  }

  private bind(a: Analysis, restart: boolean): void {
    this.analysisSub?.dispose();
    this.pendingRows = [];
    this.heldRows = [];
    this.streamed = 0;
    this.analysisSub = a.listen({
      rows: (batch, first) => {
        if (!this.ready) return;
        if (this.snapshotting) this.heldRows.push({ first, batch });
        else this.acceptRows(first, batch);
      },
      task: (done, total) => this.taskProgress?.(done, total),
      progress: () => {
        this.progressDirty = true;
        this.schedule();
      },
      done: () => {
        if (this.ready) this.finish();
      },
      failed: (message) => {
        if (this.ready) {
          this.flush();
          this.post({ type: 'analysis/didFail', message });
        }
      },
    });
    if (restart && this.ready) this.sendSnapshot();
  }

  /** Rows at positions first…: only those the webview does not have yet, in order. */
  private acceptRows(first: number, batch: CallRow[]): void {
    let known = this.streamed + this.pendingRows.length;
    for (let j = 0; j < batch.length && known < MAX_STREAMED_ROWS; j++) {
      const pos = first + j;
      if (pos < known) continue;
      if (pos > known) break;
      this.pendingRows.push(batch[j]);
      known++;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, FLUSH_MS - (Date.now() - this.lastFlush));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    this.lastFlush = Date.now();
    if (this.pendingRows.length) {
      this.post({ type: 'calls/didAppend', rows: this.pendingRows, first: this.streamed });
      this.streamed += this.pendingRows.length;
      this.pendingRows = [];
    }
    if (this.progressDirty || this.analysis.state === 'running') {
      this.progressDirty = false;
      const p = this.analysis.progress;
      this.post({ type: 'analysis/didProgress', bytesRead: p.bytesRead, fileBytes: p.fileBytes, frames: p.frames, calls: this.analysis.store.size });
    }
  }

  private finish(): void {
    if (this.snapshotting) return; // the snapshot ends with it
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.flush();
    const a = this.analysis;
    const r = a.result;
    this.post({ type: 'flows/all', flows: a.store.flows });
    this.post({
      type: 'analysis/didFinish',
      frames: r?.frames ?? a.progress.frames,
      calls: a.store.size,
      flows: r?.flows ?? a.store.flows.length,
      warnings: a.warnings,
      cancelled: a.state === 'cancelled',
      startUs: a.startUs,
      endUs: a.endUs,
      fieldNames: a.fieldNames,
    });
  }

  /** Everything the webview needs after ready (or after the analysis was replaced). */
  private sendSnapshot(): void {
    const a = this.analysis;
    this.post({ type: 'analysis/didStart', file: this.document.name, fileBytes: a.fileBytes });
    this.post({ type: 'settings/didChange', settings: viewSettings() });
    this.streamed = 0;
    this.pendingRows = [];
    this.heldRows = [];
    const epoch = ++this.snapshotEpoch;
    // Rows arriving meanwhile are in the store: the snapshot's read includes them.
    this.snapshotting = true;
    void a.store
      .rows(0, MAX_STREAMED_ROWS)
      .catch(() => [])
      .then((rows) => {
        if (epoch !== this.snapshotEpoch || a !== this.analysis) return;
        this.snapshotting = false;
        this.streamed = rows.length;
        for (let i = 0; i < rows.length; i += 5000) this.post({ type: 'calls/didAppend', rows: rows.slice(i, i + 5000), first: i });
        const held = this.heldRows;
        this.heldRows = [];
        for (const h of held) this.acceptRows(h.first, h.batch);
        this.snapshotTail(a);
      });
  }

  private snapshotTail(a: Analysis): void {
    if (a.state === 'running') {
      const p = a.progress;
      this.post({ type: 'analysis/didProgress', bytesRead: p.bytesRead, fileBytes: p.fileBytes, frames: p.frames, calls: a.store.size });
    } else if (a.state === 'failed') {
      this.post({ type: 'analysis/didFail', message: a.error ?? 'decoding failed' });
    } else {
      this.finish();
    }
  }

  private onMessage(m: WebviewToHost): void {
    if (!m || typeof m !== 'object') return;
    const store = this.analysis.store;
    switch (m.type) {
      case 'webview/ready':
        this.ready = true;
        this.sendSnapshot();
        if (this.queuedView) this.post({ type: 'view/show', view: this.queuedView });
        if (this.queuedReveal) this.post({ type: 'call/reveal', ids: this.queuedReveal });
        this.queuedView = this.queuedReveal = undefined;
        break;
      case 'calls/page': {
        this.filter = m.filter;
        this.sort = m.sort;
        void this.withTask(store.page(m.start, m.count, m.filter, m.sort))
          .catch(() => ({ rows: [], total: 0, filterError: undefined }))
          .then((page) => this.post({ type: 'calls/page', requestId: m.requestId, rows: page.rows, total: page.total, filterError: page.filterError }));
        break;
      }
      case 'calls/indexOf':
        void this.withTask(store.indexOf(m.id, m.filter, m.sort))
          .catch(() => -1)
          .then((index) => this.post({ type: 'calls/indexOf', requestId: m.requestId, id: m.id, index }));
        break;
      case 'call/details':
        this.selectedId = m.id;
        void store
          .get(m.id)
          .catch(() => undefined)
          .then((call) => this.post({ type: 'call/details', requestId: m.requestId, call }));
        break;
      case 'call/bytes':
        void this.answerBytes(m.requestId, m.id, m.part);
        break;
      case 'call/unselect':
        this.selectedId = undefined;
        break;
      case 'definition/open':
        void store
          .get(m.id)
          .catch(() => undefined)
          .then((c) => c && this.hooks.openDefinition(c));
        break;
      case 'analysis/cancel':
        this.analysis.cancel();
        break;
      case 'command/run':
        if (typeof m.command === 'string') this.hooks.runCommand(m.command, Array.isArray(m.args) ? m.args : [], this);
        break;
    }
  }

  /**
   * A query that may read every call (a filter on a field the index does not hold): after half a
   * second, its progress shows in the status bar.
   */
  private withTask<T>(p: Promise<T>): Promise<T> {
    let settled = false;
    void p.finally(() => (settled = true)).catch(() => undefined);
    setTimeout(() => {
      if (settled) return;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'callscope: filtering' }, (progress) => {
        let reported = 0;
        this.taskProgress = (done, total) => {
          const pct = total ? Math.floor((done / total) * 100) : 0;
          if (pct > reported) progress.report({ message: `${pct}%`, increment: pct - reported });
          reported = pct;
        };
        return p.finally(() => (this.taskProgress = undefined)).catch(() => undefined);
      });
    }, 500);
    return p;
  }

  /** The packets that carried one side of a call, read from the file by offset; else the decoded body. */
  private async answerBytes(requestId: number, id: number, part: 'request' | 'response'): Promise<void> {
    const a = this.analysis;
    const c = await a.store.get(id).catch(() => undefined);
    let note: string | undefined;
    if (c && c.frames.length) {
      try {
        const framed = await packetBytes(a, c, part);
        if (typeof framed === 'string') note = framed;
        else if (!framed.bytes.length && c.frames.length >= 64) note = 'This side\'s frames were not kept (a call keeps its first 64 frame numbers): showing the decoded body.';
        else if (framed.bytes.length) {
          this.post({ type: 'call/bytes', requestId, id, part, bytes: framed.bytes, truncated: framed.truncated, segments: framed.segments, source: 'frames' });
          return;
        }
      } catch (e) {
        note = `The packets could not be read back from the file (${(e as Error).message}): showing the decoded body.`;
      }
    }
    const { bytes, truncated } = previewBytes(c, part);
    this.post({ type: 'call/bytes', requestId, id, part, bytes, truncated, source: 'body', note });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.analysisSub?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * The frames of one side of a call, as captured, or the reason they cannot be shown. Needs the
 * analysis's frame index (built by the worker for files with random access).
 */
async function packetBytes(a: Analysis, c: Call, part: 'request' | 'response'): Promise<ReturnType<typeof sideBytes> | string> {
  if (!a.frameIndex) {
    if (a.onCancel) return 'Live and proxy captures show the decoded body; save the capture and open it to see the packets.';
    if (a.state === 'running') return 'The packets can be shown once decoding has finished: showing the decoded body for now.';
    if (await isGzipFile(a.file)) return 'This capture is gzip-compressed, so its packets cannot be read back by offset: showing the decoded body. Decompress it to see the packets.';
    return 'No frame index for this capture: showing the decoded body.';
  }
  const frames = await readFrames(a.file, a.frameIndex, c.frames);
  return sideBytes(frames, part, c.client, c.server);
}

async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return sniffCapture(head.subarray(0, bytesRead)) === 'gzip';
  } finally {
    await fh.close();
  }
}

/**
 * Bytes of one side of a call for the hex view. The decoders keep bodies (text, or a hex prefix
 * for binary), not the raw stream, so this is the body as kept.
 */
function previewBytes(c: Call | undefined, part: 'request' | 'response'): { bytes: Uint8Array; truncated?: boolean } {
  if (!c) return { bytes: new Uint8Array(0) };
  const body = part === 'request' ? (c.http?.requestBody ?? c.request?.body) : (c.http?.responseBody ?? c.response?.body);
  if (!body) return { bytes: new Uint8Array(0) };
  let bytes: Uint8Array;
  if (body.hex) bytes = Uint8Array.from(Buffer.from(body.hex.replace(/[^0-9a-f]/gi, ''), 'hex'));
  else if (body.text !== undefined) bytes = new TextEncoder().encode(body.text);
  else if (body.value !== undefined) bytes = new TextEncoder().encode(JSON.stringify(body.value));
  else bytes = new Uint8Array(0);
  return { bytes, truncated: body.truncated || bytes.length < (body.decodedSize ?? body.size) };
}
