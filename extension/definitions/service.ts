/**
 * Definitions in the workspace, kept up to date as files change: .proto files (parsed with the
 * protobuf package's buildProtoDefinitions), OpenAPI 3.x / Swagger 2.0 and AsyncAPI documents.
 * Links calls to their rpc, operation or channel, checks bodies against OpenAPI/AsyncAPI
 * schemas, and publishes the problems in the Problems panel.
 */
import * as vscode from 'vscode';
import { promises as fs, readFileSync, statSync } from 'node:fs';
import type { DefinitionRef } from '../../decoders/core/model';
import { parseOpenApi, looksLikeOpenApi, type OpenApiDoc } from '../../decoders/definitions/openapi';
import { parseAsyncApi, looksLikeAsyncApi, type AsyncApiDoc } from '../../decoders/definitions/asyncapi';
import { percentile, type DefinitionStats } from '../../decoders/definitions/stats';
import type { DefinitionProblem, ReadText } from '../../decoders/definitions/refs';
import { buildProtoDefinitions, type ProtoDefinitions, type ProtoFile } from '../../decoders/protobuf/definitions';
import type { CaptureEditorProvider } from '../editor/provider';
import type { Analysis } from '../analysis/analysis';
import type { DefinitionSummary } from '../analysis/spill-store';
import { SCHEMA_PREFIX, type LinkConfig } from './linker';
import { definitionExcludes, definitionIncludes, protoPaths } from '../settings';
import { noDefinitionHelp } from './no-definition';
import { nearestFirst } from './nearest';
import { ScanGate } from './scan-gate';
import { RefFiles } from './ref-files';
import type { Call } from '../../decoders/core/model';

const DEF_GLOB = '**/*.{proto,thrift,wsdl,xsd,graphql,graphqls,gql,avsc,yaml,yml,json}';
/** Definition files the decoders read in the worker (protobuf schemas, Thrift IDL, WSDL, GraphQL schemas, Avro schemas). */
const WORKER_DEFS = /\.(proto|thrift|wsdl|xsd|graphql|graphqls|gql|avsc)$/i;
const MAX_FILE_BYTES = 4 << 20;
const MAX_FILES = 5000;

/**
 * Says that a call has no definition — what was looked for and how to link one — with a button to
 * the setting that lists more places. The one message for the palette, `g d` and the Definition link.
 */
export async function showNoDefinition(call: Call): Promise<void> {
  const help = noDefinitionHelp(call);
  const open = 'Open Settings';
  if ((await vscode.window.showInformationMessage(help.message, open)) === open) await vscode.commands.executeCommand('workbench.action.openSettings', help.setting);
}

/** The calls to one definition across the open captures (CodeLens). */
export interface DefinitionCalls {
  ref: DefinitionRef;
  stats: DefinitionStats;
  /** Per capture (document URI): call ids (at most a few thousand) and how many calls. */
  byCapture: Array<{ capture: string; ids: number[]; calls: number }>;
}

export class DefinitionsService implements vscode.Disposable {
  readonly openapi = new Map<string, OpenApiDoc>();
  readonly asyncapi = new Map<string, AsyncApiDoc>();
  readonly protos = new Set<string>();
  proto?: ProtoDefinitions;
  /** Texts of the OpenAPI/AsyncAPI documents and .proto files, for the workers' linkers. */
  private readonly texts = new Map<string, string>();
  /** The files the documents' external `$ref`s name: their texts for the workers, who uses each. */
  private readonly refFiles = new RefFiles();
  private protoFileList: ProtoFile[] = [];
  /** Bumped whenever the definitions change: analyses linked with an older one are relinked. */
  private generation = 1;
  private summaries = new Map<string, DefinitionCalls>();
  private provider?: CaptureEditorProvider;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Definitions or links changed: CodeLens and diagnostics redraw. */
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('callscope');
  private pending = new Map<string, 'change' | 'delete'>();
  private timer?: ReturnType<typeof setTimeout>;
  private diagTimer?: ReturnType<typeof setTimeout>;
  /** Scans one after the other, and the point a capture opened meanwhile waits for (see ready). */
  private readonly scans = new ScanGate();

