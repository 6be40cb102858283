// Reading a checklist template (schemas/checklist-template.schema.json): questions in document
// order, show_if conditions, and the answers a record carries.

export const TEMPLATE_FORMAT = 'checklist/1';

/** Every question of a template in document order, with its section. */
export function questionsOf(template) {
  return template.sections.flatMap((section) => section.questions.map((question) => ({ section, question })));
}

/** Readers that do not know the format must refuse the template rather than guess. */
export function checkFormat(template) {
  if (!template || template.format !== TEMPLATE_FORMAT) {
    throw new Error(`unknown checklist format ${template?.format ?? '(none)'}`);
  }
}

export function isAnswered(value) {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** Does `answer` meet the condition (multi_choice: the value is among those selected)? */
export function conditionMet(condition, answer) {
  if (!isAnswered(answer)) return false;
  const wanted = condition.in ?? [condition.equals];
  return Array.isArray(answer) ? wanted.some((v) => answer.includes(v)) : wanted.includes(answer);
}

/**
 * Which questions show. A question's condition names an earlier question; a condition on a
 * hidden question is never met, so evaluating in document order is enough.
 */
export function visibility(template, answers) {
  const visible = new Map();
  for (const { question } of questionsOf(template)) {
    const cond = question.show_if;
    visible.set(question.id, !cond || (visible.get(cond.question) === true && conditionMet(cond, answers[cond.question])));
  }
  return visible;
}

/**
 * Signature questions are answered from the record's signatures (one signing step for the whole
 * check): the n-th `inspector` question of a template gets the n-th officer's signature, `party`
 * the party's and `witness` the witness's. Returns the answers with those filled in.
 */
export function withSignatures(template, answers, signatures) {
  const filled = { ...answers };
  let n = 0;
  for (const { question } of questionsOf(template)) {
    if (question.type !== 'signature') continue;
    let id = null;
    if (question.signer === 'inspector') { id = signatures.officers?.[n]?.signatureEvidenceId ?? null; n += 1; }
    if (question.signer === 'party') id = signatures.party?.signed ? signatures.party.signatureEvidenceId ?? null : null;
    if (question.signer === 'witness') id = signatures.party?.refused ? signatures.party.witness?.signatureEvidenceId ?? null : null;
    if (id) filled[question.id] = id; else delete filled[question.id];
  }
  return filled;
}

/** The answers a record carries for one item: visible and answered questions only. */
export function recordedAnswers(template, answers, signatures) {
  const filled = withSignatures(template, answers, signatures);
  const visible = visibility(template, filled);
  const out = {};
  for (const { question } of questionsOf(template)) {
    const value = filled[question.id];
    if (visible.get(question.id) && isAnswered(value)) out[question.id] = value;
  }
  return out;
}

/** `{zh, en}` text in the wanted language, falling back to Chinese. */
export function localized(text, lang) {
  if (!text) return '';
  return (lang === 'en' && text.en) || text.zh;
}
