// The benchmark of issue 5, run by `scripts/bench` once the tools, the builds and the cached
// synthetic logs are there. On each log it measures, side by side: the native core on one thread
// (`logonscope bench`, which also checks that its fast, parallel and plain paths and the log's
// expected report agree, and runs `evtx_dump -t 1 -o jsonl` in rounds beside it), and the
// browser app end to end in headless Chromium (files given to the file input until the session
// count is shown; peak JS heap of the page and its workers over CDP, wasm memory from the page's
// load statistics, renderer RSS, the longest main-thread task; on the smallest log, the exported
// JSON against the CLI's, byte for byte), and for reference the same browser only reading the
// file as the app's workers do, with nothing parsed (tests/bench/read-alone). Then the release
// bundle (sizes raw and gzip, first contentful paint) and, when it is there,
// tests/bench/ui-scale.mjs. It ends with one Markdown table of every figure beside the issue's
// targets, and exits 1 when any correctness check failed (never for a missed speed target: those
// are figures). Not a test: timings on a shared machine are noisy.
//
//   node tests/bench/run.mjs --cli BIN --dist DIR --evtx-dump BIN --log LABEL=FILE...
//
// `--browser-only` skips the native runs, evtx_dump and the million-session UI (quick rounds
// while working on the page; the ratios are then n/a).

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The copy of playwright-core that the harness imports (tests/e2e's packages): the same module,
// so that the flag added to its launch below reaches the harness's launch.
import { chromium } from '../e2e/node_modules/playwright-core/index.mjs';

import { App, ROOT, bundleSizes, loadFiles, waitDone, sessionCount, startServer } from '../e2e/harness.mjs';
import { Cdp, TargetWatch, freePort } from './cdp.mjs';

const MB = 1e6;
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Arguments.

function parseArgs(argv) {
  const args = { logs: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--cli') args.cli = value();
    else if (flag === '--dist') args.dist = value();
    else if (flag === '--evtx-dump') args.evtxDump = value();
    else if (flag === '--browser-only') args.browserOnly = true;
    else if (flag === '--log') {
      const [label, ...rest] = value().split('=');
      args.logs.push({ label, file: rest.join('=') });
    } else throw new Error(`unknown argument ${flag}`);
  }
  for (const need of ['cli', 'dist', 'evtxDump']) {
    if (!args[need]) throw new Error(`--${need.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is required`);
  }
  if (args.logs.length === 0) throw new Error('at least one --log LABEL=FILE');
  return args;
}

// ---------------------------------------------------------------------------------------------
// Formatting.

const fmt = {
  s: (seconds) => (seconds == null ? 'n/a' : seconds < 10 ? `${seconds.toFixed(2)} s` : `${seconds.toFixed(1)} s`),
  mbps: (bytes, seconds) => (seconds ? `${(bytes / MB / seconds).toFixed(0)} MB/s` : 'n/a'),
  mb: (bytes) => (bytes == null ? 'n/a' : `${(bytes / MB).toFixed(bytes < 10 * MB ? 2 : 0)} MB`),
  kb: (bytes) => `${(bytes / 1000).toFixed(1)} kB`,
  n: (count) => (count == null ? 'n/a' : Math.round(count).toLocaleString('en-US')),
  ratio: (x) => (x == null || !Number.isFinite(x) ? 'n/a' : `${x.toFixed(2)}`),
  ms: (ms) => (ms == null ? 'n/a' : `${ms.toFixed(0)} ms`),
};

function section(title) {
  console.log(`\n== ${title} ==`);
}

/** Every correctness failure of the run, in words; the exit code is 1 when there is any. */
const failures = [];
function fail(message) {
  failures.push(message);
  console.log(`\n!!!!!!!! CORRECTNESS FAILURE: ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// 1. The native core (`logonscope bench`).

function nativeBench(cli, evtxDump, log, runs, skipPlain) {
  const args = [
    'bench', '--json', '--runs', String(runs), '--evtx-dump', evtxDump,
    ...(skipPlain ? ['--skip-plain'] : []), log.file,
  ];
  // stderr (progress, and differences named loudly) goes straight through.
  const run = spawnSync(cli, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * MiB,
  });
  let result = null;
  try {
    result = JSON.parse(run.stdout);
  } catch {
    // Reported below.
  }
  if (run.status !== 0 || !result?.ok) {
    fail(
      `${log.label} (${path.basename(log.file)}): logonscope bench exit ${run.status}` +
        (result ? `: ${result.files.flatMap((f) => f.differences).join('; ')}` : ' and no result'),
    );
  }
  return result?.files?.[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// 2. evtx_dump -t 1 -o jsonl FILE > /dev/null: `logonscope bench --evtx-dump` runs it beside each
// timed run of the native core, the two taking turns to go first (the machine's speed drifts).

/** `evtx_dump`'s figures from a `logonscope bench` file result. */
function evtxDumpOf(native) {
  const dump = native?.evtx_dump;
  if (!dump) return null;
  return {
    seconds: dump.seconds,
    median: dump.median_seconds,
    runs: dump.runs,
    peakRss: dump.peak_rss_bytes,
    rounds: dump.round_seconds,
    fastRounds: dump.fast_round_seconds,
    fastMedian: dump.fast_median_seconds,
    ratioOfBest: dump.ratio_of_best,
    medianRatio: dump.median_ratio,
  };
}

// ---------------------------------------------------------------------------------------------
// 3. The browser.

/** Runs in the page before its own scripts: long tasks, and when the load starts and ends. */
/** How long the page is open before the file is given. */
const PAGE_OPEN_BEFORE_FILE_MS = 2_000;

function benchInitScript() {
  const bench = { longtasks: [], changeAt: null, countAt: null, doneAt: null };
  window.__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longtasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    bench.longtasks = null;
  }
  // The moment the files are given: the input's change event (capture: before the app's).
  document.addEventListener(
    'change',
    (event) => {
      if (event.target && event.target.type === 'file') bench.changeAt = performance.now();
    },
    true,
  );
  // The moment the count is shown and the status says done, seen as the DOM changes.
  const check = () => {
    if (bench.changeAt == null || bench.doneAt != null) return;
    if (bench.countAt == null && document.querySelector('[data-testid=session-count]')) {
      bench.countAt = performance.now();
    }
    const status = document.querySelector('[data-testid=status]');
    const state = status && status.getAttribute('data-state');
    if ((state === 'done' || state === 'error') && document.querySelector('[data-testid=session-count]')) {
      bench.doneAt = performance.now();
      bench.doneState = state;
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-state'],
  });
}

/** Pids of every process below this one (the browser and its helpers). */
function descendants(root = process.pid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  const all = [];
  const walk = (pid) => {
    for (const child of children.get(pid) ?? []) {
      all.push(child);
      walk(child);
    }
  };
  walk(root);
  return all;
}

/**
 * `{ rss, hwm }` in bytes of every Chromium renderer process below this one. A page's
 * dedicated workers run in its renderer process, so its VmHWM covers the page, its workers,
 * their wasm memories and Blink.
 */
function rendererMemory() {
  const result = [];
  for (const pid of descendants()) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('--type=renderer')) continue;
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
      result.push({ pid, rss: kb('VmRSS'), hwm: kb('VmHWM') });
    } catch {
      // Gone meanwhile.
    }
  }
  return result;
}

/** Starts the harness's App with the DevTools port open (for worker sessions) as well. */
async function startApp(dist) {
  const port = await freePort();
  // The harness owns Chromium's flags; this adds one to them for this launch only.
  const launch = chromium.launch;
  chromium.launch = (options = {}) =>
    launch.call(chromium, { ...options, args: [...(options.args ?? []), `--remote-debugging-port=${port}`] });
  let app;
  try {
    app = await App.start({ dir: dist });
  } finally {
    chromium.launch = launch;
  }
  let cdp = null;
  let watch = null;
  try {
    cdp = await Cdp.connect(port);
    watch = await TargetWatch.start(cdp);
  } catch (error) {
    console.log(`(no CDP connection for worker heaps: ${error.message}; the JS heap will be n/a)`);
  }
  return { app, cdp, watch };
}

async function firstPaint(app, times = 3) {
  const values = [];
  for (let i = 0; i < times; i++) {
    const page = await app.open();
    try {
      let fcp = null;
      for (let tries = 0; tries < 50 && fcp == null; tries++) {
        fcp = await page.evaluate(
          () => performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? null,
        );
        if (fcp == null) await new Promise((r) => setTimeout(r, 100));
      }
      if (fcp != null) values.push(fcp);
    } finally {
      await App.closePage(page);
    }
  }
  values.sort((a, b) => a - b);
  return { median: values.length ? values[Math.floor(values.length / 2)] : null, all: values };
}

async function readLoadStats(page) {
  const stats = page.locator('[data-testid=load-stats]');
  try {
    await stats.first().waitFor({ state: 'attached', timeout: 3_000 });
  } catch {
    return null;
  }
  const attrs = await stats.first().evaluate((el) =>
    Object.fromEntries(
      [
        'data-bytes',
        'data-records',
        'data-millis',
        'data-read-millis',
        'data-worker-read-millis',
        'data-worker-scan-millis',
        'data-merge-millis',
        'data-workers',
        'data-wasm-peak-bytes',
        'data-worker-wasm-bytes',
        'data-page-wasm-read-bytes',
        'data-orders-millis',
      ].map((name) => [
        name,
        el.getAttribute(name),
      ]),
    ),
  );
  const num = (v) => (v == null || v === '' || Number.isNaN(Number(v)) ? null : Number(v));
  return {
    bytes: num(attrs['data-bytes']),
    records: num(attrs['data-records']),
    millis: num(attrs['data-millis']),
    readMillis: num(attrs['data-read-millis']),
    workerReadMillis: num(attrs['data-worker-read-millis']),
    workerScanMillis: num(attrs['data-worker-scan-millis']),
    mergeMillis: num(attrs['data-merge-millis']),
    workers: num(attrs['data-workers']),
    wasmPeak: num(attrs['data-wasm-peak-bytes']),
    workerWasm: num(attrs['data-worker-wasm-bytes']),
    pageWasmRead: num(attrs['data-page-wasm-read-bytes']),
    ordersMillis: num(attrs['data-orders-millis']),
  };
}

async function browserLoad(env, log, { checkExport, cli }) {
  const { app, watch } = env;
  const size = fs.statSync(log.file).size;
  // 2 s per MB (WebAssembly on 2 shared cores is slow in the worst case), at least 5 minutes.
  const timeout = Math.max(300_000, (size / MB) * 2_000);
  const page = await app.open({ initScript: benchInitScript });
  // As with an analyst, who picks a file after the page has opened: the app starts its
  // workers, and warms them up, in that moment. Files given at once would wait for it.
  await page.waitForTimeout(PAGE_OPEN_BEFORE_FILE_MS);
  const result = { label: log.label, size };
  let sampling = true;
  let peakHeap = null;
  let peakHeapByType = null;
  const sampler = (async () => {
    while (sampling) {
      if (watch) {
        const heap = await watch.heapUsage();
        if (peakHeap == null || heap.used > peakHeap) {
          peakHeap = heap.used;
          peakHeapByType = Object.fromEntries(
            Object.entries(heap.byType).map(([type, bytes]) => [`${type} x${heap.counts[type]}`, bytes]),
          );
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    await page.evaluate(() => window.__bench.longtasks?.splice(0)); // only the load counts
    const started = Date.now();
    await loadFiles(page, [log.file]);
    const state = await waitDone(page, timeout);
    result.wallSeconds = (Date.now() - started) / 1000;
    result.state = state;
    const bench = await page.evaluate(() => {
      const b = window.__bench;
      return { ...b, longtasks: b.longtasks ? b.longtasks.filter((t) => t.start + t.duration >= (b.changeAt ?? 0)) : null };
    });
    result.seconds = bench.changeAt != null && bench.doneAt != null ? (bench.doneAt - bench.changeAt) / 1000 : null;
    result.countSeconds = bench.changeAt != null && bench.countAt != null ? (bench.countAt - bench.changeAt) / 1000 : null;
    result.longtasks = bench.longtasks;
    result.longest = bench.longtasks ? Math.max(0, ...bench.longtasks.map((t) => t.duration)) : null;
    result.sessions = state === 'done' ? await sessionCount(page) : null;
    // The page goes on making the table's column orders, between frames; its figures (the
    // peak wasm memory among them) are final once it has.
    if (state === 'done') {
      await page
        .waitForSelector('[data-testid=load-stats][data-orders-millis]', { timeout: 120_000 })
        .catch(() => console.log('  (the column orders were not made within 2 minutes)'));
    }
    result.stats = await readLoadStats(page);
    if (checkExport) {
      console.log(`  exporting JSON and comparing with \`logonscope sessions --format json\``);
      result.exportSame = await compareExport(page, cli, log);
    }
  } catch (error) {
    result.error = String(error?.message ?? error);
  } finally {
    sampling = false;
    await sampler;
    result.peakHeap = peakHeap;
    result.peakHeapByType = peakHeapByType;
    // The renderer's own high-water mark (exact, not sampled): the largest renderer still
    // alive is this page's (every earlier page was closed with its context).
    const renderers = rendererMemory();
    result.rendererHwm = renderers.length ? Math.max(...renderers.map((r) => r.hwm)) : null;
    if (page.rec.pageErrors.length) result.pageErrors = page.rec.pageErrors;
    if (page.rec.offOrigin.length) result.offOrigin = page.rec.offOrigin;
    await App.closePage(page);
  }
  return result;
}

