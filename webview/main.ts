/**
 * The capture editor's webview: a pure view over the host's analysis. It says `webview/ready`,
 * pulls pages of rows and details on demand, and keeps its view state with setState.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import { h, fill, icon } from './dom';
import { Host } from './host';
import { RowStore } from './rows';
import { CallList } from './call-list';
import { Details } from './details';
import { Diagram, type DiagramSizing } from './diagram';
import { FilterBar } from './filter-bar';
import { teachingSteps, textParts, STAGES, type TeachStep } from './teaching';
import { COMPARED_PROTOCOLS, alikeCalls, compareHint, compareMetrics, compareTable } from './compare';
import { movedSelectionNote, nearestIndex } from './selection';
import { emptyCaptureText } from './empty-state';
import { formatCount, formatSize, protocolLabel, targetAfterMethod, type TimeFormat } from './format';
import type { Call, FlowSummary, CaptureWarning } from '../decoders/core/model';
import type { CallRow, HostToWebview, SortSpec, ViewName } from './protocol';

interface ViewState {
  filter: string;
  sort: SortSpec;
  selectedId?: number;
  diagram: boolean;
  waterfall: boolean;
  showConnections: boolean;
  timeFormat: TimeFormat;
  names: Record<string, string>;
  teach: boolean;
  teachStep: number;
  compare: boolean;
  /** The diagram's sizing: lanes fitted to the pane (default), Fit, or the user's zoom and lane width. */
  diagramSizing: DiagramSizing;
  zoom: number;
  laneWidth?: number;
}

const DEFAULT_STATE: ViewState = { filter: '', sort: { key: 'time', dir: 'asc' }, diagram: true, waterfall: false, showConnections: true, timeFormat: 'relative', names: {}, teach: false, teachStep: 0, compare: false, diagramSizing: 'lanes', zoom: 1 };

const host = new Host();
const state: ViewState = { ...DEFAULT_STATE, ...(host.getState<Partial<ViewState>>() ?? {}) };
const save = () => host.setState(state);

const store = new RowStore(host);
store.filter = state.filter;
store.sort = state.sort;
const list = new CallList(store);
const details = new Details(host);
const diagram = new Diagram();
const filterBar = new FilterBar();
filterBar.set(state.filter);

const flows = new Map<number, FlowSummary>();
const callCache = new Map<number, Call>();
const analysis = { running: false, finished: false, failed: '' as string, bytesRead: 0, fileBytes: 0, frames: 0, calls: 0, file: '', warnings: [] as CaptureWarning[], damaged: undefined as undefined | { bytesRead: number; fileBytes: number; reason: string }, startUs: undefined as number | undefined, endUs: undefined as number | undefined };

// ── layout ────────────────────────────────────────────────────────────────────────────────────

function toggle(label: string, title: string, pressed: () => boolean, onClick: () => void): HTMLElement {
  const b = h('vscode-button', { class: 'toggle', title, secondary: true, 'aria-pressed': 'false' }, h('span', { class: 'toggle-check', 'aria-hidden': 'true' }), label);
  const sync = () => {
    const on = pressed();
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    b.classList.toggle('on', on);
    if (on) b.removeAttribute('secondary');
    else b.setAttribute('secondary', '');
  };
  b.addEventListener('click', () => {
    onClick();
    sync();
  });
  sync();
  (b as HTMLElement & { sync?: () => void }).sync = sync;
  return b;
}

const waterfallBtn = toggle('Waterfall', 'Show latency bars on the capture time axis', () => state.waterfall, () => {
  state.waterfall = !state.waterfall;
  list.setOptions({ waterfall: state.waterfall });
  save();
});
const diagramBtn = toggle('Diagram', 'Show the sequence diagram', () => state.diagram, () => {
  state.diagram = !state.diagram;
  applyLayout();
  save();
});
const connBtn = toggle('Connections', 'Draw TCP handshakes and teardowns in the diagram', () => state.showConnections, () => {
  state.showConnections = !state.showConnections;
  updateDiagram();
  save();
});
const teachBtn = toggle('Teach', 'Step through the calls with explanations (Space: next step)', () => state.teach, () => setTeach(!state.teach));
const compareBtn = toggle('Compare', 'The same operation as REST, XML-RPC and gRPC, side by side', () => state.compare, () => setCompare(!state.compare));
const playBtn = h('vscode-button', { secondary: true, title: 'Play: step through the calls (Space)', 'aria-label': 'Play' }, '▶');
playBtn.addEventListener('click', () => togglePlay());

