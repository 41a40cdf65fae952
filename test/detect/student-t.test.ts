import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { studentTwoSidedPValue } from '../../src/detect/student-t.js';
import { pooledTTestPValue } from '../../src/detect/ttest.js';
import { FIXTURES } from './golden.js';

const reference = JSON.parse(readFileSync(FIXTURES + 'student-t-scipy.json', 'utf8')) as {
  rows: { t: number; df: number; p: number }[];
};

describe('Student-t survival function', () => {
  it('matches scipy within 1e-6 relative down to 1e-300', () => {
    const bad = reference.rows.filter((r) => {
      const p = studentTwoSidedPValue(r.t, r.df);
      return !(Math.abs(p - r.p) <= 1e-6 * r.p);
    });
    expect(reference.rows.some((r) => r.p < 1e-300)).toBe(true);
    expect(bad.map((r) => `${r.t},${r.df}: ${studentTwoSidedPValue(r.t, r.df)} vs ${r.p}`)).toEqual([]);
  });

  it('is symmetric in t and handles the edges like scipy', () => {
    expect(studentTwoSidedPValue(-2.5, 7)).toBe(studentTwoSidedPValue(2.5, 7));
    expect(studentTwoSidedPValue(0, 7)).toBe(1);
    expect(studentTwoSidedPValue(Infinity, 7)).toBe(0);
    expect(studentTwoSidedPValue(NaN, 7)).toBeNaN();
  });

  it('pooled t-test: zero variance gives p = 0 (different means) or NaN (equal means); ≤ 2 points give 1', () => {
    expect(pooledTTestPValue(1, 0, 2, 5, 0, 1)).toBe(0);
    expect(pooledTTestPValue(1, 0, 2, 1, 0, 3)).toBeNaN();
    expect(pooledTTestPValue(1, 0, 1, 5, 0, 1)).toBe(1);
  });
});
