// Chromium (playwright-core, /usr/bin/chromium) loads lab.cjs's page with sockjs-client forced to a transport
// Node cannot run (htmlfile, jsonp-polling need a DOM); the page's log is printed. Bounded: 20 s.
// Usage: node browser.cjs PORT TRANSPORT   (lab.cjs PORT --serve must be listening)
const { chromium } = require('playwright-core');
const [port, transport] = [process.argv[2] || 21591, process.argv[3] || 'htmlfile'];
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage();
  const t0 = Date.now();
  const done = new Promise((resolve) => page.on('console', (m) => { console.log(((Date.now() - t0) / 1000).toFixed(3), m.text()); if (m.text() === 'DONE') resolve(); }));
  await page.goto(`http://127.0.0.1:${port}/page.html?t=${transport}`);
  await Promise.race([done, new Promise((r) => setTimeout(r, 15000))]);
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
setTimeout(() => process.exit(2), 20000).unref();