const timeSelect = h('select', { class: 'select', 'aria-label': 'Time format', title: 'Time column: since the first frame, since the previous call, or wall clock' },
  h('option', { value: 'relative' }, 'Relative'), h('option', { value: 'delta' }, 'Delta'), h('option', { value: 'absolute' }, 'Absolute (UTC)')) as HTMLSelectElement;
timeSelect.value = state.timeFormat;
timeSelect.addEventListener('change', () => {
  state.timeFormat = timeSelect.value as TimeFormat;
  list.setOptions({ timeFormat: state.timeFormat });
  save();
});

const statusText = h('span', { class: 'summary-count muted', role: 'status', 'aria-live': 'polite' });
const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Capture' },
  filterBar.root,
  h('div', { class: 'toolbar-group', role: 'group', 'aria-label': 'Views' }, waterfallBtn, diagramBtn, connBtn),
  h('div', { class: 'toolbar-group', role: 'group', 'aria-label': 'Learn' }, playBtn, teachBtn, compareBtn),
  timeSelect,
  statusText);

const banner = h('div', { class: 'banner-area' });
const listPane = h('div', { class: 'pane list-pane' }, list.root);
const emptyState = h('div', { class: 'empty-state', role: 'status' });
emptyState.hidden = true;
listPane.append(emptyState);
const splitter = h('div', { class: 'splitter', role: 'separator', 'aria-orientation': 'vertical', 'aria-label': 'Resize the diagram', tabindex: 0 });
const diagramPane = h('div', { class: 'pane diagram-pane' }, diagram.root);
const main = h('div', { class: 'main' }, listPane, splitter, diagramPane);
const hSplitter = h('div', { class: 'splitter horizontal', role: 'separator', 'aria-orientation': 'horizontal', 'aria-label': 'Resize the details', tabindex: 0 });
const teachCard = h('section', { class: 'teach-card', role: 'region', 'aria-label': 'Teaching' });
const comparePanel = h('section', { class: 'compare', role: 'region', 'aria-label': 'Compare' });
const bottom = h('div', { class: 'bottom' }, details.root, teachCard, comparePanel);
const app = h('div', { class: 'app' }, toolbar, banner, main, hSplitter, bottom);
document.body.append(app);

function applyLayout(): void {
  diagramPane.hidden = !state.diagram;
  splitter.hidden = !state.diagram;
  main.classList.toggle('no-diagram', !state.diagram);
  details.root.hidden = state.teach || state.compare;
  teachCard.hidden = !state.teach;
  comparePanel.hidden = !state.compare || state.teach;
  for (const b of [waterfallBtn, diagramBtn, connBtn, teachBtn, compareBtn]) (b as HTMLElement & { sync?: () => void }).sync?.();
  if (state.diagram) updateDiagram();
}

