// A record's content, read-only: answers per item (with the template's labels when known),
// results, methods, follow-up, notes, officers, party, GPS, times, photos and signatures.
// Used for the inspector's finalized record and the team lead's review. `image(evidence)` gives
// an <img> source (a device Blob URL, or a server thumbnail fetched with the token).
import { h } from '../app/dom.js';
import { localized, questionsOf } from '../record/conditions.js';
import { nameOf, t, textLang } from '../i18n/index.js';

function answerText(question, value, lang) {
  if (!question) return Array.isArray(value) ? value.join(', ') : String(value);
  switch (question.type) {
    case 'yes_no_na': return t(`answer.${value}`);
    case 'single_choice': return localized(question.options.find((o) => o.value === value)?.label, lang) || value;
    case 'multi_choice': return value.map((v) => localized(question.options.find((o) => o.value === v)?.label, lang) || v).join('、');
    case 'number': return `${value} ${question.unit}`;
    default: return String(value);
  }
}

function flatten(nodes, out = new Map()) {
  for (const n of nodes ?? []) { out.set(n.code, n); flatten(n.children, out); }
  return out;
}

export function recordDetails(body, { templates = {}, items = [], meta = null, team = [], image = () => null }) {
  const lang = textLang();
  const evidence = new Map((body.evidence ?? []).map((e) => [e.id, e]));
  const categories = flatten(meta?.result_categories);
  const methods = new Map((meta?.check_methods ?? []).map((m) => [m.code, m]));
  const followups = new Map((meta?.followup_options ?? []).map((m) => [m.code, m]));
  const names = new Map(team.map((m) => [m.inspector_id, m.name]));
  const photo = (id, alt) => {
    const src = image(evidence.get(id) ?? { id });
    return src ? h('img', { src, alt, class: 'thumb', width: 96, height: 96, dataset: { evidenceId: id ?? '' } })
      : h('span', { class: 'meta' }, t('record.photo_not_here'));
  };
  const out = h('div', { class: 'record' });

  for (const [code, answers] of Object.entries(body.answers ?? {})) {
    const templateKey = body.templates?.[code];
    const template = templates[templateKey];
    const item = items.find((i) => i.code === code);
    const questions = template ? new Map(questionsOf(template).map(({ question }) => [question.id, question])) : new Map();
    const dl = h('dl', { class: 'answers' });
    const order = template ? questionsOf(template).map(({ question }) => question.id).filter((id) => id in answers) : Object.keys(answers);
    for (const qid of order) {
      const q = questions.get(qid);
      const v = answers[qid];
      dl.append(h('dt', {}, q ? localized(q.label, lang) : qid));
      if (q?.type === 'photo' || (!q && Array.isArray(v) && v.every((x) => evidence.has(x)))) {
        dl.append(h('dd', { class: 'thumbs' }, v.map((id, i) => photo(id, t('question.photo_n', { n: i + 1 })))));
      } else if (q?.type === 'signature') {
        dl.append(h('dd', {}, photo(v, localized(q.label, lang))));
      } else {
        dl.append(h('dd', {}, answerText(q, v, lang)));
      }
    }
    out.append(h('h2', {}, item?.name ?? code, ' ', h('span', { class: 'meta' }, templateKey ?? '')), dl,
      h('p', {}, h('strong', {}, t('results.categories')), '：',
        (body.result_categories?.[code] ?? []).map((c) => nameOf(categories.get(c)) || c).join('、') || '—'));
  }

  out.append(h('h2', {}, t('record.other')), h('dl', { class: 'facts' },
    h('dt', {}, t('results.methods')), h('dd', {}, (body.check_methods ?? []).map((c) => nameOf(methods.get(c)) || c).join('、') || '—'),
    h('dt', {}, t('results.followup')), h('dd', {}, (body.followup ?? []).length
      ? body.followup.map((f) => `${nameOf(followups.get(f.code)) || f.code}${f.done ? `（${t('results.followup_done')}）` : ''}${f.date ? ` ${f.date}` : ''}${f.note ? `：${f.note}` : ''}`).join('；')
      : '—'),
    h('dt', {}, t('results.notes')), h('dd', { class: 'pre' }, body.notes || '—'),
    h('dt', {}, t('review.started')), h('dd', {}, body.started_at ?? '—'),
    h('dt', {}, t('record.ended')), h('dd', {}, body.ended_at ?? '—'),
    h('dt', {}, t('review.gps')), h('dd', {}, (body.gps ?? []).length
      ? h('ul', { class: 'plain' }, body.gps.map((g) => h('li', {}, `${t(`gps.purpose_${g.purpose}`)}：${g.lat}, ${g.lon} ±${Math.round(g.accuracy_m)} m · ${g.at}`)))
      : t('record.no_gps'))));

  out.append(h('h2', {}, t('sign.officers')), h('ul', { class: 'plain sigs' }, (body.officers ?? []).map((o) => h('li', {},
    h('span', {}, names.get(o.inspector_id) ?? o.inspector_id), photo(o.signature_evidence_id, t('sign.signature_of', { who: names.get(o.inspector_id) ?? o.inspector_id }))))));
  const p = body.party ?? {};
  out.append(h('h2', {}, t('sign.party')), !p.present ? h('p', {}, t('sign.party_absent'))
    : p.refused ? h('div', {}, h('p', {}, t('record.party_refused', { name: p.name })), h('p', {}, t('record.witness', { name: p.witness?.name ?? '' })),
      photo(p.witness?.signature_evidence_id, t('sign.witness')))
      : h('div', {}, h('p', {}, p.name), photo(p.signature_evidence_id, t('sign.party'))));
  out.append(h('p', { class: 'meta digest' }, t('record.digest', { digest: body.digest ?? '—' })));
  return out;
}
