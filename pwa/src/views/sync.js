// Sync: online or not, the last and next attempt, overall and per-record progress, each record's
// state, storage use and persistence, and (iOS) why to add the app to the home screen.
import { h, clear } from '../app/dom.js';
import { formatBytes, formatRelative, formatTime } from '../app/format.js';
import { t } from '../i18n/index.js';
import { overallProgress, recordState, syncSummary } from './sync-status.js';

export function syncView(ctx) {
  const summary = h('p', { class: 'lead' });
  const overall = h('div', {});
  const list = h('ul', { class: 'cards compact' });
  const storageBox = h('div', { class: 'storage' });
  const el = h('section', { class: 'page' }, h('h1', {}, t('sync.title')), summary, overall,
    h('h2', {}, t('sync.records')), list, h('h2', {}, t('sync.storage')), storageBox);
  const actions = h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'primary wide', onclick: () => ctx.engine.trigger('manual') }, t('sync.now')));

  function renderState() {
    const state = ctx.store.get();
    const s = state.sync;
    summary.textContent = syncSummary(state).long;
    clear(overall);
    const pct = overallProgress(s.progress);
    if (pct != null) overall.append(h('label', { for: 'overall-progress' }, t('sync.overall')), h('progress', { id: 'overall-progress', max: 100, value: pct }, `${pct}%`));
    overall.append(h('p', { class: 'meta' }, t('sync.last', { when: formatRelative(s.lastSyncAt) }),
      s.nextRunAt && s.leader ? ` · ${t('sync.next', { when: formatRelative(s.nextRunAt) })}` : ''));
    if (s.packetError) overall.append(h('p', { class: 'note warn' }, t('assignments.packet_unavailable', { status: s.packetError.status })));
  }

  let renders = 0;
  async function renderRecords() {
    const token = (renders += 1);
    const user = ctx.store.get().auth.user;
    const records = (await ctx.storage.recordsOf(user.id)).filter((r) => r.state === 'final')
      .sort((a, b) => (b.finalizedAt ?? 0) - (a.finalizedAt ?? 0));
    const assignments = new Map((await ctx.storage.assignments()).map((a) => [a.id, a]));
    if (token !== renders) return;
    clear(list);
    if (!records.length) list.append(h('li', { class: 'empty' }, t('sync.no_records')));
    for (const r of records.slice(0, 50)) {
      const s = recordState(r, ctx.store.get().sync.progress);
      list.append(h('li', {}, h('a', { class: 'card', href: `#/r/${r.id}` },
        h('h3', {}, assignments.get(r.assignmentId)?.target.name ?? r.id.slice(0, 8)),
        h('p', { class: 'meta' }, formatTime(r.finalizedAt), ' · ', t('record.revision', { n: r.revision })),
        h('p', {}, h('span', { class: `chip ${s.tone}` }, s.label)),
        s.pct != null ? h('progress', { max: 100, value: s.pct, 'aria-label': s.label }) : null,
        s.reason ? h('p', { class: s.tone === 'bad' ? 'error' : 'hint' }, s.reason) : null)));
    }
  }

  let storageRenders = 0;
  async function renderStorage() {
    const token = (storageRenders += 1);
    const info = await ctx.storageInfo();
    if (token !== storageRenders) return;
    clear(storageBox);
    if (info.usage != null) {
      const pct = info.quota ? Math.round((info.usage / info.quota) * 100) : 0;
      storageBox.append(h('p', {}, t('sync.storage_use', { used: formatBytes(info.usage), quota: formatBytes(info.quota) })),
        h('progress', { max: 100, value: pct, 'aria-label': t('sync.storage_use', { used: formatBytes(info.usage), quota: formatBytes(info.quota) }) }));
    }
    storageBox.append(h('p', {}, info.persisted ? t('sync.persisted') : t('sync.not_persisted')));
    if (!info.persisted && info.canPersist) {
      storageBox.append(h('button', { type: 'button', onclick: async () => { await ctx.requestPersistence(); renderStorage(); } }, t('sync.persist')));
    }
    if (info.ios && !info.standalone) storageBox.append(h('p', { class: 'note warn' }, t('banner.ios_install')));
  }

  renderState();
  renderRecords();
  renderStorage();
  const offs = [
    ctx.store.subscribe((s) => [s.sync, s.outboxCount], () => { renderState(); renderRecords(); }),
    ctx.onData(['records', 'outbox'], () => { renderRecords(); renderStorage(); }),
  ];
  return { el, actions, title: t('sync.title'), destroy() { offs.forEach((f) => f()); } };
}
