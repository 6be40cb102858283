// The one storage module: everything the app keeps on the device goes through here.
// Schema and migrations: ./migrations.js; plumbing: ./db.js. Described in docs/pwa.md.
import { done, finished, openDatabase } from './db.js';
import { DB_NAME, MIGRATIONS } from './migrations.js';

export { DB_NAME, MIGRATIONS };

/**
 * Open the device database. `onChange(topic)` is called after every committed write
 * (topics: kv, packet, records, evidence, outbox, uploads) so views and other tabs can refresh.
 */
export async function openStorage({ indexedDB = globalThis.indexedDB, name = DB_NAME, migrations = MIGRATIONS,
  onChange = () => {}, onVersionChange } = {}) {
  const db = await openDatabase(indexedDB, name, migrations, { onVersionChange });
  return new Storage(db, onChange);
}

export class Storage {
  constructor(db, onChange) {
    this.db = db;
    this.onChange = onChange;
  }

  close() { this.db.close(); }

  /** Run `fn(stores)` in one transaction over `names`; resolves with fn's result after commit. */
  async tx(names, mode, fn) {
    const tx = this.db.transaction(names, mode);
    const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
    const end = finished(tx);
    let result;
    try {
      result = await fn(stores, tx);
    } catch (err) {
      try { tx.abort(); } catch { /* already finished */ }
      await end.catch(() => {});
      throw err;
    }
    await end;
    if (mode === 'readwrite') names.forEach((n) => this.onChange(n === 'assignments' || n === 'templates' ? 'packet' : n));
    return result;
  }

  // ---- key-value documents -------------------------------------------------------------
  async get(key) {
    const row = await this.tx(['kv'], 'readonly', ({ kv }) => done(kv.get(key)));
    return row ? row.value : undefined;
  }

  set(key, value) { return this.tx(['kv'], 'readwrite', ({ kv }) => done(kv.put({ key, value }))); }

  del(key) { return this.tx(['kv'], 'readwrite', ({ kv }) => done(kv.delete(key))); }

  // ---- the task packet --------------------------------------------------------------------
  /** Replace the whole packet (a full answer, or a delta the server could not compute). */
  replacePacket(packet, etag) {
    const { assignments = [], templates = {}, ...meta } = packet;
    return this.tx(['kv', 'assignments', 'templates'], 'readwrite', async (s) => {
      s.assignments.clear();
      s.templates.clear();
      assignments.forEach((a) => s.assignments.put(a));
      Object.entries(templates).forEach(([key, template]) => s.templates.put({ key, template }));
      s.kv.put({ key: 'packet', value: { ...meta, etag: etag ?? null, receivedAt: Date.now() } });
    });
  }

  /** Apply `?since=` delta: changed or new assignments, removed ids, new templates. */
  applyPacketDelta(delta, etag) {
    return this.tx(['kv', 'assignments', 'templates'], 'readwrite', async (s) => {
      const meta = (await done(s.kv.get('packet')))?.value ?? {};
      (delta.assignments ?? []).forEach((a) => s.assignments.put(a));
      (delta.removed_assignment_ids ?? []).forEach((id) => s.assignments.delete(id));
      Object.entries(delta.templates ?? {}).forEach(([key, template]) => s.templates.put({ key, template }));
      const { assignments, removed_assignment_ids: removed, templates, since, ...rest } = delta;
      s.kv.put({ key: 'packet', value: { ...meta, ...rest, etag: etag ?? null, receivedAt: Date.now() } });
    });
  }

  async packetMeta() { return (await this.get('packet')) ?? null; }

  assignments() { return this.tx(['assignments'], 'readonly', ({ assignments }) => done(assignments.getAll())); }

  assignment(id) { return this.tx(['assignments'], 'readonly', ({ assignments }) => done(assignments.get(id))); }

  async template(key) {
    const row = await this.tx(['templates'], 'readonly', ({ templates }) => done(templates.get(key)));
    return row?.template;
  }

