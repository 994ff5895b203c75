/**
 * The `callscope.*` settings, read in one place. Decode-as rules chosen with the Decode As…
 * quick pick are kept per workspace (workspace settings when a folder is open, otherwise the
 * workspace state).
 */
import * as vscode from 'vscode';
import type { DecodeAsRule } from '../decoders/pipeline';
import { DEFAULT_LIMITS, bodyPreviewLimits } from '../decoders/core/env';
import type { ViewSettings } from '../webview/protocol';
import type { ServiceNames } from '../decoders/export/names';

export const SECTION = 'callscope';
const DECODE_AS_STATE = 'callscope.decodeAs';

export interface DecodeAsSetting {
  transport?: 'tcp' | 'udp';
  port: number;
  decoder: string;
}

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

export function decodeAsRules(state: vscode.Memento): DecodeAsRule[] {
  const fromSettings = cfg().get<DecodeAsSetting[]>('decodeAs', []) ?? [];
  const fromState = state.get<DecodeAsSetting[]>(DECODE_AS_STATE, []) ?? [];
  const out: DecodeAsRule[] = [];
  const seen = new Set<string>();
  for (const r of [...fromSettings, ...fromState]) {
    if (!r || typeof r.port !== 'number' || typeof r.decoder !== 'string') continue;
    const transport = r.transport === 'udp' ? 'udp' : 'tcp';
    const k = `${transport}/${r.port}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ transport, port: r.port, decoderId: r.decoder });
  }
  return out;
}

export async function addDecodeAsRule(state: vscode.Memento, rule: DecodeAsSetting): Promise<void> {
  const replace = (list: DecodeAsSetting[]) => [...list.filter((r) => !(r.port === rule.port && (r.transport ?? 'tcp') === (rule.transport ?? 'tcp'))), rule];
  if (vscode.workspace.workspaceFolders?.length) {
    const current = cfg().inspect<DecodeAsSetting[]>('decodeAs')?.workspaceValue ?? [];
    await cfg().update('decodeAs', replace(current), vscode.ConfigurationTarget.Workspace);
  } else {
    await state.update(DECODE_AS_STATE, replace(state.get<DecodeAsSetting[]>(DECODE_AS_STATE, [])));
  }
}

/** `callscope.maxBodyBytes` as decoder limits (decompressed bodies get at least as much room), or none for the default. */
export function bodyLimits(): { maxBodyBytes: number; maxDecompressedBytes: number } | undefined {
  const n = Math.round(Number(cfg().get<number>('maxBodyBytes', DEFAULT_LIMITS.maxBodyBytes)));
  return !Number.isFinite(n) || n === DEFAULT_LIMITS.maxBodyBytes ? undefined : bodyPreviewLimits(n);
}

/** `callscope.tls.keylogFile`, resolved against the workspace (none when empty). */
export function tlsKeyLogFiles(): string[] {
  const f = (cfg().get<string>('tls.keylogFile', '') ?? '').trim();
  return f ? resolvePaths([f]) : [];
}

export function protoPaths(): string[] {
  return resolvePaths(cfg().get<string[]>('protoPaths', []) ?? []);
}

export function definitionIncludes(): string[] {
  return cfg().get<string[]>('definitions.include', []) ?? [];
}

export function definitionExcludes(): string[] {
  return cfg().get<string[]>('definitions.exclude', []) ?? [];
}

export function serviceNames(): ServiceNames {
  const v = cfg().get<Record<string, unknown>>('serviceNames', {}) ?? {};
  const out: ServiceNames = {};
  for (const [k, name] of Object.entries(v)) if (typeof name === 'string') out[k] = name;
  return out;
}

export function viewSettings(): ViewSettings & { serviceNames: ServiceNames } {
  const t = cfg().get<string>('timeDisplay', 'relative');
  return {
    timeFormat: t === 'absolute' || t === 'delta' ? t : 'relative',
    showConnections: cfg().get<boolean>('diagram.showConnections', true) ?? true,
    serviceNames: serviceNames(),
  };
}

/** Workspace-relative paths (and `${workspaceFolder}`) → absolute paths. */
export function resolvePaths(paths: string[]): string[] {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return paths
    .map((p) => p.replace(/\$\{workspaceFolder\}/g, root ?? ''))
    .map((p) => (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || !root ? p : vscode.Uri.joinPath(vscode.Uri.file(root), p).fsPath));
}
