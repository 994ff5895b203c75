/**
 * The details pane: a tab list (Summary, Request, Response, Messages, Timing, Layers, Bytes,
 * Warnings) for the selected call, fetched with `call/details`; Bytes fetched with `call/bytes`.
 */
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { h, fill, icon } from './dom';
import type { Call, CallPart, FlowSummary, HeaderList } from '../decoders/core/model';
import type { Host } from './host';
import { bodyBlock, callExpression, valueBlock, tokensToPre } from './body-view';
import { formatDuration, formatSize, formatDateTime, protocolLabel, statusBadge, shortEndpoints, targetAfterMethod } from './format';
import { jsonTokens } from './pretty';
import { HexView, type Highlight } from './hex-view';
import { copyRows } from './capture-copies';

/** How a connection's client and server were told apart (FlowSummary.roleFrom), in words. */
const ROLE_FROM: Record<string, string> = {
  syn: 'the SYN (who opened the connection)',
  port: 'the well-known server port',
  payload: 'the messages (the port guess was backwards)',
  guess: 'a guess: the higher port is the client’s',
};

export const TABS = ['Summary', 'Request', 'Response', 'Messages', 'Timing', 'Layers', 'Bytes', 'Warnings'] as const;
export type TabName = (typeof TABS)[number];

