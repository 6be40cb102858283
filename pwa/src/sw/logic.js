// The service worker's decisions, as plain functions (tested in Node): which cache is ours,
// how a request is routed, and whether an open draft holds the update back.

export const CACHE_PREFIX = 'ssgk-app-';

export function cacheName(version) {
  return `${CACHE_PREFIX}${version}`;
}

/** On activate every cache but this version's goes: older app versions and anything unknown. */
export function cachesToDelete(names, version) {
  return names.filter((n) => n !== cacheName(version));
}

/**
 * 'shell'    a navigation to the app (/ or /index.html): the precached index.html, so the app opens offline
 * 'precache' a file of this build: from the cache (hashed names never change)
 * 'network'  everything else: the API, /healthz, /sw.js, other pages, other origins, non-GET.
 *            The app keeps its data in IndexedDB; the worker never caches API answers.
 */
export function routeFor({ method, url, mode }, origin, precache) {
  if (method !== 'GET') return 'network';
  const u = new URL(url);
  if (u.origin !== origin) return 'network';
  if (u.pathname.startsWith('/api/') || u.pathname === '/healthz' || u.pathname === '/sw.js') return 'network';
  if (mode === 'navigate') return u.pathname === '/' || u.pathname === '/index.html' ? 'shell' : 'network';
  return precache.includes(u.pathname) ? 'precache' : 'network';
}

/** Does any open window (by client id) have an unsent draft open? Then the update waits. */
export function draftBlocks(drafts, liveClientIds) {
  for (const [id, open] of drafts) {
    if (open && liveClientIds.has(id)) return true;
  }
  return false;
}
