import { describe, expect, it } from 'vitest';
import { canonicalJson, digestOf } from '../src/record/canonical.js';
import { recordedAnswers, visibility, withSignatures } from '../src/record/conditions.js';
import { newDraft, recordBody, requestText, sealRecord } from '../src/record/build.js';
import { answerProblems, draftProblems } from '../src/record/validate.js';
import { rfc3339 } from '../src/record/ids.js';
import { assignment, evidence, template } from './support/fixtures.js';

const q = (id) => template().sections.flatMap((s) => s.questions).find((x) => x.id === id);

describe('show_if', () => {
  it('shows a question only when the earlier answer matches (equals, in, multi_choice)', () => {
    const tpl = template();
    expect(visibility(tpl, {}).get('licence_photos')).toBe(false);
    expect(visibility(tpl, { licence_valid: 'no' }).get('licence_photos')).toBe(true);
    expect(visibility(tpl, { business_format: 'catering' }).get('fridge_temp')).toBe(true);
    expect(visibility(tpl, { business_format: 'retail' }).get('fridge_temp')).toBe(false);
    expect(visibility(tpl, { hazards: ['a', 'c'] }).get('hazard_note')).toBe(true);
    expect(visibility(tpl, { hazards: ['a'] }).get('hazard_note')).toBe(false);
  });

  it('a condition on a hidden question is never met', () => {
    const tpl = template();
    tpl.sections[0].questions.push({ id: 'deeper', type: 'text', label: { zh: '更深' },
      show_if: { question: 'fridge_temp', equals: 'x' } });
    tpl.sections[0].questions.find((x) => x.id === 'fridge_temp').type = 'single_choice';
    expect(visibility(tpl, { business_format: 'retail', fridge_temp: 'x' }).get('deeper')).toBe(false);
  });

  it('hidden and unanswered questions are not recorded', () => {
    const answers = { licence_valid: 'yes', licence_photos: ['p1'], business_format: 'retail', fridge_temp: 4, hazard_note: '' };
    expect(recordedAnswers(template(), answers, { officers: [], party: {} })).toEqual({ licence_valid: 'yes', business_format: 'retail' });
  });

  it('signature questions are answered from the signing step: inspectors in order, party, witness', () => {
    const sigs = { officers: [{ inspectorId: 'I17', signatureEvidenceId: 's1' }, { inspectorId: 'I52', signatureEvidenceId: 's2' }],
      party: { present: true, refused: true, witness: { name: 'W', signatureEvidenceId: 'w1' } } };
    expect(withSignatures(template(), {}, sigs)).toEqual({ inspector_signature_1: 's1', inspector_signature_2: 's2', witness_signature: 'w1' });
  });
});

describe('answer checks', () => {
  it.each([
    ['licence_valid', 'maybe', 'invalid_choice'],
    ['business_format', 'x', 'invalid_choice'],
    ['hazards', ['a', 'b', 'c'], 'too_many_selected'],
    ['hazards', ['a', 'a'], 'invalid_choice'],
    ['fridge_temp', 25, 'above_maximum'],
    ['fridge_temp', -31, 'below_minimum'],
    ['fridge_temp', 4.25, 'too_many_decimals'],
    ['hazard_note', '12345678901', 'too_long'],
    ['expiry', '2027-02-30', 'invalid_date'],
    ['licence_photos', ['1', '2', '3', '4'], 'too_many_photos'],
    ['licence_photos', undefined, 'required'],
  ])('%s = %j is %s', (id, value, code) => {
    expect(answerProblems(q(id), value).map((p) => p.code)).toContain(code);
  });

  it.each([['licence_valid', 'na'], ['fridge_temp', 4.5], ['hazard_note', '张伟张伟张伟张伟张伟'], ['expiry', '2028-02-29'], ['hazards', undefined]])(
    '%s = %j is fine', (id, value) => { expect(answerProblems(q(id), value)).toEqual([]); });

  it('counts text length in characters as the server does (code points)', () => {
    expect(answerProblems(q('hazard_note'), '😀'.repeat(10))).toEqual([]);
  });
});

function completeDraft() {
  const d = newDraft();
  d.answers['MR-FOOD-01'] = { licence_valid: 'no', licence_photos: ['p1'], business_format: 'catering', fridge_temp: 4.5 };
  d.resultCategories['MR-FOOD-01'] = ['no_problem'];
  d.checkMethods = ['on_site'];
  d.officers = [{ inspectorId: 'I17', signatureEvidenceId: 's1' }, { inspectorId: 'I52', signatureEvidenceId: 's2' }];
  d.party = { present: true, name: ' 王某 ', signed: true, signatureEvidenceId: 'ps', refused: false, witness: { name: '', signatureEvidenceId: null } };
  d.gps = [{ lat: 36.190123, lon: 117.120321, accuracy_m: 8.5, at: '2027-03-02T09:15:00+08:00', purpose: 'start' },
    { lat: 36.1902, lon: 117.1204, accuracy_m: 12, at: '2027-03-02T09:20:00+08:00', purpose: 'photo', evidence_id: 'p1' },
    { lat: 36.1903, lon: 117.1205, accuracy_m: 30, at: '2027-03-02T09:21:00+08:00', purpose: 'photo', evidence_id: 'p-dropped' }];
  d.followup = [{ code: 'none', done: false, date: '', note: '' }];
  return d;
}
const ctx = { assignment: assignment(), templates: { 'MR-FOOD-01@3': template() }, inspectorId: 'I17' };

