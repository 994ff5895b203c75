/**
 * SockJS over its WebSocket transport (sockjs-protocol 0.3.3, "WebSocket" and "Framing"): what
 * Spring's STOMP endpoints (`withSockJS()`), sockjs-node and sockjs-client speak. The client opens
 * `/<prefix>/<server>/<session>/websocket` (server: a few digits, session: a random string) and
 * every WebSocket text message is a SockJS frame:
 *
 *   server → client   `o` open, `h` heartbeat, `a["m1","m2"]` messages (a JSON array of strings),
 *                     `m"m1"` one message (old servers), `c[3000,"Go away!"]` close
 *   client → server   `["m1","m2"]` (or a bare JSON string `"m1"`)
 *
 * The messages inside are what the application sends (STOMP frames, JSON…): the WebSocket decoder
 * treats each as a message of its own (so a STOMP CONNECT opens the STOMP decoder as it would on a
 * plain WebSocket); the open, heartbeat and close frames become events.
 */
import { parseJsonBounded } from '../http-common/body';
import type { Dir } from '../core/model';

/** The transport URL of sockjs-client (and Spring's SockJS client). */
const SOCKJS_URI = /\/\d{1,4}\/[A-Za-z0-9._-]{1,64}\/websocket\/?(?:[?#]|$)/;

export function isSockJsUri(uri: string | undefined): boolean {
  return uri !== undefined && SOCKJS_URI.test(uri);
}

export type SockJsFrame =
  | { kind: 'messages'; messages: string[] }
  | { kind: 'open' | 'heartbeat' }
  | { kind: 'close'; code?: number; reason?: string };

/** SockJS close codes (sockjs-protocol; 1000–1015 as RFC 6455). */
const SOCKJS_CLOSE: Record<number, string> = {
  1000: 'Normal closure',
  1002: 'Broken framing',
  2010: 'Another connection still open',
  3000: 'Go away!',
};

/**
 * The status of a close frame (over WebSocket or HTTP): its code, named (`rfc`: the RFC 6455 names
 * for the codes SockJS does not name), with the reason when it says more; 1000 and 3000 are no error.
 */
export function sockJsCloseStatus(f: { code?: number; reason?: string }, rfc?: Record<number, string>): { code: number; text: string; ok: boolean } {
  const code = f.code ?? 1000;
  const name = SOCKJS_CLOSE[code] ?? rfc?.[code] ?? 'close';
  return { code, text: f.reason && f.reason !== name ? `${name}: ${f.reason}` : name, ok: code === 1000 || code === 3000 };
}

/** A SockJS frame of `dir`, or undefined when the text is not one (the message stays as it is). */
export function unwrapSockJs(dir: Dir, text: string, maxDepth: number): SockJsFrame | undefined {
  const strings = (json: string): string[] | undefined => {
    const r = parseJsonBounded(json, maxDepth);
    if (!r.ok) return undefined;
    if (typeof r.value === 'string') return [r.value];
    return Array.isArray(r.value) && r.value.every((x) => typeof x === 'string') ? (r.value as string[]) : undefined;
  };
  if (dir === 'c2s') {
    const m = strings(text);
    return m ? { kind: 'messages', messages: m } : undefined;
  }
  if (text === 'o') return { kind: 'open' };
  if (text === 'h') return { kind: 'heartbeat' };
  const rest = text.slice(1);
  if (text[0] === 'a' && rest.startsWith('[')) {
    const m = strings(rest);
    return m ? { kind: 'messages', messages: m } : undefined;
  }
  if (text[0] === 'm' && rest.startsWith('"')) {
    const m = strings(rest);
    return m ? { kind: 'messages', messages: m } : undefined;
  }
  if (text[0] === 'c' && rest.startsWith('[')) {
    const r = parseJsonBounded(rest, maxDepth);
    if (!r.ok || !Array.isArray(r.value)) return undefined;
    const [code, reason] = r.value as unknown[];
    return { kind: 'close', ...(typeof code === 'number' ? { code } : {}), ...(typeof reason === 'string' ? { reason } : {}) };
  }
  return undefined;
}
