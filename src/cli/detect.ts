import { Option, type Command } from 'commander';
import { UserError } from '../util/errors.js';
import { snakeCaseKeys, toJson } from '../util/json.js';
import { parseInteger, parseNumber } from '../util/params.js';
import type { ChangePoint, DetectMode } from '../detect/types.js';
import type { RunJudgement } from '../analyze/run-threshold.js';
import type { RunThreshold } from '../config/types.js';
import { addThresholdOptions, PREFIXED, thresholdFromFlags } from './threshold-flags.js';

interface DetectFlags {
  timeColumn: string;
  metric?: string[];
  window: string;
  pValue: string;
  magnitude: string;
  mode: DetectMode;
  origEdivisive?: boolean;
  seed: string;
  output: 'text' | 'json' | 'otava';
  delimiter: string;
  branch?: string;
  direction?: string[];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerDetect(program: Command): void {
  const cmd = program
    .command('detect')
    .description('change points of the metric columns of a CSV file (E-divisive with Hunter\'s split/merge, as Apache Otava 0.8)')
    .argument('<file>', 'CSV in Otava\'s layout: header row, rows in file order, empty cell = missing, "nan" = NaN')
    .option('--time-column <name>', 'the time column', 'time')
    .option('--metric <name>', 'a metric column to analyse (repeatable; default: every numeric column)', collect)
    .option('--window <n>', 'window length of the split step', '50')
    .option('-P, --p-value <p>', 'maximum p-value of a change point', '0.001')
    .option('-M, --magnitude <m>', 'minimum relative magnitude of a change point', '0')
    .addOption(
      new Option('--mode <mode>', 'perfhound: leave out points without a value (and say so); otava: forward-fill them as Otava does')
        .choices(['perfhound', 'otava'])
        .default('perfhound'),
    )
    .option('--orig-edivisive', 'the original E-divisive with a 100-permutation test over the whole series (no windows, no merge)')
    .option('--seed <n>', 'seed of the permutation test (numpy default_rng-compatible)', '0')
    .option('--delimiter <char>', 'the CSV delimiter (one character; "tab" for a tab)', ',')
    .option('--branch <name>', 'only the rows whose branch column holds NAME (a file of several branches needs it)')
    .option('--direction <metric=1|-1>', 'which way is better: 1 higher (default), -1 lower; "-1" alone for every metric (repeatable). A change the wrong way is a regression', collect)
    .addOption(new Option('-o, --output <format>', 'text, json, or otava (Otava\'s annotated log table)').choices(['text', 'json', 'otava']).default('text'));
  addThresholdOptions(cmd, PREFIXED)
    .addHelpText(
      'after',
      '\nExit codes: 0 when the analysis ran (whether or not change points were found), 1 on bad input.\n' +
        '\nExamples:\n  perfhound detect results.csv --metric throughput -P 0.01 --window 30 --output json' +
        '\n  perfhound detect results.csv --branch main --direction latency=-1 -o otava' +
        '\n  perfhound detect results.csv --threshold z_score --threshold-window 20 --direction latency=-1',
    )
    .action(async (file: string, flags: DetectFlags) => {
      // Loaded here so that other commands do not pay for them at start-up.
      const { readFileSync } = await import('node:fs');
      const { parseOtavaCsv } = await import('../sources/csv/otava-csv.js');
      const windowLen = parseInteger(flags.window, '--window', { min: 2 });
      const maxPvalue = parseNumber(flags.pValue, '-P', { integer: false, max: 1 });
      const minMagnitude = parseNumber(flags.magnitude, '-M', { integer: false });
      const seed = parseInteger(flags.seed, '--seed');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UserError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file });
      }
      const delimiter = flags.delimiter === 'tab' ? '\t' : flags.delimiter;
      if ([...delimiter].length !== 1) throw new UserError(`--delimiter must be one character (got "${flags.delimiter}")`, { field: '--delimiter' });
      const { times, metrics, attributes } = parseOtavaCsv(text, file, { timeColumn: flags.timeColumn, metrics: flags.metric, delimiter, branch: flags.branch });
      const directions = parseDirections(flags.direction ?? [], [...metrics.keys()]);
      const threshold = thresholdFromFlags(flags as unknown as Record<string, unknown>, PREFIXED);
      if (threshold && flags.output === 'otava') throw new UserError('works with --output text or json, not otava', { field: '--threshold' });
      const judged = threshold ? await judgeNewest(metrics, directions, threshold) : new Map<string, Judged>();
      const results = new Map<string, ChangePoint[]>();
      if (flags.origEdivisive) {
        const { origEDivisive } = await import('../detect/orig-edivisive.js');
        const { dropMissing, fillMissing } = await import('../detect/prepare.js');
        for (const [metric, values] of metrics) {
          const prepared = flags.mode === 'otava' ? fillMissing(values) : dropMissing(values);
          for (const w of prepared.warnings) process.stderr.write(`perfhound: warning: metric ${metric}: ${w}\n`);
          const found = origEDivisive(Array.from(prepared.series), { pvalue: maxPvalue, seed });
          results.set(metric, found.map((cp) => ({ ...cp, index: prepared.positions[cp.index] })));
        }
      } else {
        const { analyzeSeries } = await import('../detect/analyze.js');
        for (const [metric, values] of metrics) {
          const result = analyzeSeries(values, { windowLen, maxPvalue, minMagnitude, mode: flags.mode });
          for (const w of result.warnings) process.stderr.write(`perfhound: warning: metric ${metric}: ${w}\n`);
          results.set(metric, result.changePoints);
        }
      }
      if (flags.output === 'json') {
        const out: Record<string, unknown[]> = {};
        for (const [metric, cps] of results) {
          out[metric] = cps.map((cp) => ({ ...jsonChangePoint(cp, times[cp.index]), regression: isRegression(cp, directions.get(metric)!) }));
          // A threshold crossing of the newest row, beside the change points (as analyze reports it).
          const j = judged.get(metric);
          if (j && j.status === 'regression') out[metric].push({ index: j.index, time: times[j.index], rule: 'threshold', threshold: threshold!.test, value: j.value, baseline: j.baseline, lower_limit: j.lowerLimit, upper_limit: j.upperLimit, sample_size: j.sampleSize, regression: true });
        }
        process.stdout.write(toJson(out, 2) + '\n');
      } else if (flags.output === 'otava') {
        process.stdout.write((await otavaLog(file, times, metrics, attributes, results)) + '\n');
      } else {
        const { renderTable } = await import('../output/table.js');
        const blocks: string[] = [];
        for (const [metric, cps] of results) {
          const j = judged.get(metric);
          blocks.push(textBlock(metric, cps, times, directions.get(metric)!, renderTable) + (j ? '\n' + thresholdLine(threshold!, j, times) : ''));
        }
        process.stdout.write(blocks.join('\n\n') + '\n');
      }
    });
}

