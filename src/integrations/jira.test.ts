import { describe, expect, it } from 'vitest';
import { parseIssue, statusClause } from './jira.js';

const fields = { uuidField: 'description', metricField: 'labels' };

describe('Jira issues as acks (Orion _parse_issue)', () => {
  it('reads the run from the *UUID:* line, the metric from a metric-like label, version and test from the others', () => {
    const issue = { key: 'P-1', fields: { summary: 'Regression in x (4.20)', description: 'see 11111111-2222-3333-4444-555555555555\n*UUID:* {d4e5f6a7-b8c9}', labels: ['4.20', 'olm', 'ovnCPU_avg'] } };
    expect(parseIssue(issue, fields)).toEqual({ uuid: 'd4e5f6a7-b8c9', metric: 'ovnCPU_avg', reason: 'Regression in x (4.20)', version: '4.20', test: 'olm', key: 'P-1' });
  });

  it('falls back to the first uuid-like token and to the summary; no run or no metric is no ack', () => {
    const issue = { key: 'P-2', fields: { summary: 'Regression in podReadyLatency_P99 (4.19)', description: 'run aa-bb-cc-dd-ee regressed', labels: ['4.19'] } };
    expect(parseIssue(issue, fields)).toMatchObject({ uuid: 'aa-bb-cc-dd-ee', metric: 'podReadyLatency_P99', version: '4.19' });
    expect(parseIssue({ key: 'P-3', fields: { summary: 's', description: 'nothing', labels: ['cpu_avg'] } }, fields)).toBeUndefined();
    expect(parseIssue({ key: 'P-4', fields: { summary: 'other', description: '*UUID:* {u-1}', labels: ['4.20'] } }, fields)).toBeUndefined();
  });

  it('reads custom fields when configured', () => {
    const issue = { key: 'P-5', fields: { customfield_1: 'run-9', customfield_2: 'etcd_avg', summary: 's', labels: [] } };
    expect(parseIssue(issue, { uuidField: 'customfield_1', metricField: 'customfield_2' })).toMatchObject({ uuid: 'run-9', metric: 'etcd_avg' });
  });
});

describe('--jira-status-filter', () => {
  it('one category is =, several are IN, none is no clause', () => {
    expect(statusClause('Done')).toEqual(['statusCategory = "Done"']);
    expect(statusClause(' Done , In Progress ')).toEqual(['statusCategory IN ("Done", "In Progress")']);
    expect(statusClause('')).toEqual([]);
  });
});
