/**
 * The sequence diagram: lifeline names in a sticky header (buttons: Enter or double-click to
 * rename), an SVG body with one `<g class="arrow" data-call-id>` per arrow. Zoom with the
 * buttons, Ctrl+wheel or +/-; pan by dragging or scrolling.
 *
 * Sizing: by default the lanes narrow to fit the pane (down to MIN_LANE_PX, then it scrolls
 * sideways) at 100%; Fit also zooms out when that is not enough; zooming by hand keeps the lane
 * width and the zoom the user chose until Fit or 0 (back to the default).
 */
import { h, s, fill, clear } from './dom';
import { clientLifeline, labelSlots, layoutDiagram, scrollToShow, LANE_PX, type ArrowPhase, type DiagramLayout, type LayoutOptions } from './diagram-layout';
import type { CallRow } from './protocol';
import { formatDuration } from './format';

/**
 * How the diagram is sized: `lanes` (the default) fits the lanes to the pane at 100%, `fit` (the
 * Fit button) shows the whole width even if that means zooming out, `manual` is the user's zoom.
 */
export type DiagramSizing = 'lanes' | 'fit' | 'manual';

/** Below this on-screen lane width the lifeline names alternate between two rows. */
const STAGGER_BELOW_PX = 120;
/** Room kept for the vertical scrollbar, so that fitting does not depend on whether it shows. */
const SCROLLBAR_PX = 12;
const MIN_ZOOM = 0.3;
const MAX_ZOOM = 3;

export interface TeachHighlight {
  callId: number;
  phases: ArrowPhase[];
  /** A lifeline to emphasise (the stub that is working at this step). */
  lifeline?: 'client' | 'server';
}

export class Diagram {
  readonly root: HTMLElement;
  private readonly head: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly zoomLabel: HTMLElement;
  private readonly fitButton: HTMLElement;
  private zoom = 1;
  private sizing: DiagramSizing = 'lanes';
  /** The lane width kept while the user zooms by hand. */
  private manualLane = LANE_PX;
  /** The pane width the layout was made for. */
  private paneWidth = 0;
  private layout: DiagramLayout = { lifelines: [], arrows: [], laneWidth: LANE_PX, width: 0, height: 0 };
  private rows: CallRow[] = [];
  private opts: LayoutOptions = { showConnections: true };
  selectedId: number | undefined;
  teach: TeachHighlight | undefined;
  onSelect: (callId: number) => void = () => {};
  onRename: (key: string, name: string | undefined) => void = () => {};
  /** The sizing changed (a zoom, Fit, 0): for the view state. */
  onSizing: (s: { sizing: DiagramSizing; zoom: number; laneWidth: number }) => void = () => {};

