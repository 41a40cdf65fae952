import { Option, type Command } from 'commander';
import { checkRun, gateMarkdown, THRESHOLD_KINDS, type ThresholdKind } from '../alerts/index.js';
import { loadAnalysisConfig } from '../config/index.js';
import { renderTable } from '../output/table.js';
import { StoreSource } from '../sources/store/source.js';
import { addDbOption, parseNumber, parsePositiveInt, printJson, withStore } from './common.js';
import { EXIT_OK, EXIT_REGRESSION } from './exit-codes.js';

interface CheckFlags {
  db?: string;
  uuid: string;
  config: string;
  threshold: string;
  value?: string;
  lower?: string;
  upper?: string;
  window: string;
  output: string;
}

/** `perfhound check`: the CI gate — one new run against the runs before it; exit 2 when it crosses a threshold. */
export function registerCheck(program: Command): void {
  const cmd = program
    .command('check')
    .description("compare one new run (a pull request's) with the runs before it, metric by metric; exit 2 when it crosses a threshold")
    .requiredOption('--uuid <run>', 'the run to check')
    .requiredOption('--config <file>', 'Orion analysis config (the tests and metrics to check)')
    .addOption(new Option('--threshold <kind>', 'the per-run threshold').choices([...THRESHOLD_KINDS]).default('t_test'))
    .option('--value <n>', 't_test: confidence (0.99); z_score: max z (3); iqr: multiplier (1.5); percentage: percent (10)')
    .option('--lower <n>', 'static: lower bound')
    .option('--upper <n>', 'static: upper bound')
    .option('--window <n>', 'the last N runs before it are the baseline', '30')
    .addOption(new Option('--output <format>', 'text, markdown (a CI job summary / PR comment) or json').choices(['text', 'markdown', 'json']).default('text'))
    .addHelpText('after', '\nExit codes: 0 within the thresholds, 1 error, 2 a metric crossed its threshold.\n\nExample:\n  perfhound check --uuid "$PR_RUN" --config ci.yaml --threshold z_score --value 3 --output markdown >> "$GITHUB_STEP_SUMMARY"');
  addDbOption(cmd).action(async (flags: CheckFlags) => {
    const gate = {
      kind: flags.threshold as ThresholdKind,
      ...(flags.value !== undefined ? { value: parseNumber(flags.value, '--value', { integer: false }) } : {}),
      ...(flags.lower !== undefined ? { lower: parseNumber(flags.lower, '--lower', { integer: false, min: -Number.MAX_VALUE }) } : {}),
      ...(flags.upper !== undefined ? { upper: parseNumber(flags.upper, '--upper', { integer: false, min: -Number.MAX_VALUE }) } : {}),
      window: parsePositiveInt(flags.window, '--window'),
    };
    const config = await loadAnalysisConfig(flags.config);
    const result = await withStore(flags.db, (store) => checkRun(config, flags.uuid, gate, { source: new StoreSource(store), store }));
    if (flags.output === 'json') printJson(result);
    else if (flags.output === 'markdown') process.stdout.write(gateMarkdown(result));
    else {
      const n = (x: number | null | undefined) => (x === undefined || x === null ? '' : x.toPrecision(6));
      process.stdout.write(renderTable(['test', 'metric', 'value', 'baseline', 'lower', 'upper', 'runs', 'status'], result.rows.map((r) => [r.test, r.metric, n(r.value), n(r.baseline), n(r.lowerLimit), n(r.upperLimit), r.sampleSize, r.status])) + '\n');
    }
    process.exitCode = result.failed ? EXIT_REGRESSION : EXIT_OK;
  });
}
