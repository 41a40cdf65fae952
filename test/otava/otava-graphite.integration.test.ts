import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otavaAnalyze, otavaListMetrics, otavaValidate, type AnalyzeArgs } from '../../src/otava/commands.js';
import { readCsvRecords } from '../../src/otava/csv-records.js';
import { parseDateTime } from '../../src/util/time.js';
import { freePort } from '../support/free-port.js';
import { startGraphite, type Graphite } from '../support/graphite.js';

/**
 * Otava's `graphite` test type against a real Graphite (Debian's carbon-cache + graphite-web, started by
 * test/support/graphite.ts on loopback): the rows of upstream_sample.csv sent to carbon, their commits as
 * "Performance Test" events, give the report Otava printed for the same rows from CSV; every attribute
 * comes from the events, `%{BRANCH}` picks the branch's path and events.
 */
const root = join(import.meta.dirname, '../fixtures/changepoints');
let graphite: Graphite;
let dir: string;
const records = readCsvRecords(readFileSync(join(root, 'cases/upstream_sample.csv'), 'utf8'), ',', '"', 'upstream_sample.csv').slice(1);
const rows = records.map(({ fields }) => ({ time: parseDateTime(fields[0])! / 1000, commit: fields[1], metric1: Number(fields[2]), metric2: Number(fields[3]) }));
const FEATURE_GAP = 4; // the feature branch's metric2 has no point at this run

function eventData(i: number, branch: string, commit: string): string {
  // the repr of a Python dict, as Otava's event writers post it
  return `{'test_owner': 'perf', 'test_name': 'upstream_sample', 'run_id': 'run-${branch}-${i}', 'status': 'PASS', 'start_time': ${rows[i].time - 300}, 'end_time': ${rows[i].time}, 'version': '${branch === 'main' ? 1 : 2}.${i}', 'branch': '${branch}', 'commit': '${commit}'}`;
}

