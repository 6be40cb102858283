// Results step: result categories per item (multi-select, hierarchical), check methods,
// follow-up and notes.
import { h, uid } from '../app/dom.js';
import { nameOf, t } from '../i18n/index.js';

function categoryTree(nodes, selected, onToggle, level = 0) {
  return h('ul', { class: level ? 'tree nested' : 'tree', role: level ? 'group' : null },
    nodes.map((node) => {
      const id = uid('rc');
      return h('li', {},
        h('div', { class: 'option' },
          h('input', { type: 'checkbox', id, checked: selected.has(node.code), onchange: (e) => onToggle(node.code, e.target.checked) }),
          h('label', { for: id }, nameOf(node))),
        node.children?.length ? categoryTree(node.children, selected, onToggle, level + 1) : null);
    }));
}

export function resultsStep(session) {
  const { record, assignment, meta } = session;
  const draft = record.draft;
  const wrap = h('div', { class: 'results' });

  for (const item of assignment.items) {
    const selected = new Set(draft.resultCategories[item.code] ?? []);
    wrap.append(h('fieldset', {},
      h('legend', { class: 'qlabel' }, t('results.categories_for', { item: item.name }), h('span', { class: 'req' }, ' *')),
      h('p', { class: 'hint' }, t('results.categories_hint')),
      categoryTree(meta?.result_categories ?? [], selected, (code, on) => {
        if (on) selected.add(code); else selected.delete(code);
        draft.resultCategories[item.code] = [...selected];
        session.save();
      })));
  }

  const methods = new Set(draft.checkMethods);
  wrap.append(h('fieldset', {},
    h('legend', { class: 'qlabel' }, t('results.methods'), h('span', { class: 'req' }, ' *')),
    h('div', { class: 'choices' }, (meta?.check_methods ?? []).map((m) => {
      const id = uid('m');
      return h('div', { class: 'option' },
        h('input', { type: 'checkbox', id, checked: methods.has(m.code), onchange: (e) => {
          if (e.target.checked) methods.add(m.code); else methods.delete(m.code);
          draft.checkMethods = (meta.check_methods ?? []).map((x) => x.code).filter((c) => methods.has(c));
          session.save();
        } }),
        h('label', { for: id }, nameOf(m)));
    }))));

  const followup = h('fieldset', {}, h('legend', { class: 'qlabel' }, t('results.followup')));
  for (const option of meta?.followup_options ?? []) {
    const id = uid('f');
    const entry = () => draft.followup.find((f) => f.code === option.code);
    const details = h('div', { class: 'followup-details', hidden: !entry() });
    const doneId = uid('fd');
    const dateId = uid('fdt');
    const noteId = uid('fn');
    const update = (patch) => { Object.assign(entry(), patch); session.save(); };
    details.append(
      h('div', { class: 'option' }, h('input', { type: 'checkbox', id: doneId, checked: entry()?.done, onchange: (e) => update({ done: e.target.checked }) }),
        h('label', { for: doneId }, t('results.followup_done'))),
      h('label', { for: dateId }, t('results.followup_date')),
      h('input', { type: 'date', id: dateId, value: entry()?.date ?? '', onchange: (e) => update({ date: e.target.value || null }) }),
      h('label', { for: noteId }, t('results.followup_note')),
      h('input', { type: 'text', id: noteId, value: entry()?.note ?? '', maxlength: 500, oninput: (e) => update({ note: e.target.value }) }));
    followup.append(h('div', { class: 'option' },
      h('input', { type: 'checkbox', id, checked: Boolean(entry()), onchange: (e) => {
        if (e.target.checked) draft.followup.push({ code: option.code, done: false, date: null, note: '' });
        else draft.followup = draft.followup.filter((f) => f.code !== option.code);
        details.hidden = !e.target.checked;
        session.save();
      } }),
      h('label', { for: id }, nameOf(option))), details);
  }
  wrap.append(followup);

  const notesId = uid('notes');
  wrap.append(h('div', { class: 'question' },
    h('label', { for: notesId, class: 'qlabel' }, t('results.notes')),
    h('textarea', { id: notesId, rows: 5, maxlength: 5000, value: draft.notes, oninput: (e) => { draft.notes = e.target.value; session.save(); } })));
  return wrap;
}