function dragSplit(handle: HTMLElement, cssVar: string, axis: 'x' | 'y', container: HTMLElement): void {
  handle.addEventListener('pointerdown', (e) => {
    handle.setPointerCapture(e.pointerId);
    const rect = container.getBoundingClientRect();
    const move = (ev: PointerEvent) => {
      const frac = axis === 'x' ? (ev.clientX - rect.left) / rect.width : (ev.clientY - rect.top) / rect.height;
      container.style.setProperty(cssVar, `${Math.round(Math.max(0.2, Math.min(0.85, frac)) * 1000) / 10}%`);
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  });
  handle.addEventListener('keydown', (e) => {
    const cur = parseFloat(container.style.getPropertyValue(cssVar)) || (axis === 'x' ? 55 : 58);
    const d = (axis === 'x' ? { ArrowLeft: -5, ArrowRight: 5 } : { ArrowUp: -5, ArrowDown: 5 } as Record<string, number>)[e.key as 'ArrowLeft'];
    if (d) {
      container.style.setProperty(cssVar, `${Math.max(20, Math.min(85, cur + d))}%`);
      e.preventDefault();
    }
  });
}
dragSplit(splitter, '--list-width', 'x', main);
dragSplit(hSplitter, '--top-height', 'y', app);

// ── states: loading, empty, error ─────────────────────────────────────────────────────────────

function renderBanner(): void {
  fill(banner);
  if (analysis.running) {
    const pct = analysis.fileBytes ? analysis.bytesRead / analysis.fileBytes : 0;
    const bar = h('vscode-progress-bar', { 'aria-label': 'Decoding' });
    const cancel = h('vscode-button', { secondary: true }, 'Cancel');
    cancel.addEventListener('click', () => host.post({ type: 'analysis/cancel' }));
    banner.append(h('div', { class: 'banner info', role: 'status' }, bar, h('span', null, `Decoding ${analysis.file || 'capture'}… ${Math.round(pct * 100)}% · ${formatSize(analysis.bytesRead)} of ${formatSize(analysis.fileBytes)} · ${formatCount(analysis.frames)} frames · ${formatCount(analysis.calls)} calls`), cancel));
  }
  if (analysis.failed) {
    banner.append(h('div', { class: 'banner error', role: 'alert' }, icon('error'), h('span', null, `The capture could not be read: ${analysis.failed}`)));
  }
  if (analysis.damaged) {
    const d = analysis.damaged;
    banner.append(h('div', { class: 'banner warning', role: 'alert' }, icon('warning'), h('span', null, `The file is damaged (${d.reason}). Recovered what came before the damage: ${formatSize(d.bytesRead)} of ${formatSize(d.fileBytes)}, ${formatCount(analysis.frames)} frames, ${formatCount(analysis.calls)} calls.`)));
  }
  if (analysis.warnings.length && !analysis.damaged) {
    const w = analysis.warnings;
    const det = h('details', { class: 'banner warning' }, h('summary', null, icon('warning'), ` ${w.length} capture warning${w.length > 1 ? 's' : ''}: ${w[0].message}`), h('ul', null, ...w.slice(0, 50).map((x) => h('li', null, `${x.frame !== undefined ? `frame ${x.frame}: ` : ''}${x.message}`))));
    banner.append(det);
  }
}

function renderEmpty(): void {
  const empty = store.total === 0;
  emptyState.hidden = !empty;
  if (!empty) return;
  if (analysis.running || (!analysis.finished && !analysis.failed)) {
    fill(emptyState, h('div', { class: 'empty-title' }, 'Decoding…'), h('div', { class: 'muted' }, analysis.frames ? `${formatCount(analysis.frames)} frames read, no calls yet.` : 'Waiting for the first calls.'));
    return;
  }
  if (analysis.failed) return renderFileProblem();
  if (store.filter) {
    const clear = h('vscode-button', { secondary: true }, 'Clear the filter');
    clear.addEventListener('click', () => {
      filterBar.set('');
      setFilter('');
    });
    fill(emptyState, h('div', { class: 'empty-title' }, 'No calls match the filter'), h('div', { class: 'muted mono' }, store.filter), clear);
    return;
  }
  renderFileProblem();
}

/** No calls because of the file: it could not be read, holds no packets, or nothing in it is known. What to do next. */
function renderFileProblem(): void {
  const unrec = [...flows.values()].filter((f) => f.protocol === 'tcp' || f.protocol === 'udp');
  const t = emptyCaptureText({ failed: analysis.failed || undefined, frames: analysis.frames, unrecognised: unrec.length });
  const buttons = t.actions.map((a) => {
    const b = h('vscode-button', a.primary ? null : { secondary: true }, a.label);
    b.addEventListener('click', () => host.post({ type: 'command/run', command: a.command }));
    return b;
  });
  fill(
    emptyState,
    h('div', { class: 'empty-title' }, t.title),
    ...t.lines.map((l) => h('p', { class: 'muted empty-text' }, l)),
    unrec.length && !analysis.failed ? h('ul', { class: 'muted flow-list' }, ...unrec.slice(0, 8).map((f) => h('li', { class: 'mono' }, `${f.transport} ${f.client.ip}:${f.client.port} → ${f.server.ip}:${f.server.port} · ${formatSize(f.c2sBytes + f.s2cBytes)} · ${f.packets} packets`))) : null,
    h('div', { class: 'empty-actions' }, ...buttons),
  );
  details.showEmpty(t.title + '.');
}

function renderStatus(): void {
  const parts = [`${formatCount(store.total)} call${store.total === 1 ? '' : 's'}`];
  if (store.filter) parts[0] += store.total === 1 ? ' matches' : ' match';
  if (analysis.finished) parts.push(`${formatCount(analysis.frames)} frames`);
  if (moved && moved.to === state.selectedId && store.filter) parts.push(moved.note);
  statusText.textContent = parts.join(' · ');
}

// ── selection & details ───────────────────────────────────────────────────────────────────────

let detailsTimer: ReturnType<typeof setTimeout> | undefined;
let detailsWant: number | undefined;

async function fetchCall(id: number): Promise<Call | undefined> {
  const hit = callCache.get(id);
  if (hit) return hit;
  const a = await host.request({ type: 'call/details', id });
  if (a.call) {
    callCache.set(id, a.call);
    if (callCache.size > 200) callCache.delete(callCache.keys().next().value as number);
  }
  return a.call;
}

function selected(row: CallRow): void {
  state.selectedId = row.id;
  save();
  diagram.selectedId = row.id;
  details.showLoading();
  detailsWant = row.id;
  if (detailsTimer) clearTimeout(detailsTimer);
  detailsTimer = setTimeout(async () => {
    const call = await fetchCall(row.id);
    if (detailsWant !== row.id) return;
    if (call) {
      details.show(call, flows.get(call.flowId));
      if (state.teach) renderTeach();
      updateDiagram();
    } else details.showEmpty('This call is no longer available.');
  }, 60);
  updateDiagram();
  diagram.revealSelected();
  if (state.compare) void renderCompare();
}

list.onSelect = (row) => selected(row);
list.onOpen = () => {
  if (state.teach) return nextStep();
  details.focus();
};
list.onSort = (sort) => {
  state.sort = sort;
  save();
  store.setQuery(store.filter, sort);
  recheckSelection = true;
  list.renderHead();
};
diagram.onSelect = (id) => void revealCall(id);
diagram.onSizing = ({ sizing, zoom, laneWidth }) => {
  Object.assign(state, { diagramSizing: sizing, zoom, laneWidth });
  save();
};
diagram.onRename = (key, name) => {
  if (name) state.names[key] = name;
  else delete state.names[key];
  save();
  updateDiagram();
};
details.onOpenDefinition = (id) => host.post({ type: 'definition/open', id });

async function revealCall(id: number): Promise<void> {
  const index = await store.indexOf(id);
  if (index < 0) return;
  list.selectId(id, index);
  const known = store.byCallId(id);
  if (known) selected(known.row);
  else {
    store.ensure(index, index + 1);
    list.select(index);
  }
}

function setFilter(text: string): void {
  state.filter = text;
  save();
  store.setQuery(text, store.sort);
  recheckSelection = true;
  moved = undefined;
}

// ── the selection under a new filter or sort ─────────────────────────────────────────────────

/** The filter or sort changed: check where the selected call is once the first rows are back. */
let recheckSelection = false;
let selectionCheck = 0;
/** The selection moved off a call the filter hid (for the status line). */
let moved: { to: number; note: string } | undefined;

/**
 * Keeps the selected call selected (and in view) under the new query. When the filter hides it,
 * the selection moves to the nearest call that matches — what Wireshark does with a packet the
 * display filter hides; when nothing matches, nothing is selected and the details say why (the
 * call is remembered: clearing the filter selects it again).
 */
async function checkSelection(): Promise<void> {
  const id = state.selectedId;
  if (id === undefined || store.filterError) return;
  const check = ++selectionCheck;
  if (store.total === 0) {
    list.selectedId = undefined;
    list.selectedIndex = -1;
    diagram.selectedId = undefined;
    detailsWant = undefined;
    details.showEmpty('No call selected: no calls match the filter.');
    host.post({ type: 'call/unselect' });
    list.rowsChanged();
    return;
  }
  const index = await store.indexOf(id);
  if (check !== selectionCheck) return;
  if (index >= 0) {
    if (list.selectedId !== id || list.selectedIndex !== index || detailsWant !== id) await revealCall(id);
    else list.reveal(index);
    return;
  }
  const hidden = await fetchCall(id);
  if (!hidden || check !== selectionCheck) return;
  const filter = store.filter || undefined;
  const rowAt = async (i: number) => (await host.request({ type: 'calls/page', start: i, count: 1, filter, sort: { key: 'time', dir: 'asc' } })).rows[0];
  const near = await nearestIndex(store.total, { startUs: hidden.timing.startUs, id }, rowAt);
  const row = near >= 0 ? await rowAt(near) : undefined;
  if (!row || check !== selectionCheck) return;
  moved = { to: row.id, note: movedSelectionNote(hidden, row) };
  await revealCall(row.id);
  renderStatus();
}
filterBar.onApply = setFilter;

store.onChange = () => {
  list.rowsChanged();
  if (recheckSelection) {
    recheckSelection = false;
    void checkSelection();
  }
  filterBar.hostError(store.filterError);
  if (state.selectedId !== undefined && list.selectedIndex < 0) {
    const known = store.byCallId(state.selectedId);
    if (known) {
      list.selectId(known.row.id, known.index);
      selected(known.row);
    }
  } else if (list.selectedIndex < 0 && store.total > 0 && store.at(0)) list.select(0, false);
  if (analysis.startUs === undefined && store.sort.key === 'time' && store.sort.dir === 'asc' && store.at(0)) list.setOptions({ baseUs: store.at(0)!.startUs });
  renderEmpty();
  renderStatus();
  scheduleDiagram();
};

// ── diagram ───────────────────────────────────────────────────────────────────────────────────

let diagramTimer = 0;
function scheduleDiagram(): void {
  if (diagramTimer) return;
  diagramTimer = requestAnimationFrame(() => {
    diagramTimer = 0;
    updateDiagram();
  });
}

/** The diagram shows the calls around the list's view (and the selection), not the whole capture. */
function updateDiagram(): void {
  if (!state.diagram) return;
  const win = list.viewWindow();
  let start = win.start;
  let end = Math.max(win.end, start + 12);
  if (list.selectedIndex >= 0 && (list.selectedIndex < start || list.selectedIndex >= end)) {
    start = Math.max(0, list.selectedIndex - 6);
    end = start + 24;
  }
  const rows = store.loaded(Math.max(0, start - 4), Math.min(end + 4, start + 80)).map((x) => x.row);
  const messages = new Map<number, NonNullable<Call['messages']>>();
  for (const r of rows) {
    const c = callCache.get(r.id);
    if (c?.messages?.length) messages.set(r.id, c.messages);
  }
  diagram.selectedId = state.selectedId;
  diagram.update(rows, { showConnections: state.showConnections || state.teach, names: state.names, messages, flows });
}
list.root.querySelector('.grid-scroller')?.addEventListener('scroll', scheduleDiagram);

// ── teaching ──────────────────────────────────────────────────────────────────────────────────

function setTeach(on: boolean): void {
  state.teach = on;
  state.teachStep = 0;
  if (on) state.compare = false;
  save();
  if (on && !state.diagram) {
    state.diagram = true;
  }
  applyLayout();
  if (on) {
    if (list.selectedIndex < 0) list.select(0);
    renderTeach();
  } else {
    diagram.teach = undefined;
    diagram.paint();
  }
}

function previousOnFlow(call: Call): boolean {
  // An earlier call on the same connection among the loaded rows (time order).
  return store.loaded(Math.max(0, list.selectedIndex - 200), list.selectedIndex).some((x) => x.row.flowId === call.flowId && x.row.startUs < call.timing.startUs);
}

let steps: TeachStep[] = [];
function renderTeach(): void {
  const id = state.selectedId;
  const call = id !== undefined ? callCache.get(id) : undefined;
  if (!call) {
    fill(teachCard, h('div', { class: 'muted empty-panel' }, store.total ? 'Loading the call…' : 'No calls to explain yet.'));
    return;
  }
  steps = teachingSteps(call, flows.get(call.flowId), previousOnFlow(call));
  state.teachStep = Math.max(0, Math.min(state.teachStep, steps.length - 1));
  const step = steps[state.teachStep];
  save();
  diagram.teach = { callId: call.id, phases: step.phases, lifeline: step.lifeline };
  diagram.paint();
  // The step's arrows may be above or below the diagram's view (it was scrolled, the call is long).
  diagram.revealTeach();
  const text = h('p', { class: 'teach-text' });
  for (const p of textParts(step.text)) text.append(p.code ? h('code', null, p.text) : document.createTextNode(p.text));
  const prev = h('vscode-button', { secondary: true, title: 'Previous step (Shift+Space)' }, 'Previous');
  const next = h('vscode-button', { title: 'Next step (Space)' }, 'Next');
  prev.addEventListener('click', () => prevStep());
  next.addEventListener('click', () => nextStep());
  // The last step of the last call: nothing further to explain.
  if (state.teachStep >= steps.length - 1 && list.selectedIndex >= store.total - 1) next.setAttribute('disabled', '');
  if (state.teachStep === 0 && list.selectedIndex <= 0) prev.setAttribute('disabled', '');
  // (the server is a broker when the call's steps pass through one: not ZeroMQ's sockets, not an RPC)
  const brokered = steps.some((st) => st.stage === 'broker');
  const pipeline = h('ol', { class: 'pipeline', 'aria-label': 'Where this step happens' }, ...STAGES.map((s) => h('li', { class: s.stage === step.stage || (step.stage === 'broker' && s.stage === 'server') ? 'active' : '', 'aria-current': s.stage === step.stage ? 'step' : undefined }, s.stage === 'server' && brokered ? 'Broker' : s.label)));
  if (step.stage === 'connection') pipeline.classList.add('conn');
  fill(
    teachCard,
    h('div', { class: 'teach-head' }, h('span', { class: 'teach-call mono' }, `${protocolLabel(call.protocol)} · ${call.method}${targetAfterMethod(call.method, call.target) ? ' ' + call.target : ''}`), h('span', { class: 'muted' }, `call ${list.selectedIndex + 1} of ${formatCount(store.total)} · step ${state.teachStep + 1} of ${steps.length}`)),
    h('h2', { class: 'teach-title' }, step.title),
    pipeline,
    text,
    h('div', { class: 'teach-actions' }, prev, next, h('span', { class: 'muted' }, 'Space: next · Shift+Space: previous · Esc: leave')),
  );
}

function nextStep(): void {
  if (state.teachStep < steps.length - 1) {
    state.teachStep++;
    renderTeach();
  } else if (list.selectedIndex < store.total - 1) {
    state.teachStep = 0;
    list.select(list.selectedIndex + 1);
  }
}

function prevStep(): void {
  if (state.teachStep > 0) {
    state.teachStep--;
    renderTeach();
  } else if (list.selectedIndex > 0) {
    state.teachStep = 99; // clamped to the last step when the call arrives
    list.select(list.selectedIndex - 1);
  }
}

// ── play ──────────────────────────────────────────────────────────────────────────────────────

let playTimer: ReturnType<typeof setInterval> | undefined;
function togglePlay(): void {
  if (playTimer) {
    clearInterval(playTimer);
    playTimer = undefined;
    playBtn.textContent = '▶';
    playBtn.setAttribute('aria-label', 'Play');
    return;
  }
  playBtn.textContent = '⏸';
  playBtn.setAttribute('aria-label', 'Pause');
  playTimer = setInterval(() => {
    if (list.selectedIndex >= store.total - 1) return togglePlay();
    list.select(list.selectedIndex + 1);
  }, 900);
}

// ── compare ───────────────────────────────────────────────────────────────────────────────────

function setCompare(on: boolean): void {
  state.compare = on;
  if (on) state.teach = false;
  save();
  applyLayout();
  if (on) void renderCompare();
}

async function renderCompare(): Promise<void> {
  const base = state.selectedId !== undefined ? await fetchCall(state.selectedId) : undefined;
  fill(comparePanel, h('div', { class: 'muted empty-panel' }, 'Looking for the same operation in other protocols…'));
  const key = base ? `${base.method} ${base.target ?? ''}` : '';
  const candidates: Array<{ protocol: string; rows: Array<{ id: number; method: string; target?: string }> }> = [];
  for (const proto of COMPARED_PROTOCOLS) {
    if (base && base.protocol === proto) {
      // The selected call stands for its own protocol (it shares every word with itself).
      candidates.push({ protocol: proto, rows: [{ id: base.id, method: base.method, target: base.target }] });
      continue;
    }
    const page = await host.request({ type: 'calls/page', start: 0, count: 200, filter: `protocol == ${proto}`, sort: { key: 'time', dir: 'asc' } });
    candidates.push({ protocol: proto, rows: page.rows });
  }
  const picks: Call[] = [];
  for (const p of alikeCalls(key, candidates, base?.protocol)) {
    const c = p.row.id === base?.id ? base : await fetchCall(p.row.id);
    if (c) picks.push(c);
  }
  if (picks.length < 2) {
    // One column compares nothing: say what Compare is for and where it works instead.
    const hint = compareHint(picks.map((c) => c.protocol), [...new Set([...flows.values()].map((f) => f.protocol))]);
    fill(
      comparePanel,
      h('div', { class: 'compare-hint', role: 'note' },
        h('div', { class: 'empty-title' }, hint.title),
        h('p', null, hint.purpose),
        h('p', { class: 'compare-hint-capture' }, hint.capture),
        h('p', null, hint.howTo),
        h('pre', { class: 'mono compare-hint-command' }, hint.command)),
    );
    return;
  }
  const metrics = picks.map((c) => {
    const f = flows.get(c.flowId);
    const opens = !!f && f.synUs !== undefined && f.synUs <= c.timing.startUs && !store.loaded(0, store.total).some((x) => x.row.flowId === c.flowId && x.row.startUs < c.timing.startUs);
    return compareMetrics(c, f, opens);
  });
  fill(
    comparePanel,
    h('div', { class: 'teach-head' }, h('span', { class: 'section-title' }, 'The same kind of operation, different protocols'), h('span', { class: 'muted' }, 'Picked by the closest method name; click a call in the list to compare around it.')),
    compareTable(metrics),
    h('p', { class: 'muted note' }, 'Round trips count the TCP handshake when the call opened its own connection. Text formats (XML, JSON) cost bytes; gRPC pays for HTTP/2 framing but sends compact protobuf and reuses one connection.'),
  );
}

// ── keyboard ──────────────────────────────────────────────────────────────────────────────────

let pendingG = 0;
const LIST_KEYS = new Set(['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End', 'Enter', 'j', 'k']);
document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || t.isContentEditable;
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  // Nothing has the focus yet (the editor was just opened or clicked on empty space): the
  // arrows and Enter move in the call list rather than doing nothing until Tab reaches it.
  if ((t === document.body || t === document.documentElement) && LIST_KEYS.has(e.key) && store.total > 0) {
    list.focus();
    list.handleKey(e);
    return;
  }
  const now = Date.now();
  if (pendingG && now - pendingG < 1000 && e.key === 'd') {
    pendingG = 0;
    // The call the list has selected (none while the filter matches nothing).
    if (list.selectedId !== undefined) host.post({ type: 'definition/open', id: list.selectedId });
    e.preventDefault();
    return;
  }
  pendingG = e.key === 'g' ? now : 0;
  if (e.key === 'g') return;
  if (e.key === '/') {
    filterBar.input.focus();
    filterBar.input.select();
    e.preventDefault();
  } else if (e.key === ' ' && !(t instanceof HTMLButtonElement) && t.tagName !== 'VSCODE-BUTTON' && t.tagName !== 'SUMMARY') {
    if (state.teach) {
      if (e.shiftKey) prevStep();
      else nextStep();
    } else togglePlay();
    e.preventDefault();
  } else if (e.key === ']' || e.key === '[') {
    void sameConnection(e.key === ']' ? 1 : -1);
    e.preventDefault();
  } else if (e.key === 'Escape') {
    if (state.teach) setTeach(false);
    else if (state.compare) setCompare(false);
    else list.focus();
  }
});

