/**
 * Splits one CSV line into fields (RFC 4180 quoting: `"a,b"`, `""` for a quote). Returns an error
 * message for an unterminated quote instead of guessing.
 *
 * @example
 * splitCsvLine('1,"a,b",x') // → { fields: ['1', 'a,b', 'x'] }
 */
export function splitCsvLine(line: string, delimiter = ','): { fields: string[] } | { error: string } {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) return { error: 'unterminated quoted field' };
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      fields.push(value);
      if (i < line.length && line[i] !== delimiter) return { error: `unexpected character after a quoted field at column ${fields.length}` };
    } else {
      const next = line.indexOf(delimiter, i);
      fields.push(next === -1 ? line.slice(i) : line.slice(i, next));
      i = next === -1 ? line.length : next;
    }
    if (i >= line.length) break;
    i++; // the delimiter
    if (i === line.length) {
      fields.push('');
      break;
    }
  }
  return { fields };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity)$/i;

/**
 * The number in a CSV cell as Otava reads one: empty (or blank) is "no value" (null), `nan` is NaN,
 * `inf`/`infinity` with an optional sign are ±Infinity, decimal and exponent forms are numbers; anything
 * else (`0x10`, `12ms`, `v1.2`) is no number (undefined).
 *
 * @example
 * [' 1.5e3', '', 'nan', '-inf', '0x10'].map(parseNumberCell) // → [1500, null, NaN, -Infinity, undefined]
 */
export function parseNumberCell(cell: string): number | null | undefined {
  const text = cell.trim();
  if (text === '') return null;
  if (text.toLowerCase() === 'nan') return NaN;
  if (!NUMBER.test(text)) return undefined;
  const lower = text.toLowerCase();
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}
