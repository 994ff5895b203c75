/**
 * CodeLens above each rpc (.proto), operation (OpenAPI) and channel (AsyncAPI):
 * "12 calls · p50 8 ms · 1 error" over the open captures; clicking reveals those calls.
 */
import * as vscode from 'vscode';
import { statsLabel } from '../../decoders/definitions/stats';
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
      // (an operation or channel may be written in a file a document's `$ref` names, which two documents may share: one lens a line)
      const add = (p: { file: string; line: number; column: number }, what: string) => {
        if (p.file === file && !places.some((x) => x.line === p.line)) places.push({ line: p.line, column: p.column, what });
      };
      for (const oa of defs.openapi.values()) for (const op of oa.operations) add(op, op.name);
      for (const aa of defs.asyncapi.values()) for (const ch of aa.channels) add(ch, ch.address);
      if (file.endsWith('.proto') && defs.proto) {
        for (const m of defs.proto.methods.values()) if (m.file === file) places.push({ line: m.line, column: m.column, what: `${m.service}.${m.name}` });
      }
      const byDef = defs.callsByDefinition();
      // Lines that calls point to but the index does not know (a decoder linked them itself).
      for (const [k, d] of byDef) {
        const [f, line] = k.split('\u0000');
        if (f === file && !places.some((p) => p.line === Number(line))) places.push({ line: Number(line), column: d.ref.column, what: d.ref.name });
      }
      const out: vscode.CodeLens[] = [];
      for (const p of places) {
        const entry = byDef.get(defKey(file, p.line));
        const line = Math.min(Math.max(0, p.line - 1), document.lineCount - 1);
        const range = new vscode.Range(line, 0, line, 0);
        if (!entry || !entry.stats.calls) {
          out.push(new vscode.CodeLens(range, { title: 'no calls in the open captures', command: '', tooltip: `${p.what}: not called in the open captures` }));
          continue;
        }
        // Reveal in the capture with the most calls to this definition.
        const { capture, ids, calls } = [...entry.byCapture].sort((a, b) => b.calls - a.calls)[0];
        out.push(
          new vscode.CodeLens(range, {
            title: statsLabel(entry.stats),
            tooltip: `Show the ${calls} call${calls === 1 ? '' : 's'} to ${p.what} in the capture${ids.length < calls ? ` (the first ${ids.length})` : ''}`,
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
    vscode.languages.registerCodeLensProvider([{ scheme: 'file', pattern: '**/*.{proto,thrift,wsdl,graphql,graphqls,gql}' }, { scheme: 'file', pattern: '**/*.{yaml,yml,json}' }], lens),
    defs.onDidChange(refresh),
    provider.onDidChange(refresh),
    { dispose: () => timer && clearTimeout(timer) },
  );
}
