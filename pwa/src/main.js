// Start-up: open the device database, restore the session (offline too), start the sync engine
// (one leading tab), register the service worker, and route. Views get one `ctx`.
import './styles/app.css';
import { createApi } from './api/client.js';
import { createAuth } from './auth/auth.js';
import { h } from './app/dom.js';
import { isIos, isStandalone, requestPersistence, storageInfo } from './app/platform.js';
import { navigate, parseRoute } from './app/router.js';
import { createStore } from './app/store.js';
import { watchUpdates } from './app/updates.js';
import { setLang, t } from './i18n/index.js';
import { getFix } from './capture/geo.js';
import { createDrafts } from './record/drafts.js';
import { openStorage } from './storage/index.js';
import { probeServer } from './sync/connectivity.js';
import { createSyncEngine } from './sync/engine.js';
import { createLeadership } from './sync/leader.js';
import { createOutbox } from './sync/outbox.js';
import { refreshPacket } from './sync/packet.js';
import { assignmentView } from './views/assignment.js';
import { assignmentsView } from './views/assignments.js';
import { checkView } from './views/check.js';
import { recordView } from './views/record.js';
import { queueView, reviewView } from './views/review.js';
import { settingsView } from './views/settings.js';
import { createShell } from './views/shell.js';
import { signInView } from './views/signin.js';
import { syncView } from './views/sync.js';

const VIEWS = { assignments: assignmentsView, assignment: assignmentView, check: checkView, record: recordView,
  sync: syncView, settings: settingsView, queue: queueView, review: reviewView };

async function boot() {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('ssgk-field') : null;
  const dataListeners = new Set();
  const notify = (topic) => dataListeners.forEach((l) => l.topics.includes(topic) && l.fn(topic));

  const store = createStore({ lang: 'zh-CN', auth: { status: 'unknown' }, sync: { phase: 'idle', online: null, progress: {} },
    outboxCount: 0, draftOpen: false, updateReady: false, updateBlocked: false, iosInstallHint: false, reloadNeeded: false });

  const storage = await openStorage({
    onChange: (topic) => { notify(topic); channel?.postMessage({ type: 'changed', topic }); },
    onVersionChange: () => store.set({ reloadNeeded: true }),
  });
  const settings = (await storage.get('settings')) ?? {};
  store.set({ lang: setLang(settings.lang ?? 'zh-CN') });

  let auth;
  const api = createApi({ getToken: (o) => auth.accessToken(o) });
  auth = createAuth({ storage, api });
  await auth.load();
  store.set({ auth: auth.state });
  auth.subscribe((s) => store.set({ auth: s }));

  let uploaderPromise = null;
  const uploader = {
    async upload(item, options) {
      uploaderPromise ??= Promise.all([import('tus-js-client'), import('./sync/tus.js')]).then(([tus, mod]) => mod.createUploader({
        Upload: tus.Upload, baseStack: new tus.DefaultHttpStack(), storage, api, getToken: () => auth.accessToken() }));
      return (await uploaderPromise).upload(item, options);
    },
  };
  let engine;
  const outbox = createOutbox({ storage, api, uploader, emit: (e) => engine.onOutboxEvent(e) });
  engine = createSyncEngine({ auth, outbox, channel, refreshPacket: () => refreshPacket({ api, storage }), probe: () => probeServer() });
  engine.subscribe((s) => store.set({ sync: s }));
  const countOutbox = async () => store.set({ outboxCount: (await storage.outbox()).length });
  countOutbox();

  const leadership = createLeadership({ onChange: (lead) => engine.setLeader(lead) });
  leadership.join();
  document.addEventListener('freeze', () => leadership.leave());
  document.addEventListener('resume', () => { leadership.join(); engine.trigger('resume'); });
  window.addEventListener('pagehide', (e) => { if (e.persisted) leadership.leave(); });
  window.addEventListener('pageshow', (e) => { if (e.persisted) leadership.join(); });
  window.addEventListener('online', () => engine.trigger('online'));
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') engine.trigger('visible'); });
  if (channel) channel.onmessage = (e) => (e.data?.type === 'changed' ? notify(e.data.topic) : engine.onChannelMessage(e.data));
  dataListeners.add({ topics: ['outbox'], fn: countOutbox });

  const updates = watchUpdates({ store });
  const drafts = createDrafts({ storage, getFix: () => getFix(), loadPhotoModule: () => import('./capture/photo.js') });

  const toastBox = h('div', { class: 'toasts', role: 'status', 'aria-live': 'assertive' });
  const ctx = {
    store, storage, api, auth, engine, outbox, drafts,
    navigate: (path, o) => navigate(path, o),
    onData(topics, fn) { const l = { topics, fn }; dataListeners.add(l); return () => dataListeners.delete(l); },
    setDraftOpen: (open) => store.set({ draftOpen: open }),
    applyUpdate: () => updates.apply(),
    storageInfo: () => storageInfo(),
    requestPersistence: () => requestPersistence(),
    toast(message) {
      const el = h('p', {}, message);
      toastBox.append(el);
      setTimeout(() => el.remove(), 6000);
    },
    async setLanguage(code) {
      await storage.set('settings', { ...((await storage.get('settings')) ?? {}), lang: code });
      store.set({ lang: setLang(code) });
      render();
    },
    async signIn(username, password) {
      const before = store.get().auth.status;
      await auth.signIn(username, password); // a changed status renders through the subscription below
      store.set({ sync: { ...store.get().sync, needsSignIn: false } });
      requestPersistence();
      engine.trigger('signin');
      if (before === 'signed-in') render();
    },
    requireSignIn: () => { forceSignIn = true; render(); },
    async signOut() {
      navigate('/', { replace: true });
      await auth.signOut();
    },
    async dismissIosHint() {
      await storage.set('settings', { ...((await storage.get('settings')) ?? {}), iosHintDismissed: true });
      store.set({ iosInstallHint: false });
    },
  };

  store.set({ iosInstallHint: isIos() && !isStandalone() && !settings.iosHintDismissed });

  const shell = createShell(ctx);
  document.body.replaceChildren(shell.root, toastBox);
  let forceSignIn = false;

  function render() {
    const state = store.get();
    const route = parseRoute(window.location.hash);
    if (state.auth.status !== 'signed-in' || forceSignIn) {
      forceSignIn = false;
      shell.show(route, signInView(ctx));
      return;
    }
    const view = VIEWS[route.name];
    shell.show(route, view ? view(ctx, route.params) : { el: h('section', { class: 'page' }, h('h1', {}, t('common.not_found'))) });
  }
  window.addEventListener('hashchange', render);
  store.subscribe((s) => s.auth.status, render);
  render();
}

boot().catch((err) => {
  document.body.textContent = `${t('app.start_failed')} ${err?.message ?? err}`;
});
