/**
 * The channel to the extension host: typed posts, request/answer pairing by requestId, and the
 * webview's persisted view state (setState — the panel does not retain its context when hidden).
 */
import type { HostToWebview, WebviewToHost } from './protocol';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

type Answer = Extract<HostToWebview, { requestId: number }>;
type Request = Extract<WebviewToHost, { requestId: number }>;
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export class Host {
  private readonly api: VsCodeApi;
  private nextId = 1;
  private readonly waiting = new Map<number, (m: Answer) => void>();
  private listeners: Array<(m: HostToWebview) => void> = [];

  constructor() {
    this.api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : fallbackApi();
    window.addEventListener('message', (e: MessageEvent) => {
      const m = e.data as HostToWebview;
      if (!m || typeof m !== 'object' || typeof (m as { type?: unknown }).type !== 'string') return;
      if ('requestId' in m && typeof m.requestId === 'number') {
        const done = this.waiting.get(m.requestId);
        if (done) {
          this.waiting.delete(m.requestId);
          done(m as Answer);
          return;
        }
      }
      for (const l of this.listeners) l(m);
    });
  }

  on(listener: (m: HostToWebview) => void): void {
    this.listeners.push(listener);
  }

  post(m: WebviewToHost): void {
    this.api.postMessage(m);
  }

  /** Sends a request and resolves with the host's answer of the same requestId. */
  request<M extends DistributiveOmit<Request, 'requestId'>>(m: M): Promise<Extract<Answer, { type: M['type'] }>> {
    const requestId = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(requestId, resolve as (m: Answer) => void);
      this.api.postMessage({ ...m, requestId });
    });
  }

  getState<T>(): T | undefined {
    return (this.api.getState() as T) ?? undefined;
  }

  setState(state: unknown): void {
    this.api.setState(state);
  }
}

function fallbackApi(): VsCodeApi {
  let state: unknown;
  return { postMessage: (m) => window.parent.postMessage(m, '*'), getState: () => state, setState: (s) => (state = s) };
}
