import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { bucketOf, flakyTests, recentFailedRuns, runsByKey, testHistory, testRates } from '../../src/test-analytics/analytics.js';
import { runTests } from '../../src/test-analytics/run-tests.js';
import { partitionByTimings } from '../../src/test-analytics/timing.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { ingestSeries } from './series.js';
import { fixtureBytes } from './support.js';

/** openstack-health responses; their bare NaN (invalid JSON) is read as null. */
function capture<T>(name: string): T {
  const text = fixtureBytes(`openstack_health_api/${name}.json`).toString('utf8').replace(/\bNaN\b/g, 'null');
  return (JSON.parse(text) as { body: T }).body;
}

const isoNoZone = (us: number) => new Date(Math.floor(us / 1000)).toISOString().slice(0, 19) + '.' + String(us % 1_000_000).padStart(6, '0');

for (const dialect of DIALECTS) {
  describe(`test analytics over the subunit2sql series on ${dialect}`, () => {
    const database = useTestDatabase(dialect);
    it('match the openstack-health API responses', async () => {
      const store = await openStore(database.url);
      try {
        await ingestSeries(store);

        // /runs/group_by/project?datetime_resolution=day (we do not pad empty buckets).
        const grouped = capture<{ runs: Record<string, Record<string, { pass: number; fail: number; skip: number }[]>> }>('runs_group_by_project_datetime_resolution_day');
        const ours = await runsByKey(store.db, 'project', 'day');
        const key = (l: { pass: number; fail: number; skip: number }[]) => l.map((p) => `${p.pass}/${p.fail}/${p.skip}`).sort();
        const theirs = Object.fromEntries(Object.entries(grouped.runs).filter(([, g]) => Object.keys(g).length).map(([b, g]) => [b, Object.fromEntries(Object.entries(g).map(([v, l]) => [v, key(l)]))]));
        expect(Object.fromEntries(ours.map(({ bucket, groups }) => [bucket, Object.fromEntries(Object.entries(groups).map(([v, g]) => [v, key(g.runs)]))]))).toEqual(theirs);

        // /test_runs/<flaky test>: every result by start time, and the successful run times.
        const test = 'gen.tests.test_generated.TestGroup00.test_case_0005';
        const series = capture<{ data: Record<string, { status: string }>; numeric: Record<string, { run_time: number }> }>('test_runs_gen_tests_test_generated_TestGroup00_test_case_0005_datetime_resolution_sec');
        const history = await testHistory(store.db, test);
        expect(Object.fromEntries(history.results.map((r) => [isoNoZone(r.startUs as number), { status: r.status }]))).toEqual(
          Object.fromEntries(Object.entries(series.data).map(([t, v]) => [t, { status: v.status }])),
        );
        expect(history.trend.map((p) => p.duration)).toEqual(Object.values(series.numeric).map((n) => n.run_time));

        // /build_name/gen-200-job/test_runs: per-test pass/fail summed over the buckets. openstack-health counts
        // uxsuccess as a skip (its `unxsuccess` typo); we count it as a failure, like subunit2sql.
        const perBucket = capture<{ tests: Record<string, Record<string, { pass: number; fail: number; skip: number }>> }>('build_name_gen_200_job_test_runs_datetime_resolution_min');
        const sums = new Map<string, { pass: number; fail: number; skip: number }>();
        for (const tests of Object.values(perBucket.tests)) {
          for (const [t, c] of Object.entries(tests)) {
            const s = sums.get(t) ?? { pass: 0, fail: 0, skip: 0 };
            sums.set(t, { pass: s.pass + c.pass, fail: s.fail + c.fail, skip: s.skip + c.skip });
          }
        }
        const rates = await testRates(store.db, { metadata: ['build_name', 'gen-200-job'] });
        expect(rates.length).toBe(sums.size);
        let uxsuccessDifferences = 0;
        for (const r of rates) {
          const s = sums.get(r.test);
          expect(r.passes, r.test).toBe(s?.pass);
          expect(r.failures + r.skips, r.test).toBe((s?.fail ?? 0) + (s?.skip ?? 0));
          if (r.failures !== s?.fail) uxsuccessDifferences++;
        }
        expect(uxsuccessDifferences).toBe(1);

        const flaky = await flakyTests(store.db, 'build_name');
        expect(flaky.map((f) => f.test)).toContain(test);
        expect(flaky.every((f) => f.passes > 0 && f.failures > 0)).toBe(true);
        const failed = await recentFailedRuns(store.db, 'build_name', { value: 'gen-200-job', limit: 2 });
        expect(failed.map((f) => f.uuid)).toEqual(['gen200-seed5', 'gen200-seed4']);
        expect(failed[0].failedTests.length).toBe(10);
      } finally {
        await store.close();
      }
    });
  });
}

