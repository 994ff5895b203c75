/**
 * The `thrift` entry of `env.definitions`: a small parser for Thrift IDL (`.thrift`) files and an
 * index of services, methods, structs (struct/union/exception), enums and typedefs with their
 * source positions. Pure: the host hands us the file texts.
 *
 * Covers the IDL grammar of thrift/doc/specs/idl.md as far as decoding needs it: headers
 * (include, cpp_include, namespace), const, typedef, enum, senum, struct/union/exception with
 * field ids, requiredness and defaults, containers, services with `extends`, oneway and throws,
 * and annotations `( key = "value" )` (skipped). Names are qualified by program (the file's base
 * name), as `include`d types are referenced (`shared.SharedStruct`).
 */
import { oneByteSource } from '../core/bytes';

export type ThriftTypeRef =
  | { kind: 'base'; name: string } // bool byte i8 i16 i32 i64 double string binary uuid void
  | { kind: 'list' | 'set'; elem: ThriftTypeRef }
  | { kind: 'map'; key: ThriftTypeRef; val: ThriftTypeRef }
  | { kind: 'named'; name: string; program: string };

export interface ThriftPos {
  file: string;
  line: number;
  column: number;
}

export interface ThriftFieldDef {
  id: number;
  name: string;
  type: ThriftTypeRef;
  requiredness: 'required' | 'optional' | 'default';
  /** Default value as written (source text). */
  defaultText?: string;
}

export interface ThriftStructDef extends ThriftPos {
  kind: 'struct' | 'union' | 'exception';
  /** Qualified: `program.Name`. */
  name: string;
  fields: ThriftFieldDef[];
}

export interface ThriftEnumDef extends ThriftPos {
  name: string;
  values: Map<number, string>;
}

export interface ThriftMethodDef extends ThriftPos {
  name: string;
  /** Qualified service name where it is declared. */
  service: string;
  oneway: boolean;
  returns: ThriftTypeRef;
  args: ThriftFieldDef[];
  throws: ThriftFieldDef[];
}

export interface ThriftServiceDef extends ThriftPos {
  name: string;
  extends?: string;
  methods: Map<string, ThriftMethodDef>;
}

export interface ThriftDefinitions {
  kind: 'thrift';
  services: Map<string, ThriftServiceDef>;
  structs: Map<string, ThriftStructDef>;
  enums: Map<string, ThriftEnumDef>;
  typedefs: Map<string, { type: ThriftTypeRef } & ThriftPos>;
  files: string[];
  warnings: string[];
}

export interface ThriftFile {
  path: string;
  text: string;
}

const BASE_TYPES = new Set(['bool', 'byte', 'i8', 'i16', 'i32', 'i64', 'double', 'string', 'binary', 'uuid', 'void', 'slist']);

interface Tok {
  v: string;
  kind: 'id' | 'num' | 'str' | 'p';
  line: number;
  col: number;
}

class IdlError extends Error {}

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      const stop = e < 0 ? n : e + 2;
      for (let k = i; k < stop; k++) if (text[k] === '\n') (line++, (lineStart = k + 1));
      i = stop;
      continue;
    }
    const col = i - lineStart + 1;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c) {
        if (text[j] === '\\') j++;
        if (text[j] === '\n') (line++, (lineStart = j + 1));
        j++;
      }
      toks.push({ v: text.slice(i + 1, j), kind: 'str', line, col });
      i = j + 1;
      continue;
    }
    const idm = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i, i + 256));
    if (idm) {
      toks.push({ v: idm[0], kind: 'id', line, col });
      i += idm[0].length;
      continue;
    }
    const num = /^[+-]?(0x[0-9A-Fa-f]+|\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (num && num[0] !== '+' && num[0] !== '-') {
      toks.push({ v: num[0], kind: 'num', line, col });
      i += num[0].length;
      continue;
    }
    toks.push({ v: c, kind: 'p', line, col });
    i++;
  }
  return toks;
}

