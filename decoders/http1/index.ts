/**
 * HTTP/1.0 and HTTP/1.1 — RFC 9112 (message syntax and framing) with RFC 9110 semantics.
 *
 * Reached by server port (80, 8080, 8000, 3000, 5000, 8008, 8081, 8088, 8888, 3128, 5985)
 * or by the probe: a client whose first line is `token SP target SP HTTP/1.x`, or a server
 * whose first bytes are `HTTP/1.`.
 *
 * Decodes keep-alive and pipelined exchanges (responses paired in order), Content-Length,
 * chunked (extensions, trailers) and close-delimited bodies, HEAD/204/304/1xx without body,
 * 1xx interim responses, CONNECT tunnels. Bodies are content-decoded and routed to body-level
 * protocols (XML-RPC, JSON-RPC, …) by `http-common`.
 *
 * Hands off: `101 Switching Protocols` with `Upgrade: websocket` → websocket, `h2c` → http2
 * (HttpUpgradeInit), and the HTTP/2 connection preface (prior knowledge) → http2.
 */
import type { DecoderSpec, ProbeResult } from '../core/decoder';
import { latin1Text } from '../core/bytes';
import { rolesBackwards, type Side } from '../core/roles';
import { Http1Decoder } from './decoder';

const PROBE_BYTES = 64;

/** Side-effect-free check of a direction's first bytes. */
export function probeHttp1(head: Uint8Array, dir: 'c2s' | 's2c'): ProbeResult {
  const text = latin1Text(head.subarray(0, PROBE_BYTES));
  if (dir === 's2c') {
    const want = 'HTTP/1.';
    if (text.length < want.length) return want.startsWith(text) ? 'need-more' : 'reject';
    return text.startsWith(want) ? 'accept' : 'reject';
  }
  // token SP request-target SP HTTP/1.x CRLF; runs of spaces or tabs between the three are
  // tolerated, as the decoder's parser does (RFC 9112 §3: recipients MAY parse on whitespace-delimited
  // word boundaries), so `GET      /x HTTP/1.1` is HTTP here too and not left to another probe.
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]{1,32})([ \t]*)/.exec(text);
  if (!m) return 'reject';
  if (!m[2]) {
    // method not finished yet
    return text.length === m[1].length && text.length < 32 ? 'need-more' : 'reject';
  }
  const rest = text.slice(m[0].length);
  if (rest === '') return head.length < PROBE_BYTES ? 'need-more' : 'reject';
  const lf = rest.indexOf('\n');
  if (lf >= 0) {
    const line = rest.slice(0, lf).replace(/\r$/, '');
    return REQUEST_REST.test(line) ? 'accept' : 'reject';
  }
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(rest)) return 'reject';
  const target = /^[^ \t]+/.exec(rest)![0];
  const version = rest.slice(target.length).replace(/^[ \t]+/, '');
  const want = 'HTTP/1.';
  if (version) {
    const ok =
      version.length <= want.length + 1
        ? version.length <= want.length
          ? want.startsWith(version)
          : version.startsWith(want) && /[01]$/.test(version)
        : /^HTTP\/1\.[01][ \t]*\r?$/.test(version);
    // An origin-form target with spaces in it (invalid, RFC 9112 §3.2; scanners send it): the
    // whole line decides, up to SPACED_LINE_BYTES.
    if (!ok) return target.startsWith('/') ? spacedTarget(head) : 'reject';
  }
  if (head.length < PROBE_BYTES) return 'need-more';
  // 64 bytes and the line is not over (a long target, or runs of spaces): accept a plausible
  // origin/absolute form whose version, where it has begun, is right so far.
  return /^(\/|\*|https?:\/\/)/i.test(target) ? 'accept' : 'reject';
}

/** What follows the method and its whitespace on a request line: target, whitespace, version (an origin-form target may hold spaces). */
const REQUEST_REST = /^(?:[^ \t\r\n\x00-\x1f]+|\/[^\x00-\x1f\x7f]*[^ \x00-\x1f\x7f])[ \t]+HTTP\/1\.[01][ \t]*$/;

/** How far a request line whose target holds spaces is looked for its end. */
const SPACED_LINE_BYTES = 4096;

/** A request line whose origin-form target holds a space, decided once its line feed is in. */
function spacedTarget(head: Uint8Array): ProbeResult {
  const text = latin1Text(head.subarray(0, SPACED_LINE_BYTES));
  const lf = text.indexOf('\n');
  if (lf < 0) return head.length < SPACED_LINE_BYTES ? 'need-more' : 'reject';
  const m = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}[ \t]+(.*?)\r?$/.exec(text.slice(0, lf));
  return m && REQUEST_REST.test(m[1]) ? 'accept' : 'reject';
}

/** A request line (RFC 9112 §3: a method as registries spell them) or a status line (§4) at a line start. */
const MESSAGE_START = /(?:^|\n)(?:[A-Z][A-Z-]{2,15} [^ \r\n\x00-\x1f]{1,2048} HTTP\/1\.[01]\r?\n|HTTP\/1\.[01] [1-5]\d\d[ \r])/;

/**
 * A connection the capture joined inside a message (a large body, a long poll): a request or
 * status line at the start of a line anywhere in the first bytes, in either direction (the port
 * guess of roles may be backwards). Versioned request lines and status lines are specific enough
 * to decide alone, on any port.
 */
export function probeHttp1Midstream(head: Uint8Array): ProbeResult {
  // (never 'need-more': an undecided flow is probed again as bytes come, and waiting here would hold
  // back a WebSocket on an HTTP port that another mid-connection probe takes at once)
  return MESSAGE_START.test(latin1Text(head)) ? 'accept' : 'reject';
}

/** Whether a head's first message start is a status line (the server's) or a request line (the client's). */
function httpSides(head: Uint8Array): Set<Side> {
  const m = MESSAGE_START.exec(latin1Text(head));
  return new Set<Side>(m ? [m[0].replace(/^\n/, '').startsWith('HTTP/') ? 'server' : 'client'] : []);
}

export const spec: DecoderSpec = {
  id: 'http',
  name: 'HTTP/1.1',
  transport: 'tcp',
  ports: [80, 3000, 3128, 5000, 5985, 8000, 8008, 8080, 8081, 8088, 8888],
  probe: probeHttp1,
  probeOrder: 50,
  probeMidstream: (head) => probeHttp1Midstream(head),
  rolesReversed: (heads) => rolesBackwards(heads, httpSides),
  create: (session) => new Http1Decoder(session),
};
