/**
 * What the integrations add to an analysed test (reference orion.md §1.4, §1.6, §1.7), in Orion's order:
 *
 * 1. Sippy pull requests of each run's payload → the rows' `prs` (`--sippy-prs`);
 * 2. per regression, the changed run's pull requests, replaced with `--sippy-pr-search` by the payload diff
 *    previous → changed version when Sippy knows one;
 * 3. `--github-repos`: releases and commits between the previous run and each change point row;
 * 4. `--jira-auto-create`: one Jira Bug per regressed metric (deduplicated by Jira itself).
 *
 * Every client turns its failures into warnings; the test comes back analysed whatever they answer.
 */
import type { AckEntry, AnalysisConfig, AnalysisTest } from '../config/index.js';
import type { GitHubClient } from '../integrations/github.js';
import { isoSeconds } from '../integrations/github.js';
import type { JiraClient } from '../integrations/jira.js';
import { jiraDescription, type JiraRegression } from '../integrations/jira-description.js';
import type { SippyClient } from '../integrations/sippy.js';
import type { RegressionGroup, ReportRow, TestReport } from './types.js';

export interface Integrations {
  sippy?: SippyClient;
  /** Fill each row's `prs` from Sippy (Orion always does). */
  sippyPrs: boolean;
  /** At each regression, the payload diff previous → changed version (`--sippy-pr-search`). */
  sippyPrSearch: boolean;
  github?: GitHubClient;
  /** `--jira-auto-create`. */
  jiraCreate?: JiraClient;
  warn: (message: string) => void;
  /** Progress lines that are not warnings (issues created). */
  notice: (message: string) => void;
}

export function needsEnrichment(integrations: Integrations): boolean {
  return integrations.sippyPrs || integrations.sippyPrSearch || integrations.github !== undefined || integrations.jiraCreate !== undefined;
}

/** The test with what the integrations know added; `config` gives the test's metadata (Jira's test label). */
export async function enrichTest(report: TestReport, integrations: Integrations, config: AnalysisConfig): Promise<TestReport> {
  if (!needsEnrichment(integrations)) return report;
  let rows = report.rows;
  if (integrations.sippyPrs && integrations.sippy) rows = await withPayloadPrs(rows, integrations.sippy);
  const githubAt = new Map<number, ReportRow['githubContext']>();
  if (integrations.github) {
    for (const index of new Set(report.changePoints.map((cp) => cp.index))) {
      const previous = rows[index - 1];
      const context = await integrations.github.changeContext(
        { timestampMs: previous?.timestampMs, version: previous?.version },
        { timestampMs: rows[index].timestampMs, version: rows[index].version },
      );
      if (context) githubAt.set(index, context);
    }
    rows = rows.map((row, i) => (githubAt.has(i) ? { ...row, githubContext: githubAt.get(i) } : row));
  }
  const regressions: RegressionGroup[] = [];
  for (const group of report.regressions) {
    let prs = rows[group.index]?.prs ?? [];
    if (integrations.sippyPrSearch && integrations.sippy && group.previousVersion && group.badVersion) {
      const diff = await integrations.sippy.payloadDiff(group.previousVersion, group.badVersion);
      if (diff.length) prs = diff;
    }
    regressions.push({ ...group, prs, ...(githubAt.has(group.index) ? { githubContext: githubAt.get(group.index) } : {}) });
  }
  const enriched = { ...report, rows, regressions };
  if (integrations.jiraCreate) await createIssues(enriched, integrations, config.tests.find((t) => t.name === report.name));
  return enriched;
}

async function withPayloadPrs(rows: ReportRow[], sippy: SippyClient): Promise<ReportRow[]> {
  const versions = [...new Set(rows.map((r) => r.version).filter((v): v is string => Boolean(v)))];
  const byVersion = new Map<string, string[]>();
  for (const version of versions) byVersion.set(version, await sippy.pullRequests(version));
  return rows.map((row) => ({ ...row, prs: row.version ? (byVersion.get(row.version) ?? []) : [] }));
}

/** Orion's `auto_create_jira_issues`: per regression, per metric, an issue labelled [version, test, metric]. */
async function createIssues(report: TestReport, integrations: Integrations, test: AnalysisTest | undefined): Promise<void> {
  const jira = integrations.jiraCreate as JiraClient;
  const benchmark = test?.metadata['benchmark.keyword'];
  const label = typeof benchmark === 'string' && benchmark ? benchmark : report.name;
  for (const group of report.regressions) {
    const regression: JiraRegression = {
      testName: report.name,
      uuid: group.uuid,
      previousVersion: group.previousVersion,
      badVersion: group.badVersion,
      timestamp: isoSeconds(group.timestampMs).replace('Z', ''),
      buildUrl: group.buildUrl,
      metrics: group.metrics,
      prs: group.prs ?? [],
      githubContext: group.githubContext,
    };
    for (const metric of group.metrics) {
      const outcome = await jira
        .createIssue({
          uuid: group.uuid,
          metric: metric.name,
          version: group.badVersion ? group.badVersion.slice(0, 4).replace(/\.+$/, '') : undefined,
          test: label,
          description: jiraDescription(regression, metric.name, metric.percentageChange),
        })
        .catch((err: Error) => ({ failed: err.message }));
      if ('created' in outcome) integrations.notice(`jira: created ${outcome.created} for ${metric.name} at ${group.uuid}`);
      else if ('exists' in outcome) integrations.notice(`jira: ${outcome.exists} already tracks ${metric.name} at ${group.uuid}`);
      else integrations.warn(`--jira-auto-create: no issue for ${metric.name} at ${group.uuid} (${outcome.failed}); the analysis is unaffected`);
    }
  }
}

/**
 * `--jira-ack`: the acknowledgements Jira holds for the config (filtered by its first test's version and
 * `benchmark.keyword` labels, as Orion does). A failing Jira is one warning and no Jira acks.
 */
export async function jiraAcks(config: AnalysisConfig, jira: JiraClient, warn: (m: string) => void): Promise<AckEntry[]> {
  const first = config.tests[0];
  const version = first?.metadata[first.versionField];
  const benchmark = first?.metadata['benchmark.keyword'];
  try {
    const acks = await jira.acks({ version: typeof version === 'string' && version ? version : undefined, test: typeof benchmark === 'string' && benchmark ? benchmark : undefined });
    return acks.map((a) => ({ uuid: a.uuid, metric: a.metric, reason: a.reason, version: a.version, test: a.test, place: { field: '--jira-ack', test: a.key } }));
  } catch (err) {
    warn(`--jira-ack: Jira failed (${(err as Error).message}); no acknowledgement read from it`);
    return [];
  }
}
