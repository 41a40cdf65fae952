/**
 * Jira's REST API (v2) as Orion uses it (`orion/ack_providers/jira_provider.py`, `main.py`; reference
 * orion.md §1.6):
 *
 * - `--jira-ack`: acknowledgements from issues found by
 *   `project = P AND component = C [AND labels = '<version>'] [AND labels = '<test>'] [AND statusCategory …]`
 *   (`maxResults=1000`, fields `summary,description,labels,status,customfield_*`); each issue gives the run
 *   (`*UUID:* {…}` in the description, else its first uuid-like token) and the metric (a label such as
 *   `ovnCPU_avg`, else `Regression in <metric>` in the summary);
 * - `--jira-auto-create`: per regressed metric, a dedup search
 *   `project = P AND component = C AND description ~ "<uuid>" AND labels = "<metric>"`, then
 *   `POST /rest/api/2/issue` (a Bug), retried with backoff except on 400 (component), 401 and 403, then the
 *   search again to verify.
 *
 * Auth: Jira Cloud (`*.atlassian.net`, or `--jira-auth cloud`) takes basic auth `email:API token`; on-prem
 * takes the personal access token as `Authorization: Bearer`. Cloud searches go to `/rest/api/2/search/jql`
 * (Atlassian removed `/search` there), on-prem ones to `/rest/api/2/search`.
 */
import { UserError } from '../util/errors.js';
import { IntegrationError, requestJson, trimBase } from './http.js';

export const DEFAULT_JIRA_URL = 'https://issues.redhat.com';
export const JIRA_AUTH_MODES = ['auto', 'cloud', 'server'] as const;
export type JiraAuthMode = (typeof JIRA_AUTH_MODES)[number];

export interface JiraOptions {
  url: string;
  project: string;
  /** '' = no component clause and no component on created issues. */
  component: string;
  token?: string;
  email?: string;
  auth: JiraAuthMode;
  /** `--jira-status-filter`: statusCategory names, comma separated ('' = any). */
  statusFilter: string;
  /** Config `jira_uuid_field` (default `description`) and `jira_metric_field` (default `labels`). */
  uuidField: string;
  metricField: string;
  timeoutMs: number;
  /** First retry delay of issue creation; doubled at each retry (Orion: 2 s, 3 attempts). */
  retryDelayMs: number;
  attempts: number;
}

/** An acknowledgement read from an issue (the shape of an ack file entry). */
export interface JiraAck {
  uuid: string;
  metric: string;
  reason: string;
  version?: string;
  test?: string;
  key: string;
}

/** What a new issue says: labels `[version, test, metric]`, summary `Regression in <metric> (<version>)`. */
export interface JiraIssueRequest {
  uuid: string;
  metric: string;
  /** Short version (`4.20`). */
  version?: string;
  test?: string;
  description: string;
}

export type CreateOutcome = { created: string } | { exists: string } | { failed: string };

interface Issue {
  key: string;
  fields: Record<string, unknown>;
}

export interface JiraClient {
  acks(filter: { version?: string; test?: string }): Promise<JiraAck[]>;
  createIssue(request: JiraIssueRequest): Promise<CreateOutcome>;
}

