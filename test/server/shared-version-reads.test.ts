import { describe, expect, it } from 'vitest';
import { SharedVersionReads } from '../../src/store/data-version.js';

/**
 * A version "database" whose queries read the version when sent (the server's snapshot) and answer when the
 * test says, one at a time in the order they were sent.
 */
function controlledQueries() {
  let version = 1;
  const pending: (() => void)[] = [];
  return {
    sent: () => pending.length,
    bump: () => void version++,
    /** The oldest query answers. */
    answer: async () => {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    },
    query: () =>
      new Promise<number>((resolve) => {
        const snapshot = version;
        pending.push(() => resolve(snapshot));
      }),
  };
}

describe('SharedVersionReads', () => {
  it('never answers a caller with a read sent before it asked: a write committed meanwhile is seen', async () => {
    const db = controlledQueries();
    const reads = new SharedVersionReads(() => db.query());
    const first = reads.read();
    expect(db.sent()).toBe(1);
    db.bump(); // committed after the first query was sent, before the second caller asks
    const second = reads.read();
    const third = reads.read();
    expect(db.sent()).toBe(1); // the second and third wait for the next read…
    await db.answer();
    expect(db.sent()).toBe(1); // …which is sent when the first answers
    await db.answer();
    expect([await first, await second, await third]).toEqual([1, 2, 2]);
  });

  it('shares one query among every caller waiting for the next read', async () => {
    const db = controlledQueries();
    const reads = new SharedVersionReads(() => db.query());
    const first = reads.read();
    const waiting = Array.from({ length: 30 }, () => reads.read());
    await db.answer();
    expect(db.sent()).toBe(1); // one query for the 30
    await db.answer();
    expect(await first).toBe(1);
    expect(await Promise.all(waiting)).toEqual(Array(30).fill(1));
    expect(db.sent()).toBe(0);
    db.bump();
    // Idle again: the next caller sends its own query, which sees the bump.
    const later = reads.read();
    expect(db.sent()).toBe(1);
    await db.answer();
    expect(await later).toBe(2);
  });

  it('a failed read fails only its callers; the queued read still runs', async () => {
    let calls = 0;
    const reads = new SharedVersionReads(() => (++calls === 1 ? Promise.reject(new Error('connection lost')) : Promise.resolve(7)));
    const first = reads.read();
    const second = reads.read();
    await expect(first).rejects.toThrow('connection lost');
    expect(await second).toBe(7);
    expect(calls).toBe(2);
  });
});