  constructor() {
    const btn = (label: string, title: string, fn: () => void) => {
      const b = h('vscode-button', { secondary: true, class: 'tool', title, 'aria-label': title }, label);
      b.addEventListener('click', fn);
      return b;
    };
    this.zoomLabel = h('span', { class: 'muted zoom-label', 'aria-live': 'polite' }, '100%');
    this.fitButton = btn('Fit', 'Fit the whole width in the pane (zooms out if the lanes cannot narrow enough)', () => this.fit());
    const tools = h('div', { class: 'diagram-tools', role: 'toolbar', 'aria-label': 'Diagram zoom' }, btn('−', 'Zoom out', () => this.zoomBy(1 / 1.25)), this.zoomLabel, btn('+', 'Zoom in', () => this.zoomBy(1.25)), this.fitButton);
    this.head = h('div', { class: 'diagram-head' });
    this.svg = s('svg', { class: 'diagram-svg', role: 'img', 'aria-label': 'Sequence diagram' });
    this.scroller = h('div', { class: 'diagram-scroller', tabindex: 0, 'aria-label': 'Sequence diagram, drag or scroll to pan' }, this.head, this.svg);
    this.root = h('section', { class: 'diagram', 'aria-label': 'Sequence diagram' }, tools, this.scroller);
    this.svg.addEventListener('click', (e) => {
      const g = (e.target as Element).closest('.arrow');
      if (g) this.onSelect(Number(g.getAttribute('data-call-id')));
    });
    this.scroller.addEventListener('wheel', (e) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      this.zoomBy(e.deltaY < 0 ? 1.1 : 1 / 1.1);
    }, { passive: false });
    this.scroller.addEventListener('keydown', (e) => {
      if (e.key === '+' || e.key === '=') this.zoomBy(1.25);
      else if (e.key === '-') this.zoomBy(1 / 1.25);
      else if (e.key === '0') this.setSizing('lanes');
      else return;
      e.preventDefault();
    });
    // A wider or narrower pane refits the lanes (not the user's own zoom).
    new ResizeObserver(() => {
      if (this.sizing !== 'manual' && Math.abs(this.availableWidth() - this.paneWidth) >= 1) this.relayout();
    }).observe(this.root);
    let drag: { x: number; y: number; left: number; top: number; moved: boolean } | undefined;
    this.svg.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, left: this.scroller.scrollLeft, top: this.scroller.scrollTop, moved: false };
    });
    window.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      drag.moved = true;
      this.scroller.classList.add('panning');
      this.scroller.scrollLeft = drag.left - dx;
      this.scroller.scrollTop = drag.top - dy;
    });
    window.addEventListener('pointerup', () => {
      drag = undefined;
      this.scroller.classList.remove('panning');
    });
  }

  get currentZoom(): number {
    return this.zoom;
  }

  get currentSizing(): DiagramSizing {
    return this.sizing;
  }

  /** Restores a saved sizing (the view state) without reporting it back. */
  restore(sizing: DiagramSizing | undefined, zoom: number | undefined, laneWidth: number | undefined): void {
    this.sizing = sizing === 'fit' || sizing === 'manual' ? sizing : 'lanes';
    if (this.sizing === 'manual') {
      this.zoom = clampZoom(zoom ?? 1);
      this.manualLane = laneWidth && laneWidth > 0 ? laneWidth : LANE_PX;
    }
    this.relayout(false);
  }

  /** Zoom by hand: the lanes keep the width they have now, the zoom is the user's from here on. */
  zoomBy(factor: number): void {
    this.manualLane = this.layout.laneWidth;
    this.sizing = 'manual';
    this.zoom = clampZoom(this.zoom * factor);
    this.relayout();
  }

  /** Fit: the whole width in the pane — lanes as narrow as allowed, then zoomed out if need be. */
  fit(): void {
    this.setSizing('fit');
  }

  setSizing(sizing: Exclude<DiagramSizing, 'manual'>): void {
    this.sizing = sizing;
    this.relayout();
  }

  update(rows: CallRow[], opts: LayoutOptions): void {
    this.rows = rows;
    this.opts = opts;
    this.relayout(false);
  }

  /** The pane's width available to the diagram (0 while hidden). */
  private availableWidth(): number {
    return Math.max(0, this.root.clientWidth - SCROLLBAR_PX);
  }

  private relayout(report = true): void {
    this.paneWidth = this.availableWidth();
    const fitting = this.sizing !== 'manual' && this.paneWidth > 0;
    this.layout = layoutDiagram(this.rows, { ...this.opts, fitWidth: fitting ? this.paneWidth : undefined, laneWidth: this.sizing === 'manual' ? this.manualLane : undefined });
    if (this.sizing === 'lanes') this.zoom = 1;
    else if (this.sizing === 'fit') this.zoom = fitting && this.layout.width > this.paneWidth ? clampZoom(this.paneWidth / this.layout.width) : 1;
    this.zoomLabel.textContent = `${Math.round(this.zoom * 100)}%`;
    this.zoomLabel.title = this.sizing === 'manual' ? 'Your zoom (0: fit the lanes to the pane again)' : this.sizing === 'fit' ? 'The whole width fits the pane' : 'Lanes fitted to the pane';
    this.fitButton.setAttribute('aria-pressed', this.sizing === 'fit' ? 'true' : 'false');
    this.paint();
    if (report) this.onSizing({ sizing: this.sizing, zoom: this.zoom, laneWidth: this.manualLane });
  }

  /** Scrolls so that the selected call's first arrow is in view. */
  revealSelected(): void {
    const a = this.layout.arrows.find((x) => x.callId === this.selectedId && (x.phase === 'request' || x.phase === 'publish' || x.phase === 'deliver' || x.phase === 'message'));
    if (!a) return;
    const y = a.y * this.zoom;
    const top = this.scroller.scrollTop;
    const hgt = this.scroller.clientHeight;
    if (y < top + 40 || y > top + hgt - 30) this.scroller.scrollTop = Math.max(0, y - hgt / 3);
  }

  /** Scrolls so that the arrows of the teaching step (the handshake, the request…) are in view. */
  revealTeach(): void {
    const t = this.teach;
    if (!t) return;
    const ys = this.layout.arrows.filter((a) => a.callId === t.callId && t.phases.includes(a.phase)).map((a) => a.y * this.zoom);
    if (!ys.length) return;
    // The lifeline names stick over the top of the view: the arrows have the rest.
    const room = this.scroller.clientHeight - this.head.offsetHeight;
    const top = scrollToShow(Math.min(...ys) - 14 * this.zoom, Math.max(...ys) + 6 * this.zoom, this.scroller.scrollTop, room);
    if (top !== undefined) this.scroller.scrollTop = top;
  }

  paint(): void {
    const L = this.layout;
    const z = this.zoom;
    const W = Math.max(L.width, 200);
    const H = Math.max(L.height, 60);
    this.svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.svg.setAttribute('width', String(W * z));
    this.svg.setAttribute('height', String(H * z));
    this.svg.setAttribute('aria-label', `Sequence diagram: ${L.lifelines.length} lifelines (${L.lifelines.map((l) => l.label).join(', ')}), ${L.arrows.length} arrows`);
    this.svg.classList.toggle('teaching', !!this.teach);
    clear(this.svg);
    // Lifeline names in the sticky HTML header, aligned with the SVG lanes.
    fill(this.head);
    this.head.style.width = `${W * z}px`;
    // Narrow lanes: names alternate between two rows, so each may be twice as wide (then an ellipsis).
    const staggered = L.laneWidth * z < STAGGER_BELOW_PX && L.lifelines.length > 1;
    this.head.classList.toggle('staggered', staggered);
    const slots = labelSlots(L.lifelines.map((l) => l.x * z), W * z, staggered ? 2 : 1);
    const labels: HTMLElement[] = [];
    L.lifelines.forEach((l, i) => {
      const b = h('button', { class: `lifeline-label role-${l.role}${staggered && i % 2 ? ' lower' : ''}`, type: 'button', title: `${l.label} — ${l.detail}\nEnter or double-click to rename`, 'data-lifeline': l.key }, l.label);
      b.style.left = `${l.x * z}px`;
      b.style.maxWidth = `${Math.floor(Math.min(160, slots[i].to - slots[i].from))}px`;
      if (this.teach?.lifeline) {
        const row = this.rows.find((r) => r.id === this.teach!.callId);
        const k = row ? (this.teach.lifeline === 'client' ? clientLifeline(row).key : `s:${row.server}`) : undefined;
        if (k === l.key) b.classList.add('active');
      }
      const rename = () => this.startRename(b, l.key, l.label);
      b.addEventListener('dblclick', rename);
      b.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === 'F2') {
          e.preventDefault();
          rename();
        }
      });
      this.head.append(b);
      labels.push(b);
    });
    // A name longer than half its slot on one side (the outer lanes) moves in, inside its slot.
    labels.forEach((b, i) => {
      const w = b.offsetWidth;
      const x = parseFloat(b.style.left);
      const left = Math.max(slots[i].from, Math.min(slots[i].to - w, x - w / 2));
      if (Math.abs(left - (x - w / 2)) > 0.5) b.style.left = `${left + w / 2}px`;
    });
    const defs = s('defs');
    for (const tone of ['none', 'ok', 'error', 'pending', 'aborted', 'conn']) {
      defs.append(s('marker', { id: `ah-${tone}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse', class: `marker tone-${tone}` }, s('path', { d: 'M0 0 10 5 0 10z' })));
    }
    this.svg.append(defs);
    const lanes = s('g', { class: 'lifelines' });
    for (const l of L.lifelines) {
      lanes.append(s('line', { class: `lifeline role-${l.role}`, x1: l.x, x2: l.x, y1: 0, y2: H }));
      // Lifeline labels inside the SVG too (for the accessible picture and for export).
      lanes.append(s('text', { class: 'lifeline-name', x: l.x, y: 10, 'text-anchor': 'middle' }, l.label));
    }
    this.svg.append(lanes);
    const arrows = s('g', { class: 'arrows' });
    let lastTs: number | undefined;
    for (const a of L.arrows) {
      const dir = a.x2 >= a.x1 ? 1 : -1;
      const self = a.x1 === a.x2;
      const inTeach = this.teach && this.teach.callId === a.callId && this.teach.phases.includes(a.phase);
      const g = s('g', {
        class: `arrow phase-${a.phase} tone-${a.tone} fam-${a.family}${a.callId === this.selectedId ? ' selected' : ''}${inTeach ? ' current' : ''}`,
        'data-call-id': a.callId,
        'data-phase': a.phase,
      });
      g.append(s('title', null, `${a.label} — call ${a.callId}`));
      const x1 = a.x1 + dir * 3;
      const x2 = a.x2 - dir * 3;
      if (self) g.append(s('path', { class: 'arrow-line', d: `M${a.x1} ${a.y - 8} h30 v12 h-27`, 'marker-end': `url(#ah-${a.tone})`, 'stroke-dasharray': a.dashed ? '4 3' : undefined }));
      else g.append(s('line', { class: 'arrow-line', x1, x2, y1: a.y, y2: a.y, 'marker-end': `url(#ah-${a.tone})`, 'stroke-dasharray': a.dashed ? '4 3' : undefined }));
      // A wide transparent hit area makes thin arrows easy to click.
      g.append(s('rect', { class: 'arrow-hit', x: Math.min(a.x1, a.x2), y: a.y - 14, width: Math.max(30, Math.abs(a.x2 - a.x1)), height: 18 }));
      g.append(s('text', { class: 'arrow-label', x: a.labelX, y: a.y - 5, 'text-anchor': 'middle' }, a.label));
      arrows.append(g);
      // Time gutter: relative to the previous arrow, so gaps stand out.
      const dt = lastTs === undefined ? '' : `+${formatDuration(a.tsUs - lastTs)}`;
      lastTs = a.tsUs;
      if (dt) arrows.append(s('text', { class: 'gutter-time', x: 6, y: a.y + 4 }, dt));
    }
    this.svg.append(arrows);
    if (!L.arrows.length) this.svg.append(s('text', { class: 'empty-note', x: 20, y: 40 }, 'No calls in view.'));
  }

  private startRename(button: HTMLElement, key: string, current: string): void {
    const input = h('input', { class: 'lifeline-input', type: 'text', 'aria-label': 'Lifeline name', value: current }) as HTMLInputElement;
    input.style.left = button.style.left;
    button.replaceWith(input);
    input.focus();
    input.select();
    let done = false;
    const finish = (commit: boolean) => {
      if (done) return;
      done = true;
      const v = input.value.trim();
      if (commit && v !== current) this.onRename(key, v || undefined);
      this.paint();
      (this.head.querySelector(`[data-lifeline="${CSS.escape(key)}"]`) as HTMLElement | null)?.focus();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') finish(true);
      else if (e.key === 'Escape') finish(false);
      e.stopPropagation();
    });
    input.addEventListener('blur', () => finish(true));
  }
}

function clampZoom(z: number): number {
  return Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, z));
}
