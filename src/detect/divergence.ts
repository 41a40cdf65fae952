/**
 * The E-divisive divergence Q̂ (α = 1) of every split of an interval, maximised as Otava 0.8 does it
 * (`PairDistanceCalculator`): over τ *and* κ, first maximum in row-major (τ, κ) order, NaN winning as in
 * `np.argmax`. The sums are accumulated in the same order as Otava's numpy cumulative sums, so the
 * values — and therefore ties — round exactly as Otava's do.
 *
 * For an interval of length L the cost is O(L²) time and O(L) memory; no distance matrix is stored. Per
 * column κ one forward pass updates the row sums and their prefix sums, and one backward pass builds the
 * suffix sums while it scores every τ of the column (same additions, in the same order, as numpy's).
 *
 * @example
 * const calc = new DivergenceCalculator(50);
 * calc.candidate(Float64Array.of(1, 1, 1, 5, 5, 5), 0, 0, 6, false) // → { index: 3, qhat: … }
 */
export interface Candidate {
  /** τ: first index of the right-hand part, in the coordinates of the array given. */
  index: number;
  qhat: number;
}

/** Intervals up to this length use precomputed Q coefficients; longer ones divide row by row. */
const MAX_TABLE_SIZE = 256;

/**
 * The B and C coefficients of Otava's Q matrix for row τ-index i and column κ-index j,
 * B = (2(j−i+1))/((j+2)·i) and C = (2(i+1))/((j+2)(j−i)) — the same doubles as dividing each time —
 * stored column-major and interleaved (B at `2(j·size + i)`, C right after) so the scan of a column reads
 * one contiguous run.
 */
interface CoefficientTable {
  size: number;
  coefBC: Float64Array;
}

/** One table per size, shared by every calculator (they are read-only once built). */
const tables = new Map<number, CoefficientTable>();

function coefficientTable(size: number): CoefficientTable {
  let table = tables.get(size);
  if (table === undefined) {
    const coefBC = new Float64Array(2 * size * size);
    for (let j = 0; j < size; j++) fillColumnCoefficients(j, coefBC, 2 * j * size);
    table = { size, coefBC };
    tables.set(size, table);
  }
  return table;
}

function fillColumnCoefficients(j: number, coefBC: Float64Array, base: number): void {
  for (let i = 0; i <= j; i++) {
    coefBC[base + 2 * i] = i > 0 ? (2 * (j - i + 1)) / ((j + 2) * i) : 0;
    coefBC[base + 2 * i + 1] = i < j ? (2 * (i + 1)) / ((j + 2) * (j - i)) : 0;
  }
}

/**
 * The running best of one scan: after column j, `qhat[j]` and `tau[j]` are the best split of
 * `w[s : s+j+2)` (τ relative to s). A fresh scan of that shorter interval would do the very same
 * arithmetic on the same columns, so these are exactly its candidate (finite data only: the NaN rules
 * look at the whole interval).
 */
export interface ScanRecord {
  qhat: Float64Array;
  tau: Int32Array;
}

export function newScanRecord(capacity: number): ScanRecord {
  return { qhat: new Float64Array(capacity), tau: new Int32Array(capacity) };
}

/**
 * Working arrays of a scan. Nothing in them outlives a `candidate` call and the engine is synchronous, so
 * every calculator shares one set, grown to the longest interval seen (no allocation per analysis).
 */
const scratch = {
  /** shifted cumulative V: `cvBefore[i]` = CV[i − 1], the value row i of the Q matrix uses */
  cvBefore: new Float64Array(0),
  rowAcc: new Float64Array(0),
  /** prefix sums of `rowAcc` for the current column */
  prefix: new Float64Array(0),
  firstNaNColumn: new Int32Array(0),
  /** coefficients of one column, for intervals longer than the table */
  columnBC: new Float64Array(0),
};

function growScratch(n: number): void {
  if (n <= scratch.rowAcc.length) return;
  scratch.cvBefore = new Float64Array(n + 1);
  scratch.rowAcc = new Float64Array(n);
  scratch.prefix = new Float64Array(n);
  scratch.firstNaNColumn = new Int32Array(n);
  scratch.columnBC = new Float64Array(2 * n);
}

export class DivergenceCalculator {
  private readonly table: CoefficientTable;

  constructor(capacity: number) {
    this.table = coefficientTable(Math.min(capacity, MAX_TABLE_SIZE));
  }

