// fetch with a timeout, bearer tokens and problem JSON. No DOM here.

/** The server answered with an error status; `code` etc. come from its problem JSON. */
export class ApiError extends Error {
  constructor(status, problem = {}, headers = null) {
    super(problem.message || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code ?? `http.${status}`;
    this.errors = problem.errors ?? {};
    this.details = problem.details ?? {};
    this.retryAfter = headers?.get?.('Retry-After') ?? null;
  }
}

/** No answer at all: no network, DNS, a reset connection, or the timeout. */
export class NetworkError extends Error {
  constructor(message, cause) {
    super(message);
    this.name = 'NetworkError';
    this.status = 0;
    this.cause = cause;
  }
}

async function parseBody(response) {
  const type = response.headers.get('Content-Type') ?? '';
  if (response.status === 204 || response.status === 304) return null;
  if (type.includes('json')) {
    try { return await response.json(); } catch { return null; }
  }
  return null;
}

/**
 * `getToken({rejected})` gives a current access token, refreshing when it is about to expire or
 * when the server refused `rejected` with a 401 (password changed elsewhere, key rotated, ...).
 */
export function createApi({ fetch = (...a) => globalThis.fetch(...a), base = '', timeoutMs = 30000,
  getToken = async () => null } = {}) {
  async function raw(method, path, { json, text, headers = {}, auth = true, timeout = timeoutMs, signal, rejected } = {}) {
    const h = { Accept: 'application/json', ...headers };
    let body;
    if (json !== undefined) { body = JSON.stringify(json); h['Content-Type'] = 'application/json'; }
    if (text !== undefined) { body = text; h['Content-Type'] = 'application/json'; }
    let token = null;
    if (auth) {
      token = await getToken({ rejected });
      if (token) h.Authorization = `Bearer ${token}`;
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeout);
    const onAbort = () => ctl.abort();
    signal?.addEventListener('abort', onAbort);
    try {
      const response = await fetch(base + path, { method, headers: h, body, signal: ctl.signal, cache: 'no-store', credentials: 'omit' });
      response.sentToken = token;
      return response;
    } catch (err) {
      throw new NetworkError(ctl.signal.aborted ? 'timeout' : 'network error', err);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Answers {status, data, headers}; a status not 2xx (nor in `accept`) throws ApiError. */
  async function request(method, path, options = {}) {
    let response = await raw(method, path, options);
    if (response.status === 401 && options.auth !== false && response.sentToken) {
      response = await raw(method, path, { ...options, rejected: response.sentToken }); // refreshes once
    }
    const data = await parseBody(response);
    if ((response.status >= 200 && response.status < 300) || (options.accept ?? []).includes(response.status)) {
      return { status: response.status, data, headers: response.headers };
    }
    throw new ApiError(response.status, data ?? {}, response.headers);
  }

  return {
    raw,
    request,
    get: (path, o) => request('GET', path, o),
    post: (path, json, o = {}) => request('POST', path, { ...o, json }),
  };
}
