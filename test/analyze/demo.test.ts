/**
 * `perfhound demo` loads the demo data set and its bundled Orion config finds exactly the planted
 * regressions (src/demo/dataset.ts: the step changes with factor > 1; the improvement is not one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_JOBS } from '../../src/demo/dataset.js';
import { openStore } from '../../src/store/connect.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'perfhound-demo-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('perfhound demo', () => {
  it('prints and records the planted regressions, and nothing else', async () => {
    const url = `sqlite:${join(dir, 'demo.db')}`;
    const r = await runCli(['demo', '--db', url]);
    expect(r.stderr).not.toMatch(/perfhound:/);
    expect(r.code).toBe(0);
    const planted = DEMO_JOBS.flatMap((job, jobIndex) =>
      Object.entries(job.steps)
        .filter(([, step]) => step.factor > 1)
        .map(([metric, step]) => ({ metric, build: `/${1_900_000_000 + jobIndex * 1000 + step.at}` })),
    );
    expect(planted.length).toBeGreaterThan(0);
    for (const p of planted) {
      expect(r.stdout).toContain(p.build);
      expect(r.stdout).toMatch(new RegExp(`\\| ${p.metric}_\\w+ +\\|`));
    }
    const store = await openStore(url);
    try {
      const recorded = await store.db.selectFrom('regressions').select(['metric']).execute();
      expect(recorded.map((x) => x.metric.replace(/_[^_]+$/, '')).sort()).toEqual(planted.map((p) => p.metric).sort());
    } finally {
      await store.close();
    }
  });
});
