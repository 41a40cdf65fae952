/**
 * The per-run threshold flags shared by `check`, `analyze` and `detect` (each names them its own way):
 * the test, its value on the metric's bad side, explicit lower/upper boundaries and the window.
 */
import { Option, type Command } from 'commander';
import { boundaryProblem, RUN_THRESHOLD_TESTS, type RunThreshold, type RunThresholdTest } from '../config/index.js';
import { UserError } from '../util/errors.js';
import { parseInteger, parseNumber } from '../util/params.js';

export interface ThresholdFlagNames {
  test: string;
  value: string;
  lower: string;
  upper: string;
  window: string;
}

/** `--threshold-*` as `analyze` and `detect` name them. */
export const PREFIXED: ThresholdFlagNames = { test: '--threshold', value: '--threshold-value', lower: '--threshold-lower', upper: '--threshold-upper', window: '--threshold-window' };

export function addThresholdOptions(cmd: Command, names: ThresholdFlagNames, defaultTest?: RunThresholdTest): Command {
  const test = new Option(`${names.test} <test>`, `per-run threshold: judge the newest run against the runs before it (${defaultTest ? '' : 'metrics whose config names none; '}Bencher's model)`).choices([...RUN_THRESHOLD_TESTS]);
  return cmd
    .addOption(defaultTest ? test.default(defaultTest) : test)
    .option(`${names.value} <n>`, 'the boundary on the bad side (the metric\'s direction): t_test confidence (0.99), z_score max z (3), iqr multiplier (1.5), percentage percent (10)')
    .option(`${names.lower} <n>`, 'judge the lower side at this boundary (static: the lower limit)')
    .option(`${names.upper} <n>`, 'judge the upper side at this boundary (static: the upper limit)')
    .option(`${names.window} <n>`, 'the last N runs before it are the baseline (default 30)');
}

/** The flags' threshold, or undefined without a test; each boundary checked for the test. */
export function thresholdFromFlags(opts: Record<string, unknown>, names: ThresholdFlagNames): RunThreshold | undefined {
  const read = (flag: string) => opts[flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] as string | undefined;
  const test = read(names.test) as RunThresholdTest | undefined;
  if (test === undefined) return undefined;
  const t: RunThreshold = { test };
  for (const [key, flag] of [['value', names.value], ['lower', names.lower], ['upper', names.upper]] as const) {
    const text = read(flag);
    if (text === undefined) continue;
    const x = parseNumber(text, flag, { integer: false, min: -Number.MAX_VALUE });
    const problem = boundaryProblem(test, x);
    if (problem) throw new UserError(`${problem} (got ${text})`, { field: flag });
    t[key] = x;
  }
  const window = read(names.window);
  if (window !== undefined) t.window = parseInteger(window, names.window, { min: 1 });
  if (test === 'static' && t.lower === undefined && t.upper === undefined) throw new UserError(`a static threshold needs ${names.lower} and/or ${names.upper}`, { field: names.test });
  return t;
}
