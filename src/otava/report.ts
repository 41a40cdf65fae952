/**
 * Otava's three report formats (`--output log|json|regressions_only`), byte for byte as Otava 0.8's
 * `report.py` prints them: the annotated `tabulate` log, `json.dumps` of the change point groups with
 * numbers rounded to text, and the regressions summary.
 *
 * @example
 * process.stdout.write(formatReport(series, groups, 'log') + '\n');
 */
import type { ChangePoint } from '../detect/types.js';
import { padLeft, padRight, pyFixed, pyGeneral, pySignedFixed } from './py-format.js';
import type { OtavaSeries } from './series.js';
import { tabulateSimple, type Column } from './tabulate.js';

export type ReportFormat = 'log' | 'json' | 'regressions_only';

/** The change points of one time across metrics (Otava's ChangePointGroup). */
export interface ChangePointGroup {
  index: number;
  time: number;
  attributes: Map<string, string | null>;
  /** metric name → its change point, in the series' metric order */
  changes: Map<string, ChangePoint>;
}

/** `datetime.fromtimestamp(ts, UTC).strftime('%Y-%m-%d %H:%M:%S %z')` */
export function formatTimestamp(seconds: number): string {
  const d = new Date(Math.floor(seconds) * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** Otava's `remove_common_prefix`: the dotted components all names share, except each name's last, dropped. */
export function removeCommonPrefix(names: string[], separator = '.'): string[] {
  if (names.length === 0) return names;
  const split = names.map((n) => n.split(separator));
  const shortest = Math.min(...split.map((s) => s.length));
  let prefix = 0;
  while (prefix + 1 < shortest && split.every((s) => s[prefix] === split[0][prefix])) prefix++;
  return split.map((s) => s.slice(prefix).join(separator));
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

function logReport(series: OtavaSeries, groups: ChangePointGroup[]): string {
  const attributeNames = [...series.attributes.keys()];
  const metricNames = [...series.data.keys()];
  // tabulate(dict, headers): the dict's columns in order, later keys replacing earlier ones of the same name
  const cells = new Map<string, Column['cells']>([['time', series.time.map(formatTimestamp)]]);
  for (const [name, values] of series.attributes) cells.set(name, values);
  for (const [name, values] of series.data) cells.set(name, values);
  const headers = unique(['time', ...attributeNames, ...removeCommonPrefix(metricNames)]);
  const columns: Column[] = [...cells.values()].map((c, i) => ({ header: headers[i] ?? '', cells: c }));
  const lines = tabulateSimple(columns).split('\n');
  const widths = lines[1].split(/\s+/).filter(Boolean).map((dashes) => dashes.length);
  const columnNames = unique(['time', ...attributeNames, ...metricNames]);
  const separators = new Map<number, string>();
  for (const group of groups) {
    let rule = '';
    let info = '';
    columnNames.forEach((name, i) => {
      const width = widths[i];
      const change = group.changes.get(name);
      if (change) {
        rule += '·'.repeat(width) + '  ';
        info += padLeft(`${pySignedFixed(change.forwardChangePercent, 1)}%`, width) + '  ';
      } else {
        rule += ' '.repeat(width + 2);
        info += ' '.repeat(width + 2);
      }
    });
    if (!separators.has(group.index)) separators.set(group.index, `${rule}\n${info}\n${rule}`);
  }
  const out = lines.slice(0, 2);
  lines.slice(2).forEach((line, i) => {
    const separator = separators.get(i);
    if (separator !== undefined) out.push(separator);
    out.push(line);
  });
  return out.join('\n');
}

/** `json.dumps` of a string: ASCII only, as Python writes it. */
export function pyJsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += text[i];
  }
  return out + '"';
}

/** Python's `repr` of a time as json.dumps writes it: ints as they are, floats with a point. */
function pyJsonTime(seconds: number, isFloat: boolean): string {
  if (!isFloat) return String(seconds);
  if (!Number.isFinite(seconds)) return Number.isNaN(seconds) ? 'NaN' : seconds > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(seconds) && Math.abs(seconds) < 1e16 ? `${seconds}.0` : String(seconds);
}

function jsonReport(testName: string, series: OtavaSeries, groups: ChangePointGroup[]): string {
  const time = (t: number): string => pyJsonTime(t, series.floatTimes === true);
  const groupJson = groups.map((group) => {
    const attributes = [...group.attributes].map(([k, v]) => `${pyJsonString(k)}: ${v === null ? 'null' : pyJsonString(v)}`).join(', ');
    const changes = [...group.changes].map(([metric, cp]) =>
      [
        `"metric": ${pyJsonString(metric)}`,
        `"index": ${cp.index}`,
        `"time": ${time(series.time[cp.index])}`,
        `"forward_change_percent": "${pyFixed(cp.forwardChangePercent, 0)}"`,
        `"magnitude": "${pyFixed(cp.magnitude)}"`,
        `"mean_before": "${pyFixed(cp.meanBefore)}"`,
        `"stddev_before": "${pyFixed(cp.stddevBefore)}"`,
        `"mean_after": "${pyFixed(cp.meanAfter)}"`,
        `"stddev_after": "${pyFixed(cp.stddevAfter)}"`,
        `"pvalue": "${pyFixed(cp.pvalue)}"`,
      ].join(', '),
    );
    return `{"time": ${time(group.time)}, "attributes": {${attributes}}, "changes": [${changes.map((c) => `{${c}}`).join(', ')}]}`;
  });
  return `{${pyJsonString(testName)}: [${groupJson.join(', ')}]}`;
}

function regressionsReport(testName: string, series: OtavaSeries, groups: ChangePointGroup[]): string {
  const out: string[] = [];
  for (const group of groups) {
    const lines: string[] = [];
    for (const [metric, cp] of group.changes) {
      const direction = series.metrics.get(metric)?.direction ?? 1;
      if (direction * cp.forwardChangePercent >= 0 || Number.isNaN(cp.forwardChangePercent)) continue;
      lines.push(
        `    ${padRight(metric, 16)}:\t${padLeft(pyGeneral(cp.meanBefore, 3, true), 8)}\t--> ${padLeft(pyGeneral(cp.meanAfter, 3, true), 8)}\t(${padLeft(pySignedFixed(cp.forwardChangePercent, 1), 6)}%)`,
      );
    }
    if (lines.length) out.push(formatTimestamp(group.time), ...lines);
  }
  return out.length ? `Regressions in ${testName}:\n${out.join('\n')}` : `No regressions found in ${testName}.`;
}

export function formatReport(testName: string, series: OtavaSeries, groups: ChangePointGroup[], format: ReportFormat): string {
  if (format === 'json') return jsonReport(testName, series, groups);
  if (format === 'regressions_only') return regressionsReport(testName, series, groups);
  return logReport(series, groups);
}