  clearPacket() {
    return this.tx(['kv', 'assignments', 'templates'], 'readwrite', async (s) => {
      s.assignments.clear();
      s.templates.clear();
      s.kv.delete('packet');
    });
  }

  // ---- check records ------------------------------------------------------------------------
  putRecord(record) {
    return this.tx(['records'], 'readwrite', ({ records }) => done(records.put({ ...record, updatedAt: Date.now() })));
  }

  /** Write a draft; refuses to overwrite a record that was finalized meanwhile (a stale editor). */
  saveDraft(record) {
    return this.tx(['records'], 'readwrite', async ({ records }) => {
      const current = await done(records.get(record.id));
      if (record.state !== 'draft' || (current && current.state !== 'draft')) {
        throw new Error(`record ${record.id} is no longer a draft`);
      }
      records.put({ ...record, updatedAt: Date.now() });
    });
  }

  getRecord(id) { return this.tx(['records'], 'readonly', ({ records }) => done(records.get(id))); }

  recordsOf(ownerUserId) {
    return this.tx(['records'], 'readonly', ({ records }) => done(records.index('by_owner').getAll(ownerUserId)));
  }

  recordsForAssignment(assignmentId) {
    return this.tx(['records'], 'readonly', ({ records }) => done(records.index('by_assignment').getAll(assignmentId)));
  }

  /** Change a record inside a transaction: `fn(record)` returns the new record (or nothing to keep it). */
  updateRecord(id, fn) {
    return this.tx(['records'], 'readwrite', async ({ records }) => {
      const current = await done(records.get(id));
      if (!current) throw new Error(`no record ${id}`);
      const next = fn(structuredClone(current)) ?? current;
      next.updatedAt = Date.now();
      records.put(next);
      return next;
    });
  }

  /** Discard a draft that was never finalized, with its evidence (nothing of it left the device). */
  deleteDraft(id) {
    return this.tx(['records', 'evidence', 'outbox'], 'readwrite', async (s) => {
      const record = await done(s.records.get(id));
      if (!record) return;
      if (record.state !== 'draft' || record.revision > 1) throw new Error('only an unsent first draft can be discarded');
      if (await done(s.outbox.index('by_record').get(id))) throw new Error('record is in the outbox');
      const keys = await done(s.evidence.index('by_record').getAllKeys(id));
      keys.forEach((k) => s.evidence.delete(k));
      s.records.delete(id);
    });
  }

  /**
   * Finalize: store the read-only record (its body and digest built by src/record/build.js) and
   * queue it, in one transaction, so a finalized record is always in the outbox until confirmed.
   */
  finalizeRecord(record, kind) {
    return this.tx(['records', 'outbox', 'evidence'], 'readwrite', async (s) => {
      if (await done(s.outbox.index('by_record').get(record.id))) throw new Error('record already queued');
      // Evidence captured for questions that no longer apply is not part of the record.
      const declared = new Set(record.body.evidence.map((e) => e.id));
      const all = await done(s.evidence.index('by_record').getAll(record.id));
      all.filter((e) => !declared.has(e.id) && !e.submitted).forEach((e) => s.evidence.delete(e.id));
      all.filter((e) => declared.has(e.id)).forEach((e) => s.evidence.put({ ...e, submitted: true }));
      s.records.put({ ...record, updatedAt: Date.now() });
      s.outbox.add({ recordId: record.id, revision: record.revision, kind, enqueuedAt: Date.now(),
        attempts: 0, nextAttemptAt: 0, parked: null });
    });
  }

  // ---- evidence ----------------------------------------------------------------------------
  putEvidence(item) { return this.tx(['evidence'], 'readwrite', ({ evidence }) => done(evidence.put(item))); }

  getEvidence(id) { return this.tx(['evidence'], 'readonly', ({ evidence }) => done(evidence.get(id))); }

  evidenceOf(recordId) {
    return this.tx(['evidence'], 'readonly', ({ evidence }) => done(evidence.index('by_record').getAll(recordId)));
  }

