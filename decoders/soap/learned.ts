/**
 * WSDL documents and XML Schemas fetched over HTTP in the capture itself (`GET /svc?wsdl`, JAX-WS's
 * `?xsd=1`, PHP SoapClient's and zeep's WSDL download before their first call): learned in capture
 * order, they type and name the SOAP calls after them on any connection when no WSDL of the
 * workspace (or beside the capture) is loaded. Bounded in count and size; a document that teaches
 * nothing (no operation, no schema declaration) is not kept. Each document is parsed once: the
 * definitions are rebuilt from the kept parse trees when another one comes.
 */
import type { Call } from '../core/model';
import type { CaptureScope } from '../core/decoder';
import { buildWsdlDefinitions, type WsdlDefinitions, type WsdlFile } from './wsdl';
import { parseXml, type XEl } from './xml';

const KEY = 'soap.learned';
const MAX_FILES = 64;
const MAX_BYTES = 8 << 20;

interface Learned {
  files: WsdlFile[];
  bytes: number;
  defs?: WsdlDefinitions;
}

/** The WSDL definitions learned so far in this capture, if any. */
export function learnedWsdl(scope: CaptureScope | undefined): WsdlDefinitions | undefined {
  return (scope?.state.get(KEY) as Learned | undefined)?.defs;
}

/** A learned document's name: its URL as fetched (no file behind it: calls typed with it link to nothing). */
export function isLearnedFile(file: string): boolean {
  return /^https?:\/\//.test(file);
}

// (bindings count: WCF's `?wsdl` holds only the binding and service, for the portType of the `?wsdl=wsdl0`
// fetched after it — WSDL 1.1 section 2.1.1 — and teaches the operations their soapAction, style and service then)
const size = (d: WsdlDefinitions) => d.operations.length + d.schema.elements.size + d.schema.types.size + (d.bindings ?? 0);

/** An HTTP GET answered with a WSDL or a schema: learn it (never throws; a problem is a warning on the call). */
export function learnWsdlExchange(call: Call, scope: CaptureScope | undefined, maxDepth: number): void {
  try {
    learn(call, scope, maxDepth);
  } catch (e) {
    call.warnings.push(`WSDL learning: ${(e as Error)?.message ?? String(e)}`);
  }
}

function learn(call: Call, scope: CaptureScope | undefined, maxDepth: number): void {
  const h = call.http;
  if (!h || !scope || h.status !== 200 || h.method !== 'GET') return;
  const body = h.responseBody ?? call.response?.body;
  if (!body || body.truncated || typeof body.text !== 'string' || (body.kind !== 'xml' && body.kind !== 'text')) return;
  const text = body.text;
  if (!/^(?:\s|<\?[^>]*\?>|<!--[\s\S]*?-->)*<([\w.-]+:)?(definitions|schema)[\s>]/.test(text.slice(0, 8192))) return;
  const st: Learned = (scope.state.get(KEY) as Learned | undefined) ?? { files: [], bytes: 0 };
  const path = `http://${h.host ?? `${call.server.ip}:${call.server.port}`}${h.uri ?? ''}`;
  if (st.files.length >= MAX_FILES || st.bytes + text.length > MAX_BYTES || st.files.some((f) => f.path === path && f.text === text)) return;
  let root: XEl;
  try {
    root = parseXml(text, maxDepth);
  } catch {
    return; // (teaches nothing)
  }
  const files = [...st.files.filter((f) => f.path !== path), { path, text, root }];
  const defs = buildWsdlDefinitions(files, maxDepth);
  if (st.defs && size(defs) <= size(st.defs)) return;
  if (!st.defs && size(defs) === 0) return;
  st.files = files;
  st.bytes += text.length;
  st.defs = defs;
  scope.state.set(KEY, st);
  scope.learned('WSDL documents fetched over HTTP');
  call.fields['soap.learned'] = /<([\w.-]+:)?definitions[\s>]/.test(text.slice(0, 8192)) ? 'wsdl' : 'xsd';
}
