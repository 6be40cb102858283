// One assignment: the target, the task, the team, the items to check, earlier records; start or
// continue the check (the primary action, at the bottom).
import { h, clear } from '../app/dom.js';
import { confirmDialog } from '../app/dialog.js';
import { formatDate, formatTime } from '../app/format.js';
import { nameOf, t } from '../i18n/index.js';
import { recordState } from './sync-status.js';

function row(label, value) {
  if (value === null || value === undefined || value === '') return null;
  return [h('dt', {}, label), h('dd', {}, value)];
}

export function assignmentView(ctx, { id }) {
  const el = h('section', { class: 'page' });
  const footer = h('div', { class: 'actions' });
  let starting = false;

  let loads = 0;
  async function load() {
    const token = (loads += 1);
    const [assignment, meta, all] = await Promise.all([ctx.storage.assignment(Number(id)), ctx.storage.packetMeta(),
      ctx.storage.recordsForAssignment(Number(id))]);
    if (token !== loads) return; // a newer load is under way: only the last one draws
    clear(el);
    clear(footer);
    if (!assignment) {
      el.append(h('h1', {}, t('assignment.missing')), h('p', {}, t('assignment.missing_help')));
      return;
    }
    const { target } = assignment;
    const records = all.filter((r) => r.ownerUserId === ctx.store.get().auth.user.id)
      .sort((a, b) => (b.startedAtMs ?? 0) - (a.startedAtMs ?? 0));
    const draft = records.find((r) => r.state === 'draft');
    const methods = new Map((meta?.check_methods ?? []).map((m) => [m.code, m]));

    el.append(
      h('h1', {}, target.name),
      h('dl', { class: 'facts' },
        row(t('target.credit_code'), target.credit_code ?? target.registration_number),
        row(t('target.legal_representative'), target.legal_representative),
        row(t('target.business_address'), target.business_address),
        row(t('target.registered_address'), target.registered_address !== target.business_address ? target.registered_address : null),
        row(t('target.industry'), target.industry ? `${target.industry.name}（${target.industry.code}）` : null),
        row(t('target.division'), target.division_code),
        row(t('target.location'), target.latitude != null ? `${target.latitude}, ${target.longitude}` : null)),
      h('h2', {}, t('assignment.task')),
      h('dl', { class: 'facts' },
        row(t('assignment.task_name'), `${assignment.task.name}（${assignment.task.number}）`),
        row(t('assignment.window_label'), `${formatDate(assignment.window.start)} – ${formatDate(assignment.window.end)}`),
        row(t('assignment.kind'), assignment.task.joint ? t('assignment.joint') : null)),
      h('h2', {}, t('assignment.team')),
      h('ul', { class: 'plain' }, assignment.team.map((m) => h('li', {}, m.name, ' ', h('span', { class: 'meta' }, m.inspector_id)))),
      h('h2', {}, t('assignment.items')),
      h('ul', { class: 'plain items' }, assignment.items.map((item) => h('li', {},
        h('strong', {}, item.name), ' ', h('span', { class: 'meta' }, item.code),
        item.legal_basis ? h('p', { class: 'basis' }, t('question.legal_basis', { basis: item.legal_basis })) : null,
        h('p', { class: 'meta' }, t('assignment.methods'), ' ', item.check_methods.map((c) => nameOf(methods.get(c)) || c).join('、'))))),
      target.prior_results?.length ? [h('h2', {}, t('target.prior_results')),
        h('ul', { class: 'plain' }, target.prior_results.map((p) => h('li', {}, `${formatDate(p.date)} · ${p.authority} · ${p.type}：`, p.result)))] : null,
      records.length ? [h('h2', {}, t('assignment.records')),
        h('ul', { class: 'plain' }, records.map((r) => {
          const s = recordState(r, ctx.store.get().sync.progress);
          return h('li', {}, h('a', { href: r.state === 'draft' ? `#/check/${r.id}` : `#/r/${r.id}` },
            formatTime(r.startedAtMs), ' ', h('span', { class: `chip ${s.tone}` }, s.label)));
        }))] : null);

    if (draft) {
      if (draft.revision === 1) {
        footer.append(h('button', { type: 'button', onclick: async () => {
          const ok = await confirmDialog({ title: t('assignment.discard'), message: t('assignment.discard_message'),
            ok: t('assignment.discard'), danger: true });
          if (ok) await ctx.storage.deleteDraft(draft.id);
        } }, t('assignment.discard')));
      }
      footer.append(h('a', { class: 'button primary', href: `#/check/${draft.id}` }, t('assignment.continue')));
    } else if (assignment.status === 'open' && !records.some((r) => r.state === 'final')) {
      footer.append(h('button', { type: 'button', class: 'primary wide', onclick: () => start(assignment, meta) }, t('assignment.start')));
    }
  }

  async function start(assignment, meta) {
    if (starting) return;
    starting = true;
    const available = new Set((meta?.check_methods ?? []).map((m) => m.code));
    const used = new Set(assignment.items.flatMap((i) => i.check_methods));
    const defaults = used.has('on_site') && available.has('on_site') ? ['on_site'] : [];
    const record = await ctx.drafts.start({ assignment, user: ctx.store.get().auth.user,
      inspectorId: meta.inspector.id, defaultMethods: defaults });
    ctx.navigate(`/check/${record.id}`);
  }

  load();
  const off = ctx.onData(['packet', 'records'], load);
  return { el, footer, back: '#/', title: t('assignment.title'), destroy: off };
}