function ep(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

export class Details {
  readonly root: HTMLElement;
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private readonly panels = new Map<TabName, HTMLElement>();
  private readonly badges = new Map<TabName, HTMLElement>();
  private readonly defButton: HTMLButtonElement;
  private call: Call | undefined;
  private readonly hex: HexView;
  private bytesFor: number | undefined;
  onOpenDefinition: (id: number) => void = () => {};

  constructor(private readonly host: Host) {
    this.tabs = h('vscode-tabs', { class: 'details-tabs', panel: true }) as HTMLElement & { selectedIndex: number };
    this.hex = new HexView();
    for (const name of TABS) {
      const badge = h('vscode-badge', { slot: 'content-after', variant: 'counter', class: 'tab-badge' });
      badge.hidden = true;
      this.badges.set(name, badge);
      this.tabs.append(h('vscode-tab-header', { slot: 'header', 'data-tab': name }, name, badge));
      const panel = h('vscode-tab-panel', { 'data-tab': name, class: 'details-panel' });
      this.panels.set(name, panel);
      this.tabs.append(panel);
    }
    this.defButton = h('button', { class: 'link-button', type: 'button', slot: 'addons', title: 'Go to definition (g d)', disabled: true }, icon('definition'), ' Definition ↗');
    this.defButton.addEventListener('click', () => this.call && this.onOpenDefinition(this.call.id));
    this.tabs.append(this.defButton);
    this.tabs.addEventListener('vsc-tabs-select', () => this.activated());
    this.root = h('section', { class: 'details', 'aria-label': 'Call details' }, this.tabs);
    this.showEmpty('Select a call to see its details.');
  }

  get selectedTab(): TabName {
    return TABS[this.tabs.selectedIndex] ?? 'Summary';
  }

  selectTab(name: TabName): void {
    this.tabs.selectedIndex = TABS.indexOf(name);
    this.activated();
  }

  focus(): void {
    const header = this.tabs.querySelector<HTMLElement>(`vscode-tab-header[data-tab="${this.selectedTab}"]`);
    header?.focus();
  }

  showEmpty(message: string): void {
    this.call = undefined;
    for (const [name, p] of this.panels) fill(p, h('div', { class: 'empty-panel muted' }, name === 'Summary' ? message : ''));
    for (const b of this.badges.values()) b.hidden = true;
    this.defButton.disabled = true;
  }

  showLoading(): void {
    const p = this.panels.get(this.selectedTab)!;
    p.classList.add('stale');
  }

  show(call: Call, flow: FlowSummary | undefined): void {
    this.call = call;
    this.bytesFor = undefined;
    for (const p of this.panels.values()) p.classList.remove('stale');
    // Enabled without a definition too: it then says what was looked for (the same words as g d and the palette).
    this.defButton.disabled = false;
    this.defButton.classList.toggle('missing', !call.definition);
    this.defButton.title = call.definition ? `${call.definition.name} — ${call.definition.file}:${call.definition.line} (g d)` : 'No definition linked: click (or g d) to see what was looked for and how to link one';
    this.setBadge('Messages', call.messages?.length ?? 0);
    this.setBadge('Warnings', call.warnings.length);
    fill(this.panels.get('Summary')!, this.summary(call, flow));
    fill(this.panels.get('Request')!, this.part(call, 'request'));
    fill(this.panels.get('Response')!, this.part(call, 'response'));
    fill(this.panels.get('Messages')!, this.messages(call));
    fill(this.panels.get('Timing')!, this.timing(call, flow));
    fill(this.panels.get('Layers')!, this.layers(call, flow));
    fill(this.panels.get('Warnings')!, this.warnings(call));
    fill(this.panels.get('Bytes')!, this.hex.root);
    this.hex.clear();
    this.activated();
  }

  private setBadge(tab: TabName, n: number): void {
    const b = this.badges.get(tab)!;
    b.hidden = n === 0;
    b.textContent = n ? String(n) : '';
  }

  private activated(): void {
    if (this.selectedTab === 'Bytes' && this.call && this.bytesFor !== this.call.id) void this.loadBytes(this.call);
  }

  private async loadBytes(call: Call, highlight?: Highlight): Promise<void> {
    this.bytesFor = call.id;
    this.hex.loading();
    const [req, res] = await Promise.all([this.host.request({ type: 'call/bytes', id: call.id, part: 'request' }), this.host.request({ type: 'call/bytes', id: call.id, part: 'response' })]);
    if (this.call?.id !== call.id) return;
    this.hex.show([
      { part: 'request', title: `Request — ${ep(call.client)} → ${ep(call.server)}`, bytes: toBytes(req.bytes), truncated: req.truncated, segments: req.segments, source: req.source, note: req.note },
      { part: 'response', title: `Response — ${ep(call.server)} → ${ep(call.client)}`, bytes: toBytes(res.bytes), truncated: res.truncated, segments: res.segments, source: res.source, note: res.note },
    ]);
    if (highlight) this.hex.highlight(highlight);
  }

  /** Jump to the Bytes tab with a field highlighted. */
  private pick(hl: Highlight): void {
    this.tabs.selectedIndex = TABS.indexOf('Bytes');
    if (this.call && this.bytesFor !== this.call.id) void this.loadBytes(this.call, hl);
    else this.hex.highlight(hl);
  }

  // ── Summary ─────────────────────────────────────────────────────────────────────────────────
  private summary(call: Call, flow: FlowSummary | undefined): HTMLElement {
    const badge = statusBadge({ ...call, status: call.status });
    const dur = call.timing.endUs !== undefined ? formatDuration(call.timing.endUs - call.timing.startUs) : 'no end seen';
    const e = shortEndpoints(ep(call.client), ep(call.server));
    const title = h('div', { class: `summary-title tone-${badge.tone}` }, h('span', { class: 'summary-method' }, call.method), ' ', h('span', { class: 'summary-target' }, targetAfterMethod(call.method, call.target) ?? ''), ' ', h('span', { class: 'status-pill' }, icon(badge.icon), ' ', badge.label.replace(/^(ok|error): /, '')), ' ', h('span', { class: 'muted' }, dur));
    const sub = h('div', { class: 'summary-sub muted' }, `client ${ep(call.client)} → server ${ep(call.server)}  ·  ${protocolLabel(call.protocol)}, ${call.kind}${call.state !== 'complete' ? `, ${call.state}` : ''}  ·  connection ${call.flowId}`);
    const failed = call.status?.ok === false;
    const expr = [callExpression(call.method, call.request, 'request', false, call.protocol), call.response ? callExpression(call.method, call.response, 'response', failed, call.protocol) : undefined].filter(Boolean).join('  ');
    const facts: Array<[string, string]> = [
      ['Started', formatDateTime(call.timing.startUs)],
      ['Duration', dur],
      ['Client', `${ep(call.client)}${e.client !== ep(call.client) ? '' : ''}`],
      ['Server', ep(call.server)],
      ['Size', `${formatSize((call.request?.wireBytes ?? 0) + (call.response?.wireBytes ?? 0))} on the wire`],
      ['Frames', call.frames.length ? `${call.frames.length} (${call.frames[0]}…${call.frames[call.frames.length - 1]})` : '—'],
    ];
    if (flow?.handshakeRttUs !== undefined) facts.push(['TCP handshake', formatDuration(flow.handshakeRttUs)]);
    if (call.fields['http.proxy_tunnel'] !== undefined) facts.push(['Via proxy', `${ep(call.server)}, in the tunnel it opened to ${String(call.fields['http.proxy_tunnel'])} (CONNECT)`]);
    if (call.definition) facts.push(['Definition', `${call.definition.name} (${call.definition.file}:${call.definition.line})`]);
    else if (call.fields['protobuf.schema'] === 'reflection') facts.push(['Schema', 'sent by the server (gRPC server reflection earlier in this capture)']);
    if (call.fields['protobuf.reflection_files']) facts.push(['Schema learned', String(call.fields['protobuf.reflection_files'])]);
    if (call.parentId !== undefined) facts.push(['Part of', `call ${call.parentId}`]);
    if (call.childIds?.length) facts.push(['Inner calls', call.childIds.join(', ')]);
    if (call.links?.publishId !== undefined) facts.push(['Published by', `call ${call.links.publishId}`]);
    if (call.links?.deliveryIds?.length) facts.push(['Delivered as', call.links.deliveryIds.map((d) => `call ${d}`).join(', ')]);
    const fieldRows = Object.entries(call.fields);
    return h(
      'div',
      { class: 'summary' },
      title,
      sub,
      expr ? h('pre', { class: 'code call-expression', 'aria-label': 'Call' }, expr) : null,
      kv(facts, 'Summary'),
      fieldRows.length ? h('div', { class: 'section-title' }, 'Fields') : null,
      fieldRows.length ? kv(fieldRows.map(([k, v]) => [k, String(v)]), 'Fields', 'mono') : null,
    );
  }

  // ── Request / Response ──────────────────────────────────────────────────────────────────────
  private part(call: Call, side: 'request' | 'response'): HTMLElement {
    const p: CallPart | undefined = call[side];
    const http = call.http;
    const headers = p?.headers ?? (side === 'request' ? http?.requestHeaders : http?.responseHeaders);
    const body = p?.body ?? (side === 'request' ? http?.requestBody : http?.responseBody);
    const out = h('div', { class: 'part' });
    if (!p && !headers && !body) {
      out.append(h('div', { class: 'empty-panel muted' }, side === 'response' ? (call.kind === 'publish' || call.kind === 'oneway' ? 'No response: this message expects none.' : 'No response seen in the capture.') : 'No request in the capture.'));
      return out;
    }
    if (http) {
      const line = side === 'request' ? `${http.method ?? ''} ${http.uri ?? ''} ${http.version}` : `${http.version} ${http.status ?? ''} ${http.reason ?? ''}`;
      out.append(h('div', { class: 'start-line mono' }, line.trim()));
    }
    const expr = callExpression(call.method, p, side, call.status?.ok === false, call.protocol);
    const gql = call.protocol === 'graphql' && side === 'request' ? graphqlRequest(p?.value) : undefined;
    if (gql) {
      // The operation as its text (a JSON string would show its line breaks as \n), then its variables.
      out.append(h('div', { class: 'section-title' }, 'GraphQL operation'));
      out.append(h('pre', { class: 'code', tabindex: 0, role: 'region', 'aria-label': 'GraphQL operation' }, gql.query));
      if (gql.variables !== undefined) {
        out.append(h('div', { class: 'section-title' }, 'Variables'));
        out.append(valueBlock(gql.variables, 'Variables'));
      }
    } else if (p?.value !== undefined) {
      out.append(h('div', { class: 'section-title' }, side === 'request' ? 'Decoded call' : 'Decoded result'));
      if (expr) out.append(h('pre', { class: 'code call-expression' }, expr));
      out.append(valueBlock(p.value, side === 'request' ? 'Decoded request' : 'Decoded response'));
    }
    if (headers?.length) {
      out.append(h('div', { class: 'section-title' }, `Headers (${headers.length})`));
      out.append(this.headerTable(headers, side));
    }
    if (p?.trailers?.length) {
      out.append(h('div', { class: 'section-title' }, `Trailers (${p.trailers.length})`));
      out.append(this.headerTable(p.trailers, side));
    }
    if (body) out.append(bodyBlock(body, side === 'request' ? 'Request body' : 'Response body', () => this.pick({ part: side, kind: 'body' })));
    if (p?.wireBytes !== undefined) out.append(h('div', { class: 'muted note' }, `${formatSize(p.wireBytes)} on the wire, framing included.`));
    return out;
  }

  private headerTable(headers: HeaderList, side: 'request' | 'response'): HTMLElement {
    const table = h('table', { class: 'kv headers' });
    const body = h('tbody');
    for (const [name, value] of headers) {
      const tr = h('tr', { tabindex: 0, title: 'Enter: highlight in Bytes' }, h('th', { scope: 'row' }, name), h('td', null, value));
      const go = () => this.pick({ part: side, kind: 'text', text: `${name}: ${value}` });
      tr.addEventListener('click', go);
      tr.addEventListener('keydown', (e) => e.key === 'Enter' && go());
      body.append(tr);
    }
    table.append(body);
    return table;
  }

  // ── Messages ────────────────────────────────────────────────────────────────────────────────
  private messages(call: Call): HTMLElement {
    const msgs = call.messages ?? [];
    if (!msgs.length) return h('div', { class: 'empty-panel muted' }, 'Not a streamed call: no separate messages.');
    const list = h('div', { class: 'messages', role: 'list' });
    for (const m of msgs) {
      const head = h('summary', null, h('span', { class: `dir dir-${m.dir}` }, m.dir === 'c2s' ? 'client → server' : 'server → client'), ` #${m.index + 1} `, h('span', { class: 'muted' }, `${m.label ?? ''} · +${formatDuration(m.tsUs - call.timing.startUs)} · ${formatSize(m.size)}${m.compressed ? ' · compressed' : ''}${m.frame ? ` · frame ${m.frame}` : ''}`), m.warnings?.length ? icon('warning', m.warnings.join('; ')) : null);
      const d = h('details', { role: 'listitem', class: 'message' }, head);
      if (m.value !== undefined) d.append(tokensToPre(jsonTokens(m.value), `Message ${m.index + 1}`));
      list.append(d);
    }
    return list;
  }

  // ── Timing ──────────────────────────────────────────────────────────────────────────────────
  private timing(call: Call, flow: FlowSummary | undefined): HTMLElement {
    const t = call.timing;
    const phases: Array<{ name: string; from: number; to: number | undefined; cls: string }> = [];
    if (flow?.synUs !== undefined && flow.ackUs !== undefined && flow.synUs <= t.startUs) phases.push({ name: 'TCP handshake (this connection)', from: flow.synUs, to: flow.ackUs, cls: 'ph-conn' });
    phases.push({ name: 'Request sent', from: t.startUs, to: t.requestEndUs ?? t.startUs, cls: 'ph-send' });
    if (t.responseStartUs !== undefined) phases.push({ name: 'Waiting (server)', from: t.requestEndUs ?? t.startUs, to: t.responseStartUs, cls: 'ph-wait' });
    if (t.responseStartUs !== undefined) phases.push({ name: 'Response received', from: t.responseStartUs, to: t.endUs ?? t.responseStartUs, cls: 'ph-recv' });
    else if (t.endUs !== undefined) phases.push({ name: 'Until the end of the call', from: t.requestEndUs ?? t.startUs, to: t.endUs, cls: 'ph-wait' });
    const a = Math.min(...phases.map((p) => p.from));
    const b = Math.max(...phases.map((p) => p.to ?? p.from), a + 1);
    const rows = phases.map((p) => {
      const bar = h('div', { class: `timing-bar ${p.cls}` });
      bar.style.left = `${((p.from - a) / (b - a)) * 100}%`;
      bar.style.width = `max(2px, ${(((p.to ?? p.from) - p.from) / (b - a)) * 100}%)`;
      return h('div', { class: 'timing-row' }, h('span', { class: 'timing-name' }, p.name), h('div', { class: 'timing-track' }, bar), h('span', { class: 'timing-value' }, formatDuration((p.to ?? p.from) - p.from)));
    });
    return h('div', { class: 'timing' }, ...rows, h('div', { class: 'timing-row total' }, h('span', { class: 'timing-name' }, 'Total'), h('div'), h('span', { class: 'timing-value' }, t.endUs !== undefined ? formatDuration(t.endUs - t.startUs) : '—')), h('div', { class: 'muted note' }, 'Times are as seen at the capture point: the client and the server each see slightly different ones.'));
  }

  // ── Layers ──────────────────────────────────────────────────────────────────────────────────
  private layers(call: Call, flow: FlowSummary | undefined): HTMLElement {
    const v6 = call.client.ip.includes(':');
    const sections: Array<[string, Array<[string, string]>]> = [
      ['Frames', [['Frames', call.frames.join(', ') || '—'], ['Count', String(call.frames.length)]]],
      [v6 ? 'IPv6' : 'IPv4', [['Source (client)', call.client.ip], ['Destination (server)', call.server.ip]]],
      [
        flow?.transport === 'udp' ? 'UDP' : 'TCP',
        [
          ['Client port', String(call.client.port)],
          ['Server port', String(call.server.port)],
          ['Connection', String(call.flowId)],
          ...(flow
            ? ([
                ['Bytes client → server', formatSize(flow.c2sBytes)],
                ['Bytes server → client', formatSize(flow.s2cBytes)],
                ['Packets', String(flow.packets)],
                ['Start seen (SYN)', flow.synSeen ? 'yes' : 'no — the capture began mid-connection'],
                ['Roles decided by', ROLE_FROM[flow.roleFrom] ?? flow.roleFrom],
                ['Decoder chosen by', flow.dispatch],
                ...(flow.gapBytes.c2s || flow.gapBytes.s2c ? [['Missing bytes', `${flow.gapBytes.c2s} c→s, ${flow.gapBytes.s2c} s→c`] as [string, string]] : []),
              ] as Array<[string, string]>)
            : []),
          ...copyRows(call, flow),
        ],
      ],
    ];
    if (call.http) {
      const x = call.http;
      sections.push([x.version, [['Method', x.method ?? '—'], ['URI', x.uri ?? '—'], ['Host', x.host ?? '—'], ['Status', x.status !== undefined ? `${x.status} ${x.reason ?? ''}` : '—'], ...((x.interim ?? []).map((i) => ['Interim', `${i.status} ${i.reason ?? ''}`]) as Array<[string, string]>)]]);
    }
    sections.push([protocolLabel(call.protocol), [['Kind', call.kind], ['Method', call.method], ['Target', call.target ?? '—'], ['Status', call.status ? `${call.status.code}${call.status.text ? ' ' + call.status.text : ''}` : '—'], ['State', call.state]]]);
    const out = h('div', { class: 'layers' });
    for (const [title, rows] of sections) out.append(h('details', { open: true, class: 'layer' }, h('summary', null, title), kv(rows, title)));
    return out;
  }

  // ── Warnings ────────────────────────────────────────────────────────────────────────────────
  private warnings(call: Call): HTMLElement {
    const w = [...call.warnings, ...(call.messages ?? []).flatMap((m) => (m.warnings ?? []).map((x) => `message ${m.index + 1}: ${x}`))];
    if (!w.length) return h('div', { class: 'empty-panel muted' }, 'No warnings for this call.');
    return h('ul', { class: 'warnings' }, ...w.map((x) => h('li', null, icon('warning'), ' ', x)));
  }
}

function kv(rows: Array<[string, string]>, label: string, cls = ''): HTMLElement {
  return h('table', { class: `kv ${cls}`, 'aria-label': label }, h('tbody', null, ...rows.map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v)))));
}

function toBytes(b: Uint8Array | ArrayBuffer | number[] | undefined): Uint8Array {
  if (!b) return new Uint8Array();
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  return Uint8Array.from(b);
}

/** A GraphQL call's request value `{query, variables?}`, when it is one. */
function graphqlRequest(v: unknown): { query: string; variables?: unknown } | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  return typeof o.query === 'string' ? { query: o.query, variables: o.variables } : undefined;
}