/** Checks the settings before anything is analysed: Jira Cloud needs an email and an API token. */
export function jiraClient(options: JiraOptions, sleep: (ms: number) => Promise<void> = delay): JiraClient {
  const base = trimBase(options.url);
  const cloud = options.auth === 'cloud' || (options.auth === 'auto' && /atlassian\.net/i.test(base));
  const headers: Record<string, string> = {};
  if (cloud) {
    if (!options.email || !options.token) {
      throw new UserError(`Jira Cloud (${base}) needs an email and an API token: set --jira-email and --jira-token (or $JIRA_EMAIL and $JIRA_TOKEN)`, { field: '--jira-email' });
    }
    headers.authorization = `Basic ${Buffer.from(`${options.email}:${options.token}`).toString('base64')}`;
  } else if (options.token) {
    headers.authorization = `Bearer ${options.token}`;
  }
  const call = (path: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}) => requestJson(`${base}${path}`, { ...init, headers, timeoutMs: options.timeoutMs });
  const search = async (jql: string, maxResults: number, fields?: string): Promise<Issue[]> => {
    const query = new URLSearchParams({ jql, maxResults: String(maxResults), ...(fields ? { fields } : {}) });
    const { json } = await call(`${cloud ? '/rest/api/2/search/jql' : '/rest/api/2/search'}?${query}`);
    const issues = (json as { issues?: unknown } | undefined)?.issues;
    if (!Array.isArray(issues)) throw new IntegrationError('the search answer has no issues list');
    return issues.filter((i): i is Issue => typeof (i as Issue | null)?.key === 'string' && typeof (i as Issue).fields === 'object' && (i as Issue).fields !== null);
  };
  const scope = [`project = ${options.project}`, ...(options.component ? [`component = ${options.component}`] : [])];

  const findExisting = async (uuid: string, metric: string): Promise<Issue | undefined> => {
    const uuidClause = options.uuidField.startsWith('customfield_') ? `${options.uuidField} ~ "${uuid}"` : `description ~ "${uuid}"`;
    const metricClause = options.metricField.startsWith('customfield_') ? [`${options.metricField} ~ "${metric}"`] : options.metricField === 'labels' ? [`labels = "${metric}"`] : [];
    const issues = await search([...scope, uuidClause, ...metricClause].join(' AND '), 10);
    return issues.find((issue) => {
      const parsed = parseIssue(issue, options);
      return parsed?.uuid === uuid && parsed.metric === metric;
    });
  };

  return {
    async acks(filter) {
      const jql = [...scope, ...(filter.version ? [`labels = '${filter.version}'`] : []), ...(filter.test ? [`labels = '${filter.test}'`] : []), ...statusClause(options.statusFilter)].join(' AND ');
      const issues = await search(jql, 1000, 'summary,description,labels,status,customfield_*');
      return issues.map((issue) => parseIssue(issue, options, filter)).filter((a): a is JiraAck => a !== undefined);
    },
    async createIssue(request) {
      const existing = await findExisting(request.uuid, request.metric);
      if (existing) return { exists: existing.key };
      const fields: Record<string, unknown> = {
        project: { key: options.project },
        summary: `Regression in ${request.metric}${request.version ? ` (${request.version})` : ''}`,
        description: request.description,
        issuetype: { name: 'Bug' },
        labels: [request.version, request.test, request.metric].filter((l): l is string => Boolean(l)),
      };
      if (options.component) {
        // Orion adds the component only when the project has it (a missing one would fail the create).
        const { json } = await call(`/rest/api/2/project/${encodeURIComponent(options.project)}/components`);
        if (Array.isArray(json) && json.some((c) => (c as { name?: unknown } | null)?.name === options.component)) fields.components = [{ name: options.component }];
      }
      if (options.uuidField.startsWith('customfield_')) fields[options.uuidField] = request.uuid;
      if (options.metricField.startsWith('customfield_')) fields[options.metricField] = request.metric;
      let last = '';
      for (let attempt = 1; attempt <= options.attempts; attempt++) {
        try {
          const { json } = await call('/rest/api/2/issue', { method: 'POST', body: { fields } });
          const key = (json as { key?: unknown } | undefined)?.key;
          if (typeof key !== 'string') throw new IntegrationError('the create answer has no issue key');
          await findExisting(request.uuid, request.metric).catch(() => undefined);
          return { created: key };
        } catch (err) {
          const e = err as IntegrationError;
          last = `${e.message}${e.text ? `: ${e.text.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`;
          if (!retryable(e)) break;
          if (attempt < options.attempts) await sleep(options.retryDelayMs * 2 ** (attempt - 1));
        }
      }
      return { failed: last };
    },
  };
}

/** Orion retries a failed create, except on permission (401, 403) and component (400 naming it) errors. */
function retryable(err: IntegrationError): boolean {
  if (err.status === undefined) return true;
  if (err.status === 401 || err.status === 403) return false;
  return !(err.status === 400 && /component/i.test(err.text));
}

/** `--jira-status-filter Done` → `statusCategory = "Done"`; `Done,In Progress` → `statusCategory IN ("Done", "In Progress")`. */
export function statusClause(filter: string): string[] {
  const names = filter.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return [];
  if (names.length === 1) return [`statusCategory = "${names[0]}"`];
  return [`statusCategory IN (${names.map((n) => `"${n}"`).join(', ')})`];
}

const UUID_LINE = /\*?UUID:\*?\s*\{\{?([a-zA-Z0-9-]+)\}?\}?/i;
const UUID_LIKE = /[a-zA-Z0-9]+-[a-zA-Z0-9]+-[a-zA-Z0-9]+-[a-zA-Z0-9]+-[a-zA-Z0-9]+/;

/** An issue as an ack (Orion's `_parse_issue`), or undefined when it names no run or no metric. */
export function parseIssue(issue: Issue, options: Pick<JiraOptions, 'uuidField' | 'metricField'>, filter: { version?: string; test?: string } = {}): JiraAck | undefined {
  const f = issue.fields;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  let uuid: string | undefined;
  if (options.uuidField.startsWith('customfield_')) uuid = text(f[options.uuidField]) || undefined;
  else if (options.uuidField === 'description') {
    const desc = text(f.description);
    uuid = UUID_LINE.exec(desc)?.[1] ?? UUID_LIKE.exec(desc)?.[0];
  }
  if (!uuid) return undefined;
  const labels = Array.isArray(f.labels) ? f.labels.filter((l): l is string => typeof l === 'string') : [];
  let metric: string | undefined;
  if (options.metricField.startsWith('customfield_')) metric = text(f[options.metricField]) || undefined;
  else if (options.metricField === 'labels') {
    metric = labels.find((l) => !/^\d+\.\d+$/.test(l) && l !== filter.test && (l.includes('_') || /(CPU|Mem|Memory|Latency)$/.test(l)));
    metric ??= /^Regression in ([^\s(]+)/.exec(text(f.summary))?.[1];
  }
  if (!metric) return undefined;
  let version = filter.version;
  let test = filter.test;
  for (const label of labels) {
    if (label.startsWith('4.')) version = label;
    else if (label !== metric && label !== version) test = label;
  }
  return { uuid, metric, reason: text(f.summary), ...(version ? { version } : {}), ...(test ? { test } : {}), key: issue.key };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
