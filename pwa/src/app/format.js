import { lang, t } from '../i18n/index.js';

export function formatBytes(n) {
  if (n == null) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i]}`;
}

export function formatTime(ms) {
  if (!ms) return '—';
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
}

export function formatDate(iso) {
  if (!iso) return '—';
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat(lang(), { month: 'short', day: 'numeric', year: 'numeric' }).format(new Date(y, m - 1, d));
}

export function formatDuration(ms) {
  const min = Math.round(ms / 60000);
  return min < 60 ? t('time.minutes', { n: min }) : t('time.hours_minutes', { h: Math.floor(min / 60), m: min % 60 });
}

export function formatRelative(ms, now = Date.now()) {
  if (!ms) return t('time.never');
  const s = Math.round((ms - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(lang(), { numeric: 'auto' });
  const abs = Math.abs(s);
  if (abs < 60) return rtf.format(s, 'second');
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}
