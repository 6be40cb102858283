// Check records on the device: start, capture evidence, finalize, amend. No DOM: the check
// screen owns the in-memory draft and calls these; every change is written to IndexedDB at once.
import { newDraft, recordBody, sealRecord } from './build.js';
import { draftProblems } from './validate.js';
import { rfc3339, uuid4 } from './ids.js';

export function createDrafts({ storage, now = () => Date.now(), getFix, loadPhotoModule }) {
  /** A new draft for an assignment; the start GPS fix is taken in the background. */
  async function start({ assignment, user, inspectorId, defaultMethods = [] }) {
    const t = now();
    const draft = newDraft();
    draft.checkMethods = defaultMethods;
    draft.officers = [{ inspectorId, signatureEvidenceId: null }];
    const record = {
      id: uuid4(), ownerUserId: user.id, inspectorId, assignmentId: assignment.id, state: 'draft', revision: 1,
      baseRevision: null, startedAt: rfc3339(t), startedAtMs: t, endedAt: null, endedAtMs: null, draft,
      sync: null, review: null, history: [],
    };
    await storage.putRecord(record);
    return record;
  }

  /** Ask for a fix and add it to the draft as {purpose, evidence_id?} (or record why there is none). */
  async function locate(record, purpose, evidenceId = null) {
    const result = await getFix();
    const at = rfc3339(result.ok ? result.fix.atMs : now());
    if (result.ok) {
      const { lat, lon, accuracy_m } = result.fix;
      record.draft.gps.push({ lat, lon, accuracy_m, at, purpose, ...(evidenceId ? { evidence_id: evidenceId } : {}) });
    } else {
      record.draft.gpsIssues.push({ purpose, error: result.error, at, ...(evidenceId ? { evidence_id: evidenceId } : {}) });
    }
    return result;
  }

  /** Store a captured photo (original Blob, SHA-256, thumbnail) for a photo question. */
  async function addPhoto(record, { itemCode, questionId, file, inspectorId }) {
    const { processPhoto } = await loadPhotoModule();
    const processed = await processPhoto(file);
    const t = now();
    const item = { id: uuid4(), recordId: record.id, kind: 'photo', ...processed, itemCode, questionId,
      filename: file.name || null, capturedAt: rfc3339(t), capturedAtMs: t, capturedBy: inspectorId,
      upload: { state: 'pending' } };
    await storage.putEvidence(item);
    return item;
  }

  /** Store a signature PNG; `role` says whose it is (officer:<id>, party, witness). */
  async function addSignature(record, { blob, role, inspectorId }) {
    const { processSignature } = await loadPhotoModule();
    const processed = await processSignature(blob);
    const t = now();
    const item = { id: uuid4(), recordId: record.id, kind: 'signature', ...processed, itemCode: null, questionId: null,
      role, filename: `${role.replace(':', '-')}.png`, capturedAt: rfc3339(t), capturedAtMs: t, capturedBy: inspectorId,
      upload: { state: 'pending' } };
    await storage.putEvidence(item);
    return item;
  }

  /** Take a photo out of a draft answer; delete it unless an earlier revision already declared it. */
  async function removeEvidence(id) {
    const item = await storage.getEvidence(id);
    if (item && !item.submitted) await storage.deleteDraftEvidence(id);
  }

  function save(record) {
    return storage.saveDraft(record);
  }

  /**
   * Finalize: check, build the record JSON of docs/field-api.md §2 with its digest, store it
   * read-only and queue it. An amendment keeps the on-site times of the first revision.
   */
  async function finalize(record, { assignment, templates, inspectorId }) {
    const problems = draftProblems(record.draft, { assignment, templates, inspectorId });
    if (problems.length) {
      const err = new Error('the draft has problems');
      err.problems = problems;
      throw err;
    }
    const t = now();
    const timed = record.endedAtMs ? record : { ...record, endedAtMs: t, endedAt: rfc3339(t) };
    const evidence = await storage.evidenceOf(record.id);
    const body = await sealRecord(recordBody(timed, { assignment, templates, evidence }));
    const final = { ...timed, state: 'final', body, digest: body.digest, finalizedAt: t,
      sync: { status: 'queued', attempts: 0 }, review: null,
      history: [...(record.history ?? []), { revision: record.revision, digest: body.digest, finalizedAt: t }] };
    await storage.finalizeRecord(final, record.baseRevision ? 'revision' : 'record');
    return final;
  }

  /** A returned record becomes a draft again, as the next revision (docs/field-api.md §3). */
  async function amend(recordId) {
    return storage.updateRecord(recordId, (r) => {
      if (r.state !== 'final' || r.review?.status !== 'returned') throw new Error('only a returned record can be amended');
      const base = r.sync?.serverRevision ?? r.revision;
      return { ...r, state: 'draft', baseRevision: base, revision: base + 1, body: null, digest: null,
        sync: null, returnedComment: r.review?.comment ?? null };
    });
  }

  return { start, locate, addPhoto, addSignature, removeEvidence, save, finalize, amend };
}