function programOf(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? path;
  return base.replace(/\.thrift$/, '');
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly file: string,
    private readonly program: string,
    private readonly out: ThriftDefinitions,
  ) {}

  private peek(k = 0): Tok | undefined {
    return this.toks[this.i + k];
  }

  private next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new IdlError('unexpected end of file');
    return t;
  }

  private is(v: string): boolean {
    return this.peek()?.v === v && this.peek()?.kind !== 'str';
  }

  private accept(v: string): boolean {
    if (this.is(v)) {
      this.i++;
      return true;
    }
    return false;
  }

  private expect(v: string): Tok {
    const t = this.next();
    if (t.v !== v || t.kind === 'str') throw new IdlError(`line ${t.line}: expected '${v}', found '${t.v}'`);
    return t;
  }

  private ident(): Tok {
    const t = this.next();
    if (t.kind !== 'id') throw new IdlError(`line ${t.line}: expected a name, found '${t.v}'`);
    return t;
  }

  private sep(): void {
    if (!this.accept(',')) this.accept(';');
  }

  /** Skip `( … )` annotations. */
  private annotations(): void {
    if (!this.is('(')) return;
    let depth = 0;
    do {
      const t = this.next();
      if (t.kind === 'p' && t.v === '(') depth++;
      else if (t.kind === 'p' && t.v === ')') depth--;
    } while (depth > 0);
  }

  private qualify(name: string): string {
    return `${this.program}.${name}`;
  }

  private type(): ThriftTypeRef {
    const t = this.ident();
    let r: ThriftTypeRef;
    if (t.v === 'list' || t.v === 'set') {
      this.expect('<');
      const elem = this.type();
      this.expect('>');
      r = { kind: t.v, elem };
    } else if (t.v === 'map') {
      if (this.accept('cpp_type')) this.next();
      this.expect('<');
      const key = this.type();
      this.expect(',');
      const val = this.type();
      this.expect('>');
      r = { kind: 'map', key, val };
    } else if (BASE_TYPES.has(t.v)) r = { kind: 'base', name: t.v === 'byte' ? 'i8' : t.v === 'slist' ? 'string' : t.v };
    else r = { kind: 'named', name: t.v, program: this.program };
    if (t.v === 'list' && this.accept('cpp_type')) this.next();
    this.annotations();
    return r;
  }

  private constValue(): string {
    const t = this.next();
    if (t.kind === 'p' && (t.v === '[' || t.v === '{')) {
      const close = t.v === '[' ? ']' : '}';
      const parts: string[] = [t.v];
      let depth = 1;
      while (depth > 0) {
        const u = this.next();
        if (u.kind === 'p' && (u.v === '[' || u.v === '{')) depth++;
        else if (u.kind === 'p' && (u.v === ']' || u.v === '}')) depth--;
        parts.push(u.kind === 'str' ? JSON.stringify(u.v) : u.v);
      }
      void close;
      return parts.join(' ');
    }
    return t.kind === 'str' ? JSON.stringify(t.v) : t.v;
  }

  private fields(close: string): ThriftFieldDef[] {
    const out: ThriftFieldDef[] = [];
    let implicit = -1;
    while (!this.is(close)) {
      let id: number;
      if (this.peek()?.kind === 'num' && this.peek(1)?.v === ':') {
        id = Number(this.next().v);
        this.next();
      } else {
        id = implicit--;
        this.out.warnings.push(`${this.file}:${this.peek()?.line}: field without an id (implicit ${id})`);
      }
      let requiredness: ThriftFieldDef['requiredness'] = 'default';
      if (this.accept('required')) requiredness = 'required';
      else if (this.accept('optional')) requiredness = 'optional';
      const type = this.type();
      const name = this.ident().v;
      let defaultText: string | undefined;
      if (this.accept('=')) defaultText = this.constValue();
      while (this.accept('xsd_optional') || this.accept('xsd_nillable')) {
        /* legacy xsd modifiers */
      }
      this.annotations();
      this.sep();
      out.push({ id, name, type, requiredness, ...(defaultText !== undefined ? { defaultText } : {}) });
    }
    this.expect(close);
    return out;
  }

  private pos(t: Tok): ThriftPos {
    return { file: this.file, line: t.line, column: t.col };
  }

  parse(): string[] {
    const includes: string[] = [];
    while (this.peek()) {
      const t = this.next();
      switch (t.v) {
        case 'include':
        case 'cpp_include':
          if (t.v === 'include') includes.push(this.next().v);
          else this.next();
          this.sep();
          break;
        case 'namespace':
          this.next(); // scope
          this.next(); // name
          this.annotations();
          this.sep();
          break;
        case 'cpp_namespace':
        case 'php_namespace':
        case 'py_module':
        case 'perl_package':
        case 'ruby_namespace':
        case 'smalltalk_category':
        case 'smalltalk_prefix':
        case 'java_package':
        case 'cocoa_prefix':
        case 'xsd_namespace':
        case 'csharp_namespace':
        case 'delphi_namespace':
          this.next();
          this.sep();
          break;
        case 'const': {
          this.type();
          this.ident();
          this.expect('=');
          this.constValue();
          this.sep();
          break;
        }
        case 'typedef': {
          const type = this.type();
          const name = this.ident();
          this.annotations();
          this.sep();
          this.out.typedefs.set(this.qualify(name.v), { type, ...this.pos(name) });
          break;
        }
        case 'enum': {
          const name = this.ident();
          this.expect('{');
          const values = new Map<number, string>();
          let next = 0;
          while (!this.is('}')) {
            const v = this.ident();
            if (this.accept('=')) next = Number(this.next().v);
            this.annotations();
            this.sep();
            if (!values.has(next)) values.set(next, v.v);
            next++;
          }
          this.expect('}');
          this.annotations();
          this.out.enums.set(this.qualify(name.v), { name: this.qualify(name.v), values, ...this.pos(name) });
          break;
        }
        case 'senum': {
          this.ident();
          this.expect('{');
          while (!this.is('}')) this.next();
          this.expect('}');
          break;
        }
        case 'struct':
        case 'union':
        case 'exception': {
          const name = this.ident();
          this.accept('xsd_all');
          this.expect('{');
          const fields = this.fields('}');
          this.annotations();
          this.out.structs.set(this.qualify(name.v), { kind: t.v, name: this.qualify(name.v), fields, ...this.pos(name) });
          break;
        }
        case 'service': {
          const name = this.ident();
          let ext: string | undefined;
          if (this.accept('extends')) {
            const e = this.ident().v;
            ext = e.includes('.') ? e : this.qualify(e);
          }
          this.expect('{');
          const svc: ThriftServiceDef = { name: this.qualify(name.v), ...(ext ? { extends: ext } : {}), methods: new Map(), ...this.pos(name) };
          while (!this.is('}')) {
            const oneway = this.accept('oneway');
            this.accept('async');
            const returns = this.type();
            const mname = this.ident();
            this.expect('(');
            const args = this.fields(')');
            let throws: ThriftFieldDef[] = [];
            if (this.accept('throws')) {
              this.expect('(');
              throws = this.fields(')');
            }
            this.annotations();
            this.sep();
            svc.methods.set(mname.v, { name: mname.v, service: svc.name, oneway, returns, args, throws, ...this.pos(mname) });
          }
          this.expect('}');
          this.annotations();
          this.out.services.set(svc.name, svc);
          break;
        }
        default:
          throw new IdlError(`line ${t.line}: unexpected '${t.v}'`);
      }
    }
    return includes;
  }
}

