// Settings: language, who is signed in, the packet and app versions, sign-out (warns first when
// there is anything not yet on the server).
import { h } from '../app/dom.js';
import { confirmDialog } from '../app/dialog.js';
import { formatTime } from '../app/format.js';
import { LANGS, lang, t } from '../i18n/index.js';

export function settingsView(ctx) {
  const { user } = ctx.store.get().auth;
  const version = h('dd', {}, ctx.store.get().appVersion ?? '—');
  const packetLine = h('dd', {}, '—');
  ctx.storage.packetMeta().then((m) => { if (m) packetLine.textContent = `${m.version} · ${formatTime(m.receivedAt)}`; });

  const langSelect = h('select', { id: 'lang-select', onchange: (e) => ctx.setLanguage(e.target.value) },
    LANGS.map(([code, name]) => h('option', { value: code, selected: code === lang(), lang: code }, name)));

  async function signOut() {
    const unsent = await ctx.storage.unsentCount(user.id);
    const ok = await confirmDialog({
      title: t('settings.signout'),
      message: unsent ? t('settings.signout_unsent', { n: unsent }) : t('settings.signout_confirm'),
      ok: t('settings.signout'), danger: unsent > 0,
    });
    if (ok) await ctx.signOut();
  }

  const el = h('section', { class: 'page' }, h('h1', {}, t('settings.title')),
    h('label', { for: 'lang-select' }, t('settings.language')), langSelect,
    h('h2', {}, t('settings.account')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('settings.name')), h('dd', {}, user?.display_name ?? '—'),
      h('dt', {}, t('signin.username')), h('dd', {}, user?.username ?? '—'),
      h('dt', {}, t('settings.department')), h('dd', {}, user?.department ?? '—'),
      h('dt', {}, t('settings.roles')), h('dd', {}, (user?.roles ?? []).map((r) => t(`role.${r}`)).join('、')),
      h('dt', {}, t('settings.offline_until')), h('dd', {}, formatTime(ctx.store.get().auth.refreshExpiresAt)),
      h('dt', {}, t('settings.packet')), packetLine,
      h('dt', {}, t('settings.app_version')), version),
    h('button', { type: 'button', class: 'danger wide', onclick: signOut }, t('settings.signout')));
  return { el, title: t('settings.title') };
}
