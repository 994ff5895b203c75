// The end-to-end tests: each gets a fresh browser page on the same code-server.
import { waitFor } from './harness.mjs';

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export const tests = [
  {
    name: 'xmlrpc walkthrough: rows, diagram arrows, decoded body',
    async run(wb) {
      const grid = await wb.openCapture('xmlrpc-walkthrough/xmlrpc-walkthrough.pcap');
      const rows = grid.locator('[role=row][data-call-id]');
      await waitFor(async () => (await rows.count()) === 2, { message: 'two call rows', timeout: 20_000 });
      const text = (await grid.innerText()).replace(/\s+/g, ' ');
      assert(text.includes('fun_add') && text.includes('fun_div'), `rows name fun_add and fun_div: ${text.slice(0, 300)}`);
      await wb.screenshot('list');
      await rows.first().click();
      const details = wb.webview().locator('section.details');
      await waitFor(async () => /fun_add/.test(await details.innerText()), { message: 'details show fun_add' });
      await wb.screenshot('details');
    },
  },
];
