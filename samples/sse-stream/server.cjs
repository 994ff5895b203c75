// Streaming endpoints for the sse-stream sample (loopback only):
//   HTTP/1.1 on 127.0.0.1:<port>:   /events (SSE, ends), /live (SSE until the client leaves),
//                                   /events-gzip (SSE, gzip, flushed per event), /ndjson (JSON Lines)
//   h2c on 127.0.0.1:<port+1>:      /events (SSE over HTTP/2, prior knowledge)
'use strict';
const http = require('node:http');
const http2 = require('node:http2');
const zlib = require('node:zlib');

const port = Number(process.argv[2] || 9500);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A chat-completion-like stream: a comment, named events, JSON and plain data, multi-line data, an id, retry.
const EVENTS = [
  ': stream opened\n\n',
  'retry: 3000\nevent: start\ndata: {"model":"tiny-1","id":"cmpl-1"}\n\n',
  'data: {"delta":"Hello"}\n\n',
  'data: {"delta":", world"}\n\n',
  'id: 42\nevent: note\ndata: first line\ndata: second line\n\n',
  'event: usage\ndata: {"prompt_tokens":5,"completion_tokens":2}\n\n',
  'data: [DONE]\n\n',
];

async function sse(res, write) {
  for (const e of EVENTS) {
    if (res.destroyed) return;
    write(e);
    await sleep(30);
  }
}

const server = http.createServer(async (req, res) => {
  if (req.url === '/events') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    await sse(res, (e) => res.write(e));
    res.end();
  } else if (req.url === '/events-gzip') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Content-Encoding': 'gzip' });
    const gz = zlib.createGzip();
    gz.pipe(res);
    await sse(res, (e) => {
      gz.write(e);
      gz.flush(zlib.constants.Z_SYNC_FLUSH);
    });
    gz.end();
  } else if (req.url === '/live') {
    // Ticks until the client goes away (EventSource.close(), an aborted fetch).
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
    let n = 0;
    const t = setInterval(() => res.write(`event: tick\nid: ${++n}\ndata: {"n":${n}}\n\n`), 40);
    res.on('close', () => clearInterval(t));
  } else if (req.url === '/ndjson') {
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    for (const row of [{ id: 1, name: 'Alice' }, { id: 2, name: 'Bob', tags: ['x', 'y'] }, { id: 3, done: true }]) {
      res.write(JSON.stringify(row) + '\n');
      await sleep(30);
    }
    res.end();
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
  }
});
server.listen(port, '127.0.0.1');

const h2 = http2.createServer();
h2.on('stream', async (stream, headers) => {
  if (headers[':path'] !== '/events') {
    stream.respond({ ':status': 404 });
    stream.end();
    return;
  }
  stream.respond({ ':status': 200, 'content-type': 'text/event-stream' });
  for (const e of EVENTS.slice(0, 4)) {
    if (stream.destroyed) return;
    stream.write(e);
    await sleep(30);
  }
  stream.end();
});
h2.listen(port + 1, '127.0.0.1');

const stop = () => {
  server.close();
  h2.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
