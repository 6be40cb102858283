// Team leads: the approval queue and one record (answers, photos, signatures, GPS, times), with
// approve or return (a comment is required to return). Online only: the records are on the server.
// Endpoints: docs/field-api.md §4 (GET /api/v1/review/queue, GET /api/v1/review/records/<id>,
// POST /api/v1/review/records/<id>/decision).
import { h, clear, blobUrls, uid } from '../app/dom.js';
import { formatTime } from '../app/format.js';
import { t } from '../i18n/index.js';
import { recordDetails } from './record-details.js';

const PLACEHOLDER = 'data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=';

function problemLine(err) {
  if (!err.status) return t('review_lead.offline');
  if (err.status === 404) return t('review_lead.not_available');
  return t('reason.generic', { status: err.status, code: err.code ?? '—' });
}

/** The department's records past or near their 20-working-day publication deadline (R5.1). */
function dueSection(ctx) {
  const lists = { overdue: h('ul', { class: 'cards' }), due_soon: h('ul', { class: 'cards' }) };
  const el = h('section', { class: 'due', 'aria-labelledby': 'due-title' },
    h('h2', { id: 'due-title' }, t('due.title')),
    h('h3', {}, t('due.overdue')), lists.overdue, h('h3', {}, t('due.due_soon')), lists.due_soon);
  for (const [state, list] of Object.entries(lists)) {
    ctx.api.get(`/api/v1/results/due?state=${state}`).then(({ data }) => {
      clear(list);
      if (!data.records?.length) list.append(h('li', { class: 'empty' }, t('due.none')));
      for (const r of data.records ?? []) {
        list.append(h('li', { class: 'card' }, h('h2', {}, r.entity_name ?? r.task_number),
          h('p', { class: 'meta' }, [r.task_number, t(`review_status.${r.status}`)].join(' · ')),
          h('p', { class: state === 'overdue' ? 'meta warn' : 'meta' }, t('review_lead.due', { date: r.clock?.due_on ?? '—' }))));
      }
      if (data.count > (data.records?.length ?? 0)) list.append(h('li', { class: 'meta' }, t('due.more', { n: data.count })));
    }).catch((err) => { clear(list).append(h('li', { class: 'empty' }, problemLine(err))); });
  }
  return el;
}

export function queueView(ctx) {
  const list = h('ul', { class: 'cards queue', 'aria-labelledby': 'queue-title' });
  const el = h('section', { class: 'page' }, h('h1', { id: 'queue-title' }, t('review_lead.title')), list, dueSection(ctx));
  async function load() {
    clear(list).append(h('li', { class: 'empty' }, t('common.loading')));
    try {
      const { data } = await ctx.api.get('/api/v1/review/queue');
      const items = data.records;
      clear(list);
      if (!items.length) list.append(h('li', { class: 'empty' }, t('review_lead.empty')));
      for (const it of items) {
        const { id } = it;
        list.append(h('li', {}, h('a', { class: 'card', href: `#/review/${encodeURIComponent(id)}` },
          h('h2', {}, it.target.name),
          h('p', { class: 'meta' }, [it.task_name, it.submitted_at ? formatTime(Date.parse(it.submitted_at)) : null].filter(Boolean).join(' · ')),
          it.clock?.due_on ? h('p', { class: it.clock.state === 'overdue' ? 'meta warn' : 'meta' },
            it.clock.state === 'overdue' ? t('review_lead.overdue') : t('review_lead.due', { date: it.clock.due_on })) : null,
          h('p', {}, h('span', { class: 'chip' }, t(`review_status.${it.status}`)), it.revision > 1 ? h('span', { class: 'chip' }, t('record.revision', { n: it.revision })) : null))));
      }
    } catch (err) {
      clear(list).append(h('li', { class: 'empty' }, problemLine(err)));
    }
  }
  load();
  return { el, title: t('review_lead.title'), footer: null };
}

export function reviewView(ctx, { id }) {
  const el = h('section', { class: 'page' }, h('h1', {}, t('review_lead.record')));
  const footer = h('div', { class: 'actions' });
  const urls = blobUrls();
  let alive = true;

  async function evidenceUrl(sha256, variant) {
    const path = `/api/v1/evidence/${sha256}${variant ? `/${variant}` : ''}`;
    const response = await ctx.api.raw('GET', path, { headers: { Accept: 'image/*' } });
    if (!response.ok) return null;
    return urls.url(await response.blob());
  }

  async function load() {
    try {
      const { data } = await ctx.api.get(`/api/v1/review/records/${encodeURIComponent(id)}`);
      const { record: body, templates, items, team } = data; // the server sends the templates the record names
      const meta = await ctx.storage.packetMeta();
      const declared = new Map((body.evidence ?? []).map((e) => [e.id, e]));
      const image = (e) => (e.sha256 ? PLACEHOLDER : null); // replaced once fetched with the token
      const details = recordDetails(body, { templates, items, meta, team, image });
      el.append(h('p', { class: 'meta' }, [data.target.name, t(`review_status.${data.status}`), t('record.revision', { n: data.revision })].join(' · ')), details);
      // Fetch thumbnails (photos) and originals (signatures) with the token, then swap them in.
      for (const img of details.querySelectorAll('img[data-evidence-id]')) {
        const e = declared.get(img.dataset.evidenceId);
        if (!e) continue;
        evidenceUrl(e.sha256, e.kind === 'photo' ? 'thumbnail' : null)
          .then((url) => { if (alive && url) img.src = url; }).catch(() => {});
      }
      decisionForm();
    } catch (err) {
      el.append(h('p', { class: 'note warn' }, problemLine(err)));
    }
  }

  function decisionForm() {
    const commentId = uid('comment');
    const error = h('p', { class: 'error', role: 'alert' });
    const comment = h('textarea', { id: commentId, rows: 4, maxlength: 2000 });
    el.append(h('h2', {}, t('review_lead.decision')), h('label', { for: commentId }, t('review_lead.comment')), comment, error);
    const decide = async (decision) => {
      error.textContent = '';
      if (decision === 'return' && !comment.value.trim()) { error.textContent = t('review_lead.comment_required'); comment.focus(); return; }
      try {
        await ctx.api.post(`/api/v1/review/records/${encodeURIComponent(id)}/decision`, { decision, comment: comment.value.trim() });
        ctx.toast(decision === 'approve' ? t('review_lead.approved') : t('review_lead.returned'));
        ctx.navigate('/review');
      } catch (err) {
        error.textContent = problemLine(err);
      }
    };
    clear(footer).append(
      h('button', { type: 'button', class: 'danger', onclick: () => decide('return') }, t('review_lead.return')),
      h('button', { type: 'button', class: 'primary', onclick: () => decide('approve') }, t('review_lead.approve')));
  }

  load();
  return { el, footer, back: '#/review', title: t('review_lead.record'), destroy() { alive = false; urls.revokeAll(); } };
}