  constructor(context: vscode.ExtensionContext) {
    const w = vscode.workspace.createFileSystemWatcher(DEF_GLOB);
    const queue = (kind: 'change' | 'delete') => (uri: vscode.Uri) => {
      if (uri.scheme !== 'file' || (this.excluded(uri.fsPath) && !this.refFiles.has(uri.fsPath))) return;
      this.pending.set(uri.fsPath, kind);
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.applyPending(), 300);
    };
    w.onDidChange(queue('change'));
    w.onDidCreate(queue('change'));
    w.onDidDelete(queue('delete'));
    this.disposables.push(w, this.diagnostics, this.changed);
    // Unsaved edits to a definition file count too.
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        const p = e.document.uri.fsPath;
        if (e.document.uri.scheme === 'file' && (this.openapi.has(p) || this.asyncapi.has(p) || this.protos.has(p) || this.refFiles.has(p))) queue('change')(e.document.uri);
      }),
    );
  }

  attach(provider: CaptureEditorProvider): void {
    this.provider = provider;
    this.disposables.push(
      provider.onDidChange(() => this.scheduleDiagnostics()),
      provider.onDidProgress(() => this.scheduleDiagnostics()),
    );
  }

  /**
   * The .proto (.thrift, .wsdl) files for the worker, which decodes with them: with `near` (a
   * capture), those in the closest folders first (nearestFirst).
   */
  protoFiles(near?: string): string[] {
    return nearestFirst(this.protos, near);
  }

  /** grpcurl flags: the proto paths as import roots, the .proto files as -proto. */
  grpcurlFlags(): { protoFiles: string[]; importPaths: string[] } {
    const roots = protoPaths();
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const importPaths = roots.length ? roots : root ? [root] : [];
    const rel = (f: string) => {
      const r = importPaths.filter((p) => f.startsWith(p.replace(/\/+$/, '') + '/')).sort((a, b) => b.length - a.length)[0];
      return r ? f.slice(r.replace(/\/+$/, '').length + 1) : f;
    };
    return { protoFiles: this.protoFiles().map(rel), importPaths };
  }

  private excluded(path: string): boolean {
    if (/[\\/](node_modules|\.git|dist|out|\.cache|tools)[\\/]/.test(path)) return true;
    return definitionExcludes().some((g) => globToRegExp(g).test(path));
  }

  /**
   * Resolves when the scan under way (the one at startup) has listed the workspace's definition
   * files, or after `ms`: the worker needs the .proto/.thrift/.wsdl files when a capture opens, and
   * a capture opened right at startup should not miss them. It does not wait for the OpenAPI and
   * AsyncAPI documents to be read and parsed (in a workspace of many JSON and YAML files that took
   * seconds with the capture still blank): calls are linked with them when they are in (relinkAll).
   */
  ready(ms = 5000): Promise<void> {
    return this.scans.ready(ms);
  }

  /** Find every definition file again (startup, settings changed, the refresh command). */
  rescan(): Promise<void> {
    return this.scans.run((listed) => this.scan(listed));
  }

  /**
   * The scan: list the candidate files; take the .proto/.thrift/.wsdl files (the worker reads them
   * itself) and call `listed`; then read the JSON and YAML candidates for OpenAPI and AsyncAPI
   * documents, keeping the ones known until each is read again, and link every capture again.
   */
  private async scan(listed: () => void): Promise<void> {
    const before = this.protoFiles().join('\n');
    const files = new Set<string>();
    const excludes = ['**/node_modules/**', '**/.git/**', ...definitionExcludes()];
    const exclude = `{${excludes.join(',')}}`;
    if (vscode.workspace.workspaceFolders?.length) {
      for (const u of await vscode.workspace.findFiles(DEF_GLOB, exclude, MAX_FILES)) files.add(u.fsPath);
      for (const inc of definitionIncludes()) {
        for (const u of await this.expand(inc, exclude)) files.add(u.fsPath);
      }
    }
    for (const p of protoPaths()) for (const u of await this.expand(p, exclude, '**/*.proto')) files.add(u.fsPath);
    const wanted = [...files].filter((f) => !this.excluded(f));
    this.protos.clear();
    for (const f of wanted) if (WORKER_DEFS.test(f)) this.protos.add(f);
    this.rebuildProto();
    listed();
    // Captures decoded before the scan (or with other files) are decoded again with these.
    if (this.provider && before !== this.protoFiles().join('\n')) {
      for (const d of [...this.provider.documents]) {
        // Compared in the order the request has them (closest to the capture first).
        // A live capture's analysis (it has onCancel) keeps its definitions; a playback over a
        // document ends (reanalyze ends it) so the capture is shown with the new ones.
        const own = d.ownAnalysis;
        const want = this.protoFiles(own.request.file).join('\n');
        if (own.request.definitionFiles.join('\n') !== want && !own.onCancel) void this.provider.reanalyze(d).catch(() => undefined);
      }
    }
    const documents = wanted.filter((f) => !WORKER_DEFS.test(f));
    const keep = new Set(documents);
    for (const map of [this.openapi, this.asyncapi, this.texts]) for (const f of [...map.keys()]) if (!keep.has(f)) this.drop(f);
    await Promise.all(documents.map((f) => this.load(f)));
    this.relinkAll();
  }

  /** A setting entry: a glob, a folder or a file (relative to the workspace or absolute). */
  private async expand(entry: string, exclude: string, inner = DEF_GLOB): Promise<vscode.Uri[]> {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    const abs = entry.startsWith('/') ? entry : root ? vscode.Uri.joinPath(root, entry).fsPath : entry;
    try {
      const st = await fs.stat(abs);
      if (st.isFile()) return [vscode.Uri.file(abs)];
      if (st.isDirectory()) return vscode.workspace.findFiles(new vscode.RelativePattern(vscode.Uri.file(abs), inner), exclude, MAX_FILES);
    } catch {
      /* a glob */
    }
    if (!root) return [];
    return vscode.workspace.findFiles(new vscode.RelativePattern(root, entry), exclude, MAX_FILES);
  }

  /** Forget a document: its index, its text, the referenced files only it used. */
  private drop(file: string): void {
    this.openapi.delete(file);
    this.asyncapi.delete(file);
    this.texts.delete(file);
    this.refFiles.drop(file);
  }

  /**
   * Reads a file a document's `$ref` names (synchronously: the pure parser asks for it while it
   * bundles; these are few and small): the unsaved text of an open one, else from disk, bounded.
   */
  private refReader(read: Map<string, string | undefined>): ReadText {
    return (path) => {
      read.set(path, undefined);
      const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === path);
      let text: string;
      if (open) text = open.getText();
      else {
        try {
          const st = statSync(path);
          if (!st.isFile()) return { error: 'not a file' };
          if (st.size > MAX_FILE_BYTES) return { error: `larger than ${MAX_FILE_BYTES} bytes: not read` };
          text = readFileSync(path, 'utf8');
        } catch (e) {
          return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : { error: (e as Error).message };
        }
      }
      read.set(path, text);
      return text;
    };
  }

  /** Read one candidate file and index it if it is a definition. */
  private async load(file: string): Promise<void> {
    this.drop(file);
    this.protos.delete(file);
    try {
      if (WORKER_DEFS.test(file)) {
        this.protos.add(file);
        return;
      }
      const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
      let text: string;
      if (open) text = open.getText();
      else {
        const st = await fs.stat(file);
        if (st.size > MAX_FILE_BYTES) return;
        text = await fs.readFile(file, 'utf8');
      }
      // (a file a document's `$ref` names has no openapi/asyncapi key: read for that document, not one itself)
      const read = new Map<string, string | undefined>();
      const refs = { readText: this.refReader(read) };
      if (looksLikeOpenApi(text)) {
        const doc = parseOpenApi(file, text, refs);
        if (doc) this.openapi.set(file, doc), this.texts.set(file, text), this.refFiles.note(file, read, doc.files);
      } else if (looksLikeAsyncApi(text)) {
        const doc = parseAsyncApi(file, text, refs);
        if (doc) this.asyncapi.set(file, doc), this.texts.set(file, text), this.refFiles.note(file, read, doc.files);
      }
    } catch {
      /* unreadable or not a definition */
    }
  }

  private rebuildProto(): void {
    const roots = protoPaths().map((p) => p.replace(/\/+$/, ''));
    const files: ProtoFile[] = [];
    for (const path of this.protos) {
      if (!path.endsWith('.proto')) continue;
      try {
        const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === path);
        // Synchronous read keeps the rebuild atomic; .proto files are small.
        const text = open ? open.getText() : readFileSync(path, 'utf8');
        const root = roots.filter((r) => path.startsWith(r + '/')).sort((a, b) => b.length - a.length)[0];
        files.push({ path, text, root });
      } catch {
        /* deleted meanwhile */
      }
    }
    this.protoFileList = files;
    try {
      this.proto = files.length ? buildProtoDefinitions(files) : undefined;
    } catch {
      this.proto = undefined;
    }
  }

  private async applyPending(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    let protoChanged = false;
    // Documents whose `$ref`s name a file that changed: parsed again after the batch.
    const dependents = new Set<string>();
    for (const [file, kind] of batch) {
      if (WORKER_DEFS.test(file)) protoChanged = true;
      for (const root of this.refFiles.dependents(file)) dependents.add(root);
      if (kind === 'delete') {
        this.drop(file);
        this.protos.delete(file);
      } else await this.load(file);
    }
    for (const root of dependents) if (!batch.has(root) && (this.openapi.has(root) || this.asyncapi.has(root))) await this.load(root);
    if (protoChanged) this.rebuildProto();
    this.relinkAll();
    // gRPC bodies are decoded in the worker with the .proto files: decode open captures again.
    if (protoChanged && this.provider) void this.provider.reanalyzeAll();
  }

  /** What the workers link calls with: the definition files' text. */
  linkConfig(): LinkConfig {
    const files = (paths: Iterable<string>) => [...paths].filter((p) => this.texts.has(p)).map((path) => ({ path, text: this.texts.get(path)! }));
    return { openapi: files(this.openapi.keys()), asyncapi: files(this.asyncapi.keys()), proto: this.protoFileList, refs: this.refFiles.list() };
  }

  /** An analysis about to be shown: link it with the current definitions if it was linked with older ones. */
  prepare(a: Analysis): void {
    if (a.linkGeneration === this.generation) return;
    if (a.linkGeneration === 0 && a.state === 'running' && !a.hostFed) {
      // Just started with the current link config in its request.
      a.linkGeneration = this.generation;
      return;
    }
    void a
      .relink(this.linkConfig(), this.generation)
      .then(() => this.scheduleDiagnostics())
      .catch(() => undefined);
  }

  /** Definitions changed: link every call of every open capture again (in their workers). */
  relinkAll(): void {
    this.generation++;
    const provider = this.provider;
    if (provider) {
      const config = this.linkConfig();
      const seen = new Set<Analysis>();
      for (const doc of provider.documents) {
        const a = doc.analysis;
        if (seen.has(a) || a.hostFed) continue;
        seen.add(a);
        void a
          .relink(config, this.generation)
          .then(() => {
            for (const p of provider.panelsOf(doc)) p.refresh();
            this.scheduleDiagnostics();
          })
          .catch(() => undefined);
      }
    }
    this.changed.fire();
    this.scheduleDiagnostics();
  }

  /** Calls per definition (file + line), across the open captures, as last gathered from the analyses. */
  callsByDefinition(): Map<string, DefinitionCalls> {
    return this.summaries;
  }

  private scheduleDiagnostics(): void {
    if (this.diagTimer) return;
    this.diagTimer = setTimeout(() => {
      this.diagTimer = undefined;
      void this.gather().then(() => this.changed.fire());
    }, 500);
  }

  /**
   * Ask every open capture's analysis for its per-definition statistics and problems (computed
   * where the calls are), merge them for CodeLens, and publish the problems in the Problems panel
   * with the documents' own (external `$ref`s to missing files, http refs not fetched).
   */
  private async gather(): Promise<void> {
    const docs = this.provider ? [...this.provider.documents] : [];
    const answers = await Promise.all(docs.map((d) => d.analysis.store.definitions().catch(() => [] as DefinitionSummary[])));
    const merged = new Map<string, { ref: DefinitionRef; parts: DefinitionSummary[]; byCapture: DefinitionCalls['byCapture'] }>();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    this.documentProblems(byFile);
    const perDef = new Map<string, number>();
    docs.forEach((doc, i) => {
      for (const s of answers[i]) {
        const k = defKey(s.ref.file, s.ref.line);
        let m = merged.get(k);
        if (!m) merged.set(k, (m = { ref: s.ref, parts: [], byCapture: [] }));
        m.parts.push(s);
        m.byCapture.push({ capture: doc.uri.toString(), ids: s.ids, calls: s.calls });
        for (const p of s.problems) {
          const n = perDef.get(k) ?? 0;
          if (n >= 20) break;
          perDef.set(k, n + 1);
          addDiagnostic(
            byFile,
            s.ref,
            `${doc.name} call #${p.id} ${p.method}${p.target ? ' ' + p.target : ''}: ${p.warning.replace(SCHEMA_PREFIX, '')}`,
            vscode.DiagnosticSeverity.Warning,
            p.warning.startsWith(SCHEMA_PREFIX) ? 'schema' : 'unknown-field',
          );
        }
      }
    });
    const summaries = new Map<string, DefinitionCalls>();
    for (const [k, m] of merged) summaries.set(k, { ref: m.ref, stats: mergeStats(m.parts), byCapture: m.byCapture });
    this.summaries = summaries;
    this.diagnostics.clear();
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
  }

  /** The OpenAPI/AsyncAPI documents' problems (a file two documents share: once). */
  private documentProblems(byFile: Map<string, vscode.Diagnostic[]>): void {
    const seen = new Set<string>();
    const all: DefinitionProblem[] = [...this.openapi.values(), ...this.asyncapi.values()].flatMap((d) => d.problems);
    for (const p of all) {
      const k = `${p.file}\u0000${p.line}\u0000${p.column}\u0000${p.message}`;
      if (seen.has(k)) continue;
      seen.add(k);
      addDiagnostic(byFile, p, p.message, p.severity === 'info' ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Warning, 'ref');
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.diagTimer) clearTimeout(this.diagTimer);
    for (const d of this.disposables) d.dispose();
  }
}

