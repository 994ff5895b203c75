#!/usr/bin/env node
// browser.cjs ORIGIN_A ORIGIN_B ORIGIN_AIO OUT.jsonl: headless Debian Chromium (playwright-core,
// /usr/bin/chromium) through the lab app of web-lab.cjs: a page load with ~35 subresources over
// Chromium's parallel keep-alive connections, a reload (304s), the app.js steps (REST, ETag,
// CORS with preflight and cookies, content codings, a multipart fetch upload, EventSource,
// WebSocket, Range, aborted fetches), a urlencoded form POST, a multipart form with a file
// (303 to a GET), and a navigation away while a fetch is pending. What the browser saw (request,
// status or failure, WebSocket frames, each step's result) goes to OUT.jsonl, one JSON line each.
'use strict';
const fs = require('node:fs');
const { chromium } = require('playwright-core');

const [A, B, AIO, out] = process.argv.slice(2);
const fd = fs.openSync(out, 'w');
const log = (o) => fs.writeSync(fd, `${JSON.stringify(o)}\n`);
const bounded = (p, ms, what) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what}: timeout ${ms} ms`)), ms))]);

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    timeout: 30_000,
  });
  const timer = setTimeout(() => {
    log({ error: 'overall timeout' });
    process.exit(3);
  }, 90_000);
  try {
    const context = await browser.newContext();
    context.on('request', (r) => log({ ev: 'request', method: r.method(), url: r.url(), type: r.resourceType() }));
    context.on('requestfinished', async (r) => {
      const resp = await r.response().catch(() => null);
      log({ ev: 'finished', method: r.method(), url: r.url(), status: resp?.status() ?? null });
    });
    context.on('requestfailed', (r) => log({ ev: 'failed', method: r.method(), url: r.url(), failure: r.failure()?.errorText }));
    const page = await context.newPage();
    page.on('websocket', (ws) => {
      log({ ev: 'websocket', url: ws.url() });
      ws.on('framesent', (f) => log({ ev: 'ws-sent', size: typeof f.payload === 'string' ? f.payload.length : f.payload.byteLength, text: typeof f.payload === 'string' ? f.payload.slice(0, 80) : undefined }));
      ws.on('framereceived', (f) => log({ ev: 'ws-received', size: typeof f.payload === 'string' ? f.payload.length : f.payload.byteLength, text: typeof f.payload === 'string' ? f.payload.slice(0, 80) : undefined }));
      ws.on('close', () => log({ ev: 'ws-close' }));
    });
    page.on('console', (m) => log({ ev: 'console', type: m.type(), text: m.text().slice(0, 200) }));

    const step = async (name, fn) => {
      log({ ev: 'step', name });
      try {
        const v = await bounded(fn(), 20_000, name);
        log({ ev: 'result', name, value: v });
      } catch (e) {
        log({ ev: 'result', name, error: String(e).slice(0, 300) });
      }
    };
    await step('load', () => page.goto(`${A}/`, { waitUntil: 'load' }).then((r) => r?.status()));
    await page.waitForTimeout(500);
    await step('reload', () => page.reload({ waitUntil: 'load' }).then((r) => r?.status()));
    await page.waitForTimeout(300);
    await page.evaluate(([b, aio]) => {
      window.LAB = { b, aio };
    }, [B, AIO]);
    for (const name of ['rest', 'etag', 'cors', 'encodings', 'upload', 'sse', 'ws', 'range', 'abort']) {
      await step(name, () => page.evaluate((n) => window.steps[n](), name));
      await page.waitForTimeout(150);
    }
    await step('form-urlencoded', async () => {
      await Promise.all([page.waitForURL(`${A}/form`), page.click('#b1')]);
      return page.url();
    });
    await page.waitForTimeout(200);
    await step('back', () => page.goto(`${A}/`, { waitUntil: 'load' }).then((r) => r?.status()));
    await step('form-multipart', async () => {
      await page.setInputFiles('#doc', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('first line\nsecond line, é\n'.repeat(40)) });
      await Promise.all([page.waitForURL(`${A}/done.html`), page.click('#b2')]);
      return page.url();
    });
    await step('navigate-away', async () => {
      await Promise.all([
        page.waitForURL(`${A}/page2.html`),
        page.evaluate(() => {
          void fetch('/pending?ms=1500').catch(() => {});
          setTimeout(() => {
            location.href = '/page2.html';
          }, 150);
        }),
      ]);
      return page.url();
    });
    await page.waitForTimeout(2000); // the pending answer is written after the page left
  } finally {
    clearTimeout(timer);
    await bounded(browser.close(), 15_000, 'close').catch((e) => log({ error: String(e) }));
    fs.closeSync(fd);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
