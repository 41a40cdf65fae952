/** The daemon's experiment routes over a store holding an experiment and its attempts (every dialect, inject()). */
import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { saveAttempt, saveExperiment } from '../../src/store/experiments.js';
import { useDaemon } from '../server/support.js';

describe.each(DIALECTS)('experiments API on %s', (dialect) => {
  const d = useDaemon(dialect, { readPublic: true });

  beforeAll(async () => {
    const id = await saveExperiment(d.store.db, { name: 'PCG #1', config: '{}', status: 'running', plannedTests: 3 });
    const row = { pings: 1, sshChecks: 1, combination: '{"duration_secs":30,"pub_count":1}', runUuid: null };
    await saveAttempt(d.store.db, id, { ...row, testName: '30SEC_1PUB_1SUB', attempt: 1, startMs: 1000, endMs: 2000, endStatus: 'timeout', comments: 'no end within 90 s on p2' });
    await saveAttempt(d.store.db, id, { ...row, testName: '30SEC_1PUB_1SUB', attempt: 2, startMs: 3000, endMs: 4000, endStatus: 'success', comments: '', runUuid: 'experiment:PCG #1:30SEC_1PUB_1SUB' });
    await saveAttempt(d.store.db, id, { ...row, testName: '30SEC_1PUB_2SUB', attempt: 1, startMs: 5000, endMs: null, endStatus: null, comments: '' });
  });

  it('GET /api/v1/experiments lists each experiment with its counts', async () => {
    const res = await d.app.inject({ method: 'GET', url: '/api/v1/experiments' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ experiments: [expect.objectContaining({
      name: 'PCG #1', status: 'running', plannedTests: 3, testsDone: 1, testsPassed: 1, testsFailed: 0, remaining: 2, attempts: 3, currentTest: '30SEC_1PUB_2SUB',
      lastFailures: [{ testName: '30SEC_1PUB_1SUB', attempt: 1, endStatus: 'timeout', endMs: 2000, comments: 'no end within 90 s on p2' }],
    })] });
  });

  it('GET /api/v1/experiments/{name} gives its attempts; an unknown name is a 404', async () => {
    const res = await d.app.inject({ method: 'GET', url: `/api/v1/experiments/${encodeURIComponent('PCG #1')}` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { attempts: Array<Record<string, unknown>> };
    expect(body.attempts.map((a) => [a.testName, a.attempt, a.endStatus])).toEqual([['30SEC_1PUB_1SUB', 1, 'timeout'], ['30SEC_1PUB_1SUB', 2, 'success'], ['30SEC_1PUB_2SUB', 1, null]]);
    expect(body.attempts[1]).toMatchObject({ combination: { duration_secs: 30, pub_count: 1 }, runUuid: 'experiment:PCG #1:30SEC_1PUB_1SUB' });
    const missing = await d.app.inject({ method: 'GET', url: '/api/v1/experiments/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'field name: no experiment named "nope"' });
  });
});
