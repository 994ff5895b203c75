/**
 * A capture opened in the editor: its file, and the analysis that shows it (shared with other
 * editors of the same file and kept in the cache after it closes).
 */
import * as vscode from 'vscode';
import type { Analysis } from '../analysis/analysis';

export class CaptureDocument implements vscode.CustomDocument {
  private readonly changed = new vscode.EventEmitter<Analysis>();
  /** A new analysis replaced the old one (file changed, decode-as rules changed). */
  readonly onDidChangeAnalysis = this.changed.event;
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly uri: vscode.Uri,
    /** A local path the worker can read (the file itself, or a temporary copy for remote schemes). */
    readonly localPath: string,
    public key: string,
    private current: Analysis,
    private readonly release: (doc: CaptureDocument) => void,
  ) {}

  get analysis(): Analysis {
    return this.current;
  }

  replaceAnalysis(key: string, a: Analysis): void {
    this.key = key;
    this.current = a;
    this.changed.fire(a);
  }

  get name(): string {
    return this.uri.path.split('/').pop() ?? this.uri.toString();
  }

  dispose(): void {
    this.release(this);
    this.disposed.fire();
    this.changed.dispose();
    this.disposed.dispose();
  }
}
