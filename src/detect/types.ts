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
   * `perfhound` (default): points without a finite value are left out and reported in `warnings`.
   * `otava`: Otava 0.8's behaviour — missing values forward-filled, NaN propagated.
   */
  mode?: DetectMode;
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