/** Parse every file into one index. Never throws: problems become warnings. */
export function buildThriftDefinitions(files: ThriftFile[]): ThriftDefinitions {
  const out: ThriftDefinitions = { kind: 'thrift', services: new Map(), structs: new Map(), enums: new Map(), typedefs: new Map(), files: [], warnings: [] };
  const programs = new Set<string>();
  for (const f of files) {
    out.files.push(f.path);
    const program = programOf(f.path);
    programs.add(program);
    try {
      // (identifiers are ASCII: see oneByteSource)
      const includes = new Parser(tokenize(oneByteSource(f.text)), f.path, program, out).parse();
      for (const inc of includes) {
        const p = programOf(inc);
        if (!files.some((g) => programOf(g.path) === p)) out.warnings.push(`${f.path}: include "${inc}" not found among the definition files`);
      }
    } catch (e) {
      out.warnings.push(`${f.path}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** The `thrift` entry of a definitions bag, when the host loaded one. */
export function thriftDefinitionsOf(defs: { [k: string]: unknown } | undefined): ThriftDefinitions | undefined {
  const d = defs?.thrift as ThriftDefinitions | undefined;
  return d && d.kind === 'thrift' ? d : undefined;
}

/** Find a named type from the program it was referenced in. */
export function lookupNamed<T>(map: Map<string, T>, name: string, program: string): T | undefined {
  if (name.includes('.')) {
    const hit = map.get(name);
    if (hit) return hit;
  }
  const local = map.get(`${program}.${name}`);
  if (local) return local;
  const suffix = `.${name.split('.').pop()}`;
  for (const [k, v] of map) if (k.endsWith(suffix)) return v;
  return undefined;
}

/** Methods of a service including the ones it inherits. */
function methodIn(defs: ThriftDefinitions, svc: ThriftServiceDef, name: string, depth = 0): ThriftMethodDef | undefined {
  const m = svc.methods.get(name);
  if (m || !svc.extends || depth > 32) return m;
  const parent = lookupNamed(defs.services, svc.extends, svc.name.split('.')[0]);
  return parent ? methodIn(defs, parent, name, depth + 1) : undefined;
}

/**
 * The method a message names: `service` (multiplexed protocol, unqualified or qualified) when
 * known, else the first service declaring `method`. Returns the service used too.
 */
export function lookupMethod(defs: ThriftDefinitions, service: string | undefined, method: string): { service: ThriftServiceDef; method: ThriftMethodDef } | undefined {
  if (service !== undefined) {
    for (const svc of defs.services.values()) {
      if (svc.name === service || svc.name.endsWith(`.${service}`)) {
        const m = methodIn(defs, svc, method);
        if (m) return { service: svc, method: m };
      }
    }
    return undefined;
  }
  for (const svc of defs.services.values()) {
    const m = svc.methods.get(method);
    if (m) return { service: svc, method: m };
  }
  for (const svc of defs.services.values()) {
    const m = methodIn(defs, svc, method);
    if (m) return { service: svc, method: m };
  }
  return undefined;
}
