// Report links, view links and report files, in headless Chromium: a report link opened in a
// fresh browser gives back the same report (its exported JSON is byte-identical) and the same
// view; a view link waits for its files and then restores filters and selection; damaged,
// truncated, oversized and wrong-version links say what is wrong and change nothing else; a
// report file (and the CLI's report JSON) dropped on the page opens like a log.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';

import {
  App,
  assertSameJson,
  cliDemo,
  cliRun,
  countOf,
  eventually,
  exportJson,
  loadFiles,
  sample,
  waitDone,
} from './harness.mjs';

let app;
let demoPath;
before(async () => {
  app = await App.start();
  demoPath = cliDemo();
});
after(async () => {
  await app?.close();
});

const visibleCount = (page) => countOf(page, 'visible-count');

/** Opens the share panel and returns the value of the field `testid`. */
async function shareField(page, testid) {
  if ((await page.locator('[data-testid=share-panel]').count()) === 0) {
    await page.click('[data-testid=share]');
  }
  const field = page.locator(`[data-testid=${testid}]`);
  await field.waitFor({ state: 'visible' });
  return field.inputValue();
}

/** A view an analyst would build: filters, a sort, a selected session, local time. */
async function buildView(page, needle) {
  await page.fill('[data-testid=filter-user]', needle);
  await page.check('[data-testid=filter-hide-system]');
  await page.click('[data-testid=sort-duration]');
  await page.click('[data-testid=sort-duration]');
  const row = page.locator('[data-testid=session-row]').first();
  await row.click();
  await page.waitForSelector('[data-testid=session-detail]', { state: 'visible' });
  await page.click('[data-testid=zone-local]');
  return {
    visible: await visibleCount(page),
    selected: await page.getAttribute('[data-testid=session-detail]', 'data-index'),
    sortState: await page.getAttribute('[role=columnheader][data-column=duration]', 'aria-sort'),
  };
}

async function assertView(page, needle, view, label) {
  assert.equal(
    await eventually(() => page.inputValue('[data-testid=filter-user]'), needle),
    needle,
    `${label}: user filter`,
  );
  assert.equal(await page.isChecked('[data-testid=filter-hide-system]'), true, `${label}: hide system`);
  assert.equal(
    await eventually(() => visibleCount(page), view.visible),
    view.visible,
    `${label}: visible sessions`,
  );
  assert.equal(
    await page.getAttribute('[role=columnheader][data-column=duration]', 'aria-sort'),
    view.sortState,
    `${label}: sort`,
  );
  await page.waitForSelector('[data-testid=session-detail]', { state: 'visible' });
  assert.equal(
    await page.getAttribute('[data-testid=session-detail]', 'data-index'),
    view.selected,
    `${label}: selected session`,
  );
  assert.equal(
    await page.getAttribute('[data-testid=zone-local]', 'aria-pressed'),
    'true',
    `${label}: local time`,
  );
}

test('a report link reproduces the report and the view in a fresh browser', { timeout: 240_000 }, async () => {
  const files = [sample('security-workstation.evtx'), sample('interactive-logon-and-failure.evtx')];
  let link;
  let original;
  let view;
  let needle;
  await app.withPage(async (page) => {
    await loadFiles(page, files);
    assert.equal(await waitDone(page), 'done');
    original = await exportJson(page);
    const report = JSON.parse(original);
    // A domain or local account of a person (S-1-5-21-...): not hidden as a system account.
    const person = report.sessions.find(
      (s) => s.user && s.user_sid?.startsWith('S-1-5-21-') && !s.user.endsWith('$'),
    );
    assert.ok(person, 'a person logs on in these samples');
    needle = person.user;
    view = await buildView(page, needle);
    await page.click('[data-testid=tab-failures]');
    link = await shareField(page, 'share-url');
    assert.ok(link.startsWith(app.origin + '/#report=1:'), `a report link: ${link.slice(0, 80)}`);
    const size = await page.textContent('[data-testid=share-size]');
    assert.match(size, /characters/, 'the panel says how long the link is');
  });

  // A fresh context: nothing shared with the first but the link.
  await app.withPage(
    async (page) => {
      await page.goto(link, { waitUntil: 'load' });
      assert.equal(await waitDone(page), 'done', 'the shared report opens');
      const banner = await page.textContent('[data-testid=shared-banner]');
      for (const file of files) {
        assert.ok(banner.includes(path.basename(file)), `the banner names ${path.basename(file)}`);
      }
      assert.equal(
        await page.getAttribute('[data-testid=tab-failures]', 'aria-selected'),
        'true',
        'the failures tab is active',
      );
      assertSameJson(await exportJson(page), original, 'report link round trip');
      await page.click('[data-testid=tab-sessions]');
      await assertView(page, needle, view, 'report link');
      // Every view works on a shared report; raw records say why they are missing.
      for (const tab of ['timeline', 'failures', 'coverage', 'sessions']) {
        await page.click(`[data-testid=tab-${tab}]`);
      }
      await page.click('[data-testid=raw-load]');
      const message = await page.textContent('[data-testid=raw-message]');
      assert.match(message, /shared report holds no raw records/);
      // Loading files replaces the shared report and takes the link out of the address bar.
      await loadFiles(page, [demoPath]);
      assert.equal(await waitDone(page), 'done');
      assert.equal(await page.locator('[data-testid=shared-banner]').count(), 0, 'banner gone');
      assert.equal(new URL(page.url()).hash, '', 'the report link left the address bar');
    },
    { timezoneId: 'Europe/Berlin' },
  );
});

