#!/usr/bin/env node
// browser.cjs PAGE_URL OUT.jsonl: headless Debian Chromium (playwright-core, /usr/bin/chromium)
// loads the lab page and waits for window.DONE; writes what Playwright saw (requests, responses,
// failures) and the page's call log (window.LOG) to OUT.jsonl. Bounded: 100 s.
'use strict';
const fs = require('node:fs');
const { chromium } = require('playwright-core');

const [url, out] = process.argv.slice(2);
const fd = fs.openSync(out, 'w');
const log = (o) => fs.writeSync(fd, `${JSON.stringify(o)}\n`);
(async () => {
  const timer = setTimeout(() => {
    log({ error: 'overall timeout' });
    process.exit(3);
  }, 100_000);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--ignore-certificate-errors'],
    timeout: 30_000,
  });
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    context.on('request', (r) => log({ ev: 'request', method: r.method(), url: r.url(), type: r.resourceType() }));
    context.on('requestfinished', async (r) => {
      const resp = await r.response().catch(() => null);
      log({ ev: 'finished', method: r.method(), url: r.url(), status: resp?.status() ?? null, proto: (await resp?.headerValue(':status').catch(() => null)) ? 'h2' : undefined });
    });
    context.on('requestfailed', (r) => log({ ev: 'failed', method: r.method(), url: r.url(), failure: r.failure()?.errorText }));
    const page = await context.newPage();
    page.on('console', (m) => log({ ev: 'console', type: m.type(), text: m.text().slice(0, 200) }));
    page.on('pageerror', (e) => log({ ev: 'pageerror', text: String(e).slice(0, 300) }));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.DONE === true, null, { timeout: 90_000, polling: 200 });
    for (const e of await page.evaluate(() => window.LOG)) log({ ev: 'call', ...e });
  } catch (e) {
    log({ error: String(e).slice(0, 500) });
  } finally {
    clearTimeout(timer);
    await browser.close();
  }
})();
