/**
 * The side-bar tree: open captures → connections → calls. Selecting a call reveals it in its
 * capture editor.
 */
import { codeAndText } from '../decoders/export/common';
import * as vscode from 'vscode';
import type { FlowSummary } from '../decoders/core/model';
import type { CallRow } from '../webview/protocol';
import { endpointLabel, formatDuration } from '../decoders/export/common';
import type { CaptureEditorProvider } from './editor/provider';
import type { CaptureDocument } from './editor/document';

const MAX_CALLS_PER_CONNECTION = 500;

type Node =
  | { kind: 'capture'; doc: CaptureDocument }
  | { kind: 'connection'; doc: CaptureDocument; flowId: number; label: string; protocol: string; calls: number; flow?: FlowSummary }
  | { kind: 'call'; doc: CaptureDocument; call: CallRow }
  | { kind: 'more'; count: number };


export class CapturesTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly provider: CaptureEditorProvider) {
    provider.onDidChange(() => this.refresh());
    provider.onDidProgress(() => this.refresh());
  }

  /** Coalesced: the tree redraws at most twice a second while decoding. */
  refresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire(undefined);
    }, 500);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) return [...this.provider.documents].map((doc) => ({ kind: 'capture', doc }));
    if (node.kind === 'capture') return this.connections(node.doc);
    if (node.kind === 'connection') {
      const { rows, total } = await node.doc.analysis.store.flowCalls(node.flowId, MAX_CALLS_PER_CONNECTION).catch(() => ({ rows: [] as CallRow[], total: 0 }));
      const calls: Node[] = rows.map((call) => ({ kind: 'call', doc: node.doc, call }));
      if (total > rows.length) calls.push({ kind: 'more', count: total - rows.length });
      return calls;
    }
    return [];
  }

  /** Connections with their call counts, counted by the analysis's worker from its index. */
  private async connections(doc: CaptureDocument): Promise<Node[]> {
    const store = doc.analysis.store;
    const byFlow = new Map((await store.connections().catch(() => [])).map((c) => [c.flowId, c]));
    const flows = new Map(store.flows.map((f) => [f.id, f]));
    const ids = new Set([...byFlow.keys(), ...flows.keys()]);
    const out: Node[] = [];
    for (const flowId of [...ids].sort((a, b) => a - b)) {
      const conn = byFlow.get(flowId);
      const flow = flows.get(flowId);
      const client = flow ? endpointLabel(flow.client) : conn?.client;
      const server = flow ? endpointLabel(flow.server) : conn?.server;
      if (!client || !server) continue;
      const protocol = flow?.protocol ?? conn?.protocol ?? 'tcp';
      out.push({ kind: 'connection', doc, flowId, label: `${client} → ${server}`, protocol, calls: conn?.calls ?? 0, flow });
    }
    return out;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'capture': {
        const a = node.doc.analysis;
        const item = new vscode.TreeItem(node.doc.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `capture:${node.doc.uri.toString()}`;
        item.resourceUri = node.doc.uri;
        item.description = a.state === 'running' ? `decoding… ${a.store.size} calls` : `${a.store.size} calls · ${a.store.flows.length} connections`;
        item.tooltip = node.doc.uri.fsPath;
        item.iconPath = new vscode.ThemeIcon(a.state === 'running' ? 'loading~spin' : a.state === 'failed' ? 'error' : 'pulse');
        item.contextValue = 'callscope.capture';
        item.command = { command: 'vscode.openWith', title: 'Open', arguments: [node.doc.uri, 'callscope.capture'] };
        return item;
      }
      case 'connection': {
        const item = new vscode.TreeItem(node.label, node.calls ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `conn:${node.doc.uri.toString()}:${node.flowId}`;
        item.description = `${node.protocol} · ${node.calls} call${node.calls === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon(node.calls ? 'plug' : 'debug-disconnect');
        item.tooltip = node.flow
          ? `${node.flow.transport} flow ${node.flowId}: ${node.flow.packets} packets, ${node.flow.c2sBytes} B → / ${node.flow.s2cBytes} B ←, decoded as ${node.flow.protocol} (${node.flow.dispatch})`
          : `flow ${node.flowId}`;
        item.contextValue = 'callscope.connection';
        return item;
      }
      case 'call': {
        const c = node.call;
        const dur = c.endUs !== undefined ? formatDuration(c.endUs - c.startUs) : c.state;
        const label = `${c.method}${c.target && c.target !== c.method ? ' ' + c.target : ''}`;
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
        item.id = `call:${node.doc.uri.toString()}:${c.id}`;
        const status = c.status ? codeAndText(c.status) : '';
        item.description = [c.protocol, status, dur].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon(
          c.status && !c.status.ok ? 'error' : c.state === 'pending' || c.state === 'incomplete' ? 'circle-outline' : c.kind === 'publish' || c.kind === 'deliver' ? 'mail' : 'arrow-swap',
          c.status && !c.status.ok ? new vscode.ThemeColor('errorForeground') : undefined,
        );
        item.tooltip = `#${c.id} ${c.protocol} ${label}\n${c.client} → ${c.server}${status ? `\n${status}` : ''}${c.warnings ? `\n⚠ ${c.warnings} warning${c.warnings === 1 ? '' : 's'}` : ''}`;
        item.contextValue = c.hasDefinition ? 'callscope.call.withDefinition' : 'callscope.call';
        item.command = { command: 'callscope.revealCalls', title: 'Reveal', arguments: [[c.id], node.doc.uri.toString()] };
        return item;
      }
      case 'more':
        return new vscode.TreeItem(`… ${node.count} more (see the capture editor)`, vscode.TreeItemCollapsibleState.None);
    }
  }
}

export function registerTree(context: vscode.ExtensionContext, provider: CaptureEditorProvider): CapturesTree {
  const tree = new CapturesTree(provider);
  const view = vscode.window.createTreeView('callscope.captures', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(view);
  return tree;
}
