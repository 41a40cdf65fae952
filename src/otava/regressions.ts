/**
 * `otava regressions`: the command of Hunter and Otava ≤ 0.7 (removed in Otava 0.8, whose
 * `analyze --output regressions_only` replaces it), kept for the scripts that still call it. Per test and
 * metric it compares the "stable range" (the points between the surrounding change points) around the
 * baseline — the first point not earlier than `--since` — with the stable range at the end of the series
 * (or of `--branch`'s series), by a two-sided Student's t-test; a metric regresses when its mean moved the
 * wrong way for its direction with p < `-P`. Output as Hunter printed it:
 *
 *     my.test:
 *         throughput      :     125. -->     98.3 ( -21.4%)
 *     other.test: OK
 *     Regressions in 1 test found
 *
 * The data of the baseline side starts 30 days before `--since` (Hunter: so a change right after it still
 * has a baseline), is never cut by `--last` and is read without a branch. Change points are Otava 0.8's
 * (src/detect, `otava` mode, forward-filled gaps); the compared points leave gaps out.
 */
import { analyzeSeries } from '../detect/analyze.js';
import { numpyMean, numpyStd } from '../detect/numpy-sum.js';
import { pooledTTestPValue } from '../detect/ttest.js';
import { UserError, errorMessage } from '../util/errors.js';
import type { OtavaAnalysisOptions } from './analysis.js';
import { importContext, loadOtavaConfig, parseWhen, type AnalyzeArgs, type OtavaIo } from './commands.js';
import { selectTests } from './config.js';
import { padLeft, padRight, pyGeneral, pySignedFixed } from './py-format.js';
import { importSeries, type OtavaSeries } from './series.js';

const BASELINE_MARGIN_S = 30 * 86400;

export type RegressionsArgs = Omit<AnalyzeArgs, 'output'>;

/** `[begin, end)` around `index` with no change point inside (Hunter's `get_stable_range`). */
function stableRange(changePoints: number[], index: number, length: number): [number, number] {
  let begin = 0;
  for (const cp of changePoints) {
    if (cp > index) break;
    begin = cp;
  }
  let end = length;
  for (const cp of [...changePoints].reverse()) {
    if (cp <= index) break;
    end = cp;
  }
  return [begin, end];
}

/** Hunter's `compare`: means and scipy `ttest_ind` (sample variances; NaN with fewer than 2 points a side). */
function compare(left: number[], right: number[]): { mean1: number; mean2: number; pvalue: number } {
  if (left.length === 0 || right.length === 0) return { mean1: 0, mean2: 0, pvalue: 1 };
  const scratch = new Float64Array(Math.max(left.length, right.length));
  const mean1 = numpyMean(left, 0, left.length);
  const mean2 = numpyMean(right, 0, right.length);
  if (left.length + right.length <= 2) return { mean1, mean2, pvalue: 1 };
  if (left.length < 2 || right.length < 2) return { mean1, mean2, pvalue: Number.NaN };
  const sampleStd = (x: number[], mean: number) => numpyStd(x, 0, x.length, mean, scratch) * Math.sqrt(x.length / (x.length - 1));
  return { mean1, mean2, pvalue: pooledTTestPValue(mean1, sampleStd(left, mean1), left.length, mean2, sampleStd(right, mean2), right.length) };
}

function changePointIndices(values: (number | null)[], options: OtavaAnalysisOptions): number[] {
  return analyzeSeries(values, { ...options, mode: 'otava' }).changePoints.map((cp) => cp.index);
}

function stablePoints(values: (number | null)[], index: number, options: OtavaAnalysisOptions): number[] {
  const [begin, end] = stableRange(changePointIndices(values, options), index, values.length);
  return values.slice(begin, end).filter((v): v is number => v !== null);
}

/** The lines of the metrics that regressed between the baseline point and the end of the target series. */
function regressionLines(baseline: OtavaSeries, baselineIndex: number, target: OtavaSeries, options: OtavaAnalysisOptions): string[] {
  const lines: string[] = [];
  for (const [metric, info] of baseline.metrics) {
    const targetValues = target.data.get(metric);
    const baselineValues = baseline.data.get(metric);
    if (!targetValues || !baselineValues) continue;
    const { mean1, mean2, pvalue } = compare(stablePoints(baselineValues, baselineIndex, options), stablePoints(targetValues, targetValues.length, options));
    const change = mean1 === 0 ? 0 : (mean2 / mean1 - 1) * 100;
    if (mean2 * info.direction < mean1 * info.direction && pvalue < options.maxPvalue) {
      lines.push(`    ${padRight(metric, 16)}: ${padLeft(pyGeneral(mean1, 3, true), 8)} --> ${padLeft(pyGeneral(mean2, 3, true), 8)} (${padLeft(pySignedFixed(change, 1), 6)}%)`);
    }
  }
  return lines;
}

export async function otavaRegressions(args: RegressionsArgs, io: OtavaIo): Promise<number> {
  const config = await loadOtavaConfig(args.configFile, io);
  const tests = selectTests(config, args.tests);
  const now = io.now ?? new Date();
  const since = args.since === undefined ? now.getTime() / 1000 - 365 * 86400 : parseWhen(args.since, '--since', now);
  const until = args.until === undefined ? now.getTime() / 1000 : parseWhen(args.until, '--until', now);
  const branch = args.branch || io.env.BRANCH || undefined;
  const options: OtavaAnalysisOptions = { windowLen: args.window, maxPvalue: args.pValue, minMagnitude: args.magnitude };
  const context = importContext(config, args, io);
  let regressing = 0;
  let errors = 0;
  for (const test of tests) {
    try {
      const baseline = await importSeries(test, { since: since - BASELINE_MARGIN_S, until, metrics: args.metrics, attributes: args.attrs }, context);
      const first = baseline.time.findIndex((t) => t >= since);
      const target = branch ? await importSeries(test, { since, until, branch, metrics: args.metrics, last: args.last, attributes: args.attrs }, context) : baseline;
      const lines = regressionLines(baseline, first < 0 ? baseline.time.length : first, target, options);
      if (lines.length) {
        regressing++;
        io.out(`${test.name}:\n${lines.join('\n')}\n`);
      } else {
        io.out(`${test.name}: OK\n`);
      }
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      errors++;
      io.err(`ERROR: ${errorMessage(err)}\n`);
    }
  }
  io.out(regressing === 0 ? 'No regressions found!\n' : `Regressions in ${regressing} test${regressing === 1 ? '' : 's'} found\n`);
  if (errors) io.out('Some tests were skipped due to import / analyze errors. Consult error log.\n');
  return errors ? 1 : 0;
}
