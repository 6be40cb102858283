// A finalized record on the device: read-only, with its sync state (waiting, uploading n %,
// synced, needs attention and why), the review outcome, and "amend" when it was returned.
import { h, clear, blobUrls } from '../app/dom.js';
import { formatTime } from '../app/format.js';
import { t } from '../i18n/index.js';
import { recordDetails } from './record-details.js';
import { recordState } from './sync-status.js';

export function recordView(ctx, { id }) {
  const el = h('section', { class: 'page' });
  const footer = h('div', { class: 'actions' });
  const urls = blobUrls();
  const status = h('div', { class: 'status-box', 'aria-live': 'polite' });

  function renderStatus(record) {
    const s = recordState(record, ctx.store.get().sync.progress);
    clear(status).append(h('p', {}, h('span', { class: `chip ${s.tone}` }, s.label),
      record.sync?.syncedAt ? ` ${t('record.synced_at', { when: formatTime(record.sync.syncedAt) })}` : ''));
    if (s.pct != null) status.append(h('progress', { max: 100, value: s.pct, 'aria-label': s.label }));
    if (s.reason) status.append(h('p', { class: s.tone === 'bad' ? 'error' : 'hint' }, s.reason));
    if (record.sync?.errors && Object.keys(record.sync.errors).length) {
      status.append(h('ul', { class: 'errors' }, Object.entries(record.sync.errors).map(([k, v]) => h('li', {}, `${k}：${[].concat(v).join('；')}`))));
    }
    if (record.review?.status === 'returned' && record.review.comment) status.append(h('p', { class: 'note warn' }, t('record.returned_comment', { comment: record.review.comment })));
    clear(footer);
    if (record.sync?.status === 'attention') {
      footer.append(h('button', { type: 'button', class: 'primary', onclick: async () => { await ctx.outbox.unpark(record.id); ctx.engine.trigger('retry'); } }, t('record.retry')));
    }
    if (record.review?.status === 'returned') {
      footer.append(h('button', { type: 'button', class: 'primary', onclick: async () => {
        await ctx.drafts.amend(record.id);
        ctx.navigate(`/check/${record.id}`);
      } }, t('record.amend')));
    }
  }

  let loads = 0;
  async function load() {
    const token = (loads += 1);
    const record = await ctx.storage.getRecord(id);
    if (!record) { if (token === loads) clear(el).append(h('h1', {}, t('check.missing'))); return; }
    if (record.state === 'draft') { ctx.navigate(`/check/${id}`, { replace: true }); return; }
    const assignment = await ctx.storage.assignment(record.assignmentId);
    const meta = await ctx.storage.packetMeta();
    const templates = {};
    for (const key of Object.values(record.body.templates)) templates[key] = await ctx.storage.template(key);
    const evidence = new Map((await ctx.storage.evidenceOf(id)).map((e) => [e.id, e]));
    if (token !== loads) return; // a newer load is under way: only the last one draws
    clear(el);
    urls.revokeAll();
    el.append(h('h1', {}, assignment?.target.name ?? t('record.title')),
      h('p', { class: 'meta' }, t('record.revision', { n: record.revision }), ' · ', t('record.finalized_at', { when: formatTime(record.finalizedAt) })),
      status,
      recordDetails(record.body, { templates, items: assignment?.items ?? [], meta, team: assignment?.team ?? [],
        image: (e) => { const local = evidence.get(e.id); const blob = local?.thumb ?? local?.blob; return blob ? urls.url(blob) : null; } }));
    renderStatus(record);
  }

  load();
  // Opening a synced record asks for its review now (a returned one shows why), not at the next poll.
  ctx.storage.getRecord(id).then((r) => {
    if (r?.state === 'final' && r.sync?.status === 'synced' && navigator.onLine) ctx.outbox.refreshReview(id).catch(() => {});
  });
  const off = ctx.onData(['records'], load);
  const offProgress = ctx.store.subscribe((s) => s.sync.progress, async () => {
    const record = await ctx.storage.getRecord(id);
    if (record) renderStatus(record);
  });
  return { el, footer, back: '#/', title: t('record.title'), destroy() { off(); offProgress(); urls.revokeAll(); } };
}
