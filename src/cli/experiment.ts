import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { loadExperimentConfig, validateExperimentConfig } from '../experiment/config.js';
// The runner (ssh2 and its native parts) is loaded to run a campaign, not to print help.
import type { ProgressEvent } from '../experiment/runner.js';
import { getExperiment, listExperiments, type ExperimentSummary } from '../store/experiments.js';
import { renderTable } from '../output/table.js';
import { UserError, formatPlace } from '../util/errors.js';
import { addDbOption, printJson, withStore } from './common.js';
import { EXIT_ERROR } from './exit-codes.js';

const CONFIG_HELP = `
The config is a list of experiments, as seed 003 writes them (JSON with single quotes) or in YAML:
  - experiment_name: PCG 1
    combination_generation_type: pcg        # pcg: every combination; rcg: random ones (rcg_target_test_count, rcg_seed)
    qos_settings: {duration_secs: [30], datalen_bytes: [100], pub_count: [1, 5], sub_count: [1],
                   use_reliable: [true, false], use_multicast: [false], durability_level: [], latency_count: [100]}
    slave_machines:
      - {machine_name: p1, participant_allocation: pub, ip: 10.0.0.5, ssh_key_path: ~/.ssh/id_ed25519,
         username: perf, perftest_exec_path: ~/rtiperftest/perftest_publisher}
      - {machine_name: p2, participant_allocation: sub, ip: 10.0.0.6, port: 22, ssh_key_path: ~/.ssh/id_ed25519,
         username: perf, perftest_exec_path: ~/rtiperftest/perftest_publisher}
    buffer_duration_secs: 60   retries: 2   stop_after_consecutive_failures: 10   compress: true
    restart: {mode: never|before_campaign|before_each_test, command: sudo reboot, wait_secs: 300}
    checks: {ping: icmp|tcp|none, attempts: 3, interval_secs: 1, timeout_secs: 5}
    notify: {webhook: {url: https://…, secret: …}, slack: {url: https://hooks.slack.com/…}}
    output_dir: experiments    # relative to the config file; the ESS is <output_dir>/<name>/ess.csv
An empty QoS list leaves Perftest's flag out. A generic workload replaces Perftest:
    workload: {command: "./bench --size {datalen_bytes}", outputs: [result.json], parser: json, workdir: ~/bench}`;

