/**
 * A small namespace-aware XML element tree over fast-xml-parser (entity processing off), for
 * SOAP envelopes and WSDL documents. Documents with a DTD or entity declarations are refused,
 * never expanded (billion laughs); nesting is bounded.
 */
import { xmlDepth } from '../core/xml';
import { XMLParser } from 'fast-xml-parser';
import { typedValue } from './schema';

export interface XEl {
  /** Qualified name as written (`soap:Envelope`). */
  name: string;
  local: string;
  /** Namespace URI, when the prefix (or default namespace) is declared. */
  ns?: string;
  attrs: Record<string, string>;
  children: XEl[];
  /** Text content directly inside (entities decoded, CDATA verbatim), untrimmed. */
  text: string;
  /** Namespace prefixes in scope ('' = default namespace), to resolve QName values (xsi:type, type=). */
  scope?: Map<string, string>;
}

export class XmlRefused extends Error {}

type XNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: true,
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
});

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five predefined entities and character references; anything else stays literal. */
export function decodeEntities(s: string): string {
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

function localOf(name: string): string {
  const c = name.indexOf(':');
  return c >= 0 ? name.slice(c + 1) : name;
}

function convert(n: XNode, scope: Map<string, string>): XEl {
  const name = tagOf(n)!;
  const rawAttrs = (n[':@'] ?? {}) as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  let inner = scope;
  for (const [k, v] of Object.entries(rawAttrs)) {
    const val = decodeEntities(String(v));
    attrs[k] = val;
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (inner === scope) inner = new Map(scope);
      inner.set(k === 'xmlns' ? '' : k.slice(6), val);
    }
  }
  const c = name.indexOf(':');
  const ns = inner.get(c >= 0 ? name.slice(0, c) : '');
  const el: XEl = { name, local: localOf(name), ...(ns ? { ns } : {}), attrs, children: [], text: '', scope: inner };
  const kids = n[name];
  if (Array.isArray(kids)) {
    for (const k of kids as XNode[]) {
      const t = tagOf(k);
      if (t === '#text') el.text += decodeEntities(String(k['#text']));
      else if (t === '#cdata') {
        for (const cd of k['#cdata'] as XNode[]) if ('#text' in cd) el.text += String(cd['#text']);
      } else if (t && t !== '#comment') el.children.push(convert(k, inner));
    }
  }
  return el;
}

/** Parse a document into its root element. Throws XmlRefused (DTD, too deep, not well-formed). */
export function parseXml(text: string, maxDepth: number): XEl {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlRefused('document declares a DTD or entities: refused (entities are never expanded)');
  if (xmlDepth(text, maxDepth) > maxDepth) throw new XmlRefused(`XML nested deeper than ${maxDepth} levels: refused`);
  let doc: XNode[];
  try {
    doc = parser.parse(text) as XNode[];
  } catch (e) {
    throw new XmlRefused(`not well-formed XML: ${(e as Error).message}`);
  }
  const root = (Array.isArray(doc) ? doc : []).find((n) => {
    const t = tagOf(n);
    return t !== undefined && !t.startsWith('#') && !t.startsWith('?');
  });
  if (!root) throw new XmlRefused('no root element');
  return convert(root, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]));
}

/** Resolve a QName attribute value (`tns:Foo`) against the namespaces in scope at `el`'s document (best effort: root + el). */
export function qnameLocal(v: string | undefined): string | undefined {
  return v === undefined ? undefined : localOf(v.trim());
}

/**
 * An element's content as a plain value: text for leaves, an object keyed by local name for
 * elements with children (repeated names become arrays), attributes as `@name` (namespace
 * declarations left out), `xsi:nil="true"` as null; a value with an `xsi:type` of a built-in
 * (`xsd:int`, `xsd:boolean`…) or a SOAP-encoded array is typed (./schema.ts).
 */
export function toValue(el: XEl, maxDepth = 64, warnings: string[] = []): unknown {
  return typedValue(el, undefined, { warnings, maxDepth });
}

export function child(el: XEl | undefined, local: string): XEl | undefined {
  return el?.children.find((c) => c.local === local);
}
