/**
 * Tiny DOM builders. Everything from a capture is untrusted: text goes in through textContent
 * (here: `h(…, 'text')` children and `text` props), attributes through setAttribute — never
 * innerHTML. `href`/`src`/event-handler attributes are refused outright so that no captured
 * string can ever become a link or a handler.
 */

type Child = Node | string | number | null | undefined | false;
export type Props = Record<string, string | number | boolean | null | undefined | EventListener>;

const FORBIDDEN_ATTR = /^(on|href$|src$|srcdoc$|formaction$|xlink:href$|action$)/i;

function setProps(el: Element, props: Props | undefined): void {
  if (!props) return;
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') {
      // `onclick: fn` → addEventListener('click', fn): our own code, never data.
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v as EventListener);
      continue;
    }
    if (k === 'text') {
      el.textContent = String(v);
      continue;
    }
    if (FORBIDDEN_ATTR.test(k)) throw new Error(`refusing attribute ${k}`);
    if (k === 'class') el.setAttribute('class', String(v));
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** createElement with props and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement;
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  setProps(el, props ?? undefined);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** createElementNS for SVG, same rules as h(). */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props ?? undefined);
  append(el, children);
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  clear(el);
  append(el, children);
}

/** Small monochrome icons drawn with currentColor (own paths; no icon font needed). */
const ICONS: Record<string, string> = {
  ok: 'M6.3 11.3 3 8l1-1 2.3 2.3L12 3.6l1 1z',
  error: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zm2.9 8.4-1 1L8 9 6.1 10.9l-1-1L7 8 5.1 6.1l1-1L8 7l1.9-1.9 1 1L9 8z',
  pending: 'M3 8a1.2 1.2 0 1 0 2.4 0A1.2 1.2 0 0 0 3 8zm3.8 0a1.2 1.2 0 1 0 2.4 0 1.2 1.2 0 0 0-2.4 0zm3.8 0a1.2 1.2 0 1 0 2.4 0 1.2 1.2 0 0 0-2.4 0z',
  aborted: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM3 8a5 5 0 0 1 8-4L4 11a5 5 0 0 1-1-3zm5 5a5 5 0 0 1-3-1l7-7a5 5 0 0 1-4 8z',
  warning: 'M8 1 .8 14h14.4zm-.7 4h1.4v5H7.3zm0 6h1.4v1.4H7.3z',
  arrow: 'M9 3.5 13.5 8 9 12.5l-1-1L10.8 8.7H2.5V7.3h8.3L8 4.5z',
  oneway: 'M2 7.3h9.5L9 4.8l1-1L14.2 8 10 12.2l-1-1 2.5-2.5H2z',
  play: 'M4 2.5v11L13 8z',
  next: 'M3 2.5v11L10 8zM11 2.5h1.6v11H11z',
  prev: 'M13 2.5v11L6 8zM5 2.5H3.4v11H5z',
  filter: 'M1.5 2.5h13L9.5 8.5v5l-3-1.5V8.5z',
  close: 'M8 7 12 3l1 1-4 4 4 4-1 1-4-4-4 4-1-1 4-4-4-4 1-1z',
  definition: 'M3 2h7l3 3v9H3zm1.3 1.3v9.4h7.4V5.6H9.4V3.3z',
};

export function icon(name: keyof typeof ICONS | string, label?: string): SVGSVGElement {
  const el = s('svg', { class: `icon icon-${name}`, viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': label ? undefined : 'true', role: label ? 'img' : undefined, 'aria-label': label });
  el.appendChild(s('path', { d: ICONS[name] ?? ICONS.pending, fill: 'currentColor' }));
  return el;
}
