/**
 * A test file's real Prometheus with the backfilled history of its runs, and those runs ingested into a
 * store as the bulk metadata + kube-burner results the report tests read.
 *
 * @example
 * const fixture = usePrometheusHistory(RUNS);        // started in beforeAll, stopped in afterAll
 * await ingestRuns(database.url, fixture.dir, RUNS.slice(0, 4), 'first.ndjson');
 * fixture.prom.url; fixture.history.expected('r1');
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { runCli } from '../support/cli.js';
import { buildHistory, bulkFile, kubeBurnerDocs, metadataDoc, type History, type HistoryRun } from './history.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';

export interface PrometheusFixture {
  history: History;
  /** Set in beforeAll. */
  prom: PrometheusServer;
  /** A scratch folder of the test file. */
  dir: string;
}

export function usePrometheusHistory(runs: readonly HistoryRun[], prefix = 'report-'): PrometheusFixture {
  const fixture = { history: buildHistory(runs), dir: '' } as PrometheusFixture;
  beforeAll(async () => {
    fixture.prom = await startPrometheus(fixture.history.om);
    fixture.dir = mkdtempSync(join(tmpdir(), prefix));
  }, 60_000);
  afterAll(async () => {
    await fixture.prom?.stop();
  });
  return fixture;
}

/** The runs' metadata and results into the store at `dbUrl` through `perfhound ingest bulk`. */
export async function ingestRuns(dbUrl: string, dir: string, runs: HistoryRun[], name: string): Promise<void> {
  writeFileSync(join(dir, name), bulkFile(runs.map((r) => ({ meta: metadataDoc(r), docs: kubeBurnerDocs(r) }))));
  const r = await runCli(['ingest', 'bulk', join(dir, name), '--db', dbUrl]);
  expect(r.code, r.stderr).toBe(0);
}
