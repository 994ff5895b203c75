/**
 * What a Thrift message says about its call, shared by the TCP decoder (index.ts) and Thrift
 * over HTTP (http.ts): a CALL/ONEWAY message names the method, its service (multiplexed
 * `Service:method`, or the IDL) and its arguments; a REPLY carries the result or a declared
 * exception (IDL convention: field 0 the result, other fields the exceptions); an EXCEPTION
 * message a TApplicationException {1: message, 2: type}.
 */
import type { Call, CallStatus } from '../core/model';
import { utf8Text } from '../core/bytes';
import { lookupMethod, thriftDefinitionsOf, type ThriftDefinitions, type ThriftMethodDef, type ThriftServiceDef } from './idl';
import { Renderer, renderRaw } from './render';
import { MESSAGE_TYPES, type TNode, type ThriftMessage } from './wire';

export const APPLICATION_EXCEPTION_TYPES: Record<number, string> = {
  0: 'UNKNOWN',
  1: 'UNKNOWN_METHOD',
  2: 'INVALID_MESSAGE_TYPE',
  3: 'WRONG_METHOD_NAME',
  4: 'BAD_SEQUENCE_ID',
  5: 'MISSING_RESULT',
  6: 'INTERNAL_ERROR',
  7: 'PROTOCOL_ERROR',
  8: 'INVALID_TRANSFORM',
  9: 'INVALID_PROTOCOL',
  10: 'UNSUPPORTED_CLIENT_TYPE',
};

export type MethodRef = { service: ThriftServiceDef; method: ThriftMethodDef };

/** The workspace IDL of a session, and a renderer for it. */
export interface ThriftIdl {
  defs?: ThriftDefinitions;
  render?: Renderer;
}

export function thriftIdl(definitions: { [k: string]: unknown } | undefined): ThriftIdl {
  const defs = thriftDefinitionsOf(definitions);
  return { defs, render: defs ? new Renderer(defs) : undefined };
}

/** `Service:method` (the multiplexed protocol) → [service, method]. */
export function splitName(name: string): { service?: string; method: string } {
  const colon = name.indexOf(':');
  return colon > 0 ? { service: name.slice(0, colon), method: name.slice(colon + 1) } : { method: name };
}

export function findMethod(idl: ThriftIdl, name: string): MethodRef | undefined {
  const { service, method } = splitName(name);
  return idl.defs ? lookupMethod(idl.defs, service, method) : undefined;
}

/**
 * A CALL or ONEWAY message on its call: kind, method, target, arguments, fields and the IDL
 * definition; `transport` fields (framed, or over HTTP) follow the protocol's. Warnings about the
 * message go to `warnings`. `wire`: the message's size, when the request part is the message
 * alone (not an HTTP request's). Returns the IDL method, if any.
 */
export function describeRequest(call: Call, msg: ThriftMessage, idl: ThriftIdl, transport: Record<string, string | boolean>, warnings: string[], wire?: number): MethodRef | undefined {
  const { service, method } = splitName(msg.name);
  call.method = method;
  const m = findMethod(idl, msg.name);
  // Go's generated clients send oneway calls as CALL messages: the IDL says what they are.
  call.kind = msg.type === 4 || m?.method.oneway ? 'oneway' : 'unary';
  const svcName = service ?? (m ? m.service.name.slice(m.service.name.indexOf('.') + 1) : undefined);
  if (svcName) call.target = svcName;
  const value = m && idl.render ? idl.render.fields(msg.body, m.method.args) : renderRaw(msg.body);
  if (wire !== undefined) call.request = { value, wireBytes: wire };
  else (call.request ??= {}).value = value;
  call.fields['thrift.method'] = method;
  if (svcName) call.fields['thrift.service'] = svcName;
  call.fields['thrift.mtype'] = MESSAGE_TYPES[msg.type];
  call.fields['thrift.seq_id'] = msg.seqid;
  call.fields['thrift.protocol'] = msg.protocol;
  Object.assign(call.fields, transport);
  if (service) call.fields['thrift.multiplexed'] = true;
  if (!msg.strict) call.fields['thrift.strict'] = false;
  if (m) {
    call.definition = { kind: 'thrift-method', name: `${m.method.service}.${m.method.name}`, file: m.method.file, line: m.method.line, column: m.method.column };
    if (m.method.oneway !== (msg.type === 4)) warnings.push(msg.type === 4 ? 'ONEWAY message for a method the IDL does not declare oneway' : 'CALL message for a method the IDL declares oneway');
  }
  return m;
}

/**
 * A REPLY or EXCEPTION message on its call: the response value and the status. `wire` as for
 * describeRequest. `cut`: the message was cut by a capture gap (no whole field: no outcome to show).
 */
export function describeReply(call: Call, msg: ThriftMessage, m: MethodRef | undefined, idl: ThriftIdl, wire: number | undefined, cut = false): void {
  call.fields['thrift.reply_mtype'] = MESSAGE_TYPES[msg.type];
  if (cut && !msg.body.fields.length) {
    call.response = { wireBytes: wire };
    if (msg.type === 3) call.status = { code: 'TApplicationException', ok: false };
    return;
  }
  const { value, status } = msg.type === 3 ? applicationException(msg.body) : reply(msg.body, m?.method, idl);
  if (wire !== undefined) call.response = { value, wireBytes: wire };
  else (call.response ??= {}).value = value;
  call.status = status;
  if (!status.ok) call.fields['thrift.exception'] = String(status.code);
}

function applicationException(body: TNode & { t: 'struct' }): { value: unknown; status: CallStatus } {
  let message: string | undefined;
  let type = 0;
  for (const f of body.fields) {
    if (f.id === 1 && f.node.t === 'binary') message = utf8Text(f.node.v);
    if (f.id === 2 && f.node.t === 'i32') type = f.node.v;
  }
  const typeName = APPLICATION_EXCEPTION_TYPES[type] ?? `type ${type}`;
  const value: Record<string, unknown> = { TApplicationException: { message: message ?? null, type: `${typeName} (${type})` } };
  return { value, status: { code: 'TApplicationException', text: message !== undefined ? `${typeName}: ${message}` : typeName, ok: false } };
}

function reply(body: TNode & { t: 'struct' }, m: ThriftMethodDef | undefined, idl: ThriftIdl): { value: unknown; status: CallStatus } {
  const f = body.fields[0];
  if (!f) return { value: null, status: { code: 'OK', ok: true } };
  if (f.id === 0) {
    const value = m && idl.render ? idl.render.value(f.node, m.returns) : renderRaw(f.node);
    return { value, status: { code: 'OK', ok: true } };
  }
  // A declared exception.
  const decl = m?.throws.find((t) => t.id === f.id);
  if (decl && idl.render) {
    const name = idl.render.typeName(decl.type) ?? decl.name;
    const v = idl.render.value(f.node, decl.type);
    return { value: { [decl.name]: v }, status: { code: name, text: exceptionText(v), ok: false } };
  }
  const v = renderRaw(f.node);
  return { value: { [String(f.id)]: v }, status: { code: `exception ${f.id}`, text: exceptionText(v), ok: false } };
}

/** A short text for an exception value: its message-like field, or its first string. */
function exceptionText(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  for (const k of ['message', 'msg', 'why', 'reason', 'error', 'description']) if (typeof o[k] === 'string') return o[k] as string;
  for (const x of Object.values(o)) if (typeof x === 'string') return x;
  return undefined;
}
