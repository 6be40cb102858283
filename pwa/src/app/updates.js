// Service worker registration and the update flow (squoosh's, STYLE.md): a new version installs
// in the background and waits; "Update available" shows when no draft is open; only when the
// user agrees is SKIP_WAITING posted, and the page reloads on controllerchange. The page tells
// every worker whether it has a draft open, and the worker refuses to skip waiting if any does.

export function watchUpdates({ store, container = navigator.serviceWorker, url = '/sw.js' }) {
  if (!container) return { apply() {}, announceDraft() {} };
  let registration = null;
  let agreed = false;

  function workers() {
    return registration ? [registration.active, registration.waiting, registration.installing].filter(Boolean) : [];
  }

  function announceDraft(open = store.get().draftOpen) {
    workers().forEach((w) => w.postMessage({ type: 'DRAFT', open }));
  }

  function waiting() {
    if (registration?.waiting && container.controller) {
      announceDraft();
      store.set({ updateReady: true });
    }
  }

  container.addEventListener('controllerchange', () => {
    if (agreed) window.location.reload(); // the first install also changes controller: not a reload
  });
  container.addEventListener('message', (e) => {
    if (e.data?.type === 'UPDATE_BLOCKED') { agreed = false; store.set({ updateBlocked: true }); }
    if (e.data?.type === 'VERSION') store.set({ appVersion: e.data.version });
  });

  container.register(url, { scope: '/', updateViaCache: 'none' }).then((reg) => {
    registration = reg;
    waiting();
    reg.addEventListener('updatefound', () => {
      const w = reg.installing;
      w?.addEventListener('statechange', () => { if (w.state === 'installed') waiting(); });
    });
    (reg.active ?? reg.waiting ?? reg.installing)?.postMessage({ type: 'GET_VERSION' });
    announceDraft();
    const check = () => reg.update().catch(() => {});
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') check(); });
    setInterval(check, 60 * 60 * 1000);
  }).catch(() => { /* no service worker (private mode, http): the app still runs online */ });

  store.subscribe((s) => s.draftOpen, (open) => announceDraft(open));

  return {
    announceDraft,
    apply() {
      if (store.get().draftOpen || !registration?.waiting) return;
      agreed = true;
      store.set({ updateBlocked: false });
      registration.waiting.postMessage({ type: 'SKIP_WAITING' });
    },
  };
}