test('a view link waits for its files, then restores filters and selection', { timeout: 240_000 }, async () => {
  let link;
  let view;
  const needle = 'a';
  await app.withPage(async (page) => {
    await loadFiles(page, [demoPath]);
    assert.equal(await waitDone(page), 'done');
    view = await buildView(page, needle);
    link = await shareField(page, 'share-view-url');
    assert.ok(link.startsWith(app.origin + '/#view=1:'), `a view link: ${link}`);
    assert.ok(link.length < 1000, `a view link is short (${link.length})`);
  });
  await app.withPage(async (page) => {
    await page.goto(link, { waitUntil: 'load' });
    const waiting = await page.textContent('[data-testid=view-pending]');
    assert.ok(waiting.includes('demo.evtx'), `names the files it needs: ${waiting}`);
    assert.equal(await page.getAttribute('[data-testid=status]', 'data-state'), 'idle');
    await loadFiles(page, [demoPath]);
    assert.equal(await waitDone(page), 'done');
    await assertView(page, needle, view, 'view link');
    assert.equal(await page.locator('[data-testid=view-pending]').count(), 0, 'no longer waiting');
  });
});

/** `data` as a link part: zlib, then URL-safe base64 without padding. */
function part(data) {
  return zlib.deflateSync(data).toString('base64url');
}

test('damaged, truncated, oversized and wrong-version links say so and change nothing', { timeout: 240_000 }, async () => {
  let good;
  await app.withPage(async (page) => {
    await loadFiles(page, [demoPath]);
    assert.equal(await waitDone(page), 'done');
    good = await shareField(page, 'share-url');
  });
  const fragment = good.slice(good.indexOf('#'));
  const viewPart = fragment.slice(fragment.lastIndexOf('.') + 1);
  const bomb = part(Buffer.alloc(40 << 20)); // 40 MiB of zeros: beyond the 32 MiB bound
  const cases = [
    ['unknown version', fragment.replace('#report=1:', '#report=7:'), /version 7.*reads version 1/s],
    ['view link of an unknown version', '#view=42:AAAA', /view link.*version 42/s],
    ['truncated', fragment.slice(0, Math.floor(fragment.length / 2)), /cut short/],
    ['truncated by one character', fragment.slice(0, -1), /cut short|damaged/],
    ['not base64', '#report=1:%%%%.%%%%', /damaged/],
    ['no version', '#report=abc', /damaged/],
    ['not a report', `#report=1:${part(Buffer.from('hello, world'))}.${viewPart}`, /damaged/],
    ['oversized', `#report=1:${bomb}.${viewPart}`, /more than 32 MB/],
  ];
  for (const [label, bad, words] of cases) {
    await app.withPage(async (page) => {
      await page.goto(app.origin + '/' + bad, { waitUntil: 'load' });
      const error = page.locator('[data-testid=link-error]');
      await error.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await error.textContent(), words, label);
      assert.equal(await page.getAttribute('[data-testid=status]', 'data-state'), 'idle', `${label}: idle`);
      assert.equal(await page.locator('[data-testid=session-count]').count(), 0, `${label}: no report`);
      // The page still works.
      await loadFiles(page, [demoPath]);
      assert.equal(await waitDone(page), 'done', `${label}: a log still loads`);
      assert.equal(await page.locator('[data-testid=link-error]').count(), 0, `${label}: message gone`);
    });
  }
});

test('a report file, and the CLI report JSON, open when dropped like a log', { timeout: 240_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logonscope-share-'));
  let original;
  let reportFile;
  let view;
  const needle = 'a';
  await app.withPage(async (page) => {
    await loadFiles(page, [demoPath]);
    assert.equal(await waitDone(page), 'done');
    original = await exportJson(page);
    view = await buildView(page, needle);
    await page.click('[data-testid=share]');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=share-file]'),
    ]);
    assert.equal(download.suggestedFilename(), 'demo.logonscope.json');
    reportFile = path.join(dir, download.suggestedFilename());
    await download.saveAs(reportFile);
  });
  await app.withPage(async (page) => {
    await loadFiles(page, [reportFile]);
    assert.equal(await waitDone(page), 'done', 'the report file opens');
    assert.match(await page.textContent('[data-testid=shared-banner]'), /report file demo\.logonscope\.json/);
    assertSameJson(await exportJson(page), original, 'report file round trip');
    await assertView(page, needle, view, 'report file');
  });

  const cli = cliRun(['sessions', '--format', 'json', demoPath]);
  assert.equal(cli.code, 0);
  const cliFile = path.join(dir, 'cli-report.json');
  fs.writeFileSync(cliFile, cli.stdout);
  const notAReport = path.join(dir, 'notes.json');
  fs.writeFileSync(notAReport, '{"case": "2024-117", "analyst": "<b>me</b>"}');
  await app.withPage(async (page) => {
    await loadFiles(page, [cliFile]);
    assert.equal(await waitDone(page), 'done', 'the CLI JSON opens');
    assertSameJson(await exportJson(page), cli.stdout, 'CLI JSON round trip');
    await loadFiles(page, [notAReport]);
    assert.equal(await waitDone(page), 'error');
    const error = await page.textContent('[data-testid=file-error]');
    assert.match(error, /notes\.json/);
    assert.match(error, /not a logonscope report/);
  });
  fs.rmSync(dir, { recursive: true, force: true });
});
