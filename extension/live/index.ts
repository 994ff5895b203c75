/**
 * Commands for live capture, the recording proxy, playback, resend and replay:
 *
 *   callscope.startCapture / stopCapture / saveCapture
 *   callscope.startProxy / stopProxy
 *   callscope.playback (start, or the controls), playbackToggle, playbackStep, playbackSpeed, playbackStop
 *   callscope.resendCall, callscope.replayAll
 *
 * Everything that runs a program or sends traffic needs a trusted workspace. No password is
 * ever asked for or kept; nothing here runs sudo — permission problems come back as advice.
 */
import * as vscode from 'vscode';
import { copyFile } from 'node:fs/promises';
import type { Call } from '../../decoders/core/model';
import type { Definitions } from '../../decoders/core/env';
import type { CaptureEditorProvider } from '../editor/provider';
import { VIEW_TYPE } from '../editor/provider';
import type { CapturePanel } from '../editor/panel';
import { decodeAsRules, protoPaths, resolvePaths, tlsKeyLogFiles } from '../settings';
import { findCaptureTool, listInterfaces, noToolAdvice, defaultInterface, LiveCaptureError } from '../../cli/platform/live';
import { parseHostPort, isLoopback, type ProxyRoute } from '../../cli/platform/proxy';
import { loadDefinitions } from '../../cli/platform/definitions';
import { resendCall, replayCalls, isReplayable } from '../../cli/platform/replay';
import { editableOf } from '../../decoders/replay/request';
import { formatChange } from '../../decoders/replay/diff';
import { LiveSession, startCaptureSession, startProxySession } from './sessions';
import { Playback, SPEEDS } from './playback';
import { endpointLabel } from '../../decoders/export/common';

const TRUST_MESSAGE = 'callscope: live capture, the proxy, resend and replay run programs and send traffic, so they are only available in a trusted workspace (Workspaces: Manage Workspace Trust).';

function trusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(TRUST_MESSAGE);
  return false;
}

async function definitions(captureFile?: string): Promise<Definitions | undefined> {
  try {
    const d = await loadDefinitions({ captureFile, protoDirs: resolvePaths(protoPaths()) });
    return d.definitions;
  } catch {
    return undefined;
  }
}

const RESULT_SCHEME = 'callscope-resend';

