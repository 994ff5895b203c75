/**
 * "Copy as" converters: a call back into a command or request file that replays it —
 * curl (POSIX shell quoting), grpcurl (JSON request from the decoded protobuf message) and
 * the `.http` format of the REST Client extension (also read by httpyac and JetBrains).
 */
import type { Call } from '../core/model';
import { base64, bodyBytes, bodyText, endpointLabel, header, httpMethod, httpUrl, requestBody, requestHeaders } from './common';

/** Headers a replay must not copy: pseudo-headers, hop-by-hop and those the tool computes. */
const SKIP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'proxy-connection', 'http2-settings']);

/** Quote for a POSIX shell: single quotes, with ' written as '\''. */
export function shellQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function replayHeaders(c: Call): Array<[string, string]> {
  return requestHeaders(c).filter(([k]) => !k.startsWith(':') && !SKIP.has(k.toLowerCase()));
}

export interface CurlOptions {
  /** Split the command over lines with `\` (default true). */
  multiline?: boolean;
}

export function toCurl(c: Call, opts: CurlOptions = {}): string {
  const nl = opts.multiline === false ? ' ' : ' \\\n  ';
  const method = httpMethod(c);
  const parts: string[] = ['curl'];
  const body = requestBody(c);
  const text = bodyText(body);
  const bytes = text === undefined ? bodyBytes(body) : undefined;
  const hasBody = !!body && body.size > 0 && (text !== undefined || !!bytes);
  if (!(method === 'GET' && !hasBody) && !(method === 'POST' && hasBody)) parts.push(`-X ${shellQuote(method)}`);
  parts.push(shellQuote(httpUrl(c)));
  for (const [k, v] of replayHeaders(c)) parts.push(`-H ${shellQuote(`${k}: ${v}`)}`);
  if (c.http?.version === 'HTTP/2') parts.push('--http2-prior-knowledge');
  let prefix = '';
  if (hasBody && text !== undefined) parts.push(`--data-raw ${shellQuote(text)}`);
  else if (hasBody && bytes) {
    prefix = `printf %s ${shellQuote(base64(bytes))} | base64 -d | `;
    parts.push('--data-binary @-');
  }
  const note = body?.truncated ? '# note: the request body was truncated in the capture\n' : '';
  return note + prefix + parts.join(nl) + '\n';
}

export interface GrpcurlOptions {
  /** .proto files to pass with -proto, and import paths (-import-path). Without them grpcurl needs server reflection. */
  protoFiles?: string[];
  importPaths?: string[];
}

/** `/pkg.Service/Method` → `pkg.Service/Method`. */
function grpcMethod(c: Call): string {
  const path = c.target ?? c.http?.uri ?? header(requestHeaders(c), ':path') ?? c.method;
  return path.replace(/^\//, '');
}

/** The request message(s) as grpcurl's JSON input (one object per line for client streams). */
function grpcJson(c: Call): string | undefined {
  const values: unknown[] = [];
  if (c.messages?.length) for (const m of c.messages) if (m.dir === 'c2s' && m.value !== undefined) values.push(m.value);
  if (!values.length && c.request?.value !== undefined) values.push(c.request.value);
  if (!values.length) return undefined;
  return values.map((v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))).join('\n');
}

export function toGrpcurl(c: Call, opts: GrpcurlOptions = {}): string {
  const parts = ['grpcurl', '-plaintext'];
  for (const p of opts.importPaths ?? []) parts.push(`-import-path ${shellQuote(p)}`);
  for (const p of opts.protoFiles ?? []) parts.push(`-proto ${shellQuote(p)}`);
  for (const [k, v] of replayHeaders(c)) {
    const lk = k.toLowerCase();
    if (lk === 'content-type' || lk === 'user-agent' || lk.startsWith('grpc-')) continue;
    parts.push(`-H ${shellQuote(`${k}: ${v}`)}`);
  }
  const json = grpcJson(c);
  if (json !== undefined) parts.push(`-d ${shellQuote(json)}`);
  const authority = header(requestHeaders(c), ':authority') ?? endpointLabel(c.server);
  parts.push(shellQuote(authority), shellQuote(grpcMethod(c)));
  const note = json === undefined ? '# note: the request message was not decoded (add its .proto); fill in -d\n' : '';
  return note + parts.join(' \\\n  ') + '\n';
}

/** A request in the `.http` format (REST Client): `###` separator, request line, headers, blank line, body. */
export function toHttpFile(c: Call): string {
  const lines: string[] = [`### ${c.protocol} #${c.id} ${c.method}${c.target && c.protocol !== 'http' ? ' ' + c.target : ''}`.replace(/[\r\n]+/g, ' ')];
  if (c.protocol === 'grpc') {
    // REST Client has no gRPC; httpyac reads `GRPC host/Service/Method` with a JSON body.
    const authority = header(requestHeaders(c), ':authority') ?? endpointLabel(c.server);
    lines.push(`GRPC ${authority}/${grpcMethod(c)}`);
    const json = grpcJson(c);
    if (json !== undefined) lines.push('', json);
    return lines.join('\n') + '\n';
  }
  lines.push(`${httpMethod(c)} ${httpUrl(c)} ${c.http?.version === 'HTTP/2' ? 'HTTP/2' : 'HTTP/1.1'}`);
  for (const [k, v] of replayHeaders(c)) lines.push(`${k}: ${v}`);
  const body = requestBody(c);
  const text = bodyText(body);
  if (text !== undefined) {
    // A line starting with ### would end the request in REST Client's format.
    lines.push('', text.replace(/^###/gm, ' ###'));
  } else if (body && body.size > 0) {
    lines.push('', `# binary body of ${body.size} bytes not shown`);
  }
  return lines.join('\n') + '\n';
}
