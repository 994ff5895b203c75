/**
 * Definitions in the workspace, kept up to date as files change: .proto files (parsed with the
 * protobuf package's buildProtoDefinitions), OpenAPI 3.x / Swagger 2.0 and AsyncAPI documents.
 * Links calls to their rpc, operation or channel, checks bodies against OpenAPI/AsyncAPI
 * schemas, and publishes the problems in the Problems panel.
 */
import * as vscode from 'vscode';
import { promises as fs, readFileSync } from 'node:fs';
import type { Body, Call, DefinitionRef } from '../../decoders/core/model';
import { parseOpenApi, matchOperation, pickSchema, responseSchemasFor, looksLikeOpenApi, type OpenApiDoc } from '../../decoders/definitions/openapi';
import { parseAsyncApi, matchChannel, channelCandidates, looksLikeAsyncApi, type AsyncApiDoc } from '../../decoders/definitions/asyncapi';
import { SchemaChecker } from '../../decoders/definitions/validate';
import { buildProtoDefinitions, lookupMethod, type ProtoDefinitions, type ProtoFile } from '../../decoders/protobuf/definitions';
import type { CaptureEditorProvider } from '../editor/provider';
import { definitionExcludes, definitionIncludes, protoPaths } from '../settings';

const DEF_GLOB = '**/*.{proto,thrift,wsdl,yaml,yml,json}';
/** Definition files the decoders read in the worker (protobuf schemas, Thrift IDL, WSDL). */
const WORKER_DEFS = /\.(proto|thrift|wsdl)$/i;
const MAX_FILE_BYTES = 4 << 20;
const MAX_FILES = 5000;
/** Warnings this service adds to calls (removed before a relink). */
const SCHEMA_PREFIX = 'schema: ';

export class DefinitionsService implements vscode.Disposable {
  readonly openapi = new Map<string, OpenApiDoc>();
  readonly asyncapi = new Map<string, AsyncApiDoc>();
  readonly protos = new Set<string>();
  proto?: ProtoDefinitions;
  private checkers = new Map<string, SchemaChecker>();
  private provider?: CaptureEditorProvider;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Definitions or links changed: CodeLens and diagnostics redraw. */
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('callscope');
  private readonly hostLinked = new WeakSet<Call>();
  private pending = new Map<string, 'change' | 'delete'>();
  private timer?: ReturnType<typeof setTimeout>;
  private diagTimer?: ReturnType<typeof setTimeout>;
  private scanning?: Promise<void>;

