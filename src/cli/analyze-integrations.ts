/**
 * `perfhound analyze`'s integrations with Sippy, GitHub and Jira, and Orion's PR mode: their flags, the
 * clients they configure, and the PR mode's outputs. `analyze.ts` declares them with
 * {@link addIntegrationOptions} and calls {@link prepareIntegrations} once; every network failure is a
 * warning (docs/orion-differences.md), only bad flags are errors (before anything is analysed).
 */
import { writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { enrichTest, jiraAcks, type Integrations } from '../analyze/integrations.js';
import { prPlan, runPrAnalysis, type PrPlan } from '../analyze/pr-analysis.js';
import type { AnalysisDeps, AnalysisOptions, TestReport } from '../analyze/types.js';
import type { AckEntry, AnalysisConfig } from '../config/index.js';
import { DEFAULT_GITHUB_API, githubClient, type GitHubClient } from '../integrations/github.js';
import { DEFAULT_JIRA_URL, JIRA_AUTH_MODES, jiraClient, type JiraAuthMode, type JiraClient } from '../integrations/jira.js';
import { DEFAULT_SIPPY_URL, sippyClient } from '../integrations/sippy.js';
import { formatTestCsv } from '../output/csv.js';
import { formatPrJson, formatPrJunit, formatPrText } from '../output/pr.js';
import { formatTestText } from '../output/text.js';
import { UserError } from '../util/errors.js';
import { collect, parseInteger } from './common.js';
import { EXIT_NO_DATA, EXIT_OK, EXIT_REGRESSION } from './exit-codes.js';

export interface IntegrationFlags {
  sippyPrs?: boolean;
  sippyPrSearch?: boolean;
  sippyUrl: string;
  githubRepos?: string;
  githubUrl: string;
  jiraAck?: boolean;
  jiraAutoCreate?: boolean;
  jiraUrl?: string;
  jiraProject: string;
  jiraComponent: string;
  jiraToken?: string;
  jiraEmail?: string;
  jiraStatusFilter: string;
  jiraAuth: string;
  jiraRetryDelay: string;
  httpTimeout: string;
  prAnalysis?: boolean;
  pullNumber?: string[];
}

export function addIntegrationOptions(cmd: Command): Command {
  return cmd
    .option('--sippy-prs', "fill each run's prs with its payload's pull requests from Sippy (Orion always does)")
    .option('--sippy-pr-search', 'at each regression, list the pull requests between the previous and the changed payload (Sippy)')
    .addOption(new Option('--sippy-url <url>', "Sippy's base URL").env('PERFHOUND_SIPPY_URL').default(DEFAULT_SIPPY_URL))
    .option('--github-repos <repos>', 'owner/repo list: releases and commits between the previous and the changed run at each change point ($GITHUB_TOKEN or $GH_TOKEN authenticates)')
    .addOption(new Option('--github-url <url>', "GitHub's API base URL").env('GITHUB_API_URL').default(DEFAULT_GITHUB_API))
    .option('--jira-ack', 'also read acknowledgements from Jira issues (project, component, version and test labels)')
    .option('--jira-auto-create', 'create a Jira Bug per regressed metric, unless one already tracks it')
    .addOption(new Option('--jira-url <url>', `Jira's URL (default ${DEFAULT_JIRA_URL}, or the config's jira_url)`).env('JIRA_URL'))
    .option('--jira-project <key>', 'Jira project', 'PERFSCALE')
    .option('--jira-component <name>', "Jira component ('' for none)", 'CPT_ISSUES')
    .addOption(new Option('--jira-token <token>', 'Jira API token (Cloud) or personal access token (on-prem)').env('JIRA_TOKEN'))
    .addOption(new Option('--jira-email <email>', 'account email, required by Jira Cloud (*.atlassian.net)').env('JIRA_EMAIL'))
    .option('--jira-status-filter <categories>', 'acknowledge only issues in these status categories (e.g. Done or "Done,In Progress")', '')
    .addOption(new Option('--jira-auth <mode>', 'auto: basic email:token on *.atlassian.net, bearer token elsewhere').choices([...JIRA_AUTH_MODES]).default('auto'))
    .option('--jira-retry-delay <ms>', 'first delay between the 3 attempts to create an issue (doubled each time)', '2000')
    .option('--http-timeout <seconds>', 'deadline of each Sippy, GitHub and Jira request', '30')
    .option('--pr-analysis', "Orion's PR mode: the periodic runs as baseline, each pull request's runs beside them (needs the input variables jobtype, organization, repository and a PR number)")
    .option('--pull-number <n>', 'a pull request to analyse in PR mode (repeatable; also input variables pull_number, pull_numbers)', collect);
}

export interface PreparedIntegrations {
  /** Acknowledgements read from Jira (`--jira-ack`). */
  acks: AckEntry[];
  /** The test with Sippy pull requests, GitHub context (and Jira issues created). */
  enrich(test: TestReport): Promise<TestReport>;
  /** Set with `--pr-analysis`: runs it instead of the plain analysis. */
  pr?: PrMode;
}

/** Checks the flags, builds the clients, reads the Jira acks. */
export async function prepareIntegrations(flags: IntegrationFlags, config: AnalysisConfig, inputVars: Record<string, unknown>, warn: (m: string) => void): Promise<PreparedIntegrations> {
  const timeoutMs = parseInteger(flags.httpTimeout, '--http-timeout', { min: 1 }) * 1000;
  const repos = (flags.githubRepos ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  const plan = flags.prAnalysis ? prPlan(flags.pullNumber ?? [], inputVars) : undefined;
  if (!flags.prAnalysis && flags.pullNumber?.length) throw new UserError('needs --pr-analysis', { field: '--pull-number' });
  const github =
    repos.length || plan ? githubClient(repos, { baseUrl: flags.githubUrl, token: process.env.GITHUB_TOKEN || process.env.GH_TOKEN || undefined, timeoutMs, warn }) : undefined;
  const jira = flags.jiraAck || flags.jiraAutoCreate ? makeJira(flags, config, timeoutMs) : undefined;
  const integrations: Integrations = {
    sippy: flags.sippyPrs || flags.sippyPrSearch ? sippyClient({ baseUrl: flags.sippyUrl, timeoutMs, warn }) : undefined,
    sippyPrs: Boolean(flags.sippyPrs),
    sippyPrSearch: Boolean(flags.sippyPrSearch),
    github: repos.length ? github : undefined,
    jiraCreate: flags.jiraAutoCreate ? jira : undefined,
    warn,
    notice: (m) => process.stderr.write(`${m}\n`),
  };
  const acks = flags.jiraAck && jira ? await jiraAcks(config, jira, warn) : [];
  return {
    acks,
    enrich: (test) => enrichTest(test, integrations, config),
    pr: plan ? new PrMode(plan, github, config, (t) => enrichTest(t, integrations, config)) : undefined,
  };
}

function makeJira(flags: IntegrationFlags, config: AnalysisConfig, timeoutMs: number): JiraClient {
  return jiraClient({
    url: flags.jiraUrl || config.jira.url || DEFAULT_JIRA_URL,
    project: flags.jiraProject,
    component: flags.jiraComponent,
    token: flags.jiraToken || config.jira.token,
    email: flags.jiraEmail || config.jira.email,
    auth: flags.jiraAuth as JiraAuthMode,
    statusFilter: flags.jiraStatusFilter,
    uuidField: config.jira.uuidField,
    metricField: config.jira.metricField,
    timeoutMs,
    retryDelayMs: parseInteger(flags.jiraRetryDelay, '--jira-retry-delay', { min: 0 }),
    attempts: 3,
  });
}

export interface PrOutput {
  format: 'text' | 'json' | 'junit' | 'csv';
  text: { collapse?: boolean; columnGroupSize: number };
  saveOutputPath: string;
  saveDataPath: string;
}

/** `--pr-analysis`: analyses, prints and saves each test's periodic + PR report; the exit code of the periodic analysis. */
export class PrMode {
  constructor(
    private readonly plan: PrPlan,
    private readonly github: GitHubClient | undefined,
    private readonly config: AnalysisConfig,
    private readonly enrich: (t: TestReport) => Promise<TestReport>,
  ) {}

  async run(options: AnalysisOptions, deps: AnalysisDeps, out: PrOutput): Promise<number> {
    if (out.format === 'csv') throw new UserError('PR mode prints text, json or junit', { field: '--output-format' });
    const report = await runPrAnalysis(this.config, options, deps, this.plan, this.github);
    const base = withoutExtension(out.saveOutputPath);
    for (const [i, raw] of report.tests.entries()) {
      const entry = { periodic: await this.enrich(raw.periodic), pulls: await Promise.all(raw.pulls.map(async (p) => ({ pr: p.pr, report: await this.enrich(p.report) }))) };
      const name = entry.periodic.name;
      if (out.format === 'json') {
        const text = formatPrJson(entry) + '\n';
        process.stdout.write(text);
        await save(`${base}_${name}.json`, text);
      } else if (out.format === 'junit') {
        const text = formatPrJunit(entry);
        process.stdout.write(text);
        await save(`${base}_${name}.xml`, text);
      } else {
        process.stdout.write((i ? '\n' : '') + formatPrText(entry, out.text));
        await save(`${base}_table_${name}.txt`, formatPrText(entry, { ...out.text, collapse: false }));
        for (const { pr, report: pull } of entry.pulls) {
          await save(`${base}_table_${name}_pr_${pr}.txt`, formatTestText({ ...pull, name: `${name} | Pull Request #${pr}` }, { ...out.text, collapse: false }));
        }
      }
      await save(`${withoutExtension(out.saveDataPath)}-${name}.csv`, formatTestCsv(entry.periodic));
    }
    if (report.regression) return EXIT_REGRESSION;
    return report.noData ? EXIT_NO_DATA : EXIT_OK;
  }
}

async function save(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new UserError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: path, field: '--save-output-path' });
  }
}

function withoutExtension(path: string): string {
  return join(dirname(path), basename(path, extname(path)));
}
