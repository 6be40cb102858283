// Sign-in with the API's tokens (POST /api/v1/auth/token, /refresh, /logout; GET /me).
//
// The refresh token lives in IndexedDB so the app opens offline for its whole lifetime
// (REFRESH_TOKEN_TTL, 30 days by default). The server rotates refresh tokens and ends the whole
// family when a used one comes back, so two tabs must never refresh at once: a refresh runs under
// a Web Lock and re-reads the stored tokens first (another tab may have refreshed already).
import { ApiError, NetworkError } from '../api/client.js';

export const AUTH_LOCK = 'ssgk-auth-refresh';
const EARLY_MS = 60 * 1000; // refresh this long before the access token expires

export class SignInRequired extends Error {
  constructor(message = 'sign in required') { super(message); this.name = 'SignInRequired'; this.status = 401; }
}

export function withLock(locks, name, fn) {
  return locks ? locks.request(name, fn) : fn();
}

export function createAuth({ storage, api, locks = globalThis.navigator?.locks, now = () => Date.now() }) {
  let inflight = null;
  const listeners = new Set();
  let state = { status: 'unknown', user: null, username: null, refreshExpiresAt: null };

  function set(patch) {
    state = { ...state, ...patch };
    listeners.forEach((fn) => fn(state));
  }

  function tokensFrom(pair, username) {
    const t = now();
    return { accessToken: pair.access_token, refreshToken: pair.refresh_token,
      accessExpiresAt: t + pair.expires_in * 1000, refreshExpiresAt: t + pair.refresh_expires_in * 1000, username };
  }

  /** On start: signed in (online or not) while the refresh token has not expired by the device clock. */
  async function load() {
    const tokens = await storage.get('auth');
    const user = (await storage.get('me')) ?? null;
    const lastUsername = (await storage.get('last-username')) ?? null;
    if (tokens && tokens.refreshExpiresAt > now()) {
      set({ status: 'signed-in', user, username: tokens.username, refreshExpiresAt: tokens.refreshExpiresAt });
    } else {
      set({ status: tokens ? 'expired' : 'signed-out', user: tokens ? user : null, username: tokens?.username ?? lastUsername,
        refreshExpiresAt: null });
    }
    return state;
  }

  async function signIn(username, password) {
    const { data } = await api.request('POST', '/api/v1/auth/token', { json: { username, password }, auth: false });
    const tokens = tokensFrom(data, username);
    const previous = await storage.get('me');
    await storage.set('auth', tokens);
    const me = (await api.request('GET', '/api/v1/auth/me', {
      auth: false, headers: { Authorization: `Bearer ${tokens.accessToken}` } })).data;
    if (previous && previous.id !== me.id) await storage.clearPacket(); // the packet was someone else's
    await storage.set('me', me);
    await storage.set('last-username', username);
    set({ status: 'signed-in', user: me, username, refreshExpiresAt: tokens.refreshExpiresAt });
    return me;
  }

  async function refreshLocked(rejected) {
    return withLock(locks, AUTH_LOCK, async () => {
      const tokens = await storage.get('auth');
      if (!tokens) throw new SignInRequired();
      // Another tab may have refreshed while we waited for the lock.
      if (tokens.accessToken !== rejected && tokens.accessExpiresAt - EARLY_MS > now()) return tokens.accessToken;
      if (tokens.refreshExpiresAt <= now()) {
        set({ status: 'expired', refreshExpiresAt: null });
        throw new SignInRequired('session expired');
      }
      let data;
      try {
        ({ data } = await api.request('POST', '/api/v1/auth/refresh',
          { json: { refresh_token: tokens.refreshToken }, auth: false }));
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          await storage.del('auth');
          set({ status: 'expired', refreshExpiresAt: null });
          throw new SignInRequired(err.message);
        }
        throw err; // network trouble or 5xx: keep the tokens, try again later
      }
      const next = tokensFrom(data, tokens.username);
      await storage.set('auth', next);
      set({ status: 'signed-in', refreshExpiresAt: next.refreshExpiresAt });
      return next.accessToken;
    });
  }

  /**
   * A current access token; refreshes when it is about to expire, or when the server refused
   * `rejected` (401). One refresh per tab at a time, and across tabs under the lock.
   */
  async function accessToken({ rejected = null } = {}) {
    const tokens = await storage.get('auth');
    if (!tokens) throw new SignInRequired();
    if (tokens.accessToken !== rejected && tokens.accessExpiresAt - EARLY_MS > now()) return tokens.accessToken;
    if (!inflight) {
      const p = refreshLocked(rejected);
      inflight = p;
      p.finally(() => { if (inflight === p) inflight = null; }).catch(() => {});
    }
    return inflight;
  }

  /** Sign out: revoke the refresh family when the network allows; forget tokens and the packet. */
  async function signOut() {
    const tokens = await storage.get('auth');
    if (tokens) {
      await api.request('POST', '/api/v1/auth/logout', { json: { refresh_token: tokens.refreshToken }, auth: false, timeout: 5000 })
        .catch((err) => { if (!(err instanceof NetworkError || err instanceof ApiError)) throw err; });
    }
    await storage.del('auth');
    await storage.del('me');
    await storage.clearPacket();
    set({ status: 'signed-out', user: null, refreshExpiresAt: null });
  }

  async function refreshUser() {
    const { data } = await api.request('GET', '/api/v1/auth/me');
    await storage.set('me', data);
    set({ user: data });
    return data;
  }

  return {
    load, signIn, signOut, accessToken, refreshUser,
    get state() { return state; },
    subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); },
  };
}

export function hasRole(user, ...roles) {
  return Boolean(user?.roles?.some((r) => roles.includes(r)));
}