beforeAll(async () => {
  graphite = await startGraphite();
  const points: [string, number, number][] = [];
  rows.forEach((r, i) => {
    points.push(['perf.main.upstream_sample.metric1', r.metric1, r.time], ['perf.main.upstream_sample.metric2', r.metric2, r.time]);
    points.push(['perf.feature.upstream_sample.metric1', r.metric1 + 100, r.time]);
    if (i !== FEATURE_GAP) points.push(['perf.feature.upstream_sample.metric2', r.metric2, r.time]);
  });
  await graphite.send(points);
  for (const [i, r] of rows.entries()) {
    // published ten minutes after the point: the importer rounds the event's time down to the series' step
    await graphite.postEvent({ what: 'Performance Test', tags: ['upstream_sample', 'main'], when: r.time + 600, data: eventData(i, 'main', r.commit) });
    await graphite.postEvent({ what: 'Performance Test', tags: ['upstream_sample', 'feature'], when: r.time + 600, data: eventData(i, 'feature', `bbb${i}`) });
  }
  await graphite.postEvent({ what: 'Deployment', tags: ['upstream_sample', 'main'], when: rows[0].time, data: 'not a dict' });
  const from = rows[0].time - 3600;
  await graphite.waitForPoints('perf.main.upstream_sample.metric1', rows.length, from);
  await graphite.waitForPoints('perf.main.upstream_sample.metric2', rows.length, from);
  await graphite.waitForPoints('perf.feature.upstream_sample.metric1', rows.length, from);
  await graphite.waitForPoints('perf.feature.upstream_sample.metric2', rows.length - 1, from);

  dir = mkdtempSync(join(tmpdir(), 'otava-graphite-'));
  const metrics = ['    metrics:', '      metric1: {suffix: metric1, direction: 1}', '      metric2: {suffix: metric2, direction: 1}'];
  writeFileSync(
    join(dir, 'otava.yaml'),
    [
      'graphite:',
      `  url: ${graphite.url}`,
      'tests:',
      '  upstream_sample:',
      '    type: graphite',
      '    prefix: perf.main.upstream_sample',
      '    tags: [upstream_sample, main]',
      ...metrics,
      '  branched:',
      '    type: graphite',
      '    prefix: perf.%{BRANCH}.upstream_sample',
      '    tags: [upstream_sample]',
      ...metrics,
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await graphite?.stop();
});

function args(output: AnalyzeArgs['output'], extra: Partial<AnalyzeArgs> = {}): AnalyzeArgs {
  return { configFile: 'otava.yaml', tests: ['upstream_sample'], output, pValue: 0.001, magnitude: 0, window: 50, since: '2023-12-01', until: 'now', postgres: {}, ...extra };
}

async function run(a: AnalyzeArgs, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await otavaAnalyze(a, { cwd: dir, env, out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const golden = (name: string) => readFileSync(join(root, `otava-cli/${name}`), 'utf8');

describe('otava graphite tests', () => {
  it.each([
    ['log', 'upstream_sample.log.txt'],
    ['regressions_only', 'upstream_sample.regressions.txt'],
    ['json', 'upstream_sample.json'],
  ] as const)('print what Otava printed for the same rows from CSV (--output %s, --attrs commit)', async (output, file) => {
    const result = await run(args(output, { attrs: ['commit'] }));
    expect(result.stderr).not.toMatch(/ERROR/);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(golden(file));
  });

  it('take run, branch, version and commit from the events by default, the branch path and events with --branch', async () => {
    const main = await run(args('log'));
    expect(main.stdout.split('\n')[0]).toMatch(/^time\s+run\s+branch\s+version\s+commit\s+metric1\s+metric2$/);
    // "1.0" is a number to tabulate, printed "1" as Otava prints it
    expect(main.stdout).toMatch(/run-main-0\s+main\s+1\s+aaa0\s+154023/);
    expect(main.stdout).toMatch(/run-main-9\s+main\s+1\.9\s+aaa9\s+148209/);
    const feature = await run(args('log', { tests: ['branched'], branch: 'feature' }));
    expect(feature.code).toBe(0);
    expect(feature.stdout).toMatch(/run-feature-0\s+feature\s+2\s+bbb0\s+154123/);
    expect(feature.stdout).not.toMatch(/aaa\d/);
    // the same branch from $BRANCH, as Otava reads it
    expect((await run(args('log', { tests: ['branched'] }), { BRANCH: 'feature' })).stdout).toBe(feature.stdout);
  });

  it('align metrics on the union of their times: a missing point is an empty cell, analysed forward-filled', async () => {
    const feature = await run(args('log', { tests: ['branched'], branch: 'feature' }));
    const row = feature.stdout.split('\n').find((l) => l.includes(`bbb${FEATURE_GAP}`))!;
    expect(row).toMatch(new RegExp(`bbb${FEATURE_GAP}\\s+${rows[FEATURE_GAP].metric1 + 100}\\s*$`));
    const json = JSON.parse((await run(args('json', { tests: ['branched'], branch: 'feature' }))).stdout) as Record<string, unknown[]>;
    const main = JSON.parse((await run(args('json'))).stdout) as Record<string, unknown[]>;
    expect(json.branched.length).toBe(main.upstream_sample.length);
  });

  it('keep the last N points with --last', async () => {
    const result = await run(args('log', { last: 4, attrs: ['commit'] }));
    expect(result.stdout.split('\n').filter((l) => /aaa\d/.test(l)).map((l) => /aaa\d/.exec(l)![0])).toEqual(['aaa6', 'aaa7', 'aaa8', 'aaa9']);
  });

  it('refuse a %{BRANCH} prefix without --branch, and say when Graphite cannot be reached', async () => {
    const noBranch = await run(args('log', { tests: ['branched'] }));
    expect(noBranch.code).toBe(1);
    expect(noBranch.stderr).toMatch(/test branched.*%\{BRANCH\}.*--branch/);
    const down = await run(args('log', { graphiteUrl: `http://127.0.0.1:${await freePort()}` }));
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^ERROR: .*test upstream_sample.*failed to fetch data from Graphite: ECONNREFUSED/m);
    expect(down.stdout).toBe('');
  });

  it('list the metrics and validate the configuration against Graphite', async () => {
    let out = '';
    let err = '';
    const io = { cwd: dir, env: {}, out: (t: string) => (out += t), err: (t: string) => (err += t) };
    expect(await otavaListMetrics('otava.yaml', 'upstream_sample', { postgres: {} }, io)).toBe(0);
    expect(out).toBe('metric1\nmetric2\n');
    // branched has %{BRANCH} in its prefix: without a branch it cannot be read, so the configuration is invalid
    expect(await otavaValidate('otava.yaml', { postgres: {} }, io)).toBe(1);
    expect(err).toMatch(/Invalid test definition: branched: .*%\{BRANCH\}/);
    expect(err).not.toMatch(/Invalid test definition: upstream_sample/);
  });
});