type Judged = RunJudgement & { index: number };

/** Each metric's newest row with a value, judged against the rows before it. */
async function judgeNewest(metrics: Map<string, (number | null)[]>, directions: Map<string, 1 | -1>, threshold: RunThreshold): Promise<Map<string, Judged>> {
  const { judgeRun } = await import('../analyze/run-threshold.js');
  const out = new Map<string, Judged>();
  for (const [metric, values] of metrics) {
    let at = values.length - 1;
    while (at >= 0 && !(typeof values[at] === 'number' && Number.isFinite(values[at]))) at--;
    if (at < 0) continue;
    const history = values.slice(0, at).filter((v): v is number => typeof v === 'number');
    // detect's direction says which way is better; the threshold's, as Orion's, which way is bad.
    out.set(metric, { ...judgeRun(history, values[at] as number, threshold, directions.get(metric) === 1 ? -1 : 1), index: at });
  }
  return out;
}

function thresholdLine(t: RunThreshold, j: Judged, times: (number | string)[]): string {
  const limits = `[${j.lowerLimit === undefined ? '−∞' : fmt(j.lowerLimit)}, ${j.upperLimit === undefined ? '∞' : fmt(j.upperLimit)}]`;
  return `${t.test} threshold over ${j.sampleSize} run(s): row ${j.index} (${String(times[j.index])}) = ${fmt(j.value)}, limits ${limits}: ${j.status === 'not_enough_data' ? 'not enough data' : j.status}`;
}