describe('draft checks', () => {
  it('a complete draft has no problems', () => {
    expect(draftProblems(completeDraft(), ctx)).toEqual([]);
  });

  it('needs two officers of the team, the signed-in inspector among them, all signed', () => {
    const d = completeDraft();
    d.officers = [{ inspectorId: 'I52', signatureEvidenceId: null }];
    const codes = draftProblems(d, ctx).map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['two_officers', 'caller_not_officer', 'officer_unsigned']));
    d.officers = [{ inspectorId: 'I17', signatureEvidenceId: 's' }, { inspectorId: 'I99', signatureEvidenceId: 's' }];
    expect(draftProblems(d, ctx).map((p) => p.code)).toContain('officer_not_in_team');
  });

  it('a party who refuses needs a witness who signs', () => {
    const d = completeDraft();
    d.party = { ...d.party, signed: false, refused: true, signatureEvidenceId: null };
    expect(draftProblems(d, ctx).map((p) => p.code)).toContain('witness_required');
  });

  it('reports required answers, results and methods', () => {
    const d = newDraft();
    const codes = draftProblems(d, ctx).map((p) => `${p.scope}:${p.question ?? ''}:${p.code}`);
    expect(codes).toEqual(expect.arrayContaining(['question:licence_valid:required', 'question:business_format:required',
      'question:inspector_signature_1:signature_missing_inspector', 'results::result_required', 'methods::method_required',
      'party::party_presence']));
  });
});

describe('the record JSON', () => {
  const record = {
    id: '0b6c0f55-6a43-4c1e-9f0b-5c4d0a1e2f3a', draft: completeDraft(),
    startedAt: '2027-03-02T09:15:00+08:00', startedAtMs: 1_000_000, endedAt: '2027-03-02T10:02:11+08:00', endedAtMs: 3_831_000,
  };
  const items = [evidence('p1', record.id, { capturedAtMs: 2 }), evidence('p-dropped', record.id, { capturedAtMs: 3, questionId: 'licence_photos' }),
    evidence('s1', record.id, { kind: 'signature', mediaType: 'image/png', itemCode: null, questionId: null, capturedAtMs: 5 }),
    evidence('s2', record.id, { kind: 'signature', mediaType: 'image/png', itemCode: null, questionId: null, capturedAtMs: 6 }),
    evidence('ps', record.id, { kind: 'signature', mediaType: 'image/png', itemCode: null, questionId: null, capturedAtMs: 7 })];

  it('is built as docs/field-api.md §2 says', () => {
    const body = recordBody(record, { ...ctx, evidence: items });
    expect(Object.keys(body).sort()).toEqual(['answers', 'assignment_id', 'check_methods', 'elapsed_ms', 'ended_at', 'evidence',
      'followup', 'gps', 'id', 'notes', 'officers', 'party', 'result_categories', 'started_at', 'templates']);
    expect(body.templates).toEqual({ 'MR-FOOD-01': 'MR-FOOD-01@3' });
    expect(body.answers['MR-FOOD-01']).toEqual({ licence_valid: 'no', licence_photos: ['p1'], business_format: 'catering',
      fridge_temp: 4.5, inspector_signature_1: 's1', inspector_signature_2: 's2', party_signature: 'ps' });
    expect(body.elapsed_ms).toBe(2_831_000);
    expect(body.officers).toEqual([{ inspector_id: 'I17', signature_evidence_id: 's1' }, { inspector_id: 'I52', signature_evidence_id: 's2' }]);
    expect(body.party).toEqual({ present: true, name: '王某', signed: true, signature_evidence_id: 'ps', refused: false, witness: null });
    expect(body.evidence.map((e) => e.id)).toEqual(['p1', 's1', 's2', 'ps']); // p-dropped is not referenced
    expect(body.gps.map((g) => g.evidence_id ?? g.purpose)).toEqual(['start', 'p1']);
    expect(body.evidence[0]).toEqual({ id: 'p1', kind: 'photo', sha256: 'a'.repeat(64), size: 8, media_type: 'image/jpeg',
      item_code: 'MR-FOOD-01', question_id: 'licence_photos', captured_at: '2027-03-02T09:20:00+08:00', captured_by: 'I17' });
    expect(body.followup).toEqual([{ code: 'none', done: false, date: null, note: '' }]);
  });

  it('refuses to declare evidence that is not on the device', () => {
    expect(() => recordBody(record, { ...ctx, evidence: items.slice(1) })).toThrow(/p1/);
  });

  it('carries the digest of the canonical JSON of everything else, and is sent as that text', async () => {
    const body = recordBody(record, { ...ctx, evidence: items });
    const sealed = await sealRecord(body);
    expect(sealed.digest).toBe(await digestOf(body));
    const sent = JSON.parse(requestText(sealed));
    const { digest, ...rest } = sent;
    expect(canonicalJson(rest)).toBe(canonicalJson(body));
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('times', () => {
  it('are RFC 3339 with the local offset, to the second', () => {
    expect(rfc3339(Date.UTC(2027, 2, 2, 1, 15, 0))).toMatch(/^2027-03-0[12]T\d{2}:\d{2}:00[+-]\d{2}:\d{2}$/);
  });
});

describe('result categories', () => {
  it('"no problem found" stands alone', () => {
    const d = completeDraft();
    d.resultCategories['MR-FOOD-01'] = ['no_problem', 'problem_found'];
    expect(draftProblems(d, ctx).map((p) => p.code)).toEqual(['no_problem_alone']);
  });
});
