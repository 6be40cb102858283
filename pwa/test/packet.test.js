import { describe, expect, it } from 'vitest';
import { createApi } from '../src/api/client.js';
import { refreshPacket } from '../src/sync/packet.js';
import { freshStorage, packet } from './support/fixtures.js';

function fakeFetch(answers) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, headers: init.headers });
    const [status, body, headers = {}] = answers.shift();
    return new Response(body == null ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
  };
  return { fetch, calls };
}

describe('the task packet', () => {
  it('is fetched whole, then asked for with If-None-Match and since=, answering 304 or a delta', async () => {
    const { storage } = await freshStorage();
    const { fetch, calls } = fakeFetch([
      [200, packet(40), { ETag: '"p40"' }],
      [304, null],
      [200, { version: 42, since: 40, assignments: [], removed_assignment_ids: [1002], templates: {} }, { ETag: '"p42"' }],
    ]);
    const api = createApi({ fetch, getToken: async () => 'tok' });
    expect(await refreshPacket({ api, storage })).toBe('full');
    expect(await refreshPacket({ api, storage })).toBe('unchanged');
    expect(await refreshPacket({ api, storage })).toBe('delta');
    expect(calls.map((c) => [c.url, c.headers['If-None-Match'] ?? null])).toEqual([
      ['/api/v1/field/packet', null], ['/api/v1/field/packet?since=40', '"p40"'], ['/api/v1/field/packet?since=40', '"p40"']]);
    expect(calls[0].headers.Authorization).toBe('Bearer tok');
    expect((await storage.assignments()).map((a) => a.id)).toEqual([1001]);
  });

  it('takes an answer with "since": null as the whole packet', async () => {
    const { storage } = await freshStorage();
    await storage.replacePacket(packet(1), '"p1"');
    const whole = { ...packet(50), since: null, assignments: [packet().assignments[1]] };
    const { fetch } = fakeFetch([[200, whole, { ETag: '"p50"' }]]);
    expect(await refreshPacket({ api: createApi({ fetch }), storage })).toBe('full');
    expect((await storage.assignments()).map((a) => a.id)).toEqual([1002]);
  });
});
