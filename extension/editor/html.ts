/**
 * The capture editor's HTML shell: loads dist/webview.js (and its CSS and the codicon font)
 * under a strict Content Security Policy — scripts only with this page's nonce, styles and
 * fonts only from the extension, no inline event handlers, no eval, no network.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function captureEditorHtml(webview: vscode.Webview, extensionUri: vscode.Uri, opts: { title: string }): string {
  const nonce = makeNonce();
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(dist, name)).toString();
  const has = (name: string) => existsSync(vscode.Uri.joinPath(dist, name).fsPath);
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  const styles = ['codicon.css', 'webview.css'].filter(has).map((f) => `<link rel="stylesheet" href="${escapeAttr(asset(f))}" nonce="${nonce}">`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeAttr(opts.title)}</title>
${styles.join('\n')}
</head>
<body data-nonce="${nonce}">
<div id="app" aria-busy="true"></div>
<script nonce="${nonce}" src="${escapeAttr(asset('webview.js'))}"></script>
</body>
</html>`;
}
