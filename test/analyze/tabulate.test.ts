/** Python `format(x, 'g')` and tabulate's psql layout, which Orion's JUnit tables are matched against. */
import { describe, expect, it } from 'vitest';
import { formatG, tabulate } from '../../src/output/tabulate.js';

describe('tabulate', () => {
  it('formats numbers like Python g', () => {
    expect(formatG(404.54906169952494)).toBe('404.549');
    expect(formatG(6.56990158772839)).toBe('6.5699');
    expect(formatG(0)).toBe('0');
    expect(formatG(0.0001)).toBe('0.0001');
    expect(formatG(0.00001234)).toBe('1.234e-05');
    expect(formatG(1234567)).toBe('1.23457e+06');
    expect(formatG(-2.5)).toBe('-2.5');
  });

  it('pads columns to header + 2, right-aligns numbers on the decimal point, left-aligns booleans', () => {
    const out = tabulate(['', 'is_changepoint', 'percentage_change'], [[0, false, 0], [1, true, 160.879]], 'psql').split('\n');
    expect(out[0]).toBe('+----+------------------+---------------------+');
    expect(out[3]).toBe('|  0 | False            |               0     |');
    expect(out[4]).toBe('|  1 | True             |             160.879 |');
  });
});
