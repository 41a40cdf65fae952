/**
 * The two Python `tabulate` layouts Orion's outputs use, reproduced closely enough that text matching
 * Orion's (`| True             |             160.879 |`) matches ours: `psql` (JUnit failure tables) and
 * `outline` (the regression summary). Rules kept from tabulate: every column is at least its header + 2
 * wide; numbers are formatted with `g` (6 significant digits), right-aligned with their decimal points
 * lined up; other cells, booleans included, are left-aligned.
 *
 * @example
 * tabulate(['a', 'n'], [['x', 1.5], ['y', 10]], 'psql');
 */
export type Cell = string | number | boolean | null | undefined;
export type TableFormat = 'psql' | 'outline';

/** Python's `format(x, 'g')`: 6 significant digits, trailing zeros dropped, exponent outside [1e-4, 1e6). */
export function formatG(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(6)))));
  if (exponent < -4 || exponent >= 6) {
    const [mantissa, exp] = value.toExponential(5).split('e');
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const e = Number(exp);
    return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const fixed = value.toFixed(Math.max(0, 5 - exponent));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

export function tabulate(headers: string[], rows: Cell[][], format: TableFormat): string {
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => isNumberCell(r[i])) && rows.some((r) => typeof r[i] === 'number'));
  const columns = headers.map((header, i) => {
    const texts = rows.map((r) => cellText(r[i]));
    const aligned = numeric[i] ? alignDecimal(texts) : texts;
    const width = Math.max(header.length + 2, ...aligned.map((t) => t.length));
    return { header, width, cells: aligned, right: numeric[i] };
  });
  const pad = (text: string, width: number, right: boolean) => (right ? text.padStart(width) : text.padEnd(width));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const headerLine = line(columns.map((c) => pad(c.header, c.width, c.right)));
  const bodyLines = rows.map((_, r) => line(columns.map((c) => pad(c.cells[r], c.width, c.right))));
  const rule = (fill: string, edge: string, cross: string) => edge + columns.map((c) => fill.repeat(c.width + 2)).join(cross) + edge;
  if (format === 'psql') {
    return [rule('-', '+', '+'), headerLine, rule('-', '|', '+'), ...bodyLines, rule('-', '+', '+')].join('\n');
  }
  return [rule('-', '+', '+'), headerLine, rule('=', '+', '+'), ...bodyLines, rule('-', '+', '+')].join('\n');
}

function isNumberCell(cell: Cell): boolean {
  return typeof cell === 'number' || cell === null || cell === undefined;
}

function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return formatG(cell);
  if (typeof cell === 'boolean') return cell ? 'True' : 'False';
  return cell;
}

/** tabulate's decimal alignment: pad on the right so that the decimal points line up. */
function alignDecimal(texts: string[]): string[] {
  const after = texts.map((t) => {
    if (t === '') return -1;
    const dot = t.lastIndexOf('.');
    const pos = dot >= 0 ? dot : t.toLowerCase().lastIndexOf('e');
    return pos >= 0 ? t.length - pos - 1 : -1;
  });
  const max = Math.max(...after);
  return texts.map((t, i) => (t === '' ? t : t + ' '.repeat(max - after[i])));
}
