import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSyncEngine } from '../src/sync/engine.js';

function fakes({ online = true } = {}) {
  const calls = [];
  const net = { online };
  return {
    calls,
    net,
    auth: { state: { status: 'signed-in', user: { id: 3 } }, accessToken: async () => 'tok' },
    outbox: {
      drain: async () => { calls.push('drain'); return { sent: 0, waiting: 0, parked: 0, stopped: null }; },
      pollReviews: async () => calls.push('reviews'),
      nextDue: async () => null,
    },
    refreshPacket: async () => calls.push('packet'),
    probe: async () => { calls.push('probe'); return net.online; },
  };
}

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

describe('the sync scheduler', () => {
  it('the leader probes, refreshes the packet, drains the outbox, then waits the period', async () => {
    const f = fakes();
    const engine = createSyncEngine({ ...f, random: () => 0, now: () => Date.now() });
    engine.setLeader(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toEqual(['probe', 'packet', 'drain', 'reviews']);
    expect(engine.state).toMatchObject({ phase: 'idle', online: true });
    expect(engine.state.nextRunAt - Date.now()).toBe(5 * 60 * 1000);
  });

  it('offline, it probes again after 0.5, 1, 2, 4 ... seconds (jittered), not on navigator.onLine', async () => {
    const f = fakes({ online: false });
    const engine = createSyncEngine({ ...f, random: () => 0 });
    engine.setLeader(true);
    const waits = [];
    for (let i = 0; i < 6; i += 1) {
      await vi.advanceTimersByTimeAsync(0);
      waits.push(engine.state.nextRunAt - Date.now());
      await vi.advanceTimersByTimeAsync(engine.state.nextRunAt - Date.now());
    }
    expect(waits.slice(0, 5)).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(f.calls.filter((c) => c === 'drain')).toEqual([]);
    f.net.online = true;
    engine.trigger('online');
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toContain('drain');
  });

  it('a follower forwards triggers to the leader and mirrors its state; it never drains', async () => {
    const posted = [];
    const f = fakes();
    const follower = createSyncEngine({ ...f, channel: { postMessage: (m) => posted.push(m) } });
    follower.setLeader(false);
    follower.trigger('visible');
    await vi.advanceTimersByTimeAsync(1000);
    expect(posted).toEqual([{ type: 'trigger', reason: 'visible' }]);
    expect(f.calls).toEqual([]);
    follower.onChannelMessage({ type: 'state', state: { phase: 'syncing', progress: { r1: { sent: 5, total: 10 } } } });
    expect(follower.state).toMatchObject({ phase: 'syncing', leader: false, progress: { r1: { sent: 5, total: 10 } } });
  });

  it('stops and says so when the tokens no longer work', async () => {
    const f = fakes();
    f.outbox.drain = async () => ({ stopped: 'signin' });
    const engine = createSyncEngine({ ...f });
    engine.setLeader(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.state.needsSignIn).toBe(true);
  });

  it('a trigger during a run makes one more run afterwards, not two at once', async () => {
    const f = fakes();
    let release;
    f.outbox.drain = () => new Promise((r) => { release = () => r({ stopped: null }); f.calls.push('drain'); });
    const engine = createSyncEngine({ ...f });
    engine.setLeader(true);
    await vi.advanceTimersByTimeAsync(0);
    engine.trigger('manual');
    engine.trigger('manual');
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls.filter((c) => c === 'drain')).toHaveLength(1);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls.filter((c) => c === 'drain')).toHaveLength(2);
  });
});
