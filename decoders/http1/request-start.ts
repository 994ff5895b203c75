/**
 * Does a stream start with an HTTP/1.x request line? Used where something else was expected
 * first: a client that answers a server's HTTP/2 SETTINGS in HTTP/1.1, the inside of a CONNECT
 * tunnel.
 */

/** How far http1RequestStart looks for the end of a request line. */
export const HTTP1_LINE_MAX = 8192;

/**
 * Do these bytes (the start of a client direction) begin with an HTTP/1.x request line
 * (RFC 9112 §3: method SP request-target SP HTTP-version CRLF)? 'need-more' while a prefix of
 * one, up to HTTP1_LINE_MAX bytes.
 */
export function http1RequestStart(b: Uint8Array): 'yes' | 'no' | 'need-more' {
  let i = 0;
  // method: a token, here upper-case letters, digits, '-' and '_' (every registered method)
  while (i < b.length && i <= 32) {
    const c = b[i];
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f) i++;
    else break;
  }
  if (i === b.length) return i <= 32 ? 'need-more' : 'no';
  if (i === 0 || b[i] !== 0x20) return 'no';
  const targetStart = ++i;
  while (i < b.length && b[i] > 0x20 && b[i] < 0x7f) i++;
  if (i === b.length) return b.length < HTTP1_LINE_MAX ? 'need-more' : 'no';
  if (i === targetStart || b[i] !== 0x20) return 'no';
  i++;
  const version = 'HTTP/1.';
  for (let k = 0; k < version.length + 1; k++, i++) {
    if (i === b.length) return 'need-more';
    if (k < version.length ? b[i] !== version.charCodeAt(k) : b[i] < 0x30 || b[i] > 0x39) return 'no';
  }
  if (i === b.length) return 'need-more';
  if (b[i] === 0x0a) return 'yes';
  if (b[i] !== 0x0d) return 'no';
  if (i + 1 === b.length) return 'need-more';
  return b[i + 1] === 0x0a ? 'yes' : 'no';
}
