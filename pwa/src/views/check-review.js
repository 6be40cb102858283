// Review before finalizing: what is missing (each problem leads to its question), a summary of
// answers, photos, signatures, GPS and times. Finalizing makes the record read-only and queues it.
import { h } from '../app/dom.js';
import { confirmDialog } from '../app/dialog.js';
import { formatDuration } from '../app/format.js';
import { localized, questionsOf, recordedAnswers } from '../record/conditions.js';
import { draftProblems } from '../record/validate.js';
import { t, textLang } from '../i18n/index.js';
import { goToQuestion } from './check.js';
import { problemText } from './questions.js';

export function gpsLine(draft, purpose = 'start') {
  const fix = draft.gps.find((g) => g.purpose === purpose);
  if (fix) return t('review.gps_fix', { lat: fix.lat, lon: fix.lon, acc: Math.round(fix.accuracy_m) });
  const issue = draft.gpsIssues.find((g) => g.purpose === purpose);
  return issue ? t('review.gps_issue', { reason: t(`gps.${issue.error}`) }) : t('review.gps_pending');
}

export function reviewStep(session, footer) {
  const { record, assignment, templates, ctx } = session;
  const draft = record.draft;
  const lang = textLang();
  const context = { assignment, templates, inspectorId: session.inspectorId };
  const problems = draftProblems(draft, context);
  draft.reviewed = true;
  session.save();
  const wrap = h('div', { class: 'review' });
  const steps = { results: 'results', methods: 'results', followup: 'results', officers: 'sign', party: 'sign' };

  if (problems.length) {
    wrap.append(h('div', { class: 'problems', role: 'region', 'aria-labelledby': 'problems-h' },
      h('h2', { id: 'problems-h' }, t('review.problems', { n: problems.length })),
      h('ul', {}, problems.map((p) => {
        const item = assignment.items.find((i) => i.code === p.item);
        const question = p.question && item ? questionsOf(templates[item.template]).find((x) => x.question.id === p.question)?.question : null;
        const where = question ? localized(question.label, lang) : item && p.scope === 'results' ? item.name : t(`review.scope_${p.scope}`);
        const go = () => (p.question ? goToQuestion(ctx, record.id, p.item, p.question) : session.go(`/check/${record.id}/${steps[p.scope] ?? p.item}`));
        return h('li', {}, h('button', { type: 'button', class: 'link', onclick: go }, `${where}：${problemText(p)}`));
      }))));
  } else {
    wrap.append(h('p', { class: 'note ok' }, t('review.ready')));
  }

  const photos = [...session.evidence.values()].filter((e) => e.kind === 'photo');
  const sigs = { officers: draft.officers, party: draft.party };
  const referenced = new Set();
  const summary = h('dl', { class: 'facts' },
    h('dt', {}, t('review.started')), h('dd', {}, record.startedAt.replace('T', ' ').slice(0, 16)),
    h('dt', {}, t('review.elapsed')), h('dd', {}, formatDuration(Date.now() - record.startedAtMs)),
    h('dt', {}, t('review.gps')), h('dd', {}, gpsLine(draft)));
  wrap.append(h('h2', {}, t('review.summary')), summary);

  for (const item of assignment.items) {
    const template = templates[item.template];
    const answers = recordedAnswers(template, draft.answers[item.code] ?? {}, sigs);
    Object.values(answers).flat().forEach((v) => referenced.add(v));
    const total = questionsOf(template).length;
    wrap.append(h('p', {}, h('strong', {}, item.name), ' ', t('review.answered', { n: Object.keys(answers).length, total })));
  }
  const unused = photos.filter((p) => !referenced.has(p.id) && !p.submitted);
  wrap.append(h('p', {}, t('review.photos', { n: photos.length - unused.length })));
  if (unused.length) wrap.append(h('p', { class: 'note warn' }, t('review.unused_photos', { n: unused.length })));
  const gpsMissing = draft.gpsIssues.filter((g) => g.purpose === 'photo').length;
  if (gpsMissing) wrap.append(h('p', { class: 'hint' }, t('review.photo_gps_missing', { n: gpsMissing })));
  if (draft.gpsIssues.length) wrap.append(h('p', { class: 'hint' }, t('review.gps_issue_kept')));

  const finalize = h('button', { type: 'button', class: 'primary', disabled: problems.length > 0, onclick: async () => {
    const ok = await confirmDialog({ title: t('review.finalize_title'), message: t('review.finalize_message'), ok: t('review.finalize') });
    if (!ok) return;
    finalize.disabled = true;
    try {
      await session.save({ now: true });
      const final = await ctx.drafts.finalize(record, context);
      session.record = final; // the editor's copy is final now: nothing writes the draft again
      ctx.setDraftOpen(false);
      ctx.engine.trigger('finalized');
      ctx.navigate(`/r/${record.id}`, { replace: true });
    } catch (err) {
      finalize.disabled = false;
      ctx.toast(err.problems ? t('review.problems', { n: err.problems.length }) : String(err.message ?? err));
    }
  } }, t('review.finalize'));
  footer.append(h('button', { type: 'button', onclick: () => session.go(`/check/${record.id}/sign`) }, t('check.previous')), finalize);
  if (problems.length) footer.append(h('p', { class: 'sr-only' }, t('review.finalize_disabled')));
  return wrap;
}