/**
 * A reference for the browser's figure: the same browser only reading `log`, as the app's
 * workers read it (`workers` of them, 4 MiB pieces: the worker's READ_CHUNKS of 64 chunks,
 * each copied into WebAssembly memory), with nothing parsed (tests/bench/read-alone). Best of
 * `runs`, in seconds from the input's change event to the last worker's end.
 */
async function readAlone(env, log, workers, runs) {
  const server = await startServer(path.join(ROOT, 'tests', 'bench', 'read-alone'));
  // (A context of its own: the app's contexts refuse requests off the app's origin.)
  const context = await env.app.browser.newContext();
  try {
    const times = [];
    for (let run = 0; run < runs; run += 1) {
      const page = await context.newPage();
      await page.goto(`${server.url}?workers=${workers}&chunks=64`);
      // (The workers start meanwhile, as the app's do before a file is given.)
      await page.waitForTimeout(1000);
      await page.locator('#file').setInputFiles([log.file]);
      await page.locator('#out[data-millis]').waitFor({ timeout: 600_000 });
      const { millis, bytes } = await page
        .locator('#out')
        .evaluate((out) => ({ millis: Number(out.dataset.millis), bytes: Number(out.dataset.bytes) }));
      const chunkBytes = Math.max(0, log.size - 4096);
      if (bytes !== chunkBytes) fail(`${log.label}: reading alone took in ${bytes} of the ${chunkBytes} bytes of chunks`);
      times.push(millis / 1000);
      await page.close();
    }
    return { seconds: Math.min(...times), runs };
  } finally {
    await context.close();
    await server.close();
  }
}

