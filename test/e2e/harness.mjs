// Helpers to drive a real VS Code (code-server) with Playwright: wait for the workbench and for
// callscope's contributions, run commands through the palette, open files with Quick Open, reach
// into the capture editor's webview (two nested iframes), screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const EXTENSION_ID = 'callscope.callscope';

export class Workbench {
  constructor(page, { url, shotsDir, name }) {
    this.page = page;
    this.url = url;
    this.shotsDir = shotsDir;
    this.name = name;
    this.shot = 0;
  }

  async open() {
    const { page } = this;
    await page.goto(this.url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
    // Pitfall 1: the custom editor is known only once the extension is registered; our view in
    // the Explorer appears at the same time.
    await page.locator('.pane-header', { hasText: /captures/i }).first().waitFor({ timeout: 30_000 });
    await page.locator('.statusbar').waitFor({ timeout: 10_000 });
  }

  /** Keyboard focus back to the workbench (pitfall 3: after a webview click it stays inside). */
  async focusWorkbench() {
    await this.page.locator('.statusbar').click({ position: { x: 5, y: 5 } }).catch(() => {});
  }

  async quickInput() {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    return input;
  }

  /** Run a command from the palette by its title (category included: "callscope: Export as HAR"). */
  async command(title) {
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    const input = await this.quickInput();
    await input.fill(`>${title}`);
    const rows = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title });
    await rows.first().waitFor({ timeout: 10_000 });
    await this.page.waitForTimeout(150);
    // The row whose label is exactly the title (others may only contain it).
    const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
    const i = labels.findIndex((l) => l === title || l.startsWith(title + ',') || l.startsWith(title + ' '));
    if (i >= 0) await rows.nth(i).click();
    else await input.press('Enter');
  }

  /** Open a workspace file with Quick Open (as a user types its name). */
  async openFile(relPath) {
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    const input = await this.quickInput();
    await input.fill(relPath);
    const base = relPath.split('/').pop();
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: base }).first().waitFor({ timeout: 15_000 });
    await this.page.waitForTimeout(200);
    await input.press('Enter');
  }

  async closeAllEditors() {
    await this.command('View: Close All Editors').catch(() => {});
    await this.page.waitForTimeout(300);
  }

  /** The capture editor's webview content frame. */
  webview() {
    return this.page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`).first().frameLocator('#active-frame');
  }

  async openCapture(relPath) {
    await this.openFile(relPath);
    const tab = this.page.locator('.tabs-container .tab', { hasText: relPath.split('/').pop() });
    await tab.first().waitFor({ timeout: 15_000 });
    const grid = this.webview().locator('[role=grid]');
    await grid.waitFor({ timeout: 30_000 });
    return grid;
  }

  async screenshot(label) {
    mkdirSync(this.shotsDir, { recursive: true });
    const file = join(this.shotsDir, `${this.name}-${String(++this.shot).padStart(2, '0')}-${label}.png`);
    await this.page.screenshot({ path: file }).catch(() => {});
    return file;
  }

  /** Notifications currently shown (text). */
  async notifications() {
    return this.page.locator('.notification-toast .notification-list-item-message').allTextContents();
  }
}

export async function waitFor(fn, { timeout = 10_000, interval = 200, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
