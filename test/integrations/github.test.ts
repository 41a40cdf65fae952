/**
 * `--github-repos` through `analyze`: at the change point, releases and commits between the previous run
 * and the changed one (Orion's requests and `github_context`, `GITHUB_TOKEN` as a bearer token), in the
 * JSON row and in the regression summary. A GitHub that fails, is down or hangs is one warning line, and
 * the reason is recorded in `github_context` as Orion does.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonValues } from '../support/json-stream.js';
import { downUrl, startRecordingServer, type RecordingServer } from '../support/recording-server.js';
import { analyzeCsv, CHANGED, warnings } from './csv-run.js';

let github: RecordingServer;

const release = (name: string, at: string) => ({ name, tag_name: name, html_url: `https://github.com/openshift/origin/releases/${name}`, published_at: at, created_at: at, target_commitish: 'main', body: 'notes' });
const commit = (sha: string, at: string, message: string) => ({ sha, html_url: `https://github.com/openshift/origin/commit/${sha}`, commit: { author: { name: 'Dev', email: 'dev@example.com', date: at }, message } });

beforeAll(async () => {
  github = await startRecordingServer((req) => {
    if (req.path === '/repos/openshift/origin/releases') {
      // Newest first: one after the changed run (skipped), one between the runs, one before (stops paging).
      return { json: [release('v2', '2026-02-07T00:00:00Z'), release('v1.1', '2026-02-05T20:00:00Z'), release('v1', '2026-02-04T00:00:00Z')] };
    }
    if (req.path === '/repos/openshift/origin/commits') return { json: [commit('abc', '2026-02-06T09:00:00Z', 'Fix the scheduler\n\nlong text'), commit('old', CHANGED.before, 'at the previous run')] };
    return { status: 404, json: { message: 'Not Found' } };
  });
});
afterAll(() => github.close());
afterEach(() => {
  delete process.env.GITHUB_TOKEN;
  github.mode = 'ok';
});

type Row = { uuid: string; is_changepoint: boolean; github_context?: unknown };

describe('analyze --github-repos', () => {
  it("asks releases and commits between the two runs with the token, and adds Orion's github_context", async () => {
    github.requests.length = 0;
    process.env.GITHUB_TOKEN = 'ghp_test';
    const r = await analyzeCsv(['-o', 'json', '--github-repos', 'openshift/origin,openshift/missing', '--github-url', github.url]);
    expect(r.code).toBe(2);
    expect(github.requests.map((q) => `${q.path}?${q.rawQuery}`)).toEqual([
      '/repos/openshift/origin/releases?per_page=100&page=1',
      '/repos/openshift/origin/commits?per_page=100&page=1&since=2026-02-05T10%3A00%3A00Z&until=2026-02-06T10%3A00%3A00Z',
      '/repos/openshift/missing/releases?per_page=100&page=1',
      '/repos/openshift/missing/commits?per_page=100&page=1&since=2026-02-05T10%3A00%3A00Z&until=2026-02-06T10%3A00%3A00Z',
    ]);
    for (const q of github.requests) {
      expect(q.headers.authorization).toBe('Bearer ghp_test');
      expect(q.headers.accept).toBe('application/vnd.github+json');
    }
    expect(warnings(r.stderr)).toEqual([expect.stringMatching(/^warning: GitHub \(.*\) failed: \/repos\/openshift\/missing\/releases\?per_page=100&page=1: not found \(404\); github_context records it$/)]);
    const rows = jsonValues<Row[]>(r.stdout)[0];
    expect(rows.filter((row) => row.github_context).map((row) => row.uuid)).toEqual([CHANGED.uuid]);
    const window = { start: CHANGED.before, end: CHANGED.at };
    expect(rows[5].github_context).toEqual({
      previous_timestamp: CHANGED.before,
      current_timestamp: CHANGED.at,
      previous_version: CHANGED.previous,
      current_version: CHANGED.version,
      repositories: {
        'openshift/origin': {
          releases: { ...window, count: 1, items: [{ name: 'v1.1', html_url: 'https://github.com/openshift/origin/releases/v1.1', published_at: '2026-02-05T20:00:00Z', created_at: '2026-02-05T20:00:00Z', target_commitish: 'main' }] },
          commits: {
            ...window,
            count: 1,
            items: [{ html_url: 'https://github.com/openshift/origin/commit/abc', commit_author: { name: 'Dev', email: 'dev@example.com' }, commit_timestamp: '2026-02-06T09:00:00Z', message: 'Fix the scheduler\n\nlong text' }],
          },
        },
        'openshift/missing': {
          releases: { ...window, count: 0, items: [], reason: 'not found (404)' },
          commits: { ...window, count: 0, items: [], reason: 'not found (404)' },
        },
      },
    });
  });

  it('the text summary lists the commits and releases per repository, without a token no Authorization', async () => {
    github.requests.length = 0;
    const r = await analyzeCsv(['--github-repos', 'openshift/origin', '--github-url', github.url]);
    expect(r.code).toBe(2);
    expect(github.requests.every((q) => q.headers.authorization === undefined)).toBe(true);
    expect(r.stdout).toContain('\nRepository: openshift/origin\nCommits:\n');
    expect(r.stdout).toMatch(/\| 2026-02-06T09:00:00Z \| Fix the scheduler \| dev@example\.com \| https:\/\/github\.com\/openshift\/origin\/commit\/abc \|/);
    expect(r.stdout).toMatch(/Releases:\n[\s\S]*\| 2026-02-05T20:00:00Z \| v1\.1 +\| +\| https:\/\/github\.com\/openshift\/origin\/releases\/v1\.1 \|/);
  });

  for (const failure of ['500', 'down', 'hang'] as const) {
    it(`a GitHub that ${failure === 'down' ? 'is down' : failure === 'hang' ? 'hangs' : 'answers 500'}: one warning line, the reason in github_context, exit 2`, async () => {
      github.mode = failure === 'down' ? 'ok' : failure;
      const url = failure === 'down' ? await downUrl() : github.url;
      const r = await analyzeCsv(['-o', 'json', '--github-repos', 'openshift/origin', '--github-url', url, '--http-timeout', '1']);
      expect(r.code).toBe(2);
      expect(warnings(r.stderr)).toHaveLength(1);
      const reason = { '500': 'unexpected status 500', down: 'request failed: ECONNREFUSED', hang: 'request failed: no answer within 1 s' }[failure];
      expect(warnings(r.stderr)[0]).toContain(reason);
      const context = jsonValues<Row[]>(r.stdout)[0][5].github_context as { repositories: Record<string, { commits: { reason: string } }> };
      expect(context.repositories['openshift/origin'].commits.reason).toBe(reason);
    }, 20_000);
  }
});
