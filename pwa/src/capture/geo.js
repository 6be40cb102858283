// One GPS fix with its accuracy, or the reason there is none (recorded, never fatal).

const ERRORS = { 1: 'permission_denied', 2: 'position_unavailable', 3: 'timeout' };

export function round(n, places) {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}

/**
 * Answers {ok: true, fix: {lat, lon, accuracy_m, atMs}} or {ok: false, error}. Coordinates are
 * WGS-84 as the phone reports them, rounded to 6 decimals (~0.1 m); accuracy to 0.1 m.
 */
export function getFix({ geolocation = globalThis.navigator?.geolocation, timeoutMs = 15000, maximumAgeMs = 30000 } = {}) {
  return new Promise((resolve) => {
    if (!geolocation) { resolve({ ok: false, error: 'unsupported' }); return; }
    let settled = false;
    const finish = (value) => { if (!settled) { settled = true; resolve(value); } };
    // Some browsers never call back when the permission prompt is dismissed: our own timer too.
    const guard = setTimeout(() => finish({ ok: false, error: 'timeout' }), timeoutMs + 2000);
    geolocation.getCurrentPosition(
      (pos) => {
        clearTimeout(guard);
        finish({ ok: true, fix: { lat: round(pos.coords.latitude, 6), lon: round(pos.coords.longitude, 6),
          accuracy_m: round(pos.coords.accuracy, 1), atMs: pos.timestamp || Date.now() } });
      },
      (err) => { clearTimeout(guard); finish({ ok: false, error: ERRORS[err.code] ?? 'position_unavailable' }); },
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: maximumAgeMs },
    );
  });
}
