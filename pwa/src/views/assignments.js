// My assignments: today, upcoming, done. From the packet on the device, so it works offline.
import { h, clear } from '../app/dom.js';
import { formatDate, formatTime } from '../app/format.js';
import { localDate } from '../record/ids.js';
import { t } from '../i18n/index.js';
import { recordState } from './sync-status.js';

const TABS = ['today', 'upcoming', 'done'];

export function classify(assignment, records, today) {
  const finished = records.some((r) => r.state === 'final') || assignment.status !== 'open';
  if (finished) return 'done';
  if (assignment.window.start > today) return 'upcoming';
  return 'today';
}

export function assignmentsView(ctx, { tab = 'today' }) {
  const list = h('ul', { class: 'cards' });
  const info = h('p', { class: 'meta' });
  const tabs = h('nav', { class: 'segmented', 'aria-label': t('assignments.tabs') });
  const el = h('section', { class: 'page' }, h('h1', {}, t('assignments.title')), tabs, info, list);

  let loads = 0;
  async function load() {
    const token = (loads += 1);
    const { user } = ctx.store.get().auth;
    const [assignments, meta, records] = await Promise.all([ctx.storage.assignments(), ctx.storage.packetMeta(),
      ctx.storage.recordsOf(user.id)]);
    if (token !== loads) return; // a newer load is under way
    const today = localDate();
    const byAssignment = new Map();
    records.forEach((r) => byAssignment.set(r.assignmentId, [...(byAssignment.get(r.assignmentId) ?? []), r]));
    const groups = { today: [], upcoming: [], done: [] };
    for (const a of assignments) groups[classify(a, byAssignment.get(a.id) ?? [], today)].push(a);
    groups.today.sort((a, b) => a.window.end.localeCompare(b.window.end));
    groups.upcoming.sort((a, b) => a.window.start.localeCompare(b.window.start));

    clear(tabs).append(...TABS.map((name) => h('a', { href: `#/assignments/${name}`,
      'aria-current': name === tab ? 'page' : null, class: name === tab ? 'active' : null },
      t(`assignments.${name}`), h('span', { class: 'count' }, String(groups[name].length)))));

    const packetError = ctx.store.get().sync.packetError;
    info.textContent = meta ? t('assignments.packet', { version: meta.version, when: formatTime(meta.receivedAt) })
      : packetError ? t('assignments.packet_unavailable', { status: packetError.status }) : t('assignments.no_packet');

    clear(list);
    if (!groups[tab].length) list.append(h('li', { class: 'empty' }, t(`assignments.empty_${tab}`)));
    for (const a of groups[tab]) {
      const recs = byAssignment.get(a.id) ?? [];
      const latest = recs.sort((x, y) => (y.updatedAt ?? 0) - (x.updatedAt ?? 0))[0];
      const state = latest ? recordState(latest, ctx.store.get().sync.progress) : null;
      const overdue = tab === 'today' && a.window.end < today;
      list.append(h('li', {}, h('a', { class: 'card', href: `#/a/${a.id}` },
        h('h2', {}, a.target.name),
        h('p', { class: 'addr' }, a.target.business_address || a.target.registered_address || ''),
        h('p', { class: 'meta' }, `${a.task.name} · ${a.task.number}`),
        h('p', { class: 'meta' }, t('assignments.window', { start: formatDate(a.window.start), end: formatDate(a.window.end) }),
          overdue ? h('span', { class: 'chip bad' }, t('assignments.overdue')) : null),
        h('p', { class: 'chips' },
          h('span', { class: 'chip' }, t('assignments.items', { n: a.items.length })),
          a.task.joint ? h('span', { class: 'chip' }, t('assignments.joint')) : null,
          state ? h('span', { class: `chip ${state.tone}` }, state.label) : null))));
    }
  }

  load();
  const offs = [ctx.onData(['packet', 'records'], load), ctx.store.subscribe((s) => s.sync.packetError, load)];
  return { el, title: t('assignments.title'), destroy() { offs.forEach((off) => off()); } };
}
