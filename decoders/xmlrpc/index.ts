/**
 * XML-RPC (the specification at xmlrpc.com, with the common extensions: i8, nil/ex:nil).
 *
 * Reached as a body router of HTTP (`http-common/routers.ts`): a request whose content type is
 * text/xml or application/xml (or absent) and whose root element is `<methodCall>`. The HTTP
 * call becomes an `xmlrpc` call: method = methodName, request.value = the params, response.value
 * = the result, status = the fault when there is one. `system.multicall` becomes a batch with
 * one child call per inner call.
 *
 * Parsed with fast-xml-parser, entity processing off; documents that declare a DTD or entities
 * are refused (never expanded), nesting is bounded by limits.maxDepth.
 */
import { cutBeforeRootEnd, xmlDepth } from '../core/xml';
import { XMLParser } from 'fast-xml-parser';
import type { Call, CallStatus } from '../core/model';
import type { DecoderSession } from '../core/decoder';
import { innerCalls } from '../calls/inner';
import type { BodyRouter } from '../http-common/routers';
import { bodyCut, cutWords, parseMediaType } from '../http-common/body';
import { fromBase64, utf8Strict } from '../core/bytes';

/** An XML element as fast-xml-parser's preserveOrder mode gives it: { tag: children }. */
type XNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
});

/** A fault: `{faultCode, faultString}`. */
export interface XmlRpcFault {
  faultCode: unknown;
  faultString: unknown;
}

export type XmlRpcDocument =
  | { kind: 'call'; methodName: string; params: unknown[] }
  | { kind: 'response'; params: unknown[] }
  | { kind: 'fault'; fault: XmlRpcFault };

class XmlRpcError extends Error {}

/** Strip the declaration, comments and processing instructions before the root element. */
function rootStart(text: string): string {
  let t = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < 50; i++) {
    const s = t.replace(/^\s+/, '');
    if (s.startsWith('<?')) {
      const e = s.indexOf('?>');
      if (e < 0) return s;
      t = s.slice(e + 2);
    } else if (s.startsWith('<!--')) {
      const e = s.indexOf('-->');
      if (e < 0) return s;
      t = s.slice(e + 3);
    } else return s;
  }
  return t;
}

/** Does this body text have `<methodCall>` as its root element (or a DTD in front of one)? */
export function looksLikeMethodCall(text: string): boolean {
  const s = rootStart(text.slice(0, 4096));
  if (/^<methodCall[\s>/]/.test(s)) return true;
  return /^<!DOCTYPE/i.test(s) && text.includes('<methodCall');
}


const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Replace the five predefined entities and character references; anything else stays literal. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (all, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref];
    const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
  });
}

function tagOf(n: XNode): string | undefined {
  for (const k of Object.keys(n)) if (k !== ':@') return k;
  return undefined;
}

function childrenOf(n: XNode): XNode[] {
  const tag = tagOf(n);
  const c = tag ? n[tag] : undefined;
  return Array.isArray(c) ? (c as XNode[]) : [];
}

function isElement(n: XNode): boolean {
  const t = tagOf(n);
  return t !== undefined && t !== '#text' && t !== '#cdata';
}

function elements(list: XNode[]): XNode[] {
  return list.filter(isElement);
}

/** The text content of a node list (entities decoded, CDATA verbatim). */
function textOf(list: XNode[]): string {
  let s = '';
  for (const n of list) {
    if ('#text' in n) s += decodeEntities(String(n['#text']));
    else if ('#cdata' in n) for (const c of n['#cdata'] as XNode[]) if ('#text' in c) s += String(c['#text']);
  }
  return s;
}

function localName(tag: string): string {
  const c = tag.indexOf(':');
  return c >= 0 ? tag.slice(c + 1) : tag;
}