/** `[` / `]`: previous / next call on the same connection (searching loaded rows, then the host). */
async function sameConnection(dir: 1 | -1): Promise<void> {
  const cur = store.at(list.selectedIndex);
  if (!cur) return;
  for (let i = list.selectedIndex + dir, n = 0; i >= 0 && i < store.total && n < 2000; i += dir, n++) {
    const r = store.at(i);
    if (!r) break;
    if (r.flowId === cur.flowId) return list.select(i);
  }
  const f = `flow == ${cur.flowId}${store.filter ? ` && (${store.filter})` : ''}`;
  const page = await host.request({ type: 'calls/page', start: 0, count: 1000, filter: f, sort: store.sort });
  const k = page.rows.findIndex((r) => r.id === cur.id);
  const target = page.rows[k + dir];
  if (k >= 0 && target) await revealCall(target.id);
}

// ── host messages ─────────────────────────────────────────────────────────────────────────────

function onHost(m: HostToWebview): void {
  switch (m.type) {
    case 'analysis/didStart':
      store.clear();
      Object.assign(analysis, { running: true, finished: false, failed: '', file: m.file, fileBytes: m.fileBytes, bytesRead: 0, frames: 0, calls: 0, warnings: [], damaged: undefined });
      break;
    case 'analysis/didProgress':
      Object.assign(analysis, { running: true, bytesRead: m.bytesRead, fileBytes: m.fileBytes, frames: m.frames, calls: m.calls });
      break;
    case 'analysis/didFinish':
      Object.assign(analysis, { running: false, finished: true, frames: m.frames, calls: m.calls, warnings: m.warnings, damaged: m.damaged, startUs: m.startUs, endUs: m.endUs });
      if (m.startUs !== undefined) list.setOptions({ baseUs: m.startUs, rangeUs: [m.startUs, m.endUs ?? m.startUs + 1] });
      if (m.fieldNames) filterBar.extraFields = m.fieldNames;
      store.refreshSoon();
      break;
    case 'analysis/didFail':
      Object.assign(analysis, { running: false, failed: m.message });
      break;
    case 'calls/didAppend':
      store.appended(m.rows, m.first);
      break;
    case 'flows/all':
      flows.clear();
      for (const f of m.flows) flows.set(f.id, f);
      if (analysis.startUs === undefined && m.flows.length) {
        // (loops: spreading 100k+ flows as arguments overflows the stack)
        let a = Infinity;
        let b = -Infinity;
        for (const f of m.flows) {
          if (f.startUs < a) a = f.startUs;
          if (f.endUs > b) b = f.endUs;
        }
        list.setOptions({ rangeUs: [a, b], baseUs: a });
      }
      scheduleDiagram();
      break;
    case 'call/reveal':
      if (m.ids.length) void revealCall(m.ids[0]);
      break;
    case 'settings/didChange':
      if (m.settings.timeFormat) {
        state.timeFormat = m.settings.timeFormat;
        timeSelect.value = state.timeFormat;
        list.setOptions({ timeFormat: state.timeFormat });
      }
      if (m.settings.showConnections !== undefined) state.showConnections = m.settings.showConnections;
      applyLayout();
      break;
    case 'view/show':
      showView(m.view);
      break;
    default:
      return;
  }
  renderBanner();
  renderEmpty();
  renderStatus();
}

function showView(v: ViewName): void {
  if (v === 'teach') return setTeach(true);
  if (v === 'compare') return setCompare(true);
  if (v === 'waterfall') state.waterfall = true;
  if (v === 'diagram') state.diagram = true;
  if (v === 'list') list.focus();
  list.setOptions({ waterfall: state.waterfall });
  applyLayout();
}

host.on(onHost);
list.setOptions({ timeFormat: state.timeFormat, waterfall: state.waterfall });
diagram.restore(state.diagramSizing, state.zoom, state.laneWidth);
applyLayout();
renderBanner();
renderEmpty();
host.post({ type: 'webview/ready' });
store.reset();
if (state.teach) renderTeach();
if (state.compare) void renderCompare();
