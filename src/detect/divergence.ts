/**
 * The E-divisive divergence Q̂ (α = 1) of every split of an interval, maximised as Otava 0.8 does it
 * (`PairDistanceCalculator`): over τ *and* κ, first maximum in row-major (τ, κ) order, NaN winning as in
 * `np.argmax`. The sums are accumulated in the same order as Otava's numpy cumulative sums, so the
 * values — and therefore ties — round exactly as Otava's do.
 *
 * For an interval of length L the cost is O(L²) time and O(L) memory; no distance matrix is stored.
 *
 * @example
 * const calc = new DivergenceCalculator(50);
 * calc.candidate(Float64Array.of(1, 1, 1, 5, 5, 5), 0, 6, false) // → { index: 3, qhat: … }
 */
export interface Candidate {
  /** τ: first index of the right-hand part, in the coordinates of the array given. */
  index: number;
  qhat: number;
}

export class DivergenceCalculator {
  private cv: Float64Array;
  private rowAcc: Float64Array;
  private suffix: Float64Array;
  private firstNaNColumn: Int32Array;
  /**
   * The B and C coefficients of Otava's Q matrix, (2(κ−τ))/((κ−s)(τ−s−1)) and (2(τ−s))/((κ−s)(κ−τ−1)),
   * precomputed for intervals up to `tableSize` (the same doubles as dividing each time).
   */
  private readonly tableSize: number;
  private readonly coefB: Float64Array;
  private readonly coefC: Float64Array;

  constructor(capacity: number, tableSize = Math.min(capacity, 256)) {
    this.tableSize = tableSize;
    this.coefB = new Float64Array(tableSize * tableSize);
    this.coefC = new Float64Array(tableSize * tableSize);
    for (let j = 0; j < tableSize; j++) {
      for (let i = 0; i <= j; i++) {
        if (i > 0) this.coefB[i * tableSize + j] = (2 * (j - i + 1)) / ((j + 2) * i);
        if (i < j) this.coefC[i * tableSize + j] = (2 * (i + 1)) / ((j + 2) * (j - i));
      }
    }
    this.cv = new Float64Array(capacity);
    this.rowAcc = new Float64Array(capacity);
    this.suffix = new Float64Array(capacity);
    this.firstNaNColumn = new Int32Array(capacity);
  }

  private ensureCapacity(n: number): void {
    if (n <= this.cv.length) return;
    this.cv = new Float64Array(n);
    this.rowAcc = new Float64Array(n);
    this.suffix = new Float64Array(n);
    this.firstNaNColumn = new Int32Array(n);
  }

  /**
   * Best split of `x[s:e)` (e − s ≥ 2). `x` is the series the calculator would be built on in Otava (the
   * window): the column sums start at `x[0]`, which matters for rounding and for NaN propagation.
   * `mayHaveNonFinite` selects numpy's NaN semantics (pass true when `x` holds a NaN or ±Infinity).
   */
  candidate(x: ArrayLike<number>, s: number, e: number, mayHaveNonFinite: boolean): Candidate {
    const m = e - s - 1;
    this.ensureCapacity(m);
    const { cv, rowAcc, suffix, firstNaNColumn, coefB, coefC } = this;
    const stride = this.tableSize;
    const tabulated = m <= stride;

    let bestQ = 0;
    let bestI = 0;
    if (mayHaveNonFinite) firstNaNColumn.fill(-1, 0, m);

    for (let j = 0; j < m; j++) {
      const col = s + j + 1;
      const xc = x[col];
      // V[j] = Σ_{r<col} D(r, col) − Σ_{r<s} D(r, col), both sums from row 0 as Otava's
      // `self.V[start:end] - distances[0:start, ...].sum(axis=0)`; CV = its cumulative sum. Row j of the
      // Q matrix needs CV only up to j − 1, so it can be built column by column.
      let acc = 0;
      for (let r = 0; r < s; r++) acc += Math.abs(x[r] - xc);
      const head = acc;
      // rowAcc[t] = H(s+t, col) = Σ_{u=s+t+1..col} D(s+t, u), accumulated left to right like numpy's cumsum.
      rowAcc[j] = 0;
      for (let t = 0; t <= j; t++) {
        const d = Math.abs(x[s + t] - xc);
        rowAcc[t] += d;
        acc += d;
      }
      const v = acc - head;
      cv[j] = j === 0 ? v : cv[j - 1] + v;
      // suffix[i] = Σ_{t=j..i+1} rowAcc[t], summed from the bottom (Otava's flipped cumsum).
      let suf = 0;
      for (let t = j; t >= 1; t--) {
        suf += rowAcc[t];
        suffix[t - 1] = suf;
      }
      const kappaOffset = j + 2;
      const coefA = 2 / kappaOffset;
      let ch = 0;
      for (let i = 0; i <= j; i++) {
        ch = i === 0 ? rowAcc[0] : ch + rowAcc[i];
        let q: number;
        if (i === 0) {
          q = coefA * ch;
        } else {
          const prev = cv[i - 1];
          const b = tabulated ? coefB[i * stride + j] : (2 * (j - i + 1)) / (kappaOffset * i);
          q = coefA * (ch - prev) - b * prev;
        }
        if (i < j) q -= (tabulated ? coefC[i * stride + j] : (2 * (i + 1)) / (kappaOffset * (j - i))) * suffix[i];
        if (j === 0) {
          bestQ = q; // (0, 0) is the first entry in row-major order
        } else if (q > bestQ || (q === bestQ && i < bestI)) {
          // Columns are visited in increasing κ, so an equal value wins only with a smaller τ.
          bestQ = q;
          bestI = i;
        }
        if (mayHaveNonFinite && Number.isNaN(q) && firstNaNColumn[i] < 0) firstNaNColumn[i] = j;
      }
    }

    if (mayHaveNonFinite) {
      // np.argmax returns the first NaN in row-major order. Below the diagonal Otava's matrix holds
      // 0·CV[i−1] (from B) for κ-columns ≥ 1, which is NaN when CV[i−1] is not finite.
      for (let i = 0; i < m; i++) {
        if (i >= 2 && !Number.isFinite(cv[i - 1])) return { index: s + 1 + i, qhat: NaN };
        if (firstNaNColumn[i] >= 0) return { index: s + 1 + i, qhat: NaN };
      }
    }
    return { index: s + 1 + bestI, qhat: bestQ };
  }
}
