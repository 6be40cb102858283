// One tab leads the sync: it holds the Web Lock `ssgk-sync-leader` for as long as it lives.
// The others queue for the lock and take over when the leader closes, or steps down when the
// browser freezes it (a frozen leader would otherwise keep everyone waiting).
// Without Web Locks (Safari before 15.4) every tab leads; the server's idempotent record ids and
// tus offsets keep double work harmless.

export const LEADER_LOCK = 'ssgk-sync-leader';

export function createLeadership({ locks = globalThis.navigator?.locks, name = LEADER_LOCK, onChange = () => {} } = {}) {
  let leader = false;
  let queued = null; // AbortController of our place in the queue
  let release = null; // ends our hold on the lock

  function join() {
    if (queued || release) return;
    if (!locks) { leader = true; onChange(true); return; }
    const ctl = new AbortController();
    queued = ctl;
    locks.request(name, { signal: ctl.signal }, () => new Promise((resolve) => {
      queued = null;
      leader = true;
      release = () => { release = null; leader = false; resolve(); onChange(false); };
      onChange(true);
    })).catch(() => { /* AbortError: we left the queue */ });
  }

  function leave() {
    if (release) release();
    else if (queued) { queued.abort(); queued = null; }
    else if (!locks && leader) { leader = false; onChange(false); }
  }

  return { join, leave, get isLeader() { return leader; } };
}
