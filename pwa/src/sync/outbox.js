// Draining the outbox: finalized records (and amended revisions) reach the server, then their
// evidence over tus, and only a record the server confirms `complete` with our hashes is
// cleaned up on the device. No DOM here: progress and states go out through `emit`.
//
// Per record, in order of finalization (outbox seq):
//   1. POST /api/v1/field/records (a revision: POST .../records/<id>/revisions, If-Match "r<base>")
//   2. upload each evidence item the server lists as missing, one at a time (weak networks)
//   3. GET /api/v1/field/records/<id>: complete and hashes match -> synced, originals deleted;
//      otherwise try again later.
// Failures are classified (./classify.js): retry with backoff, ask to sign in, or park as a
// conflict the inspector sees. A record that waits does not hold up the ones after it.
import { requestText } from '../record/build.js';
import { classifyError } from './classify.js';
import { backoffDelay } from './backoff.js';
import { retryAfterMs } from './classify.js';

export const REVIEW_POLL_MS = 10 * 60 * 1000;
const FINAL_REVIEW = new Set(['approved', 'entered', 'published']);

export function createOutbox({ storage, api, uploader, now = () => Date.now(), random = Math.random, emit = () => {} }) {
  async function setSync(recordId, patch) {
    const record = await storage.updateRecord(recordId, (r) => { r.sync = { ...(r.sync ?? {}), ...patch }; return r; });
    emit({ type: 'record', recordId, sync: record.sync });
    return record;
  }

  async function post(record, entry) {
    const text = requestText(record.body);
    if (entry.kind === 'revision') {
      return (await api.request('POST', `/api/v1/field/records/${record.id}/revisions`,
        { text, headers: { 'If-Match': `"r${record.baseRevision}"` } })).data;
    }
    return (await api.request('POST', '/api/v1/field/records', { text })).data;
  }

  /** Uploads what the server misses; `progress.made` turns true as soon as one item is through. */
  async function uploadMissing(record, status, progress) {
    const items = await storage.evidenceOf(record.id);
    const byId = new Map(items.map((e) => [e.id, e]));
    const declared = new Set(record.body.evidence.map((e) => e.id));
    // The server says what it still needs; without that list, everything declared and not yet sent.
    // Only `not_received` can be fixed by uploading: an evidence id keeps its first completed
    // upload, so `hash_mismatch`, `other_record` or `uploader_not_on_team` need a person (amend).
    const listed = Array.isArray(status?.missing_evidence) ? status.missing_evidence : null;
    const stuck = (listed ?? []).filter((m) => m.reason && m.reason !== 'not_received');
    if (stuck.length) {
      const err = new Error(stuck.map((m) => `${m.id}: ${m.reason}`).join('; '));
      err.park = { code: `evidence.${stuck[0].reason}`, kind: 'conflict' };
      throw err;
    }
    const missing = listed
      ? listed.map((m) => m.id)
      : [...declared].filter((id) => byId.get(id)?.upload?.state !== 'completed');
    const todo = missing.map((id) => byId.get(id)).filter(Boolean);
    if (todo.length < missing.length) {
      const err = new Error('the server misses evidence this device does not have');
      err.park = { code: 'evidence.unknown_to_device', kind: 'conflict' };
      throw err;
    }
    const total = todo.reduce((n, e) => n + e.size, 0);
    let before = 0;
    emit({ type: 'progress', recordId: record.id, sent: 0, total });
    for (const item of todo) {
      await storage.updateEvidence(item.id, (e) => ({ ...e, upload: { ...(e.upload ?? {}), state: 'uploading' } }));
      await uploader.upload(item, { onProgress: (sent) => emit({ type: 'progress', recordId: record.id, sent: before + sent, total }) });
      await storage.updateEvidence(item.id, (e) => ({ ...e, upload: { ...(e.upload ?? {}), state: 'completed' } }));
      progress.made = true;
      before += item.size;
      emit({ type: 'progress', recordId: record.id, sent: before, total });
    }
  }

  /** complete, and every hash the server reports matches ours (docs/field-api.md §2). */
  function confirmed(record, status) {
    if (status?.complete !== true) return { ok: false, reason: 'incomplete' };
    if ((status.missing_evidence ?? []).length) return { ok: false, reason: 'incomplete' };
    if (status.revision != null && status.revision < record.revision) return { ok: false, reason: 'incomplete' };
    const server = status.record;
    if (server) {
      if (server.digest && server.digest !== record.digest) return { ok: false, reason: 'digest_mismatch' };
      const theirs = new Map((server.evidence ?? []).map((e) => [e.id, e.sha256]));
      for (const e of record.body.evidence) {
        if (theirs.size && theirs.get(e.id) !== e.sha256) return { ok: false, reason: 'hash_mismatch' };
      }
    }
    return { ok: true };
  }

  // The backoff counts failures in a row without progress: on a network that drops every other
  // request, a pass that got one photo through starts again from the shortest wait, or eight photos
  // would take the record past the five-minute cap.
  async function retryLater(entry, err, reason, progressed = false) {
    const attempts = progressed ? 1 : entry.attempts + 1;
    const hinted = retryAfterMs(err?.retryAfter, now());
    const wait = Math.max(backoffDelay(attempts - 1, random), hinted ?? 0);
    await storage.updateOutbox(entry.seq, { attempts, nextAttemptAt: now() + wait });
    await setSync(entry.recordId, { status: 'waiting', reason, code: err?.code ?? null, attempts, nextAttemptAt: now() + wait });
  }

  async function park(entry, kind, err) {
    const parked = { kind, code: err?.code ?? null, status: err?.status ?? null, message: err?.message ?? '',
      errors: err?.errors ?? null, at: now() };
    await storage.updateOutbox(entry.seq, { parked });
    await setSync(entry.recordId, { status: 'attention', reason: kind, code: parked.code, message: parked.message,
      httpStatus: parked.status, errors: parked.errors });
  }

  /** One entry. Answers ok | waiting | signin | offline | parked. */
  async function send(entry) {
    const record = await storage.getRecord(entry.recordId);
    const progress = { made: false };
    try {
      await setSync(record.id, { status: 'uploading', reason: null, code: null });
      const status = await post(record, entry);
      await setSync(record.id, { serverRevision: status.revision ?? null, serverStatus: status.status ?? null,
        received: status.received_evidence ?? null, declared: status.declared_evidence ?? null });
      if (status.complete !== true) await uploadMissing(record, status, progress);
      const final = (await api.get(`/api/v1/field/records/${record.id}`)).data;
      const check = confirmed(record, final);
      if (check.ok) {
        await storage.confirmComplete(record.id, entry.seq, { status: 'synced', reason: null, code: null,
          complete: true, syncedAt: now(), serverStatus: final.status ?? null, serverRevision: final.revision ?? record.revision });
        await storage.updateRecord(record.id, (r) => {
          r.review = { status: final.status ?? 'submitted', comment: null, checkedAt: now() };
          return r;
        });
        emit({ type: 'synced', recordId: record.id });
        return 'ok';
      }
      if (check.reason !== 'incomplete') {
        await park(entry, 'conflict', { code: `record.${check.reason}`, message: check.reason });
        return 'parked';
      }
      await retryLater(entry, null, 'evidence_pending', progress.made);
      return 'waiting';
    } catch (err) {
      if (err.park) { await park(entry, err.park.kind, { code: err.park.code, message: err.message }); return 'parked'; }
      const kind = err.name === 'UploadError' ? err.kind : classifyError(err);
      if (kind === 'retry') {
        await retryLater(entry, err, err.status ? `http_${err.status}` : 'network', progress.made);
        return err.status ? 'waiting' : 'offline';
      }
      if (kind === 'signin') {
        await setSync(record.id, { status: 'signin', reason: 'signin', code: err.code ?? null });
        return 'signin';
      }
      await park(entry, kind === 'failed' ? 'rejected' : kind, err);
      return 'parked';
    }
  }

  /**
   * One pass over the outbox, oldest first. Skips parked entries, entries not yet due, and
   * records of another user on this device. Stops at a lost network or a needed sign-in.
   */
  async function drain({ ownerUserId }) {
    const entries = (await storage.outbox()).sort((a, b) => a.seq - b.seq);
    const result = { sent: 0, waiting: 0, parked: 0, stopped: null };
    for (const entry of entries) {
      if (entry.parked || entry.nextAttemptAt > now()) continue;
      const record = await storage.getRecord(entry.recordId);
      if (!record || record.ownerUserId !== ownerUserId) continue;
      const outcome = await send(entry);
      if (outcome === 'ok') result.sent += 1;
      else if (outcome === 'parked') result.parked += 1;
      else result.waiting += 1;
      if (outcome === 'signin' || outcome === 'offline') { result.stopped = outcome; break; }
    }
    return result;
  }

  /** The inspector asks to try a parked record again (after fixing the cause elsewhere). */
  async function unpark(recordId) {
    const entry = await storage.outboxEntry(recordId);
    if (!entry) return;
    await storage.updateOutbox(entry.seq, { parked: null, attempts: 0, nextAttemptAt: 0 });
    await setSync(recordId, { status: 'waiting', reason: 'retry_requested', code: null });
  }

  /** When the next entry is due (ms since epoch), or null when nothing waits. */
  async function nextDue() {
    const due = (await storage.outbox()).filter((e) => !e.parked).map((e) => e.nextAttemptAt);
    return due.length ? Math.min(...due) : null;
  }

  /** Ask the server how one synced record's review goes; false when the network is gone. */
  async function refreshReview(id) {
    let data;
    try {
      ({ data } = await api.get(`/api/v1/field/records/${id}`));
    } catch (err) {
      return !(classifyError(err) === 'retry' && !err.status);
    }
    const comment = data.review?.comment ?? null;
    await storage.updateRecord(id, (x) => {
      x.review = { status: data.status ?? x.review?.status ?? null, comment, checkedAt: now(),
        revision: data.revision ?? null };
      return x;
    });
    emit({ type: 'review', recordId: id, status: data.status });
    return true;
  }

  /** Synced records not yet approved: ask how their review goes (returned -> the inspector amends). */
  async function pollReviews({ ownerUserId }) {
    const records = await storage.recordsOf(ownerUserId);
    for (const r of records) {
      if (r.state !== 'final' || r.sync?.status !== 'synced' || FINAL_REVIEW.has(r.review?.status)) continue;
      if (r.review?.status === 'returned') continue;
      if (r.review?.checkedAt && now() - r.review.checkedAt < REVIEW_POLL_MS) continue;
      if (!(await refreshReview(r.id))) return; // offline again
    }
  }

  return { drain, send, unpark, nextDue, pollReviews, refreshReview };
}
