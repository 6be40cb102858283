import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Upload } from 'tus-js-client';
import { createUploader } from '../src/sync/tus.js';
import { evidence, freshStorage } from './support/fixtures.js';
import { FakeTusServer } from './support/tus-server.js';

const CHUNK = 1024;

function photo(id, size = 3000, { corrupt = false } = {}) {
  const bytes = Buffer.alloc(size, id.charCodeAt(0));
  const sha = createHash('sha256').update(bytes).digest('hex');
  return evidence(id, 'rec-1', { bytes: corrupt ? Buffer.alloc(size, 0) : bytes, sha256: sha, size });
}

async function setup(server = new FakeTusServer()) {
  const { storage } = await freshStorage();
  let token = 'token-1';
  const api = { get: async (path) => ({ data: server.state(path) }) };
  const make = () => createUploader({ Upload, baseStack: server, storage, api, getToken: async () => token, chunkSize: CHUNK,
    retryDelays: [0, 0, 0] });
  return { server, storage, uploader: make(), make, setToken: (t) => { token = t; } };
}

describe('tus uploads', () => {
  it('sends the metadata the server requires, chunk by chunk, each with a SHA-256 checksum and the bearer token', async () => {
    const { server, uploader } = await setup();
    const item = photo('p');
    const progress = [];
    await uploader.upload(item, { onProgress: (sent) => progress.push(sent) });
    const [upload] = server.uploads.values();
    expect(upload.state).toBe('completed');
    expect(upload.metadata).toMatchObject({ filetype: 'image/jpeg', sha256: item.sha256, record_id: 'rec-1', evidence_id: 'p' });
    expect(upload.metadata.filename).toBeTruthy();
    expect(upload.chunks).toBe(3);
    const patches = server.log.filter((r) => r.method === 'PATCH');
    expect(patches.every((r) => /^sha256 [A-Za-z0-9+/]+=*$/.test(r.headers['Upload-Checksum']))).toBe(true);
    expect(server.log.every((r) => r.headers.Authorization === 'Bearer token-1')).toBe(true);
    expect(progress.at(-1)).toBe(3000);
  });

  it('a lost answer to the completion check is asked again, not a failed upload', async () => {
    const { server } = await setup();
    let lost = 1;
    const real = server.state.bind(server);
    const flaky = createUploader({ Upload, baseStack: server, storage: (await freshStorage()).storage, chunkSize: CHUNK,
      retryDelays: [0, 0, 0], getToken: async () => 'token-1',
      api: { get: async (path) => { if (lost) { lost -= 1; throw new TypeError('Failed to fetch'); } return { data: real(path) }; } } });
    const result = await flaky.upload(photo('g'));
    expect(result.state.state).toBe('completed');
    expect(lost).toBe(0);
  });

  it('a completion check that keeps failing is a retry for later', async () => {
    const { server } = await setup();
    const flaky = createUploader({ Upload, baseStack: server, storage: (await freshStorage()).storage, chunkSize: CHUNK,
      retryDelays: [0, 0, 0], getToken: async () => 'token-1',
      api: { get: async () => { throw new TypeError('Failed to fetch'); } } });
    await expect(flaky.upload(photo('h'))).rejects.toMatchObject({ kind: 'retry' });
  });

  it('resumes from the server offset after the app restarts (fingerprint = evidence id, URL kept in IndexedDB)', async () => {
    const { server, storage, make } = await setup();
    const item = photo('q', 5000);
    // the connection drops for good during the third chunk: the first upload gives up
    const third = (req) => (req.method === 'PATCH' && server.uploads.get('u1').data.length >= 2 * CHUNK ? 'drop' : undefined);
    server.faults.push(third, third, third, third); // the first try and its three retries
    await expect(make().upload(item)).rejects.toMatchObject({ kind: 'retry' });
    const [stored] = await storage.findUploadsByFingerprint('ssgk-evidence-q');
    expect(stored.uploadUrl).toMatch(/\/api\/v1\/uploads\/u1$/);
    const sentBefore = server.uploads.get('u1').data.length;
    expect(sentBefore).toBe(2 * CHUNK);
    server.faults.length = 0;
    server.log.length = 0;
    await make().upload(item); // a new uploader: the app was restarted
    expect(server.log[0].method).toBe('HEAD');
    expect(server.log.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(Number(server.log.find((r) => r.method === 'PATCH').headers['Upload-Offset'])).toBe(sentBefore);
    expect(server.uploads.get('u1').state).toBe('completed');
    expect(server.uploads.size).toBe(1);
  });

  it('uses a refreshed token for the chunks after it', async () => {
    const { server, uploader, setToken } = await setup();
    let n = 0;
    server.faults.push(() => { n += 1; if (n === 2) setToken('token-2'); return undefined; });
    await uploader.upload(photo('t'));
    expect(server.log.map((r) => r.headers.Authorization)).toContain('Bearer token-2');
  });

  it('a chunk discarded for its checksum (460) or an offset mismatch (409) is retried, not shown as a conflict', async () => {
    const { server, uploader } = await setup();
    server.faults.push((req) => (req.method === 'PATCH' ? { getStatus: () => 460, getHeader: () => undefined, getBody: () => '{}' } : undefined));
    server.faults.push((req) => (req.method === 'PATCH' ? { getStatus: () => 409, getHeader: () => undefined, getBody: () => '{}' } : undefined));
    await uploader.upload(photo('r'));
    expect([...server.uploads.values()][0].state).toBe('completed');
  });

  it('a file the server refuses at completion is a failure to show, with the failure code, and is not resent', async () => {
    const { server, storage, make } = await setup();
    const item = photo('x', 1500, { corrupt: true });
    await expect(make().upload(item)).rejects.toMatchObject({ kind: 'failed', code: 'upload.hash_mismatch' });
    server.log.length = 0;
    await expect(make().upload(item)).rejects.toMatchObject({ kind: 'failed', code: 'upload.hash_mismatch' });
    expect(server.log.filter((r) => r.method === 'PATCH' || r.method === 'POST')).toHaveLength(0);
    expect(await storage.findUploadsByFingerprint('ssgk-evidence-x')).toHaveLength(1);
  });

  it('an upload the server no longer knows starts again from the beginning', async () => {
    const { server, storage, make } = await setup();
    const item = photo('g', 2500);
    server.faults.push(...Array.from({ length: 4 }, () => (req) => (req.method === 'PATCH' ? 'drop' : undefined)));
    await expect(make().upload(item)).rejects.toMatchObject({ kind: 'retry' });
    server.uploads.get('u1').state = 'expired';
    await make().upload(item);
    expect(server.uploads.get('u2').state).toBe('completed');
    const left = await storage.findUploadsByFingerprint('ssgk-evidence-g');
    expect(left.map((u) => u.uploadUrl.split('/').pop())).toEqual(['u2']);
  });
});
