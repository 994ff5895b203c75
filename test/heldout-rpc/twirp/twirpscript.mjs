/**
 * Held-out Twirp round, second implementation (run.sh twirp): TwirpScript's server (createTwirpServer) and its
 * generated protobuf and JSON clients (node:http transport in Node), code from `npx twirpscript` (language
 * javascript) into GEN_DIR. Two servers on loopback: prefix /twirp on PORT, /rpc/v2 on PORT+1.
 * Logs one line per call.   node twirpscript.mjs GEN_DIR PORT
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { createTwirpServer, TwirpError, client } from 'twirpscript';

const [gen, portArg] = process.argv.slice(2);
const port = Number(portArg ?? 22133);
const pb = await import(pathToFileURL(join(gen, 'shop.pb.js')).href);
const hats = new Map();

const service = pb.createHaberdasher({
  MakeHat: (size) => {
    if (size.inches <= 0) throw new TwirpError({ code: 'invalid_argument', msg: 'inches must be positive', meta: { argument: 'inches' } });
    if (size.inches > 60) throw new TwirpError({ code: 'resource_exhausted', msg: 'out of felt', meta: { stock: '0' } });
    if (size.inches === 13) throw new TwirpError({ code: 'data_loss', msg: 'the felt store is corrupt' });
    const hat = { inches: size.inches, color: 'green', name: `ts-${size.inches}`, serial: 12n, tags: ['twirpscript'], labels: { by: 'twirpscript' } };
    hats.set(hat.name, hat);
    return hat;
  },
  FindHat: (req) => {
    const h = hats.get(req.name);
    if (!h) throw new TwirpError({ code: 'not_found', msg: `no hat ${req.name}`, meta: { name: req.name } });
    return h;
  },
});

const servers = [
  createServer(createTwirpServer([service], { debug: false })),
  createServer(createTwirpServer([service], { debug: false, prefix: '/rpc/v2' })),
];
await Promise.all(servers.map((s, i) => new Promise((r) => s.listen(port + i, '127.0.0.1', r))));

client.baseURL = `http://127.0.0.1:${port}`;
const show = (v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));
async function step(name, f) {
  try {
    console.log(`${name}: ${show(await f())}`);
  } catch (e) {
    console.log(`${name}: error ${e.code} ${e.msg ?? e.message} ${e.meta ? show(e.meta) : ''}`);
  }
}
await step('1 twirpscript protobuf MakeHat 8', () => pb.MakeHat({ inches: 8 }));
await step('2 twirpscript JSON FindHat ts-8', () => pb.FindHatJSON({ name: 'ts-8' }));
await step('3 twirpscript protobuf FindHat nosuch (not_found)', () => pb.FindHat({ name: 'nosuch' }));
await step('4 twirpscript JSON MakeHat 0 (invalid_argument)', () => pb.MakeHatJSON({ inches: 0 }));
await step('5 twirpscript protobuf MakeHat 99 (resource_exhausted, sent with 403 by TwirpScript)', () => pb.MakeHat({ inches: 99 }));
await step('6 twirpscript protobuf MakeHat 13 (data_loss, TwirpScript spelling)', () => pb.MakeHat({ inches: 13 }));
await step('7 prefix /rpc/v2 JSON MakeHat 9', () => pb.MakeHatJSON({ inches: 9 }, { baseURL: `http://127.0.0.1:${port + 1}`, prefix: '/rpc/v2' }));
await step('8 prefix /rpc/v2 protobuf FindHat ts-9', () => pb.FindHat({ name: 'ts-9' }, { baseURL: `http://127.0.0.1:${port + 1}`, prefix: '/rpc/v2' }));
for (const s of servers) s.close();
process.exit(0);
