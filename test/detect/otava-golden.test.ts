import { describe, expect, it } from 'vitest';
import { analyzeSeries } from '../../src/detect/analyze.js';
import type { ChangePoint, MergeTrace, WindowTrace } from '../../src/detect/types.js';
import { close, loadExpected, loadManifest, loadSeries, num, type Json } from './golden.js';

// Tolerances from the fixture README.
const REL_MEAN = 1e-12;
const REL_STAT = 1e-9;
const REL_P = 1e-6;
const P_FLOOR = 1e-300;

function mismatches(actual: ChangePoint[], expected: Json[], label: string): string[] {
  const errors: string[] = [];
  const got = actual.map((c) => c.index);
  const want = expected.map((e) => e.index as number);
  if (JSON.stringify(got) !== JSON.stringify(want)) return [`${label}: indexes ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`];
  actual.forEach((cp, k) => {
    const e = expected[k];
    const checks: [Exclude<keyof ChangePoint, 'explanation'>, string, number, number][] = [
      ['meanBefore', 'mean_before', REL_MEAN, 0],
      ['meanAfter', 'mean_after', REL_MEAN, 0],
      ['stddevBefore', 'stddev_before', REL_STAT, 0],
      ['stddevAfter', 'stddev_after', REL_STAT, 0],
      ['forwardChangePercent', 'forward_change_percent', REL_STAT, 0],
      ['backwardChangePercent', 'backward_change_percent', REL_STAT, 0],
      ['magnitude', 'magnitude', REL_STAT, 0],
      ['qhat', 'qhat', REL_STAT, 0],
      ['pvalue', 'pvalue', REL_P, P_FLOOR],
    ];
    for (const [ours, theirs, rel, floor] of checks) {
      if (!close(cp[ours], num(e[theirs]), rel, floor)) errors.push(`${label}[${cp.index}].${theirs}: ${cp[ours]} ≠ ${num(e[theirs])}`);
    }
  });
  return errors;
}

function candidateMismatch(label: string, got: { index: number; qhat: number; pvalue: number } | null, want: Json | null): string[] {
  if (got === null || want === null) return got === want ? [] : [`${label}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`];
  const errors: string[] = [];
  if (got.index !== want.index) errors.push(`${label}.index ${got.index} ≠ ${want.index}`);
  if (!close(got.qhat, num(want.qhat), REL_STAT)) errors.push(`${label}.qhat ${got.qhat} ≠ ${num(want.qhat)}`);
  if (!close(got.pvalue, num(want.pvalue), REL_P, P_FLOOR)) errors.push(`${label}.pvalue ${got.pvalue} ≠ ${num(want.pvalue)}`);
  return errors;
}

function windowMismatches(actual: WindowTrace[], expected: Json[]): string[] {
  const errors: string[] = [];
  if (actual.length !== expected.length) errors.push(`window count ${actual.length} ≠ ${expected.length}`);
  for (let k = 0; k < Math.min(actual.length, expected.length); k++) {
    const a = actual[k];
    const e = expected[k];
    const label = `window[${k}] ${a.start}-${a.end}`;
    if (a.start !== e.start || a.end !== e.end) {
      errors.push(`${label}: bounds ≠ ${e.start}-${e.end}`);
      break;
    }
    const found = e.found as Json[];
    if (a.found.length !== found.length) errors.push(`${label}: found ${JSON.stringify(a.found)} ≠ ${JSON.stringify(found)}`);
    else a.found.forEach((f, i) => errors.push(...candidateMismatch(`${label}.found[${i}]`, f, found[i])));
    errors.push(...candidateMismatch(`${label}.rejected`, a.rejectedCandidate, e.rejected_candidate as Json | null));
  }
  return errors;
}

function mergeMismatches(actual: MergeTrace[], expected: Json[]): string[] {
  const got = actual.map((m) => `${m.removedIndex}:${m.reason}`);
  const want = expected.map((m) => `${m.removed_index}:${m.reason}`);
  const errors = JSON.stringify(got) === JSON.stringify(want) ? [] : [`merge order ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`];
  actual.forEach((m, k) => {
    if (k < expected.length && !close(m.pvalue, num(expected[k].pvalue), REL_P, P_FLOOR)) errors.push(`merge[${k}].pvalue ${m.pvalue} ≠ ${num(expected[k].pvalue)}`);
  });
  return errors;
}

const batchCases = loadManifest().filter((c) => c.kind === 'batch' && !c.options.orig_edivisive);

describe('otava mode reproduces Apache Otava 0.8 on every golden case', () => {
  it.each(batchCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const expected = loadExpected(c.name);
    const metrics = expected.metrics as Record<string, Json>;
    const series = loadSeries(c);
    expect([...series.keys()].sort()).toEqual(Object.keys(metrics).sort());
    const errors: string[] = [];
    for (const [metric, values] of series) {
      const want = metrics[metric];
      const result = analyzeSeries(values, {
        mode: 'otava',
        windowLen: c.options.window_len,
        maxPvalue: c.options.max_pvalue,
        minMagnitude: c.options.min_magnitude,
        trace: true,
      });
      const tagged = (list: string[]) => list.map((e) => `${metric}: ${e}`);
      errors.push(...tagged(mismatches(result.changePoints, want.change_points as Json[], 'final')));
      errors.push(...tagged(mismatches(result.weakChangePoints, want.weak_change_points as Json[], 'weak')));
      errors.push(...tagged(windowMismatches(result.trace!.splitWindows, want.split_windows as Json[])));
      errors.push(...tagged(mergeMismatches(result.trace!.mergeTrace, want.merge_trace as Json[])));
      if (result.trace!.firstPassPvalue !== expected.first_pass_pvalue) errors.push(`first pass p ${result.trace!.firstPassPvalue}`);
    }
    expect(errors).toEqual([]);
  });
});
