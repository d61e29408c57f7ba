// The single-file build: turns a built dist/ into one HTML file that works when opened from
// disk (file://), for air-gapped machines. `node scripts/build-single.mjs DIST OUT` (see
// scripts/build-single).
//
// Everything is inlined: the stylesheets as one <style>, the app's JavaScript in the boot
// module script, and the app's WebAssembly, the worker's JavaScript and the worker's
// WebAssembly as base64 in data blocks (<script type="application/octet-stream">, which never
// run). A page opened from a file cannot start a Web Worker from a file, so the boot script
// makes a `blob:` URL of a worker script (the worker's JavaScript followed by the start of its
// WebAssembly from the embedded bytes) and puts it in `<html data-worker-url>` before the app
// starts; the app's loader starts its workers from that URL. The page has its own
// Content-Security-Policy (hashes of its inline script and style, `blob:` workers) and no
// service worker (`<html data-single-file>` tells the app not to register one).

import fs from 'node:fs';
import path from 'node:path';

import { cspMeta, inlineScripts, inlineStyles, sha256Base64, withoutCsp } from './web-build.mjs';

/** The worker's loader shim, as Trunk writes it (and as src/web/loader.rs starts it). */
const WORKER_LOADER = 'logonscope-worker_loader.js';

function main() {
  const [dist, out] = process.argv.slice(2);
  if (!dist || !out) fail('usage: build-single.mjs DIST OUT.html');
  const read = (name) => {
    const file = path.join(dist, name);
    if (!fs.existsSync(file)) fail(`${file} is missing: build the app first (bash scripts/build-web)`);
    return fs.readFileSync(file);
  };

  let html = withoutCsp(read('index.html').toString('utf8'));

  // Trunk's boot script names the app's JavaScript and WebAssembly.
  const boot = inlineScripts(html).find((script) => script.includes('module_or_path'));
  if (!boot) fail('index.html has no Trunk boot script (`init({ module_or_path })`)');
  const mainJsName = relativeName(/\bfrom\s+["']([^"']+\.js)["']/.exec(boot)?.[1], 'the app script');
  const mainWasmName = relativeName(/module_or_path:\s*["']([^"']+\.wasm)["']/.exec(boot)?.[1], 'the app wasm');
  // The worker's loader shim names the worker's JavaScript and WebAssembly.
  const shim = read(WORKER_LOADER).toString('utf8');
  const workerJsName = relativeName(/importScripts\(\s*["']([^"']+)["']/.exec(shim)?.[1], 'the worker script');
  const workerWasmName = relativeName(/wasm_bindgen\(\s*["']([^"']+)["']/.exec(shim)?.[1], 'the worker wasm');

  const mainJs = read(mainJsName).toString('utf8');
  const workerJs = read(workerJsName).toString('utf8');
  if (!/^let wasm_bindgen = /m.test(workerJs)) fail(`${workerJsName} is not wasm-bindgen's no-modules output`);
  for (const [name, text] of [[mainJsName, mainJs]]) {
    // Inside a <script> element these would end it early (or change how it is parsed).
    if (/<\/script|<!--/i.test(text)) fail(`${name} holds "</script" or "<!--": it cannot be inlined as is`);
  }

  // The stylesheets, in the order of the page.
  const styleLinks = [...html.matchAll(/<link\b[^>]*\brel=["']?stylesheet["']?[^>]*>/gi)];
  const css = styleLinks
    .map((link) => relativeName(/\bhref=["']([^"']+)["']/.exec(link[0])?.[1], 'a stylesheet'))
    .map((name) => `/* ${name} */\n${read(name).toString('utf8')}`)
    .join('\n');
  if (/<\/style/i.test(css)) fail('a stylesheet holds "</style": it cannot be inlined as is');
  if (/url\(\s*["']?(?!data:)/i.test(css)) fail('a stylesheet loads a file (url(...)): inline it as data: first');

  // Out: Trunk's script, preloads and stylesheet links; in: the inlined files.
  html = html
    .replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>\s*/gi, '')
    .replace(/<link\b[^>]*\brel=["']?(?:modulepreload|preload|stylesheet)["']?[^>]*>\s*/gi, '')
    .replace(/<html\b/i, '<html data-single-file');

  const bootModule = `${mainJs}
// ---- the single-file boot (scripts/build-single.mjs) ----
{
  const bytesOf = (id) => {
    const text = document.getElementById(id).textContent.trim();
    return Uint8Array.fromBase64 ? Uint8Array.fromBase64(text) : Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  };
  // The worker: its own JavaScript, then the start of its WebAssembly from the embedded bytes.
  const workerSource = [
    new TextDecoder().decode(bytesOf('logonscope-worker-js')),
    '\\n;wasm_bindgen({ module_or_path: Uint8Array.from(atob("',
    document.getElementById('logonscope-worker-wasm').textContent.trim(),
    '"), (c) => c.charCodeAt(0)) });\\n',
  ];
  const workerUrl = URL.createObjectURL(new Blob(workerSource, { type: 'text/javascript' }));
  document.documentElement.setAttribute('data-worker-url', workerUrl);
  const wasm = await __wbg_init({ module_or_path: bytesOf('logonscope-main-wasm') });
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
}
`;
  const dataBlock = (id, bytes) =>
    `<script type="application/octet-stream" id="${id}">${bytes.toString('base64')}</script>`;
  const inlined = [
    `<style>\n${css}\n</style>`,
    dataBlock('logonscope-main-wasm', read(mainWasmName)),
    dataBlock('logonscope-worker-js', Buffer.from(workerJs, 'utf8')),
    dataBlock('logonscope-worker-wasm', read(workerWasmName)),
    `<script type="module">\n${bootModule}</script>`,
  ].join('\n');
  if (!/<\/head>/i.test(html)) fail('index.html has no </head>');
  html = html.replace(/<\/head>/i, () => `${inlined}\n</head>`);

  // Nothing may be left that points to a file.
  for (const match of html.matchAll(/\s(?:src|href)\s*=\s*["']([^"']*)["']/gi)) {
    if (!match[1].startsWith('data:')) fail(`the single file still loads ${match[1]}`);
  }

  const scriptHashes = inlineScripts(html).map((s) => `'sha256-${sha256Base64(s)}'`);
  const styleHashes = inlineStyles(html).map((s) => `'sha256-${sha256Base64(s)}'`);
  const policy = [
    "default-src 'none'",
    `script-src 'wasm-unsafe-eval' ${scriptHashes.join(' ')}`,
    `style-src ${styleHashes.join(' ')}`,
    'img-src data: blob:',
    // The workers run from the blob: URL made by the boot script (and inherit this policy).
    'worker-src blob:',
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const charset = /<meta\s+charset=[^>]*>/i.exec(html);
  if (!charset) fail('index.html has no <meta charset>');
  const at = charset.index + charset[0].length;
  html = `${html.slice(0, at)}\n    ${cspMeta(policy)}${html.slice(at)}`;

  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, html);
  const mib = (fs.statSync(out).size / (1 << 20)).toFixed(1);
  console.log(`build-single: ${out} (${mib} MiB)`);
}

/** `./name` or `name` → `name`; anything else (absolute, another folder) is refused. */
function relativeName(url, what) {
  if (!url) fail(`could not find ${what}`);
  const name = url.replace(/^\.\//, '');
  if (!/^[A-Za-z0-9._-]+$/.test(name)) fail(`${what} is ${url}: expected a file beside index.html`);
  return name;
}

function fail(message) {
  console.error(`build-single: ${message}`);
  process.exit(1);
}

main();
