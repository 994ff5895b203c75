// zeromq.js (npm zeromq 6, libzmq) on 127.0.0.1:21555-21559: REQ/REP, DEALER/ROUTER with
// multipart, PUB/SUB with topics and a 100 KB frame, PUSH/PULL, PAIR; PLAIN auth on REQ/REP 2.
const zmq = require('zeromq');
const log = (o) => console.log(JSON.stringify(o));
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const rep = new zmq.Reply(); await rep.bind('tcp://127.0.0.1:21555');
  const req = new zmq.Request({ routingId: 'req-1' }); req.connect('tcp://127.0.0.1:21555');
  (async () => { for await (const [m] of rep) { await rep.send('pong:' + m.toString()); } })();
  for (let i = 0; i < 2; i++) { await req.send('ping' + i); const [r] = await req.receive(); log({ rep: r.toString() }); }
  const router = new zmq.Router(); await router.bind('tcp://127.0.0.1:21556');
  const dealer = new zmq.Dealer({ routingId: 'dealer-A' }); dealer.connect('tcp://127.0.0.1:21556');
  await dealer.send(['', 'job', JSON.stringify({ id: 7 })]);
  const [id, ...rest] = await router.receive(); log({ router: id.toString(), parts: rest.map(String) });
  await router.send([id, '', 'done', '7']);
  log({ dealer: (await dealer.receive()).map(String) });
  const pub = new zmq.Publisher(); await pub.bind('tcp://127.0.0.1:21557');
  const sub = new zmq.Subscriber(); sub.connect('tcp://127.0.0.1:21557'); sub.subscribe('weather'); sub.subscribe('big');
  await wait(300);
  await pub.send(['weather.paris', '21C']); await pub.send(['sports', 'ignored']); await pub.send(['big', Buffer.alloc(100000, 0x61)]);
  for (let i = 0; i < 2; i++) { const m = await sub.receive(); log({ sub: m[0].toString(), size: m[1].length }); }
  const pull = new zmq.Pull(); await pull.bind('tcp://127.0.0.1:21558');
  const push = new zmq.Push(); push.connect('tcp://127.0.0.1:21558');
  await push.send('task-1'); log({ pull: (await pull.receive()).map(String) });
  const rep2 = new zmq.Reply({ plainServer: true, zapDomain: 'ho' }); await rep2.bind('tcp://127.0.0.1:21559');
  const req2 = new zmq.Request({ plainUsername: 'admin', plainPassword: 'secret' }); req2.connect('tcp://127.0.0.1:21559');
  (async () => { for await (const [m] of rep2) await rep2.send('authed:' + m); })();
  await req2.send('hello'); log({ plain: String((await Promise.race([req2.receive(), wait(1500).then(() => ['(no reply: no ZAP handler)'])]))[0]) });
  for (const s of [req, rep, dealer, router, sub, pub, push, pull, req2, rep2]) s.close();
  log({ done: true });
  setTimeout(() => process.exit(0), 300);
})().catch((e) => { log({ fatal: e.message }); process.exit(1); });
