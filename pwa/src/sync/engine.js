// The sync scheduler: when to drain the outbox and refresh the packet. No DOM: the app shell
// calls `trigger(reason)` on start, on the `online` event, when the page becomes visible and
// when the inspector taps "sync now"; the engine adds its own timer (backoff after failures,
// else every few minutes). Only the leading tab runs; others forward triggers and mirror state
// over a BroadcastChannel.
import { SignInRequired } from '../auth/auth.js';
import { backoffDelay } from './backoff.js';

export const PERIOD_MS = 5 * 60 * 1000;
const PROGRESS_EVERY_MS = 250;

export function createSyncEngine({ auth, outbox, refreshPacket, probe, channel = null,
  now = () => Date.now(), random = Math.random, periodMs = PERIOD_MS,
  setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (t) => clearTimeout(t) }) {
  let state = { phase: 'idle', online: null, leader: false, lastSyncAt: null, nextRunAt: null,
    packetError: null, needsSignIn: false, progress: {} };
  let timer = null;
  let running = false;
  let again = false;
  let netFailures = 0;
  let lastBroadcast = 0;
  const listeners = new Set();

  function publish(patch, { broadcast = true } = {}) {
    state = { ...state, ...patch };
    listeners.forEach((fn) => fn(state));
    if (broadcast && channel && state.leader) {
      const t = now();
      if (patch.progress && t - lastBroadcast < PROGRESS_EVERY_MS) return;
      lastBroadcast = t;
      channel.postMessage({ type: 'state', state: { ...state, leader: false } });
    }
  }

  function schedule(ms) {
    if (timer) clearTimer(timer);
    timer = setTimer(() => { timer = null; run(); }, ms);
    publish({ nextRunAt: now() + ms });
  }

  function offline() {
    netFailures += 1;
    publish({ phase: 'offline', online: false });
    schedule(backoffDelay(netFailures - 1, random));
  }

  async function run() {
    if (!state.leader) return;
    if (running) { again = true; return; }
    running = true;
    try {
      publish({ phase: 'probing' });
      if (!(await probe())) { offline(); return; }
      netFailures = 0;
      publish({ online: true });
      if (auth.state.status !== 'signed-in' || !auth.state.user) {
        publish({ phase: 'idle', needsSignIn: auth.state.status === 'expired' });
        schedule(periodMs);
        return;
      }
      publish({ phase: 'syncing' });
      try {
        await auth.accessToken();
      } catch (err) {
        if (err instanceof SignInRequired) { publish({ phase: 'idle', needsSignIn: true }); return; }
        offline();
        return;
      }
      try {
        await refreshPacket();
        publish({ packetError: null });
      } catch (err) {
        if (!err.status) { offline(); return; }
        if (err instanceof SignInRequired || err.status === 401) { publish({ phase: 'idle', needsSignIn: true }); return; }
        publish({ packetError: { status: err.status, code: err.code ?? null } });
      }
      const owner = { ownerUserId: auth.state.user.id };
      const result = await outbox.drain(owner);
      if (result.stopped === 'signin') { publish({ phase: 'idle', needsSignIn: true }); return; }
      if (result.stopped === 'offline') { offline(); return; }
      await outbox.pollReviews(owner);
      publish({ phase: 'idle', lastSyncAt: now(), needsSignIn: false, progress: {} });
      const due = await outbox.nextDue();
      schedule(due == null ? periodMs : Math.min(periodMs, Math.max(0, due - now())));
    } catch (err) {
      publish({ phase: 'idle', error: String(err?.message ?? err) });
      schedule(backoffDelay(Math.min(netFailures, 8), random));
    } finally {
      running = false;
      if (again) { again = false; schedule(0); }
    }
  }

  /** Outbox events: progress per record (kept in memory, not in IndexedDB). */
  function onOutboxEvent(event) {
    if (event.type === 'progress') {
      publish({ progress: { ...state.progress, [event.recordId]: { sent: event.sent, total: event.total } } });
    } else if (event.type === 'synced') {
      const { [event.recordId]: _, ...rest } = state.progress;
      publish({ progress: rest });
    }
  }

  function trigger(reason = 'manual') {
    if (state.leader) { schedule(0); return; }
    channel?.postMessage({ type: 'trigger', reason });
  }

  function onChannelMessage(msg) {
    if (msg?.type === 'trigger' && state.leader) schedule(0);
    if (msg?.type === 'state' && !state.leader) publish({ ...msg.state, leader: false }, { broadcast: false });
  }

  function setLeader(isLeader) {
    publish({ leader: isLeader }, { broadcast: false });
    if (isLeader) schedule(0);
    else if (timer) { clearTimer(timer); timer = null; }
  }

  return {
    trigger,
    setLeader,
    onOutboxEvent,
    onChannelMessage,
    get state() { return state; },
    subscribe(fn) { listeners.add(fn); fn(state); return () => listeners.delete(fn); },
    stop() { if (timer) clearTimer(timer); timer = null; },
  };
}
