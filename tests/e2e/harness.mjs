// The end-to-end harness: serves the built app (dist/) from a tiny static server on
// 127.0.0.1, drives Debian's headless Chromium through playwright-core, and records every
// request so that each test can assert that the page never talks to anything but its own
// origin (logonscope promises that nothing leaves the analyst's machine). It also gathers
// page errors and console errors, and gives the helpers the tests share: loading files,
// waiting for the analysis, exporting the report, and running the native CLI for comparison.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The repository root (this file is tests/e2e/harness.mjs). */
export const ROOT = path.resolve(HERE, '..', '..');
/** What `trunk build --release` wrote (LOGONSCOPE_DIST: another build, to try it). */
export const DIST = process.env.LOGONSCOPE_DIST || path.join(ROOT, 'dist');
/** The shared sample logs: read in place, never copied into the repository. */
export const SAMPLES = path.resolve(ROOT, '..', 'shared', 'evtx-samples');
/** The native command-line tool, built by `cargo build --release --bin logonscope`. */
export const CLI = path.join(ROOT, 'target', 'release', 'logonscope');
/** Debian's Chromium: playwright's own browser download cannot work on these machines. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Generous: the biggest sample set is parsed in WebAssembly on 2 shared cores. */
export const LOAD_TIMEOUT_MS = 120_000;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.evtx': 'application/octet-stream',
};

/**
 * The release bundle of the build in `dist`: every `.wasm` and `.js` file with its size raw
 * and gzipped (level 9), and the totals. The budget is the gzip total, under 10^6
 * bytes; the benchmark prints these and a test checks the budget.
 */
export function bundleSizes(dist) {
  const files = fs
    .readdirSync(dist)
    .filter((name) => /\.(wasm|js)$/.test(name))
    .sort()
    .map((name) => {
      const bytes = fs.readFileSync(path.join(dist, name));
      return { name, raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
    });
  const total = (pick) => files.reduce((sum, f) => sum + pick(f), 0);
  return { files, raw: total((f) => f.raw), gzip: total((f) => f.gzip) };
}

/** Every sample log, sorted by name. */
export function sampleFiles() {
  return fs
    .readdirSync(SAMPLES)
    .filter((name) => name.endsWith('.evtx'))
    .sort();
}

export function sample(name) {
  return path.join(SAMPLES, name);
}

/**
 * Serves `dir` on 127.0.0.1 at a random port. Only GET/HEAD of files inside `dir`; `/` is
 * index.html. With `prefix` (e.g. `/cases/2024/logonscope/`), `dir` is served under that path
 * only, as a static host serving the app from a sub-folder would. Returns `{ origin, url, close }`,
 * `url` being the app's address (origin and prefix).
 */
export async function startServer(dir = DIST, { prefix = '/' } = {}) {
  const root = path.resolve(dir);
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`prefix ${prefix}: /.../ expected`);
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!pathname.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    pathname = '/' + pathname.slice(prefix.length);
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = path.resolve(root, '.' + pathname);
    // Nothing outside dist/ is served, whatever the URL says.
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.stat(file, (err, stat) => {
      if (err || !stat.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, {
        'content-type': type,
        'content-length': stat.size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * One browser and one server for a test file. `open()` gives a fresh context and page per
 * test (or per load), each with its own request record.
 */
export class App {
  /**
   * `prefix`: serve the build under that path (see `startServer`) instead of at the root;
   * `dir`: serve that folder (a copy of dist/) instead of dist/.
   */
  static async start({ prefix = '/', dir = DIST } = {}) {
    if (!fs.existsSync(path.join(dir, 'index.html'))) {
      throw new Error(`${dir}/index.html is missing: run \`trunk build --release\` first`);
    }
    if (!fs.existsSync(CLI)) {
      throw new Error(`${CLI} is missing: run \`cargo build --release --bin logonscope\` first`);
    }
    const app = new App();
    app.server = await startServer(dir, { prefix });
    // playwright-core's launch() gives Chromium a fresh temporary user-data dir of its own
    // and removes it on close.
    app.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return app;
  }

  get origin() {
    return this.server.origin;
  }

  /** The app's address: the origin, and the prefix it is served under. */
  get url() {
    return this.server.url;
  }

  /**
   * A new context (downloads accepted, 1440x900) and page at the app's root, with every
   * request recorded and any request off the server's origin aborted and recorded.
   * `options` go to `browser.newContext` (e.g. `colorScheme`); `initScript` runs before
   * the page's own scripts. `allowFile`: `file:` URLs count as the page's own (a page opened
   * from disk, such as the single-file build).
   */
  async open({ initScript, goto = true, allowFile = false, ...options } = {}) {
    const context = await this.browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1440, height: 900 },
      ...options,
    });
    const origin = this.origin;
    const rec = { requests: [], finished: [], offOrigin: [], pageErrors: [], consoleErrors: [] };
    const allowed = (url) =>
      url.startsWith('blob:') ||
      url.startsWith('data:') ||
      (allowFile && url.startsWith('file:')) ||
      sameOrigin(url, origin);
    // Covers pages and their workers alike.
    context.on('request', (request) => {
      const url = request.url();
      rec.requests.push(url);
      if (!allowed(url) && !rec.offOrigin.includes(url)) rec.offOrigin.push(url);
    });
    // What the page and its workers (not the service worker) received in full.
    context.on('requestfinished', (request) => {
      if (!request.serviceWorker()) rec.finished.push(request.url());
    });
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (allowed(url)) {
        await route.continue();
      } else {
        if (!rec.offOrigin.includes(url)) rec.offOrigin.push(url);
        await route.abort('blockedbyclient');
      }
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => rec.pageErrors.push(String(error?.stack || error)));
    page.on('console', (message) => {
      if (message.type() === 'error') rec.consoleErrors.push(message.text());
    });
    page.on('worker', (worker) => {
      // Errors inside a worker show up as console messages of the worker.
      worker.on('console', (message) => {
        if (message.type() === 'error') rec.consoleErrors.push(`[worker] ${message.text()}`);
      });
    });
    if (initScript) await page.addInitScript(initScript);
    page.rec = rec;
    if (goto) {
      await page.goto(this.url, { waitUntil: 'load' });
      await page.waitForSelector('[data-testid=status]', { timeout: 30_000 });
    }
    return page;
  }

  /**
   * Runs `body(page)` on a fresh page (`options` as for `open`), then asserts that nothing
   * left the origin and no page error happened; the page's context is closed in any case.
   */
  async withPage(body, options) {
    const page = await this.open(options);
    try {
      await body(page);
      App.assertClean(page);
    } finally {
      await App.closePage(page);
    }
  }

  /** What every test asserts at its end: nothing left the origin, no page error. */
  static assertClean(page) {
    const { rec } = page;
    if (rec.consoleErrors.length > 0) {
      console.log(`console errors (${page.url()}):\n  ` + rec.consoleErrors.join('\n  '));
    }
    assert.deepEqual(rec.offOrigin, [], 'requests off the page origin');
    assert.deepEqual(rec.pageErrors, [], 'uncaught page errors');
  }

  static async closePage(page) {
    await page.context().close();
  }

  async close() {
    await this.browser?.close();
    await this.server?.close();
  }
}

function sameOrigin(url, origin) {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** Gives the page these files through its file input, as one drop. */
export async function loadFiles(page, paths) {
  const input = page.locator('input[type=file]');
  assert.equal(await input.count(), 1, 'exactly one input[type=file]');
  await input.setInputFiles(paths);
}

/** Waits for status done or error; returns the state. */
export async function waitDone(page, timeout = LOAD_TIMEOUT_MS) {
  const status = page.locator('[data-testid=status]');
  await page.waitForSelector(
    '[data-testid=status][data-state=done], [data-testid=status][data-state=error]',
    { timeout },
  );
  return status.getAttribute('data-state');
}

/** Clicks export-json and returns the downloaded file's text. */
export async function exportJson(page) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.click('[data-testid=export-json]'),
  ]);
  const file = await download.path();
  return fs.readFileSync(file, 'utf8');
}

