/**
 * SOAP 1.1 and 1.2 over HTTP, as a body router (`http-common/routers.ts`): a request whose body
 * is an `Envelope` (content type text/xml — SOAP 1.1 with a `SOAPAction` header — or
 * application/soap+xml — SOAP 1.2 with an optional `action` parameter). The HTTP call becomes
 * a `soap` call: method = the local name of the Body's first element, request/response values
 * = the envelope as a tree ({Header, Body}), status = the Fault when there is one.
 *
 * With a workspace WSDL (`env.definitions.wsdl`) the call links to its portType operation and the
 * message parts are named (`parts`). XML is parsed with entities off; DTDs are refused.
 */
import type { Body, Call, HeaderList } from '../core/model';
import { cutBeforeRootEnd } from '../core/xml';
import type { DecoderSession } from '../core/decoder';
import type { BodyRouter } from '../http-common/routers';
import { bodyCut, isRelatedRoot, parseMediaType, previewLimitWords, type MultipartPart } from '../http-common/body';
import type { Limits } from '../core/env';
import { looksLikeEnvelope, parseEnvelope, wsaAction, type EnvelopeTyping, type SoapEnvelope } from './envelope';
import { findOperation, wsdlDefinitionsOf, type WsdlDefinitions, type WsdlOperation, type WsdlPart } from './wsdl';
import { isLearnedFile, learnedWsdl } from './learned';
import { globalElementType, typedValue, type QName, type TypeContext, type TypeRef, type XopAttachment, type XsdComplex } from './schema';
import type { XEl } from './xml';

function header(list: HeaderList | undefined, name: string): string | undefined {
  for (const [k, v] of list ?? []) if (k.toLowerCase() === name) return v;
  return undefined;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"' ? t.slice(1, -1) : t;
}

/** Fast Infoset (ITU-T X.891), as JAX-WS negotiates it: SOAP 1.1 `application/fastinfoset`, SOAP 1.2 `application/soap+fastinfoset`. */
function fastInfosetVersion(ct: string | undefined): '1.1' | '1.2' | undefined {
  const e = parseMediaType(ct)?.essence;
  return e === 'application/fastinfoset' ? '1.1' : e === 'application/soap+fastinfoset' ? '1.2' : undefined;
}

/** X.891 section 12: a document starts with the identification 0xE0 0x00 0x00, then version 1. */
const looksFastInfoset = (body: Body | undefined) => /^e0000001/.test(body?.hex ?? '');

const FI_WORDS = 'Fast Infoset (ITU-T X.891, a binary XML encoding): values not decoded';

/**
 * A SOAP call whose request is Fast Infoset (JAX-WS with content negotiation: the first request in
 * XML asks for it with Accept, the later ones are binary): named by its action (and the WSDL), its
 * values not read; a 500 answer is a Fault.
 */
