/**
 * XML Schema types for SOAP values: the subset of XML Schema 1.0 (Part 1 structures, Part 2
 * datatypes) that WSDL 1.1 documents use in `<types>` — global elements, named and anonymous
 * complexTypes (sequence/all/choice, nested, with min/maxOccurs; complexContent extension and
 * restriction; simpleContent), simpleTypes (restriction chains down to a built-in) — plus SOAP 1.1
 * section 5 / SOAP 1.2 Part 2 section 3 encoded arrays (`soapenc:Array` with `arrayType`, or
 * `itemType`). `typedValue` turns an element into a plain value typed by its `xsi:type`, else by
 * the schema type it is declared with: numbers, booleans, arrays for repeated (maxOccurs > 1)
 * elements and encoded arrays, objects for complex types; text for everything else and whenever
 * no type is known. `xs:import`/`xs:include` of other documents are not followed.
 */
import type { XEl } from './xml';

export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD_NS = new Set(['http://www.w3.org/2001/XMLSchema', 'http://www.w3.org/2000/10/XMLSchema', 'http://www.w3.org/1999/XMLSchema']);
const XSI_NS = new Set([XSI, 'http://www.w3.org/2000/10/XMLSchema-instance', 'http://www.w3.org/1999/XMLSchema-instance']);
const SOAP11_ENC = 'http://schemas.xmlsoap.org/soap/encoding/';
const SOAP12_ENC = 'http://www.w3.org/2003/05/soap-encoding';
/** The SOAP 1.1 and 1.2 envelope namespaces (envelope.ts re-exports them). */
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
const APACHE_SOAP_NS = 'http://xml.apache.org/xml-soap';

export interface QName {
  ns?: string;
  local: string;
}

export type TypeRef = QName | XsdComplex | XsdSimple;

export interface XsdParticle {
  name: string;
  type?: TypeRef;
  /** `ref="tns:el"`: name and type come from the global element. */
  ref?: QName;
  max: number;
}

export interface XsdComplex {
  kind: 'complex';
  particles: XsdParticle[];
  /** complexContent extension: the base type's particles come first. */
  base?: QName;
  /** simpleContent: the text is of this type (attributes aside). */
  simpleBase?: QName;
  /** A SOAP-encoded array (restriction of soapenc:Array): its item type when declared. */
  array?: { item?: TypeRef };
}

export interface XsdSimple {
  kind: 'simple';
  base?: QName;
}

export interface XsdSchema {
  types: Map<string, XsdComplex | XsdSimple>;
  elements: Map<string, { type?: TypeRef }>;
  /** The same by local name only, for documents whose namespaces do not line up. */
  typesByLocal: Map<string, XsdComplex | XsdSimple>;
  elementsByLocal: Map<string, { type?: TypeRef }>;
}

export const emptySchema = (): XsdSchema => ({ types: new Map(), elements: new Map(), typesByLocal: new Map(), elementsByLocal: new Map() });

const key = (q: QName) => `${q.ns ?? ''}|${q.local}`;

function localOf(name: string): string {
  const c = name.indexOf(':');
  return c >= 0 ? name.slice(c + 1) : name;
}

/** A QName-valued attribute resolved against the namespaces in scope at `el` (XML Namespaces §4). */
export function resolveQName(el: XEl, value: string | undefined): QName | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!v) return undefined;
  const c = v.indexOf(':');
  const prefix = c >= 0 ? v.slice(0, c) : '';
  const ns = el.scope?.get(prefix);
  return { ...(ns ? { ns } : {}), local: c >= 0 ? v.slice(c + 1) : v };
}

function occurs(v: string | undefined): number {
  if (v === undefined) return 1;
  if (v === 'unbounded') return Infinity;
  const n = Number(v);
  return Number.isFinite(n) ? n : 1;
}

/** Index the `<schema>` elements of a WSDL `<types>` section into `into`. */
export function indexSchema(schemaEl: XEl, into: XsdSchema): void {
  const tns = schemaEl.attrs.targetNamespace;
  const put = <T>(map: Map<string, T>, byLocal: Map<string, T>, name: string | undefined, v: T) => {
    if (!name) return;
    map.set(key({ ns: tns, local: name }), v);
    if (!byLocal.has(name)) byLocal.set(name, v);
  };
  for (const c of schemaEl.children) {
    if (c.local === 'element') put(into.elements, into.elementsByLocal, c.attrs.name, { type: elementType(c, 0) });
    else if (c.local === 'complexType') put(into.types, into.typesByLocal, c.attrs.name, complexOf(c, 0));
    else if (c.local === 'simpleType') put(into.types, into.typesByLocal, c.attrs.name, simpleOf(c));
  }
}