/**
 * Runs `logonscope sessions --format json` on these files. Returns `{ code, stdout, stderr,
 * json }`; `json` is null when the CLI found nothing to read (exit 1).
 */
export function cliRun(args) {
  try {
    const stdout = execFileSync(CLI, args, {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    if (typeof error.status !== 'number') throw error;
    return { code: error.status, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
  }
}

export function cliJson(paths) {
  const run = cliRun(['sessions', '--format', 'json', ...paths]);
  return { ...run, json: run.code === 0 ? JSON.parse(run.stdout) : null };
}

/** Writes the demo log with the CLI into a fresh temporary folder; returns its path. */
export function cliDemo() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logonscope-e2e-'));
  const out = path.join(dir, 'demo.evtx');
  const run = cliRun(['demo', '--out', out]);
  assert.equal(run.code, 0, `logonscope demo failed: ${run.stderr}`);
  return out;
}

/**
 * A count as the page shows it: the first number in the text, thousands separators
 * (comma, apostrophe, no-break and narrow no-break spaces) allowed.
 */
export function parseCount(text) {
  const match = /\d{1,3}(?:[,'\u00a0\u202f]\d{3})+(?!\d)|\d+/.exec(text ?? '');
  assert.ok(match, `no number in ${JSON.stringify(text)}`);
  return Number(match[0].replace(/\D/g, ''));
}

export async function countOf(page, testid) {
  return parseCount(await page.locator(`[data-testid=${testid}]`).first().textContent());
}

export function sessionCount(page) {
  return countOf(page, 'session-count');
}

/** Polls `read` until it returns `expected` (deep-equal) or the time is up; returns the last value. */
export async function eventually(read, expected, timeout = 15_000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected) || Date.now() > end) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Asserts that the page's export is byte-identical to the CLI's output; on a difference,
 * the message shows where the two first part.
 */
export function assertSameJson(actual, expected, label) {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const around = (s) => JSON.stringify(s.slice(Math.max(0, i - 120), i + 120));
  assert.fail(
    `${label}: export differs from the CLI's JSON at byte ${i} ` +
      `(export ${actual.length} chars, CLI ${expected.length} chars)\n` +
      `  export: ${around(actual)}\n  CLI:    ${around(expected)}`,
  );
}