/** `19980717T14:08:55` (the spec's form) or ISO-like variants → ISO 8601 text, when it parses. */
export function dateTimeToIso(text: string): string | undefined {
  const t = text.trim();
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (!m) return undefined;
  const zone = m[8] ? (m[8] === 'Z' ? 'Z' : `${m[8].slice(0, 3)}:${m[8].slice(-2)}`) : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}${zone}`;
}

function parseInteger(text: string, type: string, warnings: string[]): number | string {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) {
    warnings.push(`invalid ${type} value ${JSON.stringify(t.slice(0, 40))}`);
    return t;
  }
  const n = Number(t);
  if (Number.isSafeInteger(n)) return n;
  return BigInt(t).toString(); // beyond 2^53: exact, as text
}

function setMember(o: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__' || Object.hasOwn(Object.prototype, name)) {
    Object.defineProperty(o, name, { value, enumerable: true, writable: true, configurable: true });
  } else o[name] = value;
}

/** Convert the children of a `<value>` element. */
function convertValue(content: XNode[], depth: number, maxDepth: number, warnings: string[]): unknown {
  if (depth > maxDepth) throw new XmlRpcError(`values nested deeper than ${maxDepth} levels`);
  const els = elements(content);
  if (els.length === 0) return textOf(content); // no type element: string
  const el = els[0];
  const tag = tagOf(el)!;
  const kids = childrenOf(el);
  switch (localName(tag)) {
    case 'i4':
    case 'int':
    case 'i8':
    case 'i1':
    case 'i2':
      return parseInteger(textOf(kids), tag, warnings);
    case 'boolean': {
      const t = textOf(kids).trim().toLowerCase();
      if (t === '1' || t === 'true') return true;
      if (t === '0' || t === 'false') return false;
      warnings.push(`invalid boolean ${JSON.stringify(t.slice(0, 20))}`);
      return t;
    }
    case 'string':
      return textOf(kids);
    case 'double':
    case 'float': {
      const t = textOf(kids).trim();
      const n = Number(t);
      if (t === '' || Number.isNaN(n)) {
        warnings.push(`invalid double ${JSON.stringify(t.slice(0, 40))}`);
        return t;
      }
      return n;
    }
    case 'dateTime.iso8601': {
      const t = textOf(kids).trim();
      const iso = dateTimeToIso(t);
      return iso ? { dateTime: t, iso } : { dateTime: t };
    }
    case 'base64': {
      const t = textOf(kids).replace(/\s+/g, '');
      const bytes = fromBase64(t);
      if (!bytes) {
        warnings.push('invalid base64 value');
        return { base64: t };
      }
      const out: { base64: string; size: number; text?: string } = { base64: t, size: bytes.length };
      const text = utf8Strict(bytes);
      if (text !== undefined) out.text = text;
      return out;
    }
    case 'nil':
      return null;
    case 'struct': {
      const o: Record<string, unknown> = {};
      for (const member of elements(kids)) {
        if (tagOf(member) !== 'member') continue;
        let name: string | undefined;
        let value: unknown = undefined;
        let hasValue = false;
        for (const part of elements(childrenOf(member))) {
          const pt = tagOf(part);
          if (pt === 'name') name = textOf(childrenOf(part));
          else if (pt === 'value') {
            value = convertValue(childrenOf(part), depth + 1, maxDepth, warnings);
            hasValue = true;
          }
        }
        if (name === undefined) {
          warnings.push('struct member without a name');
          continue;
        }
        if (!hasValue) warnings.push(`struct member "${name}" without a value`);
        setMember(o, name, value);
      }
      return o;
    }
    case 'array': {
      const data = elements(kids).find((n) => tagOf(n) === 'data');
      if (!data) {
        warnings.push('array without <data>');
        return [];
      }
      return elements(childrenOf(data))
        .filter((n) => tagOf(n) === 'value')
        .map((v) => convertValue(childrenOf(v), depth + 1, maxDepth, warnings));
    }
    default:
      warnings.push(`unknown XML-RPC type <${tag}>`);
      return { [tag]: textOf(kids) };
  }
}

function paramsOf(list: XNode[], maxDepth: number, warnings: string[]): unknown[] {
  const params = elements(list).find((n) => tagOf(n) === 'params');
  if (!params) return [];
  const out: unknown[] = [];
  for (const p of elements(childrenOf(params))) {
    if (tagOf(p) !== 'param') continue;
    const v = elements(childrenOf(p)).find((n) => tagOf(n) === 'value');
    out.push(v ? convertValue(childrenOf(v), 1, maxDepth, warnings) : undefined);
  }
  return out;
}

/**
 * Parse an XML-RPC document (methodCall or methodResponse). Throws XmlRpcError with a
 * readable message when refused (DTD, too deep) or not XML-RPC.
 */
export function parseXmlRpc(text: string, maxDepth: number, warnings: string[]): XmlRpcDocument {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlRpcError('document declares a DTD or entities: refused (entities are never expanded)');
  if (xmlDepth(text, maxDepth * 3 + 8) > maxDepth * 3 + 8) throw new XmlRpcError(`XML nested deeper than ${maxDepth} values: refused`);
  let doc: XNode[];
  try {
    doc = parser.parse(text) as XNode[];
  } catch (e) {
    throw new XmlRpcError(`not well-formed XML: ${(e as Error).message}`);
  }
  const root = elements(Array.isArray(doc) ? doc : [])[0];
  const tag = root ? tagOf(root) : undefined;
  if (tag === 'methodCall') {
    const kids = childrenOf(root);
    const nameEl = elements(kids).find((n) => tagOf(n) === 'methodName');
    if (!nameEl) warnings.push('methodCall without methodName');
    return { kind: 'call', methodName: nameEl ? textOf(childrenOf(nameEl)).trim() : '', params: paramsOf(kids, maxDepth, warnings) };
  }
  if (tag === 'methodResponse') {
    const kids = childrenOf(root);
    const fault = elements(kids).find((n) => tagOf(n) === 'fault');
    if (fault) {
      const v = elements(childrenOf(fault)).find((n) => tagOf(n) === 'value');
      const fv = v ? convertValue(childrenOf(v), 1, maxDepth, warnings) : undefined;
      const f = (fv && typeof fv === 'object' ? fv : {}) as Record<string, unknown>;
      if (!('faultCode' in f) || !('faultString' in f)) warnings.push('fault without faultCode/faultString');
      return { kind: 'fault', fault: { faultCode: f.faultCode, faultString: f.faultString } };
    }
    return { kind: 'response', params: paramsOf(kids, maxDepth, warnings) };
  }
  throw new XmlRpcError(tag ? `root element is <${tag}>, not an XML-RPC document` : 'no root element');
}

/**
 * A document cut by a capture gap (snaplen, loss): the method name and the params whose
 * `</param>` was captured, re-closed into a well-formed document; undefined when nothing is left.
 * (The XML parser is lenient about unclosed tags, so a cut document must not be read as it is.)
 */
export function salvageXmlRpc(text: string, maxDepth: number, warnings: string[]): { doc: XmlRpcDocument; complete: number; fault: boolean } | undefined {
  const head = /<(methodCall|methodResponse)[\s>]/.exec(text);
  if (!head) return undefined;
  const root = head[1];
  const fault = root === 'methodResponse' && /<fault[\s>]/.test(text);
  const last = text.lastIndexOf('</param>');
  let prefix: string | undefined;
  if (last >= 0 && !fault) prefix = `${text.slice(0, last + 8)}</params></${root}>`;
  else {
    const name = text.indexOf('</methodName>');
    if (root === 'methodCall' && name >= 0) prefix = `${text.slice(0, name + 13)}</methodCall>`;
    else if (root === 'methodResponse') prefix = `${text.slice(0, head.index + head[0].length - 1)}></methodResponse>`;
  }
  if (!prefix) return undefined;
  try {
    const doc = parseXmlRpc(prefix, maxDepth, warnings);
    return { doc, complete: doc.kind === 'fault' ? 0 : doc.params.length, fault };
  } catch {
    return undefined;
  }
}

function faultStatus(f: XmlRpcFault): CallStatus {
  const code = typeof f.faultCode === 'number' || typeof f.faultCode === 'string' ? f.faultCode : String(f.faultCode ?? '');
  return { code, text: typeof f.faultString === 'string' ? f.faultString : JSON.stringify(f.faultString ?? ''), ok: false };
}

function bodyText(call: Call, which: 'request' | 'response'): { text?: string; truncated: boolean } {
  const b = which === 'request' ? call.http?.requestBody : call.http?.responseBody;
  if (!b) return { truncated: false };
  return { text: b.text, truncated: !!b.truncated };
}

function isXmlContentType(ct: string | undefined): boolean {
  const mt = parseMediaType(ct);
  if (!mt) return true;
  return mt.essence === 'text/xml' || mt.essence === 'application/xml' || mt.essence.endsWith('+xml') || mt.essence === 'text/plain';
}

export const xmlrpcRouter: BodyRouter = {
  id: 'xmlrpc',
  match(call: Call): boolean {
    const body = call.http?.requestBody;
    if (!body || typeof body.text !== 'string') return false;
    if (!isXmlContentType(body.contentType)) return false;
    return looksLikeMethodCall(body.text);
  },
  apply(call: Call, session: DecoderSession): void {
    const maxDepth = session.env.limits.maxDepth;
    const limits = session.env.limits;
    call.protocol = 'xmlrpc';
    const req = bodyText(call, 'request');
    const reqWarnings: string[] = [];
    let doc: XmlRpcDocument | undefined;
    let cutParams = -1;
    let nameCut = false;
    if (cutBeforeRootEnd(req, /<\/methodCall>\s*$/)) {
      // not all of the body was captured: keep what was wholly captured
      const sv = salvageXmlRpc(req.text ?? '', maxDepth, reqWarnings);
      if (sv) {
        doc = sv.doc;
        cutParams = sv.complete;
      } else if (/<methodCall[\s>/]/.test(req.text ?? '')) {
        // cut before its method name ended: an XML-RPC call all the same, its response may say more
        doc = { kind: 'call', methodName: '', params: [] };
        nameCut = true;
        reqWarnings.push(`body ${cutWords(call.http?.requestBody, limits)}: method name not read`);
      }
    }
    if (!doc) {
      try {
        doc = parseXmlRpc(req.text ?? '', maxDepth, reqWarnings);
      } catch (e) {
        call.warnings.push(`XML-RPC request${req.truncated ? ' (truncated body)' : ''}: ${(e as Error).message}`);
        call.method = call.method ? `${call.method} (XML-RPC)` : 'XML-RPC';
        return;
      }
    }
    if (cutParams >= 0) reqWarnings.push(`body ${cutWords(call.http?.requestBody, limits)}: only its first ${cutParams} param${cutParams === 1 ? '' : 's'} read`);
    call.warnings.push(...reqWarnings.map((w) => `XML-RPC request: ${w}`));
    if (doc.kind !== 'call') return;
    call.method = doc.methodName || '?';
    if (!nameCut) {
      call.fields['xmlrpc.method'] = call.method;
      (call.request ??= {}).value = doc.params;
    }

    // The response, when there is one with a body.
    const resp = bodyText(call, 'response');
    let result: { ok: true; params: unknown[] } | { ok: false; fault: XmlRpcFault } | undefined;
    if (resp.text !== undefined && cutBeforeRootEnd(resp, /<\/methodResponse>\s*$/) && /<methodResponse[\s>]/.test(resp.text)) {
      const respWarnings: string[] = [];
      const sv = salvageXmlRpc(resp.text, maxDepth, respWarnings);
      if (sv?.fault) {
        call.status = { code: 'fault', text: bodyCut(call.http?.responseBody) === 'preview' ? 'fault past the preview' : 'fault not captured whole', ok: false };
        call.fields['xmlrpc.fault.code'] = 'fault';
      } else if (sv && sv.doc.kind === 'response' && sv.complete > 0) result = { ok: true, params: sv.doc.params };
      else respWarnings.push(`body ${cutWords(call.http?.responseBody, limits)}: no value read`);
      call.warnings.push(...respWarnings.map((w) => `XML-RPC response: ${w}`));
    } else if (resp.text !== undefined && /<methodResponse[\s>]/.test(resp.text)) {
      const respWarnings: string[] = [];
      try {
        const r = parseXmlRpc(resp.text, maxDepth, respWarnings);
        if (r.kind === 'fault') result = { ok: false, fault: r.fault };
        else if (r.kind === 'response') result = { ok: true, params: r.params };
      } catch (e) {
        call.warnings.push(`XML-RPC response${resp.truncated ? ' (truncated body)' : ''}: ${(e as Error).message}`);
      }
      call.warnings.push(...respWarnings.map((w) => `XML-RPC response: ${w}`));
    } else if (call.http?.status !== undefined && call.http.status < 400 && call.http.status >= 200) {
      call.warnings.push('XML-RPC response without <methodResponse>');
    }
    if (result) {
      call.response ??= {};
      if (result.ok) {
        call.response.value = result.params.length === 1 ? result.params[0] : result.params;
        if (result.params.length !== 1) call.warnings.push(`XML-RPC response with ${result.params.length} params (expected 1)`);
        // success: keep the HTTP status (200 OK)
      } else {
        call.response.value = result.fault;
        call.status = faultStatus(result.fault);
        call.fields['xmlrpc.fault.code'] = call.status.code;
        if (call.status.text) call.fields['xmlrpc.fault.string'] = call.status.text;
      }
    }
    if (doc.methodName === 'system.multicall') applyMulticall(call, session, doc.params, result);
  },
};

/** system.multicall: params[0] is an array of {methodName, params}; the result an array of [value] or fault structs. */
function applyMulticall(call: Call, session: DecoderSession, params: unknown[], result: { ok: true; params: unknown[] } | { ok: false; fault: XmlRpcFault } | undefined): void {
  const inner = params[0];
  if (!Array.isArray(inner)) {
    call.warnings.push('system.multicall without an array of calls');
    return;
  }
  call.kind = 'batch';
  const results = result?.ok && Array.isArray(result.params[0]) ? (result.params[0] as unknown[]) : undefined;
  if (result?.ok && !results) call.warnings.push('system.multicall response is not an array');
  if (results && results.length !== inner.length) call.warnings.push(`system.multicall: ${inner.length} calls but ${results.length} results`);
  innerCalls(call, session, 'xmlrpc', inner, 'system.multicall', (child, entry, i) => {
    const e = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
    child.method = typeof e.methodName === 'string' ? e.methodName : '?';
    child.fields['xmlrpc.method'] = child.method;
    child.request = { value: e.params };
    if (typeof e.methodName !== 'string') child.warnings.push('multicall entry without methodName');
    if (result && !result.ok) {
      // the whole multicall faulted
      child.status = faultStatus(result.fault);
      child.state = call.state;
    } else if (results && i < results.length) {
      const r = results[i];
      child.response = {};
      if (Array.isArray(r)) {
        child.response.value = r.length === 1 ? r[0] : r;
        child.status = { code: call.http?.status ?? 200, text: 'OK', ok: true };
      } else if (r && typeof r === 'object' && 'faultCode' in r) {
        const f = r as XmlRpcFault;
        child.response.value = { faultCode: f.faultCode, faultString: f.faultString };
        child.status = faultStatus(f);
        child.fields['xmlrpc.fault.code'] = child.status.code;
        if (child.status.text) child.fields['xmlrpc.fault.string'] = child.status.text;
      } else {
        child.response.value = r;
        child.warnings.push('multicall result is neither [value] nor a fault');
      }
      child.state = call.state;
    } else if (!result && call.http?.status !== undefined && call.http.status >= 400 && call.status) {
      // the server refused the whole multicall at the HTTP level (e.g. 404 from a server without
      // system.multicall): every entry shares that answer, nothing is missing from the capture
      child.status = { ...call.status };
      child.state = call.state;
    } else {
      child.state = 'incomplete';
      child.warnings.push('no result for this multicall entry');
    }
  });
  const childIds = call.childIds!;
  const faults = childIds.length && results ? results.filter((r) => r && typeof r === 'object' && !Array.isArray(r)).length : 0;
  if (faults) {
    call.fields['xmlrpc.multicall.faults'] = faults;
    // Like a JSON-RPC batch: the outer call is not ok when an inner call failed.
    if (call.status) call.status = { ...call.status, ok: false, text: `${faults} of ${childIds.length} failed` };
  }
}
