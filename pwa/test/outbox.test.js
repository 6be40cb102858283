import { beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../src/api/client.js';
import { createOutbox } from '../src/sync/outbox.js';
import { UploadError } from '../src/sync/tus.js';
import { evidence, freshStorage } from './support/fixtures.js';

const SHA = (c) => c.repeat(64);

/** A fake field API: `answers[key]` is a list of [status, body] answered in turn (the last repeats). */
function fakeServer() {
  const calls = [];
  const answers = {};
  const fetch = async (url, init) => {
    const key = `${init.method} ${url}`;
    calls.push({ key, headers: init.headers, body: init.body });
    const list = answers[key] ?? answers[`${init.method} *`];
    if (!list) throw new Error(`unexpected ${key}`);
    const next = list.length > 1 ? list.shift() : list[0];
    if (next === 'network') throw new TypeError('Failed to fetch');
    const [status, body, headers = {}] = next;
    return new Response(body == null ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
  };
  return { calls, answers, api: createApi({ fetch, getToken: async () => 'tok' }) };
}

function fakeUploader() {
  const uploads = [];
  const failures = [];
  return {
    uploads,
    failures,
    async upload(item, { onProgress }) {
      if (failures.length) throw failures.shift();
      uploads.push(item.id);
      onProgress(item.size, item.size);
      return { url: `/api/v1/uploads/${item.id}` };
    },
  };
}

async function queue(storage, id, { owner = 3, evidenceIds = ['e1', 'e2'], kind = 'record', revision = 1 } = {}) {
  const items = evidenceIds.map((e, i) => evidence(`${id}-${e}`, id, { sha256: SHA(String(i)), bytes: `bytes-${e}` }));
  for (const item of items) await storage.putEvidence(item);
  const body = { id, evidence: items.map((e) => ({ id: e.id, sha256: e.sha256 })) };
  await storage.finalizeRecord({ id, ownerUserId: owner, state: 'final', revision, baseRevision: revision - 1, body, digest: SHA('d'),
    sync: { status: 'queued' } }, kind);
  return items;
}

const status = (id, extra = {}) => ({ id, revision: 1, status: 'submitted', complete: false, missing_evidence: [],
  received_evidence: 0, declared_evidence: 2, ...extra });

let storage; let server; let uploader; let clock; let events; let outbox;
beforeEach(async () => {
  ({ storage } = await freshStorage());
  server = fakeServer();
  uploader = fakeUploader();
  clock = { t: 1_000_000 };
  events = [];
  outbox = createOutbox({ storage, api: server.api, uploader, now: () => clock.t, random: () => 0, emit: (e) => events.push(e) });
});

function completeAnswer(id, items) {
  return [200, { ...status(id, { complete: true, received_evidence: 2 }),
    record: { id, digest: SHA('d'), evidence: items.map((e) => ({ id: e.id, sha256: e.sha256 })) } }];
}

describe('sending a record', () => {
  it('posts the record, uploads what the server misses, and deletes originals only once complete with matching hashes', async () => {
    const items = await queue(storage, 'r1');
    server.answers['POST /api/v1/field/records'] = [[201, status('r1', { missing_evidence: items.map((e) => ({ id: e.id, sha256: e.sha256 })) })]];
    server.answers['GET /api/v1/field/records/r1'] = [completeAnswer('r1', items)];
    const result = await outbox.drain({ ownerUserId: 3 });
    expect(result).toMatchObject({ sent: 1, parked: 0 });
    expect(uploader.uploads).toEqual(['r1-e1', 'r1-e2']);
    const posted = server.calls.find((c) => c.key === 'POST /api/v1/field/records');
    expect(JSON.parse(posted.body)).toEqual({ id: 'r1', evidence: items.map((e) => ({ id: e.id, sha256: e.sha256 })) });
    expect((await storage.evidenceOf('r1')).map((e) => e.blob)).toEqual([null, null]);
    expect(await storage.outbox()).toEqual([]);
    expect((await storage.getRecord('r1')).sync.status).toBe('synced');
    expect(events.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ sent: items[0].size + items[1].size });
  });

  it('keeps everything while the server says the record is not complete, and tries again later', async () => {
    const items = await queue(storage, 'r1');
    server.answers['POST /api/v1/field/records'] = [[200, status('r1')]];
    server.answers['GET /api/v1/field/records/r1'] = [[200, status('r1', { missing_evidence: [{ id: items[0].id }] })]];
    await outbox.drain({ ownerUserId: 3 });
    expect((await storage.evidenceOf('r1')).every((e) => e.blob instanceof Blob)).toBe(true);
    const [entry] = await storage.outbox();
    expect(entry).toMatchObject({ attempts: 1, nextAttemptAt: clock.t + 500, parked: null });
    expect((await storage.getRecord('r1')).sync).toMatchObject({ status: 'waiting', reason: 'evidence_pending' });
  });

  it.each([
    ['a hash that differs', { evidence: [{ id: 'r1-e1', sha256: SHA('f') }, { id: 'r1-e2', sha256: SHA('1') }] }, 'record.hash_mismatch'],
    ['a digest that differs', { digest: SHA('e') }, 'record.digest_mismatch'],
  ])('keeps everything and parks the record when complete comes with %s', async (_, record, code) => {
    await queue(storage, 'r1');
    server.answers['POST /api/v1/field/records'] = [[200, status('r1', { complete: true })]];
    server.answers['GET /api/v1/field/records/r1'] = [[200, status('r1', { complete: true, record: { id: 'r1', digest: SHA('d'), ...record } })]];
    await outbox.drain({ ownerUserId: 3 });
    expect((await storage.evidenceOf('r1')).every((e) => e.blob instanceof Blob)).toBe(true);
    expect((await storage.getRecord('r1')).sync).toMatchObject({ status: 'attention', code });
  });

  it('sends an amendment as a new revision with If-Match of the base revision', async () => {
    const items = await queue(storage, 'r1', { kind: 'revision', revision: 2 });
    server.answers['POST /api/v1/field/records/r1/revisions'] = [[201, status('r1', { revision: 2, complete: true })]];
    server.answers['GET /api/v1/field/records/r1'] = [[200, { ...completeAnswer('r1', items)[1], revision: 2 }]];
    await outbox.drain({ ownerUserId: 3 });
    const call = server.calls.find((c) => c.key === 'POST /api/v1/field/records/r1/revisions');
    expect(call.headers['If-Match']).toBe('"r1"');
    expect((await storage.getRecord('r1')).sync.status).toBe('synced');
  });
});

describe('failures', () => {
  it.each([['network'], [[408, {}]], [[429, {}]], [[500, {}]], [[503, {}]]])('%j is retried with backoff', async (answer) => {
    await queue(storage, 'r1');
    server.answers['POST /api/v1/field/records'] = [answer];
    await outbox.drain({ ownerUserId: 3 });
    const [entry] = await storage.outbox();
    expect(entry.parked).toBeNull();
    expect(entry.attempts).toBe(1);
    expect(entry.nextAttemptAt).toBe(clock.t + 500);
    expect((await storage.getRecord('r1')).sync.status).toBe('waiting');
  });

  it('a pass that got a photo through starts the backoff again from the shortest wait', async () => {
    const items = await queue(storage, 'r1');
    await storage.updateOutbox((await storage.outbox())[0].seq, { attempts: 6 });
    server.answers['POST /api/v1/field/records'] = [[200, status('r1', { missing_evidence: items.map((e) => ({ id: e.id })) })]];
    uploader.upload = async (item, { onProgress }) => {
      if (item.id === 'r1-e2') throw new TypeError('Failed to fetch'); // the second photo loses the network
      uploader.uploads.push(item.id);
      onProgress(item.size, item.size);
    };
    await outbox.drain({ ownerUserId: 3 });
    const [entry] = await storage.outbox();
    expect(uploader.uploads).toEqual(['r1-e1']);
    expect(entry).toMatchObject({ attempts: 1, nextAttemptAt: clock.t + 500 });
  });

  it('a pass without progress keeps growing the backoff', async () => {
    await queue(storage, 'r1');
    await storage.updateOutbox((await storage.outbox())[0].seq, { attempts: 6 });
    server.answers['POST /api/v1/field/records'] = ['network'];
    await outbox.drain({ ownerUserId: 3 });
    expect((await storage.outbox())[0].attempts).toBe(7);
  });

  it('the backoff grows with each failure and is capped at five minutes', async () => {
    await queue(storage, 'r1');
    server.answers['POST /api/v1/field/records'] = [[503, {}]];
    const waits = [];
    for (let i = 0; i < 12; i += 1) {
      await outbox.drain({ ownerUserId: 3 });
      const [entry] = await storage.outbox();
      waits.push((entry.nextAttemptAt - clock.t) / 1000);
      clock.t = entry.nextAttemptAt;
    }
    expect(waits).toEqual([0.5, 1, 2, 4, 8, 16, 32, 64, 128, 150, 150, 150]); // random() = 0: half of each step
  });

  it('honours Retry-After on 429', async () => {
    await queue(storage, 'r1');
    server.answers['POST /api/v1/field/records'] = [[429, {}, { 'Retry-After': '60' }]];
    await outbox.drain({ ownerUserId: 3 });
    expect((await storage.outbox())[0].nextAttemptAt).toBe(clock.t + 60000);
  });

  it('401 asks to sign in and stops the pass; nothing is parked or deleted', async () => {
    await queue(storage, 'r1');
    await queue(storage, 'r2');
    server.answers['POST /api/v1/field/records'] = [[401, { code: 'auth.required' }]];
    const result = await outbox.drain({ ownerUserId: 3 });
    expect(result.stopped).toBe('signin');
    expect(server.calls.filter((c) => c.key === 'POST /api/v1/field/records')).toHaveLength(2); // the first, and its retry after refresh
    expect((await storage.getRecord('r1')).sync.status).toBe('signin');
    expect((await storage.outbox()).map((e) => e.parked)).toEqual([null, null]);
  });

  it.each([[409, 'record.id_conflict'], [412, 'version.stale'], [422, 'record.invalid']])(
    '%i parks the record as a visible conflict with the server reason', async (code, problem) => {
      await queue(storage, 'r1');
      server.answers['POST /api/v1/field/records'] = [[code, { code: problem, status: code, message: 'no', errors: { officers: ['x'] } }]];
      await outbox.drain({ ownerUserId: 3 });
      const [entry] = await storage.outbox();
      expect(entry.parked).toMatchObject({ kind: 'conflict', code: problem, status: code });
      expect((await storage.getRecord('r1')).sync).toMatchObject({ status: 'attention', reason: 'conflict', code: problem,
        errors: { officers: ['x'] } });
      expect((await storage.evidenceOf('r1')).every((e) => e.blob instanceof Blob)).toBe(true);
      clock.t += 3600_000;
      await outbox.drain({ ownerUserId: 3 });
      expect(server.calls.filter((c) => c.key === 'POST /api/v1/field/records')).toHaveLength(1); // parked: not retried
    });

  it('a parked record goes back to the queue when the inspector asks', async () => {
    await queue(storage, 'r1');
    server.answers['POST /api/v1/field/records'] = [[422, { code: 'record.invalid' }], [200, status('r1', { complete: true })]];
    server.answers['GET /api/v1/field/records/r1'] = [[200, status('r1', { complete: true })]];
    await outbox.drain({ ownerUserId: 3 });
    await outbox.unpark('r1');
    await outbox.drain({ ownerUserId: 3 });
    expect((await storage.getRecord('r1')).sync.status).toBe('synced');
  });

  it('evidence the server refused at completion parks the record with the upload failure code', async () => {
    const items = await queue(storage, 'r1');
    server.answers['POST /api/v1/field/records'] = [[201, status('r1', { missing_evidence: [{ id: items[0].id }] })]];
    uploader.failures.push(new UploadError('failed', 'hash differs', { code: 'upload.hash_mismatch', status: 422 }));
    await outbox.drain({ ownerUserId: 3 });
    expect((await storage.getRecord('r1')).sync).toMatchObject({ status: 'attention', reason: 'rejected', code: 'upload.hash_mismatch' });
    expect((await storage.evidenceOf('r1')).every((e) => e.blob instanceof Blob)).toBe(true);
  });

  it('a lost network during an upload retries later and stops the pass', async () => {
    const items = await queue(storage, 'r1');
    await queue(storage, 'r2');
    server.answers['POST /api/v1/field/records'] = [[201, status('r1', { missing_evidence: [{ id: items[0].id }] })]];
    uploader.failures.push(new UploadError('retry', 'connection reset'));
    const result = await outbox.drain({ ownerUserId: 3 });
    expect(result.stopped).toBe('offline');
    expect(server.calls.filter((c) => c.key.startsWith('POST'))).toHaveLength(1);
  });
});

describe('order', () => {
  it('sends records in the order they were finalized; a waiting or parked one does not hold up the rest', async () => {
    for (const id of ['first', 'second', 'third']) await queue(storage, id, { evidenceIds: [] });
    const posted = [];
    server.answers['POST /api/v1/field/records'] = [[200, status('x', { complete: true })]];
    server.answers['GET *'] = [[200, status('x', { complete: true })]];
    const realPost = server.api.request;
    server.api.request = async (method, path, o) => {
      if (method === 'POST') {
        const id = JSON.parse(o.text).id;
        posted.push(id);
        if (id === 'first') { const e = new Error('busy'); e.status = 503; throw e; }
        if (id === 'second') { const e = new Error('bad'); e.status = 422; e.code = 'record.invalid'; throw e; }
      }
      return realPost(method, path, o);
    };
    await outbox.drain({ ownerUserId: 3 });
    expect(posted).toEqual(['first', 'second', 'third']);
    expect((await storage.outbox()).map((e) => [e.recordId, e.parked ? 'parked' : 'waiting'])).toEqual([['first', 'waiting'], ['second', 'parked']]);
  });

  it('leaves records of another user on this device alone', async () => {
    await queue(storage, 'mine', { evidenceIds: [] });
    await queue(storage, 'theirs', { owner: 9, evidenceIds: [] });
    server.answers['POST /api/v1/field/records'] = [[200, status('mine', { complete: true })]];
    server.answers['GET /api/v1/field/records/mine'] = [[200, status('mine', { complete: true })]];
    await outbox.drain({ ownerUserId: 3 });
    expect((await storage.outbox()).map((e) => e.recordId)).toEqual(['theirs']);
  });

  it('does not send an entry before its time', async () => {
    await queue(storage, 'r1', { evidenceIds: [] });
    server.answers['POST /api/v1/field/records'] = ['network'];
    await outbox.drain({ ownerUserId: 3 });
    await outbox.drain({ ownerUserId: 3 });
    expect(server.calls).toHaveLength(1);
    expect(await outbox.nextDue()).toBe(clock.t + 500);
  });
});

describe('review', () => {
  it('learns that a synced record was returned, with the comment', async () => {
    await queue(storage, 'r1', { evidenceIds: [] });
    server.answers['POST /api/v1/field/records'] = [[200, status('r1', { complete: true })]];
    server.answers['GET /api/v1/field/records/r1'] = [[200, status('r1', { complete: true })],
      [200, status('r1', { complete: true, status: 'returned', review: { comment: '照片不清楚' } })]];
    await outbox.drain({ ownerUserId: 3 });
    clock.t += 11 * 60 * 1000;
    await outbox.pollReviews({ ownerUserId: 3 });
    expect((await storage.getRecord('r1')).review).toMatchObject({ status: 'returned', comment: '照片不清楚' });
  });
});

describe('missing evidence the server cannot take', () => {
  it.each([['hash_mismatch'], ['other_record'], ['uploader_not_on_team']])(
    'a declared item listed as %s is not uploaded again: the record is parked for a person', async (reason) => {
      const items = await queue(storage, 'r1');
      server.answers['POST /api/v1/field/records'] = [[200, status('r1', {
        missing_evidence: [{ id: items[0].id, sha256: items[0].sha256, reason }, { id: items[1].id, sha256: items[1].sha256, reason: 'not_received' }] })]];
      await outbox.drain({ ownerUserId: 3 });
      expect(uploader.uploads).toEqual([]);
      expect((await storage.getRecord('r1')).sync).toMatchObject({ status: 'attention', code: `evidence.${reason}` });
      expect((await storage.evidenceOf('r1')).every((e) => e.blob instanceof Blob)).toBe(true);
    });
});
