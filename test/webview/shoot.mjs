// Screenshots of the preview: node test/webview/shoot.mjs NAME 'query' [actions-json]
// actions: [["click", selector] | ["press", key] | ["type", selector, text] | ["wait", ms] | ["eval", js]]
import { chromium } from 'playwright-core';
const [name, query, actions = '[]'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
page.on('dialog', (d) => { errors.push('DIALOG ' + d.message()); d.dismiss(); });
await page.goto(`http://127.0.0.1:${process.env.PORT ?? 8741}/preview.html?${query}`);
await page.waitForTimeout(700);
for (const a of JSON.parse(actions)) {
  if (a[0] === 'click') await page.click(a[1]);
  else if (a[0] === 'press') await page.keyboard.press(a[1]);
  else if (a[0] === 'type') await page.fill(a[1], a[2]);
  else if (a[0] === 'wait') await page.waitForTimeout(a[1]);
  else if (a[0] === 'eval') console.log(JSON.stringify(await page.evaluate(a[1])));
  await page.waitForTimeout(120);
}
await page.waitForTimeout(300);
await page.screenshot({ path: `/tmp/cs-shots/${name}.png` });
console.log('title:', await page.title(), errors.length ? 'ERRORS: ' + errors.join(' | ') : 'no errors');
await browser.close();
