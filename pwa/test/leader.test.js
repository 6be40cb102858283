import { describe, expect, it } from 'vitest';
import { createLeadership } from '../src/sync/leader.js';
import { FakeLockManager } from './support/locks.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('one tab leads the sync', () => {
  it('of three tabs exactly one leads; when it closes the next one takes over', async () => {
    const locks = new FakeLockManager();
    const changes = [];
    const tabs = ['A', 'B', 'C'].map((name) => createLeadership({ locks, onChange: (v) => changes.push(`${name}:${v}`) }));
    tabs.forEach((t) => t.join());
    await tick();
    expect(tabs.map((t) => t.isLeader)).toEqual([true, false, false]);
    tabs[0].leave();
    await tick();
    expect(tabs.map((t) => t.isLeader)).toEqual([false, true, false]);
    expect(changes).toEqual(['A:true', 'A:false', 'B:true']);
  });

  it('a waiting tab that leaves (frozen) is skipped; it can join again at the back', async () => {
    const locks = new FakeLockManager();
    const [a, b, c] = [0, 1, 2].map(() => createLeadership({ locks }));
    a.join(); b.join(); c.join();
    await tick();
    b.leave();
    a.leave();
    await tick();
    expect([a.isLeader, b.isLeader, c.isLeader]).toEqual([false, false, true]);
    b.join();
    c.leave();
    await tick();
    expect(b.isLeader).toBe(true);
  });

  it('without Web Locks every tab leads (server idempotency keeps that safe)', () => {
    const t = createLeadership({ locks: null });
    t.join();
    expect(t.isLeader).toBe(true);
  });
});
