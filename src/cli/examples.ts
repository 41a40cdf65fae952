/**
 * Examples for the `--help` of commands whose module does not add its own (the README promises one for
 * every command). Added after registration, only where the command has none.
 */
import type { Command } from 'commander';

const EXAMPLES: Record<string, string[]> = {
  demo: ['perfhound demo --db sqlite:./demo.db'],
  'runs show': ['perfhound runs show d4e5f6a7-b8c9-4012-d345-e6f7a8b9c012 --output json'],
  analyze: [
    "perfhound analyze --config ci-tests.yaml --hunter-analyze --lookback 15d --input-vars '{\"version\": \"4.20\"}'",
    "perfhound analyze --config ci-tests.yaml --hunter-analyze -o json --es-server http://127.0.0.1:9200 --metadata-index 'perf_scale_ci*' | jq '.[] | select(.is_changepoint)'",
    "perfhound analyze --config ci-tests.yaml --hunter-analyze --sippy-prs --sippy-pr-search --github-repos openshift/origin,openshift/ovn-kubernetes --input-vars '{\"version\": \"4.20\"}'",
    'JIRA_TOKEN=… perfhound analyze --config ci-tests.yaml --hunter-analyze --jira-ack --jira-auto-create --jira-project PERFSCALE --jira-status-filter Done',
    "perfhound analyze --config ci-tests.yaml --hunter-analyze --pr-analysis --pull-number 2394 --input-vars '{\"version\": \"4.20\", \"jobtype\": \"pull\", \"organization\": \"openshift\", \"repository\": \"ovn-kubernetes\"}'",
    'perfhound analyze --config ci-tests.yaml --hunter-analyze --viz --save-output-path out/output.txt   # out/output_<test>_viz.html',
    'perfhound analyze -i   # a wizard: writes the config, prints the command',
  ],
  'report list': ['perfhound report list --since 2026-01-01 --output json'],
  'report show': ['perfhound report show d4e5f6a7-b8c9-4012-d345-e6f7a8b9c012'],
  'tests runs': ['perfhound tests runs build_name --resolution day --since 2026-01-01'],
  'tests history': ['perfhound tests history tempest.api.compute.test_servers --window 20'],
  'tests failures': ['perfhound tests failures --since 2026-01-01 --where build_name=nightly'],
  'tests slowest': ['perfhound tests slowest --limit 10 --output json'],
  'tests never-failed': ['perfhound tests never-failed --since 2026-01-01'],
  'tests recent-failures': ['perfhound tests recent-failures build_name --value nightly --limit 5'],
  'tests flaky': ['perfhound tests flaky build_name --since 2026-01-01'],
  'tests timings': ['perfhound tests timings --output json'],
  'tests partition': ['perfhound tests partition --workers 4'],
  'export subunit': ['perfhound export subunit 3f2a9c1e-run -o run.subunit'],
  'token list': ['perfhound token list --db postgres://perf@127.0.0.1/perfhound'],
  'db migrate': ['perfhound db migrate --db postgres://perf@127.0.0.1/perfhound'],
  'db status': ['perfhound db status --output json'],
  'db expire': ['perfhound db expire --days 186'],
  'watch list': ['perfhound watch list --output json'],
  'watch remove': ['perfhound watch remove nightly-density'],
  'watch run': ['perfhound watch run nightly-density'],
  'regressions list': ['perfhound regressions list --status open --output json'],
  'regressions ack': ["perfhound regressions ack 42 --reason 'known: OCPBUGS-1234'"],
  'regressions resolve': ["perfhound regressions resolve 42 --reason 'fixed in 4.21'"],
  'regressions silence': ["perfhound regressions silence --metric podReadyLatency_P99 --for 7d --reason 'infra migration'"],
  'notify channel list': ['perfhound notify channel list'],
  'notify channel remove': ['perfhound notify channel remove team-slack'],
  'notify status': ['perfhound notify status --output json'],
  'notify deliver': ['perfhound notify deliver'],
  completion: ['perfhound completion bash > ~/.local/share/bash-completion/completions/perfhound'],
};

export function addExamples(command: Command, path: string[] = []): void {
  const examples = EXAMPLES[path.join(' ')];
  if (examples) command.addHelpText('after', `\nExample${examples.length > 1 ? 's' : ''}:\n${examples.map((e) => `  ${e}`).join('\n')}`);
  for (const sub of command.commands) addExamples(sub, [...path, sub.name()]);
}
