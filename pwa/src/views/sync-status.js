// Words for the sync state, short (the header pill) and long (announced to screen readers).
import { t } from '../i18n/index.js';
import { formatRelative } from '../app/format.js';

export function overallProgress(progress) {
  const list = Object.values(progress ?? {});
  const total = list.reduce((n, p) => n + (p.total || 0), 0);
  const sent = list.reduce((n, p) => n + Math.min(p.sent || 0, p.total || 0), 0);
  return total ? Math.floor((sent / total) * 100) : null;
}

export function syncSummary(state) {
  const s = state.sync;
  const pending = state.outboxCount ?? 0;
  if (s.needsSignIn) return { short: t('sync.pill_signin'), long: t('sync.long_signin'), tone: 'warn' };
  if (s.online === false) {
    return { short: t('sync.pill_offline'), tone: 'muted',
      long: pending ? t('sync.long_offline_pending', { n: pending }) : t('sync.long_offline') };
  }
  if (s.phase === 'syncing' || s.phase === 'probing') {
    const pct = overallProgress(s.progress);
    return { short: pct == null ? t('sync.pill_syncing') : t('sync.pill_percent', { pct }), tone: 'info',
      long: pct == null ? t('sync.long_syncing') : t('sync.long_percent', { pct }) };
  }
  if (pending) return { short: t('sync.pill_pending', { n: pending }), tone: 'warn', long: t('sync.long_pending', { n: pending }) };
  return { short: t('sync.pill_done'), tone: 'ok', long: t('sync.long_done', { when: formatRelative(s.lastSyncAt) }) };
}

/** A record's state in words: waiting for network, uploading n %, synced, needs attention (why). */
export function recordState(record, progress) {
  if (record.state === 'draft') return { label: t('state.draft'), tone: 'muted' };
  const review = record.review?.status;
  if (review === 'returned') return { label: t('state.returned'), tone: 'warn' };
  if (['lead_approved', 'approved', 'entered', 'published'].includes(review)) return { label: t(`state.${review}`), tone: 'ok' };
  const sync = record.sync ?? {};
  const p = progress?.[record.id];
  switch (sync.status) {
    case 'uploading': {
      const pct = p?.total ? Math.floor((p.sent / p.total) * 100) : 0;
      return { label: t('state.uploading', { pct }), tone: 'info', pct };
    }
    case 'synced': return { label: review === 'under_review' ? t('state.under_review') : t('state.synced'), tone: 'ok' };
    case 'attention': return { label: t('state.attention'), tone: 'bad', reason: attentionReason(sync) };
    case 'signin': return { label: t('state.signin'), tone: 'warn' };
    default: return { label: t('state.waiting'), tone: 'muted',
      reason: sync.reason === 'evidence_pending' ? t('reason.evidence_pending') : null };
  }
}

export function attentionReason(sync) {
  const known = {
    'record.invalid': 'reason.invalid', 'record.id_conflict': 'reason.id_conflict', 'version.stale': 'reason.stale',
    'record.hash_mismatch': 'reason.hash_mismatch', 'record.digest_mismatch': 'reason.hash_mismatch',
    'upload.hash_mismatch': 'reason.upload_hash', 'upload.image_rejected': 'reason.image_rejected',
    'upload.type_not_allowed': 'reason.image_rejected', 'upload.too_large': 'reason.too_large',
    'field.not_your_assignment': 'reason.not_yours', 'evidence.unknown_to_device': 'reason.unknown_evidence',
    'evidence.hash_mismatch': 'reason.hash_mismatch', 'evidence.other_record': 'reason.evidence_elsewhere',
    'evidence.uploader_not_on_team': 'reason.evidence_elsewhere', 'record.not_amendable': 'reason.not_amendable',
    'field.assignment_not_found': 'reason.not_yours', 'upload.not_your_record': 'reason.not_yours',
  };
  const key = known[sync.code];
  const base = key ? t(key) : t('reason.generic', { status: sync.httpStatus ?? '—', code: sync.code ?? '—' });
  return sync.message && !key ? `${base} ${sync.message}` : base;
}
