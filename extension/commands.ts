/**
 * The `callscope.*` commands: open, exports, copy-as, go to definition, decode as, proto paths,
 * cancel, reveal, views.
 */
import * as vscode from 'vscode';
import type { Call } from '../decoders/core/model';
import { toCurl, toGrpcurl, toHttpFile } from '../decoders/export/copy-as';
import type { CaptureEditorProvider } from './editor/provider';
import type { CapturePanel } from './editor/panel';
import { VIEW_TYPE } from './editor/provider';
import { addDecodeAsRule, protoPaths, serviceNames, viewSettings, SECTION } from './settings';
import type { ViewName } from '../webview/protocol';
import type { ExportFormat } from './analysis/store-queries';
import { DECODE_AS_CHOICES } from './decode-as-choices';

export const CAPTURE_FILTERS = { 'Packet captures': ['pcap', 'pcapng', 'cap', 'gz', 'pcapgz'], 'All files': ['*'] };


export interface CommandDeps {
  provider: CaptureEditorProvider;
  openDefinition(c: Call): Promise<void>;
  /** Proto files under the proto paths, for grpcurl's -proto flags. */
  protoFilesFor(c: Call): { protoFiles: string[]; importPaths: string[] };
  refreshDefinitions(): Promise<void>;
}

function activeOrThrow(provider: CaptureEditorProvider): CapturePanel | undefined {
  const p = provider.activePanel;
  if (!p) void vscode.window.showInformationMessage('callscope: open a capture first (callscope: Open Capture…).');
  return p;
}

/** The call a per-call command acts on: an id argument, or the one whose details are shown. */
async function targetCall(provider: CaptureEditorProvider, arg: unknown): Promise<Call | undefined> {
  const p = provider.activePanel;
  let id: number | undefined;
  if (typeof arg === 'number') id = arg;
  else if (arg && typeof arg === 'object' && typeof (arg as { id?: unknown }).id === 'number') id = (arg as { id: number }).id;
  else id = p?.selectedId;
  if (id === undefined || !p) {
    void vscode.window.showInformationMessage('callscope: select a call in the capture editor first.');
    return undefined;
  }
  return p.analysis.store.get(id).catch(() => undefined);
}

/** Exports are made where the calls are (the worker) from what the list shows: its filter and sort. */
async function saveExport(p: CapturePanel, ext: string, label: string, make: () => Promise<string>): Promise<vscode.Uri | undefined> {
  const base = p.document.uri.path.replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, '').split('/').pop() || 'capture';
  // Next to the capture: that is where its other files (and its definitions) live.
  const folder = vscode.Uri.joinPath(p.document.uri, '..');
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folder, `${base}.${ext}`),
    filters: { [label]: [ext] },
    saveLabel: `Export ${label}`,
    title: `callscope: Export as ${label}`,
  });
  if (!target) return undefined;
  const text = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `callscope: exporting ${label}` }, make);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  void vscode.window.showInformationMessage(`callscope: wrote ${target.path.split('/').pop()}`, 'Open').then((choice) => {
    if (choice === 'Open') void vscode.window.showTextDocument(target);
  });
  return target;
}

