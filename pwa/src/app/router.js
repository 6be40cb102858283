// Hash routes (#/a/1001): the server only ever serves "/", so every screen opens offline.

const ROUTES = [
  ['assignments', /^\/?$/],
  ['assignments', /^\/assignments\/(today|upcoming|done)$/, ['tab']],
  ['assignment', /^\/a\/(\d+)$/, ['id']],
  ['check', /^\/check\/([0-9a-f-]{36})(?:\/([a-z0-9_@.-]+))?$/i, ['id', 'step']],
  ['record', /^\/r\/([0-9a-f-]{36})$/i, ['id']],
  ['sync', /^\/sync$/],
  ['settings', /^\/settings$/],
  ['queue', /^\/review$/],
  ['review', /^\/review\/([^/]+)$/, ['id']],
];

export function parseRoute(hash) {
  const path = decodeURIComponent((hash ?? '').replace(/^#/, '')) || '/';
  for (const [name, re, keys = []] of ROUTES) {
    const m = re.exec(path);
    if (m) return { name, params: Object.fromEntries(keys.map((k, i) => [k, m[i + 1]])) };
  }
  return { name: 'notfound', params: { path } };
}

export function navigate(path, { replace = false } = {}) {
  const hash = `#${path}`;
  if (replace) window.location.replace(hash);
  else window.location.hash = hash;
}
