// The check: one step per item's checklist, then results, signatures, review. The draft lives in
// memory here and is written to IndexedDB on every change (debounced for typing), so closing the
// app loses nothing. While this screen is open the app reports an open draft: no update reloads it.
import { h, blobUrls } from '../app/dom.js';
import { t, textLang } from '../i18n/index.js';
import { localized, questionsOf, visibility, withSignatures } from '../record/conditions.js';
import { checklistProblems } from '../record/validate.js';
import { problemText, questionBlock } from './questions.js';
import { resultsStep } from './check-results.js';
import { signStep } from './check-sign.js';
import { reviewStep } from './check-review.js';

let pendingSave = Promise.resolve();
let focusQuestion = null; // set by the review step: which question to focus after navigating

export function goToQuestion(ctx, recordId, itemCode, questionId) {
  focusQuestion = questionId;
  ctx.navigate(`/check/${recordId}/${itemCode}`);
}

export async function loadSession(ctx, id) {
  await pendingSave;
  const record = await ctx.storage.getRecord(id);
  if (!record) return null;
  const assignment = await ctx.storage.assignment(record.assignmentId);
  const meta = await ctx.storage.packetMeta();
  const templates = {};
  for (const item of assignment?.items ?? []) templates[item.template] = await ctx.storage.template(item.template);
  const evidence = new Map((await ctx.storage.evidenceOf(id)).map((e) => [e.id, e]));
  return { record, assignment, meta, templates, evidence, inspectorId: record.inspectorId };
}

export function checkView(ctx, { id, step }) {
  const el = h('section', { class: 'page check' });
  const footer = h('div', { class: 'actions' });
  const thumbs = blobUrls();
  let session = null;
  let timer = null;

  function save({ now = false } = {}) {
    clearTimeout(timer);
    timer = null;
    if (session.record.state !== 'draft') return pendingSave;
    const write = () => {
      timer = null;
      pendingSave = pendingSave.then(() => ctx.drafts.save(session.record)).catch((err) => ctx.toast(String(err.message ?? err)));
      return pendingSave;
    };
    if (now) return write();
    timer = setTimeout(write, 400);
    return null;
  }

  async function go(path) {
    await save({ now: true });
    ctx.navigate(path);
  }

  async function init() {
    session = await loadSession(ctx, id);
    if (!session) { el.append(h('h1', {}, t('check.missing'))); return; }
    if (session.record.state !== 'draft') { ctx.navigate(`/r/${id}`, { replace: true }); return; }
    if (!session.assignment) { el.append(h('h1', {}, t('check.assignment_gone')), h('p', {}, t('check.assignment_gone_help'))); return; }
    Object.assign(session, { thumbs, save, go, addPhotos, removePhoto, signatureFor, ctx });
    ctx.setDraftOpen(true);
    const { record } = session;
    if (!record.draft.gps.some((g) => g.purpose === 'start') && !record.draft.gpsIssues.some((g) => g.purpose === 'start')) {
      ctx.drafts.locate(record, 'start').then(() => save({ now: true }));
    }
    const steps = [...session.assignment.items.map((i) => i.code), 'results', 'sign', 'review'];
    const index = Math.max(0, steps.indexOf(step ?? steps[0]));
    const current = steps[index];
    const titles = steps.map((s) => {
      const item = session.assignment.items.find((i) => i.code === s);
      return item ? item.name : t(`check.step_${s}`);
    });
    el.append(
      h('p', { class: 'stepper' }, t('check.step_of', { n: index + 1, total: steps.length }), ' · ', session.assignment.target.name),
      h('h1', {}, titles[index]));
    if (record.returnedComment) el.append(h('p', { class: 'note warn' }, t('check.returned_comment', { comment: record.returnedComment })));

    let body;
    if (current === 'results') body = resultsStep(session);
    else if (current === 'sign') body = signStep(session);
    else if (current === 'review') body = reviewStep(session, footer);
    else body = checklistStep(session, session.assignment.items[index]);
    el.append(body);

    if (current !== 'review') {
      footer.append(
        index > 0 ? h('button', { type: 'button', onclick: () => go(`/check/${id}/${steps[index - 1]}`) }, t('check.previous')) : h('a', { class: 'button', href: `#/a/${session.assignment.id}` }, t('check.pause')),
        h('button', { type: 'button', class: 'primary', onclick: () => go(`/check/${id}/${steps[index + 1]}`) }, t('check.next')));
    }
    if (focusQuestion) {
      const target = el.querySelector(`[data-qid="${CSS.escape(focusQuestion)}"]`);
      focusQuestion = null;
      if (target) requestAnimationFrame(() => { target.scrollIntoView({ block: 'center' }); target.querySelector('input, textarea, select, button')?.focus(); });
    }
  }

  async function addPhotos(itemCode, question, files) {
    const problems = [];
    const answers = session.record.draft.answers[itemCode] ??= {};
    for (const file of files) {
      const have = answers[question.id]?.length ?? 0;
      if (question.max_count != null && have >= question.max_count) { problems.push(t('problem.too_many_photos', { max: question.max_count })); break; }
      try {
        const item = await ctx.drafts.addPhoto(session.record, { itemCode, questionId: question.id, file, inspectorId: session.inspectorId });
        session.evidence.set(item.id, item);
        answers[question.id] = [...(answers[question.id] ?? []), item.id];
        await save({ now: true });
        ctx.drafts.locate(session.record, 'photo', item.id).then(() => save({ now: true }));
      } catch (err) {
        problems.push(err.code ? t(`problem.${err.code}`) : t('problem.photo_failed', { message: err.message }));
      }
    }
    return problems;
  }

  async function removePhoto(itemCode, question, evidenceId) {
    const answers = session.record.draft.answers[itemCode];
    answers[question.id] = (answers[question.id] ?? []).filter((x) => x !== evidenceId);
    if (!answers[question.id].length) delete answers[question.id];
    session.record.draft.gps = session.record.draft.gps.filter((g) => g.evidence_id !== evidenceId);
    await save({ now: true });
    await ctx.drafts.removeEvidence(evidenceId);
    session.evidence.delete(evidenceId);
  }

  function signatureFor(itemCode, question) {
    const template = session.templates[session.assignment.items.find((i) => i.code === itemCode).template];
    const filled = withSignatures(template, {}, { officers: session.record.draft.officers, party: session.record.draft.party });
    return filled[question.id] ?? null;
  }

  init();
  return {
    el, footer, back: null, title: t('check.title'),
    destroy() {
      if (timer) save({ now: true });
      ctx.setDraftOpen(false);
      thumbs.revokeAll();
    },
  };
}