/** A callscope diagnostic from a place's line on, added to its file's list. */
function addDiagnostic(byFile: Map<string, vscode.Diagnostic[]>, at: { file: string; line: number; column: number }, message: string, severity: vscode.DiagnosticSeverity, code: string): void {
  const pos = new vscode.Position(Math.max(0, at.line - 1), Math.max(0, at.column - 1));
  const diag = new vscode.Diagnostic(new vscode.Range(pos, pos.translate(0, 1000)), message, severity);
  diag.source = 'callscope';
  diag.code = code;
  const list = byFile.get(at.file) ?? [];
  list.push(diag);
  byFile.set(at.file, list);
}

export function defKey(file: string, line: number): string {
  return `${file}\u0000${line}`;
}

/** Statistics of one definition over several captures: exact when each capture sent every duration. */
export function mergeStats(parts: readonly DefinitionSummary[]): DefinitionStats {
  let calls = 0;
  let errors = 0;
  const samples: Array<[number, number]> = [];
  for (const p of parts) {
    calls += p.calls;
    errors += p.errors;
    const w = p.durations.length ? p.ended / p.durations.length : 0;
    for (const d of p.durations) samples.push([d, w]);
  }
  if (parts.every((p) => p.exact)) {
    const sorted = samples.map(([d]) => d).sort((a, b) => a - b);
    return { calls, errors, p50Us: percentile(sorted, 50), p95Us: percentile(sorted, 95) };
  }
  samples.sort((a, b) => a[0] - b[0]);
  const total = samples.reduce((n, [, w]) => n + w, 0);
  const at = (p: number) => {
    let acc = 0;
    for (const [d, w] of samples) if ((acc += w) >= (p / 100) * total) return d;
    return samples[samples.length - 1]?.[0];
  };
  return { calls, errors, p50Us: samples.length ? at(50) : undefined, p95Us: samples.length ? at(95) : undefined };
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
        if (glob[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '{') re += '(';
    else if (ch === '}') re += ')';
    else if (ch === ',') re += '|';
    else re += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`(^|/)${re}$`);
}
