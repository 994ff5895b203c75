/**
 * Hessian RPC over HTTP (Caucho's HessianServlet / HessianProxyFactory, Spring's HessianServiceExporter):
 * a POST whose body is `x-application/hessian` (or `application/x-hessian`) is a `hessian` call.
 *
 * Calls: Hessian 2.0 (`H 0x02 0x00 C <method> <arg count> <args>`, Hessian 2.0 Web Services Protocol
 * section 4), or the envelope HessianProxyFactory sends by default (`c <major> <minor> [H headers] m
 * <len16 method> <args> z`, Hessian 1.0 section 5, with Hessian 1.0 values). Replies: `H 0x02 0x00 R
 * <value>` or `F <map>` (a fault: code, message, detail), and Hessian 1.0's `r 1 0 <value> z` / `f … z`.
 * Values are read by the Hessian 2 reader Dubbo uses (decoders/dubbo/hessian.ts) and, for the 1.0
 * envelope, by ./v1.ts. Anything that does not read is a warning on the call, with what was read kept.
 */
import type { Body, Call } from '../core/model';
import { fromHex } from '../core/bytes';
import type { BodyRouter } from '../http-common/routers';
import { parseMediaType } from '../http-common/body';
import { HessianEnd, HessianReader, type HValue } from '../dubbo/hessian';
import { Hessian1Reader } from './v1';

const MAX_ARGS = 256;

const isHessianType = (ct: string | undefined) => {
  const e = parseMediaType(ct)?.essence;
  return e === 'x-application/hessian' || e === 'application/x-hessian';
};

function bytesOf(body: Body | undefined): Uint8Array | undefined {
  return body?.kind === 'binary' && typeof body.hex === 'string' ? fromHex(body.hex) : undefined;
}

/** What a read stopped at: the end of the body (both readers' HessianEnd), or the problem they name. */
const errorText = (e: unknown) => (e instanceof HessianEnd ? 'body ends inside a value' : (e as Error).message);

interface ParsedCall {
  version: string;
  method?: string;
  args: HValue[];
  error?: string;
}

function readCall(b: Uint8Array, maxDepth: number): ParsedCall {
  const out: ParsedCall = { version: '?', args: [] };
  try {
    if (b[0] === 0x63) {
      // c major minor, headers, m len16 method, args, z
      out.version = `${b[1]}.${b[2]}`;
      const r = new Hessian1Reader(b, 3, b.length, maxDepth);
      for (let guard = 0; guard < 1000 && r.at(0x48); guard++) {
        r.string16();
        r.value(0);
      }
      if (!r.at(0x6d)) throw new Error('expected the method name (m)');
      out.method = r.string16();
      while (out.args.length < MAX_ARGS && !r.at(0x7a)) out.args.push(r.value(0));
      return out;
    }
    let pos = 0;
    if (b[0] === 0x48 && b[1] === 2) {
      out.version = `${b[1]}.${b[2]}`;
      pos = 3;
    } else out.version = '2.0';
    if (b[pos] !== 0x43) throw new Error(`not a call (0x${(b[pos] ?? 0).toString(16)})`);
    const r = new HessianReader(b, pos + 1, b.length, maxDepth);
    out.method = r.string();
    const n = r.value(0);
    if (typeof n !== 'number' || n < 0) throw new Error('argument count is not a number');
    for (let i = 0; i < n && i < MAX_ARGS; i++) out.args.push(r.value(0));
    return out;
  } catch (e) {
    out.error = errorText(e);
    return out;
  }
}

interface ParsedReply {
  value?: HValue;
  fault?: Record<string, HValue>;
  error?: string;
}

function readReply(b: Uint8Array, maxDepth: number): ParsedReply {
  try {
    if (b[0] === 0x72 || b[0] === 0x66 || (b[0] === 0x48 && b[1] === 1)) {
      // Hessian 1.0: r 1 0 value z, or r 1 0 f (key value)* z
      const r = new Hessian1Reader(b, b[0] === 0x48 ? 3 : b[0] === 0x72 ? 3 : 0, b.length, maxDepth);
      if (r.at(0x66)) {
        const fault: Record<string, HValue> = {};
        for (let i = 0; i < 64 && !r.at(0x7a); i++) {
          const k = r.value(0);
          fault[String(k)] = r.value(0);
        }
        return { fault };
      }
      return { value: r.value(0) };
    }
    const pos = b[0] === 0x48 && b[1] === 2 ? 3 : 0;
    const tag = b[pos];
    const r = new HessianReader(b, pos + 1, b.length, maxDepth);
    if (tag === 0x52) return { value: r.value(0) };
    if (tag === 0x46) {
      const v = r.value(0);
      return { fault: v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, HValue>) : { detail: v } };
    }
    throw new Error(`not a reply (0x${(tag ?? 0).toString(16)})`);
  } catch (e) {
    return { error: errorText(e) };
  }
}

export const hessianRouter: BodyRouter = {
  id: 'hessian',
  match(call: Call): boolean {
    const body = call.http?.requestBody;
    if (!body || !isHessianType(body.contentType) || call.http?.method !== 'POST') return false;
    const b = bytesOf(body);
    return !!b && b.length >= 2 && (b[0] === 0x63 || (b[0] === 0x48 && b[3] === 0x43) || b[0] === 0x43);
  },
  apply(call: Call, session): void {
    const http = call.http!;
    const maxDepth = session.env.limits.maxDepth;
    call.protocol = 'hessian';
    const req = readCall(bytesOf(http.requestBody)!, maxDepth);
    call.method = req.method ?? 'call';
    call.fields['hessian.method'] = call.method;
    call.fields['hessian.version'] = req.version;
    (call.request ??= {}).value = req.args;
    if (req.error) call.warnings.push(`Hessian call${http.requestBody?.truncated ? ' (body cut)' : ''}: ${req.error}`);
    const respBody = http.responseBody;
    const rb = bytesOf(respBody);
    if (!rb || !rb.length) {
      if (http.status !== undefined && http.status >= 400) call.status = { code: http.status, text: http.reason ?? '', ok: false };
      return;
    }
    if (!isHessianType(respBody?.contentType) && rb[0] !== 0x48 && rb[0] !== 0x72 && rb[0] !== 0x66) return; // H, r, f
    const rep = readReply(rb, maxDepth);
    if (rep.error) {
      call.warnings.push(`Hessian reply${respBody?.truncated ? ' (body cut)' : ''}: ${rep.error}`);
      return;
    }
    if (rep.fault) {
      const code = typeof rep.fault.code === 'string' ? rep.fault.code : 'Fault';
      const message = typeof rep.fault.message === 'string' ? rep.fault.message : undefined;
      call.status = { code, ...(message !== undefined ? { text: message } : {}), ok: false };
      call.fields['hessian.fault.code'] = code;
      (call.response ??= {}).value = { fault: rep.fault };
      return;
    }
    (call.response ??= {}).value = rep.value ?? null;
    call.status = { code: 'OK', ok: true };
  },
};
