// app.js: the lab page's script (served by web-lab.cjs as /app.js). browser.cjs calls each step with
// page.evaluate(name) and logs what it returns. window.LAB = {b, aio} (the other origins) is set by
// browser.cjs before the steps run.
'use strict';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const json = async (r) => ({ status: r.status, body: r.status === 204 || r.status === 304 ? null : await r.json() });

window.steps = {
  async rest() {
    const out = [];
    out.push(await json(await fetch('/api/items')));
    out.push(await json(await fetch('/api/items', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'gamma', tags: ['x', 'y'], price: 3.25 }) })));
    out.push(await json(await fetch('/api/items/3', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ price: 4 }) })));
    out.push(await json(await fetch('/api/items/3', { method: 'DELETE' })));
    out.push(await json(await fetch('/api/items/3')));
    return out.map((o) => o.status);
  },
  async etag() {
    const a = await fetch('/api/etag', { cache: 'no-cache' });
    await a.json();
    const b = await fetch('/api/etag', { cache: 'no-cache' }); // revalidated: 304 on the wire, 200 from the cache here
    return [a.status, b.status, (await b.json()).version];
  },
  async cors() {
    const b = window.LAB.b;
    const out = [];
    out.push((await fetch(`${b}/api/login`, { credentials: 'include' })).status);
    out.push((await fetch(`${b}/api/whoami`, { credentials: 'include' })).status);
    const r = await fetch(`${b}/api/profile`, {
      method: 'PUT',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json', 'X-Trace-Id': 'lab-1' },
      body: JSON.stringify({ display: 'Zoë', langs: ['en', 'fr'] }),
    });
    out.push(r.status, (await r.json()).cookie.includes('sid='));
    out.push((await fetch(`${b}/api/profile`, { method: 'DELETE', credentials: 'include' })).status);
    return out;
  },
  async encodings() {
    const out = [];
    for (const c of ['gzip', 'br', 'deflate', 'zstd', 'identity', 'chunked-gzip']) {
      const r = await fetch(`/api/enc?c=${c}`);
      const v = await r.json();
      out.push(`${c}:${r.status}:${v.rows.length}`);
    }
    return out;
  },
  async upload() {
    const fd = new FormData();
    fd.append('title', 'fetch upload');
    fd.append('file', new Blob([new Uint8Array(3000).map((_, i) => i & 255)], { type: 'application/octet-stream' }), 'bytes.bin');
    fd.append('meta', new Blob([JSON.stringify({ a: 1 })], { type: 'application/json' }), 'meta.json');
    const r = await fetch('/upload', { method: 'POST', body: fd });
    return [r.status, await r.json()];
  },
  async sse() {
    const es = new EventSource('/sse');
    const got = [];
    await new Promise((resolve) => {
      const on = (e) => {
        got.push(`${e.type}:${e.lastEventId}:${e.data}`);
        if (got.length === 6) resolve();
      };
      es.addEventListener('message', on);
      es.addEventListener('tick', on);
      setTimeout(resolve, 5000);
    });
    es.close();
    return got;
  },
  async ws() {
    const sock = new WebSocket(`${window.LAB.aio.replace('http', 'ws')}/ws`);
    sock.binaryType = 'arraybuffer';
    const got = [];
    await new Promise((resolve, reject) => {
      sock.onopen = resolve;
      sock.onerror = reject;
    });
    const wait = (n) =>
      new Promise((resolve) => {
        const t = setInterval(() => {
          if (got.length >= n) {
            clearInterval(t);
            resolve();
          }
        }, 10);
        setTimeout(resolve, 3000);
      });
    sock.onmessage = (e) => got.push(typeof e.data === 'string' ? e.data : `bin:${new Uint8Array(e.data).join(',')}`);
    sock.send(JSON.stringify({ op: 'hello', n: 1, text: 'héllo wörld' }));
    await wait(1);
    sock.send(new Uint8Array([1, 2, 3, 250, 251, 252]).buffer);
    await wait(2);
    sock.send(JSON.stringify({ op: 'big', rows: Array.from({ length: 200 }, (_, i) => ({ i, s: 'repeat me '.repeat(3) })) }));
    await wait(3);
    sock.send(JSON.stringify({ op: 'ping-me' })); // the server pings, Chromium pongs
    await wait(4);
    const closed = new Promise((resolve) => {
      sock.onclose = (e) => resolve(`${e.code}:${e.reason}:${e.wasClean}`);
    });
    sock.close(1000, 'page done');
    return [...got.map((g) => g.slice(0, 60)), await closed];
  },
  async abort() {
    const ac = new AbortController();
    const r = await fetch('/slow-large', { signal: ac.signal });
    const reader = r.body.getReader();
    let n = 0;
    try {
      while (n < 300000) {
        const { value, done } = await reader.read();
        if (done) break;
        n += value.length;
      }
      ac.abort();
    } catch (e) {
      return `error ${e}`;
    }
    // a chunked stream aborted too
    const ac2 = new AbortController();
    const r2 = await fetch('/slow-chunked', { signal: ac2.signal });
    const rd2 = r2.body.getReader();
    let m = 0;
    while (m < 20000) {
      const { value, done } = await rd2.read();
      if (done) break;
      m += value.length;
    }
    ac2.abort();
    await sleep(200);
    // the connection the aborted fetch used is gone: the next request takes another
    const r3 = await fetch('/api/items/1');
    return [n, m, r3.status];
  },
  async range() {
    const out = [];
    let r = await fetch('/media/blob.bin', { headers: { Range: 'bytes=100-1099' } });
    out.push(r.status, (await r.arrayBuffer()).byteLength, r.headers.get('content-range'));
    r = await fetch('/media/blob.bin', { headers: { Range: 'bytes=-500' } });
    out.push(r.status, (await r.arrayBuffer()).byteLength);
    r = await fetch(`${window.LAB.aio}/aio/file.bin`, { headers: { Range: 'bytes=0-2047' } });
    out.push(r.status, (await r.arrayBuffer()).byteLength);
    r = await fetch(`${window.LAB.aio}/aio/data.json`);
    out.push(r.status, (await r.json()).n);
    const au = document.getElementById('au');
    au.preload = 'auto';
    au.load();
    await new Promise((resolve) => {
      au.oncanplaythrough = resolve;
      au.onerror = resolve;
      setTimeout(resolve, 3000);
    });
    out.push(`audio:${au.readyState}:${au.duration}`);
    return out;
  },
};
