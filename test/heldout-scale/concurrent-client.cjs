// N keep-alive connections open at once (agent maxSockets N), each making R requests. N=2000 R=3 PORT=25001
const http = require('node:http');
const N = Number(process.env.N || 2000), R = Number(process.env.R || 3), port = Number(process.env.PORT || 25001);
const agent = new http.Agent({ keepAlive: true, maxSockets: N, maxFreeSockets: N });
let done = 0, fail = 0;
function get(path) {
  return new Promise((res) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (r) => { r.resume(); r.on('end', () => { done++; res(); }); });
    req.on('error', () => { fail++; res(); });
  });
}
(async () => {
  for (let r = 0; r < R; r++) {
    const ps = [];
    for (let i = 0; i < N; i++) ps.push(get(`/c${i}/r${r}`));
    await Promise.all(ps);
  }
  agent.destroy();
  console.error(`requests ok=${done} failed=${fail}`);
})();
