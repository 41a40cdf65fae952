/**
 * A plain aligned text table, the shape every `--output table` uses.
 *
 * @example
 * renderTable(['uuid', 'value'], [['a', '1'], ['bb', '22']])
 * // uuid  value
 * // ----  -----
 * // a     1
 * // bb    22
 */
export function renderTable(headers: string[], rows: Array<Array<string | number | null | undefined>>, align?: Array<'left' | 'right'>): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (align?.[i] === 'right' ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...cells.map(fmt)].join('\n');
}
