// The browser app as an analyst uses it, in headless Chromium: the idle page, damaged and
// foreign files, the built-in demo, the filters of the sessions table, the timeline, the
// failed-logons and audit-coverage views, and (printed, not asserted) how long the main thread
// is blocked while the demo loads. Expected values come from the native CLI's JSON of the same
// files, so the page is held to the same report.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  App,
  assertSameJson,
  cliDemo,
  cliJson,
  cliRun,
  countOf,
  eventually,
  exportJson,
  loadFiles,
  sample,
  sessionCount,
  waitDone,
} from './harness.mjs';

let app;
let demo; // { path, cli } of the demo log the CLI writes
before(async () => {
  app = await App.start();
  const demoPath = cliDemo();
  demo = { path: demoPath, cli: cliJson([demoPath]) };
  assert.equal(demo.cli.code, 0, 'the CLI reads its own demo log');
});
after(async () => {
  await app?.close();
});

async function clickDemo(page) {
  await page.click('[data-testid=demo]');
  assert.equal(await waitDone(page), 'done', 'status after the demo');
}

/** Writes a synthetic log with `logonscope synth` (`synth` are its options), runs `use` on its
 * path, then deletes it. */
async function withSynthLog(name, synth, use) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logonscope-synth-'));
  const log = path.join(dir, name);
  cliRun(['synth', '--out', log, ...synth]);
  try {
    await use(log);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `DOMAIN\user` as the user filter sees it. */
function account(s) {
  return ((s.domain ? s.domain + '\\' : '') + (s.user ?? '')).toLowerCase();
}

/** A user of people (domain or local account SID, not a machine account) in the report. */
function personUsers(report) {
  const counts = new Map();
  for (const s of report.sessions) {
    if (s.user && /^S-1-5-21-/i.test(s.user_sid ?? '') && !s.user.trim().endsWith('$')) {
      counts.set(s.user, (counts.get(s.user) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
}

const visibleCount = (page) => countOf(page, 'visible-count');

test('the page loads idle, with a file input, offline', async () => {
  await app.withPage(async (page) => {
    assert.equal(
      await page.locator('[data-testid=status]').getAttribute('data-state'),
      'idle',
      'status at load',
    );
    const input = page.locator('input[type=file]');
    assert.equal(await input.count(), 1, 'one input[type=file]');
    assert.equal(await input.evaluate((el) => el.multiple), true, 'the file input takes several files');
    assert.equal(await page.locator('[data-testid=demo]').count(), 1, 'a demo button');
    // Give late requests (fonts, workers, prefetches) a moment to show up in the record.
    await page.waitForTimeout(500);
    assert.ok(page.rec.requests.length > 0, 'the record saw the page load');
  });
});

test('damaged and foreign files are named; the sound file is read', { timeout: 180_000 }, async () => {
  const names = [
    'not-an-evtx.evtx',
    'truncated-header.evtx',
    'truncated-mid-chunk.evtx',
    'corrupt-chunk-magic.evtx',
    'security-workstation.evtx',
  ];
  const paths = names.map(sample);
  const cli = cliJson(paths);
  assert.equal(cli.code, 0);
  const withErrors = cli.json.files.filter((f) => f.errors.length > 0).map((f) => f.name);
  assert.ok(withErrors.length >= 4, `the CLI lists errors for the broken files: ${withErrors}`);
  await app.withPage(async (page) => {
    await loadFiles(page, paths);
    assert.equal(await waitDone(page), 'done', 'status');
    const shown = await page.locator('[data-testid=file-error]').allTextContents();
    for (const name of withErrors) {
      assert.ok(
        shown.some((text) => text.includes(name)),
        `[data-testid=file-error] names ${name}; shown: ${JSON.stringify(shown)}`,
      );
    }
    assert.ok(
      !shown.some((text) => text.includes('security-workstation.evtx')),
      `no file error for security-workstation.evtx; shown: ${JSON.stringify(shown)}`,
    );
    assert.equal(await sessionCount(page), cli.json.sessions.length, 'session-count');
  });
});

test('a drop of only a foreign file ends in the error state, naming it', async () => {
  await app.withPage(async (page) => {
    await loadFiles(page, [sample('not-an-evtx.evtx')]);
    assert.equal(await waitDone(page), 'error', 'status');
    const shown = await page.locator('[data-testid=file-error]').allTextContents();
    assert.ok(
      shown.some((text) => text.includes('not-an-evtx.evtx')),
      `[data-testid=file-error] names not-an-evtx.evtx; shown: ${JSON.stringify(shown)}`,
    );
  });
});

test('the demo gives the report the CLI gives for `logonscope demo`', { timeout: 180_000 }, async () => {
  await app.withPage(async (page) => {
    await clickDemo(page);
    assert.equal(await sessionCount(page), demo.cli.json.sessions.length, 'session-count');
    assert.deepEqual(
      demo.cli.json.files.map((f) => f.name),
      ['demo.evtx'],
      'the CLI names the demo file demo.evtx',
    );
    assertSameJson(await exportJson(page), demo.cli.stdout, 'demo');
  });
});

test('filters of the sessions table count as the CLI report says', { timeout: 180_000 }, async () => {
  const paths = [sample('security-workstation.evtx'), sample('security-with-failures.evtx')];
  const report = cliJson(paths).json;
  const total = report.sessions.length;
  await app.withPage(async (page) => {
    await loadFiles(page, paths);
    assert.equal(await waitDone(page), 'done');
    assert.equal(await sessionCount(page), total, 'session-count');
    assert.equal(await eventually(() => visibleCount(page), total), total, 'visible-count unfiltered');
    assert.ok((await page.locator('[data-testid=session-row]').count()) > 0, 'rows shown');

    // Hide system accounts.
    await page.check('[data-testid=filter-hide-system]');
    const withoutSystem = await eventually(async () => {
      const n = await visibleCount(page);
      return n < total;
    }, true);
    assert.equal(withoutSystem, true, 'hide-system lowers visible-count');
    const hidden = await visibleCount(page);
    assert.ok(hidden > 0, `hide-system keeps people's sessions (visible-count ${hidden})`);
    assert.equal(await sessionCount(page), total, 'session-count stays unfiltered');
    await page.uncheck('[data-testid=filter-hide-system]');
    assert.equal(await eventually(() => visibleCount(page), total), total, 'unchecked: all again');

    // User: the rarest person account of the report, case-insensitive substring.
    const users = personUsers(report);
    assert.ok(users.length > 0, 'the report has a person account');
    const needle = users[0][0].toUpperCase();
    const expectedUser = report.sessions.filter((s) =>
      account(s).includes(needle.toLowerCase()),
    ).length;
    await page.fill('[data-testid=filter-user]', needle);
    assert.equal(
      await eventually(() => visibleCount(page), expectedUser),
      expectedUser,
      `filter-user ${JSON.stringify(needle)}`,
    );
    const rows = await page.locator('[data-testid=session-row]').count();
    assert.ok(rows > 0 && rows <= expectedUser, `rows shown for the user filter: ${rows}`);
    await page.fill('[data-testid=filter-user]', '');
    assert.equal(await eventually(() => visibleCount(page), total), total, 'user filter emptied');

    // Computer: a part of one computer name.
    const computer = report.sessions[report.sessions.length - 1].computer;
    const part = computer.slice(0, Math.max(3, Math.floor(computer.length / 2))).toLowerCase();
    const expectedComputer = report.sessions.filter((s) =>
      s.computer.toLowerCase().includes(part),
    ).length;
    await page.fill('[data-testid=filter-computer]', part);
    assert.equal(
      await eventually(() => visibleCount(page), expectedComputer),
      expectedComputer,
      `filter-computer ${JSON.stringify(part)}`,
    );
    await page.fill('[data-testid=filter-computer]', '');

    // Source: an address that some session came from (source IP or workstation).
    const withIp = report.sessions.find((s) => s.source_ip && s.source_ip.length > 2);
    if (withIp) {
      const ip = withIp.source_ip.toLowerCase();
      const expectedSource = report.sessions.filter((s) =>
        [s.source_ip, s.workstation].some((v) => v && v.toLowerCase().includes(ip)),
      ).length;
      await page.fill('[data-testid=filter-source]', ip);
      assert.equal(
        await eventually(() => visibleCount(page), expectedSource),
        expectedSource,
        `filter-source ${JSON.stringify(ip)}`,
      );
      await page.fill('[data-testid=filter-source]', '');
    }
    assert.equal(await eventually(() => visibleCount(page), total), total, 'text filters emptied');

    // Logon type: every option the select offers, against the CLI's count for that type.
    const values = await page
      .locator('[data-testid=filter-logon-type] option')
      .evaluateAll((options) => options.map((o) => o.value));
    assert.ok(values.includes(''), `filter-logon-type has an "all" option: ${values}`);
    const typed = values.filter((v) => v !== '');
    assert.ok(typed.includes('2'), `filter-logon-type offers type 2: ${values}`);
    for (const value of typed) {
      const expectedType = report.sessions.filter((s) => s.logon_type === Number(value)).length;
      await page.selectOption('[data-testid=filter-logon-type]', value);
      assert.equal(
        await eventually(() => visibleCount(page), expectedType),
        expectedType,
        `filter-logon-type ${value}`,
      );
    }

    // End reason: options whose value is an end_reason of the report format.
    const reasons = await page
      .locator('[data-testid=filter-end-reason] option')
      .evaluateAll((options) => options.map((o) => o.value));
    const known = new Set(report.sessions.map((s) => s.end_reason));
    await page.selectOption('[data-testid=filter-logon-type]', '');
    for (const value of reasons.filter((v) => known.has(v))) {
      const expectedReason = report.sessions.filter((s) => s.end_reason === value).length;
      await page.selectOption('[data-testid=filter-end-reason]', value);
      assert.equal(
        await eventually(() => visibleCount(page), expectedReason),
        expectedReason,
        `filter-end-reason ${value}`,
      );
    }

    // Clear restores everything, fields included.
    await page.selectOption('[data-testid=filter-logon-type]', typed[0]);
    await page.check('[data-testid=filter-hide-system]');
    await page.fill('[data-testid=filter-user]', needle);
    await page.click('[data-testid=filter-clear]');
    assert.equal(await eventually(() => visibleCount(page), total), total, 'filter-clear');
    assert.equal(await page.inputValue('[data-testid=filter-user]'), '', 'filter-user cleared');
    assert.equal(await page.isChecked('[data-testid=filter-hide-system]'), false, 'hide-system cleared');
    assert.equal(await page.inputValue('[data-testid=filter-logon-type]'), '', 'logon type cleared');

    // A row opens the detail panel, which closes again.
    await page.locator('[data-testid=session-row]').first().click();
    await page.waitForSelector('[data-testid=session-detail]', { state: 'visible', timeout: 10_000 });
    await page.click('[data-testid=detail-close]');
    await page.waitForSelector('[data-testid=session-detail]', { state: 'hidden', timeout: 10_000 });
  });
});

/**
 * Run in the page: pans the timeline twice and, straight after (while the view still moves),
 * compares its canvases with where the elements of the bars and reboot markers (taken out of
 * the page, and left where they were placed, while it moves) would be moved by the transform
 * the group's `data-transform` says.
 */
async function paintedWhileMoving() {
  const plot = document.querySelector('.timeline-plot');
  const box = plot.getBoundingClientRect();
  // Checked straight after the moves: a move takes effect at the next frame, then the
  // page's effects run (and the view rests only 150 ms after its last move).
  const effects = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  // A move just before (the Fit button clicked) takes effect at the next frame too: the view
  // is read after it. (Read before it, a view panned as far from the one fitted as these
  // moves pan it from there looked unmoved.)
  await effects();
  const range = document.querySelector('[data-testid=timeline-range]').textContent;
  for (const deltaX of [40, 40]) {
    plot.dispatchEvent(new WheelEvent('wheel', { deltaX, clientX: box.left + box.width / 2, clientY: box.top + 20, bubbles: true, cancelable: true }));
    await effects();
  }
  const canvas = document.querySelector('.timeline-plot-canvas');
  const axisCanvas = document.querySelector('.timeline-axis-canvas');
  const group = document.querySelector('.timeline-bars');
  // Taken out by their boxes' `content-visibility` (kept laid out, but skipped).
  const hidden = (g) => getComputedStyle(g.closest('.timeline-marks')).contentVisibility === 'hidden';
  const barsHidden = hidden(group);
  const markerGroups = [...document.querySelectorAll('.timeline-reboots, .timeline-flags')];
  const markersHidden = markerGroups.every(hidden);
  // matrix(scale 0 0 1 shift 0): x in the view = scale * x where placed + shift, from the
  // left of the element's SVG.
  const transform = group.getAttribute('data-transform');
  const [scale, , , , shift] = (transform?.match(/-?[\d.]+/g) ?? [1, 0, 0, 1, 0, 0]).map(Number);
  const moved = (element) => {
    const r = element.getBoundingClientRect();
    const left = element.ownerSVGElement.getBoundingClientRect().left;
    const x = left + scale * (r.left - left) + shift;
    const width = scale * r.width;
    return { left: x, right: x + width, width, top: r.top, bottom: r.bottom, height: r.height };
  };
  const reader = (canvas) => {
    const canvasBox = canvas.getBoundingClientRect();
    const ratio = canvas.width / canvasBox.width;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    return (x, y) => {
      const at = (Math.round((y - canvasBox.top) * ratio) * canvas.width + Math.round((x - canvasBox.left) * ratio)) * 4;
      return [...pixels.slice(at, at + 4)];
    };
  };
  const pixel = reader(canvas);
  const axisPixel = reader(axisCanvas);
  // Where the elements are: put back for the measurement, within this task (no frame is
  // drawn meanwhile), then taken out again at the end.
  const boxes = [...document.querySelectorAll('.timeline-marks')];
  const hiddenBy = boxes.map((b) => b.style.contentVisibility);
  for (const b of boxes) b.style.contentVisibility = '';
  const rects = [...document.querySelectorAll('[data-testid=timeline-bar]')].map((bar) => ({
    bar,
    r: moved(bar),
  }));
  const inView = (r) => r.right > box.left + 2 && r.left < box.right - 2;
  const lines = [...document.querySelectorAll('line.timeline-reboot')].map(moved).filter(inView);
  // The flags are paths (one per label and stretch of the axis), each flag `Mx1,yLx2,yLx3,y3Z`
  // in their SVG's coordinates.
  const segments = (selector, pattern) =>
    [...document.querySelectorAll(selector)].flatMap((path) => {
      const svg = path.ownerSVGElement.getBoundingClientRect();
      return [...(path.getAttribute('d') ?? '').matchAll(pattern)].map((m) => ({ svg, at: m.slice(1).map(Number) }));
    });
  const number = String.raw`(-?[\d.]+)`;
  // (A flag keeps its width: it is drawn anew at its time, not stretched.)
  const flags = segments('path.timeline-flag', new RegExp(`M${number},${number}L${number},${number}L${number},${number}Z`, 'g'))
    .map(({ svg, at: [x1, y1, x2, , , y3] }) => {
      const middle = svg.left + scale * ((x1 + x2) / 2) + shift;
      const half = (x2 - x1) / 2;
      return { left: middle - half, right: middle + half, top: svg.top + y1, bottom: svg.top + y3, height: y3 - y1 };
    })
    .filter(inView);
  const flagsPainted = flags.filter((r) => axisPixel((r.left + r.right) / 2, r.top + r.height / 3)[3] > 200).length;
  const covered = (x, y, margin) =>
    rects.filter(({ r }) => r.left - margin <= x && x <= r.right + margin && r.top - margin <= y && y <= r.bottom + margin);
  // Each reboot in view whose line has room with no bar beside it (not where bars fill its
  // lane): its dashed line (4 px drawn, 3 px not) is painted there along its middle and not
  // 4 px beside it. (Its flag, on the axis, is checked at its middle above.)
  const linesChecked = [];
  for (const r of lines) {
    const x = (r.left + r.right) / 2;
    const free = [];
    for (let y = Math.max(r.top, box.top) + 1; y < Math.min(r.bottom, box.bottom) - 1; y += 1) {
      const barNear = rects.some(({ r }) => r.left - 1 <= x + 5 && x - 5 <= r.right + 1 && r.top - 1 <= y && y <= r.bottom + 1);
      if (!barNear) free.push(y);
    }
    if (free.length < 7) continue;
    const share = (at) => free.filter((y) => pixel(at, y)[3] > 0).length / free.length;
    // (Beside it only where no other reboot's line is.)
    const alone = !lines.some((o) => o !== r && Math.abs((o.left + o.right) / 2 - x) < 9);
    linesChecked.push(share(x) >= 0.3 && (!alone || (share(x - 4) === 0 && share(x + 4) === 0)));
  }
  // At the middle of each bar's part in view the canvas is opaque, in the bar's colour
  // where no other bar is there too.
  const checked = [];
  for (const { bar, r } of rects) {
    const [left, right] = [Math.max(r.left, box.left), Math.min(r.right, box.right)];
    if (right - left < 4) continue;
    const [x, y] = [(left + right) / 2, r.top + r.height / 2];
    const [red, green, blue, alpha] = pixel(x, y);
    const alone = covered(x, y, 0).length === 1;
    const fill = getComputedStyle(bar).fill.match(/\d+/g).slice(0, 3).map(Number);
    const near = Math.max(Math.abs(red - fill[0]), Math.abs(green - fill[1]), Math.abs(blue - fill[2])) <= 8;
    checked.push({ opaque: alpha > 200, colour: alone ? near : null });
  }
  // Where no bar or marker is near, the canvas is clear.
  let clear = 0;
  let painted = 0;
  const nearLine = (x, y) => lines.some((r) => Math.abs(x - (r.left + r.right) / 2) < 3 && r.top - 1 <= y && y <= r.bottom + 1);
  for (let x = box.left + 3; x < box.right - 3; x += 17) {
    for (let y = box.top + 3; y < box.bottom - 3; y += 5) {
      if (covered(x, y, 3).length > 0 || nearLine(x, y)) continue;
      if (pixel(x, y)[3] === 0) clear += 1;
      else painted += 1;
    }
  }
  const bars = document.querySelectorAll('[data-testid=timeline-bar]').length;
  boxes.forEach((b, at) => (b.style.contentVisibility = hiddenBy[at]));
  return {
    bars,
    canvasShown: getComputedStyle(canvas).display !== 'none' && getComputedStyle(axisCanvas).display !== 'none',
    barsHidden,
    markersHidden,
    transformed: transform != null,
    moved: range !== document.querySelector('[data-testid=timeline-range]').textContent,
    lines: lines.length,
    linesChecked: linesChecked.length,
    linesPainted: linesChecked.filter(Boolean).length,
    flags: flags.length,
    flagsPainted,
    checked,
    clear,
    painted,
  };
}

test('the timeline draws one bar per visible session', { timeout: 180_000 }, async () => {
  const report = demo.cli.json;
  await app.withPage(async (page) => {
    await clickDemo(page);
    const all = await visibleCount(page);
    assert.equal(all, report.sessions.length, 'visible-count of the demo');

    async function timelineMatches(expected, label) {
      await page.click('[data-testid=tab-timeline]');
      const timeline = page.locator('[data-testid=timeline]');
      await timeline.waitFor({ state: 'visible', timeout: 20_000 });
      const bars = await eventually(
        async () => [
          Number(await timeline.getAttribute('data-bar-count')),
          await page.locator('[data-testid=timeline-bar]').count(),
        ],
        [expected, expected],
      );
      assert.deepEqual(bars, [expected, expected], `${label}: [data-bar-count, bars] = visible-count`);
      assert.equal(await page.locator('[data-testid=timeline-fit]').count(), 1, 'a fit button');
    }

    await timelineMatches(all, 'unfiltered');

    // Filter on the sessions tab, then the timeline shows just those.
    await page.click('[data-testid=tab-sessions]');
    const users = personUsers(report);
    assert.ok(users.length > 0, 'the demo has a person account');
    const needle = users[0][0];
    const expected = report.sessions.filter((s) => account(s).includes(needle.toLowerCase())).length;
    await page.fill('[data-testid=filter-user]', needle);
    assert.equal(await eventually(() => visibleCount(page), expected), expected, `filter-user ${needle}`);
    assert.ok(expected < all, 'the filter hides some sessions');
    await timelineMatches(expected, `filter-user ${needle}`);

    await page.click('[data-testid=timeline-fit]');
    // While the view moves, the bars and the reboot markers are painted on canvases where
    // their elements (taken out of the page), moved by the same transform, would be; once it
    // rests, the elements are back.
    const moving = await page.evaluate(paintedWhileMoving);
    assert.ok(
      moving.moved && moving.transformed && moving.canvasShown && moving.barsHidden && moving.markersHidden,
      `moving: ${JSON.stringify(moving)}`,
    );
    assert.ok(moving.checked.length >= 10, `bars checked on the canvas: ${moving.checked.length} of ${moving.bars}`);
    assert.ok(moving.checked.every((c) => c.opaque), 'the canvas paints every bar in view where it is');
    const alone = moving.checked.filter((c) => c.colour !== null);
    assert.ok(alone.length >= 5 && alone.every((c) => c.colour), `in its colour: ${JSON.stringify(alone)}`);
    assert.ok(moving.clear > 50 && moving.painted === 0, `and nothing where no bar is: ${moving.clear} clear, ${moving.painted} painted`);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.timeline-canvas')].every((c) => getComputedStyle(c).display === 'none') &&
        [...document.querySelectorAll('.timeline-marks')].every((b) => getComputedStyle(b).contentVisibility === 'visible'),
    );
    await page.click('[data-testid=timeline-fit]');
    // Click the widest bar: the one a person would click.
    const bars = page.locator('[data-testid=timeline-bar]');
    const widths = await bars.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width));
    const widest = widths.indexOf(Math.max(...widths));
    await bars.nth(widest).click();
    await page.waitForSelector('[data-testid=session-detail]', { state: 'visible', timeout: 10_000 });
  });
});

test('while the timeline moves, its canvases paint the reboots where their markers are', { timeout: 180_000 }, async () => {
  // A synthetic log with reboots (the demo has none), on two computers.
  const options = ['--sessions', '1500', '--computers', '2', '--seed', '7'];
  await withSynthLog('reboots.evtx', options, async (log) => {
    await app.withPage(async (page) => {
      await loadFiles(page, [log]);
      assert.equal(await waitDone(page), 'done');
      await page.click('[data-testid=tab-timeline]');
      await page.waitForSelector('[data-testid=timeline-bar]');
      for (const lanes of ['computer', 'user']) {
        await page.selectOption('[data-testid=timeline-lanes]', lanes);
        await page.click('[data-testid=timeline-fit]');
        await page.waitForFunction(() => document.querySelectorAll('line.timeline-reboot').length > 0);
        const moving = await page.evaluate(paintedWhileMoving);
        const label = `lanes by ${lanes}: ${JSON.stringify({ ...moving, checked: moving.checked.length })}`;
        assert.ok(moving.moved && moving.transformed && moving.canvasShown && moving.barsHidden && moving.markersHidden, label);
        assert.ok(moving.flags > 0 && moving.lines > 0, `reboots in view, ${label}`);
        assert.equal(moving.flagsPainted, moving.flags, `the axis canvas paints every reboot flag in view, ${label}`);
        assert.ok(lanes === 'computer' || moving.linesChecked > 0, `reboot lines with room beside them, ${label}`);
        assert.equal(moving.linesPainted, moving.linesChecked, `the plot canvas paints every reboot line in view, ${label}`);
        assert.ok(moving.checked.every((c) => c.opaque), `and every bar, ${label}`);
        assert.ok(moving.clear > 50 && moving.painted === 0, `and nothing elsewhere, ${label}`);
        await page.waitForFunction(() =>
          [...document.querySelectorAll('.timeline-marks')].every((b) => getComputedStyle(b).contentVisibility === 'visible'),
        );
        // At rest, pointing at a flag gives the reboots under it as its tooltip.
        const flag = await page.evaluate(() => {
          const axis = document.querySelector('[data-testid=timeline-axis]').getBoundingClientRect();
          for (const path of document.querySelectorAll('path.timeline-flag')) {
            const svg = path.ownerSVGElement.getBoundingClientRect();
            for (const m of (path.getAttribute('d') ?? '').matchAll(/M(-?[\d.]+),(-?[\d.]+)L(-?[\d.]+)/g)) {
              const x = svg.left + (Number(m[1]) + Number(m[3])) / 2;
              if (x > axis.left + 10 && x < axis.right - 10) return { x, y: svg.top + Number(m[2]) + 2, label: path.getAttribute('class') };
            }
          }
          return null;
        });
        assert.ok(flag, `a flag in view, lanes by ${lanes}`);
        await page.mouse.move(flag.x, flag.y);
        const tip = await page.evaluate(({ x, y }) => {
          const under = document.elementFromPoint(x, y);
          return { cls: under?.getAttribute('class'), title: under?.querySelector('title')?.textContent ?? '' };
        }, flag);
        assert.equal(tip.cls, flag.label, `the flag is what the pointer is on, lanes by ${lanes}`);
        assert.match(tip.title, /^(Startup|Shutdown) of \S+ at \d{4}-\d\d-\d\d/, `its tooltip, lanes by ${lanes}`);
        const own = flag.label.includes('startup') ? 'Startup' : 'Shutdown';
        assert.ok(tip.title.split('\n').some((line) => line.startsWith(own)), `names its own label: ${tip.title}`);
      }
    });
  });
});

test('raw records are read back from the right file, as XML and JSON', { timeout: 180_000 }, async () => {
  // Two files: the session picked is in the second, so the page must find the right file and
  // chunk for each record id.
  const files = [sample('security-workstation.evtx'), sample('interactive-logon-and-failure.evtx')];
  const report = cliJson(files).json;
  const second = cliJson([files[1]]).json;
  const computer = second.sessions[0].computer;
  const index = report.sessions.findIndex((s) => s.computer === computer && s.record_ids.length > 0);
  assert.ok(index >= 0, 'a session of the second file with records');
  const wanted = report.sessions[index].record_ids;
  await app.withPage(async (page) => {
    await loadFiles(page, files);
    assert.equal(await waitDone(page), 'done');
    await page.fill('[data-testid=filter-computer]', computer);
    const row = page.locator(`[data-testid=session-row][data-index="${index}"]`);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
    await page.waitForSelector('[data-testid=session-detail]', { state: 'visible' });
    await page.click('[data-testid=raw-load]');
    const records = page.locator('[data-testid=raw-record]');
    assert.equal(await eventually(() => records.count(), wanted.length, 30_000), wanted.length);
    const ids = await records.evaluateAll((els) => els.map((el) => Number(el.dataset.recordId)));
    assert.deepEqual(ids, [...wanted].sort((a, b) => a - b), 'one record per record id');
    const xml = await records.allTextContents();
    for (const [i, text] of xml.entries()) {
      assert.match(text, new RegExp(`<EventRecordID>${ids[i]}</EventRecordID>`), 'XML of the record');
      assert.ok(text.includes(computer), 'the record names the computer');
    }
    await page.click('[data-testid=raw-format-json]');
    const json = JSON.parse(await records.first().textContent());
    assert.equal(Number(json.Event.System.EventRecordID), ids[0], 'JSON of the record');
  });
});

test('files dropped on the page are loaded like picked ones', { timeout: 180_000 }, async () => {
  const file = sample('security-with-failures.evtx');
  const cli = cliJson([file]);
  await app.withPage(async (page) => {
    const bytes = fs.readFileSync(file).toString('base64');
    // A real drop: a DataTransfer holding the file, dispatched on the page's content.
    const dataTransfer = await page.evaluateHandle(
      ({ name, base64 }) => {
        const raw = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([raw], name));
        return transfer;
      },
      { name: 'security-with-failures.evtx', base64: bytes },
    );
    await page.dispatchEvent('.welcome', 'dragover', { dataTransfer });
    await page.dispatchEvent('.welcome', 'drop', { dataTransfer });
    assert.equal(await waitDone(page), 'done');
    assert.equal(await sessionCount(page), cli.json.sessions.length);
    assertSameJson(await exportJson(page), cli.stdout, 'export after a drop');
  });
});

test('cancel stops loading and the page stays usable', { timeout: 180_000 }, async () => {
  // Big enough to still be reading when Cancel is pressed: about 150 MB, which takes this
  // page well over a second. (At 50 MB, on a busy machine, the load once ended between the
  // click's check that the button was there and the click itself.)
  const options = ['--sessions', '45000', '--computers', '2', '--seed', '3'];
  await withSynthLog('big.evtx', options, async (big) => {
    await app.withPage(async (page) => {
      await loadFiles(page, [big]);
      await page.waitForSelector('[data-testid=status][data-state=working]');
      await page.click('[data-testid=cancel]');
      await page.waitForSelector('[data-testid=status][data-state=idle]', { timeout: 10_000 });
      assert.equal(await page.locator('[data-testid=cancel]').count(), 0, 'no cancel once stopped');
      // The workers were replaced: the next load works.
      await clickDemo(page);
      assert.equal(await sessionCount(page), demo.cli.json.sessions.length);
    });
  });
});

test('the sessions table sorts, moves by keyboard, and shows local time on request', { timeout: 180_000 }, async () => {
  const report = demo.cli.json;
  await app.withPage(
    async (page) => {
      await clickDemo(page);
      const firstIndex = async () =>
        Number(await page.locator('[data-testid=session-row]').first().getAttribute('data-index'));
      // Default order: by start, ascending; a click on Start turns it to descending.
      const latest = report.sessions.map((s) => s.start ?? '').reduce((a, b) => (b > a ? b : a));
      const firstStart = async () => report.sessions[await firstIndex()].start;
      assert.notEqual(await firstStart(), latest, 'not sorted by latest start yet');
      await page.click('[data-testid=sort-start]');
      assert.equal(await eventually(firstStart, latest), latest, 'the latest session comes first');

      // After a load the page makes every column's order between frames, and says when it is
      // done; a sort by duration then reads the order made ahead (ties in report order).
      await page.waitForSelector('[data-testid=load-stats][data-orders-millis]', { timeout: 30_000 });
      const durations = report.sessions.map((s, i) => [s.duration_seconds, i]).filter(([d]) => d != null);
      const shortest = durations.reduce((a, b) => (b[0] < a[0] ? b : a))[1];
      const longest = durations.reduce((a, b) => (b[0] > a[0] ? b : a))[1];
      await page.click('[data-testid=sort-duration]');
      assert.equal(await eventually(firstIndex, shortest), shortest, 'the shortest session comes first');
      await page.click('[data-testid=sort-duration]');
      assert.equal(await eventually(firstIndex, longest), longest, 'then the longest');
      await page.click('[data-testid=sort-start]');
      await page.click('[data-testid=sort-start]');
      assert.equal(await eventually(firstStart, latest), latest, 'by latest start again');

      // Keyboard: the table takes focus; ArrowDown selects the next row, Escape closes.
      const rows = page.locator('[data-testid=session-row]');
      await rows.first().click();
      await page.waitForSelector('[data-testid=session-detail]', { state: 'visible' });
      const second = Number(await rows.nth(1).getAttribute('data-index'));
      await page.focus('[data-testid=sessions-table]');
      await page.keyboard.press('ArrowDown');
      await page.waitForSelector(`[data-testid=session-row][data-index="${second}"][aria-selected=true]`);
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid=session-detail]', { state: 'hidden' });

      // UTC by default; Local time follows the browser's zone (Berlin here: +01:00 or +02:00).
      const startCell = page.locator('[data-testid=session-row] [data-column=start]').first();
      assert.match(await startCell.textContent(), /Z$/);
      await page.click('[data-testid=zone-local]');
      await eventually(async () => /\+0[12]:00$/.test(await startCell.textContent()), true);
      await page.click('[data-testid=zone-utc]');
      await eventually(async () => /Z$/.test(await startCell.textContent()), true);
    },
    { timezoneId: 'Europe/Berlin' },
  );
});

