// The end-to-end tests: each gets a fresh browser page on the same code-server (the workspace is
// a copy of samples/ plus the fixtures). They read the webview through its ARIA roles.
import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './harness.mjs';

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const rowsOf = (grid) => grid.locator('[role=row][data-call-id]');

async function rowCount(grid, n, message) {
  // n rows, each with its cells (a row still loading its page shows '…').
  await waitFor(async () => (await rowsOf(grid).count()) === n && (await grid.locator('.grid-row.loading').count()) === 0, { message: message ?? `${n} rows`, timeout: 20_000 });
}

/** The editor's cursor position from the status bar ("Ln 56, Col 3"). */
async function cursorLine(page) {
  const t = await page.locator('.statusbar-item[id="status.editor.selection"]').innerText().catch(() => '');
  const m = /Ln (\d+)/.exec(t);
  return m ? Number(m[1]) : undefined;
}

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** One capture per sample folder (the ones the other tests do not open), with the CLI's call count. */
function sampleCaptures(workspace) {
  const skip = new Set(['xmlrpc-walkthrough', 'rest-person-api', 'grpc-person-api', 'thrift-person-api', 'soap-person-api', 'graphql-person-api', 'xss', 'decode-as', 'compare', 'exports', 'lib', 'node_modules']);
  const out = [];
  for (const dir of readdirSync(workspace).sort()) {
    if (skip.has(dir) || !statSync(join(workspace, dir)).isDirectory()) continue;
    const file = readdirSync(join(workspace, dir)).sort().find((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f));
    if (!file) continue;
    const r = spawnSync(process.execPath, [join(repo, 'dist/cli.js'), join(workspace, dir, file), '--format', 'jsonl'], { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 << 20 });
    const calls = r.status === 0 ? r.stdout.split('\n').filter((l) => l.trim()).length : undefined;
    out.push({ rel: `${dir}/${file}`, calls });
  }
  return out;
}

/** A test that cannot run on this machine (not root, no capture tool): reported as skipped. */
class Skip extends Error {
  constructor(message) {
    super(message);
    this.skip = true;
  }
}

/** Line (1-based) of the first line of a sample file matching `re`. */
function lineOf(rel, re) {
  return readFileSync(join(repo, 'samples', rel), 'utf8').split('\n').findIndex((l) => re.test(l)) + 1;
}

/** Pick a theme in "Preferences: Color Theme" by its exact label. */
async function pickTheme(wb, labels) {
  await wb.command('Preferences: Color Theme');
  const input = await wb.quickInput();
  await input.fill(labels[0].replace(/^(Default|Dark|Light) /, ''));
  const rows = wb.page.locator('.quick-input-widget .monaco-list-row');
  await rows.first().waitFor({ timeout: 10_000 });
  await wb.page.waitForTimeout(200);
  const texts = await rows.evaluateAll((els) => els.map((e) => (e.querySelector('.label-name')?.textContent ?? e.textContent ?? '').trim()));
  const i = texts.findIndex((t) => labels.includes(t));
  assert(i >= 0, `theme ${labels.join(' / ')} in the picker: ${texts.join(', ')}`);
  await rows.nth(i).click();
}

/** Go to Definition of the selected call lands in `file` on `line`. */
async function expectDefinition(wb, file, line) {
  const tab = wb.page.locator('.tabs-container .tab.active', { hasText: file });
  await tab.first().waitFor({ timeout: 15_000 });
  await waitFor(async () => (await cursorLine(wb.page)) === line, { message: `cursor in ${file} on line ${line}` });
}

/** A tiny HTTP server on a free port in 8900–8999 (for the live capture test). */
async function httpServer() {
  const http = await import('node:http');
  for (let tries = 0; tries < 20; tries++) {
    const port = 8900 + Math.floor(Math.random() * 100);
    const server = http.createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ live: true, path: req.url }));
    });
    const ok = await new Promise((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return { server, port };
  }
  throw new Error('no free port in 8900–8999');
}

/** Where the diagram's lifeline names and its scroller are on screen. */
async function diagramGeometry(view) {
  return view.locator('section.diagram').evaluate((d) => {
    const sc = d.querySelector('.diagram-scroller').getBoundingClientRect();
    const scroller = d.querySelector('.diagram-scroller');
    return {
      zoom: d.querySelector('.zoom-label').textContent.trim(),
      fitPressed: d.querySelector('.diagram-tools [aria-pressed]')?.getAttribute('aria-pressed'),
      overflowX: scroller.scrollWidth - scroller.clientWidth,
      labels: [...d.querySelectorAll('.lifeline-label')].map((b) => {
        const r = b.getBoundingClientRect();
        return { text: b.textContent, title: b.title, left: r.left - sc.left, right: r.right - sc.left, width: r.width };
      }),
      paneWidth: sc.width,
    };
  });
}

/** The text of the notification toasts, once one matches `re`. */
async function toast(wb, re, message) {
  let texts = [];
  await waitFor(async () => (texts = await wb.notifications()).some((t) => re.test(t)), { message: `${message}: ${texts.join(' | ')}`, timeout: 10_000 });
  return texts.find((t) => re.test(t));
}

async function clearNotifications(wb) {
  await wb.command('Notifications: Clear All Notifications');
  await waitFor(async () => (await wb.notifications()).length === 0, { message: 'notifications cleared' });
}

