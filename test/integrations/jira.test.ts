/**
 * `--jira-ack` and `--jira-auto-create` through `analyze`, against a recording Jira: the JQL Orion sends
 * (acks, then the dedup search before creating), the created issue's fields, on-prem bearer PAT and Cloud
 * basic email:token auth, retries with backoff (none on 403), and a Jira that fails, is down or hangs: one
 * warning line, the analysis and its exit code unchanged.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downUrl, startRecordingServer, type RecordedRequest, type RecordingServer } from '../support/recording-server.js';
import { analyzeCsv, CHANGED, warnings } from './csv-run.js';

let jira: RecordingServer;
let ackIssues: unknown[] = [];
let existing: unknown[] = [];
let createFailures: number[] = [];

beforeAll(async () => {
  jira = await startRecordingServer((req) => {
    if (req.path === '/rest/api/2/search' || req.path === '/rest/api/2/search/jql') {
      const jql = req.query.get('jql') ?? '';
      return { json: { startAt: 0, maxResults: 10, total: 0, issues: jql.includes('description ~') ? existing : ackIssues } };
    }
    if (req.path === '/rest/api/2/project/PERFSCALE/components') return { json: [{ id: '1', name: 'CPT_ISSUES' }, { id: '2', name: 'Other' }] };
    if (req.method === 'POST' && req.path === '/rest/api/2/issue') {
      const status = createFailures.shift();
      if (status) return { status, json: { errorMessages: ['nope'], errors: {} } };
      return { status: 201, json: { id: '10001', key: 'PERFSCALE-7', self: `${jira.url}/rest/api/2/issue/10001` } };
    }
    return { status: 404, json: {} };
  });
});
afterAll(() => jira.close());
beforeEach(() => {
  jira.requests.length = 0;
  jira.mode = 'ok';
  ackIssues = [];
  existing = [];
  createFailures = [];
});

const call = (q: RecordedRequest) => `${q.method} ${q.path}${q.rawQuery ? `?${q.query.toString()}` : ''}`;
const search = (jql: string, maxResults: number, fields?: string, path = '/rest/api/2/search') =>
  `GET ${path}?${new URLSearchParams({ jql, maxResults: String(maxResults), ...(fields ? { fields } : {}) }).toString()}`;
const ACK_FIELDS = 'summary,description,labels,status,customfield_*';
const DEDUP = `project = PERFSCALE AND component = CPT_ISSUES AND description ~ "${CHANGED.uuid}" AND labels = "cpu_cpu"`;

describe('analyze with Jira', () => {
  it('--jira-ack: the ack JQL with the status filter, a bearer PAT; an acknowledged change point is no regression', async () => {
    ackIssues = [{ key: 'PERFSCALE-3', fields: { summary: 'Regression in cpu_cpu (4.20)', description: `h2. x\n*UUID:* {${CHANGED.uuid}}\n`, labels: ['4.20', 'cpu_cpu'] } }];
    const r = await analyzeCsv(['--jira-ack', '--jira-url', jira.url, '--jira-token', 'pat-123', '--jira-status-filter', 'Done,In Progress']);
    expect(jira.requests.map(call)).toEqual([search('project = PERFSCALE AND component = CPT_ISSUES AND statusCategory IN ("Done", "In Progress")', 1000, ACK_FIELDS)]);
    expect(jira.requests[0].headers.authorization).toBe('Bearer pat-123');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No regressions found');
  });

  it('--jira-auto-create: dedup search, components, the Bug, the verifying search', async () => {
    const r = await analyzeCsv(['--jira-auto-create', '--jira-url', jira.url, '--jira-token', 'pat-123']);
    expect(r.code).toBe(2);
    expect(jira.requests.map(call)).toEqual([search(DEDUP, 10), 'GET /rest/api/2/project/PERFSCALE/components', 'POST /rest/api/2/issue', search(DEDUP, 10)]);
    const { fields } = jira.requests[2].body as { fields: Record<string, unknown> };
    expect({ ...fields, description: undefined }).toEqual({
      project: { key: 'PERFSCALE' },
      summary: 'Regression in cpu_cpu (4.20)',
      description: undefined,
      issuetype: { name: 'Bug' },
      labels: ['4.20', 'csv-test', 'cpu_cpu'],
      components: [{ name: 'CPT_ISSUES' }],
    });
    expect(fields.description).toBe(
      [
        'h2. Performance Regression Detected by Orion',
        '',
        'h3. Changepoint Details',
        '*Test:* csv-test',
        `*UUID:* {${CHANGED.uuid}}`,
        `*Version Change:* ${CHANGED.previous} → ${CHANGED.version}`,
        '*Timestamp:* 2026-02-06T10:00:00',
        '*Build URL:* [View Build|https://prow.ci/job/5]',
        '*Build ID:* 5',
        '',
        'h3. Primary Regression',
        '*Metric:* cpu_cpu',
        '*Change:* +100.00%',
        '',
        '----',
        '_This issue was automatically created by Orion regression detection._',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toContain(`jira: created PERFSCALE-7 for cpu_cpu at ${CHANGED.uuid}\n`);
    expect(warnings(r.stderr)).toEqual([]);
  });

  it('an issue already tracking the regression is not created again', async () => {
    existing = [{ key: 'PERFSCALE-5', fields: { summary: 'Regression in cpu_cpu (4.20)', description: `*UUID:* {${CHANGED.uuid}}`, labels: ['4.20', 'csv-test', 'cpu_cpu'] } }];
    const r = await analyzeCsv(['--jira-auto-create', '--jira-url', jira.url, '--jira-component', '']);
    expect(jira.requests.map(call)).toEqual([search(`project = PERFSCALE AND description ~ "${CHANGED.uuid}" AND labels = "cpu_cpu"`, 10)]);
    expect(jira.requests[0].headers.authorization).toBeUndefined();
    expect(r.stderr).toContain(`jira: PERFSCALE-5 already tracks cpu_cpu at ${CHANGED.uuid}`);
    expect(r.code).toBe(2);
  });

  it('Jira Cloud: basic auth email:API token and the /search/jql endpoint; without an email an error before analysing', async () => {
    const r = await analyzeCsv(['--jira-auto-create', '--jira-url', jira.url, '--jira-auth', 'cloud', '--jira-email', 'me@example.com', '--jira-token', 'api-tok']);
    expect(r.code).toBe(2);
    expect(jira.requests.map(call)[0]).toBe(search(DEDUP, 10, undefined, '/rest/api/2/search/jql'));
    for (const q of jira.requests) expect(q.headers.authorization).toBe(`Basic ${Buffer.from('me@example.com:api-tok').toString('base64')}`);
    jira.requests.length = 0;
    const missing = await analyzeCsv(['--jira-auto-create', '--jira-url', 'https://example.atlassian.net', '--jira-token', 'api-tok']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--jira-email.*Jira Cloud \(https:\/\/example\.atlassian\.net\) needs an email and an API token/);
    expect(missing.stdout).toBe('');
  });

  it('a failed create is retried with backoff (500, 502, then created); a 403 is not retried and is one warning', async () => {
    createFailures = [500, 502];
    const r = await analyzeCsv(['--jira-auto-create', '--jira-url', jira.url, '--jira-retry-delay', '1']);
    expect(jira.requests.filter((q) => q.method === 'POST')).toHaveLength(3);
    expect(r.stderr).toContain('jira: created PERFSCALE-7');
    jira.requests.length = 0;
    createFailures = [403, 403, 403];
    const denied = await analyzeCsv(['--jira-auto-create', '--jira-url', jira.url, '--jira-retry-delay', '1']);
    expect(jira.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
    expect(warnings(denied.stderr)).toEqual([`warning: --jira-auto-create: no issue for cpu_cpu at ${CHANGED.uuid} (HTTP 403: {"errorMessages":["nope"],"errors":{}}); the analysis is unaffected`]);
    expect(denied.code).toBe(2);
  });

  for (const failure of ['500', 'down', 'hang'] as const) {
    it(`a Jira that ${failure === 'down' ? 'is down' : failure === 'hang' ? 'hangs' : 'answers 500'}: one warning line per feature, the regression still reported (exit 2)`, async () => {
      jira.mode = failure === 'down' ? 'ok' : failure;
      const url = failure === 'down' ? await downUrl() : jira.url;
      const r = await analyzeCsv(['--jira-ack', '--jira-auto-create', '--jira-url', url, '--http-timeout', '1', '--jira-retry-delay', '1']);
      expect(r.code).toBe(2);
      const why = '(HTTP 500|ECONNREFUSED|no answer within 1 s)';
      expect(warnings(r.stderr)).toEqual([
        expect.stringMatching(new RegExp(`^warning: --jira-ack: Jira failed \\(${why}\\); no acknowledgement read from it$`)),
        expect.stringMatching(new RegExp(`^warning: --jira-auto-create: no issue for cpu_cpu at ${CHANGED.uuid} \\(${why}.*\\); the analysis is unaffected$`)),
      ]);
      expect(r.stdout).toContain('Regression(s) found :');
    }, 20_000);
  }
});
