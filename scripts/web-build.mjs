// Helpers shared by the two post-processing steps of the browser build: scripts/post-build.mjs
// (dist/, run by Trunk) and scripts/build-single.mjs (the single-file build). They deal with
// the Content-Security-Policy: the hashes of inline scripts and styles, and the <meta> itself.

import crypto from 'node:crypto';

/** SHA-256 of a string (as UTF-8) or bytes, base64, as CSP source expressions want it. */
export function sha256Base64(data) {
  return crypto.createHash('sha256').update(data).digest('base64');
}

/** The text of every inline `<script>` (those without `src`) of the HTML, in order. */
export function inlineScripts(html) {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)]
    .filter((match) => !/\bsrc\s*=/i.test(match[1]) && isJavaScriptType(match[1]))
    .map((match) => match[2]);
}

/** The text of every `<style>` element of the HTML, in order. */
export function inlineStyles(html) {
  return [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)].map((match) => match[1]);
}

/** Classic or module scripts run; data blocks (`type="application/octet-stream"`...) do not. */
function isJavaScriptType(attributes) {
  const type = /\btype\s*=\s*["']?([^"'\s>]*)/i.exec(attributes)?.[1]?.toLowerCase() ?? '';
  return type === '' || type === 'module' || type === 'text/javascript' || type === 'application/javascript';
}

/** The `<meta http-equiv>` carrying `policy` (which holds no quote that needs escaping but `'`). */
export function cspMeta(policy) {
  if (policy.includes('"') || policy.includes('<')) throw new Error(`odd CSP: ${policy}`);
  return `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
}

/** The HTML without a CSP <meta> that an earlier run put in (and the line it stood on). */
export function withoutCsp(html) {
  return html.replace(/\n?[ \t]*<meta http-equiv="Content-Security-Policy"[^>]*>/gi, '');
}
