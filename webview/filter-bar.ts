/**
 * The filter input: validated locally as you type (error shown inline with its position),
 * field/operator/value completion in a listbox, applied on Enter (or after a pause) — the host
 * does the filtering since it holds all rows.
 */
import { h, fill } from './dom';
import { parseFilter, completeFilter, type CompletionItem } from '../decoders/filter/index';
import { unknownFieldHint, withSuggestion } from '../decoders/filter/hint';

export class FilterBar {
  readonly root: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly error: HTMLElement;
  private readonly list: HTMLElement;
  private items: CompletionItem[] = [];
  private active = -1;
  private range: { from: number; to: number } = { from: 0, to: 0 };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private applied = '';
  private captureFields: string[] | undefined;
  onApply: (filter: string) => void = () => {};

  constructor() {
    this.input = h('input', {
      class: 'filter-input mono',
      type: 'text',
      spellcheck: 'false',
      autocomplete: 'off',
      // Short enough not to be cut beside the toolbar, and true of every capture (not only gRPC ones).
      placeholder: 'Filter, e.g. status >= 400',
      title: 'Filter the calls (/ focuses it): protocol, method, target, status, duration, size, client, server, http.status, grpc.status, mqtt.topic… Enter applies it.',
      'aria-label': 'Filter calls',
      role: 'combobox',
      'aria-autocomplete': 'list',
      'aria-expanded': 'false',
      'aria-controls': 'filter-completions',
      'aria-describedby': 'filter-error',
    }) as HTMLInputElement;
    this.error = h('div', { id: 'filter-error', class: 'filter-error', role: 'alert' });
    this.list = h('div', { id: 'filter-completions', class: 'completions', role: 'listbox', 'aria-label': 'Filter completions' });
    this.list.hidden = true;
    const clearBtn = h('button', { class: 'icon-button filter-clear', type: 'button', title: 'Clear the filter', 'aria-label': 'Clear the filter' }, '×');
    clearBtn.addEventListener('click', () => {
      this.set('');
      this.apply();
      this.input.focus();
    });
    this.root = h('div', { class: 'filter' }, h('div', { class: 'filter-box' }, this.input, clearBtn), this.list, this.error);
    this.input.addEventListener('input', () => {
      this.validate();
      this.complete();
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.apply(), 600);
    });
    this.input.addEventListener('keydown', (e) => this.keydown(e));
    this.input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    this.input.addEventListener('focus', () => this.complete());
    this.list.addEventListener('mousedown', (e) => {
      const opt = (e.target as Element).closest<HTMLElement>('[role=option]');
      if (!opt) return;
      e.preventDefault();
      this.choose(Number(opt.dataset.i));
    });
  }

  /** Field names the capture's calls have (known once decoding finished): completion, and a warning for a name none has. */
  get extraFields(): string[] {
    return this.captureFields ?? [];
  }

  set extraFields(names: string[]) {
    this.captureFields = names;
    this.validate(true);
  }

  get value(): string {
    return this.input.value;
  }

  set(text: string): void {
    this.input.value = text;
    this.validate(true);
  }

  /** Shows an error reported by the host (same shape as the local one). */
  hostError(err: { message: string; start: number; end: number } | undefined): void {
    if (err) this.showError(err.message, err.start, err.end);
  }

  /** True when the text parses. `hint`: also warn about a field no call has (once applied, not at each key). */
  validate(hint = false): boolean {
    const r = parseFilter(this.input.value);
    if (r.ok) {
      this.error.textContent = '';
      this.input.removeAttribute('aria-invalid');
      this.root.classList.remove('invalid');
      // It parses, but a field no call has (a typo: http.stauts) would match nothing in silence.
      const h = hint ? unknownFieldHint(this.input.value, this.captureFields) : undefined;
      this.error.classList.toggle('hint', !!h);
      if (h) this.showError(h.message, h.start, h.end, true);
      return true;
    }
    this.error.classList.remove('hint');
    this.showError(withSuggestion(r.error.message), r.error.start, r.error.end);
    return false;
  }

  private showError(message: string, start: number, end: number, warning = false): void {
    const text = this.input.value;
    if (!warning) {
      this.input.setAttribute('aria-invalid', 'true');
      this.root.classList.add('invalid');
    }
    // "col 14: expected a value after '>='" and the text with the culprit marked.
    const mark = text.slice(start, Math.max(end, start + 1)) || ' ';
    fill(this.error, h('span', { class: 'filter-error-pos' }, `col ${start + 1}: `), message, '  ', h('span', { class: 'filter-error-context mono' }, text.slice(Math.max(0, start - 12), start), h('mark', null, mark), text.slice(Math.max(end, start + 1), Math.max(end, start + 1) + 12)));
  }

  apply(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.validate(true)) return;
    const v = this.input.value.trim();
    if (v === this.applied) return;
    this.applied = v;
    this.onApply(v);
  }

  private complete(): void {
    const c = completeFilter(this.input.value, this.input.selectionStart ?? this.input.value.length, this.extraFields);
    this.items = c.items.slice(0, 12);
    this.range = { from: c.from, to: c.to };
    this.active = -1;
    if (!this.items.length || document.activeElement !== this.input) return this.close();
    fill(
      this.list,
      ...this.items.map((it, i) => h('div', { class: 'completion', role: 'option', id: `completion-${i}`, 'data-i': i, 'aria-selected': 'false' }, h('span', { class: 'mono' }, it.label), it.detail ? h('span', { class: 'muted' }, it.detail) : null)),
    );
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
  }

  private close(): void {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    this.active = -1;
  }

  private move(d: number): void {
    if (this.list.hidden || !this.items.length) return;
    this.active = (this.active + d + this.items.length) % this.items.length;
    this.list.querySelectorAll('[role=option]').forEach((el, i) => el.setAttribute('aria-selected', i === this.active ? 'true' : 'false'));
    this.input.setAttribute('aria-activedescendant', `completion-${this.active}`);
    this.list.querySelector(`#completion-${this.active}`)?.scrollIntoView({ block: 'nearest' });
  }

  private choose(i: number): void {
    const it = this.items[i];
    if (!it) return;
    const v = this.input.value;
    const ins = it.insert ?? it.label;
    const after = v.slice(this.range.to);
    const sep = after.startsWith(' ') || ins.endsWith('{') ? '' : ' ';
    this.input.value = v.slice(0, this.range.from) + ins + sep + after;
    const caret = this.range.from + ins.length + sep.length;
    this.input.setSelectionRange(caret, caret);
    this.validate();
    this.complete();
  }

  private keydown(e: KeyboardEvent): void {
    if (e.key === 'ArrowDown') {
      if (this.list.hidden) this.complete();
      else this.move(1);
      e.preventDefault();
    } else if (e.key === 'ArrowUp') {
      this.move(-1);
      e.preventDefault();
    } else if ((e.key === 'Tab' || e.key === 'Enter') && !this.list.hidden && this.active >= 0) {
      this.choose(this.active);
      e.preventDefault();
    } else if (e.key === 'Enter') {
      this.close();
      this.apply();
      e.preventDefault();
    } else if (e.key === 'Escape') {
      if (!this.list.hidden) this.close();
      else this.input.blur();
      e.preventDefault();
      e.stopPropagation();
    } else if (e.key === ' ' && e.ctrlKey) {
      this.complete();
      e.preventDefault();
    }
  }
}