test('the sessions table shows the right sessions wherever it is scrolled', { timeout: 180_000 }, async () => {
  const report = demo.cli.json;
  const total = report.sessions.length;
  await app.withPage(async (page) => {
    await clickDemo(page);
    // The rows' elements, in page order: their place among all rows, session and cells.
    const drawn = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('[data-testid=session-row]')].map((row) => ({
          rowIndex: Number(row.getAttribute('aria-rowindex')),
          index: Number(row.getAttribute('data-index')),
          computer: row.querySelector('[data-column=computer]').textContent,
          admin: row.querySelector('[data-column=admin]').textContent,
          selected: row.getAttribute('aria-selected'),
          top: row.getBoundingClientRect().top,
        })),
      );
    const nextFrame = () =>
      page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
    // The canvas paints every frame; the rows' elements are hidden while the table scrolls
    // and drawn anew when it pauses.
    const settled = () => page.waitForSelector('.sessions-rows:not(.sessions-stale) [data-testid=session-row]');
    const scrollTo = async (fraction) => {
      await page.evaluate((fraction) => {
        const table = document.querySelector('[data-testid=sessions-table]');
        table.scrollTop = fraction * (table.scrollHeight - table.clientHeight);
      }, fraction);
      await nextFrame();
      await nextFrame();
    };
    // The canvas's pixels, and the colour of one of them (page coordinates).
    const canvasPixels = () =>
      page.evaluate(() => {
        const canvas = document.querySelector('.sessions-canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let hash = 0;
        for (let i = 0; i < data.length; i += 4) hash = (hash * 31 + data[i] + data[i + 1] * 7 + data[i + 2] * 13) | 0;
        return hash;
      });
    const pixelAt = (x, y) =>
      page.evaluate(
        ({ x, y }) => {
          const canvas = document.querySelector('.sessions-canvas');
          const box = canvas.getBoundingClientRect();
          const ratio = canvas.width / box.width;
          const [r, g, b] = canvas
            .getContext('2d')
            .getImageData(Math.round((x - box.left) * ratio), Math.round((y - box.top) * ratio), 1, 1).data;
          return [r, g, b];
        },
        { x, y },
      );
    const accent = await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.style.color = 'var(--accent)';
      document.body.appendChild(probe);
      const colour = getComputedStyle(probe).color.match(/\d+/g).slice(0, 3).map(Number);
      probe.remove();
      return colour;
    });
    // Default order: by start, ascending, sessions without a start (orphans) last.
    const starts = report.sessions.map((s) => (s.start ? Date.parse(s.start) : Infinity));
    let previous = 0;
    for (const fraction of [0, 0.5, 0.37, 1, 0.999, 0]) {
      const before = await canvasPixels();
      await scrollTo(fraction);
      if (Math.abs(fraction - previous) > 0.01) {
        assert.notEqual(await canvasPixels(), before, `the canvas follows the scroll to ${fraction}`);
      }
      previous = fraction;
      await settled();
      const rows = await drawn();
      assert.ok(rows.length > 10, `rows drawn at ${fraction}`);
      rows.forEach((row, at) => {
        const session = report.sessions[row.index];
        assert.ok(session, `row ${row.rowIndex} names a session of the report`);
        assert.equal(row.computer, session.computer, `computer of row ${row.rowIndex}`);
        assert.equal(row.admin, session.admin ? 'yes' : '', `admin of row ${row.rowIndex}`);
        if (at > 0) {
          assert.equal(row.rowIndex, rows[at - 1].rowIndex + 1, 'rows in page order, none missing');
          assert.ok(starts[rows[at - 1].index] <= starts[row.index], `row ${row.rowIndex} in start order`);
        }
      });
      if (fraction === 0) assert.equal(rows[0].rowIndex, 2, 'the first row at the top');
      if (fraction === 1) assert.equal(rows[rows.length - 1].rowIndex, total + 1, 'the last row at the bottom');
    }
    // A click on a row drawn after scrolling selects its session, and only it; the canvas
    // paints the selection on that row (its accent bar), not on the next.
    await scrollTo(0.5);
    await settled();
    const row = page.locator('[data-testid=session-row]').nth(12);
    const index = Number(await row.getAttribute('data-index'));
    await row.click();
    await page.waitForSelector('[data-testid=session-detail]', { state: 'visible' });
    const selected = (await drawn()).filter((r) => r.selected === 'true');
    assert.deepEqual(selected.map((r) => r.index), [index], 'the clicked row alone is selected');
    const box = await row.boundingBox();
    const tableLeft = await page.evaluate(() => document.querySelector('.sessions-canvas').getBoundingClientRect().left);
    assert.deepEqual(await pixelAt(tableLeft + 1, box.y + box.height / 2), accent, 'the selected row has its bar');
    assert.notDeepEqual(await pixelAt(tableLeft + 1, box.y + box.height * 1.5), accent, 'the next row has none');
    await page.keyboard.press('Escape');

    // A click while the table still scrolls (the rows' elements hidden) selects the row
    // painted under the pointer. (Clicked in the page straight after the scroll event: the
    // elements come back 100 ms after the last one.)
    const point = { x: tableLeft + 300, y: box.y + box.height / 2 };
    const staleWhenClicked = await page.evaluate(async (point) => {
      const table = document.querySelector('[data-testid=sessions-table]');
      const scrolled = new Promise((resolve) => table.addEventListener('scroll', resolve, { once: true }));
      table.scrollTop += 26 * 7 + 5;
      await scrolled;
      await new Promise((resolve) => setTimeout(resolve, 0));
      const stale = document.querySelectorAll('.sessions-rows.sessions-stale').length === 1;
      const target = document.elementFromPoint(point.x, point.y);
      target.dispatchEvent(new MouseEvent('click', { clientX: point.x, clientY: point.y, bubbles: true }));
      return stale;
    }, point);
    assert.ok(staleWhenClicked, 'the elements wait while scrolling');
    await page.waitForSelector('[data-testid=session-detail]', { state: 'visible' });
    await settled();
    const under = (await drawn()).filter((r) => r.top <= point.y && point.y < r.top + box.height);
    assert.equal(under.length, 1, 'one row under the point');
    assert.equal(under[0].selected, 'true', 'the row under the pointer is selected');
    assert.notEqual(under[0].index, index, 'another row than before');
  });
});

