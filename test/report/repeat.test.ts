/**
 * The loop of scheduled reports (`report generate --every`, `serve --report-every`): a failing tick is
 * reported and the loop goes on; `stop()` ends it after the tick in flight, and no tick starts after.
 */
import { expect, it } from 'vitest';
import { repeatEvery } from '../../src/report/schedule.js';

it('goes on after a failing tick, reporting each failure', async () => {
  const errors: unknown[] = [];
  let ticks = 0;
  let third: () => void = () => undefined;
  const reachedThird = new Promise<void>((resolve) => (third = resolve));
  const loop = repeatEvery(5, async () => {
    ticks++;
    if (ticks === 3) third();
    if (ticks <= 2) throw new Error(`tick ${ticks} failed`);
  }, (err) => errors.push(err));
  await reachedThird;
  await loop.stop();
  expect(errors.map((e) => (e as Error).message)).toEqual(['tick 1 failed', 'tick 2 failed']);
  expect(ticks).toBe(3);
});

it('stop() waits for the tick in flight, and no tick starts after it', async () => {
  let release: () => void = () => undefined;
  let started: () => void = () => undefined;
  const running = new Promise<void>((resolve) => (started = resolve));
  const events: string[] = [];
  const loop = repeatEvery(1, async (signal) => {
    events.push('start');
    started();
    signal.addEventListener('abort', () => events.push('aborted'));
    await new Promise<void>((resolve) => (release = resolve));
    events.push('end');
  }, () => undefined);
  await running;
  const stopped = loop.stop().then(() => events.push('stopped'));
  await Promise.resolve();
  // The tick in flight is told to stop early, and waited for.
  expect(events).toEqual(['start', 'aborted']);
  release();
  await stopped;
  await new Promise((r) => setTimeout(r, 20));
  expect(events).toEqual(['start', 'aborted', 'end', 'stopped']);
});

it('stop() while waiting ends the wait at once (a one-hour interval does not hold the daemon open)', async () => {
  let ticked: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (ticked = resolve));
  const loop = repeatEvery(3_600_000, async () => ticked(), () => undefined);
  await first;
  await loop.stop();
  await loop.done;
});
