/**
 * The `wsdl` entry of `env.definitions`: WSDL 1.1 documents (W3C Note, sections 2.3–2.7:
 * message/part, portType/operation, binding with the SOAP 1.1/1.2 binding extensions
 * (style, soapAction), service/port) indexed by operation, with the source position of each
 * portType operation. Pure: the host hands us the texts.
 */
import { parseXml, qnameLocal, type XEl } from './xml';
import { emptySchema, indexSchema, resolveQName, type QName, type XsdSchema } from './schema';
import { oneByteCopy } from '../core/bytes';

export interface WsdlPart {
  name: string;
  /** Local name of the element (document style) or type (rpc style). */
  element?: string;
  type?: string;
  /** The same, namespace-resolved, for typing values with the schema. */
  elementQ?: QName;
  typeQ?: QName;
}

export interface WsdlOperation {
  name: string;
  portType: string;
  service?: string;
  targetNamespace?: string;
  soapAction?: string;
  /** The input's WS-Addressing action (`wsam:Action`/`wsaw:Action` on the portType input: what JAX-WS sends as SOAPAction). */
  inputAction?: string;
  style: 'document' | 'rpc';
  input: WsdlPart[];
  output: WsdlPart[];
  faults: string[];
  file: string;
  line: number;
  column: number;
}

export interface WsdlDefinitions {
  kind: 'wsdl';
  operations: WsdlOperation[];
  files: string[];
  warnings: string[];
  /** The XML Schema of every `<types>` section, for typing values. */
  schema: XsdSchema;
  /** How many `binding` elements the documents hold (a document may bind another's portType: one learned before it counts). */
  bindings?: number;
}

export interface WsdlFile {
  path: string;
  text: string;
  /** `text` already parsed (decoders/soap/learned.ts keeps it: a document is parsed once however often the definitions are rebuilt). */
  root?: XEl;
}

const kids = (el: XEl, local: string) => el.children.filter((c) => c.local === local);

const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lineCol(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < index; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return { line, column: index - last };
}