test('failed logons and audit coverage of smb-password-guessing', { timeout: 180_000 }, async () => {
  const paths = [sample('smb-password-guessing.evtx')];
  const report = cliJson(paths).json;
  assert.equal(report.failures.length, 3561, 'the CLI finds 3561 failures');
  await app.withPage(async (page) => {
    await loadFiles(page, paths);
    assert.equal(await waitDone(page), 'done');

    await page.click('[data-testid=tab-failures]');
    await page.waitForSelector('[data-testid=failure-count]', { timeout: 20_000 });
    assert.equal(await countOf(page, 'failure-count'), 3561, 'failure-count');
    const groups = page.locator('[data-testid=failure-group]');
    await groups.first().waitFor({ timeout: 10_000 });
    assert.ok((await groups.count()) >= 1, 'at least one failure-group');
    assert.equal(await page.locator('[data-testid=failures-group-by]').count(), 1, 'a group-by control');

    await page.click('[data-testid=tab-coverage]');
    const events = page.locator('[data-testid=coverage-events]');
    await events.waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('[data-testid=coverage-logon-types]').waitFor({ state: 'visible' });
    // Cell by cell: a row's textContent runs its cells together.
    const rows = await events
      .locator('tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim())),
      );
    const row4625 = rows.find((cells) => cells.includes('4625'));
    assert.ok(row4625, `coverage-events has a 4625 row: ${JSON.stringify(rows)}`);
    const numbers = row4625
      .filter((cell) => /^\d{1,3}(?:[,'\u00a0\u202f]\d{3})*$|^\d+$/.test(cell))
      .map((cell) => Number(cell.replace(/\D/g, '')));
    assert.ok(numbers.includes(3561), `the 4625 row shows 3561: ${JSON.stringify(row4625)}`);
    const hints = await page.locator('[data-testid=coverage-hint]').allTextContents();
    console.log(`coverage hints for smb-password-guessing: ${JSON.stringify(hints)}`);
  });
});

test('responsiveness while the demo loads (printed)', { timeout: 180_000 }, async () => {
  const initScript = () => {
    window.__longtasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longtasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      window.__longtasks = null;
    }
  };
  await app.withPage(
    async (page) => {
      await page.evaluate(() => window.__longtasks.splice(0)); // only the load counts
      const start = Date.now();
      await clickDemo(page);
      const seconds = (Date.now() - start) / 1000;
      const tasks = await page.evaluate(() => window.__longtasks);
      assert.ok(Array.isArray(tasks), 'longtask entries observable');
      const longest = tasks.length ? Math.max(...tasks) : 0;
      console.log(
        `responsiveness: demo load ${seconds.toFixed(2)} s; ${tasks.length} long tasks; ` +
          `longest main-thread task ${longest.toFixed(0)} ms; total ${tasks
            .reduce((a, b) => a + b, 0)
            .toFixed(0)} ms`,
      );
    },
    { initScript },
  );
});