function elementType(el: XEl, depth: number): TypeRef | undefined {
  if (el.attrs.type) return resolveQName(el, el.attrs.type);
  for (const c of el.children) {
    if (c.local === 'complexType') return complexOf(c, depth + 1);
    if (c.local === 'simpleType') return simpleOf(c);
  }
  return undefined;
}

function simpleOf(st: XEl): XsdSimple {
  const r = st.children.find((c) => c.local === 'restriction');
  return { kind: 'simple', ...(r?.attrs.base ? { base: resolveQName(r, r.attrs.base) } : {}) };
}

function complexOf(ct: XEl, depth: number): XsdComplex {
  const out: XsdComplex = { kind: 'complex', particles: [] };
  if (depth > 32) return out;
  const group = (g: XEl, repeated: boolean, d: number) => {
    if (d > 32) return;
    for (const p of g.children) {
      if (p.local === 'element') {
        const max = repeated ? Infinity : occurs(p.attrs.maxOccurs);
        if (p.attrs.ref) {
          const ref = resolveQName(p, p.attrs.ref)!;
          out.particles.push({ name: ref.local, ref, max });
        } else if (p.attrs.name) out.particles.push({ name: p.attrs.name, type: elementType(p, depth), max });
      } else if (p.local === 'sequence' || p.local === 'choice' || p.local === 'all') group(p, repeated || occurs(p.attrs.maxOccurs) > 1, d + 1);
    }
  };
  for (const c of ct.children) {
    if (c.local === 'sequence' || c.local === 'choice' || c.local === 'all') group(c, occurs(c.attrs.maxOccurs) > 1, 0);
    else if (c.local === 'complexContent' || c.local === 'simpleContent') {
      const d = c.children.find((x) => x.local === 'extension' || x.local === 'restriction');
      if (!d) continue;
      const base = resolveQName(d, d.attrs.base);
      if (c.local === 'simpleContent') {
        if (base) out.simpleBase = base;
        continue;
      }
      if (base && isSoapEnc(base.ns) && base.local === 'Array') {
        // WSDL 1.1 section 5: <attribute ref="soapenc:arrayType" wsdl:arrayType="xsd:int[]"/>,
        // or a sequence of one repeated item element.
        let item: TypeRef | undefined;
        for (const a of d.children) {
          if (a.local !== 'attribute') continue;
          for (const [k, v] of Object.entries(a.attrs)) if (localOf(k) === 'arrayType' && k !== 'ref') item = resolveQName(a, v.replace(/\[.*$/, ''));
        }
        group(d, false, 0);
        if (!item && out.particles.length === 1) item = out.particles[0].type;
        out.particles = [];
        out.array = item ? { item } : {};
        continue;
      }
      if (d.local === 'extension' && base) out.base = base;
      group(d, false, 0);
    }
  }
  return out;
}

function isSoapEnc(ns: string | undefined): boolean {
  return ns === SOAP11_ENC || ns === SOAP12_ENC;
}

const INTEGERS = new Set(['integer', 'int', 'long', 'short', 'byte', 'nonNegativeInteger', 'positiveInteger', 'nonPositiveInteger', 'negativeInteger', 'unsignedLong', 'unsignedInt', 'unsignedShort', 'unsignedByte']);
const FLOATS = new Set(['float', 'double', 'decimal']);
/** Built-ins that stay text (everything else known to XML Schema Part 2). */
const TEXTS = new Set(['string', 'normalizedString', 'token', 'language', 'Name', 'NCName', 'NMTOKEN', 'NMTOKENS', 'ID', 'IDREF', 'IDREFS', 'ENTITY', 'ENTITIES', 'QName', 'NOTATION', 'anyURI', 'base64Binary', 'hexBinary', 'date', 'dateTime', 'time', 'duration', 'gYear', 'gYearMonth', 'gMonth', 'gMonthDay', 'gDay', 'dateTimeStamp', 'dayTimeDuration', 'yearMonthDuration']);

type Builtin = 'integer' | 'float' | 'boolean' | 'text';

function builtinOf(local: string): Builtin | undefined {
  if (INTEGERS.has(local)) return 'integer';
  if (FLOATS.has(local)) return 'float';
  if (local === 'boolean') return 'boolean';
  if (TEXTS.has(local)) return 'text';
  return undefined;
}

export interface TypeContext {
  schema?: XsdSchema;
  /** Multi-reference targets by id (SOAP 1.1 section 5.4.1 `href="#id"`, SOAP 1.2 Part 2 3.1.5.1 `enc:ref`). */
  ids?: Map<string, XEl>;
  /** Targets being expanded (a reference cycle stops there). */
  resolving?: Set<XEl>;
  /** Problems found (values that do not parse as their type); bounded. */
  warnings: string[];
  maxDepth: number;
  /** The MIME parts beside an XOP package's root (SOAP MTOM), by Content-ID: what `xop:Include` refers to. */
  attachments?: Map<string, XopAttachment>;
}

/** A part of an XOP package (W3C XOP 1.0 section 3) other than the root: its type and size, never its bytes. */
export interface XopAttachment {
  contentType?: string;
  size: number;
  /** The body ended inside the part: `size` is what was captured. */
  cut?: boolean;
}

export const XOP_NS = 'http://www.w3.org/2004/08/xop/include';

/**
 * The attachment a `cid:` URL (RFC 2392: the part's Content-ID, %-escaped, without angle brackets)
 * names: `{attachment, contentType, size}` (`cut` when the capture ended inside the part).
 */
function attachmentValue(href: string, el: XEl, ctx: TypeContext): unknown {
  let id = href.replace(/^cid:/i, '');
  try {
    id = decodeURIComponent(id);
  } catch {
    // a malformed escape: compared as written
  }
  const part = ctx.attachments?.get(id);
  if (!/^cid:/i.test(href)) warn(ctx, `<${el.local}>: xop:Include href ${JSON.stringify(href.slice(0, 80))} is not a cid: URL`);
  else if (!part) warn(ctx, `<${el.local}>: ${href.slice(0, 120)} is not a part of the message`);
  const v: Record<string, unknown> = { attachment: href };
  if (part?.contentType !== undefined) v.contentType = part.contentType;
  if (part) v.size = part.size;
  if (part?.cut) v.cut = true;
  return v;
}

/**
 * W3C XOP 1.0 section 3.2: an element whose content was optimized holds one `xop:Include` whose `href`
 * is a `cid:` URL; SOAP with Attachments (W3C Note, section 3): an element with an `href="cid:…"`
 * attribute and no content refers to a MIME part (read only in a multipart message: `ctx.attachments`).
 */
function attachmentRef(el: XEl, ctx: TypeContext): string | undefined {
  const inc = el.children.length === 1 ? el.children[0]! : undefined;
  if (inc && inc.local === 'Include' && inc.ns === XOP_NS && !el.text.trim()) return inc.attrs.href ?? '';
  if (ctx.attachments && !el.children.length && !el.text.trim() && /^cid:/i.test(el.attrs.href ?? '')) return el.attrs.href;
  return undefined;
}

const MAX_WARNINGS = 20;

type Resolved =
  | { k: 'builtin'; b: Builtin; name: string }
  | { k: 'complex'; t: XsdComplex }
  | { k: 'array'; item?: TypeRef }
  | undefined;

function resolve(t: TypeRef | undefined, ctx: TypeContext, depth = 0): Resolved {
  if (!t || depth > 16) return undefined;
  if ('kind' in t) {
    if (t.kind === 'complex') return t.array ? { k: 'array', item: t.array.item } : { k: 'complex', t };
    return resolve(t.base, ctx, depth + 1);
  }
  if (XSD_NS.has(t.ns ?? '') || isSoapEnc(t.ns)) {
    // SOAP-ENC declares an element and a type for every XSD built-in (SOAP 1.1 section 5.2.1).
    if (isSoapEnc(t.ns) && t.local === 'Array') return { k: 'array' };
    // SOAP 1.1 section 5.2.3: SOAP-ENC's own `base64` (soap4r, Apache SOAP write it), base64Binary's kin
    const b = builtinOf(isSoapEnc(t.ns) && t.local === 'base64' ? 'base64Binary' : t.local);
    if (b) return { k: 'builtin', b, name: t.local };
    if (XSD_NS.has(t.ns ?? '')) return undefined; // anyType, anySimpleType
  }
  const s = ctx.schema;
  const def = s ? (s.types.get(key(t)) ?? s.typesByLocal.get(t.local)) : undefined;
  if (!def) {
    // an unprefixed built-in name in a document without a default namespace
    const b = t.ns === undefined ? builtinOf(t.local) : undefined;
    return b ? { k: 'builtin', b, name: t.local } : undefined;
  }
  return resolve(def, ctx, depth + 1);
}

function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__' || Object.hasOwn(Object.prototype, k)) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function warn(ctx: TypeContext, msg: string): void {
  if (ctx.warnings.length < MAX_WARNINGS) ctx.warnings.push(msg);
  else if (ctx.warnings.length === MAX_WARNINGS) ctx.warnings.push('more values do not match their schema type (not listed)');
}

