// Signatures: at least two officers of the team (the signed-in inspector first), and the party:
// absent, present and signing, or present and refusing with a witness who signs.
import { h, clear, uid } from '../app/dom.js';
import { t } from '../i18n/index.js';

export function signStep(session) {
  const { record, assignment, ctx } = session;
  const draft = record.draft;
  const wrap = h('div', { class: 'signatures' });
  const team = new Map(assignment.team.map((m) => [m.inspector_id, m]));

  async function sign(title, role) {
    const { openSignaturePad } = await import('../capture/signature-pad.js');
    const blob = await openSignaturePad({ title });
    if (!blob) return null;
    const item = await ctx.drafts.addSignature(record, { blob, role, inspectorId: session.inspectorId });
    session.evidence.set(item.id, item);
    return item.id;
  }

  async function replace(oldId) {
    if (oldId) { await ctx.drafts.removeEvidence(oldId); session.evidence.delete(oldId); }
  }

  function signature(id, title, role, onSigned) {
    const item = id ? session.evidence.get(id) : null;
    return h('div', { class: 'sig' },
      item ? h('img', { src: session.thumbs.url(item.blob ?? item.thumb), alt: t('sign.signature_of', { who: title }), class: 'sigimg' }) : null,
      h('button', { type: 'button', class: item ? null : 'primary', onclick: async () => {
        const newId = await sign(title, role);
        if (newId) { const old = id; await onSigned(newId); await replace(old); render(); }
      } }, item ? t('sign.again') : t('sign.sign')));
  }

  function officers() {
    const box = h('fieldset', {}, h('legend', { class: 'qlabel' }, t('sign.officers'), h('span', { class: 'req' }, ' *')),
      h('p', { class: 'hint' }, t('sign.officers_hint')));
    draft.officers.forEach((officer, i) => {
      const member = team.get(officer.inspectorId);
      const selId = uid('off');
      const chosen = new Set(draft.officers.map((o) => o.inspectorId));
      const row = h('div', { class: 'officer' });
      if (i === 0) {
        row.append(h('p', { class: 'who' }, member?.name ?? officer.inspectorId, ' ', h('span', { class: 'meta' }, t('sign.you'))));
      } else {
        row.append(h('label', { for: selId }, t('sign.officer_n', { n: i + 1 })),
          h('select', { id: selId, onchange: async (e) => {
            const old = officer.signatureEvidenceId;
            officer.inspectorId = e.target.value || null;
            officer.signatureEvidenceId = null;
            await session.save({ now: true });
            await replace(old);
            render();
          } },
          h('option', { value: '' }, t('sign.choose_officer')),
          assignment.team.filter((m) => m.inspector_id === officer.inspectorId || !chosen.has(m.inspector_id))
            .map((m) => h('option', { value: m.inspector_id, selected: m.inspector_id === officer.inspectorId }, `${m.name}（${m.inspector_id}）`))),
          h('button', { type: 'button', class: 'small', onclick: async () => {
            const old = officer.signatureEvidenceId;
            draft.officers.splice(i, 1);
            await session.save({ now: true });
            await replace(old);
            render();
          } }, t('common.remove')));
      }
      if (officer.inspectorId) {
        const name = team.get(officer.inspectorId)?.name ?? officer.inspectorId;
        row.append(signature(officer.signatureEvidenceId, name, `officer:${officer.inspectorId}`, async (newId) => {
          officer.signatureEvidenceId = newId;
          await session.save({ now: true });
        }));
      }
      box.append(row);
    });
    if (draft.officers.length < assignment.team.length) {
      box.append(h('button', { type: 'button', onclick: async () => {
        draft.officers.push({ inspectorId: null, signatureEvidenceId: null });
        await session.save({ now: true });
        render();
      } }, t('sign.add_officer')));
    }
    return box;
  }

  function radio(name, value, label, checked, onchange) {
    const id = uid('r');
    return h('div', { class: 'option' }, h('input', { type: 'radio', id, name, value, checked, onchange }), h('label', { for: id }, label));
  }

  function party() {
    const p = draft.party;
    const box = h('fieldset', {}, h('legend', { class: 'qlabel' }, t('sign.party'), h('span', { class: 'req' }, ' *')));
    const set = async (patch) => { Object.assign(p, patch); await session.save({ now: true }); render(); };
    box.append(h('div', { class: 'segmented-choice' },
      radio('party-present', 'yes', t('sign.party_present'), p.present === true, () => set({ present: true })),
      radio('party-present', 'no', t('sign.party_absent'), p.present === false, () => set({ present: false, signed: false, refused: false }))));
    if (p.present) {
      const nameId = uid('pn');
      box.append(h('label', { for: nameId }, t('sign.party_name')),
        h('input', { id: nameId, type: 'text', autocomplete: 'off', value: p.name, maxlength: 100,
          oninput: (e) => { p.name = e.target.value; session.save(); } }),
        h('div', { class: 'segmented-choice' },
          radio('party-sign', 'signed', t('sign.party_signs'), p.signed, () => set({ signed: true, refused: false })),
          radio('party-sign', 'refused', t('sign.party_refuses'), p.refused, () => set({ signed: false, refused: true }))));
      if (p.signed) {
        box.append(signature(p.signatureEvidenceId, t('sign.party'), 'party', async (newId) => { p.signatureEvidenceId = newId; await session.save({ now: true }); }));
      }
      if (p.refused) {
        const wId = uid('wn');
        box.append(h('p', { class: 'hint' }, t('sign.witness_hint')),
          h('label', { for: wId }, t('sign.witness_name')),
          h('input', { id: wId, type: 'text', autocomplete: 'off', value: p.witness.name, maxlength: 100,
            oninput: (e) => { p.witness.name = e.target.value; session.save(); } }),
          signature(p.witness.signatureEvidenceId, t('sign.witness'), 'witness', async (newId) => {
            p.witness.signatureEvidenceId = newId;
            await session.save({ now: true });
          }));
      }
    }
    return box;
  }

  function render() {
    clear(wrap).append(officers(), party());
  }
  render();
  return wrap;
}