  /** Remove evidence from a draft (a photo the inspector deleted before finalizing). */
  deleteDraftEvidence(id) {
    return this.tx(['evidence'], 'readwrite', async ({ evidence }) => {
      const item = await done(evidence.get(id));
      if (item?.submitted) throw new Error('evidence of a finalized record is kept until the server confirms it');
      evidence.delete(id);
    });
  }

  updateEvidence(id, fn) {
    return this.tx(['evidence'], 'readwrite', async ({ evidence }) => {
      const current = await done(evidence.get(id));
      if (!current) throw new Error(`no evidence ${id}`);
      const next = fn(current) ?? current;
      evidence.put(next);
      return next;
    });
  }

  // ---- outbox ------------------------------------------------------------------------------
  /** Every entry, oldest first. */
  outbox() { return this.tx(['outbox'], 'readonly', ({ outbox }) => done(outbox.getAll())); }

  outboxEntry(recordId) {
    return this.tx(['outbox'], 'readonly', ({ outbox }) => done(outbox.index('by_record').get(recordId)));
  }

  updateOutbox(seq, patch) {
    return this.tx(['outbox'], 'readwrite', async ({ outbox }) => {
      const entry = await done(outbox.get(seq));
      if (!entry) return null;
      const next = { ...entry, ...patch };
      outbox.put(next);
      return next;
    });
  }

  /**
   * The server confirmed the record `complete` with matching hashes: only now the originals go.
   * Keeps the record (read-only, for the history and a later amendment), evidence metadata and
   * thumbnails; drops the original Blobs, the outbox entry and the tus upload URLs.
   */
  confirmComplete(recordId, seq, syncPatch) {
    return this.tx(['records', 'evidence', 'outbox', 'uploads'], 'readwrite', async (s) => {
      const record = await done(s.records.get(recordId));
      if (!record) throw new Error(`no record ${recordId}`);
      const items = await done(s.evidence.index('by_record').getAll(recordId));
      for (const item of items) {
        if (!item.submitted) continue;
        s.evidence.put({ ...item, blob: null, upload: { ...(item.upload ?? {}), state: 'verified' } });
        const keys = await done(s.uploads.index('by_fingerprint').getAllKeys(fingerprintOf(item.id)));
        keys.forEach((k) => s.uploads.delete(k));
      }
      if (seq != null) s.outbox.delete(seq);
      s.records.put({ ...record, sync: { ...record.sync, ...syncPatch }, updatedAt: Date.now() });
    });
  }

  // ---- tus URL storage (tus-js-client's UrlStorage interface) --------------------------------
  async findUploadsByFingerprint(fingerprint) {
    const rows = await this.tx(['uploads'], 'readonly',
      ({ uploads }) => done(uploads.index('by_fingerprint').getAll(fingerprint)));
    return rows.map((r) => ({ ...r.upload, urlStorageKey: r.key }));
  }

  async findAllUploads() {
    const rows = await this.tx(['uploads'], 'readonly', ({ uploads }) => done(uploads.getAll()));
    return rows.map((r) => ({ ...r.upload, urlStorageKey: r.key }));
  }

  async addUpload(fingerprint, upload) {
    const key = `${fingerprint}::${upload.creationTime ?? Date.now()}`;
    await this.tx(['uploads'], 'readwrite', ({ uploads }) => done(uploads.put({ key, fingerprint, upload })));
    return key;
  }

  removeUpload(key) { return this.tx(['uploads'], 'readwrite', ({ uploads }) => done(uploads.delete(key))); }

  // ---- sign-out ------------------------------------------------------------------------------
  /** What would be lost or delayed by signing out: drafts and queued records of this user. */
  async unsentCount(ownerUserId) {
    const records = await this.recordsOf(ownerUserId);
    return records.filter((r) => r.state === 'draft' || (r.state === 'final' && r.sync?.status !== 'synced')).length;
  }
}

/** The tus fingerprint of a piece of evidence: its id, so an upload resumes after a restart. */
export function fingerprintOf(evidenceId) {
  return `ssgk-evidence-${evidenceId}`;
}
