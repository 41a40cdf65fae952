import { Option, type Command } from 'commander';
import { checkRun, gateMarkdown } from '../alerts/index.js';
import { loadAnalysisConfig } from '../config/index.js';
import { renderTable } from '../output/table.js';
import { StoreSource } from '../sources/store/source.js';
import { addDbOption, printJson, withStore } from './common.js';
import { addThresholdOptions, thresholdFromFlags, type ThresholdFlagNames } from './threshold-flags.js';
import { EXIT_OK, EXIT_REGRESSION } from './exit-codes.js';

interface CheckFlags {
  db?: string;
  uuid: string;
  config: string;
  output: string;
}

const NAMES: ThresholdFlagNames = { test: '--threshold', value: '--value', lower: '--lower', upper: '--upper', window: '--window' };

/** `perfhound check`: the CI gate — one new run against the runs before it; exit 2 when it crosses a threshold. */
export function registerCheck(program: Command): void {
  const cmd = program
    .command('check')
    .description("compare one new run (a pull request's) with the runs before it, metric by metric; exit 2 when it crosses a threshold")
    .requiredOption('--uuid <run>', 'the run to check')
    .requiredOption('--config <file>', "Orion analysis config (the tests and metrics to check; a metric's threshold mapping wins over the flags)");
  addThresholdOptions(cmd, NAMES, 't_test')
    .addOption(new Option('--output <format>', 'text, markdown (a CI job summary / PR comment) or json').choices(['text', 'markdown', 'json']).default('text'))
    .addHelpText('after', '\nExit codes: 0 within the thresholds, 1 error, 2 a metric crossed its threshold.\n\nExample:\n  perfhound check --uuid "$PR_RUN" --config ci.yaml --threshold z_score --value 3 --output markdown >> "$GITHUB_STEP_SUMMARY"');
  addDbOption(cmd).action(async (flags: CheckFlags) => {
    const gate = thresholdFromFlags(flags as unknown as Record<string, unknown>, NAMES)!;
    const config = await loadAnalysisConfig(flags.config);
    const result = await withStore(flags.db, (store) => checkRun(config, flags.uuid, gate, { source: new StoreSource(store), store }));
    if (flags.output === 'json') printJson(result);
    else if (flags.output === 'markdown') process.stdout.write(gateMarkdown(result));
    else {
      const n = (x: number | null | undefined) => (x === undefined || x === null ? '' : x.toPrecision(6));
      process.stdout.write(renderTable(['test', 'metric', 'threshold', 'value', 'baseline', 'lower', 'upper', 'runs', 'status'], result.rows.map((r) => [r.test, r.metric, r.threshold, n(r.value), n(r.baseline), n(r.lowerLimit), n(r.upperLimit), r.sampleSize, r.status])) + '\n');
    }
    process.exitCode = result.failed ? EXIT_REGRESSION : EXIT_OK;
  });
}