async function copy(text: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`$(clippy) callscope: copied ${what}`, 3000);
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const { provider } = deps;
  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg('callscope.openCapture', async (uri?: vscode.Uri) => {
    let target = uri instanceof vscode.Uri ? uri : undefined;
    if (!target) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: CAPTURE_FILTERS, title: 'callscope: Open Capture', openLabel: 'Open Capture' });
      target = picked?.[0];
    }
    if (target) await vscode.commands.executeCommand('vscode.openWith', target, VIEW_TYPE);
  });

  const exporter = (ext: string, label: string, format: ExportFormat) => async () => {
    const p = activeOrThrow(provider);
    if (!p) return;
    return saveExport(p, ext, label, () =>
      p.analysis.store.export({
        format,
        filter: p.filter,
        sort: p.sort,
        creatorVersion: String(context.extension.packageJSON.version ?? ''),
        names: serviceNames(),
        time: viewSettings().timeFormat,
      }),
    );
  };
  reg('callscope.exportHar', exporter('har', 'HAR', 'har'));
  reg('callscope.exportJsonl', exporter('jsonl', 'JSON Lines', 'jsonl'));
  reg('callscope.exportMermaid', exporter('mmd', 'Mermaid', 'mermaid'));
  reg('callscope.exportMarkdown', exporter('md', 'Markdown', 'markdown'));

  reg('callscope.copyAsCurl', async (arg?: unknown) => {
    const c = await targetCall(provider, arg);
    if (c) await copy(toCurl(c), 'as curl');
  });
  reg('callscope.copyAsGrpcurl', async (arg?: unknown) => {
    const c = await targetCall(provider, arg);
    if (!c) return;
    if (c.protocol !== 'grpc') void vscode.window.showWarningMessage('callscope: grpcurl replays gRPC calls; this one is ' + c.protocol + '.');
    await copy(toGrpcurl(c, deps.protoFilesFor(c)), 'as grpcurl');
  });
  reg('callscope.copyAsHttp', async (arg?: unknown) => {
    const c = await targetCall(provider, arg);
    if (c) await copy(toHttpFile(c), 'as .http request');
  });

  reg('callscope.goToDefinition', async (arg?: unknown) => {
    const c = await targetCall(provider, arg);
    if (!c) return;
    // openDefinition explains when there is none (the same words as `g d` in the editor).
    await deps.openDefinition(c);
  });

  reg('callscope.revealCalls', async (ids: number[], captureUri?: string) => {
    if (!Array.isArray(ids) || !ids.length) return;
    const doc = [...provider.documents].find((d) => !captureUri || d.uri.toString() === captureUri) ?? provider.activePanel?.document;
    if (!doc) return;
    const existing = provider.panelsOf(doc)[0];
    // openWith on the panel's own column focuses that tab (reveal() could move the webview).
    await vscode.commands.executeCommand('vscode.openWith', doc.uri, VIEW_TYPE, { viewColumn: existing?.panel.viewColumn, preserveFocus: false });
    const panel = provider.panelsOf(doc).find((p) => p.panel.active) ?? provider.panelsOf(doc)[0];
    panel?.reveal(ids);
  });

  reg('callscope.cancelDecoding', () => {
    const running = [...provider.documents].filter((d) => d.analysis.state === 'running');
    for (const d of running) d.analysis.cancel();
    if (!running.length) void vscode.window.showInformationMessage('callscope: nothing is decoding.');
  });

  reg('callscope.reload', async () => {
    const p = activeOrThrow(provider);
    if (p) await provider.reanalyze(p.document);
  });

  reg('callscope.decodeAs', async () => {
    const p = activeOrThrow(provider);
    if (!p) return;
    const endpoint = (text: string) => {
      const cut = text.lastIndexOf(':');
      return { ip: text.slice(0, cut).replace(/^\[|\]$/g, ''), port: Number(text.slice(cut + 1)) };
    };
    const flows = p.analysis.store.flows.length
      ? p.analysis.store.flows
      : (await p.analysis.store.connections().catch(() => [])).map((c) => ({ id: c.flowId, client: endpoint(c.client), server: endpoint(c.server), protocol: c.protocol, transport: 'tcp' as const }));
    type PortPick = vscode.QuickPickItem & { port: number; transport: 'tcp' | 'udp' };
    const ports = new Map<string, PortPick>();
    for (const f of flows) {
      const k = `${f.transport}/${f.server.port}`;
      const prev = ports.get(k);
      if (prev) {
        prev.description = prev.description!.replace(/(\d+) connection/, (_m, n) => `${Number(n) + 1} connection`);
        continue;
      }
      ports.set(k, {
        label: `${f.transport.toUpperCase()} port ${f.server.port}`,
        description: `1 connection · now ${f.protocol === 'tcp' || f.protocol === 'udp' ? 'not decoded' : f.protocol}`,
        detail: `e.g. ${f.client.ip}:${f.client.port} → ${f.server.ip}:${f.server.port}`,
        port: f.server.port,
        transport: f.transport,
      });
    }
    const manual: PortPick = { label: '$(edit) Enter a port…', port: -1, transport: 'tcp', alwaysShow: true };
    const portPick = await vscode.window.showQuickPick([...ports.values(), manual], { title: 'callscope: Decode As… (1/2) which server port?', placeHolder: 'Pick the server port whose connections to decode' });
    if (!portPick) return;
    let port = portPick.port;
    if (port < 0) {
      const text = await vscode.window.showInputBox({ title: 'callscope: Decode As… server port', validateInput: (v) => (/^\d{1,5}$/.test(v) && Number(v) < 65536 ? undefined : 'a port number, 0–65535') });
      if (!text) return;
      port = Number(text);
    }
    const dec = await vscode.window.showQuickPick(
      DECODE_AS_CHOICES.filter((d) => (d.transports ?? ['tcp']).includes(portPick.transport)).map((d) => ({ label: d.label, description: d.id, detail: d.detail, id: d.id })),
      { title: `callscope: Decode As… (2/2) decode ${portPick.transport.toUpperCase()} port ${port} as`, matchOnDescription: true, matchOnDetail: true },
    );
    if (!dec) return;
    await addDecodeAsRule(context.workspaceState, { transport: portPick.transport, port, decoder: dec.id });
    await provider.reanalyzeAll();
  });

  reg('callscope.setProtoPaths', async () => {
    const current = protoPaths();
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: true,
      filters: { 'Protocol Buffers': ['proto'] },
      title: 'callscope: Set Proto Paths (import roots or .proto files)',
      openLabel: 'Use these',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!picked) return;
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const paths = picked.map((u) => (root && u.fsPath.startsWith(root + '/') ? u.fsPath.slice(root.length + 1) : u.fsPath));
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration(SECTION).update('protoPaths', paths, target);
    void vscode.window.showInformationMessage(`callscope: proto paths set (${paths.length}); was ${current.length}.`);
  });

  reg('callscope.refreshDefinitions', () => deps.refreshDefinitions());

  const views: ViewName[] = ['list', 'diagram', 'waterfall', 'teach', 'compare'];
  for (const v of views) {
    reg(`callscope.show.${v}`, () => {
      const p = activeOrThrow(provider);
      p?.showView(v);
    });
  }
}

/** Commands a webview may ask the host to run (`command/run`): ours only, never arbitrary ones. */
export function isWebviewRunnable(command: string): boolean {
  return /^callscope\.[A-Za-z.]+$/.test(command) && command !== 'callscope.setProtoPaths';
}
