/**
 * callscope — see the calls, not the packets. Activation wires the capture editor (decoding in a
 * worker thread), the definitions index (.proto, OpenAPI, AsyncAPI) with CodeLens and schema
 * diagnostics, the side-bar tree, the status bar and the commands.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import type { Call } from '../decoders/core/model';
import { CaptureEditorProvider } from './editor/provider';
import { registerCommands, isWebviewRunnable } from './commands';
import { registerStatusBar } from './status';
import { registerTree } from './tree';
import { DefinitionsService, showNoDefinition } from './definitions/service';
import { registerCodeLens } from './definitions/codelens';
import { bodyLimits, decodeAsRules, protoPaths, serviceNames, tlsKeyLogFiles } from './settings';
import { keyLogStamp } from '../cli/platform/keylog-files';
import { setServiceNames } from './analysis/rows';
import { registerLive } from './live';

export function activate(context: vscode.ExtensionContext): void {
  setServiceNames(serviceNames());
  const definitions = new DefinitionsService(context);
  const openDefinition = async (c: Call) => {
    const d = c.definition;
    if (!d) return showNoDefinition(c);
    const uri = d.file.includes('://') ? vscode.Uri.parse(d.file) : vscode.Uri.file(d.file);
    const pos = new vscode.Position(Math.max(0, d.line - 1), Math.max(0, d.column - 1));
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preview: false, viewColumn: vscode.ViewColumn.Beside });
  };

  const provider = CaptureEditorProvider.register(context, {
    requestFor: async (file) => {
      await definitions.ready();
      const keyLogs = tlsKeyLogFiles();
      // a key log that grew since (a browser still writing it) decodes the capture again. Awaited
      // before the link config is taken: prepare() counts a just-started analysis as linked with the
      // definitions of that moment, so no await may come between the two.
      const tlsKeyLogStamp = await keyLogStamp(keyLogs, file);
      return {
        decodeAs: decodeAsRules(context.workspaceState),
        hints: [],
        protoPaths: protoPaths(),
        definitionFiles: definitions.protoFiles(file),
        link: definitions.linkConfig(),
        tlsKeyLogFiles: keyLogs,
        limits: bodyLimits(),
        tlsKeyLogStamp,
      };
    },
    prepare: (a) => definitions.prepare(a),
    openDefinition: (c) => void openDefinition(c),
    runCommand: (command, args, panel) => {
      if (!isWebviewRunnable(command)) return;
      provider.setActive(panel);
      void vscode.commands.executeCommand(command, ...args);
    },
  });
  definitions.attach(provider);

  registerCommands(context, {
    provider,
    openDefinition,
    protoFilesFor: () => definitions.grpcurlFlags(),
    refreshDefinitions: () => definitions.rescan(),
  });
  registerStatusBar(context, provider);
  registerLive(context, provider);
  registerTree(context, provider);
  registerCodeLens(context, provider, definitions);

  context.subscriptions.push(
    definitions,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('callscope.decodeAs') || e.affectsConfiguration('callscope.tls') || e.affectsConfiguration('callscope.maxBodyBytes')) void provider.reanalyzeAll();
      if (e.affectsConfiguration('callscope.serviceNames')) {
        setServiceNames(serviceNames());
        const names = serviceNames();
        void Promise.all(provider.cache.all().map((a) => a.setServiceNames(names))).then(() => {
          for (const p of provider.panels) p.refresh();
        });
      }
      if (e.affectsConfiguration('callscope.protoPaths') || e.affectsConfiguration('callscope.definitions')) void definitions.rescan();
    }),
  );
  void definitions.rescan();
  openOnStart();
}

/** `npm start` asks for a capture to be open when the window starts (env CALLSCOPE_OPEN_ON_START). */
function openOnStart(): void {
  const file = process.env.CALLSCOPE_OPEN_ON_START;
  if (!file || !existsSync(file)) return;
  const uri = vscode.Uri.file(file);
  const open = vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === uri.toString()));
  if (!open) void vscode.commands.executeCommand('vscode.openWith', uri, 'callscope.capture');
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop workers and watchers.
}
