import { describe, expect, it } from 'vitest';
import { Memo } from '../../src/server/cache/memo.js';

describe('Memo', () => {
  it('computes a key once, shares a computation in flight, and counts hits and misses', async () => {
    const memo = new Memo<number>('t', 4);
    let calls = 0;
    let release!: (n: number) => void;
    const compute = () => {
      calls++;
      return new Promise<number>((ok) => (release = ok));
    };
    const first = memo.get('k', compute);
    const second = memo.get('k', compute);
    release(7);
    expect(await Promise.all([first, second])).toEqual([7, 7]);
    expect(calls).toBe(1);
    expect(memo.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it('drops the least recently used entry past its bound', async () => {
    const memo = new Memo<string>('t', 2);
    const computed: string[] = [];
    const get = (k: string) => memo.get(k, async () => (computed.push(k), k));
    await get('a');
    await get('b');
    await get('a'); // a is now the most recent
    await get('c'); // evicts b
    await get('a');
    await get('b');
    expect(computed).toEqual(['a', 'b', 'c', 'b']);
    expect(memo.stats().entries).toBe(2);
  });

  it('forgets a failed computation, so the next caller computes again', async () => {
    const memo = new Memo<number>('t', 2);
    await expect(memo.get('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await memo.get('k', async () => 3)).toBe(3);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new Memo('t', 0)).toThrow(/positive integer/);
  });
});
