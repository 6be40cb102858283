// Sign-in. Needed once, then the app opens offline for the refresh token's lifetime; asked again
// only when a refresh is refused (401). Records on the device are kept either way.
import { h, uid } from '../app/dom.js';
import { LANGS, lang, t } from '../i18n/index.js';

export function signInView(ctx) {
  const state = ctx.store.get();
  const expired = state.auth.status === 'expired' || state.sync.needsSignIn;
  const userId = uid('user');
  const passId = uid('pass');
  const errId = uid('err');
  const error = h('p', { id: errId, class: 'error', role: 'alert' });
  const username = h('input', { id: userId, name: 'username', autocomplete: 'username', autocapitalize: 'none',
    spellcheck: 'false', required: true, value: state.auth.username ?? '', 'aria-describedby': errId });
  const password = h('input', { id: passId, name: 'password', type: 'password', autocomplete: 'current-password',
    required: true, 'aria-describedby': errId });
  const submit = h('button', { type: 'submit', class: 'primary wide' }, t('signin.submit'));

  async function onSubmit(e) {
    e.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    submit.textContent = t('signin.working');
    try {
      await ctx.signIn(username.value.trim(), password.value);
    } catch (err) {
      error.textContent = err.status === 401 ? t('signin.wrong')
        : err.status === 429 ? t('signin.throttled')
          : err.status ? t('signin.failed', { status: err.status }) : t('signin.offline');
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = t('signin.submit');
    }
  }

  const form = h('form', { class: 'signin', onsubmit: onSubmit, novalidate: true },
    h('label', { for: userId }, t('signin.username')), username,
    h('label', { for: passId }, t('signin.password')), password,
    error,
    submit);

  const langSwitch = h('div', { class: 'lang', role: 'group', 'aria-label': t('settings.language') },
    LANGS.map(([code, name]) => h('button', { type: 'button', lang: code, 'aria-pressed': String(lang() === code),
      onclick: () => ctx.setLanguage(code) }, name)));

  const el = h('section', { class: 'page signin-page' },
    h('div', { class: 'logo', 'aria-hidden': 'true' }, h('img', { src: '/icons/icon-192.png', alt: '', width: 72, height: 72 })),
    h('h1', {}, t('app.name')),
    h('p', { class: 'lead' }, t('signin.lead')),
    expired ? h('p', { class: 'note warn' }, t('signin.expired')) : null,
    ctx.store.get().sync.online === false ? h('p', { class: 'note' }, t('signin.needs_network')) : null,
    form,
    langSwitch);
  return { el, title: t('signin.title'), footer: h('div', { class: 'footer-note' }, t('signin.footer')) };
}
