// What the server checks before accepting a record (docs/field-api.md §2), checked on the device
// first so the inspector can fix it on site. Problems are {scope, item?, question?, code, params}.
import { isAnswered, questionsOf, visibility, withSignatures } from './conditions.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidDate(text) {
  const m = DATE.exec(text ?? '');
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

export function decimalsOf(n) {
  const text = String(n);
  if (text.includes('e')) {
    const [mant, exp] = text.split('e');
    return Math.max(0, (mant.split('.')[1] ?? '').length - Number(exp));
  }
  return (text.split('.')[1] ?? '').length;
}

/** Problems of one answer (an empty list when it is fine). Hidden questions are never checked. */
export function answerProblems(question, value) {
  if (!isAnswered(value)) return question.required ? [{ code: 'required' }] : [];
  switch (question.type) {
    case 'yes_no_na': {
      const allowed = question.allow_na === false ? ['yes', 'no'] : ['yes', 'no', 'na'];
      return allowed.includes(value) ? [] : [{ code: 'invalid_choice' }];
    }
    case 'single_choice':
      return question.options.some((o) => o.value === value) ? [] : [{ code: 'invalid_choice' }];
    case 'multi_choice': {
      if (!Array.isArray(value) || new Set(value).size !== value.length
        || !value.every((v) => question.options.some((o) => o.value === v))) return [{ code: 'invalid_choice' }];
      const out = [];
      if (question.min_selected != null && value.length < question.min_selected) out.push({ code: 'too_few_selected', params: { min: question.min_selected } });
      if (question.max_selected != null && value.length > question.max_selected) out.push({ code: 'too_many_selected', params: { max: question.max_selected } });
      return out;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return [{ code: 'not_a_number' }];
      const out = [];
      if (question.minimum != null && value < question.minimum) out.push({ code: 'below_minimum', params: { min: question.minimum, unit: question.unit } });
      if (question.maximum != null && value > question.maximum) out.push({ code: 'above_maximum', params: { max: question.maximum, unit: question.unit } });
      if (decimalsOf(value) > (question.decimals ?? 0)) out.push({ code: 'too_many_decimals', params: { decimals: question.decimals ?? 0 } });
      return out;
    }
    case 'text': {
      if (typeof value !== 'string') return [{ code: 'invalid' }];
      const max = question.max_length ?? 500;
      return [...value].length > max ? [{ code: 'too_long', params: { max } }] : [];
    }
    case 'date':
      return isValidDate(value) ? [] : [{ code: 'invalid_date' }];
    case 'photo': {
      if (!Array.isArray(value)) return [{ code: 'invalid' }];
      const out = [];
      if (value.length < question.min_count) out.push({ code: 'too_few_photos', params: { min: question.min_count } });
      if (question.max_count != null && value.length > question.max_count) out.push({ code: 'too_many_photos', params: { max: question.max_count } });
      return out;
    }
    case 'signature':
      return typeof value === 'string' ? [] : [{ code: 'invalid' }];
    default:
      return [{ code: 'unknown_type' }];
  }
}

/** Problems of one item's checklist. Signature questions are filled from the signing step. */
export function checklistProblems(itemCode, template, answers, signatures) {
  const filled = withSignatures(template, answers, signatures);
  const visible = visibility(template, filled);
  const problems = [];
  for (const { question } of questionsOf(template)) {
    if (!visible.get(question.id)) continue;
    for (const p of answerProblems(question, filled[question.id])) {
      const code = question.type === 'signature' && p.code === 'required' ? `signature_missing_${question.signer}` : p.code;
      problems.push({ scope: 'question', item: itemCode, question: question.id, code, params: p.params ?? {} });
    }
  }
  return problems;
}

/**
 * Every problem of a draft: the checklists, result categories, check methods, follow-up and the
 * signatures (at least two officers of the team, the signed-in inspector among them; the party
 * absent, signed, or refused with a witness who signs).
 */
export function draftProblems(draft, { assignment, templates, inspectorId }) {
  const problems = [];
  const signatures = { officers: draft.officers, party: draft.party };
  for (const item of assignment.items) {
    const template = templates[item.template];
    if (!template) { problems.push({ scope: 'item', item: item.code, code: 'template_missing' }); continue; }
    problems.push(...checklistProblems(item.code, template, draft.answers[item.code] ?? {}, signatures));
    const results = draft.resultCategories[item.code] ?? [];
    if (!results.length) problems.push({ scope: 'results', item: item.code, code: 'result_required' });
    if (results.includes('no_problem') && results.length > 1) problems.push({ scope: 'results', item: item.code, code: 'no_problem_alone' });
  }
  if (!draft.checkMethods.length) problems.push({ scope: 'methods', code: 'method_required' });
  for (const f of draft.followup) {
    if (f.date && !isValidDate(f.date)) problems.push({ scope: 'followup', code: 'invalid_date', params: { code: f.code } });
  }
  const team = new Set(assignment.team.map((m) => m.inspector_id));
  const officers = draft.officers.filter((o) => o.inspectorId);
  if (officers.length < 2) problems.push({ scope: 'officers', code: 'two_officers' });
  if (!officers.some((o) => o.inspectorId === inspectorId)) problems.push({ scope: 'officers', code: 'caller_not_officer' });
  if (officers.some((o) => !team.has(o.inspectorId))) problems.push({ scope: 'officers', code: 'officer_not_in_team' });
  if (new Set(officers.map((o) => o.inspectorId)).size !== officers.length) problems.push({ scope: 'officers', code: 'officer_twice' });
  officers.filter((o) => !o.signatureEvidenceId)
    .forEach((o) => problems.push({ scope: 'officers', code: 'officer_unsigned', params: { inspector: o.inspectorId } }));
  const party = draft.party;
  if (party.present === null || party.present === undefined) problems.push({ scope: 'party', code: 'party_presence' });
  else if (party.present) {
    if (!party.name?.trim()) problems.push({ scope: 'party', code: 'party_name' });
    if (!party.signed && !party.refused) problems.push({ scope: 'party', code: 'party_sign_or_refuse' });
    if (party.signed && !party.signatureEvidenceId) problems.push({ scope: 'party', code: 'party_unsigned' });
    if (party.refused && (!party.witness?.name?.trim() || !party.witness?.signatureEvidenceId)) {
      problems.push({ scope: 'party', code: 'witness_required' });
    }
  }
  return problems;
}
