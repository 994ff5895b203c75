// nats.js (npm "nats") clients: pub/sub, a queue group, request/reply through an inbox,
// headers (HPUB/HMSG), and a request nobody answers (503 no responders).
const { connect, headers, StringCodec, JSONCodec } = require('nats');

async function main() {
  const opts = { servers: '127.0.0.1:4222', user: 'app', pass: 's3cret' };
  const service = await connect({ ...opts, name: 'echo-service' });
  const client = await connect({ ...opts, name: 'client' });
  const sc = StringCodec();
  const jc = JSONCodec();

  // A responder for "svc.echo" (queue group "workers") and a plain subscriber for "events.>".
  const echo = service.subscribe('svc.echo', { queue: 'workers' });
  (async () => {
    for await (const m of echo) {
      const h = headers();
      h.set('Served-By', 'echo-service');
      m.respond(sc.encode(`echo: ${sc.decode(m.data)}`), { headers: h });
    }
  })();
  const events = service.subscribe('events.>', { max: 2 });
  (async () => {
    for await (const m of events) void m;
  })();
  await service.flush();

  client.publish('events.user.created', jc.encode({ id: 42, name: 'Ada' }));
  const h = headers();
  h.set('Trace-Id', 'abc123');
  h.append('Content-Type', 'text/plain');
  client.publish('events.user.deleted', sc.encode('id=42'), { headers: h });
  const reply = await client.request('svc.echo', sc.encode('hello'), { timeout: 2000 });
  console.log(sc.decode(reply.data));
  try {
    await client.request('svc.nobody', sc.encode('anyone?'), { timeout: 2000 });
  } catch (e) {
    console.log('no responders:', e.code);
  }
  await client.flush();
  await client.drain();
  await service.drain();
}
main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
