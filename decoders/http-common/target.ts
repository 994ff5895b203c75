/** Request targets (RFC 9112 §3.2): what of one names the resource. No imports: the HTTP layer and the definition matchers share it. */

/** The path (and query) of a request target, whatever its form (RFC 9112 §3.2). */
export function targetPath(uri: string | undefined, method?: string): string | undefined {
  if (uri === undefined) return undefined;
  if (method === 'CONNECT' || uri === '*') return uri; // authority-form / asterisk-form
  if (uri.charCodeAt(0) === 47 /* / */) return uri; // origin-form, the usual case
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*(.*)$/.exec(uri); // absolute-form (proxies)
  if (m) return m[1] || '/';
  return uri;
}

/** The path of a request target without its query or fragment. */
export function requestPath(uri: string, method?: string): string {
  const p = targetPath(uri, method) ?? uri;
  const q = p.search(/[?#]/);
  return q >= 0 ? p.slice(0, q) : p;
}
