// The frame around every screen: a slim header (back, title, sync status), banners (update,
// sign-in needed, iOS home screen), the screen, and a bottom bar (navigation or the screen's own
// actions, within thumb reach). Sync status is announced through an aria-live region.
import { h, clear, focusHeading } from '../app/dom.js';
import { hasRole } from '../auth/auth.js';
import { t } from '../i18n/index.js';
import { syncSummary } from './sync-status.js';

export function createShell(ctx) {
  const backLabel = h('span', {}, t('common.back'));
  const back = h('a', { class: 'back', href: '#/', hidden: true }, h('span', { 'aria-hidden': 'true' }, '‹ '), backLabel);
  const brand = h('span', { class: 'brand' }, t('app.name'));
  const skip = h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, t('common.skip'));
  const pill = h('a', { class: 'pill', href: '#/sync' });
  const live = h('p', { class: 'sr-only', 'aria-live': 'polite', role: 'status' });
  const banners = h('div', { class: 'banners' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const footer = h('footer', { class: 'bottom' });
  const header = h('header', { class: 'top' }, skip, back, brand, pill);
  const root = h('div', { class: 'app' }, header, banners, main, footer, live);

  let current = null;
  let lastLive = '';

  function nav(route) {
    const user = ctx.store.get().auth.user;
    const items = [['#/', 'nav.assignments', ['assignments', 'assignment', 'record', 'check']],
      ['#/sync', 'nav.sync', ['sync']]];
    if (hasRole(user, 'team_lead', 'department_head')) items.push(['#/review', 'nav.review', ['queue', 'review']]);
    items.push(['#/settings', 'nav.settings', ['settings']]);
    return h('nav', { class: 'tabs', 'aria-label': t('nav.label') },
      items.map(([href, key, names]) => h('a', { href, 'aria-current': names.includes(route.name) ? 'page' : null }, t(key))));
  }

  function renderStatus(state) {
    pill.hidden = state.auth.status !== 'signed-in';
    const s = syncSummary(state);
    pill.textContent = s.short;
    pill.className = `pill ${s.tone}`;
    pill.setAttribute('aria-label', s.long);
    if (s.long !== lastLive) { lastLive = s.long; live.textContent = s.long; }
  }

  function renderBanners(state) {
    clear(banners);
    if (state.reloadNeeded) {
      banners.append(h('div', { class: 'banner warn', role: 'alert' }, t('banner.reload'),
        h('button', { type: 'button', onclick: () => window.location.reload() }, t('banner.reload_button'))));
    }
    if (state.updateReady && !state.draftOpen) {
      banners.append(h('div', { class: 'banner info', role: 'status' }, t('banner.update'),
        h('button', { type: 'button', class: 'primary', onclick: () => ctx.applyUpdate() }, t('banner.update_button'))));
    }
    if (state.updateBlocked) banners.append(h('div', { class: 'banner warn', role: 'status' }, t('banner.update_blocked')));
    if (state.auth.status === 'signed-in' && state.sync.needsSignIn) {
      banners.append(h('div', { class: 'banner warn', role: 'alert' }, t('banner.signin'),
        h('button', { type: 'button', onclick: () => ctx.requireSignIn() }, t('signin.submit'))));
    }
    if (state.iosInstallHint) {
      banners.append(h('div', { class: 'banner info' }, t('banner.ios_install'),
        h('button', { type: 'button', onclick: () => ctx.dismissIosHint() }, t('common.dismiss'))));
    }
  }

  ctx.store.subscribe((s) => [s.sync, s.outboxCount, s.lang, s.auth.status], () => renderStatus(ctx.store.get()));
  ctx.store.subscribe((s) => [s.updateReady, s.updateBlocked, s.draftOpen, s.auth, s.sync.needsSignIn, s.iosInstallHint, s.reloadNeeded, s.lang],
    () => renderBanners(ctx.store.get()));

  function show(route, screen) {
    current?.destroy?.();
    current = screen;
    clear(main).append(screen.el);
    brand.textContent = t('app.name'); // the language may have changed
    backLabel.textContent = t('common.back');
    skip.textContent = t('common.skip');
    back.hidden = !screen.back;
    if (screen.back) back.href = screen.back;
    clear(footer).append(screen.actions ?? '', screen.footer ?? nav(route));
    document.title = screen.title ? `${screen.title} · ${t('app.name')}` : t('app.name');
    renderStatus(ctx.store.get());
    renderBanners(ctx.store.get());
    focusHeading(main);
  }

  return { root, show };
}
