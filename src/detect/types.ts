/** A detected change at `index`: the first point of the new regime. */
export interface ChangePoint {
  index: number;
  meanBefore: number;
  meanAfter: number;
  stddevBefore: number;
  stddevAfter: number;
  /** Two-sided pooled Student's t-test p-value between the segments around the change. */
  pvalue: number;
  /** (meanAfter / meanBefore − 1)·100; 0 when meanBefore is 0 (as Otava). */
  forwardChangePercent: number;
  /** (meanBefore / meanAfter − 1)·100; 0 when meanAfter is 0. */
  backwardChangePercent: number;
  /** max(|forward|, |backward|) relative change. */
  magnitude: number;
  /** The E-divisive divergence of the window that first found this change. */
  qhat: number;
  /** Why perfhound mode reported it (absent in otava mode, whose rule is Otava's). */
  explanation?: ChangePointExplanation;
}

/** The robust statistics behind a change point of perfhound mode (see robust.ts). */
export interface ChangePointExplanation {
  /** the rule that kept it */
  rule: string;
  medianBefore: number;
  medianAfter: number;
  /** means after winsorising each side at its median ± 3σ */
  robustMeanBefore: number;
  robustMeanAfter: number;
  /** robust σ of the noise (1.4826·MAD around the segments' medians) */
  noise: number;
  /** |robustMeanAfter − robustMeanBefore| / noise */
  effect: number;
  /** the robust t-test's p-value before correction */
  pvalue: number;
  /** split positions it was chosen from (the correction factor) */
  tests: number;
  /** min(1, pvalue · tests): what `maxPvalue` bounds (also the change point's `pvalue`) */
  adjustedPvalue: number;
  /** robustMeanAfter / robustMeanBefore − 1 */
  relativeMagnitude: number;
}

/** Statistics of the two segments around a change, as Otava's `TTestStats`. */
export interface SegmentComparison {
  meanBefore: number;
  meanAfter: number;
  stddevBefore: number;
  stddevAfter: number;
  pvalue: number;
}

export interface CandidateTrace {
  index: number;
  qhat: number;
  pvalue: number;
}

/** What one sliding window of the split step found (Otava's `split_windows` record). */
export interface WindowTrace {
  start: number;
  end: number;
  found: CandidateTrace[];
  /** The best candidate that failed the first-pass test (the window stops there), if any. */
  rejectedCandidate: CandidateTrace | null;
}

export interface MergeTrace {
  removedIndex: number;
  pvalue: number;
  magnitude: number;
  reason: 'pvalue >= max_pvalue' | 'magnitude <= min_magnitude';
}

export interface AnalysisTrace {
  firstPassPvalue: number;
  splitWindows: WindowTrace[];
  mergeTrace: MergeTrace[];
  /** perfhound mode: the weak change points its rules removed, in order, with the rule each failed */
  robustRemovals?: { removedIndex: number; reason: string }[];
}

export type DetectMode = 'otava' | 'perfhound';

export interface AnalyzeOptions {
  /** Sliding window length of the split step (≥ 2). Default 50. */
  windowLen?: number;
  /** A change point survives the merge step only with p < maxPvalue. Default 0.001. */
  maxPvalue?: number;
  /** …and magnitude > minMagnitude. Default 0. */
  minMagnitude?: number;
  /**
   * `perfhound` (default): points without a finite value are left out and reported in `warnings`, and the
   * split step's candidates are kept by perfhound's robust rules (robust.ts), not Otava's t-test.
   * `otava`: Otava 0.8's behaviour — missing values forward-filled, NaN propagated, Otava's merge.
   */
  mode?: DetectMode;
  /** perfhound mode: minimum change in units of the series' robust noise σ. Default 0.75. */
  minEffect?: number;
  /** perfhound mode: minimum points on each side of a change. Default 3. */
  minSegment?: number;
  /** Also return the split windows and merge steps (for debugging and golden tests). */
  trace?: boolean;
}

export interface AnalysisResult {
  /** Final change points, indexes into the input array. */
  changePoints: ChangePoint[];
  /** The split step's output (before merge), indexes into the input array. */
  weakChangePoints: ChangePoint[];
  /** Human-readable notes, e.g. points left out for lack of a value. */
  warnings: string[];
  /** Input positions left out (perfhound mode) — empty in otava mode. */
  skippedIndexes: number[];
  /** Present when `trace: true`; indexes are those of the analysed (compacted) series. */
  trace?: AnalysisTrace;
}
