/**
 * Turning raw values (numbers, `null` for "no value") into the float64 series the engine analyses,
 * in the two modes: Otava's fill (forward, then backward for leading gaps; NaN kept) or perfhound's
 * "leave the point out and say so".
 */
export interface PreparedSeries {
  series: Float64Array;
  /** original position of each analysed point */
  positions: Int32Array;
  skippedIndexes: number[];
  warnings: string[];
}

/** Otava's `fill_missing`: null → previous value; leading nulls → first value. NaN stays NaN. */
export function fillMissing(values: readonly (number | null)[]): PreparedSeries {
  const n = values.length;
  const series = new Float64Array(n);
  const positions = new Int32Array(n);
  let firstValue: number | null = null;
  for (const v of values) {
    if (v !== null) {
      firstValue = v;
      break;
    }
  }
  const warnings: string[] = [];
  if (n > 0 && firstValue === null) warnings.push('no point has a value; nothing to analyse');
  let prev = firstValue ?? NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null) prev = v;
    series[i] = prev;
    positions[i] = i;
  }
  if (n > 0 && firstValue === null) return { series: new Float64Array(0), positions: new Int32Array(0), skippedIndexes: [], warnings };
  return { series, positions, skippedIndexes: [], warnings };
}

/** perfhound's default: keep finite values only; every left-out stretch of points becomes a warning. */
export function dropMissing(values: readonly (number | null)[]): PreparedSeries {
  const n = values.length;
  const series = new Float64Array(n);
  const positions = new Int32Array(n);
  const skippedIndexes: number[] = [];
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && Number.isFinite(v)) {
      series[kept] = v;
      positions[kept] = i;
      kept++;
    } else {
      skippedIndexes.push(i);
    }
  }
  return {
    series: kept === n ? series : series.slice(0, kept),
    positions: kept === n ? positions : positions.slice(0, kept),
    skippedIndexes,
    warnings: skippedIndexes.length ? describeSkipped(values, skippedIndexes) : [],
  };
}

function describeValue(v: number | null): string {
  return v === null ? 'no value' : `value ${v}`;
}

function describeSkipped(values: readonly (number | null)[], skipped: number[]): string[] {
  const warnings: string[] = [];
  let k = 0;
  while (k < skipped.length) {
    let last = k;
    while (last + 1 < skipped.length && skipped[last + 1] === skipped[last] + 1) last++;
    const from = skipped[k];
    const to = skipped[last];
    const kinds = [...new Set(skipped.slice(k, last + 1).map((i) => describeValue(values[i])))].join(', ');
    warnings.push(
      from === to
        ? `point ${from} left out of the analysis (${kinds})`
        : `points ${from}–${to} left out of the analysis (${kinds})`,
    );
    k = last + 1;
  }
  return warnings;
}
