/**
 * The Bytes tab: offset · hex · text of each side of a call, frame boundaries shaded, and a
 * highlighted range for the field picked in the Request/Response tabs.
 */
import { h, fill } from './dom';
import type { ByteSegment } from './protocol';
import { hexLines, findBytes, httpBodyOffset } from './pretty';
import { formatSize } from './format';

export type Highlight = { part: 'request' | 'response' } & ({ kind: 'body' } | { kind: 'text'; text: string } | { kind: 'range'; start: number; length: number });

interface PartBytes {
  part: 'request' | 'response';
  title: string;
  bytes: Uint8Array;
  truncated?: boolean;
  segments?: ByteSegment[];
  /** `frames`: packets as captured (headers then payload per frame); `body`: the decoded body only. */
  source?: 'frames' | 'body';
  note?: string;
}

const WIDTH = 16;
const LINES_PER_CHUNK = 1024;

/** Offsets before a segment's payload are link/IP/TCP headers (only when the segments say where payloads start). */
export function headerTest(segments: ByteSegment[] | undefined): (off: number) => boolean {
  const withPayload = (segments ?? []).filter((s) => s.payloadOffset !== undefined);
  if (!withPayload.length) return () => false;
  const sorted = [...withPayload].sort((a, b) => a.offset - b.offset);
  return (off) => {
    const s = sorted[lastStartingAtOrBefore(sorted, off)];
    return off >= s.offset && off < s.payloadOffset! && off < s.offset + s.length;
  };
}

/** Index in `sorted` (by offset, non-empty) of the last segment starting at or before `off`; 0 when none does. */
function lastStartingAtOrBefore(sorted: ByteSegment[], off: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid].offset <= off) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Where a highlight falls in the bytes of its side: [start, end) or undefined. */
export function highlightRange(bytes: Uint8Array, hl: Highlight): [number, number] | undefined {
  if (hl.kind === 'range') return [hl.start, Math.min(bytes.length, hl.start + hl.length)];
  if (hl.kind === 'body') {
    const at = httpBodyOffset(bytes);
    return at < 0 ? (bytes.length ? [0, bytes.length] : undefined) : at < bytes.length ? [at, bytes.length] : undefined;
  }
  const i = findBytes(bytes, hl.text);
  return i < 0 ? undefined : [i, i + new TextEncoder().encode(hl.text).length];
}

export class HexView {
  readonly root: HTMLElement;
  private parts: PartBytes[] = [];
  private readonly shown = new Map<string, number>();
  private current: { part: string; range: [number, number] } | undefined;

  constructor() {
    this.root = h('div', { class: 'hex', role: 'region', 'aria-label': 'Bytes' });
  }

  clear(): void {
    fill(this.root, h('div', { class: 'muted empty-panel' }, 'Open this tab to load the bytes of the call.'));
    this.parts = [];
    this.current = undefined;
  }

  loading(): void {
    fill(this.root, h('div', { class: 'muted empty-panel' }, 'Loading bytes…'));
  }

  show(parts: PartBytes[]): void {
    this.parts = parts;
    this.shown.clear();
    this.render();
  }

  highlight(hl: Highlight): void {
    const p = this.parts.find((x) => x.part === hl.part);
    if (!p) return;
    const range = highlightRange(p.bytes, hl);
    this.current = range ? { part: hl.part, range } : undefined;
    if (range) this.shown.set(hl.part, Math.max(this.shown.get(hl.part) ?? LINES_PER_CHUNK, Math.ceil(range[1] / WIDTH) + 8));
    this.render();
    const first = this.root.querySelector('.hl');
    first?.scrollIntoView({ block: 'center' });
    if (!range) this.root.prepend(h('div', { class: 'muted note', role: 'status' }, 'That field was not found in the bytes (it may be compressed or HPACK-encoded).'));
  }

  private render(): void {
    fill(this.root);
    for (const p of this.parts) {
      const maxLines = this.shown.get(p.part) ?? LINES_PER_CHUNK;
      const section = h('section', { class: 'hex-part', 'aria-label': p.title });
      const framed = p.source === 'frames';
      const count = p.segments?.length ?? 0;
      const what = framed ? ` in ${count} packet${count === 1 ? '' : 's'}, as captured` : p.source === 'body' ? ', decoded body' : count ? ` in ${count} segment${count > 1 ? 's' : ''}` : '';
      section.append(h('div', { class: 'section-title' }, p.title, ' ', h('span', { class: 'muted' }, `${formatSize(p.bytes.length)}${p.truncated ? ' (cut)' : ''}${what}`)));
      if (p.note) section.append(h('div', { class: 'muted note', role: 'note' }, p.note));
      if (!p.bytes.length) {
        section.append(h('div', { class: 'muted note' }, 'No bytes.'));
        this.root.append(section);
        continue;
      }
      const segOf = segmentIndex(p.segments);
      const isHeader = headerTest(p.segments);
      const hl = this.current?.part === p.part ? this.current.range : undefined;
      const grid = h('div', { class: 'hex-grid mono', role: 'table', 'aria-label': `${p.part} bytes` });
      for (const line of hexLines(p.bytes, WIDTH, 0, maxLines)) {
        const hexCell = h('span', { class: 'hex-bytes' });
        const txtCell = h('span', { class: 'hex-text' });
        line.bytes.forEach((b, k) => {
          const off = line.offset + k;
          const head = isHeader(off);
          const cls = `seg${segOf(off) % 2}${head ? ' hdr' : ''}${hl && !head && off >= hl[0] && off < hl[1] ? ' hl' : ''}`;
          hexCell.append(h('span', { class: cls }, b.toString(16).padStart(2, '0')));
          txtCell.append(h('span', { class: cls }, line.ascii[k]));
        });
        grid.append(h('div', { class: 'hex-line', role: 'row' }, h('span', { class: 'hex-off', role: 'cell' }, line.offset.toString(16).padStart(6, '0')), hexCell, txtCell));
      }
      section.append(grid);
      const lines = Math.ceil(p.bytes.length / WIDTH);
      if (lines > maxLines) {
        const more = h('button', { type: 'button', class: 'link-button' }, `Show ${formatSize(Math.min(lines - maxLines, LINES_PER_CHUNK) * WIDTH)} more`);
        more.addEventListener('click', () => {
          this.shown.set(p.part, maxLines + LINES_PER_CHUNK);
          this.render();
        });
        section.append(more);
      }
      if (framed && p.segments?.length) section.append(h('div', { class: 'muted note' }, `Frames ${p.segments.map((s) => s.frame).join(', ')}; shading alternates per frame, and link, IP and TCP/UDP headers are dimmed before each frame's payload.`));
      else if (p.segments?.length) section.append(h('div', { class: 'muted note' }, `Shading alternates per TCP segment: frames ${p.segments.map((s) => s.frame).join(', ')}.`));
      this.root.append(section);
    }
  }
}

function segmentIndex(segments: ByteSegment[] | undefined): (off: number) => number {
  if (!segments?.length) return () => 0;
  const sorted = [...segments].sort((a, b) => a.offset - b.offset);
  return (off) => lastStartingAtOrBefore(sorted, off);
}
