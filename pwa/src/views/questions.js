// One checklist question as form controls, for every type of schemas/checklist-template.schema.json:
// yes/no/NA, single and multiple choice, number with unit, text, date, photo, signature.
// Each has a label (a legend for groups), the required mark, help text, legal basis, and an
// error line wired with aria-describedby.
import { h, clear, uid } from '../app/dom.js';
import { localized } from '../record/conditions.js';
import { answerProblems } from '../record/validate.js';
import { t, textLang } from '../i18n/index.js';

export function problemText(p) {
  return t(`problem.${p.code}`, p.params ?? {});
}

function choice(type, name, value, label, checked, onchange) {
  const id = uid('c');
  return h('div', { class: 'option' },
    h('input', { type, id, name, value, checked, onchange }),
    h('label', { for: id }, label));
}

/**
 * `session`: {record, evidence: Map, thumbs, photoInput(question, files), removePhoto(question, id)}
 * `onAnswer(value)`: the new answer (undefined clears it).
 */
export function questionBlock(session, itemCode, question, onAnswer) {
  const lang = textLang();
  const answers = session.record.draft.answers[itemCode] ?? {};
  const value = answers[question.id];
  const errId = uid('err');
  const helpId = uid('help');
  const error = h('p', { id: errId, class: 'error' });
  const label = [localized(question.label, lang), question.required ? h('span', { class: 'req', 'aria-label': t('question.required') }, ' *') : null];
  const describedBy = [question.help ? helpId : null, errId].filter(Boolean).join(' ');
  const extras = [
    question.help ? h('details', { class: 'help', id: helpId }, h('summary', {}, t('question.help')), h('p', {}, localized(question.help, lang))) : null,
    question.legal_basis ? h('p', { class: 'basis' }, t('question.legal_basis', { basis: question.legal_basis })) : null,
  ];
  const name = `${itemCode}.${question.id}`;
  let body;
  let group = true;

  switch (question.type) {
    case 'yes_no_na': {
      const opts = [['yes', t('answer.yes')], ['no', t('answer.no')]];
      if (question.allow_na !== false) opts.push(['na', t('answer.na')]);
      const finding = h('p', { class: 'finding', hidden: true }, t('question.finding'));
      const showFinding = (v) => { finding.hidden = !(question.compliant_answer && v && v !== 'na' && v !== question.compliant_answer); };
      showFinding(value);
      body = [h('div', { class: 'segmented-choice' }, opts.map(([v, l]) => choice('radio', name, v, l, value === v, () => { onAnswer(v); showFinding(v); }))), finding];
      break;
    }
    case 'single_choice':
      body = h('div', { class: 'choices' }, question.options.map((o) => choice('radio', name, o.value, localized(o.label, lang), value === o.value, () => onAnswer(o.value))));
      break;
    case 'multi_choice': {
      const selected = new Set(value ?? []);
      const hint = [question.min_selected ? t('question.min_selected', { n: question.min_selected }) : null,
        question.max_selected ? t('question.max_selected', { n: question.max_selected }) : null].filter(Boolean).join('，');
      body = [hint ? h('p', { class: 'hint' }, hint) : null,
        h('div', { class: 'choices' }, question.options.map((o) => choice('checkbox', name, o.value, localized(o.label, lang), selected.has(o.value), (e) => {
          if (e.target.checked) selected.add(o.value); else selected.delete(o.value);
          onAnswer(question.options.map((x) => x.value).filter((v) => selected.has(v)));
        })))];
      break;
    }
    case 'number': {
      group = false;
      const id = uid('n');
      const range = [question.minimum != null ? question.minimum : null, question.maximum != null ? question.maximum : null];
      const input = h('input', { id, type: 'text', inputmode: (question.decimals ?? 0) > 0 ? 'decimal' : 'numeric',
        value: value ?? '', 'aria-describedby': describedBy, autocomplete: 'off', required: question.required,
        oninput: (e) => {
          const text = e.target.value.trim().replace(/，/g, '.').replace(/。/g, '.');
          if (text === '') { onAnswer(undefined); error.textContent = ''; return; }
          const n = Number(text);
          if (!/^-?\d+(\.\d+)?$/.test(text) || !Number.isFinite(n)) { error.textContent = t('problem.not_a_number'); onAnswer(undefined); return; }
          const problems = answerProblems(question, n);
          error.textContent = problems.map(problemText).join(' ');
          onAnswer(n);
        } });
      body = [h('label', { for: id, class: 'qlabel' }, label),
        h('div', { class: 'with-unit' }, input, h('span', { class: 'unit' }, question.unit)),
        range[0] != null || range[1] != null ? h('p', { class: 'hint' }, t('question.range', { min: range[0] ?? '—', max: range[1] ?? '—', unit: question.unit })) : null];
      break;
    }
    case 'text': {
      group = false;
      const id = uid('t');
      const max = question.max_length ?? 500;
      const counter = h('p', { class: 'hint counter' }, t('question.chars', { n: [...(value ?? '')].length, max }));
      const attrs = { id, 'aria-describedby': describedBy, maxlength: max, value: value ?? '',
        oninput: (e) => { counter.textContent = t('question.chars', { n: [...e.target.value].length, max }); onAnswer(e.target.value === '' ? undefined : e.target.value); } };
      body = [h('label', { for: id, class: 'qlabel' }, label), question.multiline ? h('textarea', { ...attrs, rows: 4 }) : h('input', { ...attrs, type: 'text' }), counter];
      break;
    }
    case 'date': {
      group = false;
      const id = uid('d');
      body = [h('label', { for: id, class: 'qlabel' }, label),
        h('input', { id, type: 'date', value: value ?? '', 'aria-describedby': describedBy, onchange: (e) => onAnswer(e.target.value || undefined) })];
      break;
    }
    case 'photo':
      body = photoControls(session, itemCode, question, value ?? [], error);
      break;
    case 'signature': {
      const signed = session.signatureFor?.(itemCode, question);
      body = h('p', { class: signed ? 'signed' : 'hint' }, signed ? t('question.signature_done') : t(`question.signature_${question.signer}`));
      break;
    }
    default:
      body = h('p', { class: 'error' }, t('question.unknown_type', { type: question.type }));
  }

  const content = group
    ? h('fieldset', { 'aria-describedby': describedBy }, h('legend', { class: 'qlabel' }, label), body, extras, error)
    : h('div', {}, body, extras, error);
  return { el: h('div', { class: 'question', id: `q-${itemCode}-${question.id}`, dataset: { qid: question.id } }, content), error };
}