export function registerLive(context: vscode.ExtensionContext, provider: CaptureEditorProvider): void {
  const sessions: LiveSession[] = [];
  const playbacks = new Map<string, Playback>();
  /** Documents whose playback is being set up (the start times asked for). */
  const starting = new Set<string>();
  const out = vscode.window.createOutputChannel('callscope live');
  const results = new Map<string, string>();
  const resultsChanged = new vscode.EventEmitter<vscode.Uri>();
  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  // ── status bar: live sessions and playback ───────────────────────────────────────────────
  const liveItem = vscode.window.createStatusBarItem('callscope.live', vscode.StatusBarAlignment.Left, 49);
  liveItem.name = 'callscope live';
  const playItem = vscode.window.createStatusBarItem('callscope.playback', vscode.StatusBarAlignment.Left, 48);
  playItem.name = 'callscope playback';
  playItem.command = 'callscope.playback';
  const updateItems = () => {
    const running = sessions.filter((s) => s.running);
    if (running.length) {
      const s = running[running.length - 1];
      liveItem.text = `$(record) ${s.kind === 'capture' ? 'capturing' : 'proxy'} ${s.label} · ${s.analysis.store.size} calls`;
      liveItem.tooltip = `callscope: ${running.length} live session(s) — click to stop`;
      liveItem.command = s.kind === 'capture' ? 'callscope.stopCapture' : 'callscope.stopProxy';
      liveItem.show();
    } else liveItem.hide();
    const pb = activePlayback();
    if (pb) {
      playItem.text = `${pb.playing ? '$(debug-pause)' : '$(play)'} ${pb.visible}/${pb.total} · ${pb.speed}× · ${pb.elapsedS.toFixed(1)} s`;
      playItem.tooltip = 'callscope playback — click for controls';
      playItem.show();
    } else playItem.hide();
    // The palette shows Stop/Save and the playback controls only when they have something to act on.
    setContexts({
      'callscope.captureRunning': running.some((s) => s.kind === 'capture'),
      'callscope.proxyRunning': running.some((s) => s.kind === 'proxy'),
      'callscope.hasLiveSession': sessions.length > 0,
      'callscope.playbackActive': pb !== undefined,
    });
  };
  const contexts = new Map<string, boolean>();
  const setContexts = (values: Record<string, boolean>) => {
    for (const [k, v] of Object.entries(values)) {
      if (contexts.get(k) === v) continue;
      contexts.set(k, v);
      void vscode.commands.executeCommand('setContext', k, v);
    }
  };
  const tick = setInterval(updateItems, 500);
  context.subscriptions.push(liveItem, playItem, out, { dispose: () => clearInterval(tick) }, resultsChanged);
  context.subscriptions.push({
    dispose: () => {
      for (const s of sessions) void s.stop();
      for (const p of playbacks.values()) p.dispose();
    },
  });
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, {
      onDidChange: resultsChanged.event,
      provideTextDocumentContent: (uri) => results.get(uri.toString()) ?? '',
    }),
  );

  const panelOrSay = (): CapturePanel | undefined => {
    const p = provider.activePanel;
    if (!p) void vscode.window.showInformationMessage('callscope: open a capture first.');
    return p;
  };

  function activePlayback(): Playback | undefined {
    const p = provider.activePanel;
    const pb = p ? playbacks.get(p.document.uri.toString()) : undefined;
    return pb ?? [...playbacks.values()].pop();
  }

  const showLiveError = async (e: unknown) => {
    if (e instanceof LiveCaptureError) {
      out.appendLine(e.message);
      if (e.detail) out.appendLine(`(${e.detail})`);
      const actions = e.kind === 'permission' || e.kind === 'no-tool' ? ['Record Through a Proxy Instead', 'Show Details'] : ['Show Details'];
      const pick = await vscode.window.showErrorMessage(`callscope: ${e.message.split('\n')[0]}`, { modal: e.kind === 'permission' || e.kind === 'no-tool', detail: e.message.split('\n').slice(1).join('\n') }, ...actions);
      if (pick === 'Show Details') out.show(true);
      if (pick === 'Record Through a Proxy Instead') void vscode.commands.executeCommand('callscope.startProxy');
    } else void vscode.window.showErrorMessage(`callscope: ${(e as Error).message}`);
  };

  // ── live capture ──────────────────────────────────────────────────────────────────────────
  reg('callscope.startCapture', async () => {
    if (!trusted()) return;
    const tool = findCaptureTool();
    if (!tool) return showLiveError(new LiveCaptureError('no-tool', noToolAdvice()));
    let iface = defaultInterface();
    try {
      const list = listInterfaces(tool);
      if (list.length) {
        const pick = await vscode.window.showQuickPick(
          list.map((i) => ({ label: i.name, description: i.loopback ? 'loopback' : undefined, detail: i.description })),
          { title: `callscope: capture on which interface? (${tool.name})`, placeHolder: 'Loopback is first' },
        );
        if (!pick) return;
        iface = pick.label;
      }
    } catch (e) {
      return showLiveError(e);
    }
    const last = context.workspaceState.get<string>('callscope.live.filter', '');
    const filter = await vscode.window.showInputBox({
      title: 'callscope: capture filter (libpcap syntax; empty for everything)',
      value: last,
      placeHolder: 'tcp port 8000',
      prompt: 'e.g. "tcp port 8000", "tcp portrange 8000-8100", "host 127.0.0.1 and tcp"',
    });
    if (filter === undefined) return;
    await context.workspaceState.update('callscope.live.filter', filter);
    try {
      const { session } = await startCaptureSession(provider, {
        iface,
        filter: filter.trim() || undefined,
        decodeAs: decodeAsRules(context.workspaceState),
        definitions: await definitions(),
        tlsKeyLogs: tlsKeyLogFiles(),
        warn: (m) => out.appendLine(`warning: ${m}`),
      });
      sessions.push(session);
      session.onDidEnd(updateItems);
      const keys = tlsKeyLogFiles();
      out.appendLine(`capturing on ${iface} with ${tool.name}${filter ? ` (filter: ${filter})` : ''} → ${session.file}${keys.length ? `; decrypting TLS with ${keys.join(', ')} (followed as it grows)` : ''}`);
      await session.open();
      updateItems();
    } catch (e) {
      await showLiveError(e);
    }
  });

  const stopKind = async (kind: 'capture' | 'proxy') => {
    const running = sessions.filter((s) => s.running && s.kind === kind);
    if (!running.length) return void vscode.window.showInformationMessage(`callscope: no ${kind === 'capture' ? 'live capture' : 'proxy'} is running.`);
    let which = running;
    if (running.length > 1) {
      const pick = await vscode.window.showQuickPick([{ label: 'All', s: undefined as LiveSession | undefined }, ...running.map((s) => ({ label: s.label, s }))], { title: 'callscope: stop which?' });
      if (!pick) return;
      which = pick.s ? [pick.s] : running;
    }
    for (const s of which) await s.stop();
    updateItems();
    const s = which[0];
    const choice = await vscode.window.showInformationMessage(`callscope: stopped — ${s.analysis.store.size} calls.`, 'Save as .pcapng…');
    if (choice) await save(s);
  };
  reg('callscope.stopCapture', () => stopKind('capture'));
  reg('callscope.stopProxy', () => stopKind('proxy'));

  const save = async (s: LiveSession) => {
    if (s.running) await s.stop();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = s.file.split(/[\\/]/).pop()!.replace(/-\d+-\d+\.pcapng$/, '.pcapng');
    const target = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: { 'pcapng capture': ['pcapng'] }, title: 'callscope: save the capture' });
    if (!target) return;
    await copyFile(s.file, target.fsPath);
    const open = await vscode.window.showInformationMessage(`callscope: saved ${target.path.split('/').pop()}`, 'Open');
    if (open) await vscode.commands.executeCommand('vscode.openWith', target, VIEW_TYPE);
  };
  reg('callscope.saveCapture', async () => {
    const p = provider.activePanel;
    const s = (p && sessions.find((x) => x.file === p.document.localPath)) ?? sessions[sessions.length - 1];
    if (!s) return void vscode.window.showInformationMessage('callscope: no live capture or proxy recording to save (a capture opened from a file is saved already).');
    await save(s);
  });

  // ── recording proxy ───────────────────────────────────────────────────────────────────────
  reg('callscope.startProxy', async () => {
    if (!trusted()) return;
    const text = await vscode.window.showInputBox({
      title: 'callscope: record through a proxy (no root needed)',
      prompt: 'LISTEN → TARGET pairs, comma-separated. Point your client at the listen port.',
      value: context.workspaceState.get<string>('callscope.live.proxy', '127.0.0.1:9000 → 127.0.0.1:8000'),
      validateInput: (v) => {
        try {
          parseRoutes(v);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
    if (!text) return;
    const routes = parseRoutes(text);
    const remote = routes.filter((r) => !isLoopback(r.target.host));
    if (remote.length) {
      const ok = await vscode.window.showWarningMessage(`callscope: forward to ${remote.map((r) => r.target.host).join(', ')}? That is not this machine.`, { modal: true }, 'Forward');
      if (ok !== 'Forward') return;
    }
    await context.workspaceState.update('callscope.live.proxy', text);
    try {
      const { session } = await startProxySession(provider, {
        routes,
        decodeAs: decodeAsRules(context.workspaceState),
        definitions: await definitions(),
        tlsKeyLogs: tlsKeyLogFiles(),
        warn: (m) => out.appendLine(`warning: ${m}`),
        onEvent: (e) => {
          if (e.type === 'connect-failed') {
            out.appendLine(`proxy ${e.route.listen.port}: ${e.message}`);
            void vscode.window.showWarningMessage(`callscope proxy ${e.route.listen.port} → ${e.route.target.host}:${e.route.target.port}: ${e.message}`);
          } else if (e.type === 'listening') out.appendLine(`proxy listening on ${e.address.host}:${e.address.port} → ${e.route.target.host}:${e.route.target.port}`);
        },
      });
      sessions.push(session);
      session.onDidEnd(updateItems);
      await session.open();
      updateItems();
    } catch (e) {
      void vscode.window.showErrorMessage(`callscope: ${(e as Error).message}`);
    }
  });

  // ── playback ──────────────────────────────────────────────────────────────────────────────
  reg('callscope.playback', async () => {
    const p = panelOrSay();
    if (!p) return;
    const key = p.document.uri.toString();
    let pb = playbacks.get(key);
    if (!pb) {
      if (starting.has(key)) return; // asked twice while the first is setting up
      const own = p.document.ownAnalysis;
      if (own.state === 'running') return void vscode.window.showInformationMessage('callscope: wait until the capture is decoded, then play it back.');
      if (!own.store.size) return void vscode.window.showInformationMessage('callscope: this capture has no calls to play back.');
      starting.add(key);
      try {
        pb = await Playback.create(p.document);
      } catch (e) {
        return void vscode.window.showInformationMessage(`callscope: ${(e as Error).message}.`);
      } finally {
        starting.delete(key);
      }
      const started = pb;
      playbacks.set(key, started);
      // Stopped from anywhere (its command, the editor's Cancel, the capture decoded again or
      // closed): it leaves the status bar and the palette.
      const sub = started.onDidChange(() => {
        if (started.stopped) {
          if (playbacks.get(key) === started) playbacks.delete(key);
          sub.dispose();
        }
        updateItems();
      });
      started.play();
      updateItems();
      return;
    }
    const items = [
      { label: pb.playing ? '$(debug-pause) Pause' : '$(play) Play', id: 'toggle' },
      { label: '$(debug-step-over) Step', description: 'show the next call', id: 'step' },
      { label: '$(dashboard) Speed…', description: `${pb.speed}×`, id: 'speed' },
      { label: pb.skipIdle ? '$(check) Skip idle gaps (> 2 s)' : '$(circle-large-outline) Skip idle gaps (> 2 s)', id: 'idle' },
      { label: '$(debug-restart) Restart', id: 'restart' },
      { label: '$(debug-stop) Stop playback', description: 'show the whole capture', id: 'stop' },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `callscope playback: ${pb.visible}/${pb.total} calls` });
    if (!pick) return;
    await vscode.commands.executeCommand({ toggle: 'callscope.playbackToggle', step: 'callscope.playbackStep', speed: 'callscope.playbackSpeed', idle: 'callscope.playbackSkipIdle', restart: 'callscope.playbackRestart', stop: 'callscope.playbackStop' }[pick.id]!);
  });
  const withPb = (fn: (pb: Playback) => void | Promise<void>) => async () => {
    const pb = activePlayback();
    if (!pb) return void vscode.window.showInformationMessage('callscope: no playback is running (callscope: Play Back Capture).');
    await fn(pb);
    updateItems();
  };
  reg('callscope.playbackToggle', withPb((pb) => pb.toggle()));
  reg('callscope.playbackStep', withPb((pb) => pb.step()));
  reg('callscope.playbackRestart', withPb((pb) => pb.restart()));
  reg('callscope.playbackSkipIdle', withPb((pb) => pb.setSkipIdle(!pb.skipIdle)));
  reg(
    'callscope.playbackSpeed',
    withPb(async (pb) => {
      const pick = await vscode.window.showQuickPick(SPEEDS.map((s) => ({ label: `${s}×`, s, picked: s === pb.speed })), { title: 'callscope: playback speed' });
      if (pick) pb.setSpeed(pick.s);
    }),
  );
  reg(
    'callscope.playbackStop',
    withPb((pb) => {
      pb.dispose();
      for (const [k, v] of playbacks) if (v === pb) playbacks.delete(k);
    }),
  );

  // ── resend and replay ─────────────────────────────────────────────────────────────────────
  const askTarget = async (call: Call, title: string): Promise<{ host: string; port: number } | undefined> => {
    const orig = endpointLabel(call.server);
    const v = await vscode.window.showInputBox({
      title,
      value: orig,
      prompt: 'HOST:PORT — the original server by default',
      validateInput: (x) => {
        try {
          parseHostPort(x);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
    if (!v) return undefined;
    const target = parseHostPort(v);
    if (!isLoopback(target.host)) {
      const ok = await vscode.window.showWarningMessage(`callscope: send requests to ${target.host}:${target.port}? It is not this machine.`, { modal: true }, 'Send');
      if (ok !== 'Send') return undefined;
    }
    return target;
  };

  reg('callscope.resendCall', async (arg?: unknown) => {
    if (!trusted()) return;
    const p = panelOrSay();
    if (!p) return;
    const id = typeof arg === 'number' ? arg : arg && typeof arg === 'object' && typeof (arg as { id?: unknown }).id === 'number' ? (arg as { id: number }).id : p.selectedId;
    const call = id !== undefined ? await p.analysis.store.get(id).catch(() => undefined) : undefined;
    if (!call) return void vscode.window.showInformationMessage('callscope: select a call first.');
    if (!isReplayable(call)) return void vscode.window.showInformationMessage(`callscope: ${call.protocol} calls cannot be resent (HTTP, JSON-RPC, XML-RPC and unary gRPC can).`);
    const target = await askTarget(call, `callscope: resend ${call.method} ${call.target ?? ''} to…`);
    if (!target) return;
    const ed = editableOf(call);
    let edited: unknown;
    if (ed.kind !== 'none') {
      const how = await vscode.window.showQuickPick([{ label: 'Send as captured' }, { label: 'Edit first…', description: ed.kind }], { title: 'callscope: resend' });
      if (!how) return;
      if (how.label.startsWith('Edit')) {
        const text = await vscode.window.showInputBox({
          title: `callscope: edit the ${ed.kind} request (JSON)`,
          value: typeof ed.value === 'string' && ed.kind === 'text' ? JSON.stringify(ed.value) : JSON.stringify(ed.value),
          prompt: ed.notes.join(' · ') || undefined,
          validateInput: (v) => {
            try {
              JSON.parse(v);
              return undefined;
            } catch (e) {
              return `not JSON: ${(e as Error).message}`;
            }
          },
        });
        if (text === undefined) return;
        edited = JSON.parse(text);
      }
    }
    const defs = await definitions(p.document.localPath);
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `callscope: resending ${call.method}…` }, () => resendCall(call, { target, edited, definitions: defs }));
    if (r.error && !r.call) return void vscode.window.showErrorMessage(`callscope: resend failed: ${r.error}`);
    const left = vscode.Uri.parse(`${RESULT_SCHEME}:/call-${call.id}-captured.json`);
    const right = vscode.Uri.parse(`${RESULT_SCHEME}:/call-${call.id}-resent-${Date.now()}.json`);
    results.set(left.toString(), JSON.stringify(responseView(call), null, 2));
    results.set(right.toString(), JSON.stringify(responseView(r.call!), null, 2));
    out.appendLine(`resend #${call.id} ${call.method} → ${target.host}:${target.port}: ${r.changes.length ? `${r.changes.length} change(s)` : 'same response'}`);
    for (const c of r.changes) out.appendLine(`  ${formatChange(c)}`);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${call.method}: captured ↔ resent (${r.changes.length ? `${r.changes.length} changes` : 'same'})`, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    if (r.changes.length) {
      const pick = await vscode.window.showInformationMessage(`callscope: ${r.changes.length} change(s): ${r.changes.slice(0, 3).map((c) => formatChange(c, 40)).join('; ')}${r.changes.length > 3 ? '…' : ''}`, 'Show All');
      if (pick) out.show(true);
    } else void vscode.window.showInformationMessage('callscope: the new response is the same as the captured one.');
  });

  reg('callscope.replayAll', async () => {
    if (!trusted()) return;
    const p = panelOrSay();
    if (!p) return;
    // Replay needs the full calls: they come from the analysis (its worker) for this command only.
    const calls = (await p.analysis.store.select({}).catch(() => [])).filter(isReplayable);
    if (!calls.length) return void vscode.window.showInformationMessage('callscope: no HTTP, JSON-RPC, XML-RPC or gRPC client calls to replay in this capture.');
    const target = await askTarget(calls[0], `callscope: replay ${calls.length} client calls against…`);
    if (!target) return;
    const defs = await definitions(p.document.localPath);
    out.clear();
    out.appendLine(`replay of ${p.document.name} against ${target.host}:${target.port}`);
    const res = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'callscope: replaying', cancellable: true }, (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      return replayCalls(calls, {
        target,
        definitions: defs,
        signal: ac.signal,
        onResult: (r, i, n) => {
          progress.report({ message: `${i}/${n}`, increment: 100 / n });
          out.appendLine(`${r.outcome.toUpperCase().padEnd(8)} #${r.call.id} ${r.call.method} ${r.call.target ?? ''}${r.error ? ` — ${r.error}` : ''}`);
          for (const c of r.changes.slice(0, 20)) out.appendLine(`    ${formatChange(c)}`);
        },
      });
    });
    const changed = res.filter((r) => r.outcome === 'changed').length;
    const failed = res.filter((r) => r.outcome === 'error').length;
    out.show(true);
    void vscode.window.showInformationMessage(`callscope: replayed ${res.length} calls: ${res.length - changed - failed} unchanged, ${changed} changed, ${failed} failed.`);
  });
}

function parseRoutes(text: string): ProxyRoute[] {
  const parts = text.split(',').map((x) => x.trim()).filter(Boolean);
  if (!parts.length) throw new Error('give LISTEN → TARGET, e.g. 127.0.0.1:9000 → 127.0.0.1:8000');
  return parts.map((p) => {
    const m = /^(.+?)\s*(?:→|->|=>|\s)\s*(\S+)$/.exec(p);
    if (!m) throw new Error(`"${p}": expected LISTEN → TARGET`);
    return { listen: parseHostPort(m[1]), target: parseHostPort(m[2]) };
  });
}

/** What the diff editor shows of a call's response. */
function responseView(c: Call): unknown {
  return {
    status: c.status,
    headers: (c.http?.responseHeaders ?? c.response?.headers)?.filter(([k]) => !/^(date|content-length|connection|keep-alive)$/i.test(k)),
    trailers: c.response?.trailers,
    body: c.response?.value ?? c.response?.body?.value ?? c.response?.body?.text ?? c.response?.body?.hex,
  };
}
