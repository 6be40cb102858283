// What the browser offers for keeping data: storage estimate, persistence, iOS home-screen mode.

export function isIos(nav = navigator) {
  return /iPad|iPhone|iPod/.test(nav.userAgent) || (nav.platform === 'MacIntel' && nav.maxTouchPoints > 1);
}

export function isStandalone(win = window) {
  return win.matchMedia?.('(display-mode: standalone)').matches || win.navigator.standalone === true;
}

export async function storageInfo(nav = navigator) {
  const est = nav.storage?.estimate ? await nav.storage.estimate().catch(() => ({})) : {};
  const persisted = nav.storage?.persisted ? await nav.storage.persisted().catch(() => false) : false;
  return { usage: est.usage ?? null, quota: est.quota ?? null, persisted, canPersist: Boolean(nav.storage?.persist),
    ios: isIos(nav), standalone: isStandalone() };
}

/** Ask the browser not to evict our data under storage pressure (granted silently or not at all). */
export async function requestPersistence(nav = navigator) {
  if (!nav.storage?.persist) return false;
  if (await nav.storage.persisted?.()) return true;
  return nav.storage.persist().catch(() => false);
}