function applyFastInfoset(call: Call, version: '1.1' | '1.2', action: string | undefined, wsdl: WsdlDefinitions | undefined): void {
  call.fields['soap.version'] = version;
  call.fields['soap.encoding'] = 'fastinfoset';
  const op = wsdl ? findOperation(wsdl, action, undefined, undefined) : undefined;
  // Without a WSDL, the action's last segment: WS-Addressing 1.0 Metadata section 4.4.4's default
  // action ends with the input name, the operation's name + "Request" (what JAX-WS sends)
  const last = action ? action.slice(action.search(/[^/#:]*$/)) : '';
  call.method = op?.name ?? (last.length > 7 && last.endsWith('Request') ? last.slice(0, -7) : last || 'SOAP');
  call.fields['soap.operation'] = call.method;
  if (op) {
    linkOperation(call, op);
    if (op.service) call.fields['soap.service'] = op.service;
  }
  call.warnings.push(`SOAP request in ${FI_WORDS}`);
  fastInfosetResponse(call);
}

/** A response in Fast Infoset: said so; an HTTP 500 is a Fault. */
function fastInfosetResponse(call: Call): boolean {
  const http = call.http!;
  const body = http.responseBody;
  if (!body || !fastInfosetVersion(body.contentType) || !looksFastInfoset(body)) return false;
  call.fields['soap.encoding'] = 'fastinfoset';
  call.warnings.push(`SOAP response in ${FI_WORDS}`);
  if (http.status === 500 || (http.status === 400 && call.fields['soap.version'] === '1.2')) {
    call.status = { code: 'Fault', text: 'Fault (in Fast Infoset)', ok: false };
    call.fields['soap.fault.code'] = 'Fault';
  }
  return true;
}

function isSoapContentType(ct: string | undefined): boolean {
  const mt = parseMediaType(ct);
  if (!mt) return true;
  return mt.essence === 'text/xml' || mt.essence === 'application/soap+xml' || mt.essence === 'application/xml' || mt.essence === 'multipart/related';
}

/** Where an envelope's text is: the body, or the root part of a multipart/related one (MTOM/XOP, SwA). */
interface EnvelopeSource {
  text: string;
  /** The text was cut (capture gap or preview) — `{text, truncated}` for cutBeforeRootEnd. */
  truncated: boolean;
  /** The other parts by Content-ID (multipart bodies only). */
  attachments?: Map<string, XopAttachment>;
  /** The root part's Content-Type (multipart bodies only). */
  rootType?: string;
}

const MAX_ATTACHMENTS = 1000;

/**
 * SOAP Message Transmission Optimization (MTOM, W3C 2005, section 3) and SOAP with Attachments
 * (W3C Note 2000): the envelope is the root part of a multipart/related body (RFC 2387 section
 * 3.2: the part whose Content-ID is the `start` parameter, else the first); the other parts are
 * what `xop:Include` (XOP 1.0 section 3.2) or `href="cid:…"` refer to.
 */
function envelopeSource(body: Body | undefined): EnvelopeSource | undefined {
  if (!body) return undefined;
  if (typeof body.text === 'string') return { text: body.text, truncated: !!body.truncated };
  const mt = parseMediaType(body.contentType);
  if (mt?.essence !== 'multipart/related' || !Array.isArray(body.value)) return undefined;
  const parts = body.value as MultipartPart[];
  const root = parts.find(isRelatedRoot(mt.params));
  if (!root || typeof root.text !== 'string') return undefined;
  const attachments = new Map<string, XopAttachment>();
  for (const p of parts) {
    if (p === root || p.contentId === undefined || attachments.size >= MAX_ATTACHMENTS) continue;
    attachments.set(p.contentId, { ...(p.contentType !== undefined ? { contentType: p.contentType } : {}), size: p.size, ...(p.open ? { cut: true } : {}) });
  }
  return { text: root.text, truncated: !!root.open, attachments, ...(root.contentType !== undefined ? { rootType: root.contentType } : {}) };
}

/** The SOAP 1.2 `action` of an XOP package: on the root part's `type` (or the `start-info`) parameter. */
function xopAction(outer: ReturnType<typeof parseMediaType>, rootType: string | undefined): string | undefined {
  const inner = parseMediaType(parseMediaType(rootType)?.params.type ?? outer?.params['start-info']);
  return outer?.params.action ?? inner?.params.action;
}

/** Link the call to its operation: a workspace file, or (learned from the capture) the URL it was fetched from. */
function linkOperation(call: Call, op: WsdlOperation): void {
  if (isLearnedFile(op.file)) call.fields['soap.wsdl'] = op.file;
  else call.definition = { kind: 'wsdl-operation', name: `${op.portType}.${op.name}`, file: op.file, line: op.line, column: op.column };
}

/** The type a global element is declared with. */
function elementDeclType(wsdl: WsdlDefinitions, q: QName | undefined): TypeRef | undefined {
  if (!q) return undefined;
  const e = wsdl.schema.elements.get(`${q.ns ?? ''}|${q.local}`) ?? wsdl.schema.elementsByLocal.get(q.local);
  return e?.type;
}

/** The declared type of a part's value: its `type`, or its `element`'s type. */
function partType(wsdl: WsdlDefinitions, p: WsdlPart): TypeRef | undefined {
  return p.typeQ ?? elementDeclType(wsdl, p.elementQ);
}

/**
 * Typing of an envelope with the WSDL (WSDL 1.1 section 3.5): rpc style — the first Body entry is
 * the operation wrapper whose children are the parts (typed by `type`); document style — each Body
 * entry is a part's `element`; anything else (header blocks, other entries) by the global element
 * of the same name, when the schema declares one.
 */
function typing(wsdl: WsdlDefinitions | undefined, opOf: (first: XEl | undefined, header: XEl | undefined) => WsdlOperation | undefined, dir: 'input' | 'output'): ((first: XEl | undefined, header: XEl | undefined) => EnvelopeTyping | undefined) | undefined {
  if (!wsdl) return undefined;
  return (first, header) => {
    const op = opOf(first, header);
    const ctx: TypeContext = { schema: wsdl.schema, warnings: [], maxDepth: 64 };
    const parts = op ? op[dir] : [];
    return {
      schema: wsdl.schema,
      typeOf(el, where) {
        if (where === 'Body' && op) {
          if (op.style === 'rpc' && el === first && el.local !== 'Fault') {
            const wrapper: XsdComplex = { kind: 'complex', particles: parts.map((p) => ({ name: p.name, type: partType(wsdl, p), max: 1 })) };
            return wrapper;
          }
          const p = parts.find((x) => x.element === el.local);
          if (p) return elementDeclType(wsdl, p.elementQ);
        }
        return globalElementType(el, ctx);
      },
    };
  };
}

/** Name the parts of a message: rpc style — the operation element's children; document — the Body elements. */
function partsOf(wsdl: WsdlDefinitions, parts: WsdlPart[], style: 'document' | 'rpc', first: XEl | undefined, bodyEls: XEl[], maxDepth: number, ids?: Map<string, XEl>, attachments?: Map<string, XopAttachment>): Record<string, unknown> | undefined {
  if (!parts.length) return undefined;
  const o: Record<string, unknown> = {};
  // the Body's value already reported what does not match the schema
  const ctx: TypeContext = { schema: wsdl.schema, warnings: [], maxDepth, ...(ids ? { ids } : {}), ...(attachments ? { attachments } : {}) };
  if (style === 'rpc') {
    for (const p of parts) {
      const el = first?.children.find((c) => c.local === p.name);
      if (el) o[p.name] = typedValue(el, partType(wsdl, p), ctx);
    }
  } else {
    parts.forEach((p, i) => {
      const el = bodyEls.find((c) => c.local === p.element) ?? bodyEls[i];
      if (el) o[p.name] = typedValue(el, partType(wsdl, p) ?? globalElementType(el, ctx), ctx);
    });
  }
  return Object.keys(o).length ? o : undefined;
}

function envelopeValue(env: SoapEnvelope, parts: Record<string, unknown> | undefined): unknown {
  const v: Record<string, unknown> = {};
  if (env.header !== undefined) v.Header = env.header;
  v.Body = env.body;
  if (parts) v.parts = parts;
  return v;
}

const ENDS_ENVELOPE = /<\/([\w.-]+:)?Envelope\s*>\s*$/;

/** The status text of a Fault whose envelope was cut: by the capture, or at our preview limit. */
const faultCut = (body: Body | undefined) => (bodyCut(body) === 'preview' ? 'fault past the preview' : 'fault not captured whole');

/**
 * An envelope not captured whole (snaplen, loss, preview limit): the XML parser is lenient about
 * unclosed tags, so the cut text is not read as values. The operation is the first Body child's
 * name (or the action's last segment), linked to the WSDL; a response showing a Fault is a fault.
 */
function applyCut(call: Call, reqBody: Body, text: string, action: string | undefined, wsdl: WsdlDefinitions | undefined, respBody: Body | undefined, limits: Limits): void {
  const m = /<([\w.-]+:)?Body\b[^>]*>\s*(?:<!--[\s\S]*?-->\s*)*<(?:[\w.-]+:)?([\w.-]+)[\s/>]/.exec(text);
  const name = m?.[2];
  call.method = name ?? (action ? action.slice(action.search(/[^/#:]*$/)) || 'SOAP' : 'SOAP');
  const v = /<([\w.-]+:)?Envelope\b[^>]*\bxmlns(:[\w.-]+)?\s*=\s*["']http:\/\/www\.w3\.org\/2003\/05\/soap-envelope["']/.test(text) ? '1.2' : '1.1';
  call.fields['soap.version'] = v;
  call.fields['soap.operation'] = call.method;
  call.warnings.push(`SOAP request ${bodyCut(reqBody) === 'preview' ? `body ${previewLimitWords(limits)}` : 'not captured whole'}: ${name ? 'operation named, ' : ''}values not read`);
  const op = wsdl ? findOperation(wsdl, action, name, undefined) : undefined;
  if (op) {
    linkOperation(call, op);
    call.method = op.name;
    call.fields['soap.operation'] = op.name;
    if (op.service) call.fields['soap.service'] = op.service;
  }
  const resp = envelopeSource(respBody);
  const respText = resp?.text;
  if (respText && /<([\w.-]+:)?Envelope[\s>]/.test(respText)) {
    if (/<([\w.-]+:)?Fault[\s>]/.test(respText)) call.status = { code: 'Fault', text: cutBeforeRootEnd(resp, ENDS_ENVELOPE) ? faultCut(respBody) : 'Fault', ok: false };
    call.warnings.push(`SOAP response not read: its request was ${bodyCut(reqBody) === 'preview' ? 'not read whole' : 'not captured whole'}`);
  }
}

export const soapRouter: BodyRouter = {
  id: 'soap',
  match(call: Call): boolean {
    const body = call.http?.requestBody;
    if (body && fastInfosetVersion(body.contentType) && looksFastInfoset(body)) return true;
    if (!body || !isSoapContentType(body.contentType)) return false;
    const src = envelopeSource(body);
    return !!src && looksLikeEnvelope(src.text);
  },
  apply(call: Call, session: DecoderSession): void {
    const maxDepth = session.env.limits.maxDepth;
    const http = call.http!;
    call.protocol = 'soap';
    const reqBody = http.requestBody!;
    const mt = parseMediaType(reqBody.contentType);
    const soapAction = header(http.requestHeaders, 'soapaction');
    // the workspace's WSDLs, else those fetched over HTTP earlier in the capture (schemas alone in
    // the workspace, .xsd files without a WSDL, declare no operation: they do not stand in for them)
    const ws = wsdlDefinitionsOf(session.env.definitions);
    const wsdl = ws?.operations.length ? ws : (learnedWsdl(session.capture) ?? ws);
    const fi = fastInfosetVersion(reqBody.contentType);
    if (fi) {
      const action = soapAction !== undefined ? unquote(soapAction) : mt?.params.action;
      if (action) call.fields['soap.action'] = action;
      applyFastInfoset(call, fi, action, wsdl);
      return;
    }
    const reqSrc = envelopeSource(reqBody)!;
    const action = soapAction !== undefined ? unquote(soapAction) : reqSrc.attachments ? xopAction(mt, reqSrc.rootType) : mt?.params.action;
    if (action) call.fields['soap.action'] = action;
    let op: WsdlOperation | undefined;
    if (cutBeforeRootEnd(reqSrc, ENDS_ENVELOPE)) {
      applyCut(call, reqBody, reqSrc.text, action, wsdl, http.responseBody, session.env.limits);
      return;
    }
    let req: SoapEnvelope;
    try {
      req = parseEnvelope(reqSrc.text, maxDepth, typing(wsdl, (first, header) => (op = wsdl ? findOperation(wsdl, action || wsaAction(header), first?.local, first?.ns) : undefined), 'input'), reqSrc.attachments);
    } catch (e) {
      call.warnings.push(`SOAP request${reqSrc.truncated ? ' (truncated body)' : ''}: ${(e as Error).message}`);
      call.method = action ? action.slice(action.search(/[^/#:]*$/)) || 'SOAP' : 'SOAP';
      return;
    }
    call.warnings.push(...req.warnings.map((w) => `SOAP request: ${w}`));
    call.fields['soap.version'] = req.version;
    const wsa = wsaAction(req.headerEl);
    // (WS-Addressing 1.0 SOAP Binding section 6: an HTTP action is empty or the [action] itself)
    if (wsa !== undefined && !action) call.fields['soap.action'] = wsa;
    else if (wsa !== undefined && action && wsa !== action) call.warnings.push(`WS-Addressing Action "${wsa}" differs from the ${soapAction !== undefined ? 'SOAPAction' : 'action parameter'} "${action}"`);
    if (req.version === '1.1' && mt?.essence === 'application/soap+xml') call.warnings.push('SOAP 1.1 envelope sent as application/soap+xml');
    if (req.version === '1.2' && mt?.essence === 'text/xml') call.warnings.push('SOAP 1.2 envelope sent as text/xml');
    if (req.version === '1.1' && soapAction === undefined) call.warnings.push('SOAP 1.1 request without a SOAPAction header');
    const first = req.first;
    call.method = first ? first.local : '(empty Body)';
    call.fields['soap.operation'] = call.method;
    if (req.headerBlocks.length) call.fields['soap.header'] = req.headerBlocks.join(',');

    const bodyEls = (e: SoapEnvelope) => (e.first ? [e.first] : []);
    if (op) {
      linkOperation(call, op);
      call.method = op.name;
      call.fields['soap.operation'] = op.name;
      if (op.service) call.fields['soap.service'] = op.service;
    }
    (call.request ??= {}).value = envelopeValue(req, op && wsdl ? partsOf(wsdl, op.input, op.style, first, bodyEls(req), maxDepth, req.ids, reqSrc.attachments) : undefined);

    const respBody = http.responseBody;
    const respSrc = envelopeSource(respBody);
    if (respSrc && cutBeforeRootEnd(respSrc, ENDS_ENVELOPE) && looksLikeEnvelope(respSrc.text)) {
      call.warnings.push(`SOAP response ${bodyCut(respBody) === 'preview' ? `body ${previewLimitWords(session.env.limits)}` : 'not captured whole'}: values not read`);
      if (/<([\w.-]+:)?Fault[\s>]/.test(respSrc.text)) {
        call.status = { code: 'Fault', text: faultCut(respBody), ok: false };
        call.fields['soap.fault.code'] = 'Fault';
      }
    } else if (respSrc && looksLikeEnvelope(respSrc.text)) {
      let resp: SoapEnvelope | undefined;
      try {
        resp = parseEnvelope(respSrc.text, maxDepth, typing(wsdl, () => op, 'output'), respSrc.attachments);
      } catch (e) {
        call.warnings.push(`SOAP response${respSrc.truncated ? ' (truncated body)' : ''}: ${(e as Error).message}`);
      }
      if (resp) {
        call.warnings.push(...resp.warnings.map((w) => `SOAP response: ${w}`));
        if (resp.version !== req.version) call.warnings.push(`SOAP ${req.version} request answered with a SOAP ${resp.version} envelope`);
        (call.response ??= {}).value = envelopeValue(resp, op && wsdl && !resp.fault ? partsOf(wsdl, op.output, op.style, resp.first, bodyEls(resp), maxDepth, resp.ids, respSrc.attachments) : undefined);
        if (resp.fault) {
          const f = resp.fault;
          call.status = { code: f.code || 'Fault', ...(f.reason !== undefined ? { text: f.reason } : {}), ok: false };
          call.fields['soap.fault.code'] = f.code;
          if (f.subcodes) call.fields['soap.fault.subcode'] = f.subcodes.join(' ');
          if (f.reason !== undefined) call.fields['soap.fault.string'] = f.reason;
          if (http.status !== undefined && http.status !== 500 && !(req.version === '1.2' && http.status === 400)) call.warnings.push(`SOAP Fault in an HTTP ${http.status} response (expected 500)`);
        } else if (http.status !== undefined && http.status >= 400) call.warnings.push(`HTTP ${http.status} response without a SOAP Fault`);
      }
    } else if (fastInfosetResponse(call)) {
      // an XML request answered in Fast Infoset (JAX-WS content negotiation: the request's Accept asked for it)
    } else if (http.status !== undefined && http.status !== 202 && http.status !== 204 && respBody && respBody.size > 0) {
      call.warnings.push('SOAP response is not an Envelope');
    }
  },
};