function checklistStep(session, item) {
  const template = session.templates[item.template];
  const lang = textLang();
  const wrap = h('div', { class: 'checklist' });
  if (!template) { wrap.append(h('p', { class: 'error' }, t('check.template_missing', { key: item.template }))); return wrap; }
  if (template.format !== 'checklist/1') { wrap.append(h('p', { class: 'error' }, t('check.template_format', { format: template.format }))); return wrap; }
  if (template.description) wrap.append(h('p', { class: 'lead' }, localized(template.description, lang)));
  if (item.legal_basis) wrap.append(h('p', { class: 'basis' }, t('question.legal_basis', { basis: item.legal_basis })));
  const blocks = new Map();
  const answers = (session.record.draft.answers[item.code] ??= {});
  const sigs = () => ({ officers: session.record.draft.officers, party: session.record.draft.party });

  function refresh() {
    const visible = visibility(template, withSignatures(template, answers, sigs()));
    for (const [qid, block] of blocks) block.el.hidden = !visible.get(qid);
  }

  for (const section of template.sections) {
    const sec = h('section', { class: 'tsection', 'aria-labelledby': `s-${item.code}-${section.id}` },
      h('h2', { id: `s-${item.code}-${section.id}` }, localized(section.title, lang)),
      section.description ? h('p', { class: 'hint' }, localized(section.description, lang)) : null);
    for (const question of section.questions) {
      const block = questionBlock(session, item.code, question, (value) => {
        if (value === undefined) delete answers[question.id]; else answers[question.id] = value;
        if (question.type !== 'number') block.error.textContent = '';
        session.save();
        refresh();
      });
      blocks.set(question.id, block);
      sec.append(block.el);
    }
    wrap.append(sec);
  }
  refresh();
  // Show what is still missing on this item when coming back from the review.
  const problems = checklistProblems(item.code, template, answers, sigs());
  if (session.record.draft.reviewed) {
    for (const p of problems) {
      const block = blocks.get(p.question);
      if (block && !block.error.textContent) block.error.textContent = problemText(p);
    }
  }
  const count = questionsOf(template).length;
  wrap.prepend(h('p', { class: 'meta' }, t('check.question_count', { n: count }), ' · ', item.code));
  return wrap;
}
