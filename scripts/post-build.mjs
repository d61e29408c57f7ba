// Trunk's post-build step (Trunk.toml `[[hooks]]`, run over $TRUNK_STAGING_DIR, or by hand
// over a built dist/: `node scripts/post-build.mjs dist`). It makes the build safe to host
// anywhere and usable offline:
//
// - checks that every URL in index.html is relative (the app is served under any sub-path) and
//   that no file of the build names another origin's URL in a src/href/import;
// - puts a Content-Security-Policy <meta> at the top of index.html that allows the page's own
//   files only, WebAssembly, and Trunk's inline boot script by its hash (that script names the
//   hashed file names, so it changes with every build and its hash is computed here);
// - writes sw.js, the service worker, from www/sw.js with the list of the build's files and a
//   version derived from their content.
//
// Idempotent: running it twice over the same directory gives the same files.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { cspMeta, inlineScripts, sha256Base64, withoutCsp } from './web-build.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TEMPLATE = path.join(HERE, '..', 'www', 'sw.js');
const SERVICE_WORKER = 'sw.js';

/** A name written by Trunk with a content hash: `style-7e51a0638bacb7d1.css`, `x-<hash>_bg.wasm`. */
const HASHED_NAME = /-[0-9a-f]{12,16}(_bg)?\.[a-z0-9]+$/;

function main() {
  const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
  if (!dir) fail('usage: post-build.mjs DIR (or run by Trunk, with TRUNK_STAGING_DIR set)');
  const indexPath = path.join(dir, 'index.html');
  if (!fs.existsSync(indexPath)) fail(`${indexPath} is missing`);

  let html = withoutCsp(fs.readFileSync(indexPath, 'utf8'));
  checkRelativeUrls(html);
  const hashes = inlineScripts(html).map((script) => `'sha256-${sha256Base64(script)}'`);
  const policy = [
    "default-src 'self'",
    // 'wasm-unsafe-eval': compiling WebAssembly, nothing else (no eval, no new Function).
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  html = insertAfterCharset(html, cspMeta(policy));
  fs.writeFileSync(indexPath, html);

  const files = listFiles(dir).filter((name) => name !== SERVICE_WORKER);
  for (const name of files.filter((n) => /\.(js|html|css)$/.test(n))) {
    checkNoOtherOrigin(name, fs.readFileSync(path.join(dir, name), 'utf8'));
  }
  writeServiceWorker(dir, files);
  console.log(`post-build: CSP with ${hashes.length} inline script hash(es); sw.js over ${files.length} files`);
}

/** Every src/href in the HTML is relative to the page (no leading `/`, no scheme). */
function checkRelativeUrls(html) {
  for (const match of html.matchAll(/\s(?:src|href)\s*=\s*["']([^"']*)["']/gi)) {
    const url = match[1];
    if (/^(\/|[a-z][a-z0-9+.-]*:)/i.test(url)) {
      fail(`index.html: ${JSON.stringify(url)} is not a relative URL (the app must work under any path)`);
    }
  }
  for (const match of html.matchAll(/(?:\bfrom|\bimport\s*\(|module_or_path:)\s*["']([^"']*)["']/g)) {
    if (!match[1].startsWith('./')) fail(`index.html: the boot script loads ${match[1]}, not a relative URL`);
  }
}

/** No script, style or page of the build loads anything from another origin. */
function checkNoOtherOrigin(name, text) {
  const patterns = [
    /\bimport\s*\(?\s*["'](?:https?:)?\/\/[^"']+["']/g, // import "//cdn..." / import("https://...")
    /\bimportScripts\s*\(\s*["'](?:https?:)?\/\/[^"']+["']/g,
    /@import\s+(?:url\()?\s*["']?(?:https?:)?\/\//g,
    /url\(\s*["']?(?:https?:)?\/\//g,
    /<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["'](?:https?:)?\/\//gi,
  ];
  for (const pattern of patterns) {
    const found = text.match(pattern);
    if (found) fail(`${name}: loads from another origin: ${found[0]}`);
  }
}

/** Puts `meta` right after `<meta charset>`, so that the policy covers everything after it. */
function insertAfterCharset(html, meta) {
  const charset = /<meta\s+charset=[^>]*>/i.exec(html);
  if (!charset) fail('index.html has no <meta charset>');
  const at = charset.index + charset[0].length;
  return `${html.slice(0, at)}\n    ${meta}${html.slice(at)}`;
}

/** Every file under `dir`, as `/`-separated paths relative to it, sorted; dot files left out. */
function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

function writeServiceWorker(dir, files) {
  // The version: a digest of every file's name and bytes, so any change to the build makes a
  // new service worker (the browser compares sw.js byte for byte) and a new cache.
  const digest = files
    .map((name) => `${name}\0${sha256Base64(fs.readFileSync(path.join(dir, name)))}`)
    .join('\n');
  const build = {
    version: sha256Base64(digest).replace(/[^A-Za-z0-9]/g, '').slice(0, 20),
    files,
    hashed: files.filter((name) => HASHED_NAME.test(name)),
  };
  const template = fs.readFileSync(TEMPLATE, 'utf8');
  const marker = /^const BUILD = .*;.*$/m;
  if (!marker.test(template)) fail(`${TEMPLATE} has no \`const BUILD = ...;\` line`);
  const line = `const BUILD = ${JSON.stringify(build, null, 2)};`;
  fs.writeFileSync(path.join(dir, SERVICE_WORKER), template.replace(marker, () => line));
}

function fail(message) {
  console.error(`post-build: ${message}`);
  process.exit(1);
}

main();