/** The Monday (UTC) of a `YYYY-MM-DD` day, by counting back whole days. */
function mondayOf(day: string): string {
  let t = Date.parse(`${day}T00:00:00Z`);
  while (new Date(t).getUTCDay() !== 1) t -= 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

for (const dialect of DIALECTS) {
  describe(`weekly buckets and a run's test results on ${dialect}`, () => {
    const database = useTestDatabase(dialect);
    it('groups runs by the Monday of their week, the union of that week\'s days', async () => {
      const store = await openStore(database.url);
      try {
        await ingestSeries(store);
        const days = await runsByKey(store.db, 'build_name', 'day');
        const weeks = await runsByKey(store.db, 'build_name', 'week');
        const expected = new Map<string, Map<string, string[]>>();
        for (const { bucket, groups } of days) {
          const week = expected.get(mondayOf(bucket)) ?? new Map<string, string[]>();
          expected.set(mondayOf(bucket), week);
          for (const [value, g] of Object.entries(groups)) week.set(value, [...(week.get(value) ?? []), ...g.runs.map((r) => r.uuid)]);
        }
        const asSeen = weeks.map(({ bucket, groups }) => [bucket, Object.fromEntries(Object.entries(groups).map(([v, g]) => [v, g.runs.map((r) => r.uuid).sort()]))]);
        expect(asSeen).toEqual([...expected].map(([bucket, groups]) => [bucket, Object.fromEntries([...groups].map(([v, uuids]) => [v, uuids.sort()]))]));
        expect(weeks.every(({ bucket }) => new Date(`${bucket}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
      } finally {
        await store.close();
      }
    });

    it("lists a run's tests slowest first with counts per class, filtered by class", async () => {
      const store = await openStore(database.url);
      try {
        await ingestSeries(store);
        const run = await store.db.selectFrom('runs').select(['uuid', 'passes', 'fails', 'skips']).where('fails', '>', 0).orderBy('uuid').executeTakeFirstOrThrow();
        const all = await runTests(store.db, run.uuid);
        expect([all.counts.pass, all.counts.fail, all.counts.skip]).toEqual([Number(run.passes), Number(run.fails), Number(run.skips)]);
        const durations = all.tests.map((t) => t.duration_s ?? -1);
        expect(durations).toEqual([...durations].sort((a, b) => b - a));
        for (const t of all.tests) if (t.start_us !== null && t.stop_us !== null) expect(t.duration_s).toBeCloseTo((t.stop_us - t.start_us) / 1e6, 9);
        const failing = await runTests(store.db, run.uuid, { status: 'fail', limit: 3 });
        expect(failing.counts).toEqual(all.counts);
        expect(failing.tests).toEqual(all.tests.filter((t) => ['fail', 'uxsuccess'].includes(t.status)).slice(0, 3));
        await expect(runTests(store.db, 'no-such-run')).rejects.toThrow(/no run with uuid no-such-run/);
      } finally {
        await store.close();
      }
    });
  });
}

describe('week buckets', () => {
  it('name a week by its Monday, UTC, across month and year ends', () => {
    expect(bucketOf(Date.parse('2026-05-25T00:00:00Z'), 'week')).toBe('2026-05-25');
    expect(bucketOf(Date.parse('2026-05-31T23:59:59.999Z'), 'week')).toBe('2026-05-25');
    expect(bucketOf(Date.parse('2026-06-01T00:00:00Z'), 'week')).toBe('2026-06-01');
    expect(bucketOf(Date.parse('2026-01-01T12:00:00Z'), 'week')).toBe('2025-12-29');
    expect(bucketOf(Date.parse('2024-03-01T00:00:00Z'), 'week')).toBe('2024-02-26');
  });
});

describe('partition by timings (greedy LPT)', () => {
  it('balances and keeps every test once', () => {
    const parts = partitionByTimings(['a', 'b', 'c', 'd', 'e'], { a: 5, b: 4, c: 3, d: 3, e: 3 }, 2);
    expect(parts.map((p) => p.total)).toEqual([8, 10]);
    expect(parts.flatMap((p) => p.tests).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