/** Text of a simple value, typed as the built-in says (XML Schema Part 2, section 3.2/3.3 lexical spaces). */
function simpleValue(el: XEl, b: Builtin, name: string, ctx: TypeContext): unknown {
  if (b === 'text') return el.text;
  const t = el.text.trim();
  if (b === 'integer') {
    if (/^[+-]?\d+$/.test(t)) {
      const n = Number(t);
      if (Number.isSafeInteger(n)) return n;
      return BigInt(t).toString(); // beyond 2^53: exact, as text
    }
  } else if (b === 'float') {
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && (name !== 'decimal' || !/[eE]/.test(t))) {
      const n = Number(t);
      if (Number.isFinite(n)) return n;
    }
    if (name !== 'decimal' && (t === 'INF' || t === '-INF' || t === '+INF' || t === 'NaN')) return t; // not JSON numbers
  } else {
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
  }
  warn(ctx, `<${el.local}>: ${JSON.stringify(t.slice(0, 40))} is not a valid xsd:${name}`);
  return el.text;
}

/** The xsi:type of an element, resolved. */
function xsiType(el: XEl): { attr: string; q: QName } | undefined {
  for (const [k, v] of Object.entries(el.attrs)) {
    if (localOf(k) !== 'type' || k.indexOf(':') < 0) continue;
    const ns = el.scope?.get(k.slice(0, k.indexOf(':')));
    if (ns ? XSI_NS.has(ns) : k.startsWith('xsi:')) {
      const q = resolveQName(el, v);
      if (q) return { attr: k, q };
    }
  }
  return undefined;
}