  constructor(private readonly context: vscode.ExtensionContext) {
    const w = vscode.workspace.createFileSystemWatcher(DEF_GLOB);
    const queue = (kind: 'change' | 'delete') => (uri: vscode.Uri) => {
      if (uri.scheme !== 'file' || this.excluded(uri.fsPath)) return;
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
        if (e.document.uri.scheme === 'file' && (this.openapi.has(p) || this.asyncapi.has(p) || this.protos.has(p))) queue('change')(e.document.uri);
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

  /** .proto files for the worker (decoding gRPC messages needs them there). */
  protoFiles(): string[] {
    return [...this.protos].sort();
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
   * Resolves when the scan under way (the one at startup) has finished, or after `ms`: the worker
   * needs the .proto/.thrift/.wsdl files when a capture opens, and a capture opened right at
   * startup should not miss them.
   */
  ready(ms = 5000): Promise<void> {
    if (!this.scanning) return Promise.resolve();
    return Promise.race([this.scanning.then(() => undefined), new Promise<void>((r) => setTimeout(r, ms))]);
  }

  /** Find every definition file again (startup, settings changed, the refresh command). */
  rescan(): Promise<void> {
    const run = async () => {
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
      this.openapi.clear();
      this.asyncapi.clear();
      this.protos.clear();
      this.checkers.clear();
      await Promise.all([...files].filter((f) => !this.excluded(f)).map((f) => this.load(f)));
      this.rebuildProto();
      this.relinkAll();
      // Captures decoded before the scan (or with other files) are decoded again with these.
      if (this.provider && before !== this.protoFiles().join('\n')) {
        const want = this.protoFiles().join('\n');
        for (const d of [...this.provider.documents]) {
          if (d.analysis.request.definitionFiles.join('\n') !== want && !d.analysis.onCancel) void this.provider.reanalyze(d).catch(() => undefined);
        }
      }
    };
    this.scanning = (this.scanning ?? Promise.resolve()).then(run, run);
    return this.scanning;
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

  /** Read one candidate file and index it if it is a definition. */
  private async load(file: string): Promise<void> {
    this.openapi.delete(file);
    this.asyncapi.delete(file);
    this.protos.delete(file);
    this.checkers.delete(file);
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
      if (looksLikeOpenApi(text)) {
        const doc = parseOpenApi(file, text);
        if (doc) this.openapi.set(file, doc);
      } else if (looksLikeAsyncApi(text)) {
        const doc = parseAsyncApi(file, text);
        if (doc) this.asyncapi.set(file, doc);
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
    for (const [file, kind] of batch) {
      if (WORKER_DEFS.test(file)) protoChanged = true;
      if (kind === 'delete') {
        this.openapi.delete(file);
        this.asyncapi.delete(file);
        this.protos.delete(file);
        this.checkers.delete(file);
      } else await this.load(file);
    }
    if (protoChanged) this.rebuildProto();
    this.relinkAll();
    // gRPC bodies are decoded in the worker with the .proto files: decode open captures again.
    if (protoChanged && this.provider) void this.provider.reanalyzeAll();
  }

  private checker(doc: { file: string; data: Record<string, unknown> }): SchemaChecker | undefined {
    let c = this.checkers.get(doc.file);
    if (!c) {
      try {
        c = new SchemaChecker(doc.data, `callscope-def:${this.checkers.size}`);
      } catch {
        return undefined;
      }
      this.checkers.set(doc.file, c);
    }
    return c;
  }

  /** Attach a definition (and schema warnings) to a call that has none from the decoder. */
  link(c: Call): void {
    if (c.definition && !this.hostLinked.has(c)) return;
    const def = this.find(c);
    if (!def) return;
    c.definition = def.ref;
    this.hostLinked.add(c);
    for (const w of def.warnings) c.warnings.push(SCHEMA_PREFIX + w);
  }

  private find(c: Call): { ref: DefinitionRef; warnings: string[] } | undefined {
    if (c.protocol === 'grpc' || c.protocol === 'grpc-web') {
      const m = lookupMethod(this.proto, c.target ?? c.http?.uri);
      if (m) return { ref: { kind: 'proto-rpc', name: `${m.service}.${m.name}`, file: m.file, line: m.line, column: m.column }, warnings: [] };
      return undefined;
    }
    if (c.http || c.protocol === 'http') {
      const method = c.http?.method ?? c.method;
      const uri = c.http?.uri ?? c.target;
      if (!uri || !this.openapi.size) return undefined;
      const m = matchOperation(this.openapi.values(), method, uri);
      if (!m) return undefined;
      const warnings: string[] = [];
      const checker = m.op.requestSchemas.length || m.op.responseSchemas.length ? this.checker(m.doc) : undefined;
      if (checker) {
        const reqBody = c.http?.requestBody ?? c.request?.body;
        const req = jsonValue(reqBody);
        const reqSchema = pickSchema(m.op.requestSchemas, reqBody?.contentType);
        if (req.ok && reqSchema) for (const p of checker.check(reqSchema.pointer, req.value)) warnings.push(`request body ${p}`);
        const status = c.http?.status ?? (typeof c.status?.code === 'number' ? c.status.code : undefined);
        const resBody = c.http?.responseBody ?? c.response?.body;
        const res = jsonValue(resBody);
        if (status !== undefined && res.ok) {
          const resSchema = pickSchema(responseSchemasFor(m.op, status), resBody?.contentType);
          if (resSchema) for (const p of checker.check(resSchema.pointer, res.value)) warnings.push(`response body (${status}) ${p}`);
        }
      }
      const name = m.op.operationId ? `${m.op.name} (${m.op.operationId})` : m.op.name;
      return { ref: { kind: 'openapi-operation', name, file: m.op.file, line: m.op.line, column: m.op.column }, warnings };
    }
    if (!this.asyncapi.size) return undefined;
    const m = matchChannel(this.asyncapi.values(), c.protocol, channelCandidates(c.target, c.fields));
    if (!m) return undefined;
    const warnings: string[] = [];
    const payload = jsonValue(c.request?.body ?? c.response?.body);
    if (payload.ok && m.channel.payloads.length) {
      const checker = this.checker(m.doc);
      if (checker) {
        const results = m.channel.payloads.map((p) => checker.check(p, payload.value));
        if (results.every((r) => r.length)) warnings.push(...results[0].map((p) => `payload ${p}`));
      }
    }
    return { ref: { kind: 'asyncapi-channel', name: m.channel.address, file: m.channel.file, line: m.channel.line, column: m.channel.column }, warnings };
  }

  /** Definitions changed: link every call of every open capture again. */
  relinkAll(): void {
    const provider = this.provider;
    if (provider) {
      for (const doc of provider.documents) {
        for (const c of doc.analysis.store.calls) {
          if (this.hostLinked.has(c)) {
            c.definition = undefined;
            c.warnings = c.warnings.filter((w) => !w.startsWith(SCHEMA_PREFIX));
            this.hostLinked.delete(c);
          }
          this.link(c);
        }
      }
      for (const p of provider.panels) p.refresh();
    }
    this.changed.fire();
    this.scheduleDiagnostics();
  }

  /** Calls per definition (file + line), across the open captures. */
  callsByDefinition(): Map<string, Array<{ call: Call; capture: string }>> {
    const out = new Map<string, Array<{ call: Call; capture: string }>>();
    if (!this.provider) return out;
    for (const { doc, call } of this.provider.allCalls()) {
      const d = call.definition;
      if (!d) continue;
      const k = defKey(d.file, d.line);
      let l = out.get(k);
      if (!l) out.set(k, (l = []));
      l.push({ call, capture: doc.uri.toString() });
    }
    return out;
  }

  private scheduleDiagnostics(): void {
    if (this.diagTimer) return;
    this.diagTimer = setTimeout(() => {
      this.diagTimer = undefined;
      this.publishDiagnostics();
      this.changed.fire();
    }, 500);
  }

  /** Schema problems and protobuf unknown fields, at the definition they were checked against. */
  private publishDiagnostics(): void {
    this.diagnostics.clear();
    if (!this.provider) return;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const perDef = new Map<string, number>();
    for (const { doc, call } of this.provider.allCalls()) {
      const d = call.definition;
      if (!d || !call.warnings.length) continue;
      const problems = call.warnings.filter((w) => w.startsWith(SCHEMA_PREFIX) || /unknown field/i.test(w));
      if (!problems.length) continue;
      const k = defKey(d.file, d.line);
      const n = perDef.get(k) ?? 0;
      if (n >= 20) continue;
      perDef.set(k, n + problems.length);
      const pos = new vscode.Position(Math.max(0, d.line - 1), Math.max(0, d.column - 1));
      const list = byFile.get(d.file) ?? [];
      for (const w of problems) {
        const diag = new vscode.Diagnostic(
          new vscode.Range(pos, pos.translate(0, 1000)),
          `${doc.name} call #${call.id} ${call.method}${call.target ? ' ' + call.target : ''}: ${w.replace(SCHEMA_PREFIX, '')}`,
          vscode.DiagnosticSeverity.Warning,
        );
        diag.source = 'callscope';
        diag.code = w.startsWith(SCHEMA_PREFIX) ? 'schema' : 'unknown-field';
        list.push(diag);
      }
      byFile.set(d.file, list);
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.diagTimer) clearTimeout(this.diagTimer);
    for (const d of this.disposables) d.dispose();
  }
}

export function defKey(file: string, line: number): string {
  return `${file}\u0000${line}`;
}

/** A body's JSON value, when it has one. */
function jsonValue(b: Body | undefined): { ok: boolean; value?: unknown } {
  if (!b || b.size === 0) return { ok: false };
  if (b.kind === 'json' && b.value !== undefined) return { ok: true, value: b.value };
  if (b.text !== undefined && /json/i.test(b.contentType ?? '') && !b.truncated) {
    try {
      return { ok: true, value: JSON.parse(b.text) };
    } catch {
      return { ok: false };
    }
  }
  return { ok: false };
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
