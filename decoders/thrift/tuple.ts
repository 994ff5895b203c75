/**
 * Java's TTupleProtocol (Apache Thrift lib/java TTupleProtocol.java, with the Java generator's
 * TupleScheme): the message header is the compact protocol's, but a struct is written without field
 * headers or a stop: its `required` fields in declaration order, then a bit set of which other fields
 * are present (`writeBitSet`: ceil(n/8) bytes, bit i of the last byte for field i < 8, and so on
 * backwards), then those fields in order. Collections carry their size (a compact i32) but no
 * element types; booleans are one byte (1 true, 2 false); numbers as in the compact protocol.
 * Nothing on the wire says what a value is: a message is read only with the IDL's method, and taken
 * only when it fills its frame exactly. Unions (written as a field id and its value) are not read.
 */
import { CompactReader, NeedMore, ThriftError, type ReadLimits, type TField, type TNode, type TType, type ThriftMessage } from './wire';
import { lookupNamed, type ThriftDefinitions, type ThriftFieldDef, type ThriftTypeRef } from './idl';
import { wireTypeOf } from './render';

class TupleReader extends CompactReader {
  constructor(
    b: Uint8Array,
    start: number,
    end: number,
    limits: ReadLimits,
    private readonly defs: ThriftDefinitions,
  ) {
    super(b, start, end, limits);
  }

  typed(t: ThriftTypeRef, depth: number): TNode {
    this.checkDepth(depth);
    switch (t.kind) {
      case 'base':
        switch (t.name) {
          case 'bool': {
            const c = this.u8();
            if (c !== 1 && c !== 2) throw new ThriftError(`boolean byte ${c} (1 or 2 expected)`);
            return { t: 'bool', v: c === 1 };
          }
          case 'byte':
          case 'i8':
            return this.value('i8', depth);
          case 'string':
          case 'binary':
            return this.value('binary', depth);
          case 'i16':
          case 'i32':
          case 'i64':
          case 'double':
          case 'uuid':
            return this.value(t.name, depth);
          default:
            throw new ThriftError(`cannot read a value of type ${t.name}`);
        }
      case 'list':
      case 'set': {
        const n = this.count(this.zigzag32(), t.kind);
        const elem = this.wire(t.elem);
        const items: TNode[] = [];
        for (let i = 0; i < n; i++) items.push(this.typed(t.elem, depth + 1));
        return { t: t.kind, elem, items };
      }
      case 'map': {
        const n = this.count(this.zigzag32(), 'map');
        const key = this.wire(t.key);
        const val = this.wire(t.val);
        const entries: Array<[TNode, TNode]> = [];
        for (let i = 0; i < n; i++) entries.push([this.typed(t.key, depth + 1), this.typed(t.val, depth + 1)]);
        return { t: 'map', key, val, entries };
      }
      case 'named': {
        const td = lookupNamed(this.defs.typedefs, t.name, t.program);
        if (td) return this.typed(td.type, depth + 1);
        if (lookupNamed(this.defs.enums, t.name, t.program)) return this.value('i32', depth);
        const st = lookupNamed(this.defs.structs, t.name, t.program);
        if (!st) throw new ThriftError(`type ${t.name} is not in the IDL`);
        if (st.kind === 'union') throw new ThriftError(`union ${t.name}: not read in the tuple protocol`);
        return this.tupleStruct(st.fields, depth + 1);
      }
    }
  }

  private wire(t: ThriftTypeRef): TType {
    const w = wireTypeOf(this.defs, t);
    if (!w) throw new ThriftError('a type the IDL does not define');
    return w;
  }

  tupleStruct(fields: ThriftFieldDef[], depth: number): TNode & { t: 'struct' } {
    this.checkDepth(depth);
    const out: Array<TField & { at: number }> = [];
    fields.forEach((f, at) => {
      if (f.requiredness === 'required') out.push({ id: f.id, node: this.typed(f.type, depth), at });
    });
    const others = fields.filter((f) => f.requiredness !== 'required');
    if (others.length) {
      const bits = this.bytes(Math.ceil(others.length / 8));
      others.forEach((f, i) => {
        if (bits[bits.length - 1 - (i >> 3)] & (1 << (i & 7))) out.push({ id: f.id, node: this.typed(f.type, depth), at: fields.indexOf(f) });
      });
    }
    // in declaration order, as the other protocols' writers send them
    out.sort((a, b) => a.at - b.at);
    return { t: 'struct', fields: out.map(({ id, node }) => ({ id, node })) };
  }
}

/**
 * A CALL/ONEWAY or REPLY message in b[start, end) read as TTupleProtocol, the body's fields given
 * (method arguments; for a reply: `success` as field 0 unless void, then the declared exceptions).
 * Undefined unless the header is compact and the body ends exactly at `end`.
 */
export function readTupleMessage(b: Uint8Array, start: number, end: number, limits: ReadLimits, defs: ThriftDefinitions, bodyFields: (header: { type: number; name: string; seqid: number }) => ThriftFieldDef[] | undefined): ThriftMessage | undefined {
  const r = new TupleReader(b, start, end, limits, defs);
  try {
    const h = r.header();
    if (h.type === 3) return undefined; // a TApplicationException is written with field headers
    const fields = bodyFields(h);
    if (!fields) return undefined;
    const body = r.tupleStruct(fields, 1);
    if (r.pos !== end) return undefined;
    return { protocol: 'tuple', strict: true, type: h.type, name: h.name, seqid: h.seqid, body };
  } catch (e) {
    if (e instanceof ThriftError || e instanceof NeedMore) return undefined;
    throw e;
  }
}

/** A reply's fields for the tuple reader: the result (field 0) unless void, then the declared exceptions. */
export function resultFields(returns: ThriftTypeRef, throws: ThriftFieldDef[]): ThriftFieldDef[] {
  const isVoid = returns.kind === 'base' && returns.name === 'void';
  return [...(isVoid ? [] : [{ id: 0, name: 'success', type: returns, requiredness: 'default' as const }]), ...throws];
}