function isNil(el: XEl): boolean {
  for (const [k, v] of Object.entries(el.attrs)) if (localOf(k) === 'nil' && (v === 'true' || v === '1') && !k.startsWith('xmlns')) return true;
  return false;
}

/** An encoded array's item type from `soapenc:arrayType="xsd:int[3]"` (SOAP 1.1 5.4.2) or `enc:itemType` (SOAP 1.2 Part 2 3.1.4). */
function arrayAttr(el: XEl): { item?: QName } | undefined {
  for (const [k, v] of Object.entries(el.attrs)) {
    const l = localOf(k);
    if (l !== 'arrayType' && l !== 'itemType' && l !== 'arraySize') continue;
    const c = k.indexOf(':');
    if (c < 0 || !isSoapEnc(el.scope?.get(k.slice(0, c)))) continue;
    if (l === 'arraySize') return {};
    return { item: resolveQName(el, v.replace(/\[.*$/, '')) };
  }
  return undefined;
}

/** The id an accessor refers to: `href="#x"` (SOAP 1.1) or `enc:ref="x"` (SOAP 1.2). */
export function refOf(el: XEl): string | undefined {
  const h = el.attrs.href;
  if (h !== undefined) return h.startsWith('#') ? h.slice(1) : undefined;
  for (const [k, v] of Object.entries(el.attrs)) {
    const c = k.indexOf(':');
    if (c > 0 && k.slice(c + 1) === 'ref' && el.scope?.get(k.slice(0, c)) === SOAP12_ENC) return v;
  }
  return undefined;
}

/** The multi-reference targets of an envelope by id, and the ids referred to; undefined when nothing refers. */
export function multiRefs(root: XEl, limit = 100_000): { ids: Map<string, XEl>; referenced: Set<string> } | undefined {
  const ids = new Map<string, XEl>();
  const referenced = new Set<string>();
  const stack: XEl[] = [root];
  for (let n = 0; stack.length && n < limit; n++) {
    const el = stack.pop()!;
    const r = refOf(el);
    if (r !== undefined) referenced.add(r);
    let id = el.attrs.id;
    if (id === undefined)
      for (const [k, v] of Object.entries(el.attrs)) {
        const c = k.indexOf(':');
        if (c > 0 && k.slice(c + 1) === 'id' && el.scope?.get(k.slice(0, c)) === SOAP12_ENC) id = v;
      }
    if (id !== undefined && !ids.has(id)) ids.set(id, el);
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  }
  return referenced.size ? { ids, referenced } : undefined;
}

function particlesOf(t: XsdComplex, ctx: TypeContext): XsdParticle[] {
  const out: XsdParticle[] = [];
  let cur: XsdComplex | undefined = t;
  const chain: XsdComplex[] = [];
  for (let i = 0; cur && i < 16; i++) {
    chain.unshift(cur);
    const base: QName | undefined = cur.base;
    const r: Resolved = base ? resolve(base, ctx) : undefined;
    cur = r?.k === 'complex' ? r.t : undefined;
  }
  for (const c of chain) out.push(...c.particles);
  return out;
}

function particleType(p: XsdParticle, ctx: TypeContext): TypeRef | undefined {
  if (!p.ref) return p.type;
  const s = ctx.schema;
  const e = s ? (s.elements.get(key(p.ref)) ?? s.elementsByLocal.get(p.ref.local)) : undefined;
  return e?.type;
}

/** The declared type of a global element named like `el`, if the schema has one. */
export function globalElementType(el: XEl, ctx: TypeContext): TypeRef | undefined {
  const s = ctx.schema;
  if (!s) return undefined;
  const e = s.elements.get(key({ ns: el.ns, local: el.local })) ?? s.elementsByLocal.get(el.local);
  return e?.type;
}

/**
 * `el` as a plain value. Without a type (and without `xsi:type`) it is the XML as a tree: text
 * for leaves, objects keyed by local name (repeated names become arrays), attributes as `@name`
 * (namespace declarations left out), `xsi:nil="true"` as null.
 */
export function typedValue(el: XEl, type: TypeRef | undefined, ctx: TypeContext, depth = 0): unknown {
  if (!ctx.ids) return valueOfElement(el, type, ctx, depth);
  const busy = (ctx.resolving ??= new Set());
  let node = el;
  const id = el.children.length ? undefined : refOf(el);
  const target = id !== undefined ? ctx.ids.get(id) : undefined;
  if (target && depth < ctx.maxDepth && !busy.has(target)) node = target;
  // a node being expanded is not expanded again below itself (a reference cycle)
  if (busy.has(node)) return valueOfElement(el, type, ctx, depth);
  busy.add(node);
  try {
    return valueOfElement(node, type, ctx, node === el ? depth : depth + 1);
  } finally {
    busy.delete(node);
  }
}

function valueOfElement(el: XEl, type: TypeRef | undefined, ctx: TypeContext, depth: number): unknown {
  if (isNil(el)) return null;
  const href = attachmentRef(el, ctx);
  if (href !== undefined) return attachmentValue(href, el, ctx);
  const xt = xsiType(el);
  let r = resolve(xt?.q ?? type, ctx);
  if (!r && xt && type) r = resolve(type, ctx); // an xsi:type we do not know: fall back to the declared type
  const arr = arrayAttr(el);
  if (arr) r = { k: 'array', item: arr.item ?? (r?.k === 'array' ? r.item : undefined) };
  if (depth >= ctx.maxDepth) return el.text;
  if (r?.k === 'array') return el.children.map((c) => typedValue(c, r.item, ctx, depth + 1));
  if (!r && xt?.q.ns === APACHE_SOAP_NS && xt.q.local === 'Map') {
    const m = apacheMap(el, ctx, depth);
    if (m) return m;
  }
  const attrs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(el.attrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    if (isEncodingStyle(el, k)) continue;
    if (ctx.ids && (k === 'id' || k.endsWith(':id')) && ctx.ids.get(v) === el) continue; // a multi-reference target's id
    if (xt && k === xt.attr && (r?.k === 'builtin' || (r?.k === 'complex' && r.t.simpleBase))) continue;
    attrs.push([k, v]);
  }
  if (r?.k === 'builtin' && !el.children.length) {
    const v = simpleValue(el, r.b, r.name, ctx);
    return attrs.length ? objectWith(attrs, v) : v;
  }
  if (r?.k === 'complex' && r.t.simpleBase && !el.children.length) {
    const b = resolve(r.t.simpleBase, ctx);
    const v = b?.k === 'builtin' ? simpleValue(el, b.b, b.name, ctx) : el.text;
    return attrs.length ? objectWith(attrs, v) : v;
  }
  const particles = r?.k === 'complex' ? particlesOf(r.t, ctx) : undefined;
  if (!el.children.length && !attrs.length && !particles) return el.text;
  const o: Record<string, unknown> = {};
  for (const [k, v] of attrs) setKey(o, `@${k}`, v);
  const always = new Set<string>();
  for (const c of el.children) {
    const p = particles?.find((x) => x.name === c.local);
    const v = typedValue(c, p ? particleType(p, ctx) : undefined, ctx, depth + 1);
    if (p && p.max > 1) always.add(c.local);
    if (Object.hasOwn(o, c.local)) {
      const prev = o[c.local];
      if (Array.isArray(prev) && (prev as { __rep?: boolean }).__rep) prev.push(v);
      else {
        const list: unknown[] = [prev, v];
        Object.defineProperty(list, '__rep', { value: true, enumerable: false });
        setKey(o, c.local, list);
      }
    } else setKey(o, c.local, v);
  }
  // maxOccurs > 1: an array even with one element
  for (const n of always) {
    const v = o[n];
    if (!(Array.isArray(v) && (v as { __rep?: boolean }).__rep)) setKey(o, n, [v]);
  }
  if (el.text.trim()) setKey(o, '#text', el.text);
  return o;
}

/**
 * `env:encodingStyle` (SOAP 1.1 section 4.1.1, SOAP 1.2 Part 1 5.1.1) says how what follows is
 * serialized: a processing attribute, not data. soap4r writes it on the operation wrapper and on
 * every multi-reference target, where it would turn a string into `{@env:encodingStyle, #text}`.
 */
function isEncodingStyle(el: XEl, k: string): boolean {
  if (localOf(k) !== 'encodingStyle') return false;
  const c = k.indexOf(':');
  const ns = c > 0 ? el.scope?.get(k.slice(0, c)) : undefined;
  return ns === SOAP11_NS || ns === SOAP12_NS;
}

/**
 * Apache SOAP's `Map` (`xmlns:apache="http://xml.apache.org/xml-soap"`, `xsi:type="apache:Map"`):
 * the rpc/encoded serialization of a hash that Apache SOAP and Axis 1 defined and PHP's SoapClient
 * (associative arrays), SOAP::Lite and soap4r (Hash) write — `<item><key>…</key><value>…</value></item>`
 * per entry. An object keyed by the keys when each item is exactly a key and a value and every
 * key is a text or number (undefined otherwise: the element is shown as its tree).
 */
function apacheMap(el: XEl, ctx: TypeContext, depth: number): Record<string, unknown> | undefined {
  const o: Record<string, unknown> = {};
  for (const item of el.children) {
    if (item.local !== 'item' || item.children.length !== 2) return undefined;
    const [k, v] = item.children[0].local === 'key' ? item.children : [item.children[1], item.children[0]];
    if (k.local !== 'key' || v.local !== 'value') return undefined;
    const key = typedValue(k, undefined, ctx, depth + 2);
    if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'bigint') return undefined;
    const name = String(key);
    if (Object.hasOwn(o, name)) return undefined; // a key twice: not a map we can show as an object
    setKey(o, name, typedValue(v, undefined, ctx, depth + 2));
  }
  return o;
}

function objectWith(attrs: Array<[string, string]>, v: unknown): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, a] of attrs) setKey(o, `@${k}`, a);
  setKey(o, '#text', v);
  return o;
}
