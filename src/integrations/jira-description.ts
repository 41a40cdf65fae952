/**
 * The description of an auto-created Jira issue, in Jira wiki markup, as Orion writes it
 * (`main.py:format_jira_description`): the change point (test, `*UUID:* {…}` — the line `--jira-ack`
 * reads back —, versions, time, build), the metric of this issue, every affected metric, the payload's
 * pull requests and the GitHub context.
 */
import { pythonFloatStr, pythonStr } from '../util/python-str.js';
import type { GitHubContext } from './github.js';

/** One change point of one test, as Orion's `regression_data` entry holds it. */
export interface JiraRegression {
  testName: string;
  uuid: string;
  previousVersion?: string;
  badVersion?: string;
  /** ISO time of the changed run. */
  timestamp?: string;
  buildUrl?: string;
  metrics: { name: string; value: number | null; percentageChange: number; labels: string[] }[];
  prs: string[];
  githubContext?: GitHubContext;
}

/** Python's `f"{x:+.2f}"`. */
function signed2(x: number): string {
  return `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(2)}`;
}

export function jiraDescription(regression: JiraRegression, metric: string, percentageChange: number, env: NodeJS.ProcessEnv = process.env): string {
  let desc = 'h2. Performance Regression Detected by Orion\n\n';
  desc += 'h3. Changepoint Details\n';
  desc += `*Test:* ${regression.testName}\n`;
  desc += `*UUID:* {${regression.uuid}}\n`;
  desc += `*Version Change:* ${regression.previousVersion ?? 'None'} → ${regression.badVersion ?? 'None'}\n`;
  if (regression.timestamp) desc += `*Timestamp:* ${regression.timestamp}\n`;
  if (regression.buildUrl) {
    desc += `*Build URL:* [View Build|${regression.buildUrl}]\n`;
    desc += `*Build ID:* ${regression.buildUrl.replace(/\/+$/, '').split('/').pop()}\n`;
  }
  desc += '\nh3. Primary Regression\n';
  desc += `*Metric:* ${metric}\n*Change:* ${signed2(percentageChange)}%\n\n`;
  if (regression.metrics.length > 1) {
    desc += 'h3. All Affected Metrics\n|| Metric || Change || Value ||\n';
    for (const m of regression.metrics) {
      const labels = m.labels.length ? ` (${m.labels.join(', ')})` : '';
      desc += `| ${m.name}${labels} | ${signed2(m.percentageChange)}% | ${m.value === null ? 'N/A' : Number.isInteger(m.value) ? pythonFloatStr(m.value) : pythonStr(m.value)} |\n`;
    }
    desc += '\n';
  }
  if (regression.prs.length) {
    desc += `h3. Related Pull Requests\nPRs introduced between ${regression.previousVersion ?? ''} and ${regression.badVersion ?? ''}:\n\n`;
    for (const pr of regression.prs) desc += `* ${pr}\n`;
    desc += '\n';
  }
  desc += githubSection(regression.githubContext);
  if (env.PROW_JOB_ID && env.JOB_NAME && env.BUILD_ID) {
    desc += `Created by job: [${env.JOB_NAME}|https://prow.ci.openshift.org/view/gs/origin-ci-test/logs/${env.JOB_NAME}/${env.BUILD_ID}]\n\n`;
  }
  return desc + '----\n_This issue was automatically created by Orion regression detection._\n';
}

function githubSection(context: GitHubContext | undefined): string {
  const repos = Object.entries(context?.repositories ?? {});
  if (repos.length === 0) return '';
  let section = 'h3. GitHub Context\n';
  for (const [name, data] of repos) {
    if (data.commits.count > 0) {
      section += `h4. ${name} - Commits (${data.commits.count})\n`;
      for (const c of data.commits.items.slice(0, 10)) {
        const msg = String(c.message ?? '').split('\n')[0].slice(0, 80);
        const author = String(c.commit_author.email ?? '');
        section += c.html_url ? `* [${msg}|${String(c.html_url)}] - ${author} - ${String(c.commit_timestamp ?? '')}\n` : `* ${msg} - ${author} - ${String(c.commit_timestamp ?? '')}\n`;
      }
      if (data.commits.count > 10) section += `* _... and ${data.commits.count - 10} more commits_\n`;
      section += '\n';
    }
    if (data.releases.count > 0) {
      section += `h4. ${name} - Releases (${data.releases.count})\n`;
      for (const r of data.releases.items.slice(0, 5)) {
        section += r.html_url ? `* [${String(r.name ?? '')}|${String(r.html_url)}] - ${String(r.published_at ?? '')}\n` : `* ${String(r.name ?? '')} - ${String(r.published_at ?? '')}\n`;
      }
      section += '\n';
    }
  }
  return section;
}
