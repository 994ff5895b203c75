// aria2's JSON-RPC over WebSocket (ws://…/jsonrpc): a call that starts a download, aria2's onDownload*
// notifications, another call. Usage: node ws.cjs RPC_PORT FILE_PORT WORKDIR (npm ws on NODE_PATH)
const WebSocket = require('ws');
const [port, fport, work] = process.argv.slice(2);
const ws = new WebSocket(`ws://127.0.0.1:${port}/jsonrpc`);
ws.on('open', () => {
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'w1', method: 'aria2.addUri', params: ['token:s3cret', [`http://127.0.0.1:${fport}/f.bin`], { dir: `${work}/dl2` }] }));
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'w2', method: 'aria2.getVersion', params: ['token:s3cret'] }));
});
ws.on('message', (m) => console.log(String(m).slice(0, 120)));
setTimeout(() => ws.close(), 2500);
