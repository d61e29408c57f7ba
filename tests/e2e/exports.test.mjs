// The exports of the page, in headless Chromium: sessions and failures CSV (parsed back: one
// header row, one row per session or failure, byte-identical to the CLI's), NDJSON with ECS
// names (every line parsed), the printable HTML report (opened as a page) and the JSON; and a
// hostile log (HTML, formulas, control characters in its event data) that stays inert in the
// page, in the HTML report and in the CSV.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { App, assertSameJson, cliDemo, cliRun, exportJson, loadFiles, waitDone } from './harness.mjs';

let app;
let dir;
let demoPath;
let hostilePath;
before(async () => {
  app = await App.start();
  demoPath = cliDemo();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logonscope-exports-'));
  hostilePath = path.join(dir, 'hostile.evtx');
  const run = cliRun(['synth', '--hostile', '--out', hostilePath]);
  assert.equal(run.code, 0, `logonscope synth --hostile: ${run.stderr}`);
});
after(async () => {
  await app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A page that records every dialog (alert, confirm...): hostile data must never open one. */
function withPage(body) {
  return app.withPage(async (page) => {
    const dialogs = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await body(page);
    assert.deepEqual(dialogs, [], 'no dialog opened');
  });
}

/** Clicks export `testid` in the "More exports" menu; returns { name, text }. */
async function exportFrom(page, testid) {
  const menu = page.locator('[data-testid=export-menu]');
  if ((await menu.getAttribute('open')) === null) await menu.locator('summary').click();
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.click(`[data-testid=${testid}]`),
  ]);
  const file = path.join(dir, `${Date.now()}-${download.suggestedFilename()}`);
  await download.saveAs(file);
  return { name: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; rows end in CRLF or LF. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  assert.equal(quoted, false, 'CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function cli(format, file) {
  const run = cliRun(['sessions', '--format', format, file]);
  assert.equal(run.code, 0, `CLI --format ${format}: ${run.stderr}`);
  return run.stdout;
}

test('every export opens and has the rows of the report', { timeout: 180_000 }, async () => {
  const report = JSON.parse(cli('json', demoPath));
  await withPage(async (page) => {
    await loadFiles(page, [demoPath]);
    assert.equal(await waitDone(page), 'done');
    assertSameJson(await exportJson(page), cli('json', demoPath), 'JSON export');

    const sessions = await exportFrom(page, 'export-csv-sessions');
    assert.equal(sessions.name, 'demo-sessions.csv');
    assertSameJson(sessions.text, cli('csv', demoPath), 'sessions CSV');
    const sessionRows = parseCsv(sessions.text);
    assert.equal(sessionRows.length, report.sessions.length + 1, 'one header row, one row per session');
    const header = sessionRows[0];
    for (const column of ['computer', 'user', 'logon_type', 'start', 'end', 'source_ip', 'end_reason']) {
      assert.ok(header.includes(column), `sessions CSV has ${column}`);
    }
    assert.ok(sessionRows.every((r) => r.length === header.length), 'every row has every column');
    const start = header.indexOf('start');
    const first = report.sessions.findIndex((s) => s.start);
    assert.match(sessionRows[first + 1][start], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'UTC times');

    const failures = await exportFrom(page, 'export-csv-failures');
    assertSameJson(failures.text, cli('failures-csv', demoPath), 'failures CSV');
    const failureRows = parseCsv(failures.text);
    assert.equal(failureRows.length, report.failures.length + 1, 'one row per failure');
    assert.ok(failureRows[0].includes('reason'), 'failures CSV has the decoded reason');

    const ndjson = await exportFrom(page, 'export-ndjson');
    assert.equal(ndjson.name, 'demo.ndjson');
    assertSameJson(ndjson.text, cli('ndjson', demoPath), 'NDJSON');
    const lines = ndjson.text.split('\n').filter((line) => line !== '');
    assert.equal(lines.length, report.sessions.length + report.failures.length, 'a line per session and failure');
    const docs = lines.map((line) => JSON.parse(line));
    const logons = docs.filter((d) => d.event?.code === '4624');
    const failed = docs.filter((d) => d.event?.code === '4625');
    assert.equal(logons.length, report.sessions.length);
    assert.equal(failed.length, report.failures.length);
    for (const doc of docs) {
      assert.ok(doc['@timestamp'], 'every line has @timestamp');
      assert.ok(doc.host?.name, 'every line has host.name');
    }
    assert.ok(logons.some((d) => d.user?.name && d.winlog?.logon?.id), 'user.name and winlog.logon.id');
    assert.ok(failed.every((d) => d.event.outcome === 'failure'), 'failures are failures');

    const html = await exportFrom(page, 'export-html');
    assert.equal(html.name, 'demo-report.html');
    const viewer = await page.context().newPage();
    await viewer.setContent(html.text, { waitUntil: 'load' });
    assert.match(await viewer.title(), /demo\.evtx/);
    assert.equal(await viewer.locator('script').count(), 0, 'no script in the report');
    assert.ok((await viewer.locator('svg').count()) > 0, 'a timeline picture');
    assert.ok((await viewer.locator('table tr').count()) > report.sessions.length, 'the tables');
    await viewer.close();
  });
});

test('hostile event data stays inert in the page, the HTML report and the CSV', { timeout: 180_000 }, async () => {
  const report = JSON.parse(cli('json', hostilePath));
  const hostileUsers = report.sessions.map((s) => s.user).filter(Boolean);
  assert.ok(hostileUsers.some((u) => u.includes('<img')), 'the hostile log has HTML in a user name');
  await withPage(async (page) => {
    const scriptsBefore = await page.locator('script').count();
    await loadFiles(page, [hostilePath]);
    assert.equal(await waitDone(page), 'done');
    assertSameJson(await exportJson(page), cli('json', hostilePath), 'hostile JSON');
    // Every view, and the detail of every session.
    for (const tab of ['timeline', 'failures', 'coverage', 'sessions']) {
      await page.click(`[data-testid=tab-${tab}]`);
    }
    const rows = page.locator('[data-testid=session-row]');
    // (The table's rows come a task after its first frame: counted before, they were none.)
    await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
    const count = await rows.count();
    assert.equal(count, report.sessions.length, 'a row for every session');
    for (let i = 0; i < count; i++) {
      await rows.nth(i).click();
      await page.waitForSelector('[data-testid=session-detail]', { state: 'visible' });
    }
    const inert = await page.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
      scripts: document.querySelectorAll('script').length,
      text: document.body.innerText,
    }));
    assert.equal(inert.img, 0, 'no <img> from event data');
    assert.equal(inert.handlers, 0, 'no inline handlers from event data');
    assert.equal(inert.scripts, scriptsBefore, 'no <script> from event data');
    assert.ok(inert.text.includes('<img src=x onerror=alert(1)>'), 'the HTML shows as text');

    const html = await exportFrom(page, 'export-html');
    const viewer = await page.context().newPage();
    const dialogs = [];
    viewer.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await viewer.setContent(html.text, { waitUntil: 'load' });
    const inReport = await viewer.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('script').length,
      handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
      text: document.body.innerText,
    }));
    assert.deepEqual(dialogs, [], 'no dialog from the HTML report');
    assert.equal(inReport.img, 0, 'no <img> in the HTML report');
    assert.equal(inReport.scripts, 0, 'no <script> in the HTML report');
    assert.equal(inReport.handlers, 0, 'no handlers in the HTML report');
    assert.ok(inReport.text.includes('<img src=x onerror=alert(1)>'), 'the HTML report shows it as text');
    assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202e]/.test(html.text), 'no raw controls');
    await viewer.close();

    let csvTexts = '';
    for (const testid of ['export-csv-sessions', 'export-csv-failures']) {
      const csv = await exportFrom(page, testid);
      csvTexts += csv.text;
      const rows = parseCsv(csv.text);
      for (const row of rows) {
        for (const cell of row) {
          assert.ok(!/^[=+\-@\t\r]/.test(cell), `${testid}: a cell starts like a formula: ${cell}`);
          assert.ok(!/[\u0000-\u001f\u007f\u202e]/.test(cell), `${testid}: raw control in ${JSON.stringify(cell)}`);
        }
      }
    }
    assert.ok(csvTexts.includes("'=HYPERLINK("), 'the formula is neutralised, not dropped');
  });
});
