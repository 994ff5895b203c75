/**
 * The status-bar item while a capture decodes: percentage, frames and calls; click to cancel.
 */
import * as vscode from 'vscode';
import type { CaptureEditorProvider } from './editor/provider';

const fmt = new Intl.NumberFormat('en-US');

export function registerStatusBar(context: vscode.ExtensionContext, provider: CaptureEditorProvider): void {
  const item = vscode.window.createStatusBarItem('callscope.decoding', vscode.StatusBarAlignment.Left, 50);
  item.name = 'callscope decoding';
  item.command = 'callscope.cancelDecoding';
  let hideTimer: ReturnType<typeof setTimeout> | undefined;
  const update = () => {
    const running = [...provider.documents].map((d) => d.analysis).filter((a) => a.state === 'running');
    if (running.length) {
      if (hideTimer) clearTimeout(hideTimer), (hideTimer = undefined);
      const a = running[0];
      const p = a.progress;
      const pct = p.fileBytes ? Math.min(100, Math.floor((p.bytesRead / p.fileBytes) * 100)) : 0;
      item.text = `$(loading~spin) callscope ${pct}% · ${fmt.format(p.frames)} frames · ${fmt.format(a.store.size)} calls`;
      item.tooltip = `Decoding ${a.file.split('/').pop()}${running.length > 1 ? ` (+${running.length - 1} more)` : ''} — click to cancel`;
      item.accessibilityInformation = { label: `callscope decoding ${pct} percent, ${a.store.size} calls`, role: 'button' };
      item.show();
    } else if (item.text.includes('loading~spin')) {
      const a = provider.activePanel?.analysis;
      if (a) {
        item.text = `$(pass) callscope · ${fmt.format(a.store.size)} calls`;
        item.tooltip = `${a.file.split('/').pop()}: ${fmt.format(a.progress.frames)} frames decoded in ${(((a.finishedAt ?? Date.now()) - a.startedAt) / 1000).toFixed(1)} s`;
      }
      hideTimer = setTimeout(() => item.hide(), 4000);
    }
  };
  context.subscriptions.push(item, provider.onDidProgress(update), provider.onDidChange(update), { dispose: () => hideTimer && clearTimeout(hideTimer) });
}
