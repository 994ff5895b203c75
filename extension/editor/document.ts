/**
 * A capture opened in the editor: its file, and the analysis that shows it (shared with other
 * editors of the same file and kept in the cache after it closes). A playback shows its own
 * analysis over the document's for a while (an overlay); the document's own one stays held under
 * its key, and the overlay is ended before the document is decoded again or closed, so neither
 * can pull the analysis from under the other.
 */
import * as vscode from 'vscode';
import type { Analysis } from '../analysis/analysis';

export class CaptureDocument implements vscode.CustomDocument {
  private readonly changed = new vscode.EventEmitter<Analysis>();
  /** Another analysis is shown: a new one replaced the old (file changed, decode-as rules changed), or an overlay began or ended. */
  readonly onDidChangeAnalysis = this.changed.event;
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private overlay: { analysis: Analysis; end: () => void } | undefined;

  constructor(
    readonly uri: vscode.Uri,
    /** A local path the worker can read (the file itself, or a temporary copy for remote schemes). */
    readonly localPath: string,
    /** The cache key of the document's own analysis. */
    public key: string,
    private own: Analysis,
    private readonly release: (doc: CaptureDocument) => void,
  ) {}

  /** What the editor shows: the overlay's analysis while there is one, else the document's own. */
  get analysis(): Analysis {
    return this.overlay?.analysis ?? this.own;
  }

  /** The document's own analysis (held in the cache under `key`), whatever is shown over it. */
  get ownAnalysis(): Analysis {
    return this.own;
  }

  get hasOverlay(): boolean {
    return this.overlay !== undefined;
  }

  /** The document decoded again: any overlay ends first (it was made from the old analysis). */
  replaceAnalysis(key: string, a: Analysis): void {
    this.endOverlay();
    this.key = key;
    this.own = a;
    this.changed.fire(a);
  }

  /**
   * Show `a` over the document's own analysis; `end` is called when the document needs its own
   * back (decoded again, closed). A second call replaces the shown analysis and keeps `end`.
   */
  showOverlay(a: Analysis, end: () => void): void {
    this.overlay = { analysis: a, end };
    this.changed.fire(a);
  }

  /** Back to the document's own analysis (the overlay's owner stopped it). */
  clearOverlay(): void {
    if (!this.overlay) return;
    this.overlay = undefined;
    this.changed.fire(this.own);
  }

  /** Ask the overlay's owner to stop (it calls clearOverlay); cleared here whatever it does. */
  endOverlay(): void {
    const o = this.overlay;
    if (!o) return;
    try {
      o.end();
    } finally {
      this.clearOverlay();
    }
  }

  get name(): string {
    return this.uri.path.split('/').pop() ?? this.uri.toString();
  }

  dispose(): void {
    this.endOverlay();
    this.release(this);
    this.disposed.fire();
    this.changed.dispose();
    this.disposed.dispose();
  }
}
