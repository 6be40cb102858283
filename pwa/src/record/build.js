// The record JSON of docs/field-api.md §2, built from a finalized draft, and its digest.
import { canonicalJson, digestOf } from './canonical.js';
import { recordedAnswers } from './conditions.js';

/** A new, empty draft for an assignment. */
export function newDraft() {
  return {
    answers: {},
    resultCategories: {},
    checkMethods: [],
    followup: [],
    notes: '',
    gps: [],
    gpsIssues: [],
    officers: [],
    party: { present: null, name: '', signed: false, signatureEvidenceId: null, refused: false,
      witness: { name: '', signatureEvidenceId: null } },
  };
}

function partyOf(p) {
  if (!p.present) {
    return { present: false, name: null, signed: false, signature_evidence_id: null, refused: false, witness: null };
  }
  if (p.refused) {
    return { present: true, name: p.name.trim(), signed: false, signature_evidence_id: null, refused: true,
      witness: { name: p.witness.name.trim(), signature_evidence_id: p.witness.signatureEvidenceId } };
  }
  return { present: true, name: p.name.trim(), signed: true, signature_evidence_id: p.signatureEvidenceId,
    refused: false, witness: null };
}

function evidenceEntry(e) {
  return { id: e.id, kind: e.kind, sha256: e.sha256, size: e.size, media_type: e.mediaType,
    item_code: e.itemCode ?? null, question_id: e.questionId ?? null, captured_at: e.capturedAt,
    captured_by: e.capturedBy };
}

/**
 * The record body without `digest`. `record` is the device record (id, assignmentId, draft,
 * startedAt/startedAtMs, endedAt/endedAtMs); `evidence` every evidence item of it on the device.
 * Only evidence the record refers to is declared; GPS fixes of photos not declared are left out.
 */
export function recordBody(record, { assignment, templates, evidence }) {
  const { draft } = record;
  const signatures = { officers: draft.officers, party: draft.party };
  const answers = {};
  const resultCategories = {};
  const templateKeys = {};
  const referenced = new Set();
  for (const item of assignment.items) {
    const template = templates[item.template];
    templateKeys[item.code] = item.template;
    answers[item.code] = recordedAnswers(template, draft.answers[item.code] ?? {}, signatures);
    resultCategories[item.code] = [...(draft.resultCategories[item.code] ?? [])];
    for (const { question } of template.sections.flatMap((s) => s.questions.map((q) => ({ question: q })))) {
      const v = answers[item.code][question.id];
      if (question.type === 'photo' && v) v.forEach((id) => referenced.add(id));
      if (question.type === 'signature' && v) referenced.add(v);
    }
  }
  const officers = draft.officers.map((o) => ({ inspector_id: o.inspectorId, signature_evidence_id: o.signatureEvidenceId }));
  officers.forEach((o) => referenced.add(o.signature_evidence_id));
  const party = partyOf(draft.party);
  if (party.signature_evidence_id) referenced.add(party.signature_evidence_id);
  if (party.witness) referenced.add(party.witness.signature_evidence_id);
  const declared = evidence.filter((e) => referenced.has(e.id)).sort((a, b) => (a.capturedAtMs ?? 0) - (b.capturedAtMs ?? 0) || (a.id < b.id ? -1 : 1));
  const missing = [...referenced].filter((id) => !declared.some((e) => e.id === id));
  if (missing.length) throw new Error(`evidence not on the device: ${missing.join(', ')}`);
  const gps = draft.gps
    .filter((g) => !g.evidence_id || referenced.has(g.evidence_id))
    .map((g) => ({ lat: g.lat, lon: g.lon, accuracy_m: g.accuracy_m, at: g.at, purpose: g.purpose,
      ...(g.evidence_id ? { evidence_id: g.evidence_id } : {}) }));
  return {
    id: record.id,
    assignment_id: assignment.id,
    templates: templateKeys,
    answers,
    result_categories: resultCategories,
    check_methods: [...draft.checkMethods],
    followup: draft.followup.map((f) => ({ code: f.code, done: Boolean(f.done), date: f.date || null, note: f.note ?? '' })),
    notes: draft.notes ?? '',
    started_at: record.startedAt,
    ended_at: record.endedAt,
    elapsed_ms: Math.max(0, Math.round(record.endedAtMs - record.startedAtMs)),
    gps,
    officers,
    party,
    evidence: declared.map(evidenceEntry),
  };
}

/** The full record: body plus `digest` = SHA-256 of the canonical JSON of the body. */
export async function sealRecord(body) {
  if ('digest' in body) throw new Error('the body must not carry a digest yet');
  return { ...body, digest: await digestOf(body) };
}

/** The request body: the canonical text itself, so the server parses exactly what was hashed. */
export function requestText(record) {
  return canonicalJson(record);
}
