import { describe, expect, it } from 'vitest';
import { createApi } from '../src/api/client.js';
import { SignInRequired, createAuth } from '../src/auth/auth.js';
import { freshStorage, packet } from './support/fixtures.js';
import { FakeLockManager } from './support/locks.js';

const ME = { id: 3, username: 'inspector1', display_name: '张某', department: 'market_regulation', roles: ['inspector'] };
const pair = (n) => ({ access_token: `a${n}`, refresh_token: `r${n}`, token_type: 'Bearer', expires_in: 900, refresh_expires_in: 2592000 });

/** A fake auth server with rotating refresh tokens: a used one ends the family, like backend/accounts. */
function authServer() {
  const state = { issued: 0, valid: new Set(), used: new Set(), calls: [], offline: false, passwordOk: true };
  const issue = () => { state.issued += 1; state.valid.add(`r${state.issued}`); return pair(state.issued); };
  const fetch = async (url, init) => {
    state.calls.push(url);
    if (state.offline) throw new TypeError('Failed to fetch');
    const body = init.body ? JSON.parse(init.body) : null;
    const json = (status, b) => new Response(b == null ? null : JSON.stringify(b), { status, headers: { 'Content-Type': 'application/json' } });
    if (url === '/api/v1/auth/token') return state.passwordOk ? json(200, issue()) : json(401, { code: 'auth.invalid_credentials' });
    if (url === '/api/v1/auth/me') return json(200, ME);
    if (url === '/api/v1/auth/logout') { state.valid.clear(); return json(204); }
    if (url === '/api/v1/auth/refresh') {
      const t = body.refresh_token;
      if (state.used.has(t)) { state.valid.clear(); return json(401, { code: 'auth.refresh_reused' }); }
      if (!state.valid.has(t)) return json(401, { code: 'auth.refresh_invalid' });
      state.valid.delete(t);
      state.used.add(t);
      await new Promise((r) => setTimeout(r, 5)); // slow enough for two tabs to race
      return json(200, issue());
    }
    return json(404, {});
  };
  return { state, fetch };
}

function tab(storage, server, clock, locks) {
  const api = createApi({ fetch: server.fetch });
  return createAuth({ storage, api, locks, now: () => clock.t });
}

describe('sign-in', () => {
  it('stores the tokens and the user, and opens offline until the refresh token expires', async () => {
    const { storage } = await freshStorage();
    const server = authServer();
    const clock = { t: 0 };
    const auth = tab(storage, server, clock);
    await auth.signIn('inspector1', 'demo-password');
    expect(auth.state).toMatchObject({ status: 'signed-in', user: ME });
    server.state.offline = true;
    clock.t = 29 * 24 * 3600 * 1000;
    const restarted = tab(storage, server, clock);
    expect((await restarted.load()).status).toBe('signed-in');
    clock.t = 30 * 24 * 3600 * 1000 + 1;
    expect((await tab(storage, server, clock).load()).status).toBe('expired');
  });

  it('a wrong password throws the server error and stores nothing', async () => {
    const { storage } = await freshStorage();
    const server = authServer();
    server.state.passwordOk = false;
    await expect(tab(storage, server, { t: 0 }).signIn('x', 'y')).rejects.toMatchObject({ status: 401, code: 'auth.invalid_credentials' });
    expect(await storage.get('auth')).toBeUndefined();
  });

  it('signing in as someone else clears the previous user packet', async () => {
    const { storage } = await freshStorage();
    await storage.set('me', { ...ME, id: 99 });
    await storage.replacePacket(packet(), null);
    await tab(storage, authServer(), { t: 0 }).signIn('inspector1', 'p');
    expect(await storage.assignments()).toEqual([]);
  });
});

describe('tokens', () => {
  it('refreshes an access token about to expire, and only once when two tabs need it at the same time', async () => {
    const { storage } = await freshStorage();
    const server = authServer();
    const clock = { t: 0 };
    const locks = new FakeLockManager();
    await tab(storage, server, clock, locks).signIn('inspector1', 'p');
    clock.t = 850 * 1000; // within a minute of expiry
    const [a, b] = [tab(storage, server, clock, locks), tab(storage, server, clock, locks)];
    await Promise.all([a.load(), b.load()]);
    const tokens = await Promise.all([a.accessToken(), b.accessToken(), a.accessToken()]);
    expect(tokens).toEqual(['a2', 'a2', 'a2']);
    expect(server.state.calls.filter((u) => u.endsWith('/refresh'))).toHaveLength(1);
    expect(server.state.valid.has('r2')).toBe(true); // the family survived: no reuse was detected
  });

  it('a refused refresh (401) asks for the password; the records stay', async () => {
    const { storage } = await freshStorage();
    const server = authServer();
    const clock = { t: 0 };
    const auth = tab(storage, server, clock);
    await auth.signIn('inspector1', 'p');
    await storage.putRecord({ id: 'r', ownerUserId: 3, state: 'draft' });
    server.state.valid.clear();
    clock.t = 901 * 1000;
    await expect(auth.accessToken()).rejects.toBeInstanceOf(SignInRequired);
    expect(auth.state.status).toBe('expired');
    expect(await storage.getRecord('r')).toBeTruthy();
  });

  it('no network during a refresh keeps the tokens for later', async () => {
    const { storage } = await freshStorage();
    const server = authServer();
    const clock = { t: 0 };
    const auth = tab(storage, server, clock);
    await auth.signIn('inspector1', 'p');
    server.state.offline = true;
    clock.t = 901 * 1000;
    await expect(auth.accessToken()).rejects.toMatchObject({ name: 'NetworkError' });
    expect((await storage.get('auth')).refreshToken).toBe('r1');
    expect(auth.state.status).toBe('signed-in');
  });

  it('a 401 on an API call refreshes once and repeats the call with the new token', async () => {
    const { storage } = await freshStorage();
    const server = authServer();
    const clock = { t: 0 };
    const seen = [];
    let api;
    const auth = createAuth({ storage, api: { request: (...a) => api.request(...a) }, now: () => clock.t });
    api = createApi({
      getToken: (o) => auth.accessToken(o),
      fetch: async (url, init) => {
        if (url !== '/api/v1/field/packet') return server.fetch(url, init);
        seen.push(init.headers.Authorization);
        return new Response('{}', { status: init.headers.Authorization === 'Bearer a1' ? 401 : 200, headers: { 'Content-Type': 'application/json' } });
      },
    });
    await auth.signIn('inspector1', 'p');
    await api.get('/api/v1/field/packet');
    expect(seen).toEqual(['Bearer a1', 'Bearer a2']);
  });

  it('signing out revokes the tokens and forgets them and the packet', async () => {
    const { storage } = await freshStorage();
    const server = authServer();
    const auth = tab(storage, server, { t: 0 });
    await auth.signIn('inspector1', 'p');
    await storage.replacePacket(packet(), null);
    await auth.signOut();
    expect(server.state.calls).toContain('/api/v1/auth/logout');
    expect(await storage.get('auth')).toBeUndefined();
    expect(await storage.assignments()).toEqual([]);
    expect(auth.state.status).toBe('signed-out');
  });
});
