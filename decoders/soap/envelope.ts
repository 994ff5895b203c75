/**
 * SOAP envelopes: SOAP 1.1 (W3C Note, section 4: Envelope, Header, Body, Fault with faultcode,
 * faultstring, faultactor, detail) and SOAP 1.2 (W3C Recommendation, Part 1 section 5: Fault
 * with Code/Value/Subcode, Reason/Text, Node, Role, Detail).
 */
import { child, parseXml, toValue, type XEl } from './xml';
import { multiRefs, SOAP11_NS, SOAP12_NS, typedValue, type TypeRef, type XopAttachment, type XsdComplex, type XsdSchema } from './schema';

/** How to type the Header and Body entries, decided once the Body's first element is known. */
export interface EnvelopeTyping {
  schema?: XsdSchema;
  /** The declared type of a Header block or Body entry (undefined: by xsi:type only). */
  typeOf(el: XEl, where: 'Header' | 'Body'): TypeRef | undefined;
}

export { SOAP11_NS, SOAP12_NS };

export interface SoapFault {
  code: string;
  /** SOAP 1.2 subcodes, outermost first. */
  subcodes?: string[];
  reason?: string;
  actor?: string;
  detail?: unknown;
}

export interface SoapEnvelope {
  version: '1.1' | '1.2';
  header?: unknown;
  /** Header blocks' local names, in order. */
  headerBlocks: string[];
  /** The first element of the Body (the operation or its response, or the Fault). */
  first?: XEl;
  /** The Body as a tree (values with an xsi:type typed, multi-reference accessors replaced by their target). */
  body: unknown;
  /** Multi-reference targets by id, when the envelope has references. */
  ids?: Map<string, XEl>;
  headerEl?: XEl;
  bodyEl?: XEl;
  fault?: SoapFault;
  warnings: string[];
}

/** Is the text (after prolog and comments) an element named `Envelope` (any prefix)? */
export function looksLikeEnvelope(text: string): boolean {
  let s = text.slice(0, 8192).replace(/^\uFEFF/, '');
  for (let i = 0; i < 50; i++) {
    s = s.replace(/^\s+/, '');
    if (s.startsWith('<?')) s = s.slice(s.indexOf('?>') + 2 || s.length);
    else if (s.startsWith('<!--')) s = s.slice(s.indexOf('-->') + 3 || s.length);
    else break;
  }
  if (/^<!DOCTYPE/i.test(s)) return /<([\w.-]+:)?Envelope[\s>]/.test(text.slice(0, 65536));
  return /^<([\w.-]+:)?Envelope[\s>/]/.test(s);
}

/** WS-Addressing 1.0 (W3C 2006) and the 2004/08 member submission WCF and WSE still send. */
const WSA_NS = new Set(['http://www.w3.org/2005/08/addressing', 'http://schemas.xmlsoap.org/ws/2004/08/addressing']);

/**
 * The `wsa:Action` header block (WS-Addressing 1.0 SOAP Binding section 2.4, Core section 3.2
 * [action]): what a SOAP 1.2 request over WS-Addressing names its operation by when HTTP carries
 * no action (WCF's Soap12WSAddressing10 sends `application/soap+xml` without an `action` parameter).
 */
export function wsaAction(headerEl: XEl | undefined): string | undefined {
  const a = headerEl?.children.find((c) => c.local === 'Action' && c.ns !== undefined && WSA_NS.has(c.ns));
  const t = a?.text.trim();
  return t || undefined;
}

function textOf(el: XEl | undefined): string | undefined {
  return el ? el.text.trim() : undefined;
}

