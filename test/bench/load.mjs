// One load client: CONNECTIONS concurrent request loops over a keep-alive agent, until SIGTERM.
// The request mix is deterministic per client (seeded PRNG): 45% GET person, 15% GET items (chunked),
// 20% POST person, 10% PUT item, 5% DELETE item, 5% GET unknown path (404).
// Every connection is closed and reopened after REQS_PER_CONN requests, so handshakes and teardowns
// keep appearing through the capture.
// Run: node load.mjs HOST PORT CONNECTIONS SEED
import http from 'node:http';

const [host, port, connections, seed] = [
  process.argv[2] ?? '127.0.0.1',
  Number(process.argv[3] ?? 8080),
  Number(process.argv[4] ?? 4),
  Number(process.argv[5] ?? 1),
];
const REQS_PER_CONN = 2000;

let state = seed >>> 0 || 1;
const rand = () => {
  // xorshift32
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};

let stopping = false;
let done = 0;
process.on('SIGTERM', () => (stopping = true));
process.on('SIGINT', () => (stopping = true));

function request(agent, method, path, value) {
  return new Promise((resolve) => {
    const body = value === undefined ? undefined : JSON.stringify(value);
    const headers = { Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = http.request({ host, port, method, path, agent, headers }, (res) => {
      res.on('data', () => {});
      res.on('end', resolve);
      res.on('error', resolve);
    });
    req.on('error', resolve);
    req.end(body);
  });
}

async function loop() {
  while (!stopping) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < REQS_PER_CONN && !stopping; i++) {
      const r = rand();
      const id = Math.floor(rand() * 100000);
      if (r < 0.45) await request(agent, 'GET', `/persons/${id}`);
      else if (r < 0.6) await request(agent, 'GET', `/persons/${id}/items`);
      else if (r < 0.8)
        await request(agent, 'POST', '/persons', {
          name: `Person ${id}`,
          email: `p${id}@example.org`,
          note: 'x'.repeat(id % 600),
        });
      else if (r < 0.9) await request(agent, 'PUT', `/items/${id}`, { key: 'value', price: id / 100, tags: ['a', 'b'] });
      else if (r < 0.95) await request(agent, 'DELETE', `/items/${id}`);
      else await request(agent, 'GET', `/nothing/${id}`);
      done++;
    }
    agent.destroy();
  }
}

await Promise.all(Array.from({ length: connections }, loop));
console.log(`client ${seed}: ${done} requests`);