function jsonChangePoint(cp: ChangePoint, time: number | string): Record<string, unknown> {
  return {
    index: cp.index,
    time,
    mean_before: cp.meanBefore,
    mean_after: cp.meanAfter,
    stddev_before: cp.stddevBefore,
    stddev_after: cp.stddevAfter,
    pvalue: cp.pvalue,
    forward_change_percent: cp.forwardChangePercent,
    backward_change_percent: cp.backwardChangePercent,
    magnitude: cp.magnitude,
    qhat: cp.qhat,
    // why it was reported: perfhound mode's robust statistics and rule (snake_case like the rest)
    ...(cp.explanation ? { explanation: snakeCaseKeys(cp.explanation) } : {}),
  };
}

/** `--direction` values: `metric=1|-1`, or a bare `1|-1` for every metric; 1 (higher is better) otherwise. */
function parseDirections(values: string[], metrics: string[]): Map<string, 1 | -1> {
  const directions = new Map<string, 1 | -1>(metrics.map((m) => [m, 1]));
  for (const value of values) {
    const eq = value.lastIndexOf('=');
    const [metric, text] = eq < 0 ? [undefined, value] : [value.slice(0, eq), value.slice(eq + 1)];
    if (text !== '1' && text !== '-1') throw new UserError(`--direction must be 1 or -1, as METRIC=1|-1 or alone (got "${value}")`, { field: '--direction' });
    if (metric !== undefined && !directions.has(metric)) throw new UserError(`--direction names no analysed metric "${metric}" (metrics: ${metrics.join(', ')})`, { field: '--direction' });
    for (const m of metric === undefined ? metrics : [metric]) directions.set(m, Number(text) as 1 | -1);
  }
  return directions;
}

/** A change the wrong way: down where higher is better, up where lower is better (Otava's rule). */
function isRegression(cp: ChangePoint, direction: 1 | -1): boolean {
  return direction * cp.forwardChangePercent < 0;
}

/** Otava's annotated log table of the file's rows and the change points found. */
async function otavaLog(
  file: string,
  times: (number | string)[],
  metrics: Map<string, (number | null)[]>,
  attributes: Map<string, string[]>,
  results: Map<string, ChangePoint[]>,
): Promise<string> {
  const unparsed = times.findIndex((t) => typeof t === 'string');
  if (unparsed >= 0) throw new UserError(`--output otava needs times: "${times[unparsed]}" is none`, { file, line: unparsed + 2 });
  const { groupByTime } = await import('../otava/analysis.js');
  const { formatReport } = await import('../otava/report.js');
  const series = { testName: file, branch: null, time: times as number[], metrics: new Map(), data: metrics, attributes };
  return formatReport(file, series, groupByTime(series, results), 'log');
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : String(x);
}

function textBlock(
  metric: string,
  cps: ChangePoint[],
  times: (number | string)[],
  direction: 1 | -1,
  renderTable: (headers: string[], rows: Array<Array<string | number>>, align?: Array<'left' | 'right'>) => string,
): string {
  const title = `${metric}: ${cps.length === 0 ? 'no change point' : cps.length === 1 ? '1 change point' : `${cps.length} change points`}`;
  if (cps.length === 0) return title;
  const rows = cps.map((cp) => [
    cp.index,
    String(times[cp.index]),
    `${fmt(cp.meanBefore)} ± ${fmt(cp.stddevBefore)}`,
    `${fmt(cp.meanAfter)} ± ${fmt(cp.stddevAfter)}`,
    `${cp.forwardChangePercent >= 0 ? '+' : ''}${cp.forwardChangePercent.toFixed(1)}%`,
    cp.pvalue.toPrecision(3),
    isRegression(cp, direction) ? 'regression' : '',
  ]);
  return `${title}\n${renderTable(['index', 'time', 'before', 'after', 'change', 'p-value', ''], rows, ['right', 'left', 'right', 'right', 'right', 'right', 'left'])}`;
}