/** `attachments`: an XOP package's other parts by Content-ID (SOAP MTOM), what `xop:Include` elements show. */
export function parseEnvelope(text: string, maxDepth: number, typing?: (first: XEl | undefined, header: XEl | undefined) => EnvelopeTyping | undefined, attachments?: Map<string, XopAttachment>): SoapEnvelope {
  const root = parseXml(text, maxDepth);
  const warnings: string[] = [];
  if (root.local !== 'Envelope') throw new Error(`root element is <${root.name}>, not a SOAP Envelope`);
  let version: '1.1' | '1.2';
  if (root.ns === SOAP11_NS) version = '1.1';
  else if (root.ns === SOAP12_NS) version = '1.2';
  else {
    version = '1.1';
    warnings.push(`Envelope namespace ${root.ns ? `"${root.ns}"` : 'missing'}: not SOAP 1.1 or 1.2 (read as 1.1)`);
  }
  const inEnv = (e: XEl) => e.ns === root.ns;
  const headerEl = root.children.find((c) => c.local === 'Header' && inEnv(c));
  const bodyEl = root.children.find((c) => c.local === 'Body' && inEnv(c));
  if (!bodyEl) warnings.push('Envelope without a Body');
  const first = bodyEl?.children[0];
  const t = typing?.(first, headerEl);
  // SOAP 1.1 section 5.4.1 / SOAP 1.2 Part 2 section 3.1.5: accessors refer to values serialized
  // once elsewhere (SOAP::Lite does so for a value passed twice): they show the value itself, and
  // the serialized-once targets are not listed as Body entries of their own.
  const refs = text.includes('ref') ? multiRefs(root) : undefined;
  const valueOfElement = (el: XEl, where: 'Header' | 'Body') => {
    const kids = refs ? el.children.filter((c, i) => i === 0 || !(c.attrs.id !== undefined && refs.referenced.has(c.attrs.id))) : el.children;
    if (!t && !refs) return attachments ? typedValue(el, undefined, { warnings, maxDepth, attachments }) : toValue(el, maxDepth, warnings);
    // the Header/Body as a complex type whose entries are typed one by one
    const entries: XsdComplex = { kind: 'complex', particles: [] };
    for (const c of kids) if (!entries.particles.some((p) => p.name === c.local)) entries.particles.push({ name: c.local, type: t?.typeOf(c, where), max: 1 });
    return typedValue(kids === el.children ? el : { ...el, children: kids }, entries, { schema: t?.schema, warnings, maxDepth, ...(refs ? { ids: refs.ids } : {}), ...(attachments ? { attachments } : {}) });
  };
  const env: SoapEnvelope = {
    version,
    headerBlocks: headerEl ? headerEl.children.map((c) => c.local) : [],
    first,
    body: bodyEl ? valueOfElement(bodyEl, 'Body') : undefined,
    ...(headerEl ? { headerEl } : {}),
    ...(bodyEl ? { bodyEl } : {}),
    ...(refs ? { ids: refs.ids } : {}),
    warnings,
  };
  if (headerEl) env.header = valueOfElement(headerEl, 'Header');
  if (first && first.local === 'Fault' && inEnv(first)) {
    const shape12 = !child(first, 'faultcode') && !!child(first, 'Code');
    if (shape12 !== (version === '1.2')) warnings.push(`SOAP ${shape12 ? '1.2' : '1.1'} Fault inside a SOAP ${version} Envelope`);
    env.fault = shape12 ? fault12(first, maxDepth) : fault11(first, maxDepth);
  }
  if (bodyEl && bodyEl.children.length > 1 && env.fault) warnings.push('Fault is not the only Body element');
  return env;
}

function fault11(f: XEl, maxDepth: number): SoapFault {
  // faultcode etc. are unqualified in 1.1; accept qualified ones too.
  const code = textOf(child(f, 'faultcode')) ?? '';
  const out: SoapFault = { code };
  const reason = textOf(child(f, 'faultstring'));
  if (reason !== undefined) out.reason = reason;
  const actor = textOf(child(f, 'faultactor'));
  if (actor) out.actor = actor;
  const detail = child(f, 'detail');
  if (detail) out.detail = toValue(detail, maxDepth);
  return out;
}

function fault12(f: XEl, maxDepth: number): SoapFault {
  const codeEl = child(f, 'Code');
  const out: SoapFault = { code: textOf(child(codeEl, 'Value')) ?? '' };
  const subcodes: string[] = [];
  let sub = child(codeEl, 'Subcode');
  for (let i = 0; sub && i < 32; i++) {
    const v = textOf(child(sub, 'Value'));
    if (v) subcodes.push(v);
    sub = child(sub, 'Subcode');
  }
  if (subcodes.length) out.subcodes = subcodes;
  const texts = child(f, 'Reason')?.children.filter((c) => c.local === 'Text') ?? [];
  const en = texts.find((t) => (t.attrs['xml:lang'] ?? '').toLowerCase().startsWith('en')) ?? texts[0];
  if (en) out.reason = en.text.trim();
  const node = textOf(child(f, 'Node'));
  if (node) out.actor = node;
  const detail = child(f, 'Detail');
  if (detail) out.detail = toValue(detail, maxDepth);
  return out;
}
