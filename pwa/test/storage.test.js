import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { done } from '../src/storage/db.js';
import { MIGRATIONS, openStorage } from '../src/storage/index.js';
import { evidence, freshStorage, packet } from './support/fixtures.js';

const STORES = ['assignments', 'evidence', 'kv', 'outbox', 'records', 'templates', 'uploads'];

describe('migrations', () => {
  it('a fresh install runs every numbered step and ends at the last version', async () => {
    const { storage } = await freshStorage();
    expect(storage.db.version).toBe(MIGRATIONS.length);
    expect([...storage.db.objectStoreNames].sort()).toEqual(STORES);
  });

  it('an upgrade runs only the steps above the stored version and keeps the data', async () => {
    const indexedDB = new IDBFactory();
    const v1 = await openStorage({ indexedDB, name: 'up' });
    await v1.set('settings', { lang: 'en' });
    await v1.putRecord({ id: 'r1', ownerUserId: 3, assignmentId: 1, state: 'draft' });
    v1.close();
    const ran = [];
    const next = [...MIGRATIONS, {
      version: MIGRATIONS.length + 1,
      name: 'test: an index on record state',
      up(db, tx, from) { ran.push(from); tx.objectStore('records').createIndex('by_state', 'state'); },
    }];
    const v2 = await openStorage({ indexedDB, name: 'up', migrations: next });
    expect(ran).toEqual([MIGRATIONS.length]);
    expect(v2.db.version).toBe(MIGRATIONS.length + 1);
    expect(await v2.get('settings')).toEqual({ lang: 'en' });
    const byState = await v2.tx(['records'], 'readonly', ({ records }) => done(records.index('by_state').getAll('draft')));
    expect(byState.map((r) => r.id)).toEqual(['r1']);
  });

  it('a failing step aborts the upgrade and leaves the old version and data in place', async () => {
    const indexedDB = new IDBFactory();
    const v1 = await openStorage({ indexedDB, name: 'fail' });
    await v1.set('k', 1);
    v1.close();
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', up() { throw new Error('boom'); } }];
    await expect(openStorage({ indexedDB, name: 'fail', migrations: broken })).rejects.toThrow();
    const again = await openStorage({ indexedDB, name: 'fail' });
    expect(again.db.version).toBe(MIGRATIONS.length);
    expect(await again.get('k')).toBe(1);
  });

  it('migration versions must be numbered 1, 2, 3 without gaps', async () => {
    const bad = [MIGRATIONS[0], { version: 3, name: 'gap', up() {} }];
    await expect(openStorage({ indexedDB: new IDBFactory(), name: 'gap', migrations: bad })).rejects.toThrow(/version 3/);
  });
});

describe('the packet', () => {
  it('a whole packet replaces assignments and templates; a delta changes, removes and adds', async () => {
    const { storage } = await freshStorage();
    await storage.replacePacket(packet(40), '"p40"');
    expect((await storage.assignments()).map((a) => a.id)).toEqual([1001, 1002]);
    expect((await storage.packetMeta()).etag).toBe('"p40"');
    const changed = { ...packet().assignments[0], status: 'done' };
    await storage.applyPacketDelta({ version: 42, since: 40, assignments: [changed], removed_assignment_ids: [1002],
      templates: { 'X@1': { format: 'checklist/1' } } }, '"p42"');
    expect((await storage.assignments()).map((a) => [a.id, a.status])).toEqual([[1001, 'done']]);
    expect(await storage.template('X@1')).toEqual({ format: 'checklist/1' });
    expect(await storage.template('MR-FOOD-01@3')).toBeTruthy();
    const meta = await storage.packetMeta();
    expect([meta.version, meta.etag, meta.inspector.id]).toEqual([42, '"p42"', 'I17']);
  });
});