/** Where `<…operation name="op"` is declared inside `<…portType name="pt"`. */
function positionOf(text: string, portType: string, op: string): { line: number; column: number } {
  const pt = new RegExp(`<([\\w.-]+:)?portType\\b[^>]*\\bname\\s*=\\s*["']${escapeRe(portType)}["']`).exec(text);
  const from = pt ? pt.index : 0;
  const re = new RegExp(`<([\\w.-]+:)?operation\\b[^>]*\\bname\\s*=\\s*["']${escapeRe(op)}["']`, 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  return lineCol(text, m ? m.index : from);
}

type BindingInfo = { portType: string; style: 'document' | 'rpc'; actions: Map<string, { action?: string; style?: 'document' | 'rpc' }> };

/** A document's `binding` elements (WSDL 1.1 section 2.5, with the SOAP binding's style and soapAction, section 3.2–3.4), by name. */
function bindingsOf(root: XEl, file: string, into: { file: string; name: string; info: BindingInfo }[]): void {
  for (const b of kids(root, 'binding')) {
    const sb = b.children.find((c) => c.local === 'binding');
    const style = sb?.attrs.style === 'rpc' ? 'rpc' : 'document';
    const actions = new Map<string, { action?: string; style?: 'document' | 'rpc' }>();
    for (const o of kids(b, 'operation')) {
      const so = o.children.find((c) => c.local === 'operation');
      const st = so?.attrs.style;
      actions.set(o.attrs.name ?? '', { ...(so?.attrs.soapAction !== undefined ? { action: so.attrs.soapAction } : {}), ...(st === 'rpc' || st === 'document' ? { style: st } : {}) });
    }
    into.push({ file, name: b.attrs.name ?? '', info: { portType: qnameLocal(b.attrs.type) ?? '', style, actions } });
  }
}

export function buildWsdlDefinitions(files: WsdlFile[], maxDepth = 64): WsdlDefinitions {
  const out: WsdlDefinitions = { kind: 'wsdl', operations: [], files: [], warnings: [], schema: emptySchema() };
  const roots: { f: WsdlFile; root: XEl }[] = [];
  // Bindings and services of every document: WSDL 1.1 section 2.1.1 — a document may bind and
  // serve the portType of another it imports (WCF's `?wsdl` binds the portType its `?wsdl=wsdl0` declares).
  const bindingInfo: { file: string; name: string; info: BindingInfo }[] = [];
  const serviceOf = new Map<string, string>(); // binding → service
  for (const f of files) {
    out.files.push(f.path);
    let root: XEl;
    try {
      root = f.root ?? parseXml(f.text, maxDepth);
    } catch (e) {
      out.warnings.push(`${f.path}: ${(e as Error).message}`);
      continue;
    }
    if (root.local === 'schema' && root.ns === XSD_NS) {
      // An XML Schema file beside the WSDLs: what their `xs:import`/`xs:include` pull in (JAX-WS
      // publishes its types as `?xsd=1`, imported by namespace); global declarations merge by namespace.
      indexSchema(root, out.schema);
      continue;
    }
    if (root.local !== 'definitions') {
      if (root.local === 'description') out.warnings.push(`${f.path}: WSDL 2.0 is not supported`);
      continue;
    }
    roots.push({ f, root });
    bindingsOf(root, f.path, bindingInfo);
    for (const s of kids(root, 'service')) for (const p of kids(s, 'port')) serviceOf.set(qnameLocal(p.attrs.binding) ?? '', s.attrs.name ?? '');
  }
  out.bindings = bindingInfo.length;
  for (const { f, root } of roots) {
    const tns = root.attrs.targetNamespace;
    for (const t of kids(root, 'types')) for (const sc of kids(t, 'schema')) indexSchema(sc, out.schema);
    const messages = new Map<string, WsdlPart[]>();
    for (const m of kids(root, 'message')) {
      messages.set(
        m.attrs.name ?? '',
        kids(m, 'part').map((p) => ({
          name: p.attrs.name ?? '',
          ...(p.attrs.element ? { element: qnameLocal(p.attrs.element), elementQ: resolveQName(p, p.attrs.element) } : {}),
          ...(p.attrs.type ? { type: qnameLocal(p.attrs.type), typeQ: resolveQName(p, p.attrs.type) } : {}),
        })),
      );
    }
    for (const pt of kids(root, 'portType')) {
      const ptName = pt.attrs.name ?? '';
      // (a binding of the same document first: a service published at two addresses binds each copy)
      const bindings = bindingInfo.filter((b) => b.info.portType === ptName).sort((x, y) => Number(y.file === f.path) - Number(x.file === f.path));
      for (const op of kids(pt, 'operation')) {
        const name = op.attrs.name ?? '';
        const msgParts = (io: string) => {
          const el = kids(op, io)[0];
          const m = el ? qnameLocal(el.attrs.message) : undefined;
          if (m && !messages.has(m)) out.warnings.push(`${f.path}: operation ${name}: message ${m} not found`);
          return m ? messages.get(m) ?? [] : [];
        };
        const bName = bindings[0]?.name;
        const b = bindings[0]?.info;
        const service = bName ? serviceOf.get(bName) : undefined;
        const bop = b?.actions.get(name);
        // WS-Addressing 1.0 Metadata section 4.4.1: the Action attribute (any prefix) on the input
        const inEl = kids(op, 'input')[0];
        const wsaAction = inEl ? Object.entries(inEl.attrs).find(([k]) => k === 'Action' || k.endsWith(':Action'))?.[1] : undefined;
        out.operations.push({
          // (one-byte copies when they can be: they go into every call's JSON line, see oneByteCopy)
          name: oneByteCopy(name),
          portType: oneByteCopy(ptName),
          ...(service ? { service: oneByteCopy(service) } : {}),
          ...(tns ? { targetNamespace: tns } : {}),
          ...(bop?.action ? { soapAction: bop.action } : {}),
          ...(wsaAction ? { inputAction: wsaAction } : {}),
          style: bop?.style ?? b?.style ?? 'document',
          input: msgParts('input'),
          output: msgParts('output'),
          faults: kids(op, 'fault').map((x) => x.attrs.name ?? ''),
          file: f.path,
          ...positionOf(f.text, ptName, name),
        });
      }
    }
  }
  return out;
}

export function wsdlDefinitionsOf(defs: { [k: string]: unknown } | undefined): WsdlDefinitions | undefined {
  const d = defs?.wsdl as WsdlDefinitions | undefined;
  return d && d.kind === 'wsdl' ? d : undefined;
}

function stripQuotes(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"' ? t.slice(1, -1) : t;
}

/** The WSDL operation of a request: by SOAPAction/action, then by the Body's first element. */
export function findOperation(defs: WsdlDefinitions, action: string | undefined, bodyLocal: string | undefined, bodyNs: string | undefined): WsdlOperation | undefined {
  const a = stripQuotes(action);
  const sameNs = (o: WsdlOperation) => !bodyNs || !o.targetNamespace || o.targetNamespace === bodyNs;
  if (a) {
    const hits = defs.operations.filter((o) => o.soapAction === a);
    if (!hits.length) hits.push(...defs.operations.filter((o) => o.inputAction === a));
    // (the same portType operation from several documents — a service published at two addresses — is one)
    if (hits.length && hits.every((o) => o.name === hits[0].name && o.portType === hits[0].portType)) return hits[0];
    const h = hits.find((o) => o.name === bodyLocal || o.input.some((p) => p.element === bodyLocal));
    if (h) return h;
  }
  if (!bodyLocal) return undefined;
  return (
    defs.operations.find((o) => o.style === 'document' && o.input.some((p) => p.element === bodyLocal) && sameNs(o)) ??
    defs.operations.find((o) => o.name === bodyLocal && sameNs(o)) ??
    defs.operations.find((o) => o.name === bodyLocal || o.input.some((p) => p.element === bodyLocal))
  );
}
