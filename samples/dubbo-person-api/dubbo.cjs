// A minimal Dubbo 2 framer around hessian.js (no Dubbo server or client is packaged for us):
// `node dubbo.cjs server PORT` answers like a Dubbo provider of org.callscope.PersonService,
// `node dubbo.cjs client PORT` sends the Person API calls, a heartbeat, a oneway call and a fastjson-serialized call.
const net = require('net');
const hessian = require('hessian.js');

const HESSIAN2 = 2;
const FASTJSON = 6;
const SERVICE = 'org.callscope.PersonService';

function header(flag, status, id, length) {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(0xdabb, 0);
  h[2] = flag;
  h[3] = status;
  h.writeBigInt64BE(BigInt(id), 4);
  h.writeUInt32BE(length, 12);
  return h;
}

function hessianBody(values) {
  const enc = new hessian.EncoderV2();
  for (const v of values) enc.write(v);
  return enc.get();
}

function frame(flag, status, id, body) {
  return Buffer.concat([header(flag, status, id, body.length), body]);
}

const person = (id, name) => ({
  $class: 'org.callscope.Person',
  $: { id, name, email: 'ada@example.org', age: 36, verified: true, score: 97.5, createdMs: { $class: 'long', $: 1700000000123 }, tags: ['math', 'poetry'], attributes: { $class: 'java.util.HashMap', $: { lang: 'en', city: 'London' } } },
});

function readFrames(sock, onFrame) {
  let buf = Buffer.alloc(0);
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 16) {
      const len = buf.readUInt32BE(12);
      if (buf.length < 16 + len) break;
      onFrame(buf.subarray(0, 16), buf.subarray(16, 16 + len));
      buf = buf.subarray(16 + len);
    }
  });
}

function server(port) {
  const srv = net.createServer((sock) => {
    readFrames(sock, (h, body) => {
      const flag = h[2];
      const id = h.readBigInt64BE(4);
      const ser = flag & 0x1f;
      if (flag & 0x20) {
        // heartbeat: answer with an event response, null body
        sock.write(frame(0x20 | HESSIAN2, 20, id, hessianBody([null])));
        return;
      }
      if (ser === FASTJSON) {
        const lines = body.toString('utf8').split('\n');
        sock.write(frame(FASTJSON, 20, id, Buffer.from('1\n' + JSON.stringify({ id: lines[5] ? JSON.parse(lines[5]) : null, title: 'Espresso machine', price: 129.5 }) + '\n')));
        return;
      }
      const d = new hessian.DecoderV2(body);
      const dubboVersion = d.read();
      const path = d.read();
      const version = d.read();
      const method = d.read();
      const desc = d.read();
      const args = [];
      const n = (desc.match(/(\[*)(L[^;]+;|[ZBCDFIJS])/g) || []).length;
      for (let i = 0; i < n; i++) args.push(d.read());
      if (!(flag & 0x40)) return; // oneway
      const ok = (v) => frame(HESSIAN2, 20, id, hessianBody([4, v, { dubbo: dubboVersion }]));
      const reply = {
        signup: () => ok('1234'),
        readPerson: () =>
          args[0] === '1234'
            ? frame(HESSIAN2, 20, id, hessianBody([1, person('1234', 'Ada Lovelace')]))
            : frame(HESSIAN2, 20, id, hessianBody([3, { $class: 'org.callscope.NotFoundException', $: { detailMessage: `no such person: ${args[0]}`, personId: args[0] } }, { dubbo: dubboVersion }])),
        addItemToUsersItemsList: () => ok(true),
        removeItem: () => frame(HESSIAN2, 20, id, hessianBody([5, { dubbo: dubboVersion }])),
      }[method];
      if (reply) sock.write(reply());
      else sock.write(frame(HESSIAN2, 70, id, hessianBody([`Not found method "${method}" in service ${path}:${version}`])));
    });
  });
  srv.listen(port, '127.0.0.1', () => console.log('listening', port));
}

function client(port) {
  const sock = net.connect(port, '127.0.0.1');
  let nextId = 1;
  const waiting = new Map();
  readFrames(sock, (h, body) => {
    const id = h.readBigInt64BE(4);
    const w = waiting.get(id);
    waiting.delete(id);
    if (w) w(h[3], body);
  });
  const send = (flag, body, expectReply = true) =>
    new Promise((resolve) => {
      const id = BigInt(nextId++);
      if (expectReply) waiting.set(id, (status, b) => resolve([status, b.length]));
      sock.write(frame(flag, 0, id, body));
      if (!expectReply) setTimeout(() => resolve(['oneway', 0]), 50);
    });
  const invoke = (method, desc, args, version = '1.0.0', flag = 0x80 | 0x40 | HESSIAN2) =>
    send(flag, hessianBody(['2.0.2', SERVICE, version, method, desc, ...args, { path: SERVICE, interface: SERVICE, version, timeout: '3000' }]), !!(flag & 0x40));
  sock.on('connect', async () => {
    console.log('heartbeat', await send(0x80 | 0x40 | 0x20 | HESSIAN2, hessianBody([null])));
    console.log('signup', await invoke('signup', 'Lorg/callscope/Person;', [person('', 'Ada Lovelace')]));
    console.log('readPerson', await invoke('readPerson', 'Ljava/lang/String;', ['1234']));
    console.log('addItem', await invoke('addItemToUsersItemsList', 'Ljava/lang/String;Ljava/lang/String;', ['1234', '456']));
    console.log('trackEvent', await invoke('trackEvent', 'Ljava/lang/String;Ljava/util/Map;', ['viewed', { page: 'profile' }], '1.0.0', 0x80 | HESSIAN2));
    console.log('removeItem', await invoke('removeItem', 'Ljava/lang/String;', ['456']));
    console.log('readPerson', await invoke('readPerson', 'Ljava/lang/String;', ['9999']));
    console.log('deletePerson', await invoke('deletePerson', 'Ljava/lang/String;', ['1234']));
    const json = ['"2.0.2"', `"${SERVICE}"`, '"1.0.0"', '"modifyItem"', '"Ljava/lang/String;"', '"456"', '{"path":"' + SERVICE + '"}'].join('\n') + '\n';
    console.log('modifyItem (fastjson)', await send(0x80 | 0x40 | FASTJSON, Buffer.from(json)));
    sock.end();
  });
}

const [mode, port] = process.argv.slice(2);
(mode === 'server' ? server : client)(Number(port || 20880));