function photoControls(session, itemCode, question, ids, error) {
  const list = h('ul', { class: 'thumbs' });
  const status = h('p', { class: 'hint', 'aria-live': 'polite' });
  const limits = h('p', { class: 'hint' }, question.max_count
    ? t('question.photos_between', { min: question.min_count, max: question.max_count }) : t('question.photos_min', { min: question.min_count }));

  function render() {
    const current = session.record.draft.answers[itemCode]?.[question.id] ?? [];
    clear(list);
    current.forEach((id, i) => {
      const item = session.evidence.get(id);
      list.append(h('li', {},
        item?.thumb ? h('img', { src: session.thumbs.url(item.thumb), alt: t('question.photo_n', { n: i + 1 }), width: 96, height: 96 }) : h('span', { class: 'ph' }, '…'),
        h('button', { type: 'button', class: 'small', 'aria-label': t('question.remove_photo_n', { n: i + 1 }),
          onclick: async () => { await session.removePhoto(itemCode, question, id); render(); } }, t('common.remove'))));
    });
    const full = question.max_count != null && current.length >= question.max_count;
    camera.disabled = full;
    gallery.disabled = full;
  }

  async function onFiles(e) {
    const files = [...e.target.files];
    e.target.value = '';
    if (!files.length) return;
    status.textContent = t('question.processing', { n: files.length });
    error.textContent = '';
    const problems = await session.addPhotos(itemCode, question, files);
    status.textContent = '';
    if (problems.length) error.textContent = problems.join(' ');
    render();
  }

  const cameraId = uid('cam');
  const galleryId = uid('gal');
  const camera = h('input', { id: cameraId, type: 'file', accept: 'image/*', capture: 'environment', class: 'file', onchange: onFiles });
  const gallery = h('input', { id: galleryId, type: 'file', accept: 'image/jpeg,image/png,image/webp', multiple: true, class: 'file', onchange: onFiles });
  const controls = [list,
    h('div', { class: 'photo-buttons' },
      camera, h('label', { for: cameraId, class: 'button' }, t('question.take_photo')),
      gallery, h('label', { for: galleryId, class: 'button' }, t('question.choose_photo'))),
    limits, status];
  ids && render();
  return controls;
}
