/**
 * CodeLens above each rpc (.proto), operation (OpenAPI) and channel (AsyncAPI):
 * "12 calls · p50 8 ms · 1 error" over the open captures; clicking reveals those calls.
 */
import * as vscode from 'vscode';
import { definitionStats, statsLabel } from '../../decoders/definitions/stats';
import type { CaptureEditorProvider } from '../editor/provider';
import { defKey, type DefinitionsService } from './service';

export function registerCodeLens(context: vscode.ExtensionContext, provider: CaptureEditorProvider, defs: DefinitionsService): void {
  const changed = new vscode.EventEmitter<void>();
  const lens: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(document) {
      if (!provider.documents.size || document.uri.scheme !== 'file') return [];
      const file = document.uri.fsPath;
      const places: Array<{ line: number; column: number; what: string }> = [];
      const oa = defs.openapi.get(file);
      if (oa) for (const op of oa.operations) places.push({ line: op.line, column: op.column, what: op.name });
      const aa = defs.asyncapi.get(file);
      if (aa) for (const ch of aa.channels) places.push({ line: ch.line, column: ch.column, what: ch.address });
      if (file.endsWith('.proto') && defs.proto) {
        for (const m of defs.proto.methods.values()) if (m.file === file) places.push({ line: m.line, column: m.column, what: `${m.service}.${m.name}` });
      }
      const byDef = defs.callsByDefinition();
      // Lines that calls point to but the index does not know (a decoder linked them itself).
      for (const [k, list] of byDef) {
        const [f, line] = k.split('\u0000');
        if (f === file && !places.some((p) => p.line === Number(line))) places.push({ line: Number(line), column: list[0].call.definition!.column, what: list[0].call.definition!.name });
      }
      const out: vscode.CodeLens[] = [];
      for (const p of places) {
        const entries = byDef.get(defKey(file, p.line)) ?? [];
        const line = Math.min(Math.max(0, p.line - 1), document.lineCount - 1);
        const range = new vscode.Range(line, 0, line, 0);
        if (!entries.length) {
          out.push(new vscode.CodeLens(range, { title: 'no calls in the open captures', command: '', tooltip: `${p.what}: not called in the open captures` }));
          continue;
        }
        // Reveal in the capture with the most calls to this definition.
        const counts = new Map<string, number[]>();
        for (const e of entries) counts.set(e.capture, [...(counts.get(e.capture) ?? []), e.call.id]);
        const [capture, ids] = [...counts.entries()].sort((a, b) => b[1].length - a[1].length)[0];
        const stats = definitionStats(entries.map((e) => e.call));
        out.push(
          new vscode.CodeLens(range, {
            title: statsLabel(stats),
            tooltip: `Show the ${ids.length} call${ids.length === 1 ? '' : 's'} to ${p.what} in the capture`,
            command: 'callscope.revealCalls',
            arguments: [ids, capture],
          }),
        );
      }
      return out;
    },
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      changed.fire();
    }, 400);
  };
  context.subscriptions.push(
    changed,
    vscode.languages.registerCodeLensProvider([{ scheme: 'file', pattern: '**/*.proto' }, { scheme: 'file', pattern: '**/*.{yaml,yml,json}' }], lens),
    defs.onDidChange(refresh),
    provider.onDidChange(refresh),
    { dispose: () => timer && clearTimeout(timer) },
  );
}
