/**
 * Held-out Twirp round (run.sh twirp): twirp-ts servers (code from its protoc-gen-twirp_ts plugin
 * and @protobuf-ts/plugin's messages, generated into $OUT/twirp/gen) called by twirp-ts's own
 * clients (NodeHttpRPC, JSON and protobuf) and by protobuf-ts' TwirpFetchTransport (fetch).
 * Three servers on loopback: default prefix /twirp on PORT, prefix /api/rpc on PORT+1, no prefix on PORT+2.
 * Bundled with esbuild by run.sh (it imports the generated TypeScript); logs one line per call.
 */
import * as http from 'node:http';
import { NodeHttpRPC, NotFoundError, InvalidArgumentError, TwirpError, TwirpErrorCode } from 'twirp-ts';
import { TwirpFetchTransport } from '@protobuf-ts/twirp-transport';
// (generated at run time)
import { createHaberdasherServer, HaberdasherClientJSON, HaberdasherClientProtobuf } from './gen/shop.twirp';
// (generated at run time)
import { HaberdasherClient } from './gen/shop.client';
// (generated at run time)
import { Timestamp } from './gen/google/protobuf/timestamp';

const port = Number(process.argv[2] ?? 22130);
const HATS = {};

function impl() {
  return {
    async MakeHat(_ctx, size) {
      if (size.inches <= 0) throw new InvalidArgumentError('inches', 'I can\'t make a hat that small!').withMeta('min', '1');
      if (size.inches > 60) throw new TwirpError(TwirpErrorCode.ResourceExhausted, 'out of felt').withMeta('retry_after', '30s').withMeta('stock', '0');
      const hat = { inches: size.inches, color: size.inches > 10 ? 'purple' : 'red', name: `hat-${size.inches}`, serial: 9007199254740993n, made: Timestamp.fromDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 600))), tags: ['felt', 'wool'], labels: { maker: 'twirp-ts' } };
      HATS[hat.name] = hat;
      return hat;
    },
    async FindHat(_ctx, req) {
      const h = HATS[req.name];
      if (!h) throw new NotFoundError(`no hat named ${req.name}`).withMeta('name', req.name);
      return h;
    },
  };
}

function listen(prefix, p) {
  const server = createHaberdasherServer(impl());
  server.withPrefix(prefix);
  const s = http.createServer(server.httpHandler());
  return new Promise((resolve) => s.listen(p, '127.0.0.1', () => resolve(s)));
}

async function step(name, f) {
  try {
    const r = await f();
    console.log(`${name}: ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v))}`);
  } catch (e) {
    const t = e;
    console.log(`${name}: error ${t.code ?? ''} ${t.msg ?? t.message ?? String(e)} ${t.meta ? JSON.stringify(t.meta) : ''}`);
  }
}

async function raw(p, path, ct, body) {
  const r = await fetch(`http://127.0.0.1:${p}${path}`, { method: 'POST', headers: { 'Content-Type': ct }, body });
  return `${r.status} ${await r.text()}`;
}

async function main() {
  const servers = [await listen('/twirp', port), await listen('/api/rpc', port + 1), await listen(false, port + 2)];
  const base = `http://127.0.0.1:${port}/twirp`;
  // twirp-ts's own clients over node:http
  const pb = new HaberdasherClientProtobuf(NodeHttpRPC({ baseUrl: base }));
  const js = new HaberdasherClientJSON(NodeHttpRPC({ baseUrl: base }));
  await step('1 twirp-ts protobuf MakeHat 12', () => pb.MakeHat({ inches: 12 }));
  await step('2 twirp-ts JSON MakeHat 7', () => js.MakeHat({ inches: 7 }));
  await step('3 twirp-ts protobuf FindHat hat-12', () => pb.FindHat({ name: 'hat-12' }));
  await step('4 twirp-ts JSON FindHat nosuch (not_found)', () => js.FindHat({ name: 'nosuch' }));
  await step('5 twirp-ts protobuf MakeHat 0 (invalid_argument with meta)', () => pb.MakeHat({ inches: 0 }));
  await step('6 twirp-ts JSON MakeHat 99 (resource_exhausted, two meta)', () => js.MakeHat({ inches: 99 }));
  // protobuf-ts' Twirp transport over fetch (its own headers: Accept, and the JSON it sends)
  const fpb = new HaberdasherClient(new TwirpFetchTransport({ baseUrl: base }));
  const fjs = new HaberdasherClient(new TwirpFetchTransport({ baseUrl: base, sendJson: true }));
  await step('7 protobuf-ts fetch protobuf MakeHat 13', async () => (await fpb.makeHat({ inches: 13 })).response);
  await step('8 protobuf-ts fetch JSON FindHat hat-7', async () => (await fjs.findHat({ name: 'hat-7' })).response);
  await step('9 protobuf-ts fetch protobuf FindHat nosuch', async () => (await fpb.findHat({ name: 'nosuch' })).response);
  // custom prefix and no prefix
  const cpb = new HaberdasherClientProtobuf(NodeHttpRPC({ baseUrl: `http://127.0.0.1:${port + 1}/api/rpc` }));
  await step('10 prefix /api/rpc protobuf MakeHat 14', () => cpb.MakeHat({ inches: 14 }));
  const cjs = new HaberdasherClientJSON(NodeHttpRPC({ baseUrl: `http://127.0.0.1:${port + 1}/api/rpc` }));
  await step('11 prefix /api/rpc JSON FindHat hat-14', () => cjs.FindHat({ name: 'hat-14' }));
  const npb = new HaberdasherClientProtobuf(NodeHttpRPC({ baseUrl: `http://127.0.0.1:${port + 2}` }));
  await step('12 no prefix protobuf MakeHat 15', () => npb.MakeHat({ inches: 15 }));
  const njs = new HaberdasherClientJSON(NodeHttpRPC({ baseUrl: `http://127.0.0.1:${port + 2}` }));
  await step('13 no prefix JSON FindHat nosuch', () => njs.FindHat({ name: 'nosuch' }));
  // by hand: bad routes and a malformed body
  await step('14 bad_route: no such method', () => raw(port, '/twirp/heldout.shop.v1.Haberdasher/BuyHat', 'application/json', '{}'));
  await step('15 bad_route: wrong content type', () => raw(port, '/twirp/heldout.shop.v1.Haberdasher/MakeHat', 'text/plain', 'hi'));
  await step('16 malformed: protobuf body that is not a Size', () => raw(port, '/twirp/heldout.shop.v1.Haberdasher/MakeHat', 'application/protobuf', Uint8Array.of(0x08, 0xff)));
  await step('17 malformed JSON', () => raw(port, '/twirp/heldout.shop.v1.Haberdasher/MakeHat', 'application/json', '{"inches":'));
  await step('18 GET (bad_route)', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/twirp/heldout.shop.v1.Haberdasher/MakeHat`);
    return `${r.status} ${await r.text()}`;
  });
  for (const s of servers) s.close();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