  /**
   * Best split of `w[s:e)` (e − s ≥ 2) where `w` is `x` from `origin` on (a window, without the cost of a
   * subarray view). `w` is the series the calculator would be built on in Otava: the column sums start at
   * `w[0]`, which matters for rounding and for NaN propagation. `mayHaveNonFinite` selects numpy's NaN
   * semantics (pass true when `w[0:e)` may hold a NaN or ±Infinity). `record`, when given (and at least
   * e − s − 1 long), receives the running best after every column.
   */
  candidate(x: Float64Array, origin: number, s: number, e: number, mayHaveNonFinite: boolean, record?: ScanRecord): Candidate {
    const m = e - s - 1;
    growScratch(m);
    const { cvBefore, rowAcc, prefix, firstNaNColumn } = scratch;
    const tabulated = m <= this.table.size;
    const coefBC = tabulated ? this.table.coefBC : scratch.columnBC;
    const stride = tabulated ? 2 * this.table.size : 0;

    let bestQ = 0;
    let bestI = 0;
    if (mayHaveNonFinite) firstNaNColumn.fill(-1, 0, m);

    for (let j = 0; j < m; j++) {
      const xc = x[origin + s + j + 1];
      // V[j] = Σ_{r<col} D(r, col) − Σ_{r<s} D(r, col), both sums from row 0 as Otava's
      // `self.V[start:end] - distances[0:start, ...].sum(axis=0)`; CV = its cumulative sum. Row j of the
      // Q matrix needs CV only up to j − 1, so it can be built column by column.
      let acc = 0;
      for (let r = origin; r < origin + s; r++) acc += Math.abs(x[r] - xc);
      const head = acc;
      // rowAcc[t] = H(s+t, col) = Σ_{u=s+t+1..col} D(s+t, u), accumulated left to right like numpy's
      // cumsum; prefix[t] = Σ_{u≤t} rowAcc[u], also left to right.
      rowAcc[j] = 0;
      let ch = 0;
      const first = origin + s;
      for (let t = 0; t <= j; t++) {
        const d = Math.abs(x[first + t] - xc);
        const row = rowAcc[t] + d;
        rowAcc[t] = row;
        acc += d;
        ch += row;
        prefix[t] = ch;
      }
      const v = acc - head;
      cvBefore[j + 1] = j === 0 ? v : cvBefore[j] + v;
      if (j === 0) {
        bestQ = prefix[0]; // (0, 0) is the first entry in row-major order: q = (2 / 2) · CH[0]
        if (mayHaveNonFinite && Number.isNaN(bestQ)) firstNaNColumn[0] = 0;
        if (record) {
          record.qhat[0] = bestQ;
          record.tau[0] = 0;
        }
        continue;
      }

      const coefA = 2 / (j + 2);
      const base = j * stride;
      if (!tabulated) fillColumnCoefficients(j, coefBC, 0);
      // τ from j down to 0: `suffix` = Σ_{t=j..i+1} rowAcc[t], summed from the bottom (Otava's flipped
      // cumsum). Within one column every τ is distinct, so the visiting order cannot change the winner:
      // a value equal to the best wins only with a smaller τ (columns come in increasing κ).
      const cvPrev = cvBefore[j];
      let q = coefA * (prefix[j] - cvPrev) - coefBC[base + 2 * j] * cvPrev;
      if (q > bestQ || (q === bestQ && j < bestI)) {
        bestQ = q;
        bestI = j;
      }
      if (mayHaveNonFinite && Number.isNaN(q) && firstNaNColumn[j] < 0) firstNaNColumn[j] = j;
      let suffix = rowAcc[j];
      for (let i = j - 1; i >= 1; i--) {
        const prev = cvBefore[i];
        const at = base + 2 * i;
        q = coefA * (prefix[i] - prev) - coefBC[at] * prev - coefBC[at + 1] * suffix;
        if (q >= bestQ && (q > bestQ || i < bestI)) {
          bestQ = q;
          bestI = i;
        }
        if (mayHaveNonFinite && Number.isNaN(q) && firstNaNColumn[i] < 0) firstNaNColumn[i] = j;
        suffix += rowAcc[i];
      }
      q = coefA * prefix[0] - coefBC[base + 1] * suffix;
      if (q > bestQ || (q === bestQ && bestI > 0)) {
        bestQ = q;
        bestI = 0;
      }
      if (mayHaveNonFinite && Number.isNaN(q) && firstNaNColumn[0] < 0) firstNaNColumn[0] = j;
      if (record) {
        record.qhat[j] = bestQ;
        record.tau[j] = bestI;
      }
    }

    if (mayHaveNonFinite) {
      // np.argmax returns the first NaN in row-major order. Below the diagonal Otava's matrix holds
      // 0·CV[i−1] (from B) for κ-columns ≥ 1, which is NaN when CV[i−1] is not finite.
      for (let i = 0; i < m; i++) {
        if (i >= 2 && !Number.isFinite(cvBefore[i])) return { index: s + 1 + i, qhat: NaN };
        if (firstNaNColumn[i] >= 0) return { index: s + 1 + i, qhat: NaN };
      }
    }
    return { index: s + 1 + bestI, qhat: bestQ };
  }
}
