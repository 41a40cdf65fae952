/**
 * The daemon's analyses keep detection's state of each series (issue 17): after an ingest of new runs at
 * the end of a test's series, the report computed again appends them to the kept series instead of
 * analysing every series in full (`perfhound_detection_series_total{path}` in /metrics tells which) —
 * and answers byte for byte what a daemon that keeps nothing answers on the same data. A run inserted in
 * the past starts the series afresh, with the same agreement. Every route and option set in play at once
 * (concurrent requests of different options) still agrees.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertFiles, runsFile } from '../alerts/data.js';
import { DIALECTS } from '../support/databases.js';
import { body, useDaemon, type Daemon } from './support.js';

const files = alertFiles();
const CONFIG_DIR = dirname(files.config);
const CONFIG = basename(files.config, '.yaml');
const CONFIG_TEXT = readFileSync(files.config, 'utf8');
const STEPS = { cpuStepAt: 30, memStepAt: 64 };

/** The JSON ingest body of runs `from`…`to - 1` (cpu steps up at run 30, mem at run 64). */
function runs(from: number, to: number): string {
  return readFileSync(runsFile(files.dir, `runs-${from}-${to}.json`, from, to, STEPS), 'utf8');
}

/** One run of t1 `hour` hours after the data's start (between two existing runs when not whole). */
function runAt(uuid: string, hour: number, cpu: number, mem: number): string {
  return JSON.stringify([{ uuid, timestamp: new Date(Date.UTC(2026, 0, 1) + hour * 3_600_000).toISOString(), metadata: { platform: 'AWS', ocpVersion: `4.20.${uuid}` }, metrics: { cpu, mem } }]);
}

async function ingest(d: Daemon, payload: string): Promise<void> {
  const res = await d.app.inject({ method: 'POST', url: '/api/v1/ingest/json', headers: d.auth('ingest'), payload });
  expect(res.statusCode, res.body).toBe(200);
}

/** The daemon's detection counters, from /metrics. */
async function seriesPaths(d: Daemon): Promise<{ appended: number; full: number }> {
  const text = (await d.app.inject({ method: 'GET', url: '/metrics' })).body;
  const count = (path: string) => Number(new RegExp(`^perfhound_detection_series_total\\{path="${path}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { appended: count('appended'), full: count('full') };
}

/** The answers the test compares: the cpu and mem series of a config of --config-dir, and an analysis of the config's text. */
function requests(d: Daemon, query = ''): Promise<string>[] {
  const get = (metric: string) => d.app.inject({ method: 'GET', url: `/api/v1/series?config=${CONFIG}&test=t1&metric=${metric}${query}`, headers: d.auth('ingest') });
  const analyze = d.app.inject({ method: 'POST', url: '/api/v1/analyze', headers: d.auth('ingest'), payload: { config: CONFIG_TEXT, options: {} } });
  return [get('cpu_cpu'), get('mem_mem'), analyze].map(async (pending) => {
    const res = await pending;
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  });
}

const answers = async (d: Daemon, query = ''): Promise<string[]> => Promise.all(requests(d, query));

for (const dialect of DIALECTS) {
  describe(`incremental analyses in the daemon (${dialect})`, () => {
    const d = useDaemon(dialect, { configDir: CONFIG_DIR });
    // Keeps nothing: every series it analyses is dropped at once, so each analysis is a full one.
    const full = useDaemon(dialect, { configDir: CONFIG_DIR, cacheSizes: { configs: 16, reports: 16, bodies: 16, seriesBytes: 1 } });
    const both = async (payload: string) => {
      await ingest(d, payload);
      await ingest(full, payload);
    };

    it('appends a run ingested at the end of the series, answering what a daemon keeping nothing answers', async () => {
      await both(runs(0, 60));
      const first = await answers(d);
      expect(await seriesPaths(d)).toEqual({ appended: 0, full: 4 }); // cpu and mem, from the config file and the config text
      expect(first).toEqual(await answers(full));

      await both(runs(60, 61));
      const second = await answers(d);
      expect(await seriesPaths(d)).toEqual({ appended: 4, full: 4 });
      expect(second).toEqual(await answers(full));
      expect(second).not.toEqual(first);
      const cpu = body<{ points: { uuid: string }[]; changePoints: { uuid: string }[] }>({ body: second[0] });
      expect(cpu.points.at(-1)?.uuid).toBe('run-060');
      // The comparison had something to agree on: the cpu step.
      expect(cpu.changePoints.map((cp) => cp.uuid)).toEqual(['run-030']);
      expect((await seriesPaths(full)).appended).toBe(0);
    });

    it('appends a batch that brings a change point of its own', async () => {
      await both(runs(61, 75));
      const answer = await answers(d);
      expect(await seriesPaths(d)).toEqual({ appended: 8, full: 4 });
      expect(answer).toEqual(await answers(full));
      const mem = body<{ changePoints: { uuid: string }[] }>({ body: answer[1] });
      expect(mem.changePoints.map((cp) => cp.uuid)).toEqual(['run-064']);
    });

    it('keeps concurrent analyses of different options apart, each answering what a full analysis answers', async () => {
      await both(runs(75, 76));
      const mixed = await Promise.all([...requests(d), ...requests(d, '&lookback-size=40'), ...requests(d, '&since=2026-01-02')]);
      const expected = [...(await answers(full)), ...(await answers(full, '&lookback-size=40')), ...(await answers(full, '&since=2026-01-02'))];
      expect(mixed).toEqual(expected);
      expect((await seriesPaths(d)).appended).toBe(12); // the options of the earlier requests: appended to
      expect((await seriesPaths(full)).appended).toBe(0);
    });

    it('analyses in full when a run is inserted in the past, with the same answers', async () => {
      const before = await seriesPaths(d);
      await both(runAt('run-past', 20.5, 10, 100));
      const answer = await answers(d);
      const after = await seriesPaths(d);
      expect(after.appended).toBe(before.appended);
      expect(after.full).toBe(before.full + 4);
      expect(answer).toEqual(await answers(full));
      expect(body<{ points: { uuid: string }[] }>({ body: answer[0] }).points.map((p) => p.uuid)).toContain('run-past');
    });
  });
}
