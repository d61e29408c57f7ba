// The service worker of the logonscope app: after one visit the app loads and works with the
// network off. This file is a template: the post-build step (scripts/post-build.mjs) replaces
// the BUILD line below with the list of the build's files and a version derived from their
// content, and writes the result as sw.js at the root of dist/.
//
// - install: every file of the build goes into one cache named after the scope and the version
//   (the cache only ever holds one build whole, so the files it serves always fit together);
// - activate: the caches of older builds of this scope are deleted (another copy of the app
//   served from another path of the same origin keeps its own);
// - navigations and files whose name carries no content hash (index.html, the worker's files):
//   network first, the cached copy when the network fails, so a new build is picked up as soon
//   as the page is online;
// - files whose name carries a content hash: cache first (they never change);
// - anything else (other origins, other methods, files not in the build) is left alone.

const BUILD = { version: 'template', files: [], hashed: [] }; // replaced at build time

const SCOPE = self.registration.scope;
const PREFIX = `logonscope ${SCOPE} `;
const CACHE = PREFIX + BUILD.version;
const INDEX = new URL('index.html', SCOPE).href;
const FILES = new Set(BUILD.files.map((name) => new URL(name, SCOPE).href));
const HASHED = new Set(BUILD.hashed.map((name) => new URL(name, SCOPE).href));

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload`: straight from the server, never from the HTTP cache, which may hold files of
      // another build.
      await cache.addAll([...FILES].map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  url.hash = '';
  const key = url.href;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, INDEX));
  } else if (HASHED.has(key)) {
    event.respondWith(cacheFirst(request, key));
  } else if (FILES.has(key)) {
    event.respondWith(networkFirst(request, key));
  }
});

async function cacheFirst(request, key) {
  const cached = await cachedCopy(key);
  return cached ?? fetch(request);
}

async function networkFirst(request, key) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await cachedCopy(key);
    if (cached) return cached;
    throw error;
  }
}

async function cachedCopy(key) {
  const cache = await caches.open(CACHE);
  return cache.match(key);
}
