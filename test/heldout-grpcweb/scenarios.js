// Scenarios shared by the page (connect-web, grpc-web) and the Node reference client
// (connect-node): each call is logged as {t, rpc, code, in, ...} with `in` the number of
// response messages the client got.
import { create, createFileRegistry, fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';

export function registry(bytes) {
  const reg = createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));
  return { reg, Lab: reg.getService('gwlab.v1.Lab'), M: (n) => reg.getMessage(`gwlab.v1.${n}`) };
}

export const UNICODE = 'héllo wörld — 世界 🚀 ∑ zero\u200bwidth \u202ertl\u202c ключ';
const BIG = 256 * 1024;
const bigBlob = () => {
  const b = new Uint8Array(BIG);
  for (let i = 0; i < BIG; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
};
const codeOf = (e) => (e instanceof ConnectError ? Code[e.code] : `js:${String(e).slice(0, 80)}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function connectScenarios(t, transport, L, log) {
  const c = createClient(L.Lab, transport);
  const rec = (rpc, code, n, extra = {}) => log({ t, rpc, code, in: n, ...extra });
  const run = async (rpc, fn) => {
    let n = 0;
    try {
      const extra = (await fn(() => n++)) || {};
      rec(rpc, 'ok', n, extra);
    } catch (e) {
      rec(rpc, codeOf(e), n, e instanceof ConnectError ? { details: e.details.length, msg: e.rawMessage } : {});
    }
  };
  await run('Echo', async (got) => {
    const r = await c.echo({ text: UNICODE, repeat: 2, tags: { ключ: 'значение', '🔑': '✓' } }, { headers: { 'x-lab': t } });
    got();
    return { same: r.text === UNICODE && r.parts.length === 2 };
  });
  await run('Echo', async (got) => {
    const blob = bigBlob();
    const r = await c.echo({ text: 'large', blob });
    got();
    return { bytes: r.blob.length };
  });
  await run('Lookup', async (got) => {
    const r = await c.lookup({ n: 21 });
    got();
    return { i: r.i };
  });
  await run('Count', async (got) => {
    for await (const _ of c.count({ n: 5, size: 1000, delayMs: 40 })) got();
  });
  await run('Count', async (got) => {
    for await (const _ of c.count({ n: 3, size: 10, failAtEnd: true })) got();
  });
  await run('Fail', async (got) => {
    await c.fail({ text: 'nope ☹' });
    got();
  });
  await run('Slow', async (got) => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    await c.slow({ ms: 800 }, { signal: ac.signal });
    got();
  });
  await run('Slow', async (got) => {
    await c.slow({ ms: 800 }, { timeoutMs: 200 });
    got();
  });
  await sleep(50);
}

// The official grpc-web runtime (Closure XhrIo) with hand-made MethodDescriptors (no
// protoc-gen-grpc-web): `format` 'text' is application/grpc-web-text, 'binary' is +proto.
export async function officialScenarios(t, base, format, L, gw, log) {
  const client = new gw.GrpcWebClientBase({ format });
  const desc = (rpc, I, O, type) =>
    new gw.MethodDescriptor(`/gwlab.v1.Lab/${rpc}`, type, Object, Object, (m) => toBinary(I, create(I, m)), (b) => fromBinary(O, b));
  const EchoD = desc('Echo', L.M('EchoRequest'), L.M('EchoReply'), gw.MethodType.UNARY);
  const FailD = desc('Fail', L.M('EchoRequest'), L.M('EchoReply'), gw.MethodType.UNARY);
  const SlowD = desc('Slow', L.M('SlowRequest'), L.M('EchoReply'), gw.MethodType.UNARY);
  const CountD = desc('Count', L.M('CountRequest'), L.M('CountReply'), gw.MethodType.SERVER_STREAMING);
  const url = (rpc) => `${base}/gwlab.v1.Lab/${rpc}`;
  const rec = (rpc, code, n, extra = {}) => log({ t, rpc, code, in: n, ...extra });
  const name = (c) => Object.keys(Code).find((k) => Code[k] === c) || `code ${c}`;
  const unary = (rpc, d, req, md = {}, cancelAfter = 0) =>
    new Promise((resolve) => {
      let done = false;
      const finish = (code, n, extra) => {
        if (done) return;
        done = true;
        rec(rpc, code, n, extra);
        resolve();
      };
      const call = client.rpcCall(url(rpc), req, { 'x-lab': t, ...md }, d, (err, resp) => {
        if (err) finish(err.code === 0 ? 'ok' : name(err.code), 0, { msg: err.message, details: err.metadata?.['grpc-status-details-bin'] ? 1 : 0 });
        else finish('ok', 1, { same: resp.text === UNICODE, bytes: resp.blob?.length });
      });
      if (cancelAfter) {
        setTimeout(() => call.cancel(), cancelAfter);
        setTimeout(() => finish('Canceled', 0, { by: 'cancel()' }), cancelAfter + 300);
      }
      setTimeout(() => finish('js:no answer in 5 s', 0), 5000);
    });
  const stream = (req) =>
    new Promise((resolve) => {
      let n = 0;
      let done = false;
      const finish = (code, extra) => {
        if (done) return;
        done = true;
        rec('Count', code, n, extra);
        resolve();
      };
      const s = client.serverStreaming(url('Count'), req, { 'x-lab': t }, CountD);
      s.on('data', () => n++);
      s.on('error', (e) => finish(name(e.code), { msg: e.message }));
      s.on('status', (st) => st.code !== 0 && finish(name(st.code), { msg: st.details }));
      s.on('end', () => finish('ok'));
      setTimeout(() => finish('js:no end in 5 s'), 5000);
    });
  await unary('Echo', EchoD, { text: UNICODE, repeat: 2, tags: { ключ: 'значение' } });
  await unary('Echo', EchoD, { text: 'large', blob: bigBlob() });
  await stream({ n: 5, size: 1000, delayMs: 40 });
  await stream({ n: 3, size: 10, failAtEnd: true });
  await unary('Fail', FailD, { text: 'nope ☹' });
  await unary('Slow', SlowD, { ms: 800 }, {}, 150);
  await unary('Slow', SlowD, { ms: 800 }, { deadline: String(Date.now() + 200) });
  await sleep(50);
}