async function compareExport(page, cli, log) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 300_000 }),
    page.click('[data-testid=export-json]'),
  ]);
  const exported = fs.readFileSync(await download.path());
  const expected = execFileSync(cli, ['sessions', '--format', 'json', log.file], {
    maxBuffer: 4096 * MiB,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (exported.equals(expected)) {
    console.log(`  export identical to the CLI's JSON (${fmt.mb(exported.length)})`);
    return true;
  }
  let i = 0;
  while (i < exported.length && i < expected.length && exported[i] === expected[i]) i++;
  const around = (buf) => JSON.stringify(buf.subarray(Math.max(0, i - 120), i + 120).toString('utf8'));
  fail(
    `${log.label}: the page's exported JSON differs from \`logonscope sessions --format json\` at byte ${i} ` +
      `(export ${exported.length} bytes, CLI ${expected.length} bytes)\n  export: ${around(exported)}\n  CLI:    ${around(expected)}`,
  );
  return false;
}

// ---------------------------------------------------------------------------------------------
// 4. The bundle: `bundleSizes` (tests/e2e/harness.mjs, which the budget's test shares).

// ---------------------------------------------------------------------------------------------
// 5. tests/bench/ui-scale.mjs (written separately), when it is there.

function uiScale() {
  const script = path.join(ROOT, 'tests', 'bench', 'ui-scale.mjs');
  if (!fs.existsSync(script)) return { ran: false };
  // Its output goes straight through, as it comes.
  const run = spawnSync(process.execPath, [script], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) fail(`tests/bench/ui-scale.mjs exit ${run.status}`);
  return { ran: true, status: run.status };
}

// ---------------------------------------------------------------------------------------------
// The table.

function yesNo(met) {
  return met == null ? 'n/a' : met ? '**yes**' : 'no';
}

function table(results) {
  const { logs, native, dumps, browser, reading, bundle, paint, threads } = results;
  const head = ['figure', ...logs.map((l) => l.label), 'target', 'met'];
  const rows = [];
  const row = (figure, cells, target = '', met = '') => rows.push([figure, ...cells, target, met]);
  const each = (fn) => logs.map((_, i) => fn(i));

  row('log size', each((i) => fmt.mb(native[i]?.bytes ?? fs.statSync(logs[i].file).size)));
  row('records', each((i) => fmt.n(native[i]?.records)));
  row('sessions (native; browser)', each((i) => `${fmt.n(native[i]?.sessions)}; ${fmt.n(browser[i]?.sessions)}`));
  row(
    'native fast, 1 thread',
    each((i) => (native[i] ? `${fmt.s(native[i].fast.seconds)} (${fmt.mbps(native[i].bytes, native[i].fast.seconds)}, ${fmt.n(native[i].fast.records_per_second)} rec/s)` : 'n/a')),
  );
  row('native fast, ' + threads + ' threads', each((i) => (native[i] ? fmt.s(native[i].parallel.seconds) : 'n/a')));
  row('native plain (reference), 1 thread', each((i) => (native[i]?.plain ? fmt.s(native[i].plain.seconds) : 'n/a')));
  row('native peak RSS, fast, 1 thread (its process)', each((i) => fmt.mb(native[i]?.peak_rss_bytes)));
  row(
    '`evtx_dump -t 1 -o jsonl`, beside the native runs',
    each((i) => (dumps[i]?.seconds != null ? `${fmt.s(dumps[i].median)} median, ${fmt.s(dumps[i].seconds)} best (${fmt.mbps(native[i]?.bytes ?? logs[i].size, dumps[i].seconds)}), ${dumps[i].runs} round(s)` : 'n/a')),
  );
  row('`evtx_dump` peak RSS', each((i) => fmt.mb(dumps[i]?.peakRss)));
  row('native fast, 1 thread, in the same rounds', each((i) => (dumps[i]?.fastMedian != null ? `${fmt.s(dumps[i].fastMedian)} median` : 'n/a')));
  const nativeRatio = each((i) => dumps[i]?.medianRatio ?? null);
  row(
    'native 1 thread / `evtx_dump -t 1` (time; median of the rounds\' ratios)',
    nativeRatio.map(fmt.ratio),
    '<= 0.5 (2x faster)',
    nativeRatio.every((r) => r != null) ? yesNo(nativeRatio.every((r) => r <= 0.5)) : 'n/a',
  );
  row('  the same, best against best', each((i) => fmt.ratio(dumps[i]?.ratioOfBest)));
  row(
    'browser: files given -> count shown',
    each((i) => (browser[i]?.seconds != null ? `${fmt.s(browser[i].seconds)} (${fmt.mbps(browser[i].size, browser[i].seconds)})` : browser[i]?.error ? 'FAILED' : 'n/a')),
  );
  // (Against evtx_dump's median: the browser runs later, at whatever speed the machine then has.)
  const browserRatio = each((i) => (browser[i]?.seconds != null && dumps[i]?.median ? browser[i].seconds / dumps[i].median : null));
  const first = browserRatio[0];
  row('browser / `evtx_dump -t 1` (time; its median)', browserRatio.map(fmt.ratio), `<= 1.0 on ${logs[0].label}`, first == null ? 'n/a' : yesNo(first <= 1.0));
  row(
    'reference: the same browser only reading the file (same workers and reads, nothing parsed)',
    each((i) => (reading[i] ? `${fmt.s(reading[i].seconds)}${reading[i].runs > 1 ? `, best of ${reading[i].runs}` : ''}` : 'n/a')),
  );
  row(
    '  reading alone / `evtx_dump -t 1` (time)',
    each((i) => fmt.ratio(reading[i] && dumps[i]?.median ? reading[i].seconds / dumps[i].median : null)),
  );
  row('page\'s own load time (`data-millis`)', each((i) => (browser[i]?.stats?.millis == null ? 'n/a' : fmt.s(browser[i].stats.millis / 1000))));
  const seconds = (pick) => each((i) => (pick(browser[i]?.stats) == null ? 'n/a' : fmt.s(pick(browser[i].stats) / 1000)));
  row('  of which until every chunk was read and merged (`data-read-millis`)', seconds((s) => s?.readMillis));
  row('  workers reading the file, summed (`data-worker-read-millis`)', seconds((s) => s?.workerReadMillis));
  row('  workers scanning and encoding, summed (`data-worker-scan-millis`)', seconds((s) => s?.workerScanMillis));
  row('  page decoding and merging the workers\' results (`data-merge-millis`)', seconds((s) => s?.mergeMillis));
  row('then every column\'s order made for the table, between frames (`data-orders-millis`)', seconds((s) => s?.ordersMillis));
  row('browser workers (`data-workers`)', each((i) => fmt.n(browser[i]?.stats?.workers)));
  row('page peak wasm memory (page + workers)', each((i) => fmt.mb(browser[i]?.stats?.wasmPeak)));
  row('  of which the workers\'', each((i) => fmt.mb(browser[i]?.stats?.workerWasm)));
  row('  the page\'s once every chunk was read', each((i) => fmt.mb(browser[i]?.stats?.pageWasmRead)));
  row('page peak JS heap (page + workers, sampled)', each((i) => fmt.mb(browser[i]?.peakHeap)));
  const pagePeak = each((i) => (browser[i]?.stats?.wasmPeak != null && browser[i]?.peakHeap != null ? browser[i].stats.wasmPeak + browser[i].peakHeap : null));
  const bigIndex = logs.findIndex((l) => /1\s*GB/i.test(l.label));
  const big = bigIndex >= 0 ? pagePeak[bigIndex] : null;
  row('page peak memory (wasm + JS heap)', pagePeak.map(fmt.mb), '< 512 MB on the 1 GB log', big == null ? 'n/a' : yesNo(big < 512 * MiB));
  row('renderer process peak RSS (VmHWM; page, workers, Blink)', each((i) => fmt.mb(browser[i]?.rendererHwm)));
  const completes = each((i) => (browser[i] ? browser[i].state === 'done' && !browser[i].error : null));
  const bigLogs = logs.map((l, i) => ({ gb: /\b[14]\s*GB/i.test(l.label), i })).filter((l) => l.gb);
  const hasHuge = logs.some((l) => /\b4\s*GB/i.test(l.label));
  row(
    'browser completes the load',
    completes.map((c) => (c == null ? 'n/a' : c ? 'yes' : 'NO')),
    'the 1 GB and the 4 GB logs complete',
    bigLogs.length === 0
      ? 'n/a'
      : yesNo(bigLogs.every(({ i }) => completes[i])) + (hasHuge ? '' : ' (1 GB; 4 GB not run: `--huge`)'),
  );
  row('longest main-thread task', each((i) => (browser[i]?.longest == null ? 'n/a' : browser[i].longest < 50 ? '< 50 ms' : fmt.ms(browser[i].longest))));
  row(
    'paths agree (fast, parallel, plain, expected)',
    each((i) => (native[i] ? (native[i].differences.length ? 'NO' : 'yes') : 'n/a')),
    'identical reports',
    yesNo(native.every((n) => n && n.differences.length === 0)),
  );
  const exportCell = each((i) => (browser[i]?.exportSame == null ? '-' : browser[i].exportSame ? 'identical' : 'DIFFERENT'));
  row('page export JSON vs CLI', exportCell, 'byte-identical', yesNo(browser[0]?.exportSame ?? null));

  const line = (cells) => `| ${cells.join(' | ')} |`;
  const out = [line(head), line(head.map((_, i) => (i === 0 || i >= head.length - 2 ? '---' : '---:'))), ...rows.map(line)];

  out.push('');
  out.push(line(['bundle file', 'raw', 'gzip -9']));
  out.push(line(['---', '---:', '---:']));
  for (const f of bundle.files) out.push(line([`\`${f.name}\``, fmt.kb(f.raw), fmt.kb(f.gzip)]));
  out.push(line(['**wasm + JS total**', fmt.kb(bundle.raw), fmt.kb(bundle.gzip)]));
  out.push('');
  out.push(line(['figure', 'value', 'target', 'met']));
  out.push(line(['---', '---:', '---', '---']));
  out.push(line(['bundle, wasm + JS, gzip -9', fmt.kb(bundle.gzip), '< 1 MB (1,000 kB)', yesNo(bundle.gzip < 1_000_000)]));
  out.push(
    line([
      'first contentful paint (fresh load, median)',
      paint.median == null ? 'n/a' : `${fmt.ms(paint.median)} (${paint.all.map((v) => v.toFixed(0)).join(', ')})`,
      '',
      '',
    ]),
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  for (const log of args.logs) log.size = fs.statSync(log.file).size;
  const results = { logs: args.logs, native: [], dumps: [], browser: [], reading: [], threads: os.availableParallelism() };

  section('native core: `logonscope bench` (fast 1 thread timed beside `evtx_dump -t 1 -o jsonl FILE > /dev/null`; parallel and plain checked against it)');
  for (const [i, log] of args.logs.entries()) {
    if (args.browserOnly) break;
    // Rounds of the fast path and evtx_dump side by side (after a first run of each): the
    // median of the rounds' ratios is the figure that the machine's drift moves least.
    const runs = i === 0 ? 7 : log.size > 2e9 ? 1 : 3;
    // The plain path on a 4 GB log would take minutes and hold a third report in memory: there
    // the parallel path and the expected report are checked against the fast path instead.
    const skipPlain = log.size > 2e9;
    console.log(
      `${log.label}: ${log.file} (${fmt.mb(log.size)}), fast path and evtx_dump in ${runs} round(s)` +
        (skipPlain ? '; plain path skipped (checked against the expected report instead)' : ''),
    );
    const native = nativeBench(args.cli, args.evtxDump, log, runs, skipPlain);
    results.native.push(native);
    const dump = evtxDumpOf(native);
    results.dumps.push(dump);
    if (native) {
      console.log(
        `  fast 1 thread ${fmt.s(native.fast.seconds)} = ${fmt.mbps(native.bytes, native.fast.seconds)}, ` +
          `${fmt.n(native.fast.records_per_second)} records/s; ${native.parallel_threads} threads ${fmt.s(native.parallel.seconds)}; ` +
          `plain ${fmt.s(native.plain?.seconds)}; peak RSS ${fmt.mb(native.peak_rss_bytes)}; ` +
          `${native.differences.length ? 'DIFFERENCES' : 'identical reports'}`,
      );
    }
    if (dump) {
      const list = (values) => values.map((v) => v.toFixed(3)).join(' ');
      console.log(`  by round: evtx_dump ${list(dump.rounds)} s; fast path ${list(dump.fastRounds)} s`);
      console.log(
        `  fast / evtx_dump: ${fmt.ratio(dump.medianRatio)} (median of the rounds), ${fmt.ratio(dump.ratioOfBest)} (best against best); ` +
          `evtx_dump peak RSS ${fmt.mb(dump.peakRss)}`,
      );
    }
  }

  section('bundle');
  results.bundle = bundleSizes(args.dist);
  for (const f of results.bundle.files) console.log(`  ${f.name}: ${fmt.kb(f.raw)} raw, ${fmt.kb(f.gzip)} gzip -9`);

  section('browser (headless Chromium)');
  const env = await startApp(args.dist);
  try {
    results.paint = await firstPaint(env.app);
    console.log(`first contentful paint: ${results.paint.all.map((v) => v.toFixed(0) + ' ms').join(', ')}`);
    for (const [i, log] of args.logs.entries()) {
      console.log(`${log.label}: loading ${path.basename(log.file)}`);
      const load = await browserLoad(env, log, { checkExport: i === 0, cli: args.cli });
      results.browser.push(load);
      const native = results.native[i];
      if (load.error || load.state !== 'done') {
        fail(`${log.label}: the browser did not complete the load (${load.error ?? `state ${load.state}`})`);
      } else if (native && load.sessions !== native.sessions) {
        fail(`${log.label}: the page shows ${load.sessions} sessions, the native core found ${native.sessions}`);
      }
      const reading = await readAlone(env, log, load.stats?.workers ?? 2, i === 0 ? 3 : 1);
      results.reading.push(reading);
      console.log(
        `  reference: the browser reading the file alone (${load.stats?.workers ?? 2} workers, nothing parsed): ` +
          `${fmt.s(reading.seconds)}${reading.runs > 1 ? `, best of ${reading.runs}` : ''}`,
      );
      if (load.pageErrors) fail(`${log.label}: page errors: ${load.pageErrors.join(' | ').slice(0, 2000)}`);
      if (load.offOrigin) fail(`${log.label}: requests off the page's origin: ${load.offOrigin.join(', ')}`);
      console.log(
        `  ${fmt.s(load.seconds)} from the input's change event to the count shown (count first shown after ` +
          `${fmt.s(load.countSeconds)}; ${fmt.s(load.wallSeconds)} seen from node); ${fmt.n(load.sessions)} sessions; ` +
          `load-stats ${load.stats ? JSON.stringify(load.stats) : 'n/a (no [data-testid=load-stats] on the page)'}; ` +
          `peak JS heap ${fmt.mb(load.peakHeap)} ${load.peakHeapByType ? JSON.stringify(Object.fromEntries(Object.entries(load.peakHeapByType).map(([k, v]) => [k, fmt.mb(v)]))) : ''}; ` +
          `renderer process peak RSS ${fmt.mb(load.rendererHwm)}; ` +
          `${load.longtasks ? load.longtasks.length : 'n/a'} long tasks, longest ${fmt.ms(load.longest)}`,
      );
    }
  } finally {
    env.cdp?.close();
    await env.app.close();
  }

  section('1,000,000 sessions: filter, sort, scroll (tests/bench/ui-scale.mjs)');
  results.ui = args.browserOnly ? { ran: false } : uiScale();
  if (!results.ui.ran) console.log('tests/bench/ui-scale.mjs is not there: skipped');

  section('summary');
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}`);
  console.log('MB = 10^6 bytes. Timings are single runs unless said (best of); on a shared machine they are noisy.\n');
  console.log(table(results));
  if (results.ui.ran) console.log('\n1,000,000-session UI figures: see the ui-scale output above.');
  if (failures.length) {
    console.log(`\nFAILED: ${failures.length} correctness check(s) failed:`);
    for (const f of failures) console.log(`  - ${f.split('\n')[0]}`);
    process.exitCode = 1;
  } else {
    console.log('\nAll correctness checks passed.');
  }
}

main().catch((error) => {
  console.error(error?.stack ?? error);
  process.exitCode = 1;
});
