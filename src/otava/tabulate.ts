import { padLeft, padRight, pyGeneral } from './py-format.js';

/**
 * Python tabulate's `simple` table as Otava prints it (`tabulate(table, headers=…)` with the defaults:
 * floats as `format(x, 'g')`, numbers aligned on the decimal point and right-aligned, text left-aligned,
 * columns at least two wider than their header, two spaces between columns, rows right-stripped).
 *
 * A cell is a JavaScript number (a Python float, as Otava's metric values always are), a string (an
 * attribute as read from the file — tabulate parses numeric-looking text as a number) or null (missing).
 *
 * @example
 * tabulateSimple([{ header: 'value', cells: [99.90347, 100.517] }]);
 * // 'value\n--------\n 99.9035\n100.517'  (rows right-stripped)
 */
export type Cell = number | string | null;

export interface Column {
  header: string;
  cells: Cell[];
}

/** tabulate's column types, in its order of generality. */
const enum Kind {
  None = 0,
  Bool = 1,
  Int = 2,
  Float = 3,
  Str = 5,
}

const INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(?:(?:\d+(?:_\d+)*)?\.\d+(?:_\d+)*|\d+(?:_\d+)*\.?)(?:[eE][+-]?\d+(?:_\d+)*)?\s*$/;
const SPECIAL_FLOAT_TEXT = /^\s*[+-]?(?:inf|infinity|nan)\s*$/i;

/** Python's `float(text)` succeeds. */
function convertibleToFloat(text: string): boolean {
  return FLOAT_TEXT.test(text) || SPECIAL_FLOAT_TEXT.test(text);
}

/** tabulate's `_isnumber`: float() succeeds, and infinities/NaN only when spelled inf, -inf or nan. */
function isNumberText(text: string): boolean {
  if (!convertibleToFloat(text)) return false;
  if (SPECIAL_FLOAT_TEXT.test(text)) return ['inf', '-inf', 'nan'].includes(text.toLowerCase());
  return true;
}

function kindOf(cell: Cell): Kind {
  if (cell === null) return Kind.None;
  if (typeof cell === 'number') return Kind.Float;
  if (cell === 'True' || cell === 'False') return Kind.Bool;
  if (INT_TEXT.test(cell)) return Kind.Int;
  if (isNumberText(cell)) return Kind.Float;
  return Kind.Str;
}

function columnKind(cells: Cell[]): Kind {
  // reduce(_more_generic, types, bool): an empty or all-missing column counts as bool (text-aligned)
  return cells.reduce<Kind>((kind, cell) => Math.max(kind, kindOf(cell)), Kind.Bool);
}

function pythonFloat(text: string): number {
  const t = text.trim().replace(/_/g, '').toLowerCase();
  if (t.endsWith('nan')) return NaN;
  if (t.endsWith('inf') || t.endsWith('infinity')) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

function formatCell(cell: Cell, kind: Kind): string {
  if (cell === null) return '';
  if (kind === Kind.Float) return pyGeneral(typeof cell === 'number' ? cell : pythonFloat(cell));
  if (typeof cell === 'number') return pyGeneral(cell);
  return cell;
}

/** tabulate's `_afterpoint`: digits after the decimal point (or after the exponent mark), -1 for none. */
function afterPoint(text: string): number {
  if (!isNumberText(text)) return -1;
  if (INT_TEXT.test(text)) return -1;
  let at = text.lastIndexOf('.');
  if (at < 0) at = text.toLowerCase().lastIndexOf('e');
  return at >= 0 ? text.length - at - 1 : -1;
}

function width(text: string): number {
  return [...text].length;
}

export function tabulateSimple(columns: Column[]): string {
  const laidOut = columns.map((column) => {
    const kind = columnKind(column.cells);
    const numeric = kind === Kind.Int || kind === Kind.Float;
    let texts = column.cells.map((cell) => formatCell(cell, kind));
    if (numeric) {
      const decimals = texts.map(afterPoint);
      const most = Math.max(...decimals);
      texts = texts.map((t, i) => t + ' '.repeat(most - decimals[i]));
    }
    const columnWidth = Math.max(width(column.header) + 2, ...texts.map(width));
    const pad = numeric ? padLeft : padRight;
    return { header: pad(column.header, columnWidth), cells: texts.map((t) => pad(t, columnWidth)), columnWidth };
  });
  const rowCount = columns.length ? columns[0].cells.length : 0;
  const lines = [
    laidOut.map((c) => c.header).join('  ').trimEnd(),
    laidOut.map((c) => '-'.repeat(c.columnWidth)).join('  '),
  ];
  for (let row = 0; row < rowCount; row++) lines.push(laidOut.map((c) => c.cells[row]).join('  ').trimEnd());
  return lines.join('\n');
}