function hasTool(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

export const tests = [
  {
    name: 'xmlrpc walkthrough: rows, diagram arrows, decoded body',
    async run(wb) {
      const grid = await wb.openCapture('xmlrpc-walkthrough/xmlrpc-walkthrough.pcap');
      await rowCount(grid, 2, 'two call rows');
      const text = (await grid.innerText()).replace(/\s+/g, ' ');
      assert(text.includes('fun_add') && text.includes('fun_div'), `rows name fun_add and fun_div: ${text.slice(0, 300)}`);
      const arrows = wb.webview().locator('svg[role=img] [data-call-id]');
      await waitFor(async () => (await arrows.count()) >= 2, { message: 'diagram arrows with data-call-id' });
      const ids = new Set(await arrows.evaluateAll((els) => els.map((e) => e.getAttribute('data-call-id'))));
      assert(ids.has('1') && ids.has('2'), `arrows for both calls: ${[...ids]}`);
      await wb.screenshot('list');
      await rowsOf(grid).first().click();
      const details = wb.webview().locator('section.details');
      await waitFor(async () => /fun_add\s*\(\s*2\s*,\s*3\s*\)/.test(await details.innerText()), { message: 'details show fun_add(2, 3)' });
      // The Bytes tab shows the packets as captured: Ethernet, IPv4, TCP headers, then the XML.
      await wb.webview().getByRole('tab', { name: /^Bytes/ }).first().click();
      const reqPart = wb.webview().locator('section.hex-part').first();
      await reqPart.locator('.hex-grid').waitFor({ timeout: 10_000 });
      const reqHex = await reqPart.locator('.hex-bytes span').evaluateAll((els) => els.map((e) => e.textContent).join(''));
      assert(reqHex.slice(24, 28) === '0800' && reqHex.slice(28, 30) === '45', `Ethernet type IPv4 and an IPv4 header first: ${reqHex.slice(0, 40)}`);
      assert(reqHex.slice(28 + 18, 28 + 20) === '06', `IP protocol TCP: ${reqHex.slice(28, 68)}`);
      assert(reqHex.includes('3c6d6574686f6443616c6c3e'), '<methodCall> in the request bytes');
      assert((await reqPart.locator('.hex-bytes span.hdr').count()) >= 54, 'header bytes shaded apart from the payload');
      assert(/as captured/.test(await reqPart.locator('.section-title').innerText()), 'the title says the packets are as captured');
      await wb.screenshot('bytes');
      await wb.webview().getByRole('tab', { name: /^Summary/ }).first().click();
      await rowsOf(grid).nth(1).click();
      await waitFor(async () => /ZeroDivisionError|division by zero/.test(await details.innerText()), { message: 'details show the fault' });
      await wb.screenshot('details');
      // Reopening the unchanged file comes from the cache: rows at once.
      await wb.closeAllEditors();
      const t0 = Date.now();
      const again = await wb.openCapture('xmlrpc-walkthrough/xmlrpc-walkthrough.pcap');
      await rowCount(again, 2, 'rows after reopening');
      const ms = Date.now() - t0;
      assert(ms < 5000, `reopen took ${ms} ms`);
    },
  },
  {
    name: 'rest sample: rows, filter narrows the list, HAR export',
    async run(wb, { workspace }) {
      const grid = await wb.openCapture('rest-person-api/rest-person-api.pcapng');
      await rowCount(grid, 9, 'nine REST calls');
      const filter = wb.webview().getByRole('combobox', { name: /filter/i });
      await filter.fill('method == DELETE');
      await filter.press('Enter');
      await rowCount(grid, 2, 'two DELETE rows after filtering');
      const text = await grid.innerText();
      assert(!/\bPOST\b|\bPUT\b/.test(text), 'no POST/PUT rows under the filter');
      await wb.screenshot('filtered');
      await filter.fill('');
      await filter.press('Enter');
      await rowCount(grid, 9, 'nine rows after clearing the filter');
      // Completion offers the capture's own fields (from the decoded calls), not only the built-ins.
      await filter.fill('http.res');
      const completions = wb.webview().getByRole('listbox', { name: /filter completions/i });
      await waitFor(async () => /http\.response\.phrase/.test(await completions.innerText().catch(() => '')), { message: 'http.response.phrase offered in the completion' });
      await filter.fill('');
      await filter.press('Escape');
      // Export as HAR through the palette; the simple file dialog takes a typed path.
      const target = join(workspace, 'exports', 'rest.har');
      await wb.command('callscope: Export as HAR');
      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Export as HAR' }).waitFor({ timeout: 10_000 });
      const input = await wb.quickInput();
      // The simple file dialog fills in its default path a moment after it opens: type once it
      // has, and check the box holds our path before accepting.
      await waitFor(async () => (await input.inputValue()).endsWith('.har'), { message: 'the dialog\'s default path' }).catch(() => {});
      await waitFor(
        async () => {
          await input.fill(target);
          await wb.page.waitForTimeout(300);
          return (await input.inputValue()) === target;
        },
        { message: 'the HAR path typed into the dialog' },
      );
      await input.press('Enter');
      await waitFor(() => existsSync(target), { message: 'HAR file written', timeout: 15_000 });
      const har = JSON.parse(readFileSync(target, 'utf8'));
      assert(har.log?.version === '1.2', 'HAR 1.2');
      assert(har.log.entries.length === 9, `9 HAR entries, got ${har.log.entries.length}`);
      const first = har.log.entries[0];
      assert(first.request.method === 'POST' && /\/persons$/.test(first.request.url), `first entry POST /persons: ${first.request.method} ${first.request.url}`);
      assert(first.response.status === 201, 'first entry 201');
      assert(har.log.entries.every((e) => typeof e.startedDateTime === 'string' && typeof e.time === 'number' && e.timings), 'entries have times');
    },
  },
  {
    name: 'grpc: go to definition lands on the rpc line; codelens counts',
    async run(wb) {
      const grid = await wb.openCapture('grpc-person-api/grpc-person-api.pcap');
      await rowCount(grid, 8, 'eight gRPC calls');
      await rowsOf(grid).first().click();
      const details = wb.webview().locator('section.details');
      await waitFor(async () => /GetPerson/.test(await details.innerText()), { message: 'details of GetPerson' });
      await wb.screenshot('grpc');
      await wb.command('callscope: Go to Definition');
      const tab = wb.page.locator('.tabs-container .tab.active', { hasText: 'person.proto' });
      await tab.first().waitFor({ timeout: 15_000 });
      const rpcLine = readFileSync(new URL('../../samples/grpc-person-api/person.proto', import.meta.url), 'utf8').split('\n').findIndex((l) => /rpc GetPerson\(/.test(l)) + 1;
      await waitFor(async () => (await cursorLine(wb.page)) === rpcLine, { message: `cursor on line ${rpcLine} (rpc GetPerson)` });
      const lens = wb.page.locator('.contentWidgets .codelens-decoration, .codelens-decoration');
      await waitFor(async () => (await lens.allInnerTexts()).some((t) => /^4 calls · p50 .+ · 2 errors$/.test(t.trim())), { message: 'CodeLens "4 calls · p50 … · 2 errors"', timeout: 20_000 });
      await wb.screenshot('codelens');
      // The lens reveals those calls in the capture.
      await lens.filter({ hasText: '4 calls' }).first().locator('a').first().click();
      await waitFor(async () => (await wb.page.locator('.tabs-container .tab.active', { hasText: 'grpc-person-api.pcap' }).count()) >= 1, { message: 'capture editor active again' });
      await waitFor(async () => (await rowsOf(grid).first().getAttribute('aria-selected')) === 'true', { message: 'the first GetPerson call selected' });
    },
  },
  {
    name: 'grpc without a .proto: the schema the server sent by reflection names the fields',
    async run(wb) {
      const grid = await wb.openCapture('grpc-reflection/grpc-reflection.pcap');
      await rowCount(grid, 4, 'the reflection stream and three Inventory calls');
      // The first GetItem (row 2): decoded with names from the reflection answer, not raw field numbers.
      await rowsOf(grid).nth(1).click();
      const details = wb.webview().locator('section.details');
      await waitFor(async () => /GetItem/.test(await details.innerText()), { message: 'details of GetItem' });
      await waitFor(async () => /Schema\s+sent by the server \(gRPC server reflection earlier in this capture\)/.test(await details.innerText()), { message: 'Summary says where the schema came from' });
      await waitFor(async () => /"title":"Analytical engine gear"/.test(await details.innerText()), { message: 'the response in the Summary, with field names' });
      await wb.webview().getByRole('tab', { name: /^Response/ }).first().click();
      await waitFor(async () => /CONDITION_NEW/.test(await details.innerText()) && /restocked/.test(await details.innerText()), { message: 'Response tab: enum names and the Timestamp field' });
      await wb.screenshot('reflection');
      await wb.webview().getByRole('tab', { name: /^Summary/ }).first().click();
      // The reflection stream itself says what it taught.
      await rowsOf(grid).first().click();
      await waitFor(async () => /Schema learned\s+callscope_inventory_v1\.proto/.test(await details.innerText()), { message: 'the reflection call lists the files it taught' });
    },
  },
  {
    name: 'through a forward proxy: CONNECT tunnels decoded, the lifeline is the proxy',
    async run(wb) {
      const grid = await wb.openCapture('http-proxy/http-proxy.pcap');
      await rowCount(grid, 11, 'three CONNECTs, the calls inside their tunnels, a refused request');
      const view = wb.webview();
      // One server lifeline, named for what the packets reached: the proxy, not a Host it relayed.
      const lifelines = view.locator('svg[role=img]');
      await waitFor(async () => /proxy :23750/.test(await lifelines.first().innerHTML()), { message: 'the diagram names the proxy "proxy :23750"' });
      assert(!/>127\.0\.0\.1:2375[123]</.test(await lifelines.first().innerHTML()), 'no lifeline named after a tunnel destination');
      // The GET inside the TLS tunnel, decrypted with the key log beside the capture.
      await rowsOf(grid).nth(2).click();
      const details = view.locator('section.details');
      await waitFor(async () => /Via proxy\s+127\.0\.0\.1:23750, in the tunnel it opened to 127\.0\.0\.1:23751/.test(await details.innerText()), { message: 'the Summary says the call went through the proxy, and where' });
      // A gRPC call inside a tunnel, decoded with the .proto beside the capture.
      const getPerson = rowsOf(grid).filter({ hasText: 'GetPerson' }).first();
      await getPerson.click();
      await waitFor(async () => /Ada Lovelace/.test(await details.innerText()), { message: 'GetPerson through the proxy decoded with person.proto' });
      await wb.screenshot('proxy');
    },
  },
  {
    name: 'teaching mode steps through a call',
    async run(wb) {
      const grid = await wb.openCapture('xmlrpc-walkthrough/xmlrpc-walkthrough.pcap');
      await rowCount(grid, 2);
      await rowsOf(grid).first().click();
      const view = wb.webview();
      await view.locator('vscode-button, button', { hasText: /^\s*Teach\s*$/ }).first().click();
      const card = view.locator('section.teach-card');
      await card.waitFor({ timeout: 10_000 });
      const title = card.locator('.teach-title');
      await title.waitFor({ timeout: 10_000 });
      const first = await title.innerText();
      const counter = async () => (await card.locator('.teach-head').innerText()).replace(/\s+/g, ' ');
      const before = await counter();
      assert(/step 1 of \d+/.test(before), `step counter: ${before}`);
      await wb.screenshot('teach-1');
      await card.locator('button, vscode-button', { hasText: /next/i }).first().click();
      await waitFor(async () => /step 2 of/.test(await counter()) && (await title.innerText()) !== first, { message: 'teaching step 2' });
      await wb.screenshot('teach-2');
    },
  },
  {
    name: 'teaching ZeroMQ: no broker, the lane is the socket that bound the port',
    async run(wb) {
      const grid = await wb.openCapture('zmq-patterns/zmq-patterns.pcap');
      await rowCount(grid, 19);
      const view = wb.webview();
      const labels = view.locator('.lifeline-label');
      await waitFor(async () => (await labels.allInnerTexts()).includes('REP :5555'), { message: 'a lifeline named REP :5555' });
      assert(!(await labels.allInnerTexts()).some((l) => /broker/.test(l)), `no broker lifeline: ${(await labels.allInnerTexts()).join(', ')}`);
      await rowsOf(grid).filter({ hasText: 'weather.paris' }).first().click();
      await view.locator('vscode-button, button', { hasText: /^\s*Teach\s*$/ }).first().click();
      const card = view.locator('section.teach-card');
      await card.waitFor({ timeout: 10_000 });
      let text = '';
      for (let i = 0; i < 6 && !/PUB sends/.test(text); i++) {
        text = (await card.innerText()).replace(/\s+/g, ' ');
        if (!/PUB sends/.test(text)) await card.locator('button, vscode-button', { hasText: /next/i }).first().click();
      }
      assert(/without a broker/.test(text) && /no broker in between/.test(text), `the PUB step says there is no broker: ${text.slice(0, 400)}`);
      assert(!/Broker/.test(await card.locator('ol.pipeline').innerText()), 'the stages name no broker');
      await wb.screenshot('zmq-teach');
    },
  },
  {
    name: 'keyboard only: open, move, open details',
    async run(wb) {
      const { page } = wb;
      // Quick Open by keyboard (F1, type, Enter) opens the capture.
      const grid = await wb.openCapture('xmlrpc-walkthrough/xmlrpc-walkthrough.pcap');
      await rowCount(grid, 2);
      // Tab into the grid.
      let focused = false;
      for (let i = 0; i < 25 && !focused; i++) {
        await page.keyboard.press('Tab');
        focused = await grid.evaluate((el) => el === document.activeElement).catch(() => false);
      }
      assert(focused, 'the call list is reachable with Tab');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await waitFor(async () => (await rowsOf(grid).nth(1).getAttribute('aria-selected')) === 'true', { message: 'second row selected with ↓' });
      await page.keyboard.press('Enter');
      const details = wb.webview().locator('section.details');
      await waitFor(async () => /fun_div/.test(await details.innerText()), { message: 'details of fun_div' });
      await wb.screenshot('keyboard');
    },
  },
  {
    name: 'hostile payloads render as text and run nothing',
    async run(wb, { problems }) {
      const grid = await wb.openCapture('xss/hostile-payloads.pcap');
      await rowCount(grid, 2);
      const view = wb.webview();
      for (let i = 0; i < 2; i++) {
        await rowsOf(grid).nth(i).click();
        for (const tab of ['Summary', 'Request', 'Response']) {
          const t = view.getByRole('tab', { name: new RegExp(`^${tab}`) });
          if (await t.count()) await t.first().click();
          await wb.page.waitForTimeout(250);
        }
      }
      await wb.screenshot('hostile');
      const body = view.locator('body');
      const facts = await body.evaluate(() => ({
        pwned: (window).__pwned,
        title: document.title,
        // VS Code injects one script of its own; ours is dist/webview.js. None may carry a payload.
        scripts: [...document.querySelectorAll('script')].filter((e) => /pwned|alert/.test(e.textContent + (e.getAttribute('src') ?? ''))).length,
        onerror: document.querySelectorAll('[onerror], [onload], [onclick]').length,
        jsLinks: [...document.querySelectorAll('a[href], [src]')].filter((e) => /^\s*javascript:/i.test(e.getAttribute('href') ?? e.getAttribute('src') ?? '')).length,
        imgs: document.querySelectorAll('img[src="x"]').length,
        text: document.body.innerText,
      }));
      assert(facts.pwned === undefined, `injected script ran (__pwned=${facts.pwned})`);
      assert(facts.title !== 'PWNED', 'title changed by a payload');
      assert(facts.scripts === 0, `${facts.scripts} payload script elements in the webview`);
      assert(facts.onerror === 0, 'event-handler attributes in the DOM');
      assert(facts.jsLinks === 0, 'javascript: links in the DOM');
      assert(facts.imgs === 0, 'payload <img> elements in the DOM');
      assert(/<script>|onerror=|javascript:/.test(facts.text), 'payload text is shown as text');
      const outerPwned = await wb.page.evaluate(() => (window).__pwned);
      assert(outerPwned === undefined, 'workbench window touched');
      const bad = problems.filter((p) => p.startsWith('dialog') || p.startsWith('csp'));
      assert(!bad.length, `dialogs or CSP violations: ${bad.join(' | ')}`);
    },
  },
  {
    name: 'themes: dark and light look native',
    async run(wb) {
      const grid = await wb.openCapture('rest-person-api/rest-person-api.pcapng');
      await rowCount(grid, 9);
      await rowsOf(grid).first().click();
      await wb.page.waitForTimeout(500);
      await wb.screenshot('dark');
      const body = wb.webview().locator('body');
      assert(/vscode-dark/.test((await body.getAttribute('class')) ?? ''), 'webview body has vscode-dark');
      await wb.command('Preferences: Color Theme');
      await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Dark Modern' }).first().waitFor();
      const input = await wb.quickInput();
      await input.fill('Light Modern');
      await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Light Modern' }).first().waitFor();
      await input.press('Enter');
      await waitFor(async () => /vscode-light/.test((await body.getAttribute('class')) ?? ''), { message: 'webview follows the light theme' });
      await wb.page.waitForTimeout(500);
      await wb.screenshot('light');
      await wb.command('Preferences: Color Theme');
      await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Light Modern' }).first().waitFor();
      const input2 = await wb.quickInput();
      await input2.fill('Dark Modern');
      await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Dark Modern' }).first().waitFor();
      await input2.press('Enter');
      await waitFor(async () => /vscode-dark/.test((await body.getAttribute('class')) ?? ''), { message: 'back to dark' });
    },
  },
  {
    name: 'thrift: go to definition lands on the service method line',
    async run(wb) {
      const grid = await wb.openCapture('thrift-person-api/thrift-person-api.pcap');
      await waitFor(async () => (await rowsOf(grid).count()) > 0, { message: 'thrift rows' });
      await rowsOf(grid).first().click();
      const details = wb.webview().locator('section.details');
      await waitFor(async () => /signup/.test(await details.innerText()), { message: 'details of signup' });
      const button = wb.webview().locator('button', { hasText: 'Definition ↗' }).first();
      await waitFor(async () => !(await button.isDisabled()) && !/\bmissing\b/.test((await button.getAttribute('class')) ?? ''), { message: 'the Definition link enabled, with a definition' });
      await wb.screenshot('thrift');
      await wb.command('callscope: Go to Definition');
      await expectDefinition(wb, 'person.thrift', lineOf('thrift-person-api/person.thrift', /^\s*PersonId signup\(/));
      await wb.screenshot('thrift-definition');
    },
  },
  {
    name: 'graphql: operations named, errors in a 200 fail, go to definition lands on the schema field; codelens counts',
    async run(wb) {
      const grid = await wb.openCapture('graphql-person-api/graphql-person-api.pcap');
      await rowCount(grid, 13, 'the GraphQL calls, the upgrade and the close');
      const rows = rowsOf(grid);
      const texts = await rows.allInnerTexts();
      const signup = texts.findIndex((t) => /\bSignup\b/.test(t));
      assert(signup >= 0, `a Signup row: ${texts.join(' | ')}`);
      assert(texts.some((t) => /\bTwo\b/.test(t) && /\berrors\b/.test(t)), `the resolver error (under HTTP 200) fails its row: ${texts.join(' | ')}`);
      await rows.nth(signup).click();
      const details = wb.webview().locator('section.details');
      await waitFor(async () => /Signup/.test(await details.innerText()) && /GraphQL/.test(await details.innerText()), { message: 'details of Signup, GraphQL' });
      await wb.webview().getByRole('tab', { name: /^Request/ }).first().click();
      await waitFor(async () => /GraphQL operation\s+mutation Signup\(\$name: String!/.test(await details.innerText()) && /Variables[\s\S]*"Ada Lovelace"/.test(await details.innerText()), { message: 'Request tab: the operation as text, then its variables' });
      await wb.screenshot('graphql');
      await wb.command('callscope: Go to Definition');
      await expectDefinition(wb, 'schema.graphql', lineOf('graphql-person-api/schema.graphql', /^\s*signup\(/));
      const lens = wb.page.locator('.contentWidgets .codelens-decoration, .codelens-decoration');
      await waitFor(async () => (await lens.allInnerTexts()).some((t) => /^3 calls · p50 /.test(t.trim())), { message: 'CodeLens "3 calls" above addItem', timeout: 20_000 });
      await wb.screenshot('graphql-definition');
    },
  },
  {
    name: 'soap: the Definition link and g d land on the wsdl operation line',
    async run(wb) {
      const grid = await wb.openCapture('soap-person-api/soap-person-api.pcap');
      await waitFor(async () => (await rowsOf(grid).count()) > 1, { message: 'soap rows' });
      const view = wb.webview();
      await rowsOf(grid).first().click();
      const details = view.locator('section.details');
      await waitFor(async () => /signup/.test(await details.innerText()), { message: 'details of signup' });
      const button = view.locator('button', { hasText: 'Definition ↗' }).first();
      await waitFor(async () => !(await button.isDisabled()) && !/\bmissing\b/.test((await button.getAttribute('class')) ?? ''), { message: 'the Definition link enabled, with a definition' });
      await button.click();
      await expectDefinition(wb, 'person.wsdl', lineOf('soap-person-api/person.wsdl', /<wsdl:operation name="signup"><wsdl:input/));
      await wb.screenshot('soap-definition');
      // Back in the capture, the second call (readPerson) by keyboard: g d.
      await wb.page.locator('.tabs-container .tab', { hasText: 'soap-person-api.pcap' }).first().click();
      await rowsOf(grid).nth(1).click();
      await waitFor(async () => /readPerson/.test(await details.innerText()), { message: 'details of readPerson' });
      await rowsOf(grid).nth(1).focus();
      await wb.page.keyboard.press('g');
      await wb.page.keyboard.press('d');
      await expectDefinition(wb, 'person.wsdl', lineOf('soap-person-api/person.wsdl', /<wsdl:operation name="readPerson"><wsdl:input/));
    },
  },
  {
    name: 'decode as: an undecoded flow becomes WebSocket rows',
    async run(wb) {
      const grid = await wb.openCapture('decode-as/raw-websocket.pcap');
      const view = wb.webview();
      await waitFor(async () => /not recogni[sz]ed|Decode As/i.test(await view.locator('body').innerText()), { message: 'the "not recognised: Decode As…" state', timeout: 20_000 });
      assert((await rowsOf(grid).count()) === 0, 'no rows before Decode As');
      await wb.screenshot('before');
      await wb.command('callscope: Decode As…');
      const input = await wb.quickInput();
      const portRow = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'TCP port 7411' });
      await portRow.first().waitFor({ timeout: 10_000 });
      await portRow.first().click();
      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: '(2/2)' }).waitFor({ timeout: 10_000 });
      await input.fill('WebSocket');
      await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'WebSocket' }).first().waitFor({ timeout: 10_000 });
      await wb.page.waitForTimeout(150);
      await input.press('Enter');
      await rowCount(grid, 4, 'four WebSocket rows after Decode As');
      // The virtual list fills a new row's cells a moment after the row appears. Beside the diagram
      // the list is too narrow for its Protocol column (fitColumns leaves it out at ~550 px): the
      // rows are WebSocket text messages, and each selected call's summary line names its protocol.
      let text = '';
      await waitFor(async () => /\btext\b/.test((text = (await grid.innerText()).replace(/\s+/g, ' '))), { message: `rows are WebSocket text messages: ${text.slice(0, 200)}`, timeout: 10_000 }).catch(() => {});
      assert(/\btext\b/.test(text), `rows are WebSocket text messages: ${text.slice(0, 200)}`);
      const sub = view.locator('.summary-sub');
      for (const n of [0, 3]) {
        await rowsOf(grid).nth(n).click();
        let line = '';
        await waitFor(async () => /·\s*WebSocket,/.test((line = (await sub.innerText().catch(() => '')).replace(/\s+/g, ' '))), { message: `row ${n + 1}'s details say WebSocket: ${line}`, timeout: 10_000 });
      }
      await wb.screenshot('after');
    },
  },
  {
    name: 'joined late: a WebSocket and an MQTT connection already open when the capture began are decoded, roles from the messages',
    async run(wb) {
      const grid = await wb.openCapture('joined-late/already-connected.pcap');
      const view = wb.webview();
      // Three WebSocket messages, the PUBLISH (with its PUBACK) and the PINGREQ: no Decode As needed.
      await rowCount(grid, 5, 'five rows without Decode As');
      let text = '';
      await waitFor(async () => /rides\/status/.test((text = (await grid.innerText()).replace(/\s+/g, ' '))), { message: `the MQTT publish is a row: ${text.slice(0, 300)}`, timeout: 10_000 });
      await rowsOf(grid).first().click();
      const details = view.locator('section.details');
      await view.getByRole('tab', { name: /^Layers/ }).first().click();
      let layers = '';
      await waitFor(
        async () => /the messages \(the port guess was backwards\)/.test((layers = (await details.innerText()).replace(/\s+/g, ' '))) && /no — the capture began mid-connection/.test(layers) && /Server port 61000/.test(layers),
        { message: `Layers: the server is 61000, roles from the messages, no SYN: ${layers.slice(0, 400)}`, timeout: 10_000 },
      );
      await wb.screenshot('layers');
      await view.getByRole('tab', { name: /^Summary/ }).first().click();
    },
  },
  {
    name: 'live capture on lo: a request made during the capture appears',
    async run(wb) {
      if (process.getuid?.() !== 0) throw new Skip('live capture needs root here (not root: skipped)');
      if (!hasTool('tcpdump') && !hasTool('dumpcap')) throw new Skip('neither tcpdump nor dumpcap is installed (skipped)');
      const { server, port } = await httpServer();
      let stopped = false;
      try {
        await wb.command('callscope: Start Live Capture…');
        const input = await wb.quickInput();
        const title = wb.page.locator('.quick-input-widget .quick-input-title');
        await waitFor(async () => /which interface|capture filter/.test(await title.innerText().catch(() => '')), { message: 'the interface pick or the filter box' });
        if (/which interface/.test(await title.innerText())) {
          const ifaces = wb.page.locator('.quick-input-widget .monaco-list-row');
          await ifaces.first().waitFor({ timeout: 10_000 });
          const labels = await ifaces.evaluateAll((els) => els.map((e) => (e.querySelector('.label-name')?.textContent ?? e.getAttribute('aria-label') ?? '').trim()));
          const lo = labels.findIndex((l) => l === 'lo' || l.startsWith('lo,') || l.startsWith('lo '));
          assert(lo >= 0, `lo among the interfaces: ${labels.join(' | ')}`);
          await wb.screenshot('interfaces');
          await ifaces.nth(lo).click();
          await waitFor(async () => /capture filter/.test(await title.innerText().catch(() => '')), { message: 'the capture filter box' });
        }
        await input.fill(`tcp port ${port}`);
        await input.press('Enter');
        const grid = wb.webview().locator('[role=grid]');
        await grid.waitFor({ timeout: 20_000 });
        // tcpdump needs a moment before it listens: send requests until one shows up as a row.
        // (the text as it was when the row showed: live rows keep arriving, and the list redraws)
        let text = '';
        await waitFor(
          async () => {
            await fetch(`http://127.0.0.1:${port}/live/${Date.now()}`).then((r) => r.text()).catch(() => '');
            // A row, rendered with its cells (the virtual list fills them a moment after it appears).
            return (await rowsOf(grid).count()) > 0 && /\/live\//.test((text = await grid.innerText().catch(() => '')));
          },
          { message: 'a live row', timeout: 25_000, interval: 700 },
        );
        assert(/GET/.test(text) && /\/live\//.test(text), `the row is the GET /live/…: ${text.slice(0, 200)}`);
        await wb.screenshot('live');
        await wb.command('callscope: Stop Live Capture');
        stopped = true;
        await waitFor(async () => (await wb.notifications()).some((n) => /stopped — \d+ calls?/.test(n)), { message: 'the "stopped" notification' });
      } finally {
        if (!stopped) await wb.command('callscope: Stop Live Capture').catch(() => {});
        server.close();
      }
    },
  },
  {
    name: 'playback: rows appear over time',
    async run(wb) {
      const grid = await wb.openCapture('ride-hailing/ride-hailing.pcapng');
      const total = async () => Number(await grid.getAttribute('aria-rowcount')) - 1;
      await waitFor(async () => (await total()) === 79, { message: '79 calls before playback', timeout: 20_000 });
      await wb.command('callscope: Play Back Capture');
      const seen = [];
      const t0 = Date.now();
      while (Date.now() - t0 < 12_000) {
        seen.push(await total());
        if (seen.at(-1) === 79 && seen.some((n) => n < 79)) break;
        await wb.page.waitForTimeout(100);
      }
      const partial = seen.filter((n) => n > 0 && n < 79);
      // The status bar's "$(play) shown/total" says whether the host fed every call (a short list with
      // 79/79 there is the webview's count; 78/79 the playback's).
      const status = async () => (await wb.page.locator('.statusbar-item').allInnerTexts()).filter((t) => /\d+\/79/.test(t)).join(' | ');
      assert(seen.some((n) => n < 79), `playback starts with fewer rows: ${seen.join(',')}`);
      // (the playback's rows were once counted on top of the full list's for a moment: 80–93)
      assert(seen.every((n) => n <= 79), `never more rows than calls: ${seen.join(',')}`);
      assert(seen.at(-1) === 79, `all 79 rows in the end: ${seen.join(',')} (status bar: ${await status()})`);
      assert(partial.length >= 1 || new Set(seen).size >= 3, `rows arrive over time: ${seen.join(',')}`);
      // The playback fed them all and is still the one shown (a capture decoded again would have ended it).
      await waitFor(async () => /79\/79/.test(await status()), { message: 'the status bar says 79/79', timeout: 5000 });
      await wb.screenshot('playback');
    },
  },
  {
    name: 'high contrast theme: status keeps icon and text',
    async run(wb) {
      const grid = await wb.openCapture('xmlrpc-walkthrough/xmlrpc-walkthrough.pcap');
      await rowCount(grid, 2);
      const body = wb.webview().locator('body');
      try {
        await pickTheme(wb, ['Dark High Contrast', 'Default High Contrast']);
        await waitFor(async () => /vscode-high-contrast/.test((await body.getAttribute('class')) ?? ''), { message: 'webview in high contrast' });
        // The list alone (no diagram beside it), so every column, Status included, is on screen.
        const diagram = wb.webview().locator('vscode-button.toggle', { hasText: /^\s*Diagram\s*$/ }).first();
        if ((await diagram.getAttribute('aria-pressed')) === 'true') await diagram.click();
        await rowsOf(grid).nth(1).click();
        await wb.page.waitForTimeout(400);
        await wb.screenshot('high-contrast');
        const cells = await grid.locator('[role=row][data-call-id] .col-status').evaluateAll((els) =>
          els.map((el) => {
            const svg = el.querySelector('svg.icon');
            const text = el.querySelector('.status-text');
            const r = svg?.getBoundingClientRect();
            const g = el.closest('[role=grid]').getBoundingClientRect();
            const t = text?.getBoundingClientRect();
            const onScreen = !!r && !!t && r.left >= g.left && t.right <= g.right + 1 && t.width > 0;
            return { icon: !!svg && !!r && r.width > 0 && r.height > 0 && getComputedStyle(svg).visibility !== 'hidden', onScreen, text: (text?.textContent ?? '').trim(), color: text ? getComputedStyle(text).color : '' };
          }),
        );
        assert(cells.length === 2, `two status cells: ${cells.length}`);
        for (const c of cells) {
          assert(c.icon, 'status icon visible');
          assert(c.onScreen, 'status icon and text inside the list, not scrolled out of view');
          assert(c.text.length > 0, 'status text present');
          assert(c.color && !/rgba\(\d+, \d+, \d+, 0\)/.test(c.color), `status text has a colour: ${c.color}`);
        }
      } finally {
        const diagram = wb.webview().locator('vscode-button.toggle', { hasText: /^\s*Diagram\s*$/ }).first();
        if ((await diagram.getAttribute('aria-pressed').catch(() => 'true')) === 'false') await diagram.click().catch(() => {});
        await pickTheme(wb, ['Dark Modern', 'Default Dark Modern']).catch(() => {});
        await waitFor(async () => /vscode-dark/.test((await body.getAttribute('class')) ?? '') && !/high-contrast/.test((await body.getAttribute('class')) ?? ''), { message: 'back to dark' }).catch(() => {});
      }
    },
  },
  {
    name: 'diagram: the MQTT sample lanes fit the pane, names readable; Fit and a hand zoom are kept',
    async run(wb) {
      const grid = await wb.openCapture('mqtt-basics/mqtt-basics.pcapng');
      await waitFor(async () => (await rowsOf(grid).count()) > 10, { message: 'MQTT rows', timeout: 20_000 });
      const view = wb.webview();
      let g;
      await waitFor(async () => (g = await diagramGeometry(view)).labels.length >= 6, { message: 'six or more lifelines (five named services and the broker)' });
      // Every lane in view without pressing Fit, at 100%: names inside the pane, none cut off by it.
      assert(g.zoom === '100%', `zoom ${g.zoom}`);
      assert(g.overflowX <= 1, `no sideways scrolling needed: ${g.overflowX}px more than the pane`);
      for (const l of g.labels) {
        assert(l.left >= 0 && l.right <= g.paneWidth + 1, `"${l.text}" inside the ${g.paneWidth}px pane: ${l.left}…${l.right}`);
        assert(l.width >= 40, `"${l.text}" readable (${l.width}px)`);
        assert(l.title.startsWith(`${l.text} — `) && /127\.0\.0\.1:\d+/.test(l.title), `tooltip names the full endpoint: ${l.title}`);
      }
      const named = g.labels.map((l) => l.text);
      assert(['trip-service', 'dispatcher', 'mqtt broker :1883'].every((n) => named.includes(n)), `lifelines: ${named.join(', ')}`);
      await wb.screenshot('fitted');
      // A hand zoom is the user's: it stays through new rows in view and through the tab being hidden.
      await view.locator('.diagram-tools vscode-button', { hasText: '+' }).first().click();
      await waitFor(async () => (g = await diagramGeometry(view)).zoom === '125%', { message: 'zoomed to 125%' });
      assert(g.overflowX > 0, 'zoomed in: the diagram scrolls sideways');
      await rowsOf(grid).nth(8).click();
      await wb.page.waitForTimeout(300);
      assert((await diagramGeometry(view)).zoom === '125%', 'the zoom stays when the selection moves');
      // Another capture over it in the same group (the hidden webview is dropped), then back.
      await wb.command('View: Keep Editor');
      await wb.openCapture('xmlrpc-walkthrough/xmlrpc-walkthrough.pcap');
      await wb.page.locator('.tabs-container .tab', { hasText: 'mqtt-basics.pcapng' }).first().click();
      await waitFor(async () => (await diagramGeometry(view)).labels.length >= 2 && (await diagramGeometry(view)).zoom === '125%', { message: 'back on the tab: still 125%' });
      await wb.screenshot('zoomed');
      // Fit: the whole width in the pane again.
      await view.locator('.diagram-tools vscode-button', { hasText: 'Fit' }).first().click();
      await waitFor(async () => (g = await diagramGeometry(view)).overflowX <= 1 && g.fitPressed === 'true', { message: 'Fit: no sideways scrolling' });
      await wb.screenshot('fit');
    },
  },
  {
    name: 'filter hides the selected call: the nearest match is selected, nothing when none match',
    async run(wb) {
      const grid = await wb.openCapture('rest-person-api/rest-person-api.pcapng');
      await rowCount(grid, 9, 'nine REST calls');
      const view = wb.webview();
      const details = view.locator('section.details');
      const status = view.locator('.summary-count');
      await rowsOf(grid).nth(4).click();
      await waitFor(async () => /PUT\s+\/items\/456/.test(await details.innerText()), { message: 'details of PUT /items/456' });
      const filter = view.getByRole('combobox', { name: /filter/i });
      await filter.fill('method == GET');
      await filter.press('Enter');
      await rowCount(grid, 4, 'four GET rows');
      // As in Wireshark: the selection moves to the last match before the hidden call.
      await waitFor(async () => /GET\s+\/persons\/1234\/items/.test(await details.innerText()) && !/PUT/.test(await details.innerText()), { message: 'details of the nearest GET, not the hidden PUT' });
      await waitFor(async () => (await grid.locator('[role=row][aria-selected=true]').count()) === 1, { message: 'one selected row' });
      const sel = await grid.locator('[role=row][aria-selected=true]').innerText();
      assert(/GET/.test(sel) && /61\.6 ms/.test(sel), `the GET /persons/1234/items row is selected: ${sel}`);
      await waitFor(async () => /PUT \/items\/456 is hidden by the filter: selected GET \/persons\/1234\/items/.test(await status.innerText()), { message: 'the status line says the selection moved' });
      await wb.screenshot('moved');
      // Nothing matches: nothing selected, and the details say why.
      await filter.fill('method == PATCH');
      await filter.press('Enter');
      await waitFor(async () => /No call selected: no calls match the filter/.test(await details.innerText()), { message: 'the details say no call matches' });
      assert(!/GET|PUT/.test(await details.locator('vscode-tab-panel').first().innerText()), 'no call in the details');
      await wb.screenshot('none');
      await filter.fill('');
      await filter.press('Enter');
      await rowCount(grid, 9, 'nine rows again');
      await waitFor(async () => /GET\s+\/persons\/1234\/items/.test(await details.innerText()), { message: 'the call selected before is selected again' });
    },
  },
  {
    name: 'compare: a one-protocol capture says what Compare is for; three protocols side by side',
    async run(wb) {
      const grid = await wb.openCapture('rest-person-api/rest-person-api.pcapng');
      await rowCount(grid, 9);
      const view = wb.webview();
      await view.locator('vscode-button.toggle', { hasText: /^\s*Compare\s*$/ }).first().click();
      const panel = view.getByRole('region', { name: 'Compare' });
      await waitFor(async () => /Compare needs the same operation over two or more protocols/.test(await panel.innerText()), { message: 'the compare hint' });
      const text = (await panel.innerText()).replace(/\s+/g, ' ');
      assert(/over REST, XML-RPC, JSON-RPC, GraphQL, gRPC, SOAP and Thrift side by side/.test(text), `says what Compare is for: ${text}`);
      assert(/This capture has only HTTP calls\./.test(text), `says what this capture has: ${text}`);
      assert(/samples\/grpc-person-api/.test(text) && /mergecap -w /.test(text), `says how to get a capture it works on: ${text}`);
      assert((await panel.locator('table').count()) === 0, 'no lone column');
      await wb.screenshot('one-protocol');
      await wb.closeAllEditors();
      const three = await wb.openCapture('compare/person-three-ways.pcap');
      await rowCount(three, 3);
      await rowsOf(three).first().click();
      await view.locator('vscode-button.toggle', { hasText: /^\s*Compare\s*$/ }).first().click();
      const table = panel.locator('table.compare-table');
      await table.waitFor({ timeout: 10_000 });
      const heads = await table.locator('thead th').allInnerTexts();
      assert(heads.length === 4 && /HTTP GET \/persons\/7/.test(heads[1]) && /XML-RPC getPerson/.test(heads[2]) && /JSON-RPC getPerson/.test(heads[3]), `three columns: ${heads.join(' | ')}`);
      assert(!/Compare needs/.test(await panel.innerText()), 'no hint when there is something to compare');
      await wb.screenshot('three-protocols');
    },
  },
  {
    name: 'no definition: g d, the Definition link and the palette give one message',
    async run(wb) {
      const grid = await wb.openCapture('xmlrpc-walkthrough/xmlrpc-walkthrough.pcap');
      await rowCount(grid, 2);
      const view = wb.webview();
      await rowsOf(grid).first().click();
      const details = view.locator('section.details');
      await waitFor(async () => /fun_add/.test(await details.innerText()), { message: 'details of fun_add' });
      const none = /no definition found for fun_add/;
      await rowsOf(grid).first().focus();
      await wb.page.keyboard.press('g');
      await wb.page.keyboard.press('d');
      const byKeys = await toast(wb, none, 'the message after g d');
      await wb.screenshot('g-d');
      // What was looked for, and how to link one.
      assert(/OpenAPI/.test(byKeys) && /callscope\.definitions\.include/.test(byKeys), `says what was looked for and the setting: ${byKeys}`);
      await clearNotifications(wb);
      const link = view.locator('button', { hasText: 'Definition ↗' }).first();
      assert(/\bmissing\b/.test((await link.getAttribute('class')) ?? ''), 'the Definition link looks unlinked');
      await link.click();
      const byLink = await toast(wb, none, 'the message after the Definition link');
      await clearNotifications(wb);
      await wb.command('callscope: Go to Definition');
      const byPalette = await toast(wb, none, 'the message after the palette command');
      await wb.screenshot('palette');
      assert(byLink === byKeys, `the Definition link says the same as g d:\n${byLink}\n${byKeys}`);
      assert(byPalette === byKeys, `the palette says the same as g d:\n${byPalette}\n${byKeys}`);
    },
  },
  {
    name: 'every sample opens: call count, rows, arrows, details',
    timeoutMs: 240_000, // (29 samples: ~100 s on a busy two-core machine)
    async run(wb, { workspace }) {
      const samples = sampleCaptures(workspace);
      assert(samples.length >= 5, `samples found: ${samples.length}`);
      const failures = [];
      for (const { rel, calls } of samples) {
        try {
          const grid = await wb.openCapture(rel);
          const view = wb.webview();
          if (calls !== undefined) {
            const want = new RegExp(`\\b${calls.toLocaleString('en-US')} calls?\\b`);
            await waitFor(async () => want.test(await view.locator('body').innerText()), { message: `"${calls} calls" shown`, timeout: 20_000 });
          }
          if (calls !== 0) {
            await waitFor(async () => (await rowsOf(grid).count()) > 0, { message: 'rows', timeout: 15_000 });
            await waitFor(async () => (await view.locator('svg[role=img] [data-call-id]').count()) > 0, { message: 'diagram arrows', timeout: 15_000 });
            await rowsOf(grid).first().click();
            const details = view.locator('section.details');
            await waitFor(async () => (await details.innerText()).trim().length > 20, { message: 'details', timeout: 10_000 });
          }
          await wb.screenshot(rel.split('/')[0]);
        } catch (e) {
          failures.push(`${rel}: ${e.message.split('\n')[0]}`);
          await wb.screenshot(`${rel.split('/')[0]}-failed`);
        }
        await wb.closeAllEditors();
      }
      assert(!failures.length, failures.join('; '));
    },
  },
  {
    name: 'new user: arrows from the start, fault status, Target column, a mistyped filter field, an empty file',
    async run(wb, { workspace }) {
      const grid = await wb.openCapture('xmlrpc-walkthrough/xmlrpc-walkthrough.pcap');
      await rowCount(grid, 2);
      const view = wb.webview();
      // At 1400×900 the list beside the diagram is ~550 px: Target stays, the least used columns go.
      const heads = (await grid.locator('[role=columnheader]').allInnerTexts()).map((t) => t.replace(/[▲▼]/g, '').trim().toLowerCase());
      assert(heads.includes('method') && heads.includes('status') && heads.includes('target'), `method, status and target columns: ${heads.join(', ')}`);
      // No Tab: the first ↓ after opening moves the selection (it went to the page body before).
      await waitFor(async () => (await rowsOf(grid).first().getAttribute('aria-selected')) === 'true', { message: 'first row selected on open' });
      // A click on plain text leaves the focus on the page body, as right after opening.
      await view.locator('.summary-count').click();
      await wb.page.keyboard.press('ArrowDown');
      await waitFor(async () => (await rowsOf(grid).nth(1).getAttribute('aria-selected')) === 'true', { message: 'second row selected with ↓ without tabbing to the list' });
      const status = await rowsOf(grid).nth(1).locator('.col-status').innerText();
      assert(/fault 1/.test(status), `fun_div's status reads as a fault: ${status}`);
      const filter = view.getByRole('combobox', { name: /filter/i });
      await filter.fill('http.stauts == 200');
      await filter.press('Enter');
      const alert = view.locator('#filter-error');
      await waitFor(async () => /did you mean http\.status\?/.test(await alert.innerText()), { message: 'the mistyped field is flagged with a suggestion' });
      assert((await filter.getAttribute('aria-invalid')) !== 'true', 'a warning, not a parse error');
      await wb.screenshot('filter-typo');
      await wb.closeAllEditors();
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(workspace, 'empty-new-user.pcap'), '');
      // Made after the workbench indexed the files: opened through the command, as a user would.
      await wb.command('callscope: Open Capture…');
      const path = await wb.quickInput();
      await wb.page.waitForTimeout(500);
      await path.fill(join(workspace, 'empty-new-user.pcap'));
      await wb.page.waitForTimeout(300);
      await path.press('Enter');
      const empty = wb.webview().locator('.empty-state');
      await waitFor(async () => /This file is empty/.test(await empty.innerText()), { message: 'the empty file says what it is', timeout: 20_000 });
      assert(/tcpdump/.test(await empty.innerText()), 'and how to record a capture');
      assert((await empty.getByRole('button', { name: /Open Another Capture/ }).count()) === 1, 'with a button to open another');
      await wb.screenshot('empty-file');
    },
  },
];