export function registerExperiment(program: Command): void {
  const experiment = program.command('experiment').description('campaigns of benchmark tests on SSH machines (Autoperf): validate, run, status');

  experiment
    .command('validate')
    .description('check an experiment config without running anything; every problem on its own line')
    .argument('<config>', 'the experiment config (YAML or the seed\'s JSON)')
    .addHelpText('after', `\nExample:\n  perfhound experiment validate campaign.yaml\n${CONFIG_HELP}`)
    .action(async (file: string) => {
      const text = await readFile(file, 'utf8').catch(() => {
        throw new UserError('cannot read the experiment config', { file });
      });
      const { experiments, problems } = validateExperimentConfig(text, file, dirname(resolve(file)));
      if (problems.length) {
        for (const p of problems) process.stderr.write(`${formatPlace({ file, line: p.line })}${p.message}\n`);
        process.exitCode = EXIT_ERROR;
        return;
      }
      const { plannedTests } = await import('../experiment/runner.js');
      for (const e of experiments) {
        process.stdout.write(`ok: experiment "${e.name}": ${e.generation}, ${plannedTests(e)} tests, ${e.machines.length} machines, ${e.workload.kind === 'perftest' ? 'Perftest' : 'generic workload'}\n`);
      }
    });

  addDbOption(
    experiment
      .command('run')
      .description('run the experiments of a config; run it again after any interruption to resume where it stopped')
      .argument('<config>', 'the experiment config')
      .option('--only <name>', 'run only this experiment of the config')
      .addHelpText('after', '\nExamples:\n  perfhound experiment run campaign.yaml\n  perfhound experiment run campaign.yaml --only "PCG 1" --db postgres://perf@db/perfhound\n\nExit code 1 when a campaign stopped (consecutive failures), was interrupted, or a machine failed its checks before it started.'),
  ).action(async (file: string, flags: { db?: string; only?: string }) => {
    let experiments = await loadExperimentConfig(file);
    if (flags.only !== undefined) {
      experiments = experiments.filter((e) => e.name === flags.only);
      if (!experiments.length) throw new UserError(`no experiment named "${flags.only}" in the config`, { file, field: '--only' });
    }
    const abort = new AbortController();
    let interrupts = 0;
    const onSignal = () => {
      if (++interrupts > 1) process.exit(130);
      process.stderr.write('\nstopping: the running attempt is recorded as interrupted (Ctrl-C again to quit at once)\n');
      abort.abort();
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
    const { runExperiment } = await import('../experiment/runner.js');
    try {
      await withStore(flags.db, async (store) => {
        for (const config of experiments) {
          const progress = progressPrinter(config.name);
          const result = await runExperiment(config, { store, onProgress: progress.event, signal: abort.signal });
          progress.stop();
          process.stdout.write(`experiment "${result.experiment}": ${result.status}${result.exhausted ? ' (RCG space exhausted)' : ''}: ${result.passed} passed, ${result.failed} failed, ${result.attempts} attempts; ESS ${result.essPath}\n`);
          if (result.status !== 'completed') {
            process.exitCode = EXIT_ERROR;
            break;
          }
        }
      });
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
  });

  addDbOption(
    experiment
      .command('status')
      .description('tests done, passed, failed and remaining, the current test and the last failures')
      .argument('[name]', 'one experiment (default: all)')
      .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'))
      .addHelpText('after', '\nExamples:\n  perfhound experiment status\n  perfhound experiment status "PCG 1" -o json'),
  ).action(async (name: string | undefined, flags: { db?: string; output: string }) => {
    const found = await withStore(flags.db, async (store) => (name === undefined ? listExperiments(store.db) : [await getExperiment(store.db, name)]));
    if (flags.output === 'json') {
      printJson(name === undefined ? { experiments: found } : found[0]);
      return;
    }
    if (!found.length) {
      process.stdout.write('(no experiments)\n');
      return;
    }
    process.stdout.write(found.map(statusText).join('\n\n') + '\n');
  });
}

function statusText(e: ExperimentSummary): string {
  const lines = [
    `experiment "${e.name}": ${e.status}`,
    renderTable(['planned', 'done', 'passed', 'failed', 'remaining', 'attempts'], [[e.plannedTests, e.testsDone, e.testsPassed, e.testsFailed, e.remaining, e.attempts]], ['right', 'right', 'right', 'right', 'right', 'right']),
  ];
  if (e.currentTest) lines.push(`current test: ${e.currentTest}`);
  if (e.lastFailures.length) {
    lines.push('last failures:');
    for (const f of e.lastFailures) lines.push(`  ${f.testName} attempt ${f.attempt}: ${f.endStatus}${f.comments ? ` (${f.comments})` : ''}`);
  }
  return lines.join('\n');
}

/** Live progress on stderr: one line rewritten on a terminal, a plain line per attempt when piped. */
function progressPrinter(experiment: string): { event: (e: ProgressEvent) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true;
  let live = false;
  const clear = () => {
    if (live) process.stderr.write('\r\x1b[K');
    live = false;
  };
  return {
    event(e) {
      if (e.type === 'skip') return;
      if (e.type === 'attempt_start') {
        if (!tty) return;
        clear();
        const cols = process.stderr.columns ?? 100;
        process.stderr.write(`[${e.done}/${e.planned}] ${experiment}: ${e.test} attempt ${e.attempt} running…`.slice(0, cols - 1));
        live = true;
        return;
      }
      clear();
      process.stderr.write(`[${e.done}/${e.planned}] ${experiment}: ${e.test} attempt ${e.attempt}: ${e.status} (${e.seconds.toFixed(1)} s)${e.status !== 'success' && e.comments ? ` ${e.comments}` : ''}\n`);
    },
    stop: clear,
  };
}
