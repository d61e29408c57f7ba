// Full-page screenshots of the app on the demo log, each tab and the session detail, in the
// light and the dark colour scheme, plus the idle page and damaged files with their errors: written to .cache/screenshots/ (not
// committed) so that a person, or the lead, can look at what the page shows.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { App, ROOT, loadFiles, sample, waitDone } from './harness.mjs';

const OUT = path.join(ROOT, '.cache', 'screenshots');
const MIN_BYTES = 10 * 1024;

let app;
before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  app = await App.start();
});
after(async () => {
  await app?.close();
});

async function shoot(page, name) {
  const file = path.join(OUT, `${name}.png`);
  // Let the last render and any transition settle.
  await page.waitForTimeout(300);
  await page.screenshot({ path: file, fullPage: true });
  const size = fs.statSync(file).size;
  assert.ok(size > MIN_BYTES, `${name}.png is ${size} bytes, expected > ${MIN_BYTES}`);
  return file;
}

for (const colorScheme of ['light', 'dark']) {
  test(`screenshots, ${colorScheme}`, { timeout: 240_000 }, async () => {
    const page = await app.open({ colorScheme });
    try {
      await shoot(page, `idle-${colorScheme}`);
      await page.click('[data-testid=demo]');
      assert.equal(await waitDone(page), 'done', 'status after the demo');
      const waits = {
        sessions: '[data-testid=session-row]',
        timeline: '[data-testid=timeline]',
        failures: '[data-testid=failure-count]',
        coverage: '[data-testid=coverage-events]',
      };
      for (const [tab, ready] of Object.entries(waits)) {
        await page.click(`[data-testid=tab-${tab}]`);
        await page.locator(ready).first().waitFor({ state: 'visible', timeout: 20_000 });
        await shoot(page, `${tab}-${colorScheme}`);
      }
      await page.click('[data-testid=tab-sessions]');
      await page.locator('[data-testid=session-row]').first().click();
      await page.waitForSelector('[data-testid=session-detail]', { state: 'visible', timeout: 10_000 });
      await shoot(page, `detail-${colorScheme}`);

      // The share panel and the export menu, the detail still open.
      await page.click('[data-testid=share]');
      await page.locator('[data-testid=share-url]').waitFor({ state: 'visible' });
      await shoot(page, `share-${colorScheme}`);
      const link = await page.inputValue('[data-testid=share-url]');
      await page.click('[data-testid=share]');
      await page.locator('[data-testid=export-menu] summary').click();
      await shoot(page, `exports-${colorScheme}`);
      await page.locator('[data-testid=export-menu] summary').click();

      // The same report opened from its link: the banner naming its files.
      await page.goto(app.origin + '/');
      await page.goto(link);
      assert.equal(await waitDone(page), 'done', 'status of the shared report');
      await shoot(page, `shared-${colorScheme}`);

      // Damaged and foreign files beside a sound one: the file list with its errors.
      const files = ['not-an-evtx.evtx', 'truncated-mid-chunk.evtx', 'security-workstation.evtx'];
      await loadFiles(page, files.map(sample));
      assert.equal(await waitDone(page), 'done', 'status after the damaged files');
      await shoot(page, `file-errors-${colorScheme}`);
      App.assertClean(page);
    } finally {
      await App.closePage(page);
    }
  });
}
