// The service worker: caches this build's files and routes requests. Nothing else (no data,
// no sync: those live in the page, src/storage and src/sync). Built by build/sw-plugin.js,
// which replaces __VERSION__ and __PRECACHE__.
//
// Updates: a new worker installs and precaches next to the old one, then waits. The page shows
// "Update available" (never while a draft is open); only when the inspector agrees does it post
// SKIP_WAITING, and the worker refuses if any window reported an open draft. After activation
// the page reloads on controllerchange.
import { cacheName, cachesToDelete, draftBlocks, routeFor } from './logic.js';

/* global __VERSION__, __PRECACHE__ */
const VERSION = __VERSION__;
const PRECACHE = __PRECACHE__;
const CACHE = cacheName(VERSION);
const drafts = new Map(); // window client id -> has an open draft

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // 'reload': straight from the server, never a stale copy from the HTTP cache
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(cachesToDelete(names, VERSION).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

async function fromCache(request, key) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key ?? request);
  return hit ?? fetch(request);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const route = routeFor({ method: request.method, url: request.url, mode: request.mode }, self.location.origin, PRECACHE);
  if (route === 'shell') event.respondWith(fromCache(request, '/'));
  else if (route === 'precache') event.respondWith(fromCache(request));
});

self.addEventListener('message', (event) => {
  const msg = event.data ?? {};
  const source = event.source;
  if (msg.type === 'DRAFT' && source) drafts.set(source.id, Boolean(msg.open));
  if (msg.type === 'GET_VERSION' && source) source.postMessage({ type: 'VERSION', version: VERSION });
  if (msg.type === 'SKIP_WAITING') {
    event.waitUntil((async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      if (draftBlocks(drafts, new Set(windows.map((c) => c.id)))) {
        source?.postMessage({ type: 'UPDATE_BLOCKED' });
        return;
      }
      await self.skipWaiting();
    })());
  }
});
