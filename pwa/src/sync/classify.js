// What to do with an answer from the server (STYLE.md: workbox treats a 409 or a 500 as
// delivered; we classify ourselves).
//   ok        2xx: delivered
//   retry     network error, timeout, 408, 429, 5xx: try again later (backoff)
//   signin    401: the tokens no longer work; ask for the password, keep everything
//   conflict  409, 412, 422: park the record as a visible conflict; never retried by itself
//   rejected  any other 4xx (400, 403, 404, 413, 428, ...): park with the reason; retried only
//             when the inspector asks (it will not fix itself)

export const RETRY = 'retry';

export function classifyStatus(status) {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 429 || status >= 500) return RETRY;
  if (status === 401) return 'signin';
  if (status === 409 || status === 412 || status === 422) return 'conflict';
  if (status >= 400) return 'rejected';
  return RETRY; // 1xx/3xx reaching us means a proxy misbehaved: try again later
}

/** Classify a thrown error: a response-carrying ApiError by its status, anything else is the network. */
export function classifyError(err) {
  if (err && typeof err.status === 'number' && err.status > 0) return classifyStatus(err.status);
  return RETRY;
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or null. */
export function retryAfterMs(value, now = Date.now()) {
  if (value == null || value === '') return null;
  if (/^\d+$/.test(String(value).trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