describe('records, evidence and the outbox', () => {
  async function finalized(storage, id = 'r1', declared = ['e1']) {
    await storage.putRecord({ id, ownerUserId: 3, assignmentId: 1001, state: 'draft', revision: 1 });
    for (const e of ['e1', 'e2']) await storage.putEvidence(evidence(`${id}-${e}`, id));
    const body = { evidence: declared.map((e) => ({ id: `${id}-${e}` })) };
    await storage.finalizeRecord({ id, ownerUserId: 3, assignmentId: 1001, state: 'final', revision: 1, body, digest: 'd' }, 'record');
  }

  it('finalizing queues the record and drops photos of questions that no longer apply', async () => {
    const { storage } = await freshStorage();
    await finalized(storage);
    const [entry] = await storage.outbox();
    expect(entry).toMatchObject({ recordId: 'r1', revision: 1, kind: 'record', attempts: 0, parked: null });
    expect((await storage.evidenceOf('r1')).map((e) => [e.id, e.submitted])).toEqual([['r1-e1', true]]);
    await expect(storage.finalizeRecord({ id: 'r1', body: { evidence: [] } }, 'record')).rejects.toThrow(/already queued/);
  });

  it('the outbox lists entries in the order records were finalized', async () => {
    const { storage } = await freshStorage();
    for (const id of ['c', 'a', 'b']) await finalized(storage, id);
    expect((await storage.outbox()).map((e) => e.recordId)).toEqual(['c', 'a', 'b']);
  });

  it('submitted evidence cannot be deleted from a draft screen', async () => {
    const { storage } = await freshStorage();
    await finalized(storage);
    await expect(storage.deleteDraftEvidence('r1-e1')).rejects.toThrow(/kept until the server confirms/);
  });

  it('only confirmComplete drops the originals; thumbnails, metadata and the record stay', async () => {
    const { storage } = await freshStorage();
    await finalized(storage);
    await storage.addUpload('ssgk-evidence-r1-e1', { uploadUrl: '/api/v1/uploads/u1', creationTime: 'x' });
    const [entry] = await storage.outbox();
    await storage.confirmComplete('r1', entry.seq, { status: 'synced' });
    const [item] = await storage.evidenceOf('r1');
    expect(item.blob).toBeNull();
    expect(item.thumb).toBeInstanceOf(Blob);
    expect(item.sha256).toBe('a'.repeat(64));
    expect(await storage.outbox()).toEqual([]);
    expect(await storage.findUploadsByFingerprint('ssgk-evidence-r1-e1')).toEqual([]);
    expect((await storage.getRecord('r1')).sync.status).toBe('synced');
  });

  it('counts drafts and unconfirmed records as unsent (sign-out warns about them)', async () => {
    const { storage } = await freshStorage();
    await finalized(storage, 'queued');
    await storage.putRecord({ id: 'draft', ownerUserId: 3, state: 'draft', revision: 1 });
    await storage.putRecord({ id: 'done', ownerUserId: 3, state: 'final', revision: 1, sync: { status: 'synced' } });
    await storage.putRecord({ id: 'other', ownerUserId: 9, state: 'draft', revision: 1 });
    expect(await storage.unsentCount(3)).toBe(2);
  });

  it('a discarded first draft takes its photos with it', async () => {
    const { storage } = await freshStorage();
    await storage.putRecord({ id: 'r9', ownerUserId: 3, state: 'draft', revision: 1 });
    await storage.putEvidence(evidence('p1', 'r9'));
    await storage.deleteDraft('r9');
    expect(await storage.getRecord('r9')).toBeUndefined();
    expect(await storage.evidenceOf('r9')).toEqual([]);
  });

  it('notifies a change topic after each committed write', async () => {
    const topics = [];
    const { storage } = await freshStorage({ onChange: (t) => topics.push(t) });
    await storage.set('a', 1);
    await storage.replacePacket(packet(), null);
    expect(topics).toContain('kv');
    expect(topics).toContain('packet');
  });
});

describe('drafts', () => {
  it('a stale editor cannot turn a finalized record back into a draft', async () => {
    const { storage } = await freshStorage();
    const draft = { id: 'r1', ownerUserId: 3, assignmentId: 1001, state: 'draft', revision: 1 };
    await storage.saveDraft(draft);
    await storage.finalizeRecord({ ...draft, state: 'final', body: { evidence: [] }, digest: 'd' }, 'record');
    await expect(storage.saveDraft({ ...draft, notes: 'late keystroke' })).rejects.toThrow(/no longer a draft/);
    expect((await storage.getRecord('r1')).state).toBe('final');
  });
});
