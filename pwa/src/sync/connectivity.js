// Are we online? navigator.onLine only says a network interface is up (a captive portal, a
// dead access point and a blocked intranet all say "online"), so we ask the server itself.

/** true when GET /healthz answers our own JSON ({"status": ...}) within the timeout. */
export async function probeServer(fetchFn = (...a) => globalThis.fetch(...a), { url = '/healthz', timeoutMs = 8000 } = {}) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const res = await fetchFn(url, { cache: 'no-store', signal: ctl.signal, credentials: 'omit' });
    if (!res.ok) return false; // 503: the server is up but cannot take records now
    const body = await res.json().catch(() => null);
    return typeof body?.status === 'string';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
